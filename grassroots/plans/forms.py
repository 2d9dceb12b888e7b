"""Forms of work plans: they check the shape of what is typed; services check the rest."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.selectors import user_by_employee_number
from grassroots.core.forms import DateInput, StyledForm
from grassroots.core.periods import EARLIEST_YEAR, LATEST_YEAR
from grassroots.plans.models import DETAILS_MAX, GOAL_MAX, WHAT_MAX


class PlanForm(StyledForm):
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Party organisation"), queryset=None
    )
    year = forms.IntegerField(label=_("Year"), min_value=EARLIEST_YEAR, max_value=LATEST_YEAR)
    quarter = forms.TypedChoiceField(
        label=_("Plan for"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[
            ("", _("The whole year")),
            (1, _("First quarter")),
            (2, _("Second quarter")),
            (3, _("Third quarter")),
            (4, _("Fourth quarter")),
        ],
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ItemForm(StyledForm):
    what = forms.CharField(label=_("What is planned"), max_length=WHAT_MAX)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    owner = forms.CharField(
        label=_("Person responsible (employee number)"),
        max_length=32,
    )
    goal = forms.CharField(
        label=_("The production or service goal it supports"),
        max_length=GOAL_MAX,
        required=False,
    )
    details = forms.CharField(
        label=_("Details"),
        max_length=DETAILS_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)

    def clean_owner(self) -> Any:
        owner = user_by_employee_number(self.cleaned_data["owner"])
        if owner is None:
            raise forms.ValidationError(gettext("No active employee has this number."))
        return owner


class LinkForm(StyledForm):
    record = forms.ChoiceField(label=_("The record that did it"))

    def __init__(self, *args: Any, groups: list[tuple[str, list[tuple[str, str]]]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [("", _("Choose a record")), *groups]  # type: ignore[attr-defined]

    def kind_and_id(self) -> tuple[str, int | None]:
        kind, _sep, pk = (self.cleaned_data.get("record") or "").partition(":")
        return kind, int(pk) if pk.isdigit() else None


class SummaryForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("The summary"), max_length=20000, widget=forms.Textarea(attrs={"rows": 20})
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
