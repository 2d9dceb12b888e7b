"""What indicator schemes read of organisational life: meetings of given kinds held
per organisation of a subtree, in one query."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.core.periods import Period
from grassroots.orglife import rules, selectors
from grassroots.orglife.tests.test_read_contract import held

pytestmark = pytest.mark.django_db


def test_meetings_held_are_counted_per_organisation_and_kind(world, django_assert_num_queries):
    # given a themed Party day held yesterday in branch A, and a lecture
    day = timezone.localdate() - datetime.timedelta(days=1)
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))
    held(world, rules.THEMED_DAY, when=when)
    held(world, rules.LECTURE, when=when)
    # when the committee's subtree is read for themed days and appraisal meetings
    with django_assert_num_queries(1):
        counts = selectors.meetings_held_within(
            world.committee, Period.year(day.year), kinds=(rules.THEMED_DAY, rules.APPRAISAL)
        )
    # then branch A held one themed day; the lecture is not asked for; B held nothing
    assert counts == {world.branch_a.path: {rules.THEMED_DAY: 1}}
    assert (
        selectors.meetings_held_within(
            world.committee, Period.year(day.year - 1), kinds=(rules.THEMED_DAY,)
        )
        == {}
    )
