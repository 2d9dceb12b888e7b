"""The 25 steps as pure rules: gating, durations, people and meetings."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.orglife.development import rules
from grassroots.orglife.development.rules import Evidence

DAY = datetime.date(2026, 6, 1)


def check(number, implied=None, done=(), **facts):
    evidence = Evidence(done_on=facts.pop("done_on", DAY), **facts)
    implied = number - 1 if implied is None else implied
    return rules.check_step(number, evidence, done=set(done), implied=implied)


def test_there_are_25_steps_in_5_stages_in_order():
    assert [s.number for s in rules.STEPS] == list(range(1, 26))
    assert [sum(1 for s in rules.STEPS if s.stage == n) for n in range(1, 6)] == [2, 4, 5, 7, 7]


@given(st.integers(1, 25), st.integers(0, 25))
def test_a_step_unlocks_only_when_the_one_before_is_done(number, implied):
    verdict = rules.check_step(
        number,
        Evidence(
            done_on=DAY,
            birth_date=datetime.date(1990, 1, 1),
            activist_on=datetime.date(2020, 1, 1),
            admitted_on=datetime.date(2020, 1, 1),
            people_full_members=(True, True),
            training_days=3,
            notice_working_days=5,
            meeting_ok=True,
        ),
        done=set(),
        implied=implied,
    )
    if number <= implied:
        assert not verdict.ok  # already behind the person
    elif number - 1 > implied:
        assert not verdict.ok
        assert any("first" in error or "先" in error for error in verdict.errors)
    else:
        assert verdict.ok, verdict.errors


@given(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2012, 12, 31)))
def test_applicants_must_be_eighteen(birth):
    verdict = check(1, implied=0, birth_date=birth)
    assert verdict.ok == (rules.age_on(birth, DAY) >= 18)


def test_eighteenth_birthday_is_enough():
    assert check(1, implied=0, birth_date=datetime.date(2008, 6, 1)).ok
    assert not check(1, implied=0, birth_date=datetime.date(2008, 6, 2)).ok


def test_a_late_talk_is_recorded_with_a_warning():
    on_time = check(2, applied_on=DAY - datetime.timedelta(days=20))
    late = check(2, applied_on=DAY - datetime.timedelta(days=45))
    assert on_time.ok and not on_time.warnings
    assert late.ok and late.warnings


@pytest.mark.parametrize(
    ("people", "ok"),
    [
        ((), False),
        ((True,), True),
        ((True, True), True),
        ((True, True, True), False),
        ((False,), False),
    ],
)
def test_one_or_two_cultivation_contacts_who_are_full_members(people, ok):
    assert check(5, people_full_members=people).ok == ok


@pytest.mark.parametrize(
    ("people", "ok"), [((True,), False), ((True, True), True), ((True, False), False)]
)
def test_two_introducers_who_are_full_members(people, ok):
    assert check(9, people_full_members=people).ok == ok


@given(st.integers(0, 800))
def test_a_year_as_activist_before_candidate(days):
    activist = DAY - datetime.timedelta(days=days)
    verdict = check(7, activist_on=activist)
    assert verdict.ok == (rules.add_years(activist, 1) <= DAY)


@pytest.mark.parametrize(
    ("days", "hours", "ok"), [(3, 0, True), (0, 24, True), (2.5, 20, False), (0, 0, False)]
)
def test_training_three_days_or_24_hours(days, hours, ok):
    assert check(11, training_days=days, training_hours=hours).ok == ok


@pytest.mark.parametrize(("working_days", "ok"), [(None, False), (4, False), (5, True), (9, True)])
def test_public_notice_of_five_working_days(working_days, ok):
    assert check(12, notice_working_days=working_days).ok == ok


@pytest.mark.parametrize(
    ("meeting_ok", "meeting_on", "ok"),
    [
        (None, None, False),
        (False, DAY, False),
        (True, DAY, True),
        (True, DAY.replace(day=2), False),
    ],
)
def test_admission_needs_a_quorate_assembly_of_the_branch(meeting_ok, meeting_on, ok):
    assert check(15, meeting_ok=meeting_ok, meeting_on=meeting_on).ok == ok


@given(
    st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2026, 6, 1)),
    st.integers(0, 12),
)
def test_probation_lasts_a_year_plus_the_extension(admitted, months):
    ends = rules.probation_ends(admitted, months)
    assert ends > admitted
    before = check(
        23,
        admitted_on=admitted,
        extension_months=months,
        meeting_ok=True,
        meeting_on=ends - datetime.timedelta(days=1),
        done_on=ends - datetime.timedelta(days=1),
    )
    on_time = check(
        23,
        admitted_on=admitted,
        extension_months=months,
        meeting_ok=True,
        meeting_on=ends,
        done_on=ends,
    )
    assert not before.ok
    assert on_time.ok


def test_an_extension_of_more_than_a_year_is_refused():
    assert not check(22, admitted_on=datetime.date(2024, 1, 1), extension_months=13).ok


def test_leap_day_admissions_end_on_28_february():
    assert rules.probation_ends(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)


def test_implied_steps_for_people_who_came_with_a_stage():
    assert rules.implied_steps(set(), "candidate") == 7
    assert rules.implied_steps({8, 9}, "candidate") == 7
    assert rules.implied_steps({1, 2}, "activist") == 0
    assert rules.next_step({8}, 7) == 9


def test_a_step_in_the_future_is_refused():
    verdict = rules.check_step(4, Evidence(done_on=DAY), done=set(), implied=3, today=DAY)
    assert verdict.ok
    later = rules.check_step(
        4, Evidence(done_on=DAY + datetime.timedelta(days=1)), done=set(), implied=3, today=DAY
    )
    assert not later.ok
