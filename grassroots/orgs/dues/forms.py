"""Forms of the dues pages: they parse what the dues officer types; the services judge it
(amounts, months, closed months) and the view puts their refusals on the form."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import DateInput, StyledForm
from grassroots.orgs.dues.models import DuesBase, DuesPayment


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (a native month picker): its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: Any) -> datetime.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class KeyedForm(StyledForm):
    """A form whose double submit records once: a fresh key is hidden in it."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


def _method_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("How it was paid"), choices=DuesPayment.Method.choices)


def _day_field() -> forms.DateField:
    return forms.DateField(label=_("Day paid"), widget=DateInput())


class PaymentForm(KeyedForm):
    """One member's payment of one or more months' bills."""

    months = forms.MultipleChoiceField(label=_("Months paid"), widget=forms.CheckboxSelectMultiple)
    method = _method_field()
    paid_on = _day_field()

    def __init__(self, *args: Any, months: list[datetime.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [(f"{m:%Y-%m}", f"{m:%Y-%m}") for m in months]  # type: ignore[attr-defined]

    def chosen_months(self) -> list[datetime.date]:
        return [
            datetime.date(int(value[:4]), int(value[5:7]), 1)
            for value in self.cleaned_data.get("months", [])
        ]


class BatchForm(KeyedForm):
    """Many members' bills of the month paid the same way on the same day."""

    members = forms.MultipleChoiceField(
        label=_("Members whose bill of the month is paid"), widget=forms.CheckboxSelectMultiple
    )
    method = _method_field()
    paid_on = _day_field()

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(str(pk), label) for pk, label in members]  # type: ignore[attr-defined]

    def chosen_members(self) -> list[int]:
        return [int(value) for value in self.cleaned_data.get("members", [])]


class ReverseForm(StyledForm):
    reason = forms.CharField(
        label=_("Why the payment is reversed"),
        max_length=500,
        help_text=_(
            "The payment stays in the ledger; a reversing entry with this reason is added."
        ),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the payment is reversed."))
        return reason


class VoluntaryForm(KeyedForm):
    member = forms.ChoiceField(label=_("Member"))
    amount = forms.DecimalField(
        label=_("Amount (元)"), max_digits=12, decimal_places=2, min_value=0
    )
    method = _method_field()
    paid_on = _day_field()

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose a member")), *((str(pk), label) for pk, label in members)]
        self.fields["member"].choices = choices  # type: ignore[attr-defined]


class BaseForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of member"), choices=DuesBase.Kind.choices)
    amount = forms.DecimalField(
        label=_("Monthly base (元)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=_("After-tax fixed pay, or the pension; for a farmer the monthly amount due."),
    )
    from_month = MonthField(label=_("From month (YYYY-MM)"))


class QuarterlyForm(KeyedForm):
    """The branch's decision on a member's quarterly payment, as the dues officer
    records it."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("The branch approved quarterly payment")),
            ("revoke", _("The branch revoked quarterly payment")),
        ],
        widget=forms.RadioSelect,
        initial="approve",
    )
    from_month = MonthField(label=_("From month (YYYY-MM)"))
    decided_on = forms.DateField(label=_("Day of the decision"), widget=DateInput())
    decided_by = forms.CharField(
        label=_("Decided by"),
        max_length=200,
        help_text=_("For example: the branch committee's meeting."),
    )


class ArrearsReasonForm(KeyedForm):
    reason = forms.CharField(
        label=_("The proper reason why the member is behind"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example a long illness. It silences the six-month flag for this run of "
            "arrears, not the warnings; it removes nothing."
        ),
    )
