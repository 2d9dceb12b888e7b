"""A person's own dashboard: their named appeals and where each stands; a member also
their year (meetings attended, training hours, dues paid up to). Nothing of anyone
else, and never an anonymous appeal (it has no link back to its sender)."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.appeals import selectors as appeals
from grassroots.insights.dashboards.tables import Cell, Row, Table, chart, share
from grassroots.learning import selectors as learning
from grassroots.orglife import selectors as orglife
from grassroots.orgs import selectors as orgs
from grassroots.orgs.dues import selectors as dues

LISTED = 20


def personal_tables(user: Any, *, today: datetime.date) -> tuple[Table, ...]:
    """Six or seven queries (three for someone without a member record)."""
    mine = list(appeals.my_appeals(user)[:500])
    tables = [*_appeals(mine)]
    member = orgs.active_member_of_user(user)
    if member is not None:
        tables.append(_year(member, today=today))
    return tuple(tables)


def _appeals(mine: list[Any]) -> tuple[Table, Table]:
    statuses = Counter(appeal.status for appeal in mine)
    whole = len(mine)
    ordered = sorted(statuses.items(), key=lambda item: (-item[1], item[0]))
    by_status = tuple(
        Row(appeals.status_label(status), (share(n, whole),)) for status, n in ordered
    )
    listed = tuple(
        Row(
            appeal.number,
            (
                Cell(appeal.title, None, reverse("appeals:mine_detail", args=[appeal.public_id])),
                Cell(appeals.status_label(appeal.status)),
            ),
        )
        for appeal in mine[:LISTED]
    )
    return (
        Table(
            key="my_states",
            title=_("My appeals by state"),
            caption=_("My named appeals by where they stand"),
            columns=(_("Appeals"),),
            row_header=_("State"),
            rows=by_status,
            chart=chart(
                "bar",
                [row.label for row in by_status],
                [(_("Appeals"), [n for _status, n in ordered])],
            ),
            chart_label=_("Bar chart of my appeals by state."),
            note=_("Anonymous appeals are not linked to you and are not counted here."),
        ),
        Table(
            key="my_appeals",
            title=_("My latest appeals"),
            caption=_("My latest named appeals and where each stands"),
            columns=(_("Title"), _("State")),
            row_header=_("Number"),
            rows=listed,
        ),
    )


def _year(member: Any, *, today: datetime.date) -> Table:
    year = today.year
    attendance = orglife.members_attendance([member.pk], year=year)[member.pk]
    hours = learning.hours_of(member, year=year, today=today)
    paid_up = dues.paid_up_to(member)
    total = float(hours.total)
    rows = (
        Row(_("Meetings attended"), (share(attendance.present, attendance.expected),)),
        Row(
            _("Training hours"),
            (
                Cell(
                    _("%(hours)s of %(target)s hours")
                    % {"hours": f"{total:g}", "target": hours.target},
                    round(100 * total / hours.target, 1) if hours.target else None,
                ),
            ),
        ),
        Row(
            _("Dues paid up to"),
            (Cell(f"{paid_up:%Y-%m}" if paid_up else _("nothing paid yet")),),
        ),
    )
    return Table(
        key="my_year",
        title=_("My year %(year)s") % {"year": year},
        caption=_("My meetings, training hours and dues in %(year)s") % {"year": year},
        columns=(_("Figure"),),
        row_header=_("What"),
        rows=rows,
        chart=chart(
            "bar",
            [rows[0].label, rows[1].label],
            [
                (
                    _("Share of what is expected (per cent)"),
                    [rows[0].cells[0].value, rows[1].cells[0].value],
                )
            ],
            percent=True,
        ),
        chart_label=_("Bar chart of the share of meetings attended and of the training hours."),
        note=_("Meetings: the held meetings of the year you were expected at."),
    )
