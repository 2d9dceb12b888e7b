"""Forms of activities: they parse what people type; the services judge it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import DateTimeLocalInput, StyledForm
from grassroots.orgs.selectors import active_departments
from grassroots.resources.fields import VenueChoiceField
from grassroots.resources.selectors import venue_place
from grassroots.service.models import Activity, ServiceDomain, SignUp


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class ActivityForm(StyledForm):
    unit = NamedChoiceField(label=_("Organised by"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=Activity.Type.choices)
    partner = forms.CharField(
        label=_("Partner unit (for a joint activity)"), max_length=200, required=False
    )
    services = forms.MultipleChoiceField(
        label=_("Which of the five services"),
        choices=ServiceDomain.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=DateTimeLocalInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Left empty, the venue booked below."),
    )
    venue = VenueChoiceField(
        label=_("Venue to book (optional)"),
        queryset=None,
        required=False,
        help_text=_(
            "Booked for the activity's start and end, in this form: if the venue is taken, "
            "closed or outside its hours then, nothing is saved."
        ),
    )
    description = forms.CharField(
        label=_("What it is"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audience = forms.ChoiceField(label=_("Open to"), choices=Activity.Audience.choices)
    department = NamedChoiceField(
        label=_("Department (when open to one department)"),
        queryset=None,
        required=False,
    )
    capacity = forms.IntegerField(
        label=_("Places (leave empty for no limit)"), min_value=1, max_value=100000, required=False
    )

    def __init__(self, *args: Any, units: Any, venues: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["department"].queryset = active_departments()  # type: ignore[attr-defined]
        self.fields["venue"].queryset = venues  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        venue = data.get("venue")
        if not data.get("place") and "place" not in self.errors:
            if venue is not None:
                data["place"] = venue_place(venue)
            else:
                self.add_error("place", _("Say where the activity is, or book a venue."))
        return data


class RecordForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    beneficiaries = forms.IntegerField(
        label=_("People helped"),
        min_value=0,
        max_value=10**7,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, signups: list[SignUp], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for signup in signups:
            came = f"came_{signup.pk}"
            hours = f"hours_{signup.pk}"
            self.fields[came] = forms.BooleanField(
                label=_("%(name)s took part") % {"name": signup.user.name},
                required=False,
                initial=signup.attended is not False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[hours] = forms.DecimalField(
                label=_("Volunteer hours of %(name)s") % {"name": signup.user.name},
                min_value=0,
                max_value=24,
                decimal_places=1,
                initial=signup.hours or None,
                required=False,
                widget=forms.NumberInput(
                    attrs={"class": "form-control form-control-sm", "step": "0.5"}
                ),
            )
            self.rows.append((signup, self[came], self[hours]))

    def attendance(self) -> dict[int, tuple[bool, Decimal]]:
        return {
            signup.pk: (
                bool(self.cleaned_data.get(came.name)),
                self.cleaned_data.get(hours.name) or Decimal(0),
            )
            for signup, came, hours in self.rows
        }


class CodeForm(StyledForm):
    code = forms.CharField(label=_("The code shown at the activity"), max_length=6, min_length=6)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Why the activity is cancelled"), max_length=200)
