"""Where an indicator "from the records" gets its figure: one registered source per
measure, each reading another app only through that app's read contract (its
`selectors`), for one organisation (with those below it) and one `core.periods.Period`.

A figure is a plain number, or None when the records are too few to judge (an
indicator is then left out of the unit's total, not scored 0 — `rules.unit_total`).
Each figure carries the counts behind it, so a score can always be explained.

To add a source (learning hours and dues arrive with their apps): write a function
`(unit, period, today) -> Figure` that reads the app's selectors, and `register` it
with a key, a label, whether higher is better and the kinds of unit it applies to.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grassroots.appeals import selectors as appeals
from grassroots.orglife import selectors as orglife
from grassroots.orgs.vocabulary import UnitKind
from grassroots.service import selectors as service

if TYPE_CHECKING:
    from grassroots.core.periods import Period
    from grassroots.orgs.models import OrgUnit

PERCENT = Decimal(100)
ALL_KINDS = frozenset({UnitKind.COMMITTEE, UnitKind.GENERAL_BRANCH, UnitKind.BRANCH})
# A share of answers is judged from this many answers on (the appeals' rule, RULES.md).
MIN_ANSWERS = 5


@dataclass(frozen=True)
class Figure:
    value: Decimal | None  # None: too few to judge
    basis: dict[str, Any] = field(default_factory=dict)  # the counts behind the value


Measure = Callable[["OrgUnit", "Period", datetime.date], Figure]


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    measure: Measure
    higher_is_better: bool = True
    applies_to: frozenset[str] = ALL_KINDS
    unit: str = ""  # "%" for shares, "" for counts


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    SOURCES[source.key] = source
    return source


def figure_of(key: str, unit: OrgUnit, period: Period, *, today: datetime.date) -> Figure:
    """The figure of a registered source (KeyError for an unknown key: a scheme only
    offers registered ones)."""
    return SOURCES[key].measure(unit, period, today)


def _percent(value: float | None) -> Decimal | None:
    return None if value is None else (Decimal(str(value)) * PERCENT).quantize(Decimal("0.1"))


def _share(part: int, whole: int, *, minimum: int = 1) -> Decimal | None:
    if whole < max(minimum, 1):
        return None
    return (Decimal(part) * PERCENT / Decimal(whole)).quantize(Decimal("0.1"))


def _moment(period: Period, today: datetime.date) -> datetime.datetime:
    """ "Now" as seen from the period: its end once it is over, so a past year's figure
    does not change when it is computed again."""
    if period.last < today:
        return period.ends
    return datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(0), period.starts.tzinfo
    )


# --- Appeals ----------------------------------------------------------------------------


def _rate(name: str) -> Measure:
    def measure(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
        figures = appeals.appeal_figures(unit, period, now=_moment(period, today))
        counts = figures.counts
        return Figure(
            _percent(getattr(figures.rates, name)),
            {
                "due": counts.due,
                "responded_in_time": counts.responded_in_time,
                "answered": counts.answered,
                "resolved": counts.resolved,
                "satisfied": counts.satisfied,
                "fairly": counts.fairly,
            },
        )

    return measure


def _appeals_overdue(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = appeals.appeal_figures(unit, period, now=_moment(period, today))
    return Figure(
        Decimal(figures.overdue), {"overdue": figures.overdue, "received": figures.received}
    )


register(
    Source(
        "appeals.composite",
        _("Appeals: composite of the three rates"),
        _rate("composite"),
        unit="%",
    )
)
register(Source("appeals.response", _("Appeals: response rate"), _rate("response"), unit="%"))
register(Source("appeals.resolution", _("Appeals: resolution rate"), _rate("resolution"), unit="%"))
register(
    Source("appeals.satisfaction", _("Appeals: satisfaction rate"), _rate("satisfaction"), unit="%")
)
register(
    Source(
        "appeals.overdue",
        _("Appeals: acceptance deadlines missed"),
        _appeals_overdue,
        higher_is_better=False,
    )
)


# --- Organisational life ------------------------------------------------------------------


def _compliance(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    rows = orglife.meeting_compliance(unit, period, today=today)
    required = sum(row.required for row in rows)
    held = sum(row.held for row in rows)
    missing = sum(row.missing for row in rows)
    # Periods still open are neither held nor missed yet: judge what is over.
    return Figure(
        _share(held, held + missing),
        {"required": required, "held": held, "missing": missing, "units": len(rows)},
    )


def _development_overdue(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    overdue = orglife.development_overdue(unit, period, today=today)
    return Figure(Decimal(len(overdue.steps)), {"overdue_steps": len(overdue.steps)})


register(
    Source(
        "orglife.compliance",
        _("Meetings (三会一课): share of required meetings held"),
        _compliance,
        unit="%",
    )
)
register(
    Source(
        "orglife.development_overdue",
        _("Member development: steps overdue"),
        _development_overdue,
        higher_is_better=False,
        applies_to=frozenset({UnitKind.BRANCH}),
    )
)


# --- Service carriers ---------------------------------------------------------------------


def _satisfied_share(counts: service.SatisfactionCounts) -> Decimal | None:
    """满意 and 基本满意 over all answers, once there are enough answers to judge."""
    return _share(counts.satisfied + counts.fairly, counts.total, minimum=MIN_ANSWERS)


def _answers(counts: service.SatisfactionCounts, **context: int) -> Figure:
    """The share of 满意 and 基本满意 among employees' answers, with the answers and the
    context they came from as its basis."""
    return Figure(
        _satisfied_share(counts),
        context
        | {
            "satisfied": counts.satisfied,
            "fairly": counts.fairly,
            "not_satisfied": counts.not_satisfied,
        },
    )


def _commitment_ratings(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = service.commitment_figures(unit, period)
    return _answers(figures.ratings, published=figures.published)


def _deeds_delivered(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = service.deed_figures(unit, period, today=today)
    return _answers(figures.answers, promised=figures.promised, done=figures.done)


def _deeds_overdue(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = service.deed_figures(unit, period, today=today)
    return Figure(
        Decimal(figures.overdue), {"promised": figures.promised, "overdue": figures.overdue}
    )


def _pairings_unvisited(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = service.pairing_figures(unit, period, today=today)
    return Figure(
        Decimal(figures.without_visit),
        {"active": figures.active, "without_visit": figures.without_visit, "days": figures.days},
    )


register(
    Source(
        "service.commitment_ratings",
        _("Commitments: employees satisfied or fairly satisfied"),
        _commitment_ratings,
        unit="%",
    )
)
register(
    Source(
        "service.deeds_delivered",
        _("Practical deeds: answers that they were delivered"),
        _deeds_delivered,
        unit="%",
    )
)
register(
    Source(
        "service.deeds_overdue",
        _("Practical deeds: overdue"),
        _deeds_overdue,
        higher_is_better=False,
    )
)
register(
    Source(
        "service.pairings_unvisited",
        _("Pairings without a recent visit"),
        _pairings_unvisited,
        higher_is_better=False,
    )
)
