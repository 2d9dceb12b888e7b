"""Organisation health: the RULES.md checks, computed for many units in a few queries."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.core import parameters
from grassroots.core.tree import within
from grassroots.orgs import rules
from grassroots.orgs.models import Member, OrgPost, OrgUnit
from grassroots.orgs.rules import HealthCode, HealthLimits, HealthWarning

COMMITTEE_KINDS = sorted(OrgPost.Kind.committee_values())
HEAD_KINDS = [OrgPost.Kind.SECRETARY.value, OrgPost.Kind.GROUP_LEADER.value]


class UnitFacts(NamedTuple):
    """The columns of a unit that its health depends on, and its place in the tree.

    A subtree of an enterprise group holds thousands of units; reading these columns as
    tuples costs a fraction of building model instances for them.
    """

    pk: int
    path: str
    kind: str
    is_active: bool
    is_joint: bool
    term_ends_on: datetime.date | None

    @classmethod
    def of(cls, unit: OrgUnit) -> UnitFacts:
        return cls(*(getattr(unit, name) for name in cls._fields))


@dataclass(frozen=True)
class _Counts:
    full: Counter[int]  # full members in good standing per branch
    party: Counter[int]  # probationary and full members in good standing per branch
    committee_posts: Counter[int]  # current committee posts per unit
    heads: set[int]  # units with a secretary or group leader in post
    covered: Counter[int]  # departments covered per branch


def current_limits() -> HealthLimits:
    return HealthLimits(
        min_full_members=parameters.value("orgs.branch_min_full_members"),
        committee_threshold=parameters.value("orgs.committee_threshold_full_members"),
        committee_min_size=parameters.value("orgs.committee_min_size"),
        max_members=parameters.value("orgs.branch_max_members"),
        joint_max_units=parameters.value("orgs.joint_branch_max_units"),
        term_reminder_days=parameters.value("orgs.term_reminder_days"),
    )


def units_health(
    units: Iterable[OrgUnit], *, today: datetime.date
) -> dict[int, list[HealthWarning]]:
    """Warnings per unit id for a few units (a unit and its children). Three queries
    whatever the number of units; for a whole subtree use subtree_health."""
    facts = [UnitFacts.of(unit) for unit in units]
    if not facts:
        return {}
    branch_ids = [unit.pk for unit in facts if unit.kind == OrgUnit.Kind.BRANCH]
    counts = _count(
        members=Q(branch_id__in=branch_ids),
        posts=Q(unit_id__in=[unit.pk for unit in facts]),
        departments=Q(orgunit_id__in=branch_ids),
    )
    limits = current_limits()
    return {unit.pk: _warnings(unit, counts, limits, today) for unit in facts}


def subtree_health(
    root_path: str, *, today: datetime.date
) -> tuple[list[UnitFacts], dict[int, list[HealthWarning]]]:
    """The active units of a subtree, ordered by path, and the warnings per unit id.

    Four queries whatever the size of the subtree. Every query selects by the subtree's
    path rather than by a list of ids: at 11,000 units an id list means 20,000 query
    parameters to send and a plan that takes longer than the count itself.
    """
    facts = [
        UnitFacts._make(row)
        for row in OrgUnit.objects.filter(within(root_path), is_active=True)
        .order_by("path")
        .values_list(*UnitFacts._fields)
    ]
    counts = _count(
        members=within(root_path, "branch__path"),
        posts=within(root_path, "unit__path"),
        departments=within(root_path, "orgunit__path"),
    )
    limits = current_limits()
    return facts, {unit.pk: _warnings(unit, counts, limits, today) for unit in facts}


def _count(*, members: Q, posts: Q, departments: Q) -> _Counts:
    """The counts the rules need, each query selecting its rows by its condition."""
    full, party = _count_members(members)
    committee_posts, heads = _count_posts(posts)
    return _Counts(full, party, committee_posts, heads, _count_departments(departments))


def _count_members(condition: Q) -> tuple[Counter[int], Counter[int]]:
    """(full members, party members) in good standing per branch."""
    full: Counter[int] = Counter()
    party: Counter[int] = Counter()
    rows = (
        Member.objects.party_members()
        .filter(condition)
        .values_list("branch_id")
        .annotate(
            party=Count("pk"),
            full=Count("pk", filter=Q(stage=Member.Stage.FULL, status__in=["normal", "restored"])),
        )
        # Member's default ordering would join the users table (a million rows) into
        # this count even though the ORDER BY itself is dropped from a GROUP BY.
        .order_by()
    )
    for branch_id, party_count, full_count in rows:
        full[branch_id] = full_count
        party[branch_id] = party_count
    return full, party


def _count_posts(condition: Q) -> tuple[Counter[int], set[int]]:
    """(committee posts per unit, units with a head in post), from current posts."""
    committee_posts: Counter[int] = Counter()
    heads: set[int] = set()
    rows = (
        OrgPost.objects.filter(condition, ends_on__isnull=True)
        .values_list("unit_id")
        .annotate(
            committee=Count("pk", filter=Q(kind__in=COMMITTEE_KINDS)),
            heads=Count("pk", filter=Q(kind__in=HEAD_KINDS)),
        )
        .order_by()  # the default ordering (by unit) would join the units table
    )
    for unit_id, committee, head_count in rows:
        committee_posts[unit_id] = committee
        if head_count:
            heads.add(unit_id)
    return committee_posts, heads


def _count_departments(condition: Q) -> Counter[int]:
    """Departments covered per branch (a joint branch may cover only so many)."""
    return Counter(
        dict(
            OrgUnit.departments.through.objects.filter(condition)
            .values_list("orgunit_id")
            .annotate(count=Count("pk"))
            .order_by()
        )
    )


def _warnings(
    unit: UnitFacts, counts: _Counts, limits: HealthLimits, today: datetime.date
) -> list[HealthWarning]:
    if not unit.is_active:
        return []
    if unit.kind == OrgUnit.Kind.BRANCH:
        return rules.branch_warnings(
            full_members=counts.full[unit.pk],
            party_members=counts.party[unit.pk],
            committee_posts=counts.committee_posts[unit.pk],
            has_secretary=unit.pk in counts.heads,
            is_joint=unit.is_joint,
            departments_covered=counts.covered[unit.pk],
            term_ends_on=unit.term_ends_on,
            today=today,
            limits=limits,
        )
    if unit.kind == OrgUnit.Kind.GROUP:
        return rules.group_warnings(has_leader=unit.pk in counts.heads)
    return rules.committee_warnings(
        has_secretary=unit.pk in counts.heads,
        term_ends_on=unit.term_ends_on,
        today=today,
        limits=limits,
    )


def describe(warning: HealthWarning) -> str:
    """The warning in the reader's language, saying what is wrong and what the rule is."""
    p = warning.params
    match warning.code:
        case HealthCode.TOO_FEW_FULL_MEMBERS:
            return (
                _(
                    "Only %(count)s full members: a branch needs at least %(minimum)s "
                    "(otherwise form a joint branch)."
                )
                % p
            )
        case HealthCode.NEEDS_COMMITTEE:
            return (
                _(
                    "%(count)s full members but no elected committee: a branch with "
                    "%(threshold)s or more full members elects a committee."
                )
                % p
            )
        case HealthCode.TOO_MANY_MEMBERS:
            return (
                _(
                    "%(count)s members: a branch should generally not exceed %(maximum)s; "
                    "consider dividing it."
                )
                % p
            )
        case HealthCode.JOINT_COVERS_TOO_MANY:
            return (
                _("This joint branch covers %(count)s departments; the limit is %(maximum)s.") % p
            )
        case HealthCode.TERM_EXPIRING:
            return ngettext(
                "The term ends on %(date)s, in %(days)s day: prepare the re-election.",
                "The term ends on %(date)s, in %(days)s days: prepare the re-election.",
                p["days"],
            ) % {"date": date_format(p["ends_on"]), "days": p["days"]}
        case HealthCode.TERM_EXPIRED:
            return ngettext(
                "The term ended on %(date)s, %(days)s day ago: the re-election is overdue.",
                "The term ended on %(date)s, %(days)s days ago: the re-election is overdue.",
                p["days"],
            ) % {"date": date_format(p["ended_on"]), "days": p["days"]}
        case HealthCode.GROUP_WITHOUT_LEADER:
            return _("This Party group has no leader.")
        case HealthCode.NO_SECRETARY:
            return _("There is no secretary in post.")
    return str(warning.code)  # pragma: no cover - every code is handled above
