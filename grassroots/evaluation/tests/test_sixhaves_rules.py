"""The six haves judged from plain figures: met, not met, or cannot judge."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from grassroots.evaluation.sixhaves import rules
from grassroots.evaluation.sixhaves.rules import Measure, State

DAY = datetime.date(2025, 6, 30)


def lead(**changes):
    values = {
        "has_secretary": True,
        "committee_required": False,
        "committee_posts": 1,
        "committee_min_size": 3,
        "full_members": 5,
        "term_ends_on": datetime.date(2026, 1, 1),
        "on": DAY,
    }
    return rules.leadership(**(values | changes)).state


def test_leadership_needs_a_secretary_the_committee_required_and_a_live_term():
    assert lead() == State.MET
    assert lead(has_secretary=False) == State.NOT_MET
    assert lead(committee_required=True, committee_posts=2) == State.NOT_MET
    assert lead(committee_required=True, committee_posts=3) == State.MET
    assert lead(term_ends_on=DAY - datetime.timedelta(days=1)) == State.NOT_MET
    assert lead(term_ends_on=DAY) == State.MET  # the last day of the term still counts
    assert lead(term_ends_on=None) == State.UNKNOWN
    # what is wrong outweighs what is unknown
    assert lead(has_secretary=False, term_ends_on=None) == State.NOT_MET


def test_backbone_is_the_share_of_members_serving():
    assert rules.backbone(members=0, serving=0, minimum_percent=50).state == State.UNKNOWN
    assert rules.backbone(members=10, serving=5, minimum_percent=50).state == State.MET
    assert rules.backbone(members=10, serving=4, minimum_percent=50).state == State.NOT_MET


def test_a_venue_in_use_meets_the_place_whatever_an_officer_stated():
    for stated in (None, True, False):
        assert rules.place(venues=1, has_place=stated).state == State.MET
    assert "2" in rules.place(venues=2, has_place=None).reason


def test_without_a_venue_the_place_is_what_the_officer_stated():
    assert rules.place(venues=0, has_place=None).state == State.UNKNOWN
    assert rules.place(venues=0, has_place=True).state == State.MET
    assert rules.place(venues=0, has_place=False).state == State.NOT_MET


def test_carriers_need_both_posts_and_activities():
    def judge(p, a):
        return rules.carriers(posts=p, activities=a, minimum_posts=1, minimum_activities=4).state

    assert judge(1, 4) == State.MET
    assert judge(0, 10) == State.NOT_MET
    assert judge(3, 3) == State.NOT_MET


def test_systems_judge_only_the_periods_that_are_over():
    assert rules.systems(held=0, missing=0, minimum_percent=90).state == State.UNKNOWN
    assert rules.systems(held=9, missing=1, minimum_percent=90).state == State.MET
    assert rules.systems(held=8, missing=1, minimum_percent=90).state == State.NOT_MET


def test_results_judge_the_figures_that_can_be_judged():
    too_few = Measure("response", None, 90)
    good = Measure("resolution", Decimal("85.0"), 80)
    poor = Measure("satisfaction", Decimal("70.0"), 85)
    assert rules.results((too_few, too_few)).state == State.UNKNOWN
    assert rules.results((too_few, good)).state == State.MET
    assert rules.results((good, poor, too_few)).state == State.NOT_MET


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_a_percentage_is_none_only_without_a_whole_and_else_in_range(part, whole):
    part = min(part, whole)
    value = rules.percent(part, whole)
    if whole == 0:
        assert value is None
    else:
        assert value is not None and Decimal(0) <= value <= Decimal(100)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1)),
            st.integers(min_value=1, max_value=100),
        ),
        max_size=4,
    )
)
def test_results_are_unknown_exactly_when_nothing_can_be_judged(values):
    measures = tuple(Measure(str(n), value, minimum) for n, (value, minimum) in enumerate(values))
    state = rules.results(measures).state
    judged = [m for m in measures if m.value is not None]
    if not judged:
        assert state == State.UNKNOWN
    elif all(m.value >= m.minimum for m in judged):
        assert state == State.MET
    else:
        assert state == State.NOT_MET
