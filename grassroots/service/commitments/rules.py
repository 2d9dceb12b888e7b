"""Pure rules of commitments (承诺践诺): which years a member may commit for, and when the
year-end self-assessment and the employees' rating open."""

from __future__ import annotations

import datetime

# Next year's commitments are usually drafted at the end of the year, so that they can be
# approved and published by January.
NEXT_YEAR_FROM_MONTH = 11
# The year-end judgement (self-assessment and rating) opens on December 1 of the year.
ASSESSMENT_MONTH = 12


def draftable_years(today: datetime.date) -> tuple[int, ...]:
    """Years a member may draft commitments for: this year, and next year from November."""
    if today.month >= NEXT_YEAR_FROM_MONTH:
        return (today.year, today.year + 1)
    return (today.year,)


def assessment_opens(year: int) -> datetime.date:
    return datetime.date(year, ASSESSMENT_MONTH, 1)


def assessment_open(year: int, today: datetime.date) -> bool:
    """From December 1 of the commitment's year, or any time after that year: the member
    writes a self-assessment and the employees rate the commitment."""
    return today >= assessment_opens(year)


def progress_date_ok(on: datetime.date, *, year: int, today: datetime.date) -> bool:
    """A progress note is dated within the commitment's year and not in the future."""
    return on.year == year and on <= today
