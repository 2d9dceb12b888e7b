"""What a dashboard is made of: tables of plain values, each with the chart drawn from
it. The table is the content (screen readers, keyboard, Excel); the chart is a picture
of the same figures, drawn by static/js/dashboard_charts.js when scripts run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from grassroots.core.templatetags.core_tags import percent


@dataclass(frozen=True)
class Cell:
    """One figure: `text` as the table shows it (always with its denominator where it
    is a share), `value` the number for the chart and the Excel file (None: nothing to
    draw: too few to judge, or nothing to divide by), `link` a drill-down."""

    text: str
    value: float | int | None = None
    link: str = ""


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    link: str = ""  # the row's own page (an organisation's dashboard)


@dataclass(frozen=True)
class Table:
    key: str  # in the export's address and the element ids
    title: str
    caption: str
    columns: tuple[str, ...]  # after the first, which names the rows
    row_header: str
    rows: tuple[Row, ...]
    chart: dict[str, Any] = field(default_factory=dict)  # for dashboard_charts.js
    chart_label: str = ""  # what the chart shows, for role="img"
    note: str = ""

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def wide(self) -> bool:
        """Many columns (a month each): the chart above the table, both full width."""
        return len(self.columns) > 6


def count(n: int, link: str = "") -> Cell:
    return Cell(str(n), n, link)


def share(part: int, whole: int, link: str = "") -> Cell:
    """n of N with the percentage: a share is never shown without its denominator."""
    if whole <= 0:
        return Cell(_("none of 0"), None, link)
    value = part / whole
    return Cell(
        _("%(percent)s (%(part)s of %(whole)s)")
        % {"percent": percent(value), "part": part, "whole": whole},
        round(value * 100, 1),
        link,
    )


def ratio(part: int, whole: int) -> Cell:
    """n/N, for the cells of a wide table (a heat map's): the percentage is the value."""
    if whole <= 0:
        return Cell("—", None)
    return Cell(f"{part}/{whole}", round(100 * part / whole, 1))


def rate(value: float | None, part: float, whole: int) -> Cell:
    """A rate by the appeals' own rule: under its minimum of answers "too few to judge"
    with the number of answers only, so that a small cell shows nobody's answer."""
    if value is None:
        return Cell(_("too few to judge (%(whole)s)") % {"whole": whole}, None)
    shown = f"{part:g}" if isinstance(part, float) else str(part)
    return Cell(
        _("%(percent)s (%(part)s of %(whole)s)")
        % {"percent": percent(value), "part": shown, "whole": whole},
        round(value * 100, 1),
    )


def chart(
    kind: str, labels: list[str], series: list[tuple[str, list[Any]]], **extra: Any
) -> dict[str, Any]:
    return {
        "type": kind,
        "labels": labels,
        "series": [{"name": name, "values": values} for name, values in series],
        **extra,
    }
