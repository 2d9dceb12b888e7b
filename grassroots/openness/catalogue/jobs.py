"""Scheduled work for the openness catalogue: once a day, the officers of each
organisation hear of each item it has not published in time — once per item and period
(the event key names both), however often the job runs."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Role
from grassroots.accounts.selectors import assignments_over_units
from grassroots.core.scheduling import periodic
from grassroots.notifications.services import Event, notify_many
from grassroots.openness import kinds
from grassroots.openness.catalogue import selectors
from grassroots.openness.catalogue.defaults import UNIT_KINDS
from grassroots.orgs import selectors as orgs

OFFICER_ROLES = (Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER)


@periodic("openness.catalogue_reminders", daily_at=datetime.time(8, 20))
def catalogue_reminders(now: datetime.datetime) -> int:
    today = timezone.localtime(now).date()
    units = list(orgs.active_units().filter(kind__in=UNIT_KINDS))
    overdue = selectors.overdue_of(units, today=today)
    if not overdue:
        return 0
    officers: dict[int | None, list[Any]] = {}
    for assignment in assignments_over_units(
        roles=OFFICER_ROLES, unit_ids={state.unit_id for state in overdue}, active_only=True
    ):
        officers.setdefault(assignment.org_unit_id, []).append(assignment.user)
    names = {unit.pk: unit for unit in units}
    events = []
    for state in overdue:
        assert state.period is not None and state.due_on is not None
        unit = names[state.unit_id]
        events.append(
            Event(
                recipients=officers.get(unit.pk, []),
                kind=kinds.CATALOGUE.key,
                title=_("%(unit)s has not published “%(item)s” for %(period)s (due %(due)s)")
                % {
                    "unit": unit.name,
                    "item": state.item.get_notice_kind_display(),
                    "period": state.period.label,
                    "due": state.due_on.isoformat(),
                },
                event_key=f"openness_catalogue:{unit.pk}:{state.item.notice_kind}:{state.period.key}",
                url=reverse("openness:catalogue") + "?" + urlencode({"unit": unit.pk}),
                org_unit=unit,
            )
        )
    return notify_many(events, now=now)
