"""The dues pages: a member's own year; the dues officer's branch month (bases, payments
one by one or in a batch, reversals, voluntary payments, closing the month); the
committee's organisation officers read the branches below them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.forms import add_service_errors
from grassroots.orgs.dues import policy, rules, selectors, services
from grassroots.orgs.dues.forms import (
    ArrearsReasonForm,
    BaseForm,
    BatchForm,
    PaymentForm,
    QuarterlyForm,
    ReverseForm,
    VoluntaryForm,
)
from grassroots.orgs.dues.policy import DuesOffices


def _month(raw: str | None, today: datetime.date) -> datetime.date:
    """?month=YYYY-MM, or this month."""
    try:
        year, month = (raw or "").split("-")
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        return rules.month_of(today)


def _year(raw: str | None, today: datetime.date) -> int:
    # isascii: "²".isdigit() is true, and int("²") fails
    if raw and len(raw) == 4 and raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return today.year


def _offices(request: AuthenticatedRequest, today: datetime.date) -> DuesOffices:
    return selectors.dues_offices(scope_for(request.user), on=today)


def _month_url(branch_pk: int, month: datetime.date) -> str:
    return f"{reverse('orgs:dues_branch', args=[branch_pk])}?month={month:%Y-%m}"


# Any number no primary key reaches: the row URLs are reversed once with it, then filled
_PLACEHOLDER = 987654321987654321


class _Line(NamedTuple):
    """A row of the branch month table as shown: the figures already formatted."""

    name: str
    url: str | None  # the member's dues page, for the dues officer
    base: str | None  # None: no base, or one this person may not see (base_hidden)
    base_hidden: bool
    bill: str | None  # None: no bill
    paid: str
    outstanding: str


def _lines(book: selectors.BranchMonth, offices: DuesOffices, *, keeps: bool) -> list[_Line]:
    """The table's rows, built once here rather than in the template: at full scale a
    branch has about a hundred, and each {% url %} and each number formatted there cost
    as much as the rest of the page (docs/benchmarks.md, issue 17). The numbers are
    localised as the template would (formats.number_format), each distinct one once."""
    prefix, _p, suffix = reverse(
        "orgs:dues_member", args=[book.branch.pk, _PLACEHOLDER]
    ).rpartition(str(_PLACEHOLDER))
    shown: dict[str, str] = {}

    def number(value: Decimal) -> str:
        key = str(value)  # Decimal("0") == Decimal("0.00"), but they are shown apart
        if key not in shown:
            shown[key] = formats.number_format(value)
        return shown[key]

    lines = []
    for row in book.rows:
        member, base, bill = row.member, row.base, row.bill
        # a member billed here who moved away since: their base is the new branch's
        visible = base is not None and policy.can_see_base(offices, member)
        lines.append(
            _Line(
                name=member.user.name,
                url=f"{prefix}{member.pk}{suffix}" if keeps else None,
                base=number(base.amount) if visible and base is not None else None,
                base_hidden=base is not None and not visible,
                bill=None if bill is None else number(bill.amount),
                paid=number(row.paid),
                outstanding=number(row.outstanding),
            )
        )
    return lines


@never_cache
@login_required
@require_GET
def dues_mine(request: AuthenticatedRequest) -> HttpResponse:
    """A member's own dues for a year: bills and payments, the month paid up to, arrears,
    voluntary payments and their base (theirs to see)."""
    today = timezone.localdate()
    scope = scope_for(request.user)
    offices = selectors.dues_offices(scope, on=today)
    member = selectors.own_member(scope) if policy.has_own_dues(scope) else None
    if member is None and not offices.any:
        raise Http404
    year = _year(request.GET.get("year"), today)
    statement = selectors.member_statement(member, year=year, today=today) if member else None
    base = selectors.base_in_force(member, rules.month_of(today)) if member else None
    return render(
        request,
        "orgs/dues/mine.html",
        {
            "statement": statement,
            "base": base,
            "year": year,
            "years": [year - 1, year + 1] if year < today.year else [year - 1],
            "offices": offices,
        },
    )


@never_cache
@login_required
@require_GET
def dues_branches(request: AuthenticatedRequest) -> HttpResponse:
    """The branches whose dues this person keeps or oversees, each month's book."""
    today = timezone.localdate()
    offices = _offices(request, today)
    if not offices.any:
        raise Http404
    month = _month(request.GET.get("month"), today)
    rows = [
        (branch, selectors.reconciliation(branch, month), policy.can_keep(offices, branch))
        for branch in selectors.branches_kept(offices)
    ]
    return render(
        request,
        "orgs/dues/branches.html",
        {
            "rows": rows,
            "month": month,
            "oversees": bool(offices.committee_paths),
            "previous": rules.add_months(month, -1),
            "next": rules.add_months(month, 1) if month < rules.month_of(today) else None,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def dues_branch(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A branch's month: each member's base, bill, paid and outstanding, the
    reconciliation; for its dues officer a batch payment, a voluntary payment and closing
    the month. The committee's organisation officers read it."""
    today = timezone.localdate()
    offices = _offices(request, today)
    branch = selectors.branch_for(offices, pk)
    if branch is None:
        raise Http404
    keeps = policy.can_keep(offices, branch)
    month = _month(request.GET.get("month") or request.POST.get("month"), today)
    book = selectors.branch_month(branch, month)
    payable = [
        (row.member.pk, row.member.user.name)
        for row in book.rows
        if row.bill is not None and not row.is_paid
    ]
    # A POST may name a bill paid meanwhile: a double submit, which the service answers
    # with the first entries (same key), or another officer's, which it refuses.
    billed = [(row.member.pk, row.member.user.name) for row in book.rows if row.bill is not None]
    # A voluntary payment is booked to the member's branch now: only its own members.
    everyone = [
        (row.member.pk, row.member.user.name)
        for row in book.rows
        if row.member.branch_id == branch.pk
    ]
    batch = BatchForm(prefix="batch", members=payable, initial={"paid_on": today})
    voluntary = VoluntaryForm(prefix="voluntary", members=everyone, initial={"paid_on": today})
    close_errors: list[str] = []
    action = request.POST.get("action")
    if request.method == "POST":
        if not keeps:
            raise Http404
        if action == "batch":
            batch = BatchForm(request.POST, prefix="batch", members=billed)
            if batch.is_valid():
                try:
                    count = _batch_record(request, batch, book, month)
                except ValidationError as error:
                    add_service_errors(batch, error)
                else:
                    messages.success(
                        request,
                        ngettext(
                            "Payment recorded for %(count)d member.",
                            "Payments recorded for %(count)d members.",
                            count,
                        )
                        % {"count": count},
                    )
                    return HttpResponseRedirect(_month_url(branch.pk, month))
        elif action == "voluntary":
            voluntary = VoluntaryForm(request.POST, prefix="voluntary", members=everyone)
            if voluntary.is_valid():
                data = voluntary.cleaned_data
                member = next(r.member for r in book.rows if str(r.member.pk) == data["member"])
                try:
                    services.voluntary_record(
                        actor=request.user,
                        member=member,
                        amount=data["amount"],
                        method=data["method"],
                        paid_on=data["paid_on"],
                        today=today,
                        idempotency_key=data["idempotency_key"] or None,
                    )
                except ValidationError as error:
                    add_service_errors(voluntary, error)
                else:
                    messages.success(request, _("The voluntary payment is recorded."))
                    return HttpResponseRedirect(_month_url(branch.pk, month))
        elif action == "close":
            try:
                services.month_close(actor=request.user, branch=branch, month=month, today=today)
            except ValidationError as error:
                close_errors = error.messages
            else:
                messages.success(request, _("The month is closed."))
                return HttpResponseRedirect(_month_url(branch.pk, month))
        else:
            raise Http404
    status = 200 if request.method == "GET" else 400
    return render(
        request,
        "orgs/dues/branch.html",
        {
            "branch": branch,
            "book": book,
            "month": month,
            "keeps": keeps,
            "batch": batch if payable or batch.is_bound else None,
            "voluntary": voluntary,
            "close_errors": close_errors,
            "lines": _lines(book, offices, keeps=keeps),
            "without_base": [row.member for row in book.rows if row.base is None],
            "behind": selectors.flagged_rows(branch, today=today),
            "may_close": keeps and book.closed is None and month < rules.month_of(today),
            "previous": rules.add_months(month, -1),
            "next": rules.add_months(month, 1) if month < rules.month_of(today) else None,
        },
        status=status,
    )


def _batch_record(
    request: AuthenticatedRequest,
    form: BatchForm,
    book: selectors.BranchMonth,
    month: datetime.date,
) -> int:
    """Each ticked member's bill of the month, in one transaction: all or none."""
    data = form.cleaned_data
    members = {row.member.pk: row.member for row in book.rows}
    key = data["idempotency_key"]
    with transaction.atomic():
        for member_id in form.chosen_members():
            try:
                services.payment_record(
                    actor=request.user,
                    member=members[member_id],
                    months=[month],
                    method=data["method"],
                    paid_on=data["paid_on"],
                    idempotency_key=f"{key}-{member_id}" if key else None,
                )
            except ValidationError as error:
                name = members[member_id].user.name
                raise ValidationError(
                    {
                        field: [f"{name}: {m}" for m in problems]
                        for field, problems in error.message_dict.items()
                    }
                ) from None
    return len(form.chosen_members())


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def dues_member(request: AuthenticatedRequest, pk: int, member_pk: int) -> HttpResponse:
    """One member of the branch for the dues officer: the base (set or refixed from a
    month), the bills still open to pay, and the payments, each to reverse."""
    today = timezone.localdate()
    offices = _offices(request, today)
    branch = selectors.branch_for(offices, pk)
    if branch is None or not policy.can_keep(offices, branch):
        raise Http404
    member = selectors.member_of_branch(branch, member_pk)
    if member is None or not policy.can_see_base(offices, member):
        raise Http404
    rows = [
        row
        for year in (today.year - 1, today.year)
        for row in selectors.member_statement(member, year=year, today=today).rows
    ]
    # Only the months billed to this branch: a bill left with a branch the member has
    # since left is paid, and reversed, there.
    open_months = [
        row.bill.month
        for row in rows
        if row.bill is not None
        and row.bill.branch_id == branch.pk
        and not row.is_paid
        and rules.may_pay_back(row.bill.month, today=today)
    ]
    # Quarterly payment where the branch approved it: this quarter's months not billed
    # yet may be paid ahead (their bills are made on paying, services._bills_ahead).
    history = selectors.quarterly_history(member)
    decisions = [(d.from_month, d.kind == "approved") for d in history]
    billed = {row.bill.month for row in rows if row.bill is not None}
    this = rules.month_of(today)
    ahead = [
        month
        for month in rules.quarter_months(this)
        if month >= this and month not in billed and rules.quarterly_in_force(decisions, month)
    ]
    open_months += ahead
    payment = PaymentForm(prefix="pay", months=open_months, initial={"paid_on": today})
    quarterly = QuarterlyForm(prefix="quarterly", initial={"from_month": this, "decided_on": today})
    base_form = BaseForm(
        prefix="base", initial={"from_month": rules.add_months(rules.month_of(today), 1)}
    )
    action = request.POST.get("action")
    url = reverse("orgs:dues_member", args=[branch.pk, member.pk])
    if request.method == "POST":
        if action == "pay":
            billed_months = [
                row.bill.month
                for row in rows
                if row.bill is not None and row.bill.branch_id == branch.pk
            ]
            payment = PaymentForm(request.POST, prefix="pay", months=billed_months + ahead)
            if payment.is_valid():
                data = payment.cleaned_data
                try:
                    services.payment_record(
                        actor=request.user,
                        member=member,
                        months=payment.chosen_months(),
                        method=data["method"],
                        paid_on=data["paid_on"],
                        today=today,
                        idempotency_key=data["idempotency_key"] or None,
                    )
                except ValidationError as error:
                    add_service_errors(payment, error)
                else:
                    messages.success(request, _("The payment is recorded."))
                    return HttpResponseRedirect(url)
        elif action == "quarterly":
            quarterly = QuarterlyForm(request.POST, prefix="quarterly")
            if quarterly.is_valid():
                data = quarterly.cleaned_data
                try:
                    services.quarterly_decide(
                        actor=request.user,
                        member=member,
                        approve=data["decision"] == "approve",
                        from_month=data["from_month"],
                        decided_on=data["decided_on"],
                        decided_by=data["decided_by"],
                        today=today,
                        idempotency_key=data["idempotency_key"] or None,
                    )
                except ValidationError as error:
                    add_service_errors(quarterly, error)
                else:
                    messages.success(request, _("The branch's decision is recorded."))
                    return HttpResponseRedirect(url)
        elif action == "base":
            base_form = BaseForm(request.POST, prefix="base")
            if base_form.is_valid():
                data = base_form.cleaned_data
                try:
                    services.base_set(
                        actor=request.user,
                        member=member,
                        kind=data["kind"],
                        amount=data["amount"],
                        from_month=data["from_month"],
                    )
                except ValidationError as error:
                    add_service_errors(base_form, error)
                else:
                    messages.success(request, _("The base is set."))
                    return HttpResponseRedirect(url)
        else:
            raise Http404
    return render(
        request,
        "orgs/dues/member.html",
        {
            "branch": branch,
            "member": member,
            "rows": rows,
            "bases": selectors.bases_of(member),
            "payment": payment if open_months or payment.is_bound else None,
            "base_form": base_form,
            "quarterly": quarterly,
            "quarterly_history": history,
            "quarterly_now": rules.quarterly_in_force(decisions, this),
            "ahead": ", ".join(f"{month:%Y-%m}" for month in ahead),
        },
        status=200 if request.method == "GET" else 400,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def dues_reverse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Reverse a payment recorded in error, with the reason (the dues officer)."""
    today = timezone.localdate()
    offices = _offices(request, today)
    entry = selectors.payment_for(offices, pk)
    if entry is None:
        raise Http404
    form = ReverseForm(prefix="reverse")
    if request.method == "POST":
        form = ReverseForm(request.POST, prefix="reverse")
        if form.is_valid():
            try:
                services.payment_reverse(
                    actor=request.user,
                    payment=entry,
                    reason=form.cleaned_data["reason"],
                    today=today,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The payment is reversed."))
                return HttpResponseRedirect(
                    reverse("orgs:dues_member", args=[entry.branch_id, entry.member_id])
                )
    context: dict[str, Any] = {"entry": entry, "form": form}
    return render(
        request, "orgs/dues/reverse.html", context, status=200 if request.method == "GET" else 400
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def dues_arrears_reason(request: AuthenticatedRequest, pk: int, member_pk: int) -> HttpResponse:
    """A member six months or more behind: the branch's dues officer records the proper
    reason (e.g. a long illness), which silences the flag for this run of arrears; the
    committee's organisation officers read it. Nothing is ever removed here."""
    today = timezone.localdate()
    offices = _offices(request, today)
    branch = selectors.branch_for(offices, pk)
    if branch is None:
        raise Http404
    member = selectors.member_of_branch(branch, member_pk)
    if member is None:
        raise Http404
    keeps = policy.can_keep(offices, branch)
    behind = selectors.member_behind(member, today=today)
    flagged = behind is not None and behind.months >= rules.FLAG_MONTHS
    form = ArrearsReasonForm(prefix="arrears")
    if request.method == "POST":
        if not keeps or not flagged:
            raise Http404
        form = ArrearsReasonForm(request.POST, prefix="arrears")
        if form.is_valid():
            try:
                services.arrears_reason_record(
                    actor=request.user,
                    member=member,
                    reason=form.cleaned_data["reason"],
                    today=today,
                    idempotency_key=form.cleaned_data["idempotency_key"] or None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The reason is recorded."))
                return HttpResponseRedirect(
                    reverse("orgs:dues_arrears_reason", args=[branch.pk, member.pk])
                )
    return render(
        request,
        "orgs/dues/arrears_reason.html",
        {
            "branch": branch,
            "member": member,
            "behind": behind,
            "flag_months": rules.FLAG_MONTHS,
            "reasons": selectors.arrears_reasons(member),
            "form": form if keeps and flagged else None,
        },
        status=200 if request.method == "GET" else 400,
    )


@never_cache
@login_required
@require_GET
def dues_year(request: AuthenticatedRequest) -> HttpResponse:
    """The committee's organisation officers: every branch below them by the twelve
    months of a year, bills paid out of bills made (counts, no names)."""
    today = timezone.localdate()
    offices = _offices(request, today)
    if not offices.committee_paths:
        raise Http404
    year = _year(request.GET.get("year"), today)
    return render(
        request,
        "orgs/dues/year.html",
        {
            "grid": selectors.year_grid(
                selectors.branches_kept(offices), year=year, root_paths=offices.committee_paths
            ),
            "year": year,
            "months": range(1, 13),
            "years": [year - 1, year + 1] if year < today.year else [year - 1],
        },
    )
