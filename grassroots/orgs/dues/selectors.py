"""Reads of the dues: who keeps which branch's dues, a branch's month, a member's year,
and the month's reconciliation, each in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from grassroots.core.tree import is_within, outermost, within_any
from grassroots.orgs.dues import rules
from grassroots.orgs.dues.models import (
    DuesArrearsReason,
    DuesBase,
    DuesBill,
    DuesMonthClose,
    DuesPayment,
    DuesQuarterly,
)
from grassroots.orgs.dues.policy import DuesOffices
from grassroots.orgs.models import Member, OrgPost, OrgUnit
from grassroots.orgs.vocabulary import MemberStage, MemberStatus, PostKind, UnitKind

if TYPE_CHECKING:
    from grassroots.accounts.scope import Scope


def dues_offices(scope: Scope, *, on: datetime.date) -> DuesOffices:
    """Where this person keeps or oversees the dues, from the posts they hold. Two
    queries."""
    if scope.member_id is None:
        return DuesOffices(member_id=None)
    posts = list(
        OrgPost.objects.filter(member_id=scope.member_id, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .filter(kind__in=[PostKind.ORGANISATION, PostKind.SECRETARY])
        .values_list("unit_id", "unit__kind", "unit__path", "kind")
    )
    branches = {unit_id for unit_id, kind, _p, post in posts if kind == UnitKind.BRANCH}
    secretary_only = {
        unit_id
        for unit_id, kind, _p, post in posts
        if kind == UnitKind.BRANCH and post == PostKind.SECRETARY
    }
    if secretary_only:
        with_organiser = set(
            OrgPost.objects.filter(
                unit_id__in=secretary_only, kind=PostKind.ORGANISATION, starts_on__lte=on
            )
            .exclude(ends_on__lt=on)
            .values_list("unit_id", flat=True)
        )
        organisers = {u for u, k, _p, post in posts if post == PostKind.ORGANISATION}
        branches -= (secretary_only & with_organiser) - organisers
    committees = tuple(
        path
        for _u, kind, path, post in posts
        if kind == UnitKind.COMMITTEE and post == PostKind.ORGANISATION
    )
    return DuesOffices(
        branch_ids=frozenset(branches), committee_paths=committees, member_id=scope.member_id
    )


def branches_kept(offices: DuesOffices) -> list[OrgUnit]:
    """The branches whose dues this person keeps or oversees, in tree order."""
    condition = Q(pk__in=offices.branch_ids)
    if offices.committee_paths:
        condition |= within_any(offices.committee_paths) & Q(kind=UnitKind.BRANCH)
    return list(OrgUnit.objects.filter(condition, is_active=True).order_by("path"))


def branch_for(offices: DuesOffices, pk: int) -> OrgUnit | None:
    from grassroots.orgs.dues import policy

    unit = OrgUnit.objects.filter(pk=pk, kind=UnitKind.BRANCH).first()
    if unit is None or not policy.can_view_branch(offices, unit):
        return None
    return unit


@dataclass
class BillRow:
    member: Member
    base: DuesBase | None
    bill: DuesBill | None
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return rules.ZERO if self.bill is None else max(rules.ZERO, self.bill.amount - self.paid)

    @property
    def is_paid(self) -> bool:
        return self.bill is not None and self.paid >= self.bill.amount


@dataclass
class MonthRow(BillRow):
    """A month of a member's statement, with the entries of its bill."""

    payments: list[DuesPayment]


@dataclass
class BranchMonth:
    branch: OrgUnit
    month: datetime.date
    rows: list[BillRow]
    closed: DuesMonthClose | None
    book: rules.Reconciliation


def branch_month(branch: OrgUnit, month: datetime.date) -> BranchMonth:
    """A branch's month: each of its Party members now, and anyone billed to it that
    month (moved away since), with the base in force, the bill and what was paid of it
    (the net of its entries, summed in SQL: the page shows no single entry). Six
    queries however many members, and one more when someone billed here has moved away
    (their branches, for policy.can_see_base). Each row reads only the columns the page
    and the export use: a branch's month is read often and at full scale a branch has
    close to a hundred rows."""
    month = rules.month_of(month)
    bills = {
        bill.member_id: bill
        for bill in DuesBill.objects.filter(branch=branch, month=month).only(
            "pk", "member_id", "branch_id", "month", "amount"
        )
    }
    members = list(
        Member.objects.filter(
            Q(
                branch=branch,
                stage__in=MemberStage.party_member_values(),
                status__in=MemberStatus.active_values(),
            )
            | Q(pk__in=list(bills))
        )
        .select_related("user")
        .only("pk", "branch_id", "user__id", "user__name", "user__employee_number")
        .order_by("user__name", "pk")
    )
    elsewhere = OrgUnit.objects.in_bulk({m.branch_id for m in members if m.branch_id != branch.pk})
    for member in members:
        # the member's branch, for policy.can_see_base, without a query per member
        member.branch = branch if member.branch_id == branch.pk else elsewhere[member.branch_id]
    bases: dict[int, DuesBase] = {}
    for base in (
        DuesBase.objects.filter(member_id__in=[m.pk for m in members], from_month__lte=month)
        .only("pk", "member_id", "kind", "amount", "from_month")
        .order_by("member_id", "from_month")
    ):
        bases[base.member_id] = base
    paid: dict[int, Decimal] = dict(
        DuesPayment.objects.filter(bill__in=[b.pk for b in bills.values()])
        .values("bill_id")
        .annotate(total=Sum("amount"))
        .values_list("bill_id", "total")
    )
    rows: list[BillRow] = []
    for member in members:
        bill = bills.get(member.pk)
        rows.append(
            BillRow(
                member,
                bases.get(member.pk),
                bill,
                # to the cent, as the entries are: SQLite sums decimals as floats
                paid.get(bill.pk, rules.ZERO).quantize(rules.ZERO) if bill else rules.ZERO,
            )
        )
    closed = DuesMonthClose.objects.filter(branch=branch, month=month).first()
    return BranchMonth(branch, month, rows, closed, reconciliation(branch, month))


def reconciliation(branch: OrgUnit, month: datetime.date) -> rules.Reconciliation:
    """The month's book from the ledger, each figure by its own expression, all three in
    one query: billed (the bills), paid (the entries on those bills, net of reversals)
    and outstanding (the bills with no net payment). Billed = paid + outstanding when no
    bill was paid twice or in part (tests/test_dues_ledger.py holds that for any
    sequence of writes). The figures are summed in SQL, not from the rows of the page,
    so that the reconciliation stays a check on them."""
    entries = DuesPayment.objects.filter(bill=OuterRef("pk")).values("bill")
    net = Subquery(entries.annotate(net=Sum("amount")).values("net"))
    zero = Value(rules.ZERO, output_field=DecimalField(max_digits=12, decimal_places=2))
    figures = (
        DuesBill.objects.filter(branch=branch, month=rules.month_of(month))
        .annotate(net=Coalesce(net, zero))
        .aggregate(
            billed=Coalesce(Sum("amount"), zero),
            paid=Coalesce(Sum("net"), zero),
            outstanding=Coalesce(Sum("amount", filter=Q(net__lte=0)), zero),
        )
    )
    return rules.Reconciliation(figures["billed"], figures["paid"], figures["outstanding"])


@dataclass
class Statement:
    member: Member
    year: int
    rows: list[MonthRow]
    voluntary: list[DuesPayment]
    paid_up_to: datetime.date | None  # the last month of an unbroken run of paid bills
    arrears_months: int


def member_statement(member: Member, *, year: int, today: datetime.date) -> Statement:
    """A member's year: each month's bill and payments, voluntary payments, the month
    paid up to (all bills up to it paid), and how far behind the oldest unpaid bill is."""
    all_bills = list(DuesBill.objects.filter(member=member).order_by("month"))
    net: dict[int, Decimal] = dict(
        DuesPayment.objects.filter(bill__member=member)
        .values("bill_id")
        .annotate(total=Sum("amount"))
        .values_list("bill_id", "total")
    )
    entries: dict[int, list[DuesPayment]] = {}
    for entry in DuesPayment.objects.filter(member=member, bill__month__year=year).order_by(
        "recorded_at", "pk"
    ):
        entries.setdefault(entry.bill_id or 0, []).append(entry)
    bases: dict[datetime.date, DuesBase] = {}
    found = list(DuesBase.objects.filter(member=member).order_by("from_month"))
    rows = []
    for bill in all_bills:
        if bill.month.year != year:
            continue
        in_force = [b for b in found if b.from_month <= bill.month]
        bases[bill.month] = in_force[-1] if in_force else bill.base
        rows.append(
            MonthRow(
                member,
                bases[bill.month],
                bill,
                net.get(bill.pk) or rules.ZERO,
                entries.get(bill.pk, []),
            )
        )
    paid_up_to = None
    for bill in all_bills:
        if (net.get(bill.pk) or rules.ZERO) < bill.amount:
            break
        paid_up_to = bill.month
    unpaid = [b.month for b in all_bills if (net.get(b.pk) or rules.ZERO) < b.amount]
    voluntary = list(
        DuesPayment.objects.filter(
            member=member, kind=DuesPayment.Kind.VOLUNTARY, paid_on__year=year
        ).order_by("paid_on")
    )
    return Statement(
        member,
        year,
        rows,
        voluntary,
        paid_up_to,
        rules.months_in_arrears(unpaid, today=today),
    )


def payment_for(offices: DuesOffices, pk: int) -> DuesPayment | None:
    from grassroots.orgs.dues import policy

    entry = DuesPayment.objects.select_related("branch").filter(pk=pk).first()
    if entry is None or not policy.can_keep(offices, entry.branch):
        return None
    return entry


def own_member(scope: Scope) -> Member | None:
    """The signed-in person's own member record, for their dues page."""
    if scope.member_id is None:
        return None
    return Member.objects.select_related("user", "branch").filter(pk=scope.member_id).first()


def member_of_branch(branch: OrgUnit, pk: int) -> Member | None:
    """A Party member of the branch now (None = 404)."""
    return (
        Member.objects.select_related("user", "branch")
        .filter(pk=pk, branch=branch, stage__in=MemberStage.party_member_values())
        .first()
    )


def base_in_force(member: Member, month: datetime.date) -> DuesBase | None:
    return (
        DuesBase.objects.filter(member=member, from_month__lte=rules.month_of(month))
        .order_by("-from_month")
        .first()
    )


@dataclass(frozen=True)
class BehindRow:
    member: Member
    months: int  # how far behind the oldest unpaid bill is
    oldest: datetime.date
    reason: DuesArrearsReason | None  # the proper reason recorded for this run, if any


def flagged_rows(branch: OrgUnit, *, today: datetime.date) -> list[BehindRow]:
    """The branch's members six months or more behind, each with the reason its dues
    officer recorded for this run of arrears (the same oldest unpaid month), if any —
    for the branch to decide. Four queries however many members."""
    from grassroots.orgs.dues import arrears

    found = arrears.in_arrears(today=today, at_least=rules.FLAG_MONTHS, branch_ids=[branch.pk])
    if not found:
        return []
    reasons: dict[tuple[int, datetime.date], DuesArrearsReason] = {}
    for reason in DuesArrearsReason.objects.filter(
        member_id__in=[row.member_id for row in found]
    ).order_by("recorded_at", "pk"):
        reasons[(reason.member_id, reason.oldest)] = reason  # the latest wins
    members = Member.objects.select_related("user").in_bulk([row.member_id for row in found])
    return [
        BehindRow(
            members[row.member_id], row.months, row.oldest, reasons.get((row.member_id, row.oldest))
        )
        for row in sorted(found, key=lambda row: (members[row.member_id].user.name, row.member_id))
    ]


def member_behind(member: Member, *, today: datetime.date) -> BehindRow | None:
    """How far behind the member is (None: nothing past unpaid), with the reason
    recorded for this run of arrears, if any."""
    from grassroots.orgs.dues import arrears

    found = next(
        (
            row
            for row in arrears.in_arrears(today=today, branch_ids=[member.branch_id])
            if row.member_id == member.pk
        ),
        None,
    )
    if found is None:
        return None
    reason = (
        DuesArrearsReason.objects.filter(member=member, oldest=found.oldest)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    return BehindRow(member, found.months, found.oldest, reason)


def arrears_reasons(member: Member) -> list[DuesArrearsReason]:
    """Every proper reason recorded for the member's arrears, latest first."""
    return list(
        DuesArrearsReason.objects.filter(member=member)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def quarterly_history(member: Member) -> list[DuesQuarterly]:
    """The branch's decisions on quarterly payment for the member, as recorded. One
    query."""
    return list(
        DuesQuarterly.objects.filter(member=member)
        .select_related("recorded_by")
        .order_by("recorded_at", "pk")
    )


def quarterly_decisions(member: Member) -> list[tuple[datetime.date, bool]]:
    """(from month, approved) in the order recorded, for rules.quarterly_in_force."""
    return [
        (from_month, kind == DuesQuarterly.Kind.APPROVED)
        for from_month, kind in DuesQuarterly.objects.filter(member=member)
        .order_by("recorded_at", "pk")
        .values_list("from_month", "kind")
    ]


def bases_of(member: Member) -> list[DuesBase]:
    """Every base the member has had, latest first (sensitive: policy.can_see_base)."""
    return list(DuesBase.objects.filter(member=member).order_by("-from_month"))


def ledger_month(branch: OrgUnit, month: datetime.date) -> list[DuesPayment]:
    """The ledger entries booked in a branch's month (payments, reversals, voluntary
    payments: each booked in the month of its day paid), oldest first. One query."""
    first = rules.month_of(month)
    return list(
        DuesPayment.objects.filter(
            branch=branch, paid_on__gte=first, paid_on__lt=rules.add_months(first, 1)
        )
        .select_related("member__user", "bill")
        .order_by("paid_on", "recorded_at", "pk")
    )


# --- For evaluation, openness, transfers and the jobs --------------------------


@dataclass(frozen=True)
class OnTimeCounts:
    billed: int = 0  # members billed in the branch for a month of the period that is over
    on_time: int = 0  # of them, those whose every such bill was paid within its month


def on_time_by_branch(
    root_paths: list[str], *, first: datetime.date, last: datetime.date, today: datetime.date
) -> dict[str, OnTimeCounts]:
    """For every branch at or under these paths (keyed by its tree path): the members
    billed to it for the months from `first` to `last` up to `today`, and those of them
    who paid each of those bills within the bill's own month (a payment reversed since
    does not count). A bill of the month not yet over is judged once paid (on time);
    unpaid, it is not yet late. Two grouped queries however many members (the bills of
    months over; the bills paid in their month), joined here: no query per bill."""
    from django.db.models import Count, F
    from django.db.models.functions import TruncMonth

    this = rules.month_of(today)
    months = Q(month__gte=rules.month_of(first), month__lte=rules.month_of(min(last, today)))
    over: dict[tuple[str, int], int] = {
        (path, member_id): n
        for path, member_id, n in DuesBill.objects.filter(
            within_any(root_paths, "branch__path"), months, month__lt=this
        )
        .values("branch__path", "member_id")
        .annotate(n=Count("pk"))
        .values_list("branch__path", "member_id", "n")
    }
    paid: dict[tuple[str, int], tuple[int, int]] = {
        (path, member_id): (n_over, n_now)
        for path, member_id, n_over, n_now in DuesPayment.objects.filter(
            within_any(root_paths, "bill__branch__path"),
            Q(
                bill__month__gte=rules.month_of(first),
                bill__month__lte=rules.month_of(min(last, today)),
            ),
            kind=DuesPayment.Kind.PAYMENT,
            reversed_by__isnull=True,
        )
        .annotate(paid_month=TruncMonth("paid_on"))
        .filter(paid_month__lte=F("bill__month"))
        .values("bill__branch__path", "bill__member_id")
        .annotate(
            n_over=Count("bill_id", distinct=True, filter=Q(bill__month__lt=this)),
            n_now=Count("bill_id", distinct=True, filter=Q(bill__month__gte=this)),
        )
        .values_list("bill__branch__path", "bill__member_id", "n_over", "n_now")
    }
    counts: dict[str, list[int]] = {}
    for key in over.keys() | {key for key, (_o, now) in paid.items() if now}:
        found = counts.setdefault(key[0], [0, 0])
        found[0] += 1
        # every bill of a month over paid in its month (this month's, if any, was paid)
        found[1] += paid.get(key, (0, 0))[0] >= over.get(key, 0)
    return {path: OnTimeCounts(billed, on_time) for path, (billed, on_time) in counts.items()}


def on_time_rows(
    unit: OrgUnit, *, first: datetime.date, last: datetime.date, today: datetime.date
) -> list[tuple[OrgUnit, OnTimeCounts]]:
    """The branches under the unit with their counts (on_time_by_branch), in tree order:
    two queries. Counts only: who paid late is for the branch's officers alone."""
    counts = on_time_by_branch([unit.path], first=first, last=last, today=today)
    units = OrgUnit.objects.filter(path__in=list(counts)).order_by("path")
    return [(branch, counts[branch.path]) for branch in units]


def paid_up_to(member: Member) -> datetime.date | None:
    """The last month of the unbroken run of paid bills from the member's first (None:
    no bill, or the first is unpaid). Two queries. It travels with a transfer."""
    return paid_up_to_many([member.pk]).get(member.pk)


def paid_up_to_in(member: Member, branch: OrgUnit) -> datetime.date | None:
    """paid_up_to from the bills booked to one branch only (for the letter of a transfer
    asked before the month was kept on it: what the sending branch's own ledger says,
    nothing of the receiving branch's). Two queries."""
    return paid_up_to_many([member.pk], branch=branch).get(member.pk)


def paid_up_to_many(
    member_ids: list[int], *, branch: OrgUnit | None = None
) -> dict[int, datetime.date | None]:
    """paid_up_to for many members at once (for a list of transfers): two queries. With
    a branch: from the bills booked to that branch only."""
    bills = DuesBill.objects.filter(member_id__in=member_ids).order_by("member_id", "month")
    if branch is not None:
        bills = bills.filter(branch=branch)
    net: dict[int, Decimal] = dict(
        DuesPayment.objects.filter(bill__in=bills.values("pk"))
        .values("bill_id")
        .annotate(total=Sum("amount"))
        .values_list("bill_id", "total")
    )
    found: dict[int, datetime.date | None] = dict.fromkeys(member_ids)
    broken: set[int] = set()
    for pk, member_id, month, amount in bills.values_list("pk", "member_id", "month", "amount"):
        if member_id in broken:
            continue
        if (net.get(pk) or rules.ZERO) < amount:
            broken.add(member_id)
        else:
            found[member_id] = month
    return found


@dataclass(frozen=True)
class YearBook:
    """A unit's dues for a year from the ledger: per month billed, paid and outstanding
    (rules.Reconciliation), the voluntary payments, and the members billed."""

    year: int
    months: list[tuple[datetime.date, rules.Reconciliation]]
    voluntary: Decimal
    voluntary_count: int
    members: int

    @property
    def total(self) -> rules.Reconciliation:
        return rules.Reconciliation(
            sum((r.billed for _m, r in self.months), rules.ZERO),
            sum((r.paid for _m, r in self.months), rules.ZERO),
            sum((r.outstanding for _m, r in self.months), rules.ZERO),
        )

    @property
    def collected(self) -> Decimal:
        return self.total.paid + self.voluntary


def year_book(root_path: str, *, year: int) -> YearBook:
    """The reconciliation of every branch at or under `root_path` (the whole enterprise
    from its top) for each month of a year, as `reconciliation` counts one branch's
    month: billed, paid (net of reversals) and outstanding (bills with no net payment).
    Five grouped queries however many branches and members, none per bill: the bills'
    sums, the entries' sums by the month of their bill, and the sums of the bills with a
    net payment (a semi-join on the entries grouped by bill)."""
    from django.db.models import Count

    bills = DuesBill.objects.filter(within_any([root_path], "branch__path"), month__year=year)
    billed = dict(bills.values("month").annotate(total=Sum("amount")).values_list("month", "total"))
    paid = dict(
        DuesPayment.objects.filter(
            within_any([root_path], "bill__branch__path"), bill__month__year=year
        )
        .values("bill__month")
        .annotate(total=Sum("amount"))
        .values_list("bill__month", "total")
    )
    with_net = (  # the unit's bills of the year only, not every entry of the ledger
        DuesPayment.objects.filter(
            within_any([root_path], "bill__branch__path"), bill__month__year=year
        )
        .values("bill_id")
        .annotate(net=Sum("amount"))
        .filter(net__gt=0)
        .values("bill_id")
    )
    settled = dict(
        bills.filter(pk__in=with_net)
        .values("month")
        .annotate(total=Sum("amount"))
        .values_list("month", "total")
    )
    fen = rules.money
    months = []
    for month in sorted(billed):
        total = fen(billed[month] or rules.ZERO)
        outstanding = total - fen(settled.get(month) or rules.ZERO)
        months.append(
            (month, rules.Reconciliation(total, fen(paid.get(month) or rules.ZERO), outstanding))
        )
    voluntary = DuesPayment.objects.filter(
        within_any([root_path], "branch__path"),
        kind=DuesPayment.Kind.VOLUNTARY,
        paid_on__year=year,
    ).aggregate(total=Coalesce(Sum("amount"), rules.ZERO), count=Count("pk"))
    members = bills.values("member_id").distinct().count()
    return YearBook(year, months, fen(voluntary["total"]), voluntary["count"], members)


@dataclass(frozen=True)
class GridCell:
    billed: int  # bills of the branch's month
    paid: int  # of them, those paid in full (net of reversals ≥ the amount, as is_paid)


def year_grid(
    branches: list[OrgUnit], *, year: int, root_paths: Sequence[str] = ()
) -> list[tuple[OrgUnit, list[GridCell | None]]]:
    """For the committee's organisation officers: each branch's twelve months of a year,
    how many bills were made and how many of them are paid (counts, no names; None: no
    bill that month). A bill counts as paid as MonthRow.is_paid and arrears count it:
    the net of its entries at least its amount (a 0.00 bill is paid, a part is not).
    `root_paths` (the committees' paths) lets the queries take the branches below them
    by one prefix filter each instead of a long list of ids. Two grouped queries however
    many branches and members, both within these branches only."""
    from django.db.models import Count

    paths = outermost(root_paths)
    loose = [b.pk for b in branches if not any(is_within(b.path, path) for path in paths)]
    scope = within_any(paths, "branch__path") | Q(branch_id__in=loose)
    bills = DuesBill.objects.filter(scope, month__year=year)
    billed = {
        (branch_id, month): n
        for branch_id, month, n in bills.values("branch_id", "month")
        .annotate(n=Count("pk"))
        .values_list("branch_id", "month", "n")
    }
    net = Coalesce(
        Sum("entries__amount"), Value(rules.ZERO), output_field=DecimalField(max_digits=12)
    )
    paid_in_full = bills.annotate(net=net).filter(net__gte=F("amount")).values("pk")
    paid = {
        (branch_id, month): n
        for branch_id, month, n in DuesBill.objects.filter(pk__in=paid_in_full)
        .values("branch_id", "month")
        .annotate(n=Count("pk"))
        .values_list("branch_id", "month", "n")
    }
    months = [datetime.date(year, number, 1) for number in range(1, 13)]
    return [
        (
            branch,
            [
                GridCell(billed[(branch.pk, month)], paid.get((branch.pk, month), 0))
                if (branch.pk, month) in billed
                else None
                for month in months
            ],
        )
        for branch in branches
    ]
