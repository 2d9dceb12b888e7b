"""Learning listens to organisational life: a held meeting that changed may change
the training hours of those expected at it (grassroots.orglife.signals)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from grassroots.orglife import selectors as orglife
from grassroots.orglife.signals import held_meeting_changed


@receiver(held_meeting_changed, dispatch_uid="learning.hours_tallies")
def recount_hours(sender: Any, *, meeting_id: int, years: set[int], **kwargs: Any) -> None:
    from grassroots.learning.tallies import tallies_refresh

    tallies_refresh(orglife.attendee_ids(meeting_id), years)
