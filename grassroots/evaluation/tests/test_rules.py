"""Evaluation's pure rules: curves, scheme totals, group weights, low scores, 优秀 cap."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.evaluation import rules
from grassroots.evaluation.rules import CurveError, Deduction, Linear, Steps, curve_from_config

values = st.decimals(min_value=-1000, max_value=1000, allow_nan=False, places=2)
points = st.decimals(min_value=1, max_value=100, places=1)


@given(value=values, floor=values, target=values, worth=points)
def test_a_linear_curve_stays_between_zero_and_its_points(value, floor, target, worth):
    if floor == target:
        return
    earned = Linear(floor, target, worth).score(value)
    assert Decimal(0) <= earned <= worth.quantize(Decimal("0.01"))


@given(low=values, high=values, worth=points)
def test_a_linear_curve_never_rewards_a_worse_figure(low, high, worth):
    if low > high:
        low, high = high, low
    up = Linear(Decimal(60), Decimal(95), worth)  # higher is better
    down = Linear(Decimal(10), Decimal(0), worth)  # lower is better (overdue items)
    assert up.score(low) <= up.score(high)
    assert down.score(low) >= down.score(high)


def test_a_linear_curve_gives_full_points_at_the_target_and_none_at_the_floor():
    curve = Linear(Decimal(60), Decimal(95), Decimal(10))
    assert curve.score(Decimal(95)) == Decimal("10.00")
    assert curve.score(Decimal(60)) == Decimal("0.00")
    assert curve.score(Decimal("77.5")) == Decimal("5.00")


def test_steps_give_the_points_of_the_highest_threshold_reached():
    curve = Steps(((Decimal(80), Decimal(5)), (Decimal(90), Decimal(8))), Decimal(10))
    assert curve.score(Decimal(79)) == 0
    assert curve.score(Decimal(85)) == 5
    assert curve.score(Decimal(99)) == 8
    lower_is_better = Steps(
        ((Decimal(0), Decimal(10)), (Decimal(2), Decimal(6))), Decimal(10), True
    )
    assert lower_is_better.score(Decimal(0)) == 10
    assert lower_is_better.score(Decimal(2)) == 6
    assert lower_is_better.score(Decimal(3)) == 0


@given(occurrences=st.integers(min_value=-5, max_value=1000), per=points, worth=points)
def test_deductions_never_go_below_zero_nor_above_the_points(occurrences, per, worth):
    earned = Deduction(per, worth).score(Decimal(occurrences))
    assert Decimal(0) <= earned <= worth


def test_curves_are_read_from_their_stored_form():
    assert curve_from_config({"kind": "linear", "floor": 60, "target": 95}, points=Decimal(10)) == (
        Linear(Decimal(60), Decimal(95), Decimal(10))
    )
    steps = curve_from_config(
        {"kind": "steps", "thresholds": [[80, 5], [90, 8]]}, points=Decimal(10)
    )
    assert steps.score(Decimal(91)) == 8
    assert curve_from_config(
        {"kind": "deduction", "per_occurrence": "0.5"}, points=Decimal(5)
    ).score(Decimal(3)) == Decimal("3.50")


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"kind": "exponential"},
        {"kind": "linear", "floor": 60, "target": 60},
        {"kind": "linear", "floor": "x", "target": 90},
        {"kind": "linear", "floor": "NaN", "target": 90},
        {"kind": "steps", "thresholds": []},
        {"kind": "steps", "thresholds": [[80]]},
        {"kind": "steps", "thresholds": [[80, 50]]},  # more than the indicator is worth
        {"kind": "deduction", "per_occurrence": 0},
        {"kind": "deduction"},
    ],
)
def test_a_curve_that_cannot_score_is_refused_with_a_message(config):
    with pytest.raises(CurveError) as error:
        curve_from_config(config, points=Decimal(10))
    assert str(error.value)


def test_a_figure_too_few_to_judge_is_not_scored():
    assert rules.indicator_score(Linear(Decimal(0), Decimal(1), Decimal(5)), None) is None


def test_a_scheme_must_total_exactly_100_and_the_message_says_by_how_much():
    assert rules.scheme_total_error([Decimal(60), Decimal(40)]) is None
    assert "10" in rules.scheme_total_error([Decimal(60), Decimal(30)])
    assert "5" in rules.scheme_total_error([Decimal(60), Decimal(45)])


def test_indicators_that_could_not_be_judged_are_left_out_and_the_rest_scaled_to_100():
    # given 30 points earned of 40 judged, and 60 points that could not be judged
    scores = [(Decimal(40), Decimal(30)), (Decimal(60), None)]
    # then the unit has 75 of 100, not 30
    assert rules.unit_total(scores) == Decimal("75.00")
    assert rules.unit_total([(Decimal(100), None)]) is None


def test_a_group_of_fewer_than_five_ballots_is_not_shown():
    assert not rules.group_result("activists", [Decimal(5)] * 4).shown
    assert rules.group_result("activists", [Decimal(4), Decimal(5)] * 3).mean == Decimal("4.50")


def test_weights_are_renormalised_over_the_groups_shown_and_the_page_is_told():
    results = [
        rules.group_result("employees", [Decimal(4)] * 10),
        rules.group_result("full_members", [Decimal(5)] * 6),
        rules.group_result("probationary", [Decimal(1)] * 2),  # hidden
        rules.group_result("activists", [Decimal(3)] * 5),
    ]
    score, left_out = rules.weighted_score(results)
    # (0.4×4 + 0.3×5 + 0.15×3) / 0.85
    assert score == Decimal("4.18")
    assert left_out


@given(graded=st.integers(min_value=0, max_value=300))
def test_at_most_a_third_may_be_excellent(graded):
    allowed = rules.excellent_allowed(graded)
    assert allowed * 3 <= graded < (allowed + 1) * 3
    grades = [rules.EXCELLENT] * allowed + [rules.QUALIFIED] * (graded - allowed)
    assert rules.grades_error(grades) is None
    if graded - allowed > 0:
        one_more = [rules.EXCELLENT] * (allowed + 1) + [rules.QUALIFIED] * (graded - allowed - 1)
        assert rules.grades_error(one_more) is not None


def test_low_scores_are_below_their_share_of_the_maximum():
    assert rules.is_low(Decimal("6.9"), Decimal(10))
    assert not rules.is_low(Decimal(7), Decimal(10))
    assert rules.is_low(Decimal(79), Decimal(100), share=rules.SUBJECT_LOW_SHARE)
