"""Member structure analysis (the cigarette-factory report's questions): who the
members are by birth cohort, age band, education, gender and stage, for any subtree.

One aggregate query for the unit and one for its children, whatever their size: counts
are conditional aggregates over birth-date ranges computed by the pure rules in
grassroots.orgs.rules, so the database never returns a row per member.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from grassroots.core.tree import child_path_expression, within
from grassroots.orgs import rules
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


def _age_condition(band: rules.AgeBand, on: datetime.date) -> Q:
    born_after, born_on_or_before = rules.age_band_birth_range(band, on)
    condition = Q(birth_date__isnull=False)
    if born_after is not None:
        condition &= Q(birth_date__gt=born_after)
    if born_on_or_before is not None:
        condition &= Q(birth_date__lte=born_on_or_before)
    return condition


def _cohort_condition(decade: int) -> Q:
    upper = Q(birth_date__lt=datetime.date(decade + 10, 1, 1))
    if decade == rules.EARLIEST_COHORT:
        return upper  # everyone born before 1960 counts with the 50后
    return upper & Q(birth_date__gte=datetime.date(decade, 1, 1))


def _party() -> Q:
    return Q(stage__in=Member.Stage.party_member_values())


def member_structure(unit: OrgUnit, *, on: datetime.date) -> Structure:
    members = Member.objects.filter(within(unit.path, "branch__path")).filter(
        status__in=Member.Status.active_values()
    )
    aggregates: dict[str, Any] = {"party": Count("pk", filter=_party())}
    for stage in Member.Stage:
        aggregates[f"stage_{stage.value}"] = Count("pk", filter=Q(stage=stage.value))
    for band in rules.AGE_BANDS:
        aggregates[f"age_{band.key}"] = Count("pk", filter=_party() & _age_condition(band, on))
    for decade in rules.COHORT_DECADES:
        aggregates[f"cohort_{decade}"] = Count("pk", filter=_party() & _cohort_condition(decade))
    for level in Member.Education:
        aggregates[f"edu_{level.value}"] = Count("pk", filter=_party() & Q(education=level.value))
    for gender in Member.Gender:
        aggregates[f"gender_{gender.value}"] = Count("pk", filter=_party() & Q(gender=gender.value))
    counts = members.aggregate(**aggregates)
    party = counts["party"]

    def bucket(key: str, label: str, count: int, whole: int = party) -> Bucket:
        return Bucket(key, label, count, rules.share(count, whole))

    def with_unknown(buckets: list[Bucket]) -> list[Bucket]:
        unknown = party - sum(b.count for b in buckets)
        return [*buckets, bucket("unknown", _("Not recorded"), unknown)] if unknown else buckets

    stage_total = sum(counts[f"stage_{stage.value}"] for stage in Member.Stage)
    breakdowns = [
        Breakdown(
            "cohort",
            _("Party members by birth cohort"),
            with_unknown(
                [
                    bucket(str(d), rules.cohort_label(d), counts[f"cohort_{d}"])
                    for d in rules.COHORT_DECADES
                ]
            ),
        ),
        Breakdown(
            "age",
            _("Party members by age band"),
            with_unknown([bucket(b.key, b.label, counts[f"age_{b.key}"]) for b in rules.AGE_BANDS]),
        ),
        Breakdown(
            "education",
            _("Party members by education"),
            with_unknown(
                [
                    bucket(level.value, str(level.label), counts[f"edu_{level.value}"])
                    for level in Member.Education
                ]
            ),
        ),
        Breakdown(
            "gender",
            _("Party members by gender"),
            with_unknown(
                [bucket(g.value, str(g.label), counts[f"gender_{g.value}"]) for g in Member.Gender]
            ),
        ),
        Breakdown(
            "stage",
            _("Everyone on record by stage (pipeline and members)"),
            [
                bucket(s.value, str(s.label), counts[f"stage_{s.value}"], stage_total)
                for s in Member.Stage
            ],
        ),
    ]
    college = sum(counts[f"edu_{level}"] for level in rules.COLLEGE_OR_ABOVE)
    bachelor = sum(counts[f"edu_{level}"] for level in rules.BACHELOR_OR_ABOVE)
    return Structure(
        unit=unit,
        on=on,
        party_members=party,
        breakdowns=breakdowns,
        college_or_above=college,
        bachelor_or_above=bachelor,
        children=_children(unit, members, on),
    )


def _children(unit: OrgUnit, members: Any, on: datetime.date) -> list[ChildRow]:
    """Key figures per organisation directly below the unit (per group for a branch)."""
    young_band = rules.AgeBand("le35", "≤35", None, 35)
    aggregates = {
        "party": Count("pk", filter=_party()),
        "young": Count("pk", filter=_party() & _age_condition(young_band, on)),
        "college": Count("pk", filter=_party() & Q(education__in=rules.COLLEGE_OR_ABOVE)),
        "women": Count("pk", filter=_party() & Q(gender=Member.Gender.FEMALE)),
        "pipeline": Count("pk", filter=Q(stage__in=Member.Stage.pipeline_values())),
    }
    if unit.kind == OrgUnit.Kind.BRANCH:
        rows = members.filter(group__isnull=False).values("group_id").annotate(**aggregates)
        by_key = {row["group_id"]: row for row in rows}
        children = list(unit.children.filter(is_active=True).order_by("path"))
        keys: dict[int, Any] = {child.pk: child.pk for child in children}
    else:
        rows = (
            members.annotate(child_path=child_path_expression(unit.path, "branch__path"))
            .values("child_path")
            .annotate(**aggregates)
        )
        by_key = {row["child_path"]: row for row in rows}
        children = list(unit.children.filter(is_active=True).order_by("path"))
        keys = {child.pk: child.path for child in children}  # the child's path prefix
    result = []
    for child in children:
        row = by_key.get(keys[child.pk])
        if row is None:
            result.append(ChildRow(child, 0, 0, 0, 0, 0))
        else:
            result.append(
                ChildRow(
                    child, row["party"], row["young"], row["college"], row["women"], row["pipeline"]
                )
            )
    return result
