"""The notices' forms: publish, edit, and the list's filters."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core import parameters
from grassroots.core.forms import StyledForm
from grassroots.core.periods import QUARTER, YEAR, Period
from grassroots.openness.models import BODY_MAX, TITLE_MAX
from grassroots.openness.vocabulary import Audience, NoticeKind
from grassroots.orgs.fields import UnitChoiceField
from grassroots.orgs.publicity import rule_parameters as publicity_parameters
from grassroots.orgs.publicity import rules as publicity_rules
from grassroots.orgs.selectors import no_units

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from grassroots.orgs.models import OrgUnit

# Adoption reports are written by consultations, from the answers.
PUBLISHED_KINDS = [(value, label) for value, label in NoticeKind.choices if value != "adoption"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def period_choices(today: datetime.date, chosen: str = "") -> list[tuple[str, str]]:
    """The periods a notice may say it covers: this year and the two before, this
    quarter and the three before (an officer catching up), and the one asked for."""
    year, quarter = Period.of(today, YEAR), Period.of(today, QUARTER)
    periods = [year, year.previous(), year.previous().previous()]
    periods += [quarter, quarter.previous(), quarter.previous().previous()]
    periods.append(quarter.previous().previous().previous())
    choices = [("", str(_("None: it is about an event")))]
    choices += [(period.key, period.label) for period in periods]
    if chosen and chosen not in {key for key, _label in choices}:
        try:
            period = Period.parse(chosen, default=year)
        except ValueError:
            return choices
        choices.append((period.key, period.label))
    return choices


class NoticeForm(StyledForm):
    unit = UnitChoiceField(label=_("Published by"), queryset=no_units(), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of notice"), choices=PUBLISHED_KINDS)
    period_key = forms.ChoiceField(
        label=_("Period it covers"),
        required=False,
        help_text=_("For what the openness catalogue asks every year or quarter."),
    )
    audience = forms.ChoiceField(
        label=_("Who may read it"), choices=Audience.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text: blank lines separate paragraphs, web addresses become links."),
    )
    is_publicity = forms.BooleanField(
        label=_("This is a public notice: employees may object while it runs"),
        required=False,
        help_text=_("Only for a notice to the public or to every employee."),
    )
    publicity_days = forms.IntegerField(
        label=_("Public notice runs for (working days)"),
        min_value=1,
        max_value=publicity_rules.MAX_WORKING_DAYS,
        required=False,
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        help_text=_("Up to 5 files: photos (JPEG, PNG) or PDF, each at most 5 MB."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        units: QuerySet[OrgUnit],
        today: datetime.date,
        period: str = "",
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("idempotency_key", uuid.uuid4().hex)
        initial.setdefault(
            "publicity_days", int(parameters.value(publicity_parameters.WORKING_DAYS.key))
        )
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        chosen = str(self.data.get("period_key", "")) if self.is_bound else period
        self.fields["period_key"].choices = period_choices(  # type: ignore[attr-defined]
            today, chosen
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("is_publicity"):
            data["publicity_days"] = None
        elif data.get("publicity_days") is None and "publicity_days" not in self.errors:
            self.add_error("publicity_days", _("Say for how many working days it runs."))
        return data


class NoticeEditForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Plain text: blank lines separate paragraphs, web addresses become links."),
    )
