"""The pure organisation rules, without the database."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.orgs import rules
from grassroots.orgs.rules import HealthCode, HealthLimits

dates = st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2060, 12, 31))
LIMITS = HealthLimits()
TODAY = datetime.date(2026, 5, 1)


# --- Ages and bands ---------------------------------------------------------------------


def test_age_counts_completed_years():
    assert rules.age_on(datetime.date(1990, 5, 2), datetime.date(2026, 5, 1)) == 35
    assert rules.age_on(datetime.date(1990, 5, 1), datetime.date(2026, 5, 1)) == 36


def test_someone_born_on_29_february_turns_older_on_1_march_in_common_years():
    born = datetime.date(2004, 2, 29)
    assert rules.age_on(born, datetime.date(2022, 2, 28)) == 17
    assert rules.age_on(born, datetime.date(2022, 3, 1)) == 18
    assert rules.age_on(born, datetime.date(2024, 2, 29)) == 20


@given(birth=dates, on=dates)
def test_every_age_falls_in_exactly_one_band(birth, on):
    if birth > on:
        return
    age = rules.age_on(birth, on)
    assert sum(band.contains(age) for band in rules.AGE_BANDS) == 1
    assert rules.age_band(age).contains(age)


@given(birth=dates, on=dates)
def test_birth_date_ranges_agree_with_computed_ages(birth, on):
    """The database counts bands by birth-date ranges; they must match age_on exactly,
    including across 29 February."""
    if birth > on:
        return
    expected = rules.age_band(rules.age_on(birth, on))
    matching = []
    for band in rules.AGE_BANDS:
        born_after, born_on_or_before = rules.age_band_birth_range(band, on)
        if (born_after is None or birth > born_after) and (
            born_on_or_before is None or birth <= born_on_or_before
        ):
            matching.append(band)
    assert matching == [expected]


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (1949, "50后"),
        (1955, "50后"),
        (1960, "60后"),
        (1979, "70后"),
        (2000, "00后"),
        (2012, "10后"),
    ],
)
def test_birth_cohorts_use_the_customary_names(year, label):
    assert rules.cohort_label(rules.cohort_key(year)) == label


def test_share_is_none_when_nothing_to_divide_by():
    assert rules.share(0, 0) is None
    assert rules.share(1, 4) == 0.25


# --- Organisation health ----------------------------------------------------------------


def branch(**overrides):
    values = {
        "full_members": 5,
        "party_members": 5,
        "committee_posts": 1,
        "has_secretary": True,
        "is_joint": False,
        "departments_covered": 1,
        "term_ends_on": TODAY + datetime.timedelta(days=400),
        "today": TODAY,
        "limits": LIMITS,
    }
    values.update(overrides)
    return {warning.code for warning in rules.branch_warnings(**values)}


def test_a_healthy_branch_has_no_warnings():
    assert branch() == set()


def test_a_branch_needs_three_full_members():
    assert HealthCode.TOO_FEW_FULL_MEMBERS in branch(full_members=2, party_members=4)
    assert HealthCode.TOO_FEW_FULL_MEMBERS not in branch(full_members=3, party_members=3)


def test_seven_full_members_need_an_elected_committee():
    assert HealthCode.NEEDS_COMMITTEE in branch(full_members=7, party_members=7, committee_posts=2)
    assert HealthCode.NEEDS_COMMITTEE not in branch(
        full_members=7, party_members=7, committee_posts=3
    )
    assert HealthCode.NEEDS_COMMITTEE not in branch(
        full_members=6, party_members=6, committee_posts=0
    )


def test_more_than_fifty_members_is_a_warning_not_a_block():
    assert HealthCode.TOO_MANY_MEMBERS in branch(
        full_members=45, party_members=51, committee_posts=5
    )
    assert HealthCode.TOO_MANY_MEMBERS not in branch(
        full_members=45, party_members=50, committee_posts=5
    )


def test_a_joint_branch_covers_at_most_five_units():
    assert HealthCode.JOINT_COVERS_TOO_MANY in branch(is_joint=True, departments_covered=6)
    assert HealthCode.JOINT_COVERS_TOO_MANY not in branch(is_joint=True, departments_covered=5)
    assert HealthCode.JOINT_COVERS_TOO_MANY not in branch(is_joint=False, departments_covered=9)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (91, set()),
        (90, {HealthCode.TERM_EXPIRING}),
        (0, {HealthCode.TERM_EXPIRING}),
        (-1, {HealthCode.TERM_EXPIRED}),
    ],
)
def test_term_reminder_ninety_days_before_and_overdue_after(days_left, expected):
    assert branch(term_ends_on=TODAY + datetime.timedelta(days=days_left)) == expected


def test_a_group_without_leader_is_flagged():
    assert [w.code for w in rules.group_warnings(has_leader=False)] == [
        HealthCode.GROUP_WITHOUT_LEADER
    ]
    assert rules.group_warnings(has_leader=True) == []


def test_term_end_after_three_years_handles_leap_days():
    assert rules.term_end_for(datetime.date(2024, 2, 29), 3) == datetime.date(2027, 2, 28)
    assert rules.term_end_for(datetime.date(2025, 7, 1), 3) == datetime.date(2028, 7, 1)


@pytest.mark.parametrize(
    ("kind", "parent", "allowed"),
    [
        ("committee", None, True),
        ("branch", "committee", True),
        ("branch", "general_branch", True),
        ("group", "branch", True),
        ("group", "committee", False),
        ("branch", None, False),
        ("general_branch", "branch", False),
    ],
)
def test_which_parent_a_unit_may_have(kind, parent, allowed):
    assert rules.parent_kind_allowed(kind, parent) is allowed


# --- Resident ID numbers ----------------------------------------------------------------


def _id_number(first17: str) -> str:
    return first17 + rules.id_card_check_character(first17)


def test_a_known_valid_id_number_passes():
    assert rules.is_valid_id_card_number("11010519491231002X")


@given(
    region=st.integers(min_value=110000, max_value=659999),
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_numbers_with_their_check_character_are_valid_and_one_changed_digit_is_not(
    region, birth, sequence
):
    number = _id_number(f"{region}{birth:%Y%m%d}{sequence:03d}")
    assert rules.is_valid_id_card_number(number)
    changed = number[:16] + str((int(number[16]) + 1) % 10) + number[17]
    assert not rules.is_valid_id_card_number(changed)


@pytest.mark.parametrize(
    "number",
    [
        "",
        "123",
        "11010519491331002X",
        "1101051949123100XX",
        "11010519491231002x",
        "1101051949123100𐩀X",  # a digit to isdigit(), not to int(): refused, not a crash
    ],
)
def test_malformed_id_numbers_are_refused(number):
    assert not rules.is_valid_id_card_number(number)


def test_id_numbers_are_masked_except_first_three_and_last_four():
    assert rules.mask_id_card_number("11010519491231002X") == "110***********002X"
    assert rules.mask_id_card_number("") == ""
    assert rules.mask_id_card_number("1234") == "****"
