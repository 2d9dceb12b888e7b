"""The Open311 vocabulary over plain values: no database."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grassroots.integrations.open311 import rules

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 12, 7, 4, 0, tzinfo=datetime.UTC)
OPEN = ("submitted", "accepted", "in_progress", "reopened")


@pytest.mark.parametrize(
    ("status", "public"),
    [
        ("submitted", "open"),
        ("reopened", "open"),
        ("answered", "closed"),
        ("closed", "closed"),
        ("declined", "closed"),
        ("merged", "closed"),
        ("withdrawn", "closed"),
    ],
)
def test_statuses_map_to_open_and_closed(status, public):
    assert rules.public_status(status, OPEN) == public


def test_status_filter_takes_open_closed_or_both_and_refuses_the_rest():
    assert rules.statuses_wanted("") == {"open", "closed"}
    assert rules.statuses_wanted("Open") == {"open"}
    assert rules.statuses_wanted("open,closed") == {"open", "closed"}
    with pytest.raises(rules.ParameterError, match="status"):
        rules.statuses_wanted("pending")


def test_moments_read_w3c_date_times_and_dates_in_local_time():
    assert rules.moment("2026-12-01T00:00:00Z", "start_date", SHANGHAI) == datetime.datetime(
        2026, 12, 1, tzinfo=datetime.UTC
    )
    assert rules.moment("2026-12-01", "start_date", SHANGHAI) == datetime.datetime(
        2026, 12, 1, tzinfo=SHANGHAI
    )
    assert rules.moment(" ", "start_date", SHANGHAI) is None
    for bad in ("yesterday", "2026-13-01", "2026-02-30T00:00:00"):
        with pytest.raises(rules.ParameterError, match="start_date"):
            rules.moment(bad, "start_date", SHANGHAI)


def test_the_window_defaults_to_ninety_days_and_refuses_longer_or_reversed_ranges():
    ninety = datetime.timedelta(days=90)
    assert rules.window(None, None, now=NOW) == (NOW - ninety, NOW)
    assert rules.window(NOW, None, now=NOW) == (NOW, NOW + ninety)
    assert rules.window(None, NOW, now=NOW) == (NOW - ninety, NOW)
    with pytest.raises(rules.ParameterError, match="90 days"):
        rules.window(NOW - ninety - datetime.timedelta(seconds=1), NOW, now=NOW)
    with pytest.raises(rules.ParameterError, match="before"):
        rules.window(NOW, NOW - datetime.timedelta(days=1), now=NOW)


@given(
    start=st.datetimes(
        min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2100, 1, 1)
    ),
    length=st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=200)),
)
def test_an_accepted_window_never_spans_more_than_ninety_days(start, length):
    start = start.replace(tzinfo=datetime.UTC)
    try:
        since, until = rules.window(start, start + length, now=NOW)
    except rules.ParameterError:
        assert length > rules.MAX_WINDOW
    else:
        assert until - since <= rules.MAX_WINDOW


def test_lists_drop_blanks_and_repeats_and_have_a_limit():
    assert rules.listed("a, b,,a", "x", most=2) == ["a", "b"]
    with pytest.raises(rules.ParameterError, match="at most 2"):
        rules.listed("a,b,c", "x", most=2)
    with pytest.raises(rules.ParameterError, match="service_code"):
        rules.codes("living,<script>")


def test_page_numbers_are_bounded_whole_numbers():
    assert rules.bounded_int("", "page", default=1, low=1, high=9) == 1
    assert rules.bounded_int("9", "page", default=1, low=1, high=9) == 9
    for bad in ("0", "10", "-1", "1.5", "²", "9" * 10_000, "99999999999999999999"):
        with pytest.raises(rules.ParameterError, match="page"):
            rules.bounded_int(bad, "page", default=1, low=1, high=9)


def test_a_title_is_the_first_line_cut_with_an_ellipsis():
    assert rules.title_from("食堂排队\n很久") == "食堂排队"
    long = "很" * 40
    assert rules.title_from(long) == "很" * 29 + "…"
    assert rules.title_from("   ") == ""
