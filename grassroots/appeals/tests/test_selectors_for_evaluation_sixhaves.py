"""`appeal_rates_of`: the three rates of many units at once (the six haves' overview),
equal to `appeal_figures` unit by unit, in a fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grassroots.appeals import rate_months, selectors, services
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core import parameters
from grassroots.core.periods import MONTH, Period
from grassroots.core.satisfaction import Satisfaction
from grassroots.orgs.models import OrgUnit
from grassroots.orgs.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


def _rated(world: Any, at: datetime.datetime, satisfaction: str, **overrides: Any) -> Any:
    appeal = raise_appeal(world, at=at, **overrides)
    officer = (
        world.officer_b if overrides.get("department") == world.department_b else world.officer_a
    )
    services.appeal_accept(appeal=appeal, actor=officer, at=at + datetime.timedelta(hours=1))
    services.appeal_answer(
        appeal=appeal, actor=officer, text="已处理。", at=at + datetime.timedelta(days=1)
    )
    services.appeal_rate(
        appeal=appeal,
        resolved=satisfaction != Satisfaction.NOT,
        satisfaction=satisfaction,
        rater=appeal.submitter,
        at=at + datetime.timedelta(days=2),
    )
    return appeal


def _last_month(now: datetime.datetime) -> tuple[Period, datetime.datetime]:
    period = Period.of(timezone.localdate(now), MONTH).previous()
    at = datetime.datetime.combine(
        period.first + datetime.timedelta(days=2),
        datetime.time(10),
        timezone.get_current_timezone(),
    )
    return period, at


def test_the_rates_of_each_unit_are_those_appeal_figures_gives(world):
    # given appeals in both branches last month, one left unaccepted, and a rollup
    now = timezone.now()
    period, at = _last_month(now)
    _rated(world, at, Satisfaction.SATISFIED)
    _rated(world, at, Satisfaction.NOT)
    _rated(world, at, Satisfaction.FAIRLY, department=world.department_b)
    raise_appeal(world, at=at, department=world.department_b)  # never accepted
    rate_months.rate_months_refresh(now=now)
    units = [world.branch_a, world.branch_b, world.committee]
    # when the rates of the branches and the committee are read at once
    found = selectors.appeal_rates_of(units, period, within=world.committee, now=now)
    # then each unit has the counts and rates appeal_figures gives it alone
    for unit in units:
        alone = selectors.appeal_figures(unit, period, now=now)
        assert found[unit.pk].counts == alone.counts, unit.name
        assert found[unit.pk].rates == alone.rates, unit.name
    assert found[world.branch_b.pk].counts.due == 2
    assert found[world.committee.pk].counts.answered == 3


def test_a_unit_without_appeals_has_zero_counts_and_is_too_few_to_judge(world):
    found = selectors.appeal_rates_of([world.branch_b], Period.year(2031), within=world.committee)
    assert found[world.branch_b.pk].counts.due == 0
    assert found[world.branch_b.pk].rates.response is None


def test_the_number_of_queries_does_not_grow_with_the_units(world):
    # given many branches, and the rule parameters already read
    now = timezone.now()
    period, at = _last_month(now)
    _rated(world, at, Satisfaction.SATISFIED)
    parameters.value("appeals.min_answers")

    def queries(units: list[Any]) -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.appeal_rates_of(units, period, within=world.committee, now=now)
        return len(captured)

    few = queries([world.branch_a, world.branch_b])
    more = [
        OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=world.committee, code=f"X{n}")
        for n in range(6)
    ]
    # then reading eight branches costs what reading two does
    assert queries([world.branch_a, world.branch_b, *more]) == few <= 2
