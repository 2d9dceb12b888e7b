"""Organisation health: the RULES.md checks, computed for many units in a few queries."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.core import parameters
from grassroots.orgs import rules
from grassroots.orgs.models import Member, OrgPost, OrgUnit
from grassroots.orgs.rules import HealthCode, HealthLimits, HealthWarning


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
    """Warnings per unit id. Four queries whatever the number of units."""
    unit_list = list(units)
    if not unit_list:
        return {}
    ids = [unit.pk for unit in unit_list]
    limits = current_limits()
    branch_ids = [unit.pk for unit in unit_list if unit.kind == OrgUnit.Kind.BRANCH]

    full: Counter[int] = Counter()
    party: Counter[int] = Counter()
    if branch_ids:
        rows = (
            Member.objects.party_members()
            .filter(branch_id__in=branch_ids)
            .values("branch_id")
            .annotate(
                party=Count("pk"),
                full=Count(
                    "pk", filter=Q(stage=Member.Stage.FULL, status__in=["normal", "restored"])
                ),
            )
        )
        for row in rows:
            full[row["branch_id"]] = row["full"]
            party[row["branch_id"]] = row["party"]

    committee_posts: Counter[int] = Counter()
    heads: set[int] = set()
    for unit_id, kind, count in (
        OrgPost.objects.filter(unit_id__in=ids, ends_on__isnull=True)
        .values_list("unit_id", "kind")
        .annotate(count=Count("pk"))
    ):
        if kind in OrgPost.Kind.committee_values():
            committee_posts[unit_id] += count
        if kind in (OrgPost.Kind.SECRETARY, OrgPost.Kind.GROUP_LEADER):
            heads.add(unit_id)

    covered: Counter[int] = Counter(
        dict(
            OrgUnit.departments.through.objects.filter(orgunit_id__in=branch_ids)
            .values_list("orgunit_id")
            .annotate(count=Count("pk"))
        )
    )

    result: dict[int, list[HealthWarning]] = {}
    for unit in unit_list:
        if not unit.is_active:
            result[unit.pk] = []
        elif unit.kind == OrgUnit.Kind.BRANCH:
            result[unit.pk] = rules.branch_warnings(
                full_members=full[unit.pk],
                party_members=party[unit.pk],
                committee_posts=committee_posts[unit.pk],
                has_secretary=unit.pk in heads,
                is_joint=unit.is_joint,
                departments_covered=covered[unit.pk],
                term_ends_on=unit.term_ends_on,
                today=today,
                limits=limits,
            )
        elif unit.kind == OrgUnit.Kind.GROUP:
            result[unit.pk] = rules.group_warnings(has_leader=unit.pk in heads)
        else:
            result[unit.pk] = rules.committee_warnings(
                has_secretary=unit.pk in heads,
                term_ends_on=unit.term_ends_on,
                today=today,
                limits=limits,
            )
    return result


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
