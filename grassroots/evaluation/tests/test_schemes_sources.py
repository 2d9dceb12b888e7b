"""Sources as schemes use them: every source says how its records are reached, and a
batched variant gives the same figures as measuring unit by unit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.core.periods import Period
from grassroots.evaluation import sources
from grassroots.orglife import rules as orglife_rules
from grassroots.orglife.tests.test_read_contract import held
from grassroots.service.tests.deeds_factories import backdate, done_deed, make_deed

pytestmark = pytest.mark.django_db
NEW_SOURCES = (
    "orglife.themed_days",
    "orglife.appraisal_meetings",
    "service.commitments_approved",
    "service.coverage",
)


def test_the_sources_the_issue_lists_are_registered():
    assert set(NEW_SOURCES) <= set(sources.SOURCES)


@pytest.mark.parametrize("key", sorted(sources.SOURCES))
def test_every_source_says_how_its_records_are_reached(world, key):
    today = timezone.localdate()
    records = sources.records_of(key, world.branch_a, Period.year(today.year), today=today)
    assert records.url or records.listed


@pytest.mark.parametrize("key", sorted(k for k, s in sources.SOURCES.items() if s.measure_many))
def test_a_batched_source_gives_what_unit_by_unit_gives(world, key):
    # given some records in branch A this year
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    when = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(14)))
    held(world, orglife_rules.THEMED_DAY, when=when)
    held(world, orglife_rules.APPRAISAL, when=when)
    backdate(done_deed(world, ratings=(4, 1, 0)), due_on=yesterday)
    backdate(make_deed(world), due_on=yesterday)
    period = Period.year(today.year)
    units = [world.branch_a, world.branch_b, world.group_a, world.committee]
    # when the figures are read in one batch and one by one
    batched = sources.figures_for(key, units, period, today=today)
    single = {unit.pk: sources.figure_of(key, unit, period, today=today) for unit in units}
    # then they agree, value and basis
    assert {pk: f.value for pk, f in batched.items()} == {pk: f.value for pk, f in single.items()}
    for pk in single:
        for name, count in batched[pk].basis.items():
            assert single[pk].basis.get(name, count) == count, (pk, name)
