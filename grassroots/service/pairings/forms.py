from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.appeals.selectors import categories
from grassroots.core.forms import DateInput, StyledForm
from grassroots.service.models import Pairing, ServiceDomain


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.employee_number}）"


class PairingForm(StyledForm):
    unit = UnitChoiceField(label=_("Branch"), queryset=None)
    member = MemberChoiceField(label=_("Member"), queryset=None)
    employee_number = forms.CharField(
        label=_("Employee number of the colleague to help"),
        max_length=32,
        help_text=_("The colleague is not told through this system that they are paired."),
    )
    reason = forms.ChoiceField(label=_("Kind of difficulty"), choices=Pairing.Reason.choices)
    reason_detail = forms.CharField(
        label=_("About the difficulty"),
        max_length=2000,
        required=False,
        help_text=_("Private: seen only by the member and this branch's officers."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    started_on = forms.DateField(label=_("Paired since"), widget=DateInput())

    def __init__(self, *args: Any, units: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        if len(units) == 1:
            self.fields["unit"].initial = units[0]


class EndForm(StyledForm):
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput())
    end_reason = forms.CharField(
        label=_("Why the pairing ends"),
        max_length=500,
        help_text=_("Private, like the difficulty."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Required in the service, not here: an empty reason gets the service's message.
        self.fields["end_reason"].required = False


class VisitForm(StyledForm):
    date = forms.DateField(label=_("Date of the visit"), widget=DateInput())
    help_given = forms.CharField(
        label=_("Help given"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    needs_heard = forms.CharField(
        label=_("Needs heard"),
        max_length=2000,
        required=False,
        help_text=_("A need can then become an appeal or a practical deed in one step."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The form's one-time key: the same visit sent twice (or from the offline queue) is
    # recorded once.
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class AppealFromVisitForm(StyledForm):
    category = CategoryChoiceField(
        label=_("What the appeal is about"),
        queryset=categories().filter(to_discipline=False),
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("What is needed"),
        max_length=5000,
        help_text=_(
            "Recorded on behalf of the colleague, who can follow it as their own appeal. "
            "Keep to what the handlers need to know."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class DeedFromVisitForm(StyledForm):
    title = forms.CharField(label=_("What will be done"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        max_length=5000,
        required=False,
        help_text=_("Practical deeds are public: do not name the colleague or their difficulty."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    owner = MemberChoiceField(label=_("Responsible"), queryset=None)
    services = forms.MultipleChoiceField(
        label=_("Which of the five services"),
        choices=ServiceDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(label=_("Due by"), widget=DateInput())

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
