"""Scheduled work for practical deeds: flags for overdue or poorly rated deeds.

Once a day the officers of the deed's organisation, and the committee officers of the
nearest organisation above it, hear of each deed that became overdue or poorly rated.
The event key names the deed and the flag, so a deed is flagged to a person once
however often the job runs.
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
from grassroots.service.deeds import rule_parameters, selectors  # noqa: F401  (registers rules)
from grassroots.service.deeds import services as _services  # noqa: F401  (registers its kind)

DEED_FLAG = kinds.define_kind(
    "service.deed_flag", gettext_lazy("Practical deeds overdue or poorly rated")
)
# Older overdue deeds were flagged when they became overdue; ratings can still turn
# a year after a deed was declared done.
OVERDUE_LOOKBACK = datetime.timedelta(days=30)
RATED_LOOKBACK = datetime.timedelta(days=365)


@periodic("service.deed_flags", daily_at=datetime.time(7, 30))
def deed_flags(now: datetime.datetime) -> int:
    today = timezone.localtime(now).date()
    overdue, poor = selectors.flagged_deeds(
        today=today, overdue_since=today - OVERDUE_LOOKBACK, done_since=today - RATED_LOOKBACK
    )
    if not overdue and not poor:
        return 0
    units = {deed.unit_id: deed.unit for deed in [*overdue, *poor]}
    recipients = selectors.flag_recipients(list(units.values()))
    events = [
        Event(
            recipients=recipients.get(deed.unit_id, []),
            kind=DEED_FLAG.key,
            title=_("%(unit)s: “%(title)s” is overdue (due %(due)s)")
            % {"unit": deed.unit.name, "title": deed.title, "due": deed.due_on.isoformat()},
            event_key=f"deed:{deed.pk}:overdue:{deed.due_on.isoformat()}",
            url=reverse("service:deed", args=[deed.pk]),
        )
        for deed in overdue
    ] + [
        Event(
            recipients=recipients.get(deed.unit_id, []),
            kind=DEED_FLAG.key,
            title=_("%(unit)s: employees say “%(title)s” was not delivered")
            % {"unit": deed.unit.name, "title": deed.title},
            event_key=f"deed:{deed.pk}:poorly-rated",
            url=reverse("service:deed", args=[deed.pk]),
        )
        for deed in poor
    ]
    return notify_many(events, now=now)
