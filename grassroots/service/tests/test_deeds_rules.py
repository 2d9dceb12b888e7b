"""The pure rules of practical deeds, without the database."""

from __future__ import annotations

import datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from grassroots.service.deeds import rules

days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31))
counts = st.integers(0, 10_000)
statuses = st.sampled_from([rules.OPEN, rules.DONE, rules.DROPPED])


@given(statuses, days, days)
def test_only_an_open_deed_past_its_date_is_overdue(status, due_on, today):
    assert rules.is_overdue(status=status, due_on=due_on, today=today) == (
        status == rules.OPEN and due_on < today
    )


def test_a_deed_due_today_is_not_yet_overdue():
    today = datetime.date(2026, 6, 30)
    assert not rules.is_overdue(status=rules.OPEN, due_on=today, today=today)
    assert rules.is_overdue(status=rules.OPEN, due_on=today, today=today + datetime.timedelta(1))


@given(days, days)
def test_a_new_deed_is_due_today_or_later(due_on, today):
    assert rules.due_date_ok(due_on, today=today) == (due_on >= today)


@given(st.integers(-1000, 1000))
def test_progress_is_a_percentage(progress):
    assert rules.progress_ok(progress) == (0 <= progress <= 100)


@given(st.lists(st.sampled_from([*rules.SERVICE_DOMAINS, "other", ""]), max_size=8))
def test_services_need_one_of_the_five_and_nothing_else(services):
    expected = bool(services) and all(code in rules.SERVICE_DOMAINS for code in services)
    assert rules.services_ok(services) == expected


@given(counts, counts, counts, st.integers(1, 50), st.integers(1, 100))
def test_poorly_rated_needs_enough_answers_and_a_large_enough_no_share(
    satisfied, fairly, unhappy, min_ratings, percent
):
    total = satisfied + fairly + unhappy
    flagged = rules.is_poorly_rated(
        satisfied=satisfied,
        fairly=fairly,
        not_satisfied=unhappy,
        min_ratings=min_ratings,
        no_share_percent=percent,
    )
    assert flagged == (total >= min_ratings and Fraction(unhappy * 100, total) >= percent)


@given(counts, counts, st.integers(1, 100))
def test_too_few_answers_never_flag(satisfied, unhappy, percent):
    # given fewer answers than required, however unhappy
    total = satisfied + unhappy
    # then
    assert not rules.is_poorly_rated(
        satisfied=satisfied,
        fairly=0,
        not_satisfied=unhappy,
        min_ratings=total + 1,
        no_share_percent=percent,
    )


def test_poorly_rated_at_the_threshold_boundary():
    # 2 of 5 is exactly 40 %: flagged at 40, not at 41
    assert rules.is_poorly_rated(
        satisfied=3, fairly=0, not_satisfied=2, min_ratings=5, no_share_percent=40
    )
    assert not rules.is_poorly_rated(
        satisfied=3, fairly=0, not_satisfied=2, min_ratings=5, no_share_percent=41
    )
    assert not rules.is_poorly_rated(
        satisfied=2, fairly=0, not_satisfied=2, min_ratings=5, no_share_percent=40
    )


def test_no_answers_means_no_share_and_no_percentage():
    assert rules.no_share(satisfied=0, fairly=0, not_satisfied=0) is None
    assert rules.delivered_percent(satisfied=0, fairly=0, not_satisfied=0) is None
    assert not rules.is_poorly_rated(satisfied=0, fairly=0, not_satisfied=0, min_ratings=0)


@given(counts, counts, counts)
def test_delivered_percent_is_between_0_and_100(satisfied, fairly, unhappy):
    share = rules.delivered_percent(satisfied=satisfied, fairly=fairly, not_satisfied=unhappy)
    if satisfied + fairly + unhappy == 0:
        assert share is None
    else:
        assert share is not None and 0 <= share <= 100
        assert abs(share - 100 * satisfied / (satisfied + fairly + unhappy)) <= 0.5
