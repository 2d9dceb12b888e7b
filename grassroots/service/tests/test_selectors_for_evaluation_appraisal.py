"""The read contract's per-person year for evaluation's democratic appraisal: one
person's commitments with their ratings, pairings with the year's visits, activities
with hours; everyone asked for answered, in a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.satisfaction import Satisfaction
from grassroots.service import selectors
from grassroots.service.models import Activity, Commitment
from grassroots.service.tests.test_read_contract import (
    YEAR,
    activity,
    commitment,
    pairing,
    rate,
    took_part,
)

pytestmark = pytest.mark.django_db


def test_a_persons_year_gives_commitments_visits_and_activities(world, django_assert_num_queries):
    # given member A's records of the year, and some from other years or not counting
    user = world.member_a.user
    kept = commitment(world)
    rate(kept, Satisfaction.SATISFIED, Satisfaction.SATISFIED, Satisfaction.FAIRLY)
    commitment(world, status=Commitment.Status.DRAFT)  # their own draft: not a record yet
    commitment(world, year=YEAR - 1)
    live = pairing(
        world,
        started_on=datetime.date(YEAR - 1, 6, 1),
        visits=[
            datetime.date(YEAR - 1, 7, 1),
            datetime.date(YEAR, 3, 1),
            datetime.date(YEAR, 9, 1),
        ],
    )
    pairing(world, started_on=datetime.date(YEAR - 2, 1, 1), ended_on=datetime.date(YEAR - 1, 1, 1))
    held = activity(world, on=datetime.date(YEAR, 5, 4))
    took_part(held, user, hours="2.5")
    took_part(activity(world, on=datetime.date(YEAR, 6, 1)), user, hours="3", attended=False)
    took_part(
        activity(world, on=datetime.date(YEAR, 7, 1), status=Activity.Status.PLANNED),
        user,
        hours="1",
    )
    nobody = UserFactory()
    # when
    with django_assert_num_queries(4):
        records = selectors.people_service_records([user.pk, nobody.pk], year=YEAR)
    # then
    mine = records[user.pk]
    assert [c.pk for c in mine.commitments] == [kept.pk]
    assert mine.commitments[0].ratings.satisfied == 2 and mine.commitments[0].ratings.fairly == 1
    assert [(p.pk, p.visits) for p in mine.pairings] == [(live.pk, 2)]
    assert mine.visits == 2
    assert [a.pk for a in mine.activities] == [held.pk]
    assert mine.hours == Decimal("2.5")
    empty = records[nobody.pk]
    assert empty.commitments == () and empty.pairings == () and empty.activities == ()
    assert empty.hours == 0


def test_the_query_count_does_not_grow_with_people(world, django_assert_max_num_queries):
    people = [UserFactory().pk for _ in range(30)]
    with django_assert_max_num_queries(4):
        records = selectors.people_service_records(people, year=YEAR)
    assert len(records) == 30
