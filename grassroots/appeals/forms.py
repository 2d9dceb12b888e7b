from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import User
from grassroots.appeals.models import Appeal, Category, Satisfaction, Urgency
from grassroots.core.forms import StyledForm
from grassroots.orgs.fields import DepartmentChoiceField, UnitChoiceField
from grassroots.orgs.models import Department, OrgUnit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the view."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def _files_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Photos or documents (optional)"),
        help_text=_("Up to 5 files: photos (JPEG, PNG) or PDF, each at most 5 MB."),
    )


class AppealForm(StyledForm):
    """Raising an appeal: the same fields for the signed-in, anonymous and on-behalf forms."""

    category = forms.ModelChoiceField(
        label=_("What is it about?"), queryset=Category.objects.none(), empty_label=_("Choose…")
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=100,
        help_text=_("In a few words, e.g. “The canteen queue is too long”."),
    )
    description = forms.CharField(
        label=_("What happened, or what do you need?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    department = DepartmentChoiceField(
        label=_("Department or place concerned"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Not sure / not about one department"),
    )
    place = forms.CharField(label=_("Place (optional)"), max_length=100, required=False)
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        widget=forms.RadioSelect,
        help_text=_("Urgent: safety or someone's livelihood at risk today."),
    )
    attachments = _files_field()
    consent_publish = forms.BooleanField(
        label=_("When it is resolved, it may be shown on the outcome wall without my name"),
        required=False,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class OnBehalfForm(AppealForm):
    employee_number = forms.CharField(
        label=_("Employee number of the worker"),
        max_length=32,
        help_text=_(
            "The worker is the submitter and will see the appeal; you are recorded as who entered it."
        ),
    )
    received_by = forms.ChoiceField(
        label=_("How it reached you"),
        choices=[
            ("phone", _("Phone call")),
            ("visit", _("Visit or in person")),
            ("paper", _("On paper")),
        ],
    )

    field_order = ["employee_number", "received_by"]


class FollowForm(StyledForm):
    tracking_code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=10,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class RatingForm(StyledForm):
    resolved = forms.TypedChoiceField(
        label=_("Was your appeal resolved?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    satisfaction = forms.ChoiceField(
        label=_("How satisfied are you with how it was handled?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SupplementForm(StyledForm):
    text = forms.CharField(
        label=_("Add information"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    attachments = _files_field()


class WithdrawForm(StyledForm):
    reason = forms.CharField(
        label=_("Why do you withdraw it? (optional)"), max_length=1000, required=False
    )


# --- Handling ---------------------------------------------------------------------------------


class AcceptForm(StyledForm):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    note = forms.CharField(
        label=_("Note to the submitter (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(StyledForm):
    reason = forms.CharField(
        label=_("Why it is declined"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    go_to = forms.CharField(label=_("Where to go instead"), max_length=200, required=False)


class TransferForm(StyledForm):
    to_unit = UnitChoiceField(label=_("Transfer to"), queryset=OrgUnit.objects.none())
    reason = forms.CharField(
        label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units  # type: ignore[attr-defined]


class AssignForm(StyledForm):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Member who handles it"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]


class FollowUpForm(StyledForm):
    text = forms.CharField(
        label=_("Progress"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    public = forms.BooleanField(label=_("Show to the submitter"), required=False, initial=True)
    attachments = _files_field()


class CoHandlingForm(StyledForm):
    department = DepartmentChoiceField(
        label=_("Department asked to help"), queryset=Department.objects.none()
    )
    request = forms.CharField(
        label=_("What the department is asked to do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


class CoReplyForm(StyledForm):
    reply = forms.CharField(
        label=_("The department's reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MergeForm(StyledForm):
    into = forms.CharField(
        label=_("Number of the appeal it repeats"), max_length=20, help_text=_("e.g. SQ2026000123")
    )


class AnswerForm(StyledForm):
    text = forms.CharField(
        label=_("Answer to the submitter"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = _files_field()


class PublishForm(StyledForm):
    summary = forms.CharField(
        label=_("Public summary"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Names, employee numbers and phone numbers have been removed; read it once more before publishing."
        ),
    )


class QueueFilterForm(StyledForm):
    view = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("at_risk", _("Due within a day")),
            ("mine", _("Assigned to me")),
            ("all", _("All")),
        ],
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("All categories"),
    )
    q = forms.CharField(label=_("Number or words in the title"), max_length=60, required=False)


__all__ = ["Appeal"]
