"""Pure rules about organisations and members: no database, plain values in and out.

Tested with hypothesis in tests/test_rules.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# --- Ages, age bands and birth cohorts (annual 党内统计 dimensions) --------------------------


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    """Completed years of age on a day."""
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)


@dataclass(frozen=True)
class AgeBand:
    key: str
    label: str
    min_age: int | None
    max_age: int | None

    def contains(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (
            self.max_age is None or age <= self.max_age
        )


AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("le30", "≤30", None, 30),
    AgeBand("31_35", "31–35", 31, 35),
    AgeBand("36_40", "36–40", 36, 40),
    AgeBand("41_45", "41–45", 41, 45),
    AgeBand("46_50", "46–50", 46, 50),
    AgeBand("51_55", "51–55", 51, 55),
    AgeBand("56_60", "56–60", 56, 60),
    AgeBand("ge61", "≥61", 61, None),
)


def age_band(age: int) -> AgeBand:
    for band in AGE_BANDS:
        if band.contains(age):
            return band
    raise ValueError(f"no age band for {age}")  # unreachable: the bands cover all ages


def age_band_birth_range(
    band: AgeBand, on: datetime.date
) -> tuple[datetime.date | None, datetime.date | None]:
    """(born after, born on or before) for people in `band` on day `on`.

    Lets the database count age bands with plain date comparisons on birth_date.
    """
    born_on_or_before = years_before(on, band.min_age) if band.min_age is not None else None
    born_after = years_before(on, band.max_age + 1) if band.max_age is not None else None
    return born_after, born_on_or_before


def cohort_decade(birth_year: int) -> int:
    """The decade a person was born in (1965 → 1960)."""
    return birth_year // 10 * 10


def cohort_label(decade: int) -> str:
    """The customary name of a birth cohort: 1960 → 60后, 2000 → 00后."""
    return f"{decade % 100:02d}后"


COHORT_DECADES: tuple[int, ...] = (1950, 1960, 1970, 1980, 1990, 2000, 2010)
EARLIEST_COHORT = COHORT_DECADES[0]


def cohort_key(birth_year: int) -> int:
    """Cohort for statistics; anyone born before 1950 counts with the 50后 (so few)."""
    return max(cohort_decade(birth_year), EARLIEST_COHORT)


# --- Education --------------------------------------------------------------------------

COLLEGE_OR_ABOVE = frozenset({"postgraduate", "bachelor", "college"})
BACHELOR_OR_ABOVE = frozenset({"postgraduate", "bachelor"})


def share(part: int, whole: int) -> float | None:
    """A fraction, or None when there is nothing to divide by."""
    return part / whole if whole else None


# --- Organisation health (《中国共产党支部工作条例（试行）》) ---------------------


class HealthCode(StrEnum):
    TOO_FEW_FULL_MEMBERS = "too_few_full_members"
    NEEDS_COMMITTEE = "needs_committee"
    TOO_MANY_MEMBERS = "too_many_members"
    JOINT_COVERS_TOO_MANY = "joint_covers_too_many"
    TERM_EXPIRING = "term_expiring"
    TERM_EXPIRED = "term_expired"
    GROUP_WITHOUT_LEADER = "group_without_leader"
    NO_SECRETARY = "no_secretary"


@dataclass(frozen=True)
class HealthLimits:
    min_full_members: int = 3
    committee_threshold: int = 7
    committee_min_size: int = 3
    max_members: int = 50
    joint_max_units: int = 5
    term_reminder_days: int = 90


@dataclass(frozen=True)
class HealthWarning:
    code: HealthCode
    params: dict[str, Any] = field(default_factory=dict)
    # "danger" needs action now (expired, too few members); "warning" soon or advisory.
    severity: str = "warning"


def term_warnings(
    term_ends_on: datetime.date | None, today: datetime.date, reminder_days: int
) -> list[HealthWarning]:
    if term_ends_on is None:
        return []
    days_left = (term_ends_on - today).days
    if days_left < 0:
        return [
            HealthWarning(
                HealthCode.TERM_EXPIRED,
                {"ended_on": term_ends_on, "days": -days_left},
                "danger",
            )
        ]
    if days_left <= reminder_days:
        return [
            HealthWarning(HealthCode.TERM_EXPIRING, {"ends_on": term_ends_on, "days": days_left})
        ]
    return []


def branch_warnings(
    *,
    full_members: int,
    party_members: int,
    committee_posts: int,
    has_secretary: bool,
    is_joint: bool,
    departments_covered: int,
    term_ends_on: datetime.date | None,
    today: datetime.date,
    limits: HealthLimits,
) -> list[HealthWarning]:
    """Warnings for a branch from its counts (RULES.md, Organisation)."""
    warnings: list[HealthWarning] = []
    if full_members < limits.min_full_members:
        warnings.append(
            HealthWarning(
                HealthCode.TOO_FEW_FULL_MEMBERS,
                {"count": full_members, "minimum": limits.min_full_members},
                "danger",
            )
        )
    has_committee = committee_posts >= limits.committee_min_size
    if full_members >= limits.committee_threshold and not has_committee:
        warnings.append(
            HealthWarning(
                HealthCode.NEEDS_COMMITTEE,
                {"count": full_members, "threshold": limits.committee_threshold},
            )
        )
    if party_members > limits.max_members:
        warnings.append(
            HealthWarning(
                HealthCode.TOO_MANY_MEMBERS, {"count": party_members, "maximum": limits.max_members}
            )
        )
    if is_joint and departments_covered > limits.joint_max_units:
        warnings.append(
            HealthWarning(
                HealthCode.JOINT_COVERS_TOO_MANY,
                {"count": departments_covered, "maximum": limits.joint_max_units},
            )
        )
    if not has_secretary:
        warnings.append(HealthWarning(HealthCode.NO_SECRETARY))
    warnings.extend(term_warnings(term_ends_on, today, limits.term_reminder_days))
    return warnings


def committee_warnings(
    *,
    has_secretary: bool,
    term_ends_on: datetime.date | None,
    today: datetime.date,
    limits: HealthLimits,
) -> list[HealthWarning]:
    """Warnings for a committee or general branch."""
    warnings: list[HealthWarning] = []
    if not has_secretary:
        warnings.append(HealthWarning(HealthCode.NO_SECRETARY))
    warnings.extend(term_warnings(term_ends_on, today, limits.term_reminder_days))
    return warnings


def group_warnings(*, has_leader: bool) -> list[HealthWarning]:
    return [] if has_leader else [HealthWarning(HealthCode.GROUP_WITHOUT_LEADER)]


def term_end_for(elected_on: datetime.date, term_years: int) -> datetime.date:
    """When a committee elected on a day has to be re-elected."""
    try:
        return elected_on.replace(year=elected_on.year + term_years)
    except ValueError:
        return elected_on.replace(year=elected_on.year + term_years, day=28)


# --- Which parent a unit may have -------------------------------------------------------

ALLOWED_PARENT_KINDS: dict[str, frozenset[str | None]] = {
    "committee": frozenset({None, "committee"}),
    "general_branch": frozenset({"committee"}),
    "branch": frozenset({"committee", "general_branch"}),
    "group": frozenset({"branch"}),
}


def parent_kind_allowed(kind: str, parent_kind: str | None) -> bool:
    return parent_kind in ALLOWED_PARENT_KINDS[kind]


# --- Resident ID numbers (GB 11643-1999) ------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_card_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_card_number(number: str) -> bool:
    """18 characters, a real date of birth, and the right check character."""
    if len(number) != 18 or not number.isascii() or not number[:17].isdigit():
        return False
    if number[17] not in "0123456789X":
        return False
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return id_card_check_character(number[:17]) == number[17]


def mask_id_card_number(number: str) -> str:
    """Keep the first three and last four characters: 110***********1234."""
    if not number:
        return ""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
