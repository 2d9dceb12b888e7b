"""Scheduled work of organisational life: before a period ends, remind the officers of
each branch and group that a required meeting is neither held nor planned."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import selectors as accounts
from grassroots.accounts.roles import Role
from grassroots.core.periods import Period
from grassroots.core.scheduling import periodic
from grassroots.notifications.services import Event, notify_many
from grassroots.orglife import rules, selectors
from grassroots.orglife.models import Meeting
from grassroots.orglife.services import MEETING_GAP, meeting_months_rebuild
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.accounts.models import User


@periodic("orglife.gap_reminders", daily_at=datetime.time(8, 0))
def gap_reminders(now: datetime.datetime) -> int:
    """Once a day; each (unit, kind, period) is told once (the event key dedupes)."""
    today = timezone.localtime(now).date()
    events: list[Event] = []
    labels = dict(Meeting.Kind.choices)
    roots = orgs.root_units()
    due: dict[int, list[tuple[str, Period]]] = defaultdict(list)
    names: dict[int, str] = {}
    is_group: dict[int, bool] = {}
    for root in roots:
        for summary in selectors.subtree_compliance(root, year=today.year, today=today):
            names[summary.unit_id] = summary.name
            is_group[summary.unit_id] = summary.kind == UnitKind.GROUP
            for row in summary.rows:
                for cell in row.cells:
                    if cell.status == rules.DUE_SOON:
                        due[summary.unit_id].append((row.kind, cell.period))
    if not due:
        return 0
    # Groups have no officers of their own: their branch's officers look after them.
    parents = dict(orgs.units_by_ids(due).values_list("pk", "parent_id"))
    officers: dict[int, list[User]] = defaultdict(list)
    for assignment in (
        accounts.current_assignments()
        .filter(org_unit_id__in=[*due, *parents.values()], role=Role.BRANCH_OFFICER)
        .select_related("user")
    ):
        if assignment.org_unit_id is not None:
            officers[assignment.org_unit_id].append(assignment.user)
    # Group-chat robots are registered on branches: a group's gap goes to its branch's chat.
    chat_of = {pk: (parents.get(pk) or pk) if is_group[pk] else pk for pk in due}
    chats = orgs.units_by_ids(set(chat_of.values())).in_bulk()
    for unit_id, gaps in due.items():
        recipients = officers.get(unit_id) or officers.get(parents.get(unit_id) or 0, [])
        chat = chats.get(chat_of[unit_id])
        for kind, period in gaps:
            events.append(
                Event(
                    recipients=recipients,
                    kind=MEETING_GAP.key,
                    title=_("%(unit)s: no %(kind)s planned for %(period)s, which ends %(end)s")
                    % {
                        "unit": names[unit_id],
                        "kind": labels[kind],
                        "period": period.key,
                        "end": period.last.isoformat(),
                    },
                    event_key=f"orglife:gap:{unit_id}:{kind}:{period.key}",
                    body="",
                    url=f"/orglife/units/{unit_id}/",
                    urgent=False,
                    org_unit=chat,
                )
            )
    return notify_many(events, now=now)


@periodic("orglife.meeting_months", daily_at=datetime.time(2, 40))
def meeting_months(now: datetime.datetime) -> int:
    """Rebuild this year's and last year's months rollup from the compliance rows: the
    services keep it exact, this puts right anything written past them."""
    year = timezone.localtime(now).year
    return meeting_months_rebuild(years=[year - 1, year])


@periodic("orglife.gaps_publish", every=selectors.GAPS_PUBLISH_EVERY)
def gaps_publish(now: datetime.datetime) -> None:
    """The meeting gaps below each organisation a committee officer holds, worked out
    ahead for their home pages (selectors.units_with_gaps)."""
    root_ids = sorted(
        set(
            accounts.current_assignments()
            .filter(role=Role.COMMITTEE_OFFICER, org_unit__isnull=False)
            .values_list("org_unit_id", flat=True)
        )
    )
    selectors.gaps_publish(root_ids, now=now)
