"""Writes of the yearly hours tallies (models.HoursTally): a person's hours in a year,
summed from the records so that a committee's page can count how many of its members
are below target without summing every record of every member on each visit.

`tallies_refresh` recounts some people's years from the records; learning's services
call it for what they record, the receiver of orglife's `held_meeting_changed` for
meetings, and the nightly job (`tallies_rebuild`) for the whole current year — which
also brings rows counted under earlier hour rules up to date.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from grassroots.core.scheduling import periodic
from grassroots.learning import selectors
from grassroots.learning.models import HoursTally
from grassroots.orgs import selectors as orgs

BATCH = 2000


def tallies_refresh(
    member_ids: Iterable[int], years: Iterable[int], *, today: datetime.date | None = None
) -> int:
    """Recount these people's hours in these years from the records; returns the rows
    written. A handful of queries per year and per 2,000 people."""
    today = today or timezone.localdate()
    ids = sorted(set(member_ids))
    key = selectors.hour_rules().key
    written = 0
    for year in sorted(set(years)):
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            found = selectors.hours_of_many(batch, year=year, today=today)
            rows = [
                HoursTally(member_id=pk, year=year, hours=entry.total, rules=key)
                for pk, entry in found.items()
                if entry.total
            ]
            # Written in place (insert or update), never deleted and inserted again: two
            # refreshes of one person at once must not collide on the one-row rule.
            with transaction.atomic():
                HoursTally.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["member", "year"],
                    update_fields=["hours", "rules"],
                )
                HoursTally.objects.filter(
                    member_id__in=[pk for pk, entry in found.items() if not entry.total],
                    year=year,
                ).delete()
            written += len(rows)
    return written


def tallies_rebuild(year: int, *, today: datetime.date | None = None) -> int:
    """Recount every Party member's hours in a year (and drop the rows of people who
    are no longer members)."""
    ids: Sequence[int] = list(orgs.party_members().values_list("pk", flat=True))
    HoursTally.objects.filter(year=year).exclude(
        member_id__in=orgs.party_members().values("pk")
    ).delete()
    return tallies_refresh(ids, [year], today=today)


@periodic("learning.hours_tallies", daily_at=datetime.time(2, 30))
def hours_tallies_nightly(now: datetime.datetime) -> int:
    today = timezone.localtime(now).date()
    return tallies_rebuild(today.year, today=today)
