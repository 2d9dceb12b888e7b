"""The annual Party statistics (党内统计) of a subtree, as of 31 December of a year.

Every figure is read from the records as they were on that day (see the "as of a past
day" selectors in grassroots.orgs.selectors): the stage from the stage dates, the branch
from the confirmed transfers, leaving from the leaving day, organisations from their
founding and dissolution days. A change recorded after the year end with a later
effective day leaves the year's tables as they were.

A fixed number of queries whatever the size: members on the day counted per
combination of the attributes (one GROUP BY), the year's pipeline steps (one
aggregate), the start of the year by stage, the Party members per branch (for the
cross-check), the members admitted in the year per combination, the leavers by reason,
the transfers, the organisations. Age bands and cohorts
come from the birth periods of the structure analysis (grassroots.insights.structure).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grassroots.insights.statistics import periods
from grassroots.insights.structure import UNKNOWN_BIRTH, birth_period_case, birth_periods
from grassroots.orgs import rules
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import Education, Gender, LeavingReason, MemberStage, UnitKind

HAN = "汉族"
PARTY_STAGES = (MemberStage.FULL.value, MemberStage.PROBATIONARY.value)
PIPELINE_STAGES = (
    MemberStage.APPLICANT.value,
    MemberStage.ACTIVIST.value,
    MemberStage.CANDIDATE.value,
)
UNIT_KINDS = (UnitKind.COMMITTEE, UnitKind.GENERAL_BRANCH, UnitKind.BRANCH)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int
    whole: int | None  # the denominator of the share; None: not a share

    @property
    def share(self) -> float | None:
        return None if self.whole is None else rules.share(self.count, self.whole)


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row]
    total: int | None = None  # the rows add up to it (None: they do not have to)

    def count(self, key: str) -> int:
        return next((row.count for row in self.rows if row.key == key), 0)

    @property
    def row_sum(self) -> int:
        return sum(row.count for row in self.rows)


@dataclass(frozen=True)
class Check:
    label: str
    figures: list[tuple[str, int]]
    expected: int  # what each figure (or the balance) must come to
    actual: int

    @property
    def passed(self) -> bool:
        return self.expected == self.actual


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]


@dataclass
class YearStatistics:
    unit: Any
    year: int
    on: datetime.date
    party_members: int
    sections: list[Section]
    checks: list[Check] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)

    @property
    def failed_checks(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


class Tally(NamedTuple):
    stage: str
    education: str
    gender: str
    ethnicity: str
    age_band: str | None
    cohort: int | None
    join_period: int | None
    people: int


def _join_period_case() -> Case:
    # over the `admission` alias of _tallies (admitted, or full for old records)
    return Case(
        *(
            When(admission__lt=start, then=Value(index))
            for index, start in enumerate(periods.JOIN_PERIOD_STARTS)
        ),
        When(admission__isnull=False, then=Value(len(periods.JOIN_PERIOD_STARTS))),
        default=None,
        output_field=IntegerField(),
    )


def _tallies(members: QuerySet[Any], stage: Any, on: datetime.date) -> list[Tally]:
    edges, birth = birth_periods(on)
    rows = (
        members.alias(admission=Coalesce("admitted_on", "full_on"))
        .annotate(
            stage_key=stage,
            birth_period=birth_period_case(edges),
            join_period=_join_period_case(),
        )
        .values_list("stage_key", "education", "gender", "ethnicity", "birth_period", "join_period")
        .annotate(people=Count("pk"))
        .order_by()
    )
    tallies = []
    for stage_key, education, gender, ethnicity, period, join_period, people in rows:
        born = UNKNOWN_BIRTH if period is None else birth[period]
        tallies.append(
            Tally(
                stage_key,
                education,
                gender,
                ethnicity,
                born.age_band,
                born.cohort,
                join_period,
                people,
            )
        )
    return tallies


def _sum_by(tallies: Iterable[Tally], key: Callable[[Tally], Any]) -> Counter[Any]:
    sums: Counter[Any] = Counter()
    for tally in tallies:
        sums[key(tally)] += tally.people
    return sums


def _table(
    key: str,
    title: str,
    tallies: list[Tally],
    attribute: Callable[[Tally], Any],
    buckets: list[tuple[Any, str]],
    whole: int,
    unknown: Any = "",
) -> Table:
    """A breakdown: a row per bucket and one for "not recorded" (`unknown` values).
    A value that is in no bucket is left out, so that the cross-check shows it."""
    sums = _sum_by(tallies, attribute)
    rows = [Row(str(k), label, sums[k], whole) for k, label in buckets]
    if sums[unknown]:
        rows.append(Row("unknown", _("Not recorded"), sums[unknown], whole))
    return Table(key, title, rows, total=whole)


def _ethnic_group(tally: Tally) -> str:
    if not tally.ethnicity:
        return ""
    return HAN if tally.ethnicity == HAN else "minority"


def _person_tables(prefix: str, tallies: list[Tally], whole: int, title: str) -> list[Table]:
    """The breakdowns shared by the members and the members developed in the year."""
    education = _table(
        f"{prefix}_education",
        _("%(who)s by education") % {"who": title},
        tallies,
        lambda t: t.education,
        [(level.value, str(level.label)) for level in Education],
        whole,
    )
    college = sum(education.count(level) for level in rules.COLLEGE_OR_ABOVE)
    education.rows.append(Row("college_or_above", _("of whom 大专及以上"), college, whole))
    education.total = None  # the last row is part of the others: not summed
    return [
        _table(
            f"{prefix}_gender",
            _("%(who)s by gender") % {"who": title},
            tallies,
            lambda t: t.gender,
            [(g.value, str(g.label)) for g in Gender],
            whole,
        ),
        _table(
            f"{prefix}_ethnicity",
            _("%(who)s by ethnic group") % {"who": title},
            tallies,
            _ethnic_group,
            [(HAN, HAN), ("minority", _("Ethnic minorities"))],
            whole,
        ),
        education,
        _table(
            f"{prefix}_age",
            _("%(who)s by age band") % {"who": title},
            tallies,
            lambda t: t.age_band,
            [(band.key, band.label) for band in rules.AGE_BANDS],
            whole,
            unknown=None,
        ),
        _table(
            f"{prefix}_cohort",
            _("%(who)s by birth cohort") % {"who": title},
            tallies,
            lambda t: t.cohort,
            [(decade, rules.cohort_label(decade)) for decade in rules.COHORT_DECADES],
            whole,
            unknown=None,
        ),
    ]


def _members_section(tallies: list[Tally], party: int) -> Section:
    members = [t for t in tallies if t.stage in PARTY_STAGES]
    tables = _person_tables("members", members, party, _("Party members"))
    tables.append(
        _table(
            "members_stage",
            _("Party members: full and probationary"),
            members,
            lambda t: t.stage,
            [
                (MemberStage.FULL.value, str(MemberStage.FULL.label)),
                (MemberStage.PROBATIONARY.value, str(MemberStage.PROBATIONARY.label)),
            ],
            party,
        )
    )
    tables.append(
        _table(
            "members_joined",
            _("Party members by when they joined"),
            members,
            lambda t: t.join_period,
            [(p.index, p.label) for p in periods.join_periods()],
            party,
            unknown=None,
        )
    )
    return Section("members", _("Party members on 31 December"), tables)


def statistics_for_year(unit: Any, year: int) -> YearStatistics:
    """The full set for the unit's subtree as of 31 December of `year`."""
    on = periods.year_end(year)
    start = periods.year_end(year - 1)
    path = unit.path

    on_record = orgs.members_on(path, on=on)
    tallies = _tallies(on_record, F("stage_then"), on)
    party = sum(t.people for t in tallies if t.stage in PARTY_STAGES)
    # Each step counted on its own day, in the subtree on that day, whether or not the
    # person is still on record at the year end.
    totals = orgs.pipeline_steps_between(path, after=start, on=on)
    at_start: dict[str, int] = dict(
        orgs.members_on(path, on=start)
        .values_list("stage_then")  # type: ignore[misc]
        .annotate(people=Count("pk"))
        .order_by()
    )
    party_at_start = sum(at_start.get(stage, 0) for stage in PARTY_STAGES)
    per_branch = orgs.party_members_by_branch_on(path, on=on)
    admitted = orgs.members_admitted_between(path, after=start, on=on)
    developed_tallies = _tallies(admitted, Value("developed"), on)
    developed = sum(t.people for t in developed_tallies)
    status_changes = orgs.party_status_changes_between(path, after=start, on=on)
    leaving = {
        reason: people
        for (kind, reason), people in status_changes.items()
        if kind == orgs.STATUS_LEFT
    }
    restored = sum(
        people for (kind, _reason), people in status_changes.items() if kind == orgs.STATUS_RESTORED
    )
    transfers = orgs.party_transfers_between(path, after=start, on=on)
    unit_rows = list(
        orgs.units_on(path, on=on, year_start=start).values_list(  # type: ignore[misc]
            "kind", "committee_posts", "elected_in_year"
        )
    )

    sections = [_members_section(tallies, party)]
    sections.append(
        Section(
            "developed",
            _("Members developed in the year"),
            _person_tables(
                "developed", developed_tallies, developed, _("Members developed in the year")
            ),
        )
    )
    by_stage = _sum_by(tallies, lambda t: t.stage)
    pipeline = Table(
        "pipeline_on_day",
        _("Applicants, activists and candidates on 31 December"),
        [Row(s, str(MemberStage(s).label), by_stage[s], None) for s in PIPELINE_STAGES],
    )
    pipeline_flows = Table(
        "pipeline_in_year",
        _("The development pipeline during the year"),
        [
            Row("applied", _("Applied to join"), totals["applied"], None),
            Row("activists", _("Named activists"), totals["activists_named"], None),
            Row(
                "candidates",
                _("Named candidates for development"),
                totals["candidates_named"],
                None,
            ),
            Row(
                "made_full", _("Probationary members made full members"), totals["made_full"], None
            ),
        ],
    )
    sections.append(Section("pipeline", _("Applicants and activists"), [pipeline, pipeline_flows]))
    sections.append(Section("units", _("Party organisations"), _unit_tables(unit_rows)))
    left = sum(leaving.values())
    died = leaving.get(LeavingReason.DEATH.value, 0)
    changes = Table(
        "changes",
        _("Changes in the number of Party members during the year"),
        [
            Row(
                "start", _("Party members on 31 December of the year before"), party_at_start, None
            ),
            Row("admitted", _("Admitted (developed) in the year"), developed, None),
            Row("moved_in", _("Transferred in"), transfers["moved_in"], None),
            Row("moved_out", _("Transferred out"), transfers["moved_out"], None),
            # Suspended (停止党籍) or otherwise out of good standing, and restored in
            # the year (恢复党籍): back in the count without being admitted again.
            Row("restored", _("Restored to good standing"), restored, None),
            Row("died", _("Died"), died, None),
            *[
                Row(reason.value, str(reason.label), leaving.get(reason.value, 0), None)
                for reason in LeavingReason
                if reason != LeavingReason.DEATH
            ],
            # Leavers whose reason was never recorded (older records, imports): counted
            # in "left", so they need a row for the printed rows to add up.
            *([Row("unknown", _("Not recorded"), leaving[""], None)] if leaving.get("") else []),
            Row("end", _("Party members on 31 December"), party, None),
        ],
    )
    sections.append(Section("changes", _("Changes in the year"), [changes]))
    result = YearStatistics(unit=unit, year=year, on=on, party_members=party, sections=sections)
    result.checks = cross_checks(
        result,
        left=left,
        per_branch=per_branch,
        probationary_at_start=at_start.get(MemberStage.PROBATIONARY.value, 0),
        undated={
            "members": status_changes[(orgs.UNDATED, "members")],
            "units": status_changes[(orgs.UNDATED, "units")],
        },
    )
    return result


def _unit_tables(unit_rows: list[tuple[str, int, int]]) -> list[Table]:
    counts: Counter[str] = Counter()
    with_committee: Counter[str] = Counter()
    elected: Counter[str] = Counter()
    for kind, committee_posts, elected_in_year in unit_rows:
        counts[kind] += 1
        with_committee[kind] += committee_posts > 0
        elected[kind] += elected_in_year > 0
    rows = []
    for kind in UNIT_KINDS:
        rows.append(Row(f"{kind.value}", str(kind.label), counts[kind.value], None))
        rows.append(
            Row(
                f"{kind.value}_committee",
                _("%(kind)s with a committee in office") % {"kind": kind.label},
                with_committee[kind.value],
                counts[kind.value],
            )
        )
        rows.append(
            Row(
                f"{kind.value}_elected",
                _("%(kind)s whose secretary took office in the year (换届)") % {"kind": kind.label},
                elected[kind.value],
                counts[kind.value],
            )
        )
    groups = Row("group", str(UnitKind.GROUP.label), counts[UnitKind.GROUP.value], None)
    return [Table("units", _("Party organisations on 31 December, by kind"), [*rows, groups])]


def cross_checks(
    statistics: YearStatistics,
    *,
    left: int,
    per_branch: dict[str, int],
    probationary_at_start: int,
    undated: dict[str, int] | None = None,
) -> list[Check]:
    """Totals that must agree across the tables, and the year's balance.

    Every breakdown must list every member (a value outside its rows fails it); the
    subtree's total must equal the sum of its branches' totals, which a separate query
    counts with another reading of the branch on the day; no more probationary members
    can be made full than there were at the start, admitted and transferred in; and the
    year's balance. (A balance per pipeline stage is not checked: stage dates may skip
    a step and transfers of people in the pipeline are not counted, so it would fail on
    sound records.)"""
    checks = []
    for prefix, label in (
        ("members", _("Party members: every breakdown adds up to the total")),
        ("developed", _("Members developed: every breakdown adds up to the total")),
    ):
        breakdowns = [t for t in statistics.tables if t.key.startswith(f"{prefix}_")]
        total = (
            statistics.party_members
            if prefix == "members"
            else statistics.table("changes").count("admitted")
        )
        for table in breakdowns:
            summed = (
                table.row_sum
                if table.total is not None
                else table.row_sum - table.count("college_or_above")
            )
            checks.append(
                Check(
                    f"{label}: {table.title}",
                    [(_("Total"), total), (table.title, summed)],
                    total,
                    summed,
                )
            )
    branches_total = sum(per_branch.values())
    checks.append(
        Check(
            _("Party members: the total equals the sum of the branches' totals"),
            [
                (_("Total"), statistics.party_members),
                (_("Sum of the branches"), branches_total),
            ],
            statistics.party_members,
            branches_total,
        )
    )
    changes = statistics.table("changes")
    made_full = statistics.table("pipeline_in_year").count("made_full")
    within_reach = probationary_at_start + changes.count("admitted") + changes.count("moved_in")
    checks.append(
        Check(
            _("Made full members ≤ probationary at the start + admitted + transferred in"),
            [
                (_("Made full members"), made_full),
                (_("Probationary members at the start"), probationary_at_start),
                (_("Admitted"), changes.count("admitted")),
                (_("Transferred in"), changes.count("moved_in")),
            ],
            # a bound, not an equality: passed while made_full does not exceed it
            made_full,
            min(made_full, within_reach),
        )
    )
    if undated is not None:
        # Not a sum that must agree but records to complete: each is counted as gone on
        # every day, which the officer can put right on the record.
        missing = undated["members"] + undated["units"]
        checks.insert(
            0,
            Check(
                _(
                    "Every record out of good standing has its day (fill in “Left on” on "
                    "the member record, “Dissolved on” on the organisation's page)"
                ),
                [
                    (_("Member records without a leaving day"), undated["members"]),
                    (_("Organisations without a dissolution day"), undated["units"]),
                ],
                0,
                missing,
            ),
        )
    balance = (
        changes.count("start")
        + changes.count("admitted")
        + changes.count("moved_in")
        + changes.count("restored")
        - changes.count("moved_out")
        - left
    )
    checks.append(
        Check(
            _("Start + admitted + transferred in + restored − transferred out − left = end"),
            [
                (_("Start"), changes.count("start")),
                (_("Admitted"), changes.count("admitted")),
                (_("Transferred in"), changes.count("moved_in")),
                (_("Restored"), changes.count("restored")),
                (_("Transferred out"), changes.count("moved_out")),
                (_("Left (all reasons)"), left),
                (pgettext("statistics", "End"), changes.count("end")),
            ],
            changes.count("end"),
            balance,
        )
    )
    return checks


@dataclass(frozen=True)
class Comparison:
    table: str
    label: str
    this_year: int
    last_year: int

    @property
    def change(self) -> int:
        return self.this_year - self.last_year


def year_on_year(current: YearStatistics, previous: YearStatistics) -> list[Comparison]:
    """Every figure of the chosen year beside the year before's."""
    rows = []
    for table in current.tables:
        before = previous.table(table.key)
        for row in table.rows:
            rows.append(Comparison(table.title, row.label, row.count, before.count(row.key)))
    return rows
