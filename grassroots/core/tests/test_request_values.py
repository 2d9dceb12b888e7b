"""Ids and page numbers from request parameters: a number or None, never an exception."""

from __future__ import annotations

import pytest

from grassroots.core.request_values import MAX_ID, object_id, positive_int


@pytest.mark.parametrize("raw", ["1", "42", " 7 ", str(MAX_ID)])
def test_plain_numbers_are_read(raw):
    assert object_id(raw) == int(raw)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "0",
        "-1",
        "+1",
        "1.5",
        "1e9",
        "²",
        "١٢",
        "１２",
        "12\x00",
        "%00",
        "abc",
        str(MAX_ID + 1),
        "9" * 10_000,
        12,
        b"12",
    ],
)
def test_anything_else_is_none(raw):
    assert object_id(raw) is None


def test_a_maximum_can_be_lower():
    assert positive_int("100", maximum=99) is None
    assert positive_int("99", maximum=99) == 99
