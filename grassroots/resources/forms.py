"""Venue and booking forms."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.accounts.identity import normalise_employee_number
from grassroots.accounts.selectors import user_by_employee_number
from grassroots.core.forms import DateInput, DateTimeLocalInput, StyledForm
from grassroots.resources.fields import VenueChoiceField
from grassroots.resources.models import VenueKind
from grassroots.resources.services import PURPOSE_MAX

WEEKDAY_NAMES = [
    _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"),
]  # fmt: skip


class BookingForm(StyledForm):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeLocalInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeLocalInput())
    purpose = forms.CharField(
        label=_("What it is for"),
        max_length=PURPOSE_MAX,
        help_text=_("e.g. “Branch study session”. Shown to the venue's users."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class VenueForm(StyledForm):
    name = forms.CharField(label=pgettext_lazy("a thing's name", "Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind of venue"), choices=VenueKind.choices)
    place = forms.CharField(label=_("Where it is (optional)"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Capacity (people)"), min_value=1, max_value=10000)
    step_free = forms.BooleanField(label=_("Step-free entry"), required=False)
    accessible_toilet = forms.BooleanField(label=_("Accessible toilet"), required=False)
    hearing_loop = forms.BooleanField(label=_("Hearing loop"), required=False)
    accessibility_notes = forms.CharField(
        label=_("Notes on access (optional)"), max_length=500, required=False
    )
    photo = forms.FileField(label=_("Photo (optional, JPEG or PNG)"), required=False)
    photo_description = forms.CharField(
        label=_("What the photo shows (optional)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAY_NAMES):
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=_("%(day)s opens") % {"day": name},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=_("%(day)s closes") % {"day": name},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, list[str]] = {}
        for day in range(7):
            opens: datetime.time | None = data.get(f"opens_{day}")
            closes: datetime.time | None = data.get(f"closes_{day}")
            if opens is None and closes is None:
                continue
            if opens is None or closes is None or closes <= opens:
                self.add_error(f"closes_{day}", _("Give both times; it must close after it opens."))
                continue
            hours[str(day)] = [opens.strftime("%H:%M"), closes.strftime("%H:%M")]
        data["hours"] = hours
        return data

    @staticmethod
    def initial_for(venue: Any) -> dict[str, Any]:
        initial = {
            field: getattr(venue, field)
            for field in (
                "name", "kind", "place", "capacity", "step_free", "accessible_toilet",
                "hearing_loop", "accessibility_notes",
            )
        }  # fmt: skip
        for day in range(7):
            span = venue.hours_on(day)
            if span:
                initial[f"opens_{day}"], initial[f"closes_{day}"] = span
        return initial


class EquipmentForm(StyledForm):
    name = forms.CharField(label=pgettext_lazy("a thing's name", "Name"), max_length=100)
    keeper = forms.CharField(
        label=_("Employee number of its keeper"),
        max_length=32,
        help_text=_("The keeper is reminded when maintenance is due."),
    )
    maintain_every_days = forms.IntegerField(
        label=_("Maintained every (days, optional)"), min_value=1, max_value=3650, required=False
    )
    last_maintained_on = forms.DateField(
        label=_("Last maintained on (optional)"), widget=DateInput(), required=False
    )

    def clean_keeper(self) -> Any:
        number = normalise_employee_number(self.cleaned_data.get("keeper") or "")
        keeper = user_by_employee_number(number) if number else None
        if keeper is None:
            raise forms.ValidationError(_("No employee has this number."))
        return keeper


class EquipmentEditForm(EquipmentForm):
    """The equipment's page for its managers: everything it records, and its venue among
    those the officer manages."""

    venue = VenueChoiceField(label=_("Venue"), queryset=None, empty_label=None)

    field_order = ["name", "venue", "keeper", "maintain_every_days", "last_maintained_on"]

    def __init__(self, *args: Any, venues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues  # type: ignore[attr-defined]


class FaultForm(StyledForm):
    text = forms.CharField(
        label=_("What is wrong"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("It becomes an appeal about working conditions, and you can follow it."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
