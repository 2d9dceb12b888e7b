"""Every write to the dues: bases, the month's bills, and ledger entries (payments,
reversals, voluntary payments), and closing a branch's month. Entries are only ever
added; each service checks what the rules ask and saves nothing when a check fails."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record
from grassroots.core.locking import locked
from grassroots.orgs.dues import rules
from grassroots.orgs.dues.models import DuesBase, DuesBill, DuesMonthClose, DuesPayment
from grassroots.orgs.models import Member, OrgUnit
from grassroots.orgs.vocabulary import MemberStage, MemberStatus

REASON_MAX = 500


def _amount_error(kind: str, amount: Any) -> str | None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return _("Write the amount as a number of 元, e.g. 4500.00.")
    if amount < 0:
        return _("The amount cannot be negative.")
    if amount != rules.money(amount):
        return _("Write the amount to the fen at most (two decimal places).")
    try:
        rules.monthly_due(kind, amount)
    except rules.DuesRuleError as error:
        if str(error) == "farmer_range":
            return _("A farmer pays between 0.20 and 1.00 元 a month: write that amount.")
        if str(error) == "too_large":
            return _("This amount is too large for a monthly base.")
        return _("Choose the kind of member.")
    return None


@transaction.atomic
def base_set(
    *,
    actor: Any,
    member: Member,
    kind: str,
    amount: Any,
    from_month: datetime.date,
) -> DuesBase:
    """Fix a member's base from a month on (a new base when pay changes). A base from
    a month already billed cannot be changed: set one from the next month."""
    month = rules.month_of(from_month)
    errors: dict[str, str] = {}
    if kind not in DuesBase.Kind.values:
        errors["kind"] = _("Choose the kind of member.")
    else:
        problem = _amount_error(kind, amount)
        if problem:
            errors["amount"] = problem
    if DuesBill.objects.filter(member=member, month__gte=month).exists():
        errors["from_month"] = _(
            "Bills have already been made from %(month)s: set the new base from a later month."
        ) % {"month": f"{month:%Y-%m}"}
    if errors:
        raise ValidationError(errors)
    before = DuesBase.objects.filter(member=member, from_month=month).first()
    base, _created = DuesBase.objects.update_or_create(
        member=member,
        from_month=month,
        defaults={"kind": kind, "amount": amount, "entered_by": actor},
    )
    # The amount is sensitive: the audit log says a base was set, never how much.
    audit_record(
        actor=actor,
        action="dues.base_set",
        target=base,
        extra={"member": member.pk, "from_month": f"{month:%Y-%m}", "replaced": bool(before)},
        org_path=member.branch.path,
    )
    return base


@dataclass(frozen=True)
class BillRun:
    month: datetime.date
    made: int
    without_base: list[int]  # member ids: no base in force, no bill made


_WITHOUT_BASE = object()


def _new_bill(
    member_id: int,
    branch_id: int,
    admitted_on: datetime.date | None,
    month: datetime.date,
    base: tuple[int, str, Decimal] | None,
    now: datetime.datetime,
) -> DuesBill | object | None:
    """The one rule for a month's bill, for the monthly job and for a quarter paid
    ahead: nothing before the month of the admitting assembly, nothing without a base in
    force (_WITHOUT_BASE), else the amount due from the base (pk, kind, amount)."""
    first = rules.first_billed_month(admitted_on)
    if first is not None and first > month:
        return None
    if base is None:
        return _WITHOUT_BASE
    base_id, kind, amount = base
    return DuesBill(
        member_id=member_id,
        branch_id=branch_id,
        month=month,
        amount=rules.monthly_due(kind, amount),
        base_id=base_id,
        created_at=now,
    )


def bills_make(month: datetime.date, *, now: datetime.datetime | None = None) -> BillRun:
    """Make the month's bills for every Party member who owes dues that month: their
    base in force and the branch they belong to now. Running again makes no second bill
    (one per member and month, enforced by the database). A fixed number of queries and
    bulk inserts, however many members."""
    month = rules.month_of(month)
    now = now or timezone.now()
    members = Member.objects.filter(
        stage__in=MemberStage.party_member_values(),
        status__in=MemberStatus.active_values(),
    ).values_list("pk", "branch_id", "admitted_on")
    billed = set(DuesBill.objects.filter(month=month).values_list("member_id", flat=True))
    bases: dict[int, tuple[int, str, Decimal]] = {}
    for pk, member_id, kind, amount in (
        DuesBase.objects.filter(from_month__lte=month)
        .order_by("member_id", "from_month")
        .values_list("pk", "member_id", "kind", "amount")
        .iterator(chunk_size=20000)
    ):
        bases[member_id] = (pk, kind, amount)  # the latest from_month wins
    bills: list[DuesBill] = []
    without: list[int] = []
    for member_id, branch_id, admitted_on in members.iterator(chunk_size=20000):
        if member_id in billed:
            continue
        bill = _new_bill(member_id, branch_id, admitted_on, month, bases.get(member_id), now)
        if bill is _WITHOUT_BASE:
            without.append(member_id)
        elif isinstance(bill, DuesBill):
            bills.append(bill)
    made = DuesBill.objects.bulk_create(bills, batch_size=5000, ignore_conflicts=True)
    return BillRun(month, len(made), without)


def _closed(branch_id: int, day: datetime.date) -> bool:
    return DuesMonthClose.objects.filter(branch_id=branch_id, month=rules.month_of(day)).exists()


def _net_paid(bill_ids: Sequence[int]) -> dict[int, Decimal]:
    rows = (
        DuesPayment.objects.filter(bill_id__in=list(bill_ids))
        .values("bill_id")
        .annotate(net=Sum("amount"))
        .values_list("bill_id", "net")
    )
    return {bill_id: net or rules.ZERO for bill_id, net in rows}


def _day_errors(paid_on: datetime.date | None, today: datetime.date) -> dict[str, str]:
    if paid_on is None:
        return {"paid_on": _("Give the day it was paid.")}
    if paid_on > today:
        return {"paid_on": _("The day paid cannot be in the future.")}
    return {}


@transaction.atomic
def payment_record(
    *,
    actor: Any,
    member: Member,
    months: Sequence[datetime.date],
    method: str,
    paid_on: datetime.date | None,
    today: datetime.date | None = None,
    idempotency_key: str | None = None,
) -> list[DuesPayment]:
    """Record that a member paid the bills of these months in full (one month, a quarter
    at once, or a back payment). Refused as a whole: a month with no bill, one already
    paid, one more than six months back, a day in a closed month. A double submit with
    the same key records nothing more and returns the first entries."""
    today = today or timezone.localdate()
    member = locked(member)  # one recorder at a time per member: no bill paid twice
    if idempotency_key:  # checked under the lock: a double submit waits, then finds these
        earlier = list(
            DuesPayment.objects.select_related("bill").filter(
                idempotency_key__startswith=f"{idempotency_key}:"
            )
        )
        if earlier:
            same = {e.member_id for e in earlier} == {member.pk} and {
                e.bill.month for e in earlier if e.bill is not None
            } == {rules.month_of(m) for m in months}
            if not same:  # a form sent again after being changed (the browser's Back)
                raise ValidationError(_("This form was already used: open the page again."))
            return earlier
    errors = _day_errors(paid_on, today)
    if method not in DuesPayment.Method.values:
        errors["method"] = _("Choose how it was paid.")
    wanted = sorted({rules.month_of(month) for month in months})
    if not wanted:
        errors["months"] = _("Choose the months paid.")
    problems = _bills_ahead(member, wanted, today=today)
    bills = {bill.month: bill for bill in DuesBill.objects.filter(member=member, month__in=wanted)}
    net = _net_paid([bill.pk for bill in bills.values()])
    for month in wanted:
        bill = bills.get(month)
        label = f"{month:%Y-%m}"
        if bill is None:
            if month < rules.month_of(today):  # not one paid ahead (told above)
                problems.append(_("%(month)s has no bill.") % {"month": label})
        elif net.get(bill.pk, rules.ZERO) >= bill.amount:
            problems.append(_("%(month)s is already paid.") % {"month": label})
        elif not rules.may_pay_back(month, today=today):
            problems.append(
                _(
                    "%(month)s is more than %(limit)d months back: back payment stops there; "
                    "the branch decides what to do."
                )
                % {"month": label, "limit": rules.BACK_PAYMENT_MONTHS}
            )
        elif paid_on is not None and _closed(bill.branch_id, paid_on):
            problems.append(
                _("The branch's month %(booked)s is closed: no payment can be booked in it.")
                % {"booked": f"{paid_on:%Y-%m}"}
            )
    if problems:
        errors["months"] = " ".join(problems)
    if errors:
        raise ValidationError(errors)
    assert paid_on is not None
    entries = []
    for number, month in enumerate(wanted):
        bill = bills[month]
        entries.append(
            DuesPayment.objects.create(
                kind=DuesPayment.Kind.PAYMENT,
                member=member,
                branch_id=bill.branch_id,
                bill=bill,
                amount=bill.amount - net.get(bill.pk, rules.ZERO),
                method=method,
                paid_on=paid_on,
                recorded_by=actor,
                idempotency_key=f"{idempotency_key}:{number}" if idempotency_key else None,
            )
        )
    audit_record(
        actor=actor,
        action="dues.payment",
        target=member,
        extra={"months": [f"{m:%Y-%m}" for m in wanted], "method": method},
        org_path=member.branch.path,
    )
    return entries


def quarterly_in_force(member: Member, month: datetime.date) -> bool:
    from grassroots.orgs.dues import selectors

    return rules.quarterly_in_force(selectors.quarterly_decisions(member), month)


def _bills_ahead(
    member: Member, wanted: Sequence[datetime.date], *, today: datetime.date
) -> list[str]:
    """Months of this quarter whose bill is not made yet (this month's before the job
    ran, the months after it): where the branch approved quarterly payment, make their
    bills now by the monthly job's own rule and base in force (the job then finds them
    and makes no second one); else say why not. Returns the problems; makes nothing
    when there is one."""
    this = rules.month_of(today)
    billed = set(
        DuesBill.objects.filter(member=member, month__in=wanted).values_list("month", flat=True)
    )
    ahead = [month for month in wanted if month >= this and month not in billed]
    if not ahead:
        return []
    problems: list[str] = []
    last = rules.quarter_months(this)[-1]
    bases = list(
        DuesBase.objects.filter(member=member, from_month__lte=max(ahead)).order_by("from_month")
    )
    owes = (
        member.stage in MemberStage.party_member_values()
        and member.status in MemberStatus.active_values()
    )
    now = timezone.now()
    bills: list[DuesBill] = []
    for month in ahead:
        label = f"{month:%Y-%m}"
        if month > this and not quarterly_in_force(member, month):
            problems.append(
                _(
                    "%(month)s is not billed yet: paying ahead needs the branch's approval of "
                    "quarterly payment for this member."
                )
                % {"month": label}
            )
            continue
        if month > last:
            problems.append(
                _("%(month)s is beyond this quarter: a quarter is paid ahead to %(last)s at most.")
                % {"month": label, "last": f"{last:%Y-%m}"}
            )
            continue
        in_force = [b for b in bases if b.from_month <= month]
        base = in_force[-1] if in_force else None
        bill = (
            _new_bill(
                member.pk,
                member.branch_id,
                member.admitted_on,
                month,
                (base.pk, base.kind, base.amount) if base else None,
                now,
            )
            if owes
            else None
        )
        if not isinstance(bill, DuesBill):
            problems.append(
                _("%(month)s has no bill: the member owes no dues for it yet or has no base.")
                % {"month": label}
            )
            continue
        bills.append(bill)
    if not problems:
        # the monthly job may be making the same bill right now: one per member and month
        DuesBill.objects.bulk_create(bills, ignore_conflicts=True)
    return problems


@transaction.atomic
def quarterly_decide(
    *,
    actor: Any,
    member: Member,
    approve: bool,
    from_month: datetime.date | None,
    decided_on: datetime.date | None,
    decided_by: str,
    today: datetime.date | None = None,
    idempotency_key: str | None = None,
) -> Any:
    """Record that the branch approved quarterly payment for a member from a month on,
    or revoked it (the caller checks policy.can_keep for the member's branch). A new row
    each time, never an edit. Refused: an approval already in force that month, a
    revocation of none, a decision in the future, no one named as deciding. A double
    submit with the same key records nothing more and returns the first decision."""
    from grassroots.orgs.dues.models import DuesQuarterly

    today = today or timezone.localdate()
    member = locked(member)  # a double submit waits here, then finds the first decision
    kind = DuesQuarterly.Kind.APPROVED if approve else DuesQuarterly.Kind.REVOKED
    if idempotency_key:
        earlier = DuesQuarterly.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            same = (earlier.member_id, earlier.kind, earlier.from_month) == (
                member.pk,
                kind,
                rules.month_of(from_month) if from_month else None,
            )
            if not same:  # a form sent again after being changed (the browser's Back)
                raise ValidationError(_("This form was already used: open the page again."))
            return earlier
    errors: dict[str, str] = {}
    if from_month is None:
        errors["from_month"] = _("Give the month it applies from.")
    elif quarterly_in_force(member, from_month) == approve:
        errors["__all__"] = (
            _("Quarterly payment is already approved for %(month)s.")
            if approve
            else _("Quarterly payment is not approved for %(month)s: nothing to revoke.")
        ) % {"month": f"{from_month:%Y-%m}"}
    if decided_on is None:
        errors["decided_on"] = _("Give the day of the decision.")
    elif decided_on > today:
        errors["decided_on"] = _("The day of the decision cannot be in the future.")
    if not decided_by.strip():
        errors["decided_by"] = _("Say who decided, e.g. the branch committee's meeting.")
    elif len(decided_by.strip()) > 200:
        errors["decided_by"] = _("Say who decided in at most %(max)d characters.") % {"max": 200}
    if errors:
        raise ValidationError(errors)
    assert from_month is not None and decided_on is not None
    decision = DuesQuarterly.objects.create(
        member=member,
        kind=kind,
        from_month=rules.month_of(from_month),
        decided_on=decided_on,
        decided_by=decided_by.strip(),
        recorded_by=actor,
        idempotency_key=idempotency_key or None,
    )
    audit_record(
        actor=actor,
        action="dues.quarterly",
        target=member,
        extra={"kind": decision.kind, "from_month": f"{decision.from_month:%Y-%m}"},
        org_path=member.branch.path,
    )
    return decision


@transaction.atomic
def payment_reverse(
    *, actor: Any, payment: DuesPayment, reason: str, today: datetime.date | None = None
) -> DuesPayment:
    """Cancel a payment recorded in error: a new entry for the opposite amount, with the
    reason, booked today. The payment itself is never changed."""
    today = today or timezone.localdate()
    payment = locked(payment)
    errors: dict[str, str] = {}
    if payment.kind == DuesPayment.Kind.REVERSAL:
        errors["__all__"] = _("A reversal cannot itself be reversed: record the payment again.")
    elif payment.kind == DuesPayment.Kind.VOLUNTARY:
        errors["__all__"] = _(
            "A voluntary payment is not reversed in the dues ledger: the finance department "
            "returns it."
        )
    elif DuesPayment.objects.filter(reverses=payment).exists():
        errors["__all__"] = _("This payment has already been reversed.")
    if not reason.strip():
        errors["reason"] = _("Say why the payment is reversed.")
    elif len(reason.strip()) > REASON_MAX:
        errors["reason"] = _("Say why in at most %(max)d characters.") % {"max": REASON_MAX}
    if _closed(payment.branch_id, today):
        errors["__all__"] = _("The branch's month %(booked)s is closed.") % {
            "booked": f"{today:%Y-%m}"
        }
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            reversal = DuesPayment.objects.create(
                kind=DuesPayment.Kind.REVERSAL,
                member_id=payment.member_id,
                branch_id=payment.branch_id,
                bill_id=payment.bill_id,
                amount=-payment.amount,
                method=payment.method,
                paid_on=today,
                reverses=payment,
                reason=reason.strip(),
                recorded_by=actor,
            )
    except IntegrityError:
        raise ValidationError(_("This payment has already been reversed.")) from None
    audit_record(
        actor=actor,
        action="dues.reversal",
        target=reversal,
        extra={"reverses": payment.pk, "reason": reason.strip()},
    )
    return reversal


@transaction.atomic
def voluntary_record(
    *,
    actor: Any,
    member: Member,
    amount: Any,
    method: str,
    paid_on: datetime.date | None,
    today: datetime.date | None = None,
    idempotency_key: str | None = None,
) -> DuesPayment:
    """A one-off voluntary payment of at least 1,000 元, kept apart from the dues."""
    today = today or timezone.localdate()
    member = locked(member)  # a double click waits here, then finds the first entry
    if idempotency_key:
        earlier = DuesPayment.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if earlier.member_id != member.pk or earlier.amount != amount:
                raise ValidationError(_("This form was already used: open the page again."))
            return earlier
    errors = _day_errors(paid_on, today)
    if method not in DuesPayment.Method.values:
        errors["method"] = _("Choose how it was paid.")
    if not isinstance(amount, Decimal) or not amount.is_finite():
        errors["amount"] = _("Write the amount as a number of 元, e.g. 1000.00.")
    elif amount < rules.VOLUNTARY_MIN or amount > rules.AMOUNT_MAX:
        errors["amount"] = _("A voluntary payment is at least %(min)s 元.") % {
            "min": rules.VOLUNTARY_MIN
        }
    elif amount != rules.money(amount):
        errors["amount"] = _("Write the amount to the fen at most (two decimal places).")
    if paid_on is not None and not errors and _closed(member.branch_id, paid_on):
        errors["paid_on"] = _("The branch's month %(booked)s is closed.") % {
            "booked": f"{paid_on:%Y-%m}"
        }
    if errors:
        raise ValidationError(errors)
    assert paid_on is not None
    entry = DuesPayment.objects.create(
        kind=DuesPayment.Kind.VOLUNTARY,
        member=member,
        branch_id=member.branch_id,
        amount=amount,
        method=method,
        paid_on=paid_on,
        recorded_by=actor,
        idempotency_key=idempotency_key or None,
    )
    audit_record(actor=actor, action="dues.voluntary", target=entry, org_path=member.branch.path)
    return entry


@transaction.atomic
def month_close(
    *, actor: Any, branch: OrgUnit, month: datetime.date, today: datetime.date | None = None
) -> DuesMonthClose:
    """Freeze a branch's month once it is over: nothing more is booked in it."""
    today = today or timezone.localdate()
    month = rules.month_of(month)
    if month >= rules.month_of(today):
        raise ValidationError(_("A month can be closed once it is over."))
    try:
        with transaction.atomic():
            closed = DuesMonthClose.objects.create(branch=branch, month=month, closed_by=actor)
    except IntegrityError:
        raise ValidationError(_("This month is already closed.")) from None
    audit_record(
        actor=actor,
        action="dues.month_close",
        target=closed,
        extra={"month": f"{month:%Y-%m}"},
        org_path=branch.path,
    )
    return closed


@transaction.atomic
def arrears_reason_record(
    *,
    actor: Any,
    member: Member,
    reason: str,
    today: datetime.date | None = None,
    idempotency_key: str | None = None,
) -> Any:
    """The dues officer records a proper reason why the member is behind (the caller
    checks policy.can_keep for the member's branch): it silences the six-month flag for
    this run of arrears (the flag's to-do), not the warnings. Refused for a member who
    owes nothing past, or without a reason. A double submit with the same key records
    nothing more and returns the first row."""
    from grassroots.orgs.dues import arrears
    from grassroots.orgs.dues.models import DuesArrearsReason

    today = today or timezone.localdate()
    member = locked(member)  # a double submit waits here, then finds the first row
    if idempotency_key:
        earlier = DuesArrearsReason.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if (earlier.member_id, earlier.reason) != (member.pk, reason.strip()):
                raise ValidationError(_("This form was already used: open the page again."))
            return earlier
    errors: dict[str, str] = {}
    behind = arrears.in_arrears(today=today, branch_ids=[member.branch_id])
    found = next((row for row in behind if row.member_id == member.pk), None)
    if found is None:
        errors["__all__"] = _("This member owes no past month's dues.")
    if not reason.strip():
        errors["reason"] = _("Say why the member is behind with the dues.")
    elif len(reason.strip()) > REASON_MAX:
        errors["reason"] = _("Say why in at most %(max)d characters.") % {"max": REASON_MAX}
    if errors:
        raise ValidationError(errors)
    assert found is not None
    recorded = DuesArrearsReason.objects.create(
        member=member,
        oldest=found.oldest,
        reason=reason.strip(),
        recorded_by=actor,
        idempotency_key=idempotency_key or None,
    )
    audit_record(
        actor=actor,
        action="dues.arrears_reason",
        target=member,
        extra={"oldest": f"{found.oldest:%Y-%m}"},
        org_path=member.branch.path,
    )
    return recorded
