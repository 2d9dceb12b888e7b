"""Member structure analysis (the cigarette-factory report's questions): who the
members are by birth cohort, age band, education, gender and stage, for any subtree.

Three queries whatever the size of the subtree. One counts the members per combination
of the attributes the report breaks down by, a few hundred rows for a whole enterprise
group, and every breakdown is a sum of those rows; one gives the key figures of each
organisation directly below, and one reads those organisations. Age bands and cohorts come from birth-date ranges
computed by the pure rules in grassroots.orgs.rules, so the database never returns a
row per member.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from grassroots.core.tree import child_path_expression
from grassroots.orgs import rules
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import Education, Gender, MemberStage, MemberStatus, UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import Member, OrgUnit


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    count: int
    share: float | None


@dataclass
class Breakdown:
    key: str
    title: str
    buckets: list[Bucket]

    @property
    def chart(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "labels": [bucket.label for bucket in self.buckets],
            "values": [bucket.count for bucket in self.buckets],
        }


@dataclass
class ChildRow:
    unit: OrgUnit
    party_members: int
    young: int  # aged 35 or under
    college: int  # 大专 and above
    women: int
    pipeline: int

    @property
    def young_share(self) -> float | None:
        return rules.share(self.young, self.party_members)

    @property
    def college_share(self) -> float | None:
        return rules.share(self.college, self.party_members)

    @property
    def women_share(self) -> float | None:
        return rules.share(self.women, self.party_members)


@dataclass
class Structure:
    unit: OrgUnit
    on: datetime.date
    party_members: int
    breakdowns: list[Breakdown]
    college_or_above: int
    bachelor_or_above: int
    children: list[ChildRow] = field(default_factory=list)

    @property
    def college_share(self) -> float | None:
        return rules.share(self.college_or_above, self.party_members)

    @property
    def bachelor_share(self) -> float | None:
        return rules.share(self.bachelor_or_above, self.party_members)


ONE_DAY = datetime.timedelta(days=1)


def _in_band(born: datetime.date, band: rules.AgeBand, on: datetime.date) -> bool:
    born_after, born_on_or_before = rules.age_band_birth_range(band, on)
    return (born_after is None or born > born_after) and (
        born_on_or_before is None or born <= born_on_or_before
    )


def _in_cohort(born: datetime.date, decade: int) -> bool:
    if born >= datetime.date(decade + 10, 1, 1):
        return False
    # everyone born before 1960 counts with the 50后
    return decade == rules.EARLIEST_COHORT or born >= datetime.date(decade, 1, 1)


@dataclass(frozen=True)
class BirthPeriod:
    """Birth dates between two neighbouring edges: everyone born in the period is in
    the same age band on the day of the report, and in the same birth cohort."""

    age_band: str | None
    cohort: int | None  # None: born after the last cohort the report lists


def birth_periods(on: datetime.date) -> tuple[list[datetime.date], list[BirthPeriod]]:
    """The edges (ascending) at which the age band or the cohort changes, and the
    periods they cut the calendar into: period i is born before edges[i] and on or after
    edges[i - 1]; the last period is born on or after the last edge.

    The database then classifies a birth date with one CASE giving its period rather
    than one for the band and one for the cohort. That is simpler SQL, and it keeps
    PostgreSQL's estimate of the groups near the truth (it cannot know how many values
    a CASE takes, and guesses 200 for each): with two CASEs it expects a group per
    member and sorts 100,000 rows on disk instead of hashing them, twice as slow.
    """
    edges: set[datetime.date] = set()
    for band in rules.AGE_BANDS:
        for bound in rules.age_band_birth_range(band, on):
            if bound is not None:
                edges.add(bound + ONE_DAY)  # "born after X" is "born on or after X + 1"
    edges.update(datetime.date(decade + 10, 1, 1) for decade in rules.COHORT_DECADES)
    ordered = sorted(edges)
    periods = []
    for born in [ordered[0] - ONE_DAY, *ordered]:  # a birth date in each period
        age_band = next((b.key for b in rules.AGE_BANDS if _in_band(born, b, on)), None)
        cohort = next((d for d in rules.COHORT_DECADES if _in_cohort(born, d)), None)
        periods.append(BirthPeriod(age_band, cohort))
    return ordered, periods


def birth_period_case(edges: list[datetime.date]) -> Case:
    """The index of the member's birth period; NULL when the birth date is unknown."""
    return Case(
        *(When(birth_date__lt=edge, then=Value(index)) for index, edge in enumerate(edges)),
        When(birth_date__isnull=False, then=Value(len(edges))),
        default=None,
        output_field=IntegerField(),
    )


PARTY_STAGES = frozenset(MemberStage.party_member_values())
PIPELINE_STAGES = frozenset(MemberStage.pipeline_values())
AGED_35_OR_UNDER = rules.AgeBand("le35", "≤35", None, 35)  # "young" in the children table
NO_FIGURES = [0, 0, 0, 0, 0]  # an organisation below without members


class Tally(NamedTuple):
    """How many members share all of these attributes."""

    stage: str
    education: str
    gender: str
    age_band: str | None
    cohort: int | None
    people: int


UNKNOWN_BIRTH = BirthPeriod(None, None)


def member_tallies(unit: OrgUnit, *, on: datetime.date) -> list[Tally]:
    """Active member records of the unit's subtree counted by every attribute the
    structure report breaks down by: one GROUP BY, a few hundred rows."""
    edges, periods = birth_periods(on)
    rows = (
        _active_members(unit)
        .annotate(birth_period=birth_period_case(edges))
        .values_list("stage", "education", "gender", "birth_period")
        .annotate(count=Count("pk"))
        .order_by()
    )
    tallies = []
    for stage, education, gender, period, count in rows:
        born = UNKNOWN_BIRTH if period is None else periods[period]
        tallies.append(Tally(stage, education, gender, born.age_band, born.cohort, count))
    return tallies


def _active_members(unit: OrgUnit) -> QuerySet[Member]:
    # Every aggregate over these rows must end with .order_by(): Member's default
    # ordering would join the users table (a million rows) into it, even though the
    # ORDER BY itself is left out of a GROUP BY.
    return orgs.members_within(unit.path).filter(status__in=MemberStatus.active_values())


def _sum_by(tallies: list[Tally], attribute: str) -> Counter[Any]:
    sums: Counter[Any] = Counter()
    for tally in tallies:
        sums[getattr(tally, attribute)] += tally.people
    return sums


def member_structure(unit: OrgUnit, *, on: datetime.date) -> Structure:
    tallies = member_tallies(unit, on=on)
    party_tallies = [tally for tally in tallies if tally.stage in PARTY_STAGES]
    party = sum(tally.people for tally in party_tallies)
    by_stage = _sum_by(tallies, "stage")
    by_cohort = _sum_by(party_tallies, "cohort")
    by_band = _sum_by(party_tallies, "age_band")
    by_education = _sum_by(party_tallies, "education")
    by_gender = _sum_by(party_tallies, "gender")

    def bucket(key: str, label: str, count: int, whole: int = party) -> Bucket:
        return Bucket(key, label, count, rules.share(count, whole))

    def with_unknown(buckets: list[Bucket]) -> list[Bucket]:
        unknown = party - sum(b.count for b in buckets)
        return [*buckets, bucket("unknown", _("Not recorded"), unknown)] if unknown else buckets

    stage_total = sum(by_stage[stage.value] for stage in MemberStage)
    breakdowns = [
        Breakdown(
            "cohort",
            _("Party members by birth cohort"),
            with_unknown(
                [bucket(str(d), rules.cohort_label(d), by_cohort[d]) for d in rules.COHORT_DECADES]
            ),
        ),
        Breakdown(
            "age",
            _("Party members by age band"),
            with_unknown([bucket(b.key, b.label, by_band[b.key]) for b in rules.AGE_BANDS]),
        ),
        Breakdown(
            "education",
            _("Party members by education"),
            with_unknown(
                [
                    bucket(level.value, str(level.label), by_education[level.value])
                    for level in Education
                ]
            ),
        ),
        Breakdown(
            "gender",
            _("Party members by gender"),
            with_unknown([bucket(g.value, str(g.label), by_gender[g.value]) for g in Gender]),
        ),
        Breakdown(
            "stage",
            _("Everyone on record by stage (pipeline and members)"),
            [bucket(s.value, str(s.label), by_stage[s.value], stage_total) for s in MemberStage],
        ),
    ]
    return Structure(
        unit=unit,
        on=on,
        party_members=party,
        breakdowns=breakdowns,
        college_or_above=sum(by_education[level] for level in rules.COLLEGE_OR_ABOVE),
        bachelor_or_above=sum(by_education[level] for level in rules.BACHELOR_OR_ABOVE),
        children=_children(unit, on),
    )


def _children(unit: OrgUnit, on: datetime.date) -> list[ChildRow]:
    """Key figures per organisation directly below the unit (per group for a branch).

    A second GROUP BY rather than a dimension of member_tallies: a row per child and
    combination would be ten thousand rows for a whole group, and PostgreSQL would sort
    them rather than hash them (see birth_periods)."""
    party = Q(stage__in=PARTY_STAGES)
    born_after, _born_by = rules.age_band_birth_range(AGED_35_OR_UNDER, on)
    aggregates = {
        "party_members": Count("pk", filter=party),
        "young": Count("pk", filter=party & Q(birth_date__gt=born_after)),
        "college": Count("pk", filter=party & Q(education__in=rules.COLLEGE_OR_ABOVE)),
        "women": Count("pk", filter=party & Q(gender=Gender.FEMALE)),
        "pipeline": Count("pk", filter=Q(stage__in=PIPELINE_STAGES)),
    }
    in_branch = unit.kind == UnitKind.BRANCH
    child: Any = F("group_id") if in_branch else child_path_expression(unit.path, "branch__path")
    rows = (
        _active_members(unit)
        .annotate(child=child)
        .values_list("child")
        .annotate(**aggregates)
        .order_by()
    )
    by_key = {key: figures for key, *figures in rows}
    return [
        ChildRow(child, *by_key.get(child.pk if in_branch else child.path, NO_FIGURES))
        for child in orgs.unit_children(unit)
    ]
