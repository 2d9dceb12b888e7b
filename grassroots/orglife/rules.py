"""Pure rules of organisational life (RULES.md, 《中国共产党支部工作条例（试行）》):
what each kind of unit must hold, quorum, and a period's compliance status."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from grassroots.core.periods import Period

# Meeting kinds (GLOSSARY: Meeting.Kind)
ASSEMBLY, COMMITTEE, GROUP = "assembly", "committee", "group"
LECTURE, THEMED_DAY, LIFE_MEETING, APPRAISAL = "lecture", "themed_day", "life_meeting", "appraisal"
# The kinds whose frequency is required of branches and groups (compliance).
KINDS = (ASSEMBLY, COMMITTEE, GROUP, LECTURE, THEMED_DAY, LIFE_MEETING, APPRAISAL)
# The Party committee's theoretical-study centre group (理论学习中心组学习): held by a
# committee with its committee members; not a compliance kind, and its sessions count
# towards training hours.
CENTRE_STUDY = "centre_study"
# Who is expected: the members holding a committee post of the unit, not all its members.
COMMITTEE_ATTENDED_KINDS = frozenset({COMMITTEE, CENTRE_STUDY})
QUORUM_KINDS = frozenset({ASSEMBLY, COMMITTEE})


@dataclass(frozen=True)
class Requirement:
    kind: str
    frequency: str
    times: int = 1  # at least this many per period


def requirements(
    *, unit_kind: str, has_committee: bool, frequencies: dict[str, str]
) -> list[Requirement]:
    """What a unit must hold. Branches: the assembly, the lecture, the themed day, the
    organisational life meeting and the appraisal, and committee meetings when they have a
    committee; groups: group meetings. `frequencies` maps kind → frequency (the
    configurable numbers of RULES.md); a kind set to "" is not required."""
    if unit_kind == "group":
        kinds: tuple[str, ...] = (GROUP,)
    elif unit_kind == "branch":
        kinds = (ASSEMBLY, LECTURE, THEMED_DAY, LIFE_MEETING, APPRAISAL)
        if has_committee:
            kinds = (ASSEMBLY, COMMITTEE, LECTURE, THEMED_DAY, LIFE_MEETING, APPRAISAL)
    else:
        return []
    return [Requirement(kind, frequencies[kind]) for kind in kinds if frequencies.get(kind)]


def quorum_met(present: int, entitled: int) -> bool:
    """More than half of those entitled (voting members; committee members) are present."""
    return entitled > 0 and 2 * present > entitled


def quorum_needed(entitled: int) -> int:
    """The smallest number present that makes a quorum."""
    return entitled // 2 + 1


# Status of one required kind in one period
DONE, MISSING, DUE_SOON, OPEN, PLANNED, FUTURE = (
    "done",
    "missing",
    "due_soon",
    "open",
    "planned",
    "future",
)


def period_status(
    period: Period, *, held: int, planned: int, times: int, today: datetime.date, soon_days: int
) -> str:
    """done: held often enough; missing: the period is over without it; planned: not held
    yet but planned in the period; due_soon: the period ends within `soon_days` with
    nothing planned; open: the period is under way; future: it has not begun."""
    if held >= times:
        return DONE
    if today > period.last:
        return MISSING
    if today < period.first:
        return FUTURE
    if held + planned >= times:
        return PLANNED
    if (period.last - today).days < soon_days:
        return DUE_SOON
    return OPEN


GAPS = frozenset({MISSING, DUE_SOON})


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    year, month = day.year, day.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, min(day.day, Period.month(year, month).last.day))


def inactive_since(attended: list[datetime.date], *, today: datetime.date, months: int = 6) -> bool:
    """True when nothing was attended in the last `months` months before today."""
    cutoff = months_before(today, months)
    return not any(day >= cutoff for day in attended)


def missing_talks(
    committee: set[int], members: set[int], talks: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[int]]:
    """Who has not yet talked with whom: each pair of committee members, and each other
    member with at least one committee member. Talks go either way."""
    pairs = {frozenset(talk) for talk in talks}
    missing_pairs = [
        (a, b)
        for index, a in enumerate(sorted(committee))
        for b in sorted(committee)[index + 1 :]
        if frozenset((a, b)) not in pairs
    ]
    reached = {b for a, b in talks if a in committee} | {a for a, b in talks if b in committee}
    missing_members = sorted(m for m in members - committee if m not in reached)
    return missing_pairs, missing_members
