"""Indicators "from the records": every source reads another app's read contract and
explains its figure with the counts behind it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from grassroots.core.periods import Period
from grassroots.evaluation import sources

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 6)


@pytest.mark.parametrize("key", sorted(sources.SOURCES))
def test_every_source_gives_a_figure_for_a_committee_and_a_branch(
    world, key, django_assert_max_num_queries
):
    for unit in (world.committee, world.branch_a):
        with django_assert_max_num_queries(12):
            figure = sources.figure_of(key, unit, Period.year(2026), today=TODAY)
        assert figure.value is None or isinstance(figure.value, Decimal)
        assert isinstance(figure.basis, dict) and figure.basis


def test_rates_with_nothing_to_judge_are_too_few_not_zero(world):
    figure = sources.figure_of("appeals.composite", world.branch_a, Period.year(2026), today=TODAY)
    assert figure.value is None
    assert figure.basis["answered"] == 0


def test_a_branch_that_held_no_meetings_has_missed_what_is_over(world):
    # given a branch with no meetings, judged over a finished year
    figure = sources.figure_of("orglife.compliance", world.branch_a, Period.year(2025), today=TODAY)
    # then every required meeting of 2025 is missing and the share is 0 %
    assert figure.basis["missing"] > 0 and figure.basis["held"] == 0
    assert figure.value == Decimal("0.0")


def test_deed_answers_are_judged_from_five_answers_on(world):
    from grassroots.service.models import Deed
    from grassroots.service.tests.deeds_factories import backdate, done_deed

    # given a deed of branch A due in 2026, declared done, with four answers
    deed = backdate(done_deed(world, ratings=(3, 0, 1)), due_on=datetime.date(2026, 6, 30))
    period = Period.year(2026)
    # then four answers are too few to judge
    figure = sources.figure_of("service.deeds_delivered", world.branch_a, period, today=TODAY)
    assert figure.value is None
    # and with a fifth, 3 of 5 said it was delivered
    Deed.objects.filter(pk=deed.pk).update(rated_not=2)
    figure = sources.figure_of("service.deeds_delivered", world.branch_a, period, today=TODAY)
    assert figure.value == Decimal("60.0")
    assert figure.basis["not_satisfied"] == 2


def test_a_source_can_be_added_without_touching_the_others(world):
    # given a new measure registered by a later app
    added = sources.register(
        sources.Source(
            "test.constant",
            "constant",
            lambda unit, period, today: sources.Figure(Decimal(7), {"n": 7}),
        )
    )
    try:
        # then it is offered and measured like the rest
        assert (
            sources.figure_of("test.constant", world.branch_a, Period.year(2026), today=TODAY).value
            == 7
        )
    finally:
        sources.SOURCES.pop(added.key)
