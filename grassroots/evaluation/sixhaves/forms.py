"""The place entry: whether the branch has a service place that works, and a note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.evaluation.sixhaves.services import NOTE_MAX

ANSWERS = [
    ("yes", _("Yes: it has a service place that works")),
    ("no", _("No: it has none, or the one it has does not work")),
]


class PlaceForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    has_place = forms.ChoiceField(
        label=_("Does the branch have a service place that works?"),
        choices=ANSWERS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the branch has a service place that works.")},
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Where the place is, what it offers and when it is open — or what is missing."),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX}),
        max_length=NOTE_MAX,
        error_messages={
            "required": _(
                "Write a note: where the place is and what it offers, or what is missing."
            )
        },
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]

    @property
    def answer(self) -> bool | None:
        value = self.cleaned_data.get("has_place")
        return None if value is None else value == "yes"
