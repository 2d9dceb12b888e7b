"""Forms of the dues imports and exports."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import DateInput, StyledForm
from grassroots.orgs.models import OrgUnit


class DuesFileForm(StyledForm):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Use the template; the first row holds the headings."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class DeductionFileForm(DuesFileForm):
    paid_on = forms.DateField(
        label=_("Payroll day (the day the deductions were paid)"), widget=DateInput()
    )

    field_order = ["paid_on", "file"]


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ExportForm(StyledForm):
    branch = forms.TypedChoiceField(label=_("Branch"), coerce=int)
    month = forms.CharField(
        label=_("Month"),
        help_text=_("Written like 2026-03."),
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"}),
    )

    def __init__(self, *args: Any, branches: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [  # type: ignore[attr-defined]
            (unit.pk, unit.name) for unit in branches
        ]

    def clean_month(self) -> datetime.date:
        match = _MONTH.match(self.cleaned_data["month"].strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Write the month like 2026-03."))
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)
