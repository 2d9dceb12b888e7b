"""The notice kinds organisational life sends."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from grassroots.notifications import kinds

MEETING_PLANNED = kinds.define_kind(
    "orglife.meeting", gettext_lazy("Meetings I am expected at"), email=True
)
MEETING_GAP = kinds.define_kind(
    "orglife.gap", gettext_lazy("Required meetings not yet planned"), to_group=True
)
