"""Notices drafted from the records (nobody types numbers the product already knows).

For a catalogue item whose content exists elsewhere, the text is written from the other
parts' read contracts — the practical-deed list, the meetings required and held, the
year's figures — with counts, lists and links, for the officer to read and edit before
publishing. What the records cannot say (what dues were handed up and used; the plan's
own intentions) is left as headings to fill in.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.appeals import selectors as appeals
from grassroots.core.periods import MONTH, QUARTER, YEAR, Period
from grassroots.evaluation.appraisal import selectors as appraisal
from grassroots.openness.vocabulary import NoticeKind
from grassroots.orglife import selectors as orglife
from grassroots.orgs import selectors as orgs
from grassroots.orgs.dues import selectors as dues
from grassroots.service import selectors as service

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

LISTED_MAX = 60  # deeds or organisations listed by name; the rest are counted


@dataclass(frozen=True)
class Draft:
    title: str
    body: str
    # False where nothing in the records could be drafted from (the text is a frame)
    from_records: bool


def draft_for(
    unit: OrgUnit, kind: str, period: Period | None, *, today: datetime.date | None = None
) -> Draft | None:
    """The draft of a notice of `kind` by `unit` covering `period` (a year; None: the
    year the catalogue asks for), or None when the kind has nothing to draft from."""
    maker = _MAKERS.get(kind)
    if maker is None:
        return None
    today = today or timezone.localdate()
    return maker(unit, period or Period.year(today.year), today)


def _link(name: str, *args: object) -> str:
    return settings.GRASSROOTS_BASE_URL.rstrip("/") + reverse(name, args=args)


def _frequency(frequency: str) -> str:
    return {MONTH: _("every month"), QUARTER: _("every quarter"), YEAR: _("every year")}.get(
        frequency, frequency
    )


def _percent(value: float | None) -> str:
    return _("too few to judge") if value is None else f"{value * 100:.1f}%"


def _work_plan(unit: OrgUnit, period: Period, today: datetime.date) -> Draft:
    lines = [
        _("%(unit)s: work plan for %(year)s") % {"unit": unit.name, "year": period.label},
        "",
        _("1. Organisational life (what the rules require)"),
    ]
    rows = orglife.unit_compliance(unit, year=period.first.year, today=today)
    if rows:
        lines += [
            _("- %(kind)s: %(frequency)s (%(count)s in the year)")
            % {"kind": row.label, "frequency": _frequency(row.frequency), "count": len(row.cells)}
            for row in rows
        ]
    else:
        below = len(orgs.units_within(unit.path, active_only=True)) - 1
        lines.append(
            _("- Guide and check the organisational life of the %(count)s organisations under us.")
            % {"count": below}
        )
    deeds = _deeds_in(unit, period)
    lines += ["", _("2. Practical deeds promised for the year (%(count)s)") % {"count": len(deeds)}]
    lines += [_deed_line(deed) for deed in deeds[:LISTED_MAX]] or [_("- (none yet)")]
    lines += [
        "",
        _("3. Learning"),
        _("- (what the members will study, and when)"),
        "",
        _("4. Service to employees"),
        _("- (demonstration posts, pairings, volunteer activities planned)"),
    ]
    return Draft(
        title=_("%(unit)s work plan for %(year)s") % {"unit": unit.name, "year": period.label},
        body="\n".join(lines),
        from_records=True,
    )


def _deeds_in(unit: OrgUnit, period: Period) -> list[service.DeedLine]:
    return [
        deed
        for deed in service.deeds_of_unit(unit, since=period.first, limit=500)
        if deed.due_on <= period.last
    ]


def _deed_line(deed: service.DeedLine) -> str:
    return _("- %(title)s (due %(due)s, %(status)s) %(link)s") % {
        "title": deed.title,
        "due": deed.due_on.isoformat(),
        "status": service.deed_status_label(deed.status),
        "link": _link("service:deed", deed.pk),
    }


def _deeds(unit: OrgUnit, period: Period, today: datetime.date) -> Draft:
    deeds = _deeds_in(unit, period)
    figures = service.deed_figures(unit, period, today=today)
    lines = [
        _(
            "In %(year)s we promise employees %(count)s practical deeds; %(done)s are "
            "done so far. Each has a person responsible and a date, and anyone may "
            "follow it and say whether it was delivered."
        )
        % {"year": period.label, "count": figures.promised, "done": figures.done},
        "",
        *[_deed_line(deed) for deed in deeds[:LISTED_MAX]],
    ]
    if len(deeds) > LISTED_MAX:
        lines.append(_("… and %(count)s more.") % {"count": len(deeds) - LISTED_MAX})
    lines += ["", _("The whole list: %(link)s") % {"link": _link("service:deeds")}]
    return Draft(
        title=_("%(unit)s: practical deeds for %(year)s")
        % {"unit": unit.name, "year": period.label},
        body="\n".join(lines),
        from_records=bool(deeds),
    )


def _meetings(unit: OrgUnit, period: Period, today: datetime.date) -> Draft:
    rows = orglife.meeting_compliance(unit, period, today=today)
    labels = orglife.meeting_kind_labels()
    totals: dict[str, list[int]] = {}
    for row in rows:
        for kind in row.kinds:
            total = totals.setdefault(kind.kind, [0, 0, 0])
            total[0] += kind.required
            total[1] += kind.held
            total[2] += kind.missing
    short = [row for row in rows if row.missing]
    lines = [
        _(
            "Organisational life in %(year)s: %(units)s branches and groups were required "
            "to hold the meetings below."
        )
        % {"year": period.label, "units": len(rows)},
        "",
        *[
            _("- %(kind)s: %(required)s required, %(held)s held as required, %(missing)s missed")
            % {"kind": labels.get(kind, kind), "required": r, "held": h, "missing": m}
            for kind, (r, h, m) in totals.items()
        ],
    ]
    if short:
        names = dict(orgs.units_by_ids([row.unit_id for row in short]).values_list("pk", "name"))
        lines += ["", _("Organisations that missed meetings, and will make them good:")]
        lines += [
            _("- %(unit)s: %(missing)s missed")
            % {"unit": names.get(row.unit_id, ""), "missing": row.missing}
            for row in short[:LISTED_MAX]
        ]
    return Draft(
        title=_("%(unit)s: organisational life in %(year)s")
        % {"unit": unit.name, "year": period.label},
        body="\n".join(lines),
        from_records=bool(rows),
    )


def _work_summary(unit: OrgUnit, period: Period, today: datetime.date) -> Draft:
    moment = min(period.ends, timezone.now())
    figures = appeals.appeal_figures(unit, period, now=moment)
    deeds = service.deed_figures(unit, period, today=today)
    activities = service.activity_figures(unit, period)
    meetings = orglife.meeting_compliance(unit, period, today=today)
    required = sum(row.required for row in meetings)
    held = sum(row.held for row in meetings)
    lines = [
        _("%(unit)s: what we did in %(year)s") % {"unit": unit.name, "year": period.label},
        "",
        _("1. Organisational life: %(held)s of %(required)s required meetings held as required.")
        % {"held": held, "required": required},
        _(
            "2. Employees' appeals: %(received)s received, %(answered)s answered; response "
            "rate %(response)s, resolution rate %(resolution)s, satisfaction %(satisfaction)s."
        )
        % {
            "received": figures.received,
            "answered": figures.answered,
            "response": _percent(figures.rates.response),
            "resolution": _percent(figures.rates.resolution),
            "satisfaction": _percent(figures.rates.satisfaction),
        },
        _(
            "3. Practical deeds: %(promised)s promised, %(done)s done, %(overdue)s overdue; "
            "of those who said whether a deed was delivered, %(satisfied)s satisfied, "
            "%(fairly)s fairly satisfied, %(not)s not satisfied."
        )
        % {
            "promised": deeds.promised,
            "done": deeds.done,
            "overdue": deeds.overdue,
            "satisfied": deeds.answers.satisfied,
            "fairly": deeds.answers.fairly,
            "not": deeds.answers.not_satisfied,
        },
        _(
            "4. Volunteer activities: %(held)s held, %(people)s people took part, "
            "%(hours)s hours, %(helped)s people helped."
        )
        % {
            "held": activities.held,
            "people": activities.people,
            "hours": activities.hours,
            "helped": activities.beneficiaries,
        },
        "",
        _("5. What fell short, and what we will do about it"),
        _("- (write here)"),
    ]
    return Draft(
        title=_("%(unit)s work summary for %(year)s") % {"unit": unit.name, "year": period.label},
        body="\n".join(lines),
        from_records=True,
    )


def _dues(unit: OrgUnit, period: Period, today: datetime.date) -> Draft:
    """From the dues ledger: each month's dues billed, paid (net of reversals) and still
    owed, by the month the dues are for; the voluntary payments apart; what was handed
    up and what was used are the officer's to fill in (the ledger does not keep them)."""
    book = dues.year_book(unit.path, year=period.first.year)
    total = book.total
    lines = [
        _("Dues collected and used by %(unit)s in %(year)s")
        % {"unit": unit.name, "year": period.label},
        "",
        _(
            "1. Collected: %(paid)s 元 of the %(billed)s 元 billed to %(members)s members "
            "(%(outstanding)s 元 still owed)."
        )
        % {
            "paid": total.paid,
            "billed": total.billed,
            "members": book.members,
            "outstanding": total.outstanding,
        },
        *[
            _("- %(month)s: %(paid)s 元 paid of %(billed)s 元 billed")
            % {"month": f"{month:%Y-%m}", "paid": r.paid, "billed": r.billed}
            for month, r in book.months
        ],
        _("2. Voluntary payments (kept apart): %(count)s, %(amount)s 元.")
        % {"count": book.voluntary_count, "amount": book.voluntary},
        _("3. Handed up to the organisation above: (amount)"),
        _("4. Used, with approval: (what for, amount)"),
    ]
    return Draft(
        title=_("%(unit)s: dues in %(year)s") % {"unit": unit.name, "year": period.label},
        body="\n".join(lines),
        from_records=bool(book.months or book.voluntary_count),
    )


def _evaluation(unit: OrgUnit, period: Period, today: datetime.date) -> Draft:
    tally = appraisal.grade_tally_within(unit.path, period.first.year)
    lines = [
        _(
            "The democratic appraisal of members for %(year)s is decided: %(graded)s full "
            "members of %(branches)s branches were graded."
        )
        % {"year": period.label, "graded": tally.graded, "branches": tally.branches},
        "",
        *[
            _("- %(grade)s: %(count)s") % {"grade": label, "count": n}
            for label, n in tally.by_grade
        ],
        "",
        _(
            "Each member has been told their own grade. Members graded basically qualified "
            "or unqualified are helped to improve within a set time."
        ),
    ]
    return Draft(
        title=_("%(unit)s: results of the democratic appraisal for %(year)s")
        % {"unit": unit.name, "year": period.label},
        body="\n".join(lines),
        from_records=tally.graded > 0,
    )


_MAKERS: dict[str, Callable[[OrgUnit, Period, datetime.date], Draft]] = {
    NoticeKind.WORK_PLAN: _work_plan,
    NoticeKind.WORK_SUMMARY: _work_summary,
    NoticeKind.DEEDS: _deeds,
    NoticeKind.MEETINGS: _meetings,
    NoticeKind.DUES: _dues,
    NoticeKind.EVALUATION: _evaluation,
}
