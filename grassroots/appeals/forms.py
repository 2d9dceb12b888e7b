"""The appeal pages' forms (private to this app). Raising an appeal uses the public
`intake_form.AppealForm`, which other apps' pages show too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.selectors import no_users
from grassroots.appeals.intake_form import AppealForm, MultipleFileField, files_field
from grassroots.appeals.models import Appeal, Category, Urgency
from grassroots.core.forms import StyledForm
from grassroots.core.satisfaction import Satisfaction
from grassroots.orgs.fields import DepartmentChoiceField, UnitChoiceField
from grassroots.orgs.selectors import no_departments, no_units

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from grassroots.orgs.models import Department, OrgUnit


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
    attachments = files_field()


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
    to_unit = UnitChoiceField(label=_("Transfer to"), queryset=no_units())
    reason = forms.CharField(
        label=_("Why"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units  # type: ignore[attr-defined]


class AssignForm(StyledForm):
    assignee: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Member who handles it"), queryset=no_users()
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]


class FollowUpForm(StyledForm):
    text = forms.CharField(
        label=_("Progress"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    public = forms.BooleanField(label=_("Show to the submitter"), required=False, initial=True)
    attachments = files_field()


class CoHandlingForm(StyledForm):
    department = DepartmentChoiceField(
        label=_("Department asked to help"), queryset=no_departments()
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
    attachments = files_field()


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
            ("to_accept", _("Waiting for acceptance")),
            ("overdue", _("Overdue")),
            ("at_risk", _("Due within a day")),
            ("escalated", _("Escalated")),
            ("mine", _("Open, assigned to me")),
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
    # A dashboard's drill-down (insights): an organisation's id and a period key,
    # checked by the view (the unit picker answers 404 for one out of scope).
    unit = forms.CharField(required=False, max_length=24, widget=forms.HiddenInput)
    submitted = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)


__all__ = ["Appeal", "AppealForm", "MultipleFileField"]
