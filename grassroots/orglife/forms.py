from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import DateTimeLocalInput, StyledForm
from grassroots.orglife import rules
from grassroots.orglife.models import Attendance, Meeting
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import UnitKind
from grassroots.resources.fields import VenueChoiceField
from grassroots.resources.selectors import venue_place

if TYPE_CHECKING:
    from grassroots.orgs.models import Member, OrgUnit


def kinds_for(unit: OrgUnit) -> list[tuple[str, Any]]:
    """A group holds group meetings; only a Party committee (党委) has a centre group."""
    if unit.kind == UnitKind.GROUP:
        return [(k, label) for k, label in Meeting.Kind.choices if k == rules.GROUP]
    if unit.kind == UnitKind.COMMITTEE:
        return [(k, label) for k, label in Meeting.Kind.choices if k == rules.CENTRE_STUDY]
    left_out = {rules.GROUP, rules.CENTRE_STUDY}
    return [(k, label) for k, label in Meeting.Kind.choices if k not in left_out]


class MeetingForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of meeting"))
    also_counts_as = forms.MultipleChoiceField(
        label=_("Also counts as"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick when this meeting is held as another kind too (e.g. a themed day)."),
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_(
            "Pick a place used before or type a new one; left empty, the venue booked below."
        ),
        widget=forms.TextInput(attrs={"list": "places", "autocomplete": "off"}),
    )
    venue = VenueChoiceField(
        label=_("Venue to book (optional)"),
        queryset=None,
        required=False,
        help_text=_(
            "Booked from the meeting's date and time until the time below, in this form: "
            "if the venue is taken, closed or outside its hours then, nothing is saved."
        ),
    )
    venue_until = forms.TimeField(
        label=_("Venue booked until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("On the day of the meeting."),
    )
    agenda = forms.CharField(
        label=_("Agenda"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    lecturer = forms.CharField(
        label=_("Lecturer (for a Party lecture)"), max_length=100, required=False
    )

    def __init__(self, *args: Any, unit: OrgUnit, venues: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if venues is None:  # a held meeting keeps the booking it had
            del self.fields["venue"], self.fields["venue_until"]
        else:
            self.fields["venue"].queryset = venues  # type: ignore[attr-defined]
        choices = kinds_for(unit)
        self.fields["kind"].choices = choices  # type: ignore[attr-defined]
        extra = (
            [(k, label) for k, label in choices if k not in rules.QUORUM_KINDS]
            if unit.kind == UnitKind.BRANCH
            else [(k, label) for k, label in Meeting.Kind.choices if k == rules.THEMED_DAY]
        )
        if unit.kind == UnitKind.COMMITTEE:
            del self.fields["also_counts_as"]  # centre-group study is itself only
        else:
            self.fields["also_counts_as"].choices = extra  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        venue = data.get("venue")
        if venue is not None and data.get("venue_until") is None and "venue_until" in self.fields:
            self.add_error("venue_until", _("Say until when the venue is needed."))
        if not data.get("place"):
            if venue is not None:
                data["place"] = venue_place(venue)
            elif "place" not in self.errors:
                self.add_error("place", _("Say where the meeting is, or book a venue."))
        return data


class AttendanceForm(forms.Form):
    """One row per person expected: present, on leave (with the reason) or absent."""

    # The form's one-time key: the same form sent twice (or from the offline queue)
    # is recorded once.
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, attendances: list[Attendance], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("key", secrets.token_urlsafe(24))
        super().__init__(*args, **kwargs)
        self.rows = []
        self.was_fields: list[forms.BoundField] = []
        choices = [
            (value, label)
            for value, label in Attendance.Status.choices
            if value != Attendance.Status.EXPECTED
        ]
        for attendance in attendances:
            name = f"m{attendance.member_id}"
            self.fields[name] = forms.ChoiceField(
                label=attendance.member.user.name,
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
                initial=None
                if attendance.status == Attendance.Status.EXPECTED
                else attendance.status,
            )
            self.fields[f"{name}_reason"] = forms.CharField(
                label=_("Reason for leave of %(name)s") % {"name": attendance.member.user.name},
                max_length=200,
                required=False,
                initial=attendance.reason,
            )
            # What the row showed when the page was made: a form sent later (kept offline,
            # or left open) changes only the rows the person changed, and a row someone
            # else changed since is reported, not overwritten.
            self.fields[f"{name}_was"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=attendance.status
            )
            self.rows.append((attendance, self[name], self[f"{name}_reason"]))
            self.was_fields.append(self[f"{name}_was"])

    def statuses(self) -> dict[int, tuple[str, str]]:
        """The rows the person changed from what the page showed (every marked row of a
        form that does not say what it showed)."""
        result = {}
        for attendance, field, reason in self.rows:
            value = self.cleaned_data.get(field.name)
            text = self.cleaned_data.get(reason.name, "")
            was = self.cleaned_data.get(f"{field.name}_was")
            untouched = value == was and (
                value != Attendance.Status.LEAVE or text.strip() == attendance.reason
            )
            if value and not untouched:
                result[attendance.member_id] = (value, text)
        return result

    def shown(self) -> dict[int, str]:
        """Member id → the status the page showed, for the rows it says so."""
        result = {}
        for attendance, field, _reason in self.rows:
            was = self.cleaned_data.get(f"{field.name}_was")
            if was in Attendance.Status.values:
                result[attendance.member_id] = was
        return result


class HoldForm(StyledForm):
    minutes = forms.CharField(
        label=_("Minutes"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    resolutions = forms.CharField(
        label=_("Resolutions"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LeaveForm(StyledForm):
    reason = forms.CharField(label=_("Why you cannot come"), max_length=200)


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Why the meeting is cancelled"), max_length=200)


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def year_or(self, default: int) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return int(self.cleaned_data["year"])
        return default


def default_start() -> str:
    return timezone.localtime().replace(minute=0, second=0).strftime("%Y-%m-%dT%H:%M")


class TalkForm(StyledForm):
    talker = forms.ModelChoiceField(
        label=_("Held by (committee member)"), queryset=orgs.no_members()
    )
    talkee = forms.ModelChoiceField(label=_("Talked with"), queryset=orgs.no_members())
    held_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(
        label=_("Notes (seen only by the officers over this branch)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, committee: list[Member], members: list[Member], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        talker: Any = self.fields["talker"]
        talkee: Any = self.fields["talkee"]
        talker.queryset = orgs.members_by_ids(m.pk for m in committee).select_related("user")
        talkee.queryset = orgs.members_by_ids(m.pk for m in members).select_related("user")
        talker.label_from_instance = talkee.label_from_instance = lambda m: m.user.name
