"""The pure rules of the appeal loop: the state machine and the three rates (RULES.md)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.appeals import rules
from grassroots.appeals.rules import RateCounts, Weights


@st.composite
def rate_counts(draw: st.DrawFn, max_size: int = 40) -> RateCounts:
    """Counts that can occur: parts never exceed their wholes."""
    due = draw(st.integers(0, max_size))
    answered = draw(st.integers(0, max_size))
    satisfied = draw(st.integers(0, answered))
    fairly = draw(st.integers(0, answered - satisfied))
    return RateCounts(
        due=due,
        responded_in_time=draw(st.integers(0, due)),
        answered=answered,
        resolved=draw(st.integers(0, answered)),
        satisfied=satisfied,
        fairly=fairly,
    )


@given(rate_counts(), st.integers(0, 10))
def test_every_rate_is_a_share_or_too_few_to_judge(counts, minimum):
    result = rules.rates(counts, minimum=minimum)
    for value, whole in (
        (result.response, counts.due),
        (result.resolution, counts.answered),
        (result.satisfaction, counts.answered),
    ):
        if whole < max(minimum, 1):
            assert value is None  # zero or tiny denominators are never divided by
        else:
            assert value is not None and 0.0 <= value <= 1.0
    if None in (result.response, result.resolution, result.satisfaction):
        assert result.composite is None
    else:
        assert result.composite is not None and 0.0 <= result.composite <= 1.0 + 1e-9


@given(rate_counts(), rate_counts())
def test_counts_add_up_across_units(a, b):
    total = a + b
    assert total.due == a.due + b.due
    assert total.answered == a.answered + b.answered
    assert total.satisfied + total.fairly <= total.answered


def test_zero_denominators_are_too_few_to_judge_even_with_no_minimum():
    result = rules.rates(RateCounts(), minimum=0)
    assert (result.response, result.resolution, result.satisfaction, result.composite) == (
        None,
        None,
        None,
        None,
    )


def test_four_answers_are_too_few_five_are_enough():
    four = RateCounts(due=4, responded_in_time=4, answered=4, resolved=4, satisfied=4)
    assert rules.rates(four).resolution is None
    five = RateCounts(due=5, responded_in_time=5, answered=5, resolved=4, satisfied=3, fairly=1)
    result = rules.rates(five)
    assert result.response == 1.0
    assert result.resolution == pytest.approx(0.8)
    assert result.satisfaction == pytest.approx((3 + 0.9) / 5)
    assert result.composite == pytest.approx(0.1 * 1.0 + 0.5 * 0.8 + 0.4 * 0.78)


def test_weights_from_the_rules_change_the_composite_only():
    counts = RateCounts(due=10, responded_in_time=5, answered=10, resolved=10, satisfied=0)
    default = rules.rates(counts)
    response_heavy = rules.rates(counts, weights=Weights(1.0, 0.0, 0.0))
    assert default.response == response_heavy.response == 0.5
    assert response_heavy.composite == pytest.approx(0.5)
    assert default.composite == pytest.approx(0.1 * 0.5 + 0.5 * 1.0)


# --- The state machine ------------------------------------------------------------------------

STATES = sorted(
    {rules.SUBMITTED, rules.REOPENED, rules.CLOSED, rules.DECLINED, rules.MERGED}
    | {rules.WITHDRAWN, rules.ANSWERED}
    | rules.WORKING
)
FINAL = {rules.CLOSED, rules.DECLINED, rules.MERGED, rules.WITHDRAWN}


@given(st.sampled_from(sorted(rules.TRANSITIONS)), st.sampled_from(STATES))
def test_an_action_is_allowed_exactly_when_next_status_accepts_it(action, status):
    if rules.can(action, status):
        assert rules.next_status(action, status) in STATES
    else:
        with pytest.raises(ValueError, match="not allowed"):
            rules.next_status(action, status)


@given(st.lists(st.sampled_from(sorted(rules.TRANSITIONS)), max_size=30))
def test_no_sequence_of_actions_leaves_a_final_state(actions):
    status = rules.SUBMITTED
    for action in actions:
        if action == "rate" and rules.can(action, status):
            status = rules.after_rating(satisfaction="not", times_reopened=0)
            continue
        if not rules.can(action, status):
            continue
        before = status
        status = rules.next_status(action, status)
        if before in FINAL:
            pytest.fail(f"{action} left the final state {before}")


@pytest.mark.parametrize(
    ("satisfaction", "times_reopened", "expected"),
    [
        ("not", 0, rules.REOPENED),
        ("not", 1, rules.CLOSED),  # reopened once only
        ("fairly", 0, rules.CLOSED),
        ("satisfied", 0, rules.CLOSED),
    ],
)
def test_not_satisfied_reopens_once(satisfaction, times_reopened, expected):
    assert rules.after_rating(satisfaction=satisfaction, times_reopened=times_reopened) == expected


@pytest.mark.parametrize(
    ("text", "shares"), [("50,80,100", (0.5, 0.8, 1.0)), ("100, 50", (0.5, 1.0))]
)
def test_warning_shares_parse(text, shares):
    assert rules.warning_shares(text) == shares


@pytest.mark.parametrize("text", ["", "0,50", "50,120", "fifty"])
def test_bad_warning_shares_are_refused(text):
    with pytest.raises(ValueError):  # noqa: PT011 - int() and the range check both apply
        rules.warning_shares(text)


@given(st.datetimes(timezones=st.sampled_from([ZoneInfo("Asia/Shanghai"), datetime.UTC])))
def test_an_anonymous_senders_hour_shown_holds_the_moment_and_the_clock_starts_after_it(moment):
    shown = rules.anonymous_shown_at(moment)
    assert shown <= moment < shown + datetime.timedelta(hours=1)
    assert (shown.minute, shown.second, shown.microsecond) == (0, 0, 0)
    assert rules.anonymous_clock_start(moment) == shown + datetime.timedelta(hours=1)
    assert rules.anonymous_clock_start(moment) > moment
