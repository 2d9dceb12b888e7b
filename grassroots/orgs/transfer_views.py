"""Moving a member between branches: the sending branch asks, the receiving one answers."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.forms import StyledForm, add_service_errors
from grassroots.orgs import policy, services
from grassroots.orgs.dues import selectors as dues
from grassroots.orgs.models import Member, OrgUnit, Transfer
from grassroots.orgs.selectors import get_member_for
from grassroots.orgs.todos import transfers_to_answer


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class TransferForm(StyledForm):
    to_branch = UnitField(label=gettext_lazy("To branch"), queryset=OrgUnit.objects.none())
    to_group = UnitField(
        label=gettext_lazy("To Party group (optional)"),
        queryset=OrgUnit.objects.none(),
        required=False,
    )
    effective_on = forms.DateField(
        label=gettext_lazy("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branches: Any = self.fields["to_branch"]
        groups: Any = self.fields["to_group"]
        branches.queryset = (
            OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, is_active=True)
            .exclude(pk=member.branch_id)
            .order_by("path")
        )
        groups.queryset = OrgUnit.objects.filter(kind=OrgUnit.Kind.GROUP, is_active=True).order_by(
            "path"
        )


class AnswerForm(StyledForm):
    answer = forms.CharField(
        label=gettext_lazy("Answer (required when refusing)"), max_length=500, required=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    member = get_member_for(scope, pk)
    if not policy.can_request_transfer(scope, member):
        raise Http404
    form = TransferForm(
        request.POST or None, member=member, initial={"effective_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_request(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The receiving branch has been asked to confirm the transfer.")
            )
            return HttpResponseRedirect(reverse("orgs:member_detail", args=[member.pk]))
    paid_up_to = dues.paid_up_to(member)  # the paid-up month travels with the member
    return render(
        request,
        "orgs/transfer_form.html",
        {"form": form, "member": member, "dues_paid_up_to": paid_up_to},
    )


@login_required
@require_GET
def transfer_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_admin or scope.is_officer):
        raise Http404
    transfers = list(
        policy.transfers_in_scope(scope)
        .select_related("member__user", "from_branch", "to_branch", "to_group")
        .order_by("-created_at")[:100]
    )
    # Read apart from the recent ones, so that none waiting is missed past the hundredth
    # (the home page counts them all, and links here).
    waiting = list(
        transfers_to_answer(scope)
        .select_related("member__user", "from_branch", "to_branch", "to_group")
        .order_by("effective_on", "pk")
    )
    paid_up_to = dues.paid_up_to_many([t.member_id for t in waiting])
    pending = [t for t in transfers if t.status == Transfer.Status.PENDING]
    letters = {t.pk for t in transfers if policy.can_print_transfer_letter(scope, t)}
    outgoing = [t for t in pending if t not in waiting and policy.can_withdraw_transfer(scope, t)]
    return render(
        request,
        "orgs/transfer_list.html",
        {
            "waiting": [
                (t, AnswerForm(prefix=f"t{t.pk}"), paid_up_to.get(t.member_id)) for t in waiting
            ],
            "outgoing": outgoing,
            "transfers": transfers,
            "letters": letters,
        },
    )


@login_required
@require_POST
def transfer_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    transfer = Transfer.objects.select_related("to_branch").filter(pk=pk).first()
    if transfer is None or not policy.can_decide_transfer(scope, transfer.to_branch):
        raise Http404
    form = AnswerForm(request.POST, prefix=f"t{transfer.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return HttpResponseRedirect(reverse("orgs:transfer_list"))
    try:
        services.transfer_decide(
            actor=request.user,
            transfer=transfer,
            confirm=request.POST.get("decision") == "confirm",
            answer=form.cleaned_data.get("answer", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The answer is recorded and both branches told."))
    return HttpResponseRedirect(reverse("orgs:transfer_list"))


@login_required
@require_POST
def transfer_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    transfer = Transfer.objects.select_related("from_branch").filter(pk=pk).first()
    if transfer is None or not policy.can_withdraw_transfer(scope, transfer):
        raise Http404
    try:
        services.transfer_withdraw(actor=request.user, transfer=transfer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The request is withdrawn."))
    return HttpResponseRedirect(reverse("orgs:transfer_list"))


def _letter_paid_up_to(transfer: Transfer) -> datetime.date | None:
    """The month kept on the transfer (asked, refreshed at confirmation), never today's:
    reprinted later, the letter must not show what the member paid at the receiving
    branch. A pending transfer's member is still the sending branch's: today's month.
    A transfer from before the month was kept: the sending branch's own bills only."""
    if transfer.status == Transfer.Status.PENDING:
        return dues.paid_up_to(transfer.member)
    if transfer.dues_paid_up_to is not None:
        return transfer.dues_paid_up_to
    return dues.paid_up_to_in(transfer.member, transfer.from_branch)


@login_required
@require_GET
def transfer_letter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The printable letter of introduction (组织关系介绍信) of an outgoing transfer, with
    the month the member's Party dues are paid up to (it travels with them) and the
    receipt (回执) for the receiving branch to send back. The sending side's officers."""
    scope = scope_for(request.user)
    transfer = (
        Transfer.objects.select_related("member__user", "from_branch", "to_branch", "to_group")
        .filter(pk=pk)
        .first()
    )
    if transfer is None or not policy.can_print_transfer_letter(scope, transfer):
        raise Http404
    return render(
        request,
        "orgs/transfer_letter.html",
        {
            "transfer": transfer,
            "member": transfer.member,
            "dues_paid_up_to": _letter_paid_up_to(transfer),
            "today": timezone.localdate(),
        },
    )
