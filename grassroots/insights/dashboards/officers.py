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
from grassroots.appeals.rules import RateCounts
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
class _Context:
    scope: Scope
    unit: OrgUnit
    period: Period
    today: datetime.date
    now: datetime.datetime
    months: tuple[Period, ...]
    below: dict[str, OrgUnit]  # the organisations directly below, by path

    def month_label(self, month: datetime.date) -> str:
        return f"{month:%Y-%m}"

    def label_of(self, path: str) -> str:
        if path == self.unit.path:
            return _("%(unit)s itself") % {"unit": self.unit.name}
        found = self.below.get(path)
        return found.name if found is not None else path

    def queue(self, **filters: Any) -> str:
        query = {"view": "all", "unit": self.unit.pk, **filters}
        return f"{reverse('appeals:queue')}?{urlencode(query)}"

    def dashboard_of(self, path: str) -> str:
        found = self.below.get(path)
        if found is None:
            return ""
        query = urlencode({"unit": found.pk, "period": self.period.key})
        return f"{reverse('insights:dashboard')}?{query}"

    def ordered_paths(self, paths: set[str]) -> list[str]:
        """The organisations below in tree order (those without figures too), then the
        unit itself when it has figures of its own."""
        ordered = sorted(self.below)
        if self.unit.path in paths:
            ordered.append(self.unit.path)
        return ordered


def officer_dashboard(
    scope: Scope, unit: OrgUnit, period: Period, *, today: datetime.date, now: datetime.datetime
) -> Dashboard:
    """Every table of the organisation's dashboard. About twenty queries, the same
    number for a branch and for a group committee of 11,000 organisations."""
    below = {
        child.path: child
        for child in orgs.units_within(unit.path, active_only=True).filter(depth=unit.depth + 1)
    }
    context = _Context(scope, unit, period, today, now, tuple(period.months()), below)
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
    return Dashboard(unit.pk, unit.name, period.key, tuple(tables))


# --- Appeals ---------------------------------------------------------------------------------


def _appeals_by_month(context: _Context) -> Table:
    counts = appeals.received_by_month(context.scope, context.unit, context.period)
    names = {category.pk: str(category) for category in appeals.categories()}
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
        % {"unit": context.unit.name},
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


def _rate_cells(counts: RateCounts) -> tuple[Cell, ...]:
    rates = appeals.rates_of(counts)
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
    found = appeals.appeal_rates_by_month(context.unit, context.period, now=context.now)
    by_month: dict[datetime.date, RateCounts] = defaultdict(RateCounts)
    by_unit: dict[str, RateCounts] = defaultdict(RateCounts)
    for (month, path), figures in found.items():
        by_month[month] += figures.counts
        by_unit[str(path)] += figures.counts
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
            caption=_("The three rates of %(unit)s by month") % {"unit": context.unit.name},
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
            % {"unit": context.unit.name},
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
    found = appeals.overdue_below(context.scope, context.unit, now=context.now)
    rows = []
    late = []
    for path in context.ordered_paths(set(found)):
        overdue, open_ = found.get(path, (0, 0))
        late.append(overdue)
        # The organisation's own appeals have no list of their own (the queue narrowed
        # to it holds its subtree): no drill-down there.
        link = ""
        if path in context.below:
            query = urlencode({"view": "overdue", "unit": context.below[path].pk})
            link = f"{reverse('appeals:queue')}?{query}"
        rows.append(Row(context.label_of(path), (share(overdue, open_, link), count(open_))))
    return Table(
        key="overdue",
        title=_("Overdue appeals"),
        caption=_("Open appeals past their deadline now, by organisation below %(unit)s")
        % {"unit": context.unit.name},
        columns=(_("Overdue of those open"), _("Open")),
        row_header=_("Organisation"),
        rows=tuple(rows),
        chart=chart("bar", [row.label for row in rows], [(_("Overdue"), late)]),
        chart_label=_("Bar chart of the overdue appeals by organisation below."),
        note=_("Open now, whatever the period chosen; each figure opens your list of them."),
    )


# --- Organisational life, members, service -------------------------------------------------


def _meetings(context: _Context) -> Table:
    found = orglife.compliance_by_month_below(context.unit, context.period, today=context.today)
    paths = context.ordered_paths({path for _month, path in found})
    rows = []
    heat = []
    for y, path in enumerate(paths):
        cells = []
        for x, month in enumerate(context.months):
            figures = found.get((month.first, path))
            cell = ratio(figures.held, figures.due) if figures else Cell("—", None)
            cells.append(cell)
            if cell.value is not None:
                heat.append([x, y, cell.value])
        rows.append(Row(context.label_of(path), tuple(cells), context.dashboard_of(path)))
    return Table(
        key="meetings",
        title=_("Meeting compliance"),
        caption=_("Required meetings held, of those due, by organisation below %(unit)s and month")
        % {"unit": context.unit.name},
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
    stages = orgs.oversight(context.unit, today=context.today).stage_counts
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
        caption=_("People at each stage in %(unit)s") % {"unit": context.unit.name},
        columns=(_("People"), _("Share of all")),
        row_header=_("Stage"),
        rows=rows,
        chart=chart(
            "bar", [row.label for row in rows], [(_("People"), [r.cells[0].value for r in rows])]
        ),
        chart_label=_("Bar chart of the people at each stage of development."),
        note=_("Active member records today, whatever the period chosen."),
    )


def _subtree_sums(
    context: _Context, per_path: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    """Figures keyed by an organisation's path, added up per organisation below."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    width = len(context.unit.path) + SEGMENT_WIDTH
    for path, figures in per_path.items():
        key = path[:width] if len(path) > len(context.unit.path) else context.unit.path
        for name, value in figures.items():
            sums[key][name] += value
    return sums


def _deeds(context: _Context) -> Table:
    found = service.deed_counts_within(context.unit, context.period, today=context.today)
    sums = _subtree_sums(context, found)
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
        % {"unit": context.unit.name},
        columns=(_("Promised"), _("Delivered"), _("Overdue")),
        row_header=_("Organisation"),
        rows=tuple(rows),
        chart=chart(
            "stacked", [row.label for row in rows], [(_("Delivered"), done), (_("Overdue"), late)]
        ),
        chart_label=_("Stacked bar chart of the practical deeds delivered and overdue."),
        note=_("Deeds due in the period, dropped ones left out."),
    )


def _coverage(context: _Context) -> Table:
    found = service.coverage_counts_within(context.unit, context.period)
    branches = set(
        orgs.units_within(context.unit.path, kinds=[UnitKind.BRANCH], active_only=True).values_list(
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
    labels = service_labels()
    rows = tuple(
        Row(labels[code], (share(len(covered[code]), len(branches)), count(items[code])))
        for code in SERVICE_DOMAINS
    )
    return Table(
        key="coverage",
        title=_("Five services coverage"),
        caption=_("Branches with anything under each of the five services in %(unit)s")
        % {"unit": context.unit.name},
        columns=(_("Branches covering it"), _("Activities, deeds, posts and appeals")),
        row_header=_("Service"),
        rows=rows,
        chart=chart(
            "bar",
            [row.label for row in rows],
            [(_("Branches covering it"), [len(covered[c]) for c in SERVICE_DOMAINS])],
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


def _evaluation(context: _Context) -> Table | None:
    """The released results of the latest scheme year up to the period's, in bands of
    total points (a distribution, not a league table)."""
    released = evaluation.my_results(context.scope).filter(
        unit__path__startswith=context.unit.path, scheme__year__lte=context.period.last.year
    )
    year = released.order_by("-scheme__year").values_list("scheme__year", flat=True).first()
    if year is None:
        return None
    totals = list(released.filter(scheme__year=year).values_list("total", flat=True))
    whole = len(totals)
    counts = [0] * (len(BANDS) + 1)
    for total in totals:
        if total is None:
            counts[-1] += 1
            continue
        counts[next(i for i, (floor, _label) in enumerate(BANDS) if total >= floor)] += 1
    labels = [label for _floor, label in BANDS] + [_("Not scored")]
    rows = tuple(Row(label, (share(n, whole),)) for label, n in zip(labels, counts, strict=True))
    return Table(
        key="evaluation",
        title=_("Evaluation results %(year)s") % {"year": year},
        caption=_("Organisations assessed in %(year)s by total points, in %(unit)s")
        % {"year": year, "unit": context.unit.name},
        columns=(_("Organisations"),),
        row_header=_("Total points"),
        rows=rows,
        chart=chart("bar", labels, [(_("Organisations"), counts)]),
        chart_label=_("Bar chart of the organisations assessed by band of total points."),
        note=_("Released results only."),
    )
