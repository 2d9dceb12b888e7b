"""The adoption form: what the officer types; the services judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.forms import DateInput, DateTimeLocalInput, StyledForm

THEMED_DAY, DEED = "themed_day", "deed"


class AdoptForm(StyledForm):
    into = forms.ChoiceField(
        label=_("Adopt as"),
        choices=[(THEMED_DAY, _("A themed Party day (主题党日)")), (DEED, _("A practical deed"))],
        widget=forms.RadioSelect,
        initial=THEMED_DAY,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    branch = forms.ChoiceField(label=_("Branch holding the themed day"), required=False, choices=())
    starts_at = forms.DateTimeField(
        label=_("Date and time of the themed day"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Place of the themed day"), max_length=200, required=False)
    services = forms.MultipleChoiceField(
        label=_("Which of the five services (for a deed)"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(label=_("Deed done by"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: Any,
        branches: list[tuple[str, str]],
        services: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", "—"), *branches]  # type: ignore[attr-defined]
        self.fields["services"].choices = services  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("into") == THEMED_DAY:
            if not data.get("branch"):
                self.add_error("branch", _("Choose the branch that holds the themed day."))
            if not data.get("starts_at"):
                self.add_error("starts_at", _("Give the date and time of the themed day."))
            if not (data.get("place") or "").strip():
                self.add_error("place", _("Say where the themed day is held."))
        return data
