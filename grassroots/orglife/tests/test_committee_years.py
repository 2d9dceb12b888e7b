"""A past year's requirements follow the committee the branch had that year, not the
posts held today."""

from __future__ import annotations

import datetime

import pytest

from grassroots.orglife import selectors
from grassroots.orglife.models import Meeting
from grassroots.orgs.models import OrgPost
from grassroots.orgs.services import orgpost_assign, orgpost_end
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


def _committee_until(world, ended_on: datetime.date) -> None:
    """Branch A: its secretary plus two committee members, who leave on `ended_on`."""
    for kind in (OrgPost.Kind.ORGANISATION, OrgPost.Kind.COMMITTEE_MEMBER):
        member = MemberFactory(branch=world.branch_a, user__department=world.department_a)
        post = orgpost_assign(
            actor=None,
            unit=world.branch_a,
            member=member,
            kind=kind,
            starts_on=datetime.date(2024, 1, 1),
        )
        orgpost_end(actor=None, post=post, ends_on=ended_on)


def _kinds(rows) -> set[str]:
    return {row.kind for row in rows}


def test_last_year_still_asks_for_the_committee_meetings_of_a_committee_since_dissolved(world):
    # given a branch whose committee of three was reduced to the secretary this February
    _committee_until(world, datetime.date(2026, 2, 1))
    # when its compliance is read for this year and for last year
    this_year = selectors.unit_compliance(world.branch_a, year=2026, today=TODAY)
    last_year = selectors.unit_compliance(world.branch_a, year=2025, today=TODAY)
    # then only last year requires committee meetings
    assert Meeting.Kind.COMMITTEE not in _kinds(this_year)
    assert Meeting.Kind.COMMITTEE in _kinds(last_year)


def test_the_overview_judges_a_past_year_like_the_branch_calendar(world):
    _committee_until(world, datetime.date(2026, 2, 1))
    overview = {
        gaps.unit_id: gaps
        for gaps in selectors.subtree_gaps(world.committee, year=2025, today=TODAY)
    }
    calendar = selectors.unit_compliance(world.branch_a, year=2025, today=TODAY)
    assert Meeting.Kind.COMMITTEE in _kinds(calendar)
    assert Meeting.Kind.COMMITTEE in overview[world.branch_a.pk].by_kind
