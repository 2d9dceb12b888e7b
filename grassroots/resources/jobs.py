"""Daily reminders to equipment keepers.

Each morning the keeper of every piece of equipment whose maintenance is due (today or
earlier) hears of it. The event key names the equipment and its due date, so a keeper is
reminded once per due date however often the job runs; recording the maintenance moves
the due date and with it the next reminder.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core.scheduling import periodic
from grassroots.notifications import kinds
from grassroots.notifications.services import Event, notify_many
from grassroots.resources import selectors

MAINTENANCE_DUE = kinds.define_kind(
    "resources.maintenance_due", gettext_lazy("Equipment I keep that is due for maintenance")
)


@periodic("resources.maintenance_reminders", daily_at=datetime.time(8, 0))
def maintenance_reminders(now: datetime.datetime) -> int:
    today = timezone.localtime(now).date()
    events = []
    for equipment in selectors.equipment_due(today):
        due = equipment.due_on
        assert due is not None
        events.append(
            Event(
                recipients=[equipment.keeper],
                kind=MAINTENANCE_DUE.key,
                title=_("%(equipment)s in %(venue)s is due for maintenance (%(due)s)")
                % {
                    "equipment": equipment.name,
                    "venue": equipment.venue.name,
                    "due": due.isoformat(),
                },
                event_key=f"equipment:{equipment.pk}:due:{due.isoformat()}",
                url=reverse("resources:venue", args=[equipment.venue_id]),
            )
        )
    return notify_many(events, now=now) if events else 0
