"""Reads of the dues in arrears: each member's unpaid bills, from the ledger, in one
grouped query however many members. A bill is unpaid while the net of its entries is
less than its amount; a member is as far behind as their oldest unpaid bill
(rules.months_in_arrears)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from grassroots.orgs.dues import rules
from grassroots.orgs.dues.models import DuesArrearsReason, DuesBill
from grassroots.orgs.models import Member
from grassroots.orgs.vocabulary import MemberStage, MemberStatus


@dataclass(frozen=True)
class Arrears:
    member_id: int
    branch_id: int  # the member's branch now (their bills may be kept elsewhere)
    oldest: datetime.date  # the oldest unpaid month
    unpaid: int  # how many bills are unpaid
    months: int  # how far behind the oldest unpaid bill is


def unpaid_bills(*, today: datetime.date, branch_ids: Iterable[int] | None = None) -> Q:
    """The condition on members still in the Party (left or died: nothing to warn)."""
    condition = Q(
        member__stage__in=MemberStage.party_member_values(),
        member__status__in=MemberStatus.active_values(),
        month__lt=rules.month_of(today),
    )
    if branch_ids is not None:
        condition &= Q(member__branch_id__in=list(branch_ids))
    return condition


def in_arrears(
    *, today: datetime.date, at_least: int = 1, branch_ids: Iterable[int] | None = None
) -> list[Arrears]:
    """Members whose oldest unpaid bill is `at_least` months behind today, by the
    branch they belong to now (those of `branch_ids` only, when given). Two queries."""
    net = Coalesce(
        Sum("entries__amount"), Value(rules.ZERO), output_field=DecimalField(max_digits=12)
    )
    rows = (
        DuesBill.objects.filter(unpaid_bills(today=today, branch_ids=branch_ids))
        .annotate(net=net)
        .filter(net__lt=F("amount"))
        .values_list("member_id", "month")
    )
    oldest: dict[int, datetime.date] = {}
    counts: dict[int, int] = {}
    for member_id, month in rows:
        counts[member_id] = counts.get(member_id, 0) + 1
        if member_id not in oldest or month < oldest[member_id]:
            oldest[member_id] = month
    behind = {
        member_id: rules.months_in_arrears([month], today=today)
        for member_id, month in oldest.items()
    }
    wanted = [member_id for member_id, months in behind.items() if months >= at_least]
    branches = dict(Member.objects.filter(pk__in=wanted).values_list("pk", "branch_id"))
    return [
        Arrears(
            member_id, branches[member_id], oldest[member_id], counts[member_id], behind[member_id]
        )
        for member_id in sorted(wanted)
        if member_id in branches
    ]


def flagged(*, today: datetime.date, branch_ids: Iterable[int]) -> list[Arrears]:
    """Members of these branches six months or more behind, for the branch to decide,
    but for those whose dues officer recorded a proper reason for this run of arrears
    (the same oldest unpaid month). Three queries."""
    found = in_arrears(today=today, at_least=rules.FLAG_MONTHS, branch_ids=branch_ids)
    excused = set(
        DuesArrearsReason.objects.filter(
            member_id__in=[row.member_id for row in found]
        ).values_list("member_id", "oldest")
    )
    return [row for row in found if (row.member_id, row.oldest) not in excused]
