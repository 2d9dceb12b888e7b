"""Scheduled work for pairings: reminders when a pairing has gone without a visit."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Role
from grassroots.accounts.selectors import assignments_over_units
from grassroots.core import parameters
from grassroots.core.scheduling import periodic
from grassroots.notifications.services import Event, notify_many
from grassroots.service.models import Pairing
from grassroots.service.pairings import rules
from grassroots.service.pairings.rule_parameters import VISIT_DAYS
from grassroots.service.pairings.services import PAIRING_NEWS, pairing_url

if TYPE_CHECKING:
    from grassroots.accounts.models import User


@periodic("service.pairing_visit_reminders", daily_at=datetime.time(8, 30))
def pairing_visit_reminders(now: datetime.datetime) -> int:
    """Once a day: the member and the branch's officers are told when a live pairing has
    had no visit for N days (and again at 2N, 3N …). Each pairing and period is told once
    (the event key dedupes). The notice names the people, never the difficulty."""
    today = timezone.localtime(now).date()
    limit = int(parameters.value(VISIT_DAYS.key))
    latest = today - datetime.timedelta(days=limit)
    due = list(
        Pairing.objects.filter(ended_on__isnull=True)
        .alias(reference=Coalesce("last_visit_on", "started_on"))
        .filter(reference__lte=latest)
        .select_related("member", "employee", "unit")
    )
    if not due:
        return 0
    officers: dict[int, list[User]] = defaultdict(list)
    for assignment in assignments_over_units(
        roles=[Role.BRANCH_OFFICER], unit_ids={p.unit_id for p in due}, on=today
    ):
        if assignment.org_unit_id is not None:
            officers[assignment.org_unit_id].append(assignment.user)
    events = []
    for pairing in due:
        days = rules.days_without_visit(
            started_on=pairing.started_on, last_visit_on=pairing.last_visit_on, today=today
        )
        reference = rules.visit_reference(
            started_on=pairing.started_on, last_visit_on=pairing.last_visit_on
        )
        period = rules.reminder_period(days, limit=limit)
        events.append(
            Event(
                recipients=[pairing.member, *officers.get(pairing.unit_id, [])],
                kind=PAIRING_NEWS.key,
                title=_("No visit to %(employee)s for %(days)s days (paired with %(member)s)")
                % {"employee": pairing.employee.name, "days": days, "member": pairing.member.name},
                event_key=f"pairing:{pairing.pk}:no-visit:{reference.isoformat()}:{period}",
                url=pairing_url(pairing),
            )
        )
    return notify_many(events, now=now)
