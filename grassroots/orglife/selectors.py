"""Reads for organisational life: compliance computed from the meetings recorded (nobody
reports anything), meeting lists, and members who have dropped out of organisational life.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from grassroots.core import parameters
from grassroots.core.option_lists import OptionList
from grassroots.core.periods import Period, periods_in_year
from grassroots.core.published import Published
from grassroots.core.tree import SEGMENT_WIDTH, within
from grassroots.orglife import rules
from grassroots.orglife.development import selectors as development
from grassroots.orglife.models import (
    Attendance,
    Meeting,
    MeetingCount,
    MeetingMonths,
    Talk,
    month_bit,
)
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import MemberStage, UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import Member, OrgUnit

COMMITTEE_MIN_POSTS = 3  # a branch committee has 3–5 members (RULES.md)
# The units that hold meetings and are judged for them.
_MEETING_UNITS = (UnitKind.BRANCH, UnitKind.GROUP)


def current_frequencies() -> dict[str, str]:
    return {kind: parameters.value(f"orglife.frequency.{kind}") for kind in rules.KINDS}


@dataclass
class Cell:
    period: Period
    status: str
    held: int = 0
    planned: int = 0


@dataclass
class Row:
    kind: str
    label: str
    frequency: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return sum(cell.status in rules.GAPS for cell in self.cells)


def committee_units(unit_ids: list[int], on: datetime.date) -> set[int]:
    """Branches with a committee (at least three committee posts held on the day)."""
    counts = orgs.committee_post_counts(on=on, unit_ids=unit_ids)
    return {pk for pk, n in counts.items() if n >= COMMITTEE_MIN_POSTS}


def committee_day(year: int, today: datetime.date) -> datetime.date:
    """The day on which a branch's committee is judged for a year: today for this year,
    the year's last day for a past one (last year's requirements follow last year's
    committee, not the posts held today)."""
    return today if year >= today.year else datetime.date(year, 12, 31)


def _rows_for(
    *,
    unit_kind: str,
    has_committee: bool,
    year: int,
    today: datetime.date,
    counts: dict[tuple[str, int, bool], int],
    frequencies: dict[str, str],
    soon_days: int,
) -> list[Row]:
    """The compliance rows of one unit. `counts` maps (kind, month, planned) → meetings."""
    rows = []
    labels = dict(Meeting.Kind.choices)
    for requirement in rules.requirements(
        unit_kind=unit_kind, has_committee=has_committee, frequencies=frequencies
    ):
        row = Row(requirement.kind, str(labels[requirement.kind]), requirement.frequency)
        for period in periods_in_year(year, requirement.frequency):
            months = range(period.first.month, period.last.month + 1)
            held = sum(counts.get((requirement.kind, m, False), 0) for m in months)
            planned = sum(counts.get((requirement.kind, m, True), 0) for m in months)
            status = rules.period_status(
                period,
                held=held,
                planned=planned,
                times=requirement.times,
                today=today,
                soon_days=soon_days,
            )
            row.cells.append(Cell(period, status, held, planned))
        rows.append(row)
    return rows


def _month_counts(units: QuerySet[Any] | list[int], year: int) -> QuerySet[Any]:
    return (
        MeetingCount.objects.filter(unit_id__in=units, held_on__year=year)
        .annotate(month=ExtractMonth("held_on"))
        .order_by()
        .values("unit_id", "kind", "month", "planned")
        .annotate(n=Count("id"))
    )


def meeting_kind_labels() -> dict[str, str]:
    """Kind of meeting → what it is called."""
    return {kind: str(label) for kind, label in Meeting.Kind.choices}


def unit_compliance(unit: OrgUnit, *, year: int, today: datetime.date) -> list[Row]:
    """What the rules require of one branch or group in a year and what was held."""
    counts: dict[tuple[str, int, bool], int] = {}
    for row in _month_counts([unit.pk], year):
        counts[(row["kind"], row["month"], row["planned"])] = row["n"]
    return _rows_for(
        unit_kind=unit.kind,
        has_committee=unit.pk in committee_units([unit.pk], committee_day(year, today)),
        year=year,
        today=today,
        counts=counts,
        frequencies=current_frequencies(),
        soon_days=parameters.value("orglife.due_soon_days"),
    )


@dataclass
class UnitSummary:
    unit_id: int
    name: str
    kind: str
    path: str
    depth: int
    rows: list[Row]

    @property
    def gaps(self) -> int:
        return sum(row.gaps for row in self.rows)

    def gaps_of(self, kind: str) -> int | None:
        for row in self.rows:
            if row.kind == kind:
                return row.gaps
        return None  # not required of this unit


def subtree_compliance(root: OrgUnit, *, year: int, today: datetime.date) -> list[UnitSummary]:
    """Every branch and group under `root`, with its compliance for the year: three
    queries whatever the size of the subtree."""
    units = list(
        orgs.units_within(root.path, kinds=_MEETING_UNITS, active_only=True).values_list(
            "pk", "name", "kind", "path", "depth"
        )
    )
    counts: dict[int, dict[tuple[str, int, bool], int]] = defaultdict(dict)
    subtree = orgs.units_within(root.path).order_by().values("pk")
    for row in _month_counts(subtree, year):
        counts[row["unit_id"]][(row["kind"], row["month"], row["planned"])] = row["n"]
    branch_ids = [pk for pk, _n, kind, _p, _d in units if kind == UnitKind.BRANCH]
    with_committee = (
        committee_units(branch_ids, committee_day(year, today)) if branch_ids else set()
    )
    frequencies = current_frequencies()
    soon_days = parameters.value("orglife.due_soon_days")
    return [
        UnitSummary(
            pk,
            name,
            kind,
            path,
            depth,
            _rows_for(
                unit_kind=kind,
                has_committee=pk in with_committee,
                year=year,
                today=today,
                counts=counts.get(pk, {}),
                frequencies=frequencies,
                soon_days=soon_days,
            ),
        )
        for pk, name, kind, path, depth in units
    ]


def places_used(unit: OrgUnit) -> list[str]:
    """Places this unit has used, for the "pick or type" list."""
    return list(
        Meeting.objects.filter(unit=unit).order_by().values_list("place", flat=True).distinct()[:30]
    )


def unit_meetings(unit: OrgUnit, *, year: int) -> QuerySet[Meeting]:
    return Meeting.objects.filter(unit=unit, starts_at__year=year).order_by("-starts_at")


def my_meetings(member: Member) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(attendances__member=member)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("unit")
        .annotate(my_status=Max("attendances__status", filter=Q(attendances__member=member)))
        .order_by("-starts_at")
    )


def inactive_members(
    branch: OrgUnit, *, today: datetime.date, months: int
) -> list[tuple[Member, datetime.date | None]]:
    """Party members of the branch who attended no held meeting in the last `months`
    months (and were members before that), with the last time they did. Private to the
    branch's officers: a prompt for a talk, not a public list."""
    members = (
        orgs.party_members_of_unit(branch)
        .annotate(
            last_attended=Max(
                "attendances__meeting__held_on",
                # On leave with a reason is not dropping out ("without good reason").
                filter=Q(
                    attendances__status__in=[Attendance.Status.PRESENT, Attendance.Status.LEAVE],
                    attendances__meeting__status=Meeting.Status.HELD,
                ),
            )
        )
        .order_by("user__employee_number")
    )
    flagged: list[tuple[Member, datetime.date | None]] = []
    cutoff = rules.months_before(today, months)
    for member in members:
        since = member.admitted_on or member.full_on
        attended = [member.last_attended] if member.last_attended else []
        if since is not None and since > cutoff:
            continue  # a member for less than the whole stretch: too early to judge
        if rules.inactive_since(attended, today=today, months=months):
            flagged.append((member, member.last_attended))
    return flagged


@dataclass
class TalkStatus:
    committee: list[Member]
    missing_pairs: list[tuple[Member, Member]]
    missing_members: list[Member]
    talks: list[Any]


def expected_attendees(unit: OrgUnit, kind: str, *, on: datetime.date) -> list[tuple[Member, bool]]:
    """Who is expected, from the unit's membership on the day, and whether each counts for
    the quorum: all Party members of the branch (probationary ones without a vote) or the
    group; for the committee meeting, the members holding a committee post then."""
    if kind in rules.COMMITTEE_ATTENDED_KINDS:
        holders = orgs.committee_member_ids(unit, on=on)
        return [(member, True) for member in orgs.party_members().filter(pk__in=holders)]
    members = orgs.party_members_of_unit(unit)
    return [(member, member.stage == MemberStage.FULL) for member in members]


def quorum(meeting: Meeting) -> tuple[int, int]:
    """(present, entitled) among those who count for the quorum."""
    rows = Attendance.objects.filter(meeting=meeting, counts_for_quorum=True)
    return rows.filter(status=Attendance.Status.PRESENT).count(), rows.count()


@dataclass(frozen=True)
class AppraisalMeeting:
    """A branch's 民主评议 meeting as evaluation's democratic appraisal reads it: held or
    not, and whether more than half of the full members (those entitled to vote) came."""

    pk: int
    topic: str
    starts_at: datetime.datetime
    held_on: datetime.date | None
    is_held: bool
    present: int  # full members present
    entitled: int  # full members expected

    @property
    def is_quorate(self) -> bool:
        return rules.quorum_met(self.present, self.entitled)


def appraisal_meetings(branch: OrgUnit, *, year: int) -> list[AppraisalMeeting]:
    """The branch's 民主评议 meetings of the year (planned or held, not cancelled), newest
    first, each with its quorum among the voting members. One query."""
    voting = Q(attendances__counts_for_quorum=True)
    rows = (
        Meeting.objects.filter(unit=branch, kind=rules.APPRAISAL, starts_at__year=year)
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(
            entitled=Count("attendances", filter=voting),
            present=Count(
                "attendances",
                filter=voting & Q(attendances__status=Attendance.Status.PRESENT),
            ),
        )
        .order_by("-starts_at", "-pk")
    )
    return [
        AppraisalMeeting(
            pk=m.pk,
            topic=m.topic,
            starts_at=m.starts_at,
            held_on=m.held_on,
            is_held=m.status == Meeting.Status.HELD,
            present=m.present,
            entitled=m.entitled,
        )
        for m in rows
    ]


@dataclass(frozen=True)
class MissedMeeting:
    pk: int
    topic: str
    kind_label: str
    held_on: datetime.date
    status: str  # Attendance.Status: on leave or absent


@dataclass(frozen=True)
class MemberAttendance:
    """One member's attendance at the held meetings of a year, as facts."""

    member_id: int
    expected: int
    present: int
    leave: int
    absent: int
    missed: tuple[MissedMeeting, ...]  # the meetings they were not at, newest first


def members_attendance(member_ids: Sequence[int], *, year: int) -> dict[int, MemberAttendance]:
    """For each member, the held meetings of the year they were expected at and whether
    they came. Every member asked for has an entry. One query, however many members."""
    labels = dict(Meeting.Kind.choices)
    tallies: dict[int, dict[str, int]] = {pk: defaultdict(int) for pk in member_ids}
    missed: dict[int, list[MissedMeeting]] = {pk: [] for pk in member_ids}
    rows = (
        Attendance.objects.filter(
            member_id__in=list(member_ids),
            meeting__status=Meeting.Status.HELD,
            meeting__held_on__year=year,
        )
        .order_by("-meeting__held_on", "-meeting_id")
        .values_list(
            "member_id",
            "status",
            "meeting_id",
            "meeting__topic",
            "meeting__kind",
            "meeting__held_on",
        )
    )
    for member_id, status, meeting_id, topic, kind, held_on in rows:
        tallies[member_id][status] += 1
        tallies[member_id]["expected"] += 1
        if status != Attendance.Status.PRESENT and held_on is not None:
            missed[member_id].append(
                MissedMeeting(meeting_id, topic, str(labels.get(kind, kind)), held_on, status)
            )
    return {
        pk: MemberAttendance(
            member_id=pk,
            expected=tallies[pk]["expected"],
            present=tallies[pk][Attendance.Status.PRESENT],
            leave=tallies[pk][Attendance.Status.LEAVE],
            absent=tallies[pk][Attendance.Status.ABSENT],
            missed=tuple(missed[pk]),
        )
        for pk in member_ids
    }


def talk_status(branch: OrgUnit, *, year: int, on: datetime.date) -> TalkStatus:
    """This year's one-to-one talks in a branch and who has not yet talked with whom."""
    committee = [member for member, _votes in expected_attendees(branch, rules.COMMITTEE, on=on)]
    members = {
        member.pk: member for member, _votes in expected_attendees(branch, rules.ASSEMBLY, on=on)
    }
    members.update({member.pk: member for member in committee})
    talks = list(
        Talk.objects.filter(unit=branch, held_on__year=year)
        .select_related("talker__user", "talkee__user")
        .order_by("-held_on")
    )
    pairs, alone = rules.missing_talks(
        {m.pk for m in committee}, set(members), [(t.talker_id, t.talkee_id) for t in talks]
    )
    return TalkStatus(
        committee,
        [(members[a], members[b]) for a, b in pairs],
        [members[pk] for pk in alone],
        talks,
    )


@dataclass(slots=True)
class UnitGaps:
    unit_id: int
    name: str
    kind: str
    path: str
    depth: int
    # The gaps per required kind of a unit that held nothing (shared by every unit of
    # its kind: not to be changed), and those of the kinds it held meetings of.
    required: dict[str, int]
    held: dict[str, int] | None
    gaps: int  # in all

    @property
    def by_kind(self) -> dict[str, int]:
        """Required kinds only → number of gaps. Worked out when asked (for the units
        on the page shown), not for the thousands counted."""
        if not self.held:
            return dict(self.required)
        return {kind: self.held.get(kind, none) for kind, none in self.required.items()}

    def gaps_of(self, kind: str) -> int | None:
        if kind not in self.required:
            return None  # not required of this unit
        return self.held.get(kind, self.required[kind]) if self.held else self.required[kind]


@dataclass(frozen=True)
class _KindPlan:
    """What the overview checks for one kind in the year, as month masks."""

    past: int  # periods already over: each must have had a held meeting
    past_masks: tuple[int, ...]  # the months of each of those periods
    current_mask: int  # the months of the period under way, when it ends soon (else 0)

    def gaps(self, held: int, booked: int) -> int:
        covered = sum(1 for mask in self.past_masks if held & mask)
        return (
            self.past - covered + (1 if self.current_mask and not booked & self.current_mask else 0)
        )


def _months_mask(period: Period) -> int:
    return sum(month_bit(m) for m in range(period.first.month, period.last.month + 1))


def _kind_plans(
    frequencies: dict[str, str], *, year: int, today: datetime.date, soon_days: int
) -> dict[str, _KindPlan]:
    plans = {}
    for kind, frequency in frequencies.items():
        if not frequency:
            continue
        periods = periods_in_year(year, frequency)
        past = [period for period in periods if period.last < today]
        now = next((period for period in periods if today in period), None)
        due_soon = now is not None and (now.last - today).days < soon_days
        plans[kind] = _KindPlan(
            len(past),
            tuple(_months_mask(period) for period in past),
            _months_mask(now) if now is not None and due_soon else 0,
        )
    return plans


def subtree_committee_units(root: OrgUnit, on: datetime.date) -> set[int]:
    """`committee_units` for every branch under `root`, selected by the subtree's path
    rather than by a list of thousands of ids."""
    counts = orgs.committee_post_counts(on=on, within_path=root.path)
    return {pk for pk, n in counts.items() if n >= COMMITTEE_MIN_POSTS}


def subtree_gaps(
    root: OrgUnit, *, year: int, today: datetime.date, soon_days: int | None = None
) -> list[UnitGaps]:
    """The committee overview: for every branch and group under `root`, the number of
    gaps per required kind in the year — the same answer as `unit_compliance` gives one
    unit at a time (a test holds them together), computed for thousands of units at
    once from the months rollup (`MeetingMonths`: one row per unit, kind and year with
    the months that had a meeting), not from the meetings. Three queries."""
    frequencies = current_frequencies()
    # `soon_days` 0: periods already over only (the current one is never "ending soon").
    if soon_days is None:
        soon_days = parameters.value("orglife.due_soon_days")
    plans = _kind_plans(frequencies, year=year, today=today, soon_days=soon_days)
    months = MeetingMonths.objects.filter(
        within(root.path, "unit__path"), year=year, kind__in=list(plans)
    ).values_list("unit_id", "kind", "held", "booked")
    # Units share a handful of patterns (every month held, one quarter missed, …):
    # each pattern is worked out once.
    worked_out: dict[tuple[str, int, int], int] = {}
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, kind, held, booked in months:
        pattern = (kind, held, booked)
        gaps = worked_out.get(pattern)
        if gaps is None:
            gaps = worked_out[pattern] = plans[kind].gaps(held, booked)
        found[unit_id][kind] = gaps
    units = list(
        orgs.units_within(root.path, kinds=_MEETING_UNITS, active_only=True).values_list(
            "pk", "name", "kind", "path", "depth"
        )
    )
    with_committee = subtree_committee_units(root, committee_day(year, today))
    # Three kinds of unit, three lists of what is required, each with the gaps of a unit
    # that held nothing: worked out once, not per unit.
    nothing_held: dict[tuple[str, bool], dict[str, int]] = {
        (str(kind), committee): {
            r.kind: plans[r.kind].gaps(0, 0)
            for r in rules.requirements(
                unit_kind=kind, has_committee=committee, frequencies=frequencies
            )
        }
        for kind in _MEETING_UNITS
        for committee in (False, True)
    }
    totals = {key: sum(gaps.values()) for key, gaps in nothing_held.items()}
    result = []
    for pk, name, kind, path, depth in units:
        key = (kind, pk in with_committee)
        required, total = nothing_held[key], totals[key]
        held_kinds = found.get(pk)
        if held_kinds:
            total += sum(gaps - required[k] for k, gaps in held_kinds.items() if k in required)
        result.append(UnitGaps(pk, name, kind, path, depth, required, held_kinds, total))
    return result


# --- Read contract: compliance and development per unit and period ----------------------
# What other apps (the evaluation) read of organisational life, keyed by unit and by the
# shared `core.periods.Period`.


@dataclass(frozen=True)
class KindCompliance:
    """One required kind of meeting over a period. `required`: how many of the kind's own
    periods (months, quarters or years, by its frequency) lie wholly inside the period;
    `held`: of those, how many had enough meetings held (quorate where a quorum is
    needed); `missing`: how many are over without them. The rest are still open."""

    kind: str
    frequency: str
    required: int
    held: int
    missing: int


@dataclass(frozen=True)
class MeetingCompliance:
    """A branch's or group's meeting compliance over a period, per required kind."""

    unit_id: int
    unit_path: str
    unit_kind: str
    period: Period
    kinds: tuple[KindCompliance, ...]

    @property
    def required(self) -> int:
        return sum(kind.required for kind in self.kinds)

    @property
    def held(self) -> int:
        return sum(kind.held for kind in self.kinds)

    @property
    def missing(self) -> int:
        return sum(kind.missing for kind in self.kinds)

    def of(self, kind: str) -> KindCompliance | None:
        """The figures of one kind, or None when the unit is not required to hold it."""
        return next((each for each in self.kinds if each.kind == kind), None)


def _gaps_of(key: tuple[int, int, datetime.date]) -> tuple[UnitGaps, ...]:
    root_id, year, today = key
    root = orgs.unit_by_id(root_id)
    if root is None:
        return ()
    found = subtree_gaps(root, year=year, today=today, soon_days=0)
    return tuple(gaps for gaps in found if gaps.gaps)


# A group committee's 11,000 branches and groups: about 100 ms of reading and working
# out. Worked out every few minutes by the scheduler for the organisations committee
# officers oversee (`gaps_publish`); for the others, or when nothing fresh was
# published, kept per process until a meeting (the services write the months rollup
# with it), a post (a committee elected changes what is required) or an organisation is
# saved or deleted — signals, the senders named by label since orgs' models are its
# own — ten minutes at most (a changed frequency); the day is in the key.
_gaps_kept_list = OptionList(
    "orglife.gaps", _gaps_of, models=[Meeting, "orgs.OrgPost", "orgs.OrgUnit"], max_age=600
)
_gaps_published = Published(
    "orglife.gaps",
    _gaps_of,
    key_text=lambda key: f"{key[0]}:{key[1]}:{key[2].isoformat()}",
    fresh_for=datetime.timedelta(minutes=10),
)
GAPS_PUBLISH_EVERY = datetime.timedelta(minutes=5)


def units_with_gaps(root: OrgUnit, *, year: int, today: datetime.date) -> tuple[UnitGaps, ...]:
    """The branches and groups under `root` that missed required meetings in periods of
    the year already over (`subtree_gaps` without the periods ending soon), for the
    home page."""
    key = (root.pk, year, today)
    published = _gaps_published.read(key)
    if published is not None:
        return published.value
    return _gaps_kept_list(key)


def gaps_publish(root_ids: list[int], *, now: datetime.datetime) -> None:
    """Work out `units_with_gaps` ahead for these organisations (a periodic job)."""
    today = timezone.localdate(now)
    _gaps_published.publish_each([(pk, today.year, today) for pk in root_ids], now=now)


def _periods_within(period: Period, frequency: str) -> list[Period]:
    """The months, quarters or years that lie wholly inside `period`."""
    return [
        each
        for year in range(period.first.year, period.last.year + 1)
        for each in periods_in_year(year, frequency)
        if period.first <= each.first and each.last <= period.last
    ]


def meeting_compliance(
    root: OrgUnit, period: Period, *, today: datetime.date
) -> list[MeetingCompliance]:
    """Every active branch and group at or under `root`, in tree order, with what the
    rules required of it over `period` and what was held — by the same rules as the
    compliance calendar (`unit_compliance`; a test holds them together). A branch's
    committee is judged on the period's last day (or today, if that is earlier). Four
    queries whatever the size of the subtree."""
    units = list(
        orgs.units_within(root.path, kinds=_MEETING_UNITS, active_only=True).values_list(
            "pk", "path", "kind"
        )
    )
    held: dict[tuple[int, str, int, int], int] = {}
    rows = (
        MeetingCount.objects.filter(
            unit_id__in=orgs.units_within(root.path).order_by().values("pk"),
            held_on__gte=period.first,
            held_on__lte=period.last,
            planned=False,
        )
        .annotate(month=ExtractMonth("held_on"))
        .order_by()
        .values_list("unit_id", "kind", "held_on__year", "month")
        .annotate(n=Count("id"))
    )
    for unit_id, kind, year, month, n in rows:
        held[(unit_id, kind, year, month)] = n
    with_committee = subtree_committee_units(root, min(period.last, today))
    frequencies = current_frequencies()
    within: dict[str, list[Period]] = {}
    result = []
    for pk, path, kind in units:
        kinds = []
        for requirement in rules.requirements(
            unit_kind=kind, has_committee=pk in with_committee, frequencies=frequencies
        ):
            periods = within.setdefault(
                requirement.frequency, _periods_within(period, requirement.frequency)
            )
            statuses = [
                rules.period_status(
                    each,
                    held=sum(
                        held.get((pk, requirement.kind, month.first.year, month.first.month), 0)
                        for month in each.months()
                    ),
                    planned=0,
                    times=requirement.times,
                    today=today,
                    soon_days=0,
                )
                for each in periods
            ]
            kinds.append(
                KindCompliance(
                    requirement.kind,
                    requirement.frequency,
                    len(periods),
                    statuses.count(rules.DONE),
                    statuses.count(rules.MISSING),
                )
            )
        result.append(MeetingCompliance(pk, path, str(kind), period, tuple(kinds)))
    return result


def meetings_held_within(
    root: OrgUnit, period: Period, *, kinds: tuple[str, ...]
) -> dict[str, dict[str, int]]:
    """How many meetings of each of `kinds` each organisation at or under `root` held
    in `period`, keyed by the organisation's tree path (only those that held any). A
    meeting counted for two kinds counts under each. One query whatever the size of
    the subtree; the caller adds up a unit's subtree from the paths."""
    rows = (
        MeetingCount.objects.filter(
            unit__path__startswith=root.path,
            kind__in=list(kinds),
            held_on__gte=period.first,
            held_on__lte=period.last,
            planned=False,
        )
        .order_by()
        .values_list("unit__path", "kind")
        .annotate(n=Count("id"))
    )
    result: dict[str, dict[str, int]] = defaultdict(dict)
    for path, kind, n in rows:
        result[path][kind] = n
    return dict(result)


@dataclass(frozen=True)
class OverdueStep:
    """A step of a person's development that fell due and is not done."""

    member_id: int
    step: int
    name: str
    due_on: datetime.date


@dataclass(frozen=True)
class DevelopmentOverdue:
    branch_id: int
    period: Period
    steps: tuple[OverdueStep, ...]

    @property
    def count(self) -> int:
        return len(self.steps)


def development_overdue(
    branch: OrgUnit, period: Period, *, today: datetime.date
) -> DevelopmentOverdue:
    """The development steps of the branch's pipeline that fell due within `period` and
    are overdue on `today`, as the branch's board shows them (the same rule: the talk
    within a month of applying, full membership once probation is over). A fixed number
    of queries."""
    return _overdue_of(branch.pk, development.pipeline(branch, today=today), period)


def _overdue_of(branch_id: int, board: dict[str, list[Any]], period: Period) -> DevelopmentOverdue:
    steps = tuple(
        OverdueStep(entry.member.pk, entry.next_step, entry.next_name, entry.due_on)
        for entries in board.values()
        for entry in entries
        if entry.overdue
        and entry.next_step is not None
        and entry.due_on is not None
        and entry.due_on in period
    )
    return DevelopmentOverdue(branch_id, period, steps)


def development_overdue_many(
    branch_ids: list[int], period: Period, *, today: datetime.date
) -> dict[int, DevelopmentOverdue]:
    """`development_overdue` for many branches at once, by branch id (evaluation scores
    thousands): the same fixed number of queries for the whole batch."""
    boards = development.pipelines(branch_ids, today=today)
    return {pk: _overdue_of(pk, board, period) for pk, board in boards.items()}


@dataclass(frozen=True)
class AttendedMeeting:
    member_id: int
    meeting_id: int
    topic: str
    kind: str
    held_on: datetime.date
    # Of the kinds asked for, those this meeting was held as: its own kind and the ones
    # the organiser marked it as also counting as (a lecture given at the assembly).
    counted_kinds: tuple[str, ...] = ()


def attendee_ids(meeting_id: int) -> list[int]:
    """Everyone with an attendance entry at the meeting, whatever their status."""
    return list(
        Attendance.objects.filter(meeting_id=meeting_id).values_list("member_id", flat=True)
    )


def meetings_attended(
    member_ids: Sequence[int], *, year: int, kinds: Sequence[str]
) -> list[AttendedMeeting]:
    """The held meetings in a year that these members were present at, held as one of
    the given kinds or marked as also counting as one (learning counts study meetings
    towards training hours). One query; each meeting once per member."""
    wanted = list(kinds)
    rows = (
        Attendance.objects.filter(
            # also_counts_as is read here, not from the compliance rows: an inquorate
            # assembly that was also a lecture does not count as the assembly, but those
            # present still studied.
            Q(meeting__kind__in=wanted) | ~Q(meeting__also_counts_as=[]),
            member_id__in=list(member_ids),
            status=Attendance.Status.PRESENT,
            meeting__status=Meeting.Status.HELD,
            meeting__held_on__year=year,
        )
        .order_by("meeting__held_on", "meeting_id")
        .values_list(
            "member_id",
            "meeting_id",
            "meeting__topic",
            "meeting__kind",
            "meeting__held_on",
            "meeting__also_counts_as",
        )
    )
    return [
        AttendedMeeting(
            member_id,
            meeting_id,
            topic,
            kind,
            held_on,
            tuple(k for k in wanted if k == kind or k in (also or ())),
        )
        for member_id, meeting_id, topic, kind, held_on, also in rows
        if held_on is not None and (kind in wanted or set(also or ()) & set(wanted))
    ]


@dataclass(frozen=True)
class MonthCompliance:
    """Meeting compliance of the branches and groups under one organisation, for the
    required periods (months, quarters, years, by each kind's frequency) that end in one
    month: `held` of `due`. A period counts once it is over, or earlier when it was
    already held; a period still under way without its meeting is not counted yet."""

    held: int = 0
    due: int = 0


def compliance_by_month_below(
    root: OrgUnit, period: Period, *, today: datetime.date
) -> dict[tuple[datetime.date, str], MonthCompliance]:
    """(first day of a month of `period`, path of the organisation directly below `root`
    that the branch or group lies under — `root`'s own path for itself) → compliance of
    the periods ending that month, by the calendar's rules (held if a meeting of the kind
    was held in one of the period's months: `MeetingMonths`, as `subtree_gaps` reads it;
    a test holds a month to `meeting_compliance`). Three queries whatever the size of
    the subtree; units sharing a pattern of held months are worked out once."""
    frequencies = current_frequencies()
    months = list(period.months())
    years = sorted({month.first.year for month in months})
    # For each frequency and month: the required period ending that month, if any.
    ending: dict[tuple[str, datetime.date], Period] = {}
    for frequency in set(frequencies.values()) - {""}:
        for year in years:
            for each in periods_in_year(year, frequency):
                ending[(frequency, each.last.replace(day=1))] = each
    masks: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for unit_id, kind, year, held in MeetingMonths.objects.filter(
        within(root.path, "unit__path"), year__in=years
    ).values_list("unit_id", "kind", "year", "held"):
        masks[(unit_id, year)][kind] = held
    units = orgs.units_within(root.path, kinds=_MEETING_UNITS, active_only=True).values_list(
        "pk", "kind", "path"
    )
    with_committee = subtree_committee_units(root, min(period.last, today))
    child_length = len(root.path) + SEGMENT_WIDTH
    result: dict[tuple[datetime.date, str], list[int]] = defaultdict(lambda: [0, 0])
    worked_out: dict[tuple[Any, ...], list[tuple[datetime.date, int, int]]] = {}
    for pk, kind, path in units:
        required = rules.requirements(
            unit_kind=kind, has_committee=pk in with_committee, frequencies=frequencies
        )
        held_masks = tuple(
            tuple(masks.get((pk, year), {}).get(r.kind, 0) for r in required) for year in years
        )
        pattern = (kind, pk in with_committee, held_masks)
        cells = worked_out.get(pattern)
        if cells is None:
            cells = []
            for month in months:
                start = month.first
                held = due = 0
                for index, requirement in enumerate(required):
                    required_period = ending.get((requirement.frequency, start))
                    if required_period is None:
                        continue
                    mask = held_masks[years.index(required_period.first.year)][index]
                    done = bool(mask & _months_mask(required_period))
                    if done or required_period.last < today:
                        due += 1
                        held += done
                if due:
                    cells.append((start, held, due))
            worked_out[pattern] = cells
        child = path[:child_length] if len(path) > len(root.path) else root.path
        for start, held, due in cells:
            counts = result[(start, child)]
            counts[0] += held
            counts[1] += due
    return {key: MonthCompliance(held, due) for key, (held, due) in result.items()}
