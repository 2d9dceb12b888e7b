from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.accounts import identity


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" e0101 ", "E0101"), ("Ｅ０１０１", "E0101"), ("100234", "100234")],
)
def test_employee_numbers_are_compared_without_case_space_or_full_width(raw, expected):
    assert identity.normalise_employee_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
    ],
)
def test_phone_numbers_are_reduced_to_their_eleven_digits(raw, expected):
    assert identity.normalise_phone(raw) == expected


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_mainland_mobile_number_is_valid(number):
    assert identity.is_valid_mobile(number)


@pytest.mark.parametrize("number", ["12800138000", "1380013800", "138001380000", "abcdefghijk"])
def test_other_numbers_are_not_mobiles(number):
    assert not identity.is_valid_mobile(number)
