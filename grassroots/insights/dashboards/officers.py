"""The dashboard of an organisation for its officers (a committee's or a branch's):
every figure read through the other apps' selectors, for the organisation's subtree and
one period, in a fixed number of queries whatever the size of the subtree.

Where each figure comes from (docs/architecture.md, "Dashboards"):
- appeals by month and category, overdue appeals: `appeals.selectors.received_by_month`
  and `overdue_below`, counted over what the person's own queue lists, so a count's
  drill-down (the queue, narrowed) shows exactly the appeals counted and no more;
- the three rates by month and by organisation below: the rate rollup (`RateMonth`)
  through `appeals.selectors.appeal_rates_by_month`, live for the months it lacks;
- meeting compliance: `orglife.selectors.compliance_by_month_below` (the months rollup);
- the development pipeline: `orgs.selectors.oversight` (published ahead for committees);
- deeds and the five services: `service.selectors.deed_counts_within`,
  `coverage_counts_within`;
- evaluation results: `evaluation.schemes.selectors.my_results` (released only).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.accounts.scope import Scope
from grassroots.appeals import selectors as appeals
from grassroots.appeals.rules import RateCounts, Rates
from grassroots.core.periods import Period
from grassroots.core.tree import SEGMENT_WIDTH, ancestor_paths
from grassroots.evaluation.schemes import selectors as evaluation
from grassroots.insights.dashboards.tables import (
    Cell,
    Row,
    Table,
    chart,
    count,
    rate,
    ratio,
    share,
)
from grassroots.orglife import selectors as orglife
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import MemberStage, UnitKind
from grassroots.service import selectors as service
from grassroots.service.rules import SERVICE_DOMAINS

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def service_labels() -> dict[str, str]:
    return {
        "masses": _("Serving the masses (服务群众)"),
        "reform": _("Serving reform (服务改革)"),
        "development": _("Serving development (服务发展)"),
        "members": _("Serving members (服务党员)"),
        "society": _("Serving society (服务社会)"),
    }


@dataclass(frozen=True)
class Dashboard:
    unit_id: int
    unit_name: str
    period_key: str
    tables: tuple[Table, ...]

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)


@dataclass(frozen=True)
class Figures:
    """Everything an organisation's dashboard shows, as figures only: numbers, ids,
    paths, codes, dates and names kept in the records (an organisation's, a category's).
    No text of the interface: the tables are written from these in the reader's language
    (`dashboard_from`), so that the figures worked out ahead (published.py) serve every
    language, and writing them takes no query."""

    unit_id: int
    unit_name: str
    unit_path: str
    period: Period
    below: dict[str, tuple[int, str]]  # path → (id, name) of the organisations directly below
    categories: tuple[Any, ...]  # the active appeal categories, in order (str() names one)
    received: dict[tuple[datetime.date, int], int]  # (month, category id) → appeals
    rates_by_month: dict[datetime.date, Rates]
    rates_by_unit: dict[str, Rates]  # organisation below's path (or the unit's) → rates
    overdue: dict[str, tuple[int, int]]  # path → (overdue, open)
    meetings: dict[tuple[datetime.date, str], tuple[int, int]]  # (month, path) → (held, due)
    stages: dict[str, int]  # member stage → people
    deeds: dict[str, dict[str, int]]  # path → {"promised"|"done"|"overdue": n}
    branches: int  # active branches in the subtree
    covered: dict[str, int]  # service code → branches covering it
    items: dict[str, int]  # service code → activities, deeds, posts and appeals
    evaluation: tuple[int, tuple[int, ...]] | None  # (year, organisations per band + unscored)


@dataclass(frozen=True)
class _Context:
    figures: Figures
    period: Period
    months: tuple[Period, ...]

    @property
    def unit_name(self) -> str:
        return self.figures.unit_name

    def month_label(self, month: datetime.date) -> str:
        return f"{month:%Y-%m}"

    def label_of(self, path: str) -> str:
        if path == self.figures.unit_path:
            return _("%(unit)s itself") % {"unit": self.figures.unit_name}
        found = self.figures.below.get(path)
        return found[1] if found is not None else path

    def queue(self, **filters: Any) -> str:
        query = {"view": "all", "unit": self.figures.unit_id, **filters}
        return f"{reverse('appeals:queue')}?{urlencode(query)}"

    def dashboard_of(self, path: str) -> str:
        found = self.figures.below.get(path)
        if found is None:
            return ""
        query = urlencode({"unit": found[0], "period": self.period.key})
        return f"{reverse('insights:dashboard')}?{query}"

    def ordered_paths(self, paths: set[str]) -> list[str]:
        """The organisations below in tree order (those without figures too), then the
        unit itself when it has figures of its own."""
        ordered = sorted(self.figures.below)
        if self.figures.unit_path in paths:
            ordered.append(self.figures.unit_path)
        return ordered


def officer_dashboard(
    scope: Scope, unit: OrgUnit, period: Period, *, today: datetime.date, now: datetime.datetime
) -> Dashboard:
    """Every table of the organisation's dashboard, in the language in use. About twenty
    queries, the same number for a branch and for a group committee of 11,000
    organisations."""
    return dashboard_from(officer_figures(scope, unit, period, today=today, now=now))


def officer_figures(
    scope: Scope, unit: OrgUnit, period: Period, *, today: datetime.date, now: datetime.datetime
) -> Figures:
    """The figures of every table of the organisation's dashboard (all its queries)."""
    below = {
        child.path: (child.pk, child.name)
        for child in orgs.units_within(unit.path, active_only=True).filter(depth=unit.depth + 1)
    }
    rates_by_month, rates_by_unit = _rate_figures(unit, period, now, set(below))
    branches, covered, items = _coverage_figures(unit, period)
    return Figures(
        unit_id=unit.pk,
        unit_name=unit.name,
        unit_path=unit.path,
        period=period,
        below=below,
        categories=tuple(appeals.categories()),
        received=dict(appeals.received_by_month(scope, unit, period)),
        rates_by_month=rates_by_month,
        rates_by_unit=rates_by_unit,
        overdue=dict(appeals.overdue_below(scope, unit, now=now)),
        meetings={
            key: (found.held, found.due)
            for key, found in orglife.compliance_by_month_below(unit, period, today=today).items()
        },
        stages=dict(orgs.oversight(unit, today=today).stage_counts),
        deeds=_deed_figures(unit, period, today),
        branches=branches,
        covered=covered,
        items=items,
        evaluation=_evaluation_figures(scope, unit, period),
    )


def dashboard_from(figures: Figures) -> Dashboard:
    """The tables of these figures, written in the language in use. No query."""
    period = figures.period
    context = _Context(figures, period, tuple(period.months()))
    tables = [
        _appeals_by_month(context),
        *_rates(context),
        _overdue(context),
        _meetings(context),
        _pipeline(context),
        _deeds(context),
        _coverage(context),
    ]
    results = _evaluation(context)
    if results is not None:
        tables.append(results)
    return Dashboard(figures.unit_id, figures.unit_name, period.key, tuple(tables))


# --- Appeals ---------------------------------------------------------------------------------


def _appeals_by_month(context: _Context) -> Table:
    counts = context.figures.received
    names = {category.pk: str(category) for category in context.figures.categories}
    used = [pk for pk in names if any(key[1] == pk for key in counts)]
    used += sorted({key[1] for key in counts} - set(names))
    rows = []
    for month in context.months:
        start = month.first
        cells = [
            count(counts.get((start, pk), 0), context.queue(submitted=month.key, category=pk))
            for pk in used
        ]
        total = sum(counts.get((start, pk), 0) for pk in used)
        cells.append(count(total, context.queue(submitted=month.key)))
        rows.append(Row(context.month_label(start), tuple(cells)))
    labels = [names.get(pk, _("Other")) for pk in used]
    series = [
        (labels[index], [row.cells[index].value for row in rows]) for index in range(len(used))
    ]
    return Table(
        key="appeals",
        title=_("Appeals by month and category"),
        caption=_("Appeals raised each month, by category, handled in %(unit)s")
        % {"unit": context.unit_name},
        columns=(*labels, _("Total")),
        row_header=_("Month"),
        rows=tuple(rows),
        chart=chart("stacked", [row.label for row in rows], series),
        chart_label=_("Stacked bar chart of the appeals by month and category."),
        note=_(
            "Counted as your list of appeals shows them: each figure opens that list narrowed "
            "to the month and category."
        ),
    )


def _rate_figures(
    unit: OrgUnit, period: Period, now: datetime.datetime, below: set[str]
) -> tuple[dict[datetime.date, Rates], dict[str, Rates]]:
    found = appeals.appeal_rates_by_month(unit, period, now=now)
    by_month: dict[datetime.date, RateCounts] = defaultdict(RateCounts)
    by_unit: dict[str, RateCounts] = defaultdict(RateCounts)
    for (month, path), figures in found.items():
        by_month[month] += figures.counts
        by_unit[str(path)] += figures.counts
    paths = {*by_unit, *below}  # those below without figures too
    return (
        {month.first: appeals.rates_of(by_month[month.first]) for month in period.months()},
        {path: appeals.rates_of(by_unit[path]) for path in paths},
    )


def _rate_cells(rates: Rates) -> tuple[Cell, ...]:
    counts = rates.counts
    return (
        rate(rates.response, counts.responded_in_time, counts.due),
        rate(rates.resolution, counts.resolved, counts.answered),
        rate(
            rates.satisfaction,
            round(counts.satisfied + 0.9 * counts.fairly, 1),
            counts.answered,
        ),
    )


def _rates(context: _Context) -> tuple[Table, Table]:
    by_month = context.figures.rates_by_month
    by_unit = context.figures.rates_by_unit
    columns = (_("Response rate"), _("Resolution rate"), _("Satisfaction rate"))
    month_rows = tuple(
        Row(context.month_label(month.first), _rate_cells(by_month[month.first]))
        for month in context.months
    )
    unit_rows = tuple(
        Row(context.label_of(path), _rate_cells(by_unit[path]), context.dashboard_of(path))
        for path in context.ordered_paths(set(by_unit))
    )
    note = _(
        "An appeal counts in the month its deadline falls in. With fewer answers than the "
        "appeals' minimum a rate is too few to judge, and only the number of answers is shown."
    )
    return (
        Table(
            key="rates",
            title=_("The three rates by month"),
            caption=_("The three rates of %(unit)s by month") % {"unit": context.unit_name},
            columns=columns,
            row_header=_("Month"),
            rows=month_rows,
            chart=chart(
                "line",
                [row.label for row in month_rows],
                [
                    (name, [row.cells[i].value for row in month_rows])
                    for i, name in enumerate(columns)
                ],
                percent=True,
            ),
            chart_label=_("Line chart of the three rates by month."),
            note=note,
        ),
        Table(
            key="rates_below",
            title=_("The three rates by organisation below"),
            caption=_("The three rates over the period, by organisation below %(unit)s")
            % {"unit": context.unit_name},
            columns=columns,
            row_header=_("Organisation"),
            rows=unit_rows,
            chart=chart(
                "bar",
                [row.label for row in unit_rows],
                [
                    (name, [row.cells[i].value for row in unit_rows])
                    for i, name in enumerate(columns)
                ],
                percent=True,
            ),
            chart_label=_("Bar chart of the three rates by organisation below."),
            note=note,
        ),
    )


def _overdue(context: _Context) -> Table:
    found = context.figures.overdue
    rows = []
    late = []
    for path in context.ordered_paths(set(found)):
        overdue, open_ = found.get(path, (0, 0))
        late.append(overdue)
        # The organisation's own appeals have no list of their own (the queue narrowed
        # to it holds its subtree): no drill-down there.
        link = ""
        if path in context.figures.below:
            query = urlencode({"view": "overdue", "unit": context.figures.below[path][0]})
            link = f"{reverse('appeals:queue')}?{query}"
        rows.append(Row(context.label_of(path), (share(overdue, open_, link), count(open_))))
    return Table(
        key="overdue",
        title=_("Overdue appeals"),
        caption=_("Open appeals past their deadline now, by organisation below %(unit)s")
        % {"unit": context.unit_name},
        columns=(_("Overdue of those open"), _("Open")),
        row_header=_("Organisation"),
        rows=tuple(rows),
        chart=chart("bar", [row.label for row in rows], [(_("Overdue"), late)]),
        chart_label=_("Bar chart of the overdue appeals by organisation below."),
        note=_("Open now, whatever the period chosen; each figure opens your list of them."),
    )


# --- Organisational life, members, service -------------------------------------------------


def _meetings(context: _Context) -> Table:
    found = context.figures.meetings
    paths = context.ordered_paths({path for _month, path in found})
    rows = []
    heat = []
    for y, path in enumerate(paths):
        cells = []
        for x, month in enumerate(context.months):
            figures = found.get((month.first, path))
            cell = ratio(*figures) if figures else Cell("—", None)
            cells.append(cell)
            if cell.value is not None:
                heat.append([x, y, cell.value])
        rows.append(Row(context.label_of(path), tuple(cells), context.dashboard_of(path)))
    return Table(
        key="meetings",
        title=_("Meeting compliance"),
        caption=_("Required meetings held, of those due, by organisation below %(unit)s and month")
        % {"unit": context.unit_name},
        columns=tuple(context.month_label(month.first) for month in context.months),
        row_header=_("Organisation"),
        rows=tuple(rows),
        chart=chart(
            "heatmap",
            [context.month_label(month.first) for month in context.months],
            [],
            rows=[row.label for row in rows],
            cells=heat,
        ),
        chart_label=_("Heat map of meeting compliance by organisation and month."),
        note=_(
            "Each cell: required meetings held / due, for the periods (month, quarter or "
            "year) that end in that month and are over or already held; the heat map shows "
            "the share."
        ),
    )


def _pipeline(context: _Context) -> Table:
    stages = context.figures.stages
    whole = sum(stages.values())
    order = [*MemberStage.pipeline_values(), *MemberStage.party_member_values()]
    labels = dict(MemberStage.choices)
    rows = tuple(
        Row(str(labels[stage]), (count(stages.get(stage, 0)), share(stages.get(stage, 0), whole)))
        for stage in order
    )
    return Table(
        key="pipeline",
        title=_("Development pipeline"),
        caption=_("People at each stage in %(unit)s") % {"unit": context.unit_name},
        columns=(_("People"), _("Share of all")),
        row_header=_("Stage"),
        rows=rows,
        chart=chart(
            "bar", [row.label for row in rows], [(_("People"), [r.cells[0].value for r in rows])]
        ),
        chart_label=_("Bar chart of the people at each stage of development."),
        note=_("Active member records today, whatever the period chosen."),
    )


def _deed_figures(unit: OrgUnit, period: Period, today: datetime.date) -> dict[str, dict[str, int]]:
    """Deeds due in the period, added up per organisation below (the unit's own under
    its path)."""
    found = service.deed_counts_within(unit, period, today=today)
    sums: dict[str, dict[str, int]] = {}
    width = len(unit.path) + SEGMENT_WIDTH
    for path, figures in found.items():
        key = path[:width] if len(path) > len(unit.path) else unit.path
        into = sums.setdefault(key, {})
        for name, value in figures.items():
            into[name] = into.get(name, 0) + value
    return sums


def _deeds(context: _Context) -> Table:
    sums = context.figures.deeds
    rows = []
    for path in context.ordered_paths(set(sums)):
        figures = sums.get(path, {})
        promised = figures.get("promised", 0)
        rows.append(
            Row(
                context.label_of(path),
                (
                    count(promised),
                    share(figures.get("done", 0), promised),
                    share(figures.get("overdue", 0), promised),
                ),
                context.dashboard_of(path),
            )
        )
    done = [int(sums.get(p, {}).get("done", 0)) for p in context.ordered_paths(set(sums))]
    late = [int(sums.get(p, {}).get("overdue", 0)) for p in context.ordered_paths(set(sums))]
    return Table(
        key="deeds",
        title=_("Practical deeds delivered and overdue"),
        caption=_("Practical deeds due in the period, by organisation below %(unit)s")
        % {"unit": context.unit_name},
        columns=(_("Promised"), _("Delivered"), _("Overdue")),
        row_header=_("Organisation"),
        rows=tuple(rows),
        chart=chart(
            "stacked", [row.label for row in rows], [(_("Delivered"), done), (_("Overdue"), late)]
        ),
        chart_label=_("Stacked bar chart of the practical deeds delivered and overdue."),
        note=_("Deeds due in the period, dropped ones left out."),
    )


def _coverage_figures(unit: OrgUnit, period: Period) -> tuple[int, dict[str, int], dict[str, int]]:
    """(active branches in the subtree, service → branches covering it, service → items)."""
    found = service.coverage_counts_within(unit, period)
    branches = set(
        orgs.units_within(unit.path, kinds=[UnitKind.BRANCH], active_only=True).values_list(
            "path", flat=True
        )
    )
    covered: dict[str, set[str]] = defaultdict(set)
    items: dict[str, int] = defaultdict(int)
    for path, figures in found.items():
        branch = next((p for p in [path, *reversed(ancestor_paths(path))] if p in branches), None)
        for code, n in figures.items():
            items[code] += n
            if branch is not None and n:
                covered[code].add(branch)
    return (
        len(branches),
        {code: len(covered[code]) for code in SERVICE_DOMAINS},
        {code: items[code] for code in SERVICE_DOMAINS},
    )


def _coverage(context: _Context) -> Table:
    figures = context.figures
    labels = service_labels()
    rows = tuple(
        Row(
            labels[code],
            (share(figures.covered[code], figures.branches), count(figures.items[code])),
        )
        for code in SERVICE_DOMAINS
    )
    return Table(
        key="coverage",
        title=_("Five services coverage"),
        caption=_("Branches with anything under each of the five services in %(unit)s")
        % {"unit": context.unit_name},
        columns=(_("Branches covering it"), _("Activities, deeds, posts and appeals")),
        row_header=_("Service"),
        rows=rows,
        chart=chart(
            "bar",
            [row.label for row in rows],
            [(_("Branches covering it"), [figures.covered[c] for c in SERVICE_DOMAINS])],
        ),
        chart_label=_("Bar chart of the branches covering each of the five services."),
        note=_(
            "A branch covers a service when an activity, deed or post of it or its groups "
            "is tagged with it (appeals count under serving the masses)."
        ),
    )


BANDS = (
    (Decimal(90), "≥ 90"),
    (Decimal(80), "80–90"),
    (Decimal(70), "70–80"),
    (Decimal(0), "< 70"),
)


def _evaluation_figures(
    scope: Scope, unit: OrgUnit, period: Period
) -> tuple[int, tuple[int, ...]] | None:
    """The released results of the latest scheme year up to the period's: (year, how
    many organisations in each band of total points, then how many not scored)."""
    released = evaluation.my_results(scope).filter(
        unit__path__startswith=unit.path, scheme__year__lte=period.last.year
    )
    year = released.order_by("-scheme__year").values_list("scheme__year", flat=True).first()
    if year is None:
        return None
    totals = list(released.filter(scheme__year=year).values_list("total", flat=True))
    counts = [0] * (len(BANDS) + 1)
    for total in totals:
        if total is None:
            counts[-1] += 1
            continue
        counts[next(i for i, (floor, _label) in enumerate(BANDS) if total >= floor)] += 1
    return year, tuple(counts)


def _evaluation(context: _Context) -> Table | None:
    """The evaluation results in bands of total points (a distribution, not a league
    table)."""
    if context.figures.evaluation is None:
        return None
    year, counts = context.figures.evaluation
    whole = sum(counts)
    labels = [label for _floor, label in BANDS] + [_("Not scored")]
    rows = tuple(Row(label, (share(n, whole),)) for label, n in zip(labels, counts, strict=True))
    return Table(
        key="evaluation",
        title=_("Evaluation results %(year)s") % {"year": year},
        caption=_("Organisations assessed in %(year)s by total points, in %(unit)s")
        % {"year": year, "unit": context.unit_name},
        columns=(_("Organisations"),),
        row_header=_("Total points"),
        rows=rows,
        chart=chart("bar", labels, [(_("Organisations"), list(counts))]),
        chart_label=_("Bar chart of the organisations assessed by band of total points."),
        note=_("Released results only."),
    )
