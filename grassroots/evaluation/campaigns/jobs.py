"""Scheduled work for campaigns: close those whose closing day has passed (rewriting
their ballot box), and send the two reminders at most (opening, the working day before
close) to those who have not voted and have not switched reminders off."""

from __future__ import annotations

import datetime

from django.utils import timezone

from grassroots.core.scheduling import periodic
from grassroots.evaluation.campaigns import (
    rule_parameters,  # noqa: F401  (registers rules)
    services,
)
from grassroots.evaluation.campaigns.models import Campaign


def run(today: datetime.date, now: datetime.datetime | None = None) -> tuple[int, int]:
    """(campaigns closed, reminders sent)."""
    closed = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.OPEN, closes_on__lt=today):
        closed += services.campaign_close(actor=None, campaign=campaign, today=today)
    sent = 0
    for campaign in Campaign.objects.filter(
        status=Campaign.Status.OPEN, opens_on__lte=today, closes_on__gte=today
    ).select_related("organiser"):
        sent += services.send_reminders(campaign, today=today, now=now)
    return closed, sent


@periodic("evaluation.campaigns", daily_at=datetime.time(7, 45))
def campaign_jobs(now: datetime.datetime) -> int:
    closed, sent = run(timezone.localtime(now).date(), now)
    return closed + sent
