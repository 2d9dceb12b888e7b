from __future__ import annotations

import datetime

from grassroots.insights.statistics import periods


def test_join_periods_cut_at_the_plenum_and_the_congresses():
    labels = [period.label for period in periods.join_periods()]
    assert labels == [
        "–1978.12",
        "1979.01–2002.10",
        "2002.11–2012.10",
        "2012.11–2017.10",
        "2017.11–2022.10",
        "2022.11–",
    ]


def test_a_day_of_admission_falls_in_one_period():
    assert periods.join_period_of(datetime.date(1978, 12, 31)) == 0
    assert periods.join_period_of(datetime.date(1979, 1, 1)) == 1
    assert periods.join_period_of(datetime.date(2012, 10, 31)) == 2
    assert periods.join_period_of(datetime.date(2012, 11, 1)) == 3
    assert periods.join_period_of(datetime.date(2026, 5, 1)) == 5


def test_the_default_year_is_the_last_complete_one():
    assert periods.default_year(datetime.date(2026, 12, 7)) == 2025
    assert periods.parse_year(None, datetime.date(2026, 12, 7)) == 2025
    assert periods.parse_year("", datetime.date(2026, 1, 1)) == 2025


def test_only_years_with_tables_are_accepted():
    today = datetime.date(2026, 12, 7)
    assert periods.parse_year("2026", today) == 2026
    assert periods.parse_year(" 2019 ", today) == 2019
    for raw in ("2027", "1949", "20x6", "²⁰²⁵", "-2025", "02025", "1e3"):
        assert periods.parse_year(raw, today) is None


def test_year_choices_are_newest_first_and_end_this_year():
    choices = periods.year_choices(datetime.date(2026, 3, 1), shown=3)
    assert choices == [2026, 2025, 2024, 2023]
