"""Where an indicator "from the records" gets its figure: one registered source per
measure, each reading another app only through that app's read contract (its
`selectors`), for one organisation (with those below it) and one `core.periods.Period`.

A figure is a plain number, or None when the records are too few to judge (an
indicator is then left out of the unit's total, not scored 0 — `rules.unit_total`).
Each figure carries the counts behind it, so a score can always be explained.

To add a source (dues arrive with their app): write a function
`(unit, period, today) -> Figure` that reads the app's selectors, and `register` it
with a key, a label, whether higher is better and the kinds of unit it applies to.
Then say how its records are reached (`records`: a link to the app's own list filtered
to the unit and period, or rows read through a selector and shown on the breakdown),
and, when whole schemes are scored at once, give it a batched variant (`measure_many`:
the figures of many units from a fixed number of queries). Without one, `figures_for`
measures unit by unit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.appeals import selectors as appeals
from grassroots.core.tree import SEGMENT_WIDTH, parent_path
from grassroots.learning import selectors as learning
from grassroots.orglife import rules as orglife_rules
from grassroots.orglife import selectors as orglife
from grassroots.orgs import selectors as orgs
from grassroots.orgs.dues import selectors as dues
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
# The figures of many units at once (keyed by unit id), from a fixed number of queries.
BatchMeasure = Callable[[Sequence["OrgUnit"], "Period", datetime.date], dict[int, Figure]]


@dataclass(frozen=True)
class RecordRow:
    """One record behind a figure, as the breakdown lists it."""

    text: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Records:
    """How the records behind a unit's figure are reached: `url`, another app's own
    page filtered to the unit (and period, where that page takes one); and/or `rows`,
    read through that app's selectors when its pages cannot be filtered so."""

    url: str = ""
    rows: tuple[RecordRow, ...] = ()
    listed: bool = False  # whether `rows` were read (an empty list then says "none")


RecordsReader = Callable[["OrgUnit", "Period", datetime.date], Records]


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    measure: Measure
    higher_is_better: bool = True
    applies_to: frozenset[str] = ALL_KINDS
    unit: str = ""  # "%" for shares, "" for counts
    measure_many: BatchMeasure | None = None
    records: RecordsReader | None = None


SOURCES: dict[str, Source] = {}

# What the counts in a figure's basis are called on the page that explains a score.
BASIS_LABELS: dict[str, str | Promise] = {
    "due": _("appeals due for acceptance"),
    "responded_in_time": _("accepted or declined in time"),
    "answered": _("answered and rated"),
    "resolved": _("resolved"),
    "satisfied": _("satisfied"),
    "fairly": _("fairly satisfied"),
    "not_satisfied": _("not satisfied"),
    "overdue": _("overdue"),
    "received": _("received"),
    "required": _("meeting periods required"),
    "held": _("held"),
    "missing": _("missed"),
    "units": _("branches and groups"),
    "overdue_steps": _("development steps overdue"),
    "published": _("commitments published"),
    "promised": _("deeds promised"),
    "done": _("deeds declared done"),
    "active": _("pairings"),
    "without_visit": _("pairings without a recent visit"),
    "days": _("days without a visit counted"),
    "covered": _("services with work"),
    "masses": _("work serving the masses (服务群众)"),
    "reform": _("work serving reform (服务改革)"),
    "development": _("work serving development (服务发展)"),
    "members": _("work serving members (服务党员)"),
    "society": _("work serving society (服务社会)"),
    "party_members": pgettext_lazy("count", "Party members"),
    "at_target": _("at or above their training-hours target"),
    "below_target": _("below their training-hours target"),
    "billed_members": _("members billed for dues"),
    "paid_on_time": _("paid every bill within its month"),
}


def register(source: Source) -> Source:
    SOURCES[source.key] = source
    return source


def figure_of(key: str, unit: OrgUnit, period: Period, *, today: datetime.date) -> Figure:
    """The figure of a registered source (KeyError for an unknown key: a scheme only
    offers registered ones)."""
    return SOURCES[key].measure(unit, period, today)


def figures_for(
    key: str, units: Sequence[OrgUnit], period: Period, *, today: datetime.date
) -> dict[int, Figure]:
    """The figures of many units, keyed by unit id: by the source's batched variant
    when it has one, else unit by unit."""
    source = SOURCES[key]
    if source.measure_many is not None:
        return source.measure_many(units, period, today)
    return {unit.pk: source.measure(unit, period, today) for unit in units}


def records_of(key: str, unit: OrgUnit, period: Period, *, today: datetime.date) -> Records:
    source = SOURCES[key]
    return source.records(unit, period, today) if source.records else Records()


def _url(name: str, *args: Any, **query: Any) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _parents(units: Sequence[OrgUnit]) -> dict[str, OrgUnit]:
    """The organisations directly above `units`, by path (one query): batched
    selectors read a parent's subtree once for all its children."""
    paths = {parent_path(unit.path) for unit in units} - {""}
    return {parent.path: parent for parent in orgs.units_at_paths_any(paths)}


def _add_up(
    units: Sequence[OrgUnit], by_path: dict[str, dict[str, int]]
) -> dict[int, dict[str, int]]:
    """Counts keyed by an organisation's path, added up over each unit's subtree
    (a unit counts what is under it): each row goes to its ancestors among `units`."""
    wanted = {unit.path: unit.pk for unit in units}
    totals: dict[int, dict[str, int]] = {unit.pk: {} for unit in units}
    for path, counts in by_path.items():
        for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH):
            pk = wanted.get(path[:end])
            if pk is None:
                continue
            total = totals[pk]
            for name, n in counts.items():
                total[name] = total.get(name, 0) + n
    return totals


def _batched(
    read: Callable[[OrgUnit, Period, datetime.date], dict[str, dict[str, int]]],
    figure: Callable[[dict[str, int]], Figure],
    single: Measure,
) -> BatchMeasure:
    """A batched measure from a selector that reads a parent's whole subtree keyed by
    path: one reading per parent, however many units lie below it; units at the top of
    the tree are measured one by one."""

    def measure_many(
        units: Sequence[OrgUnit], period: Period, today: datetime.date
    ) -> dict[int, Figure]:
        parents = _parents(units)
        by_parent: dict[str, list[OrgUnit]] = {}
        result: dict[int, Figure] = {}
        for unit in units:
            above = parent_path(unit.path)
            if above in parents:
                by_parent.setdefault(above, []).append(unit)
            else:
                result[unit.pk] = single(unit, period, today)
        for above, children in by_parent.items():
            counts = _add_up(children, read(parents[above], period, today))
            for unit in children:
                result[unit.pk] = figure(counts[unit.pk])
        return result

    return measure_many


def _common_paths(units: Sequence[OrgUnit]) -> list[str]:
    """The nearest common ancestor of the units of each tree (one path per top-level
    organisation the units lie under)."""
    by_tree: dict[str, str] = {}
    for unit in units:
        tree = unit.path[:SEGMENT_WIDTH]
        common = by_tree.get(tree, unit.path)
        end = 0
        while end < min(len(common), len(unit.path)) and common[end] == unit.path[end]:
            end += 1
        by_tree[tree] = common[: end - end % SEGMENT_WIDTH]
    return list(by_tree.values())


def _read_once(
    read: Callable[[OrgUnit, Period, datetime.date], dict[str, dict[str, int]]],
    figure: Callable[[dict[str, int]], Figure],
) -> BatchMeasure:
    """A batched measure from a selector that reads a subtree keyed by path in a fixed
    number of queries: one reading of the subtree holding the whole batch (its nearest
    common ancestor), added up per unit. For selectors whose cost is in SQL over the
    period's rows (one scan instead of one per parent)."""

    def measure_many(
        units: Sequence[OrgUnit], period: Period, today: datetime.date
    ) -> dict[int, Figure]:
        paths = _common_paths(units)
        known = {unit.path: unit for unit in units}
        missing = [path for path in paths if path not in known]
        if missing:
            known |= {root.path: root for root in orgs.units_at_paths_any(missing)}
        by_path: dict[str, dict[str, int]] = {}
        for path in paths:
            by_path |= read(known[path], period, today)
        counts = _add_up(units, by_path)
        return {unit.pk: figure(counts[unit.pk]) for unit in units}

    return measure_many


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


def _rate_figure(name: str, counts: Any, rates: Any) -> Figure:
    return Figure(
        _percent(getattr(rates, name)),
        {
            "due": counts.due,
            "responded_in_time": counts.responded_in_time,
            "answered": counts.answered,
            "resolved": counts.resolved,
            "satisfied": counts.satisfied,
            "fairly": counts.fairly,
        },
    )


def _overdue_figure(counts: Any) -> Figure:
    overdue = counts.due - counts.responded_in_time
    return Figure(Decimal(overdue), {"overdue": overdue, "due": counts.due})


def _rate_of_reading(name: str) -> Callable[[appeals.AppealRates], Figure]:
    def figure(reading: appeals.AppealRates) -> Figure:
        return _rate_figure(name, reading.counts, reading.rates)

    return figure


def _rate(name: str) -> Measure:
    def measure(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
        figures = appeals.appeal_figures(unit, period, now=_moment(period, today))
        return _rate_figure(name, figures.counts, figures.rates)

    return measure


def _appeals_overdue(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = appeals.appeal_figures(unit, period, now=_moment(period, today))
    return _overdue_figure(figures.counts)


def _appeals_many(single: Measure, figure: Callable[[Any], Figure]) -> BatchMeasure:
    """The rates of every unit below one parent from one reading of the rate rollup."""

    def measure_many(
        units: Sequence[OrgUnit], period: Period, today: datetime.date
    ) -> dict[int, Figure]:
        parents = _parents(units)
        readings: dict[str, dict[str, appeals.AppealRates]] = {}
        result: dict[int, Figure] = {}
        for unit in units:
            above = parent_path(unit.path)
            if above not in parents:
                result[unit.pk] = single(unit, period, today)
                continue
            if above not in readings:
                readings[above] = appeals.appeal_counts_below(
                    parents[above], period, now=_moment(period, today)
                )
            reading = readings[above].get(unit.path) or appeals.AppealRates.empty()
            result[unit.pk] = figure(reading)
        return result

    return measure_many


def _rates_page(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    return Records(url=_url("appeals:rates", unit=unit.pk, period=str(period.first.year)))


def _late_appeals(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    rows = appeals.late_appeals(unit, period, now=_moment(period, today))
    return Records(
        url=_url("appeals:rates", unit=unit.pk, period=str(period.first.year)),
        rows=tuple(
            RecordRow(
                row.number,
                _url("appeals:handle_detail", row.public_id),
                str(
                    _("due %(due)s, accepted %(at)s")
                    % {
                        "due": date_format(row.accept_due_at, "SHORT_DATE_FORMAT"),
                        "at": date_format(row.responded_at, "SHORT_DATE_FORMAT")
                        if row.responded_at
                        else _("not yet"),
                    }
                ),
            )
            for row in rows
        ),
        listed=True,
    )


for _key, _name, _label in (
    ("appeals.composite", "composite", _("Appeals: composite of the three rates")),
    ("appeals.response", "response", _("Appeals: response rate")),
    ("appeals.resolution", "resolution", _("Appeals: resolution rate")),
    ("appeals.satisfaction", "satisfaction", _("Appeals: satisfaction rate")),
):
    register(
        Source(
            _key,
            _label,
            _rate(_name),
            unit="%",
            measure_many=_appeals_many(
                _rate(_name),
                _rate_of_reading(_name),
            ),
            records=_rates_page,
        )
    )
register(
    Source(
        "appeals.overdue",
        _("Appeals: acceptance deadlines missed"),
        _appeals_overdue,
        higher_is_better=False,
        measure_many=_appeals_many(
            _appeals_overdue, lambda reading: _overdue_figure(reading.counts)
        ),
        records=_late_appeals,
    )
)


# --- Organisational life ------------------------------------------------------------------


def _compliance_figure(counts: dict[str, int]) -> Figure:
    held, missing = counts.get("held", 0), counts.get("missing", 0)
    # Periods still open are neither held nor missed yet: judge what is over.
    return Figure(
        _share(held, held + missing),
        {
            "required": counts.get("required", 0),
            "held": held,
            "missing": missing,
            "units": counts.get("units", 0),
        },
    )


def _compliance(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    rows = orglife.meeting_compliance(unit, period, today=today)
    return _compliance_figure(
        {
            "required": sum(row.required for row in rows),
            "held": sum(row.held for row in rows),
            "missing": sum(row.missing for row in rows),
            "units": len(rows),
        }
    )


def _compliance_within(
    root: OrgUnit, period: Period, today: datetime.date
) -> dict[str, dict[str, int]]:
    return {
        row.unit_path: {
            "required": row.required,
            "held": row.held,
            "missing": row.missing,
            "units": 1,
        }
        for row in orglife.meeting_compliance(root, period, today=today)
    }


def _calendar(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    """The unit's compliance calendar for the year: which periods had their meetings
    and which did not, and the meetings held (branches and groups only)."""
    if unit.kind in (UnitKind.BRANCH, UnitKind.GROUP):
        return Records(url=_url("orglife:unit", unit.pk, year=period.first.year))
    return Records(url=_url("orglife:overview", unit=unit.pk, year=period.first.year, gaps=1))


def _development_overdue(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    overdue = orglife.development_overdue(unit, period, today=today)
    return Figure(Decimal(len(overdue.steps)), {"overdue_steps": len(overdue.steps)})


def _development_board(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    return Records(url=_url("orglife:development", unit.pk))


def _held(kinds: tuple[str, ...]) -> tuple[Measure, BatchMeasure]:
    """Meetings of `kinds` held in the period (a count: more is better)."""

    def figure(counts: dict[str, int]) -> Figure:
        held = sum(counts.get(kind, 0) for kind in kinds)
        return Figure(Decimal(held), {"held": held})

    def read(root: OrgUnit, period: Period, today: datetime.date) -> dict[str, dict[str, int]]:
        return orglife.meetings_held_within(root, period, kinds=kinds)

    def measure(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
        return figure(_add_up([unit], read(unit, period, today))[unit.pk])

    return measure, _read_once(read, figure)


register(
    Source(
        "orglife.compliance",
        _("Meetings (三会一课): share of required meetings held"),
        _compliance,
        unit="%",
        measure_many=_batched(_compliance_within, _compliance_figure, _compliance),
        records=_calendar,
    )
)
_themed, _themed_many = _held((orglife_rules.THEMED_DAY,))
register(
    Source(
        "orglife.themed_days",
        _("Themed Party days (主题党日) held"),
        _themed,
        measure_many=_themed_many,
        records=_calendar,
    )
)
_appraisal, _appraisal_many = _held((orglife_rules.APPRAISAL, orglife_rules.LIFE_MEETING))
register(
    Source(
        "orglife.appraisal_meetings",
        _("Democratic appraisal (民主评议) and organisational life meetings (组织生活会) held"),
        _appraisal,
        measure_many=_appraisal_many,
        records=_calendar,
    )
)


def _development_overdue_many(
    units: Sequence[OrgUnit], period: Period, today: datetime.date
) -> dict[int, Figure]:
    """Branches' pipelines in one reading; other units have no pipeline of their own
    and are measured one by one (a handful per scheme)."""
    branches = [unit.pk for unit in units if unit.kind == UnitKind.BRANCH]
    found = orglife.development_overdue_many(branches, period, today=today) if branches else {}
    result = {}
    for unit in units:
        overdue = found.get(unit.pk)
        if overdue is None:
            result[unit.pk] = _development_overdue(unit, period, today)
        else:
            result[unit.pk] = Figure(Decimal(overdue.count), {"overdue_steps": overdue.count})
    return result


register(
    Source(
        "orglife.development_overdue",
        _("Member development: steps overdue"),
        _development_overdue,
        higher_is_better=False,
        applies_to=frozenset({UnitKind.BRANCH}),
        measure_many=_development_overdue_many,
        records=_development_board,
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


def _counted_answers(counts: dict[str, int]) -> service.SatisfactionCounts:
    return service.SatisfactionCounts(
        satisfied=counts.get("satisfied", 0),
        fairly=counts.get("fairly", 0),
        not_satisfied=counts.get("not_satisfied", 0),
    )


def _commitment_ratings(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = service.commitment_figures(unit, period)
    return _answers(figures.ratings, published=figures.published)


def _commitments_approved(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    # Only what the batched reading counts too (it has no count of those submitted).
    figures = service.commitment_figures(unit, period)
    return Figure(Decimal(figures.published), {"published": figures.published})


def _commitments_within(
    root: OrgUnit, period: Period, today: datetime.date
) -> dict[str, dict[str, int]]:
    return service.commitment_counts_within(root, period)


def _commitment_list(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    return Records(url=_url("service:commitments", year=period.first.year, unit=unit.pk))


def _deeds_delivered(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = service.deed_figures(unit, period, today=today)
    return _answers(figures.answers, promised=figures.promised, done=figures.done)


def _deeds_overdue(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = service.deed_figures(unit, period, today=today)
    return Figure(
        Decimal(figures.overdue), {"promised": figures.promised, "overdue": figures.overdue}
    )


def _deeds_within(root: OrgUnit, period: Period, today: datetime.date) -> dict[str, dict[str, int]]:
    return service.deed_counts_within(root, period, today=today)


# Deeds count in the year they are due in (service.selectors), as the list filters them.
def _undelivered_deeds(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    return Records(
        url=_url(
            "service:deeds", unit=unit.pk, status="done", flagged="poor", year=period.first.year
        )
    )


def _overdue_deeds(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    return Records(
        url=_url(
            "service:deeds", unit=unit.pk, status="open", flagged="overdue", year=period.first.year
        )
    )


def _pairings_unvisited(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = service.pairing_figures(unit, period, today=today)
    return Figure(
        Decimal(figures.without_visit),
        {"active": figures.active, "without_visit": figures.without_visit, "days": figures.days},
    )


def _unvisited(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    """The pairings the figure counts, as of the period's end, are listed here; the
    link opens the pairing list on the unit's pairings without a visit for as many
    days, as they stand today (the same pairings for a period still running)."""
    days = service.visit_days()
    rows = service.unvisited_pairings(unit, period, days=days, today=today)
    return Records(
        url=_url("service:pairings", unit=unit.pk, unvisited=days),
        rows=tuple(
            RecordRow(
                row.member_name,
                _url("service:pairing", row.pk),
                str(
                    _("last visit %(day)s")
                    % {"day": date_format(row.last_visit_on, "SHORT_DATE_FORMAT")}
                    if row.last_visit_on
                    else _("no visit since %(day)s")
                    % {"day": date_format(row.started_on, "SHORT_DATE_FORMAT")}
                ),
            )
            for row in rows
        ),
        listed=True,
    )


def _coverage(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    figures = service.coverage_figures(unit, period)
    return Figure(
        Decimal(figures.covered),
        {row.service: row.total for row in figures.services} | {"covered": figures.covered},
    )


def _coverage_page(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    return Records(url=_url("service:coverage", unit=unit.pk, period=str(period.first.year)))


register(
    Source(
        "service.commitment_ratings",
        _("Commitments: employees satisfied or fairly satisfied"),
        _commitment_ratings,
        unit="%",
        measure_many=_read_once(
            _commitments_within,
            lambda counts: _answers(_counted_answers(counts), published=counts.get("published", 0)),
        ),
        records=_commitment_list,
    )
)
register(
    Source(
        "service.commitments_approved",
        _("Commitments approved and published"),
        _commitments_approved,
        measure_many=_read_once(
            _commitments_within,
            lambda counts: Figure(
                Decimal(counts.get("published", 0)), {"published": counts.get("published", 0)}
            ),
        ),
        records=_commitment_list,
    )
)
register(
    Source(
        "service.deeds_delivered",
        _("Practical deeds: answers that they were delivered"),
        _deeds_delivered,
        unit="%",
        measure_many=_read_once(
            _deeds_within,
            lambda counts: _answers(
                _counted_answers(counts),
                promised=counts.get("promised", 0),
                done=counts.get("done", 0),
            ),
        ),
        records=_undelivered_deeds,
    )
)
register(
    Source(
        "service.deeds_overdue",
        _("Practical deeds: overdue"),
        _deeds_overdue,
        higher_is_better=False,
        measure_many=_read_once(
            _deeds_within,
            lambda counts: Figure(
                Decimal(counts.get("overdue", 0)),
                {"promised": counts.get("promised", 0), "overdue": counts.get("overdue", 0)},
            ),
        ),
        records=_overdue_deeds,
    )
)


def _pairings_many(
    units: Sequence[OrgUnit], period: Period, today: datetime.date
) -> dict[int, Figure]:
    days = service.visit_days()  # the rule the reminders use, read once per batch

    def figure(counts: dict[str, int]) -> Figure:
        without = counts.get("without_visit", 0)
        return Figure(
            Decimal(without),
            {"active": counts.get("active", 0), "without_visit": without, "days": days},
        )

    def read(root: OrgUnit, period: Period, today: datetime.date) -> dict[str, dict[str, int]]:
        return service.pairing_counts_within(root, period, days=days, today=today)

    return _read_once(read, figure)(units, period, today)


def _coverage_within(
    root: OrgUnit, period: Period, today: datetime.date
) -> dict[str, dict[str, int]]:
    return service.coverage_counts_within(root, period)


COVERAGE_SERVICES = ("masses", "reform", "development", "members", "society")  # 五个服务


def _coverage_figure(counts: dict[str, int]) -> Figure:
    """As `_coverage` gives it: every one of the five services, those without work at 0."""
    covered = sum(1 for n in counts.values() if n)
    every = dict.fromkeys(COVERAGE_SERVICES, 0)
    return Figure(Decimal(covered), every | dict(counts) | {"covered": covered})


register(
    Source(
        "service.pairings_unvisited",
        _("Pairings without a recent visit"),
        _pairings_unvisited,
        higher_is_better=False,
        measure_many=_pairings_many,
        records=_unvisited,
    )
)
register(
    Source(
        "service.coverage",
        _("Five services (五个服务): how many of the five have work in the period"),
        _coverage,
        measure_many=_read_once(_coverage_within, _coverage_figure),
        records=_coverage_page,
    )
)


# --- Learning -------------------------------------------------------------------------------


def _hours_figure(counts: dict[str, int]) -> Figure:
    """The share of the Party members at or above their training-hours target for the
    year; None when there are no Party members to count."""
    people, below = counts.get("party_members", 0), counts.get("below_target", 0)
    return Figure(
        _share(people - below, people),
        {"party_members": people, "at_target": people - below, "below_target": below},
    )


def _hours_target(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    """From learning's count of the branches at or under the unit (members, and
    secretaries and committee members, each against its target) — as the batch counts,
    by the members' branches, so a Party group is not a unit here."""
    counts = learning.counts_by_branch([unit.path], year=period.first.year, today=today)
    return _hours_figure(
        {
            "party_members": sum(branch.people for branch in counts.values()),
            "below_target": sum(branch.below for branch in counts.values()),
        }
    )


def _hours_target_many(
    units: Sequence[OrgUnit], period: Period, today: datetime.date
) -> dict[int, Figure]:
    """The same count for many units from one reading: learning's counts per branch
    under the units' nearest common ancestor (`learning.counts_by_branch`, one grouped
    query however many members), the branches under one of the units kept, each added
    to the units above it — as `unit_progress` counts a unit's members, by their
    branch's place in the tree."""
    if not units:
        return {}
    wanted = {unit.path for unit in units}
    by_path: dict[str, dict[str, int]] = {}
    for path, counts in learning.counts_by_branch(
        _common_paths(units), year=period.first.year, today=today
    ).items():
        if any(path[:end] in wanted for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)):
            by_path[path] = {"party_members": counts.people, "below_target": counts.below}
    totals = _add_up(units, by_path)
    return {unit.pk: _hours_figure(totals[unit.pk]) for unit in units}


def _hours_page(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    """Learning's page of the unit's training hours in the year (counts below target by
    group; names only for a branch's own officers)."""
    return Records(url=_url("learning:unit", unit=unit.pk, year=period.first.year))


register(
    Source(
        "learning.hours_target",
        _("Training hours (学时): share of Party members at or above their target for the year"),
        _hours_target,
        unit="%",
        measure_many=_hours_target_many,
        records=_hours_page,
    )
)


# --- Dues ------------------------------------------------------------------------------


def _dues_read(unit: OrgUnit, period: Period, today: datetime.date) -> dict[str, dict[str, int]]:
    """The dues' count per branch under the unit (one grouped query)."""
    return {
        path: {"billed_members": c.billed, "paid_on_time": c.on_time}
        for path, c in dues.on_time_by_branch(
            [unit.path], first=period.first, last=period.last, today=today
        ).items()
    }


def _dues_figure(counts: dict[str, int]) -> Figure:
    """The share of the members billed for the period's months that are over who paid
    every one of those bills within its own month (a bill paid late, or still unpaid,
    counts against; a payment reversed since does not count). None with no bill."""
    billed, on_time = counts.get("billed_members", 0), counts.get("paid_on_time", 0)
    return Figure(_share(on_time, billed), {"billed_members": billed, "paid_on_time": on_time})


def _dues_on_time(unit: OrgUnit, period: Period, today: datetime.date) -> Figure:
    return _dues_figure(_add_up([unit], _dues_read(unit, period, today))[unit.pk])


def _dues_rows(unit: OrgUnit, period: Period, today: datetime.date) -> Records:
    """Each branch's counts, read through the dues' selectors (the members who paid
    late are their branch's business, not the breakdown's)."""
    rows = dues.on_time_rows(unit, first=period.first, last=period.last, today=today)
    return Records(
        rows=tuple(
            RecordRow(
                branch.name,
                note=_("%(on_time)s of %(billed)s billed members paid each bill within its month")
                % {"on_time": counts.on_time, "billed": counts.billed},
            )
            for branch, counts in rows
        ),
        listed=True,
    )


register(
    Source(
        "dues.paid_on_time",
        _(
            "Party dues paid on time: share of billed members who paid each month's bill within the month"
        ),
        _dues_on_time,
        unit="%",
        measure_many=_read_once(_dues_read, _dues_figure),
        records=_dues_rows,
    )
)
