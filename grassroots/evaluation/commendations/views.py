"""Commendation pages: the rounds in scope, opening one, and a round's page where
branches nominate and the committee puts nominations into public notice and decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import Scope, scope_for
from grassroots.core.forms import add_service_errors
from grassroots.core.request_values import object_id
from grassroots.evaluation.commendations import policy, selectors, services
from grassroots.evaluation.commendations.forms import (
    DecisionForm,
    NominationForm,
    PublishForm,
    RoundForm,
)
from grassroots.evaluation.commendations.models import CommendationRound, Nomination


@login_required
@require_GET
def round_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.may_open_list(scope):
        raise Http404
    return render(
        request,
        "evaluation/commendations/list.html",
        {"rounds": selectors.round_list(scope), "can_open": policy.can_open_round(scope)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.can_open_round(scope):
        raise Http404
    units = policy.committees_to_run(scope)
    form = RoundForm(
        request.POST or None,
        units=units,
        initial={
            "year": timezone.localdate().year,
            "unit": units.values_list("pk", flat=True).first(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opened = services.round_open(
                actor=request.user, unit=data["unit"], year=data["year"], title=data["title"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The round is open: branches can nominate."))
            return HttpResponseRedirect(reverse("evaluation:commendation_round", args=[opened.pk]))
    return render(request, "evaluation/commendations/new.html", {"form": form})


def _nomination_form(
    scope: Scope, commendation_round: CommendationRound, data: Any = None
) -> NominationForm | None:
    if not commendation_round.accepts_nominations:
        return None
    branches = policy.nominating_branches(scope, commendation_round)
    if not branches.exists():
        return None
    return NominationForm(
        data, prefix="nominate", branches=branches, initial={"branch": branches.first()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    commendation_round = selectors.get_round_for(scope, pk)
    if commendation_round is None:
        raise Http404
    today = timezone.localdate()
    runs = policy.can_run(scope, commendation_round)
    url = reverse("evaluation:commendation_round", args=[commendation_round.pk])
    action = request.POST.get("action") if request.method == "POST" else None
    nominations = selectors.round_nominations(commendation_round)
    nomination_form = _nomination_form(scope, commendation_round)
    publish_form = (
        PublishForm(prefix="publish", nominations=nominations)
        if runs and commendation_round.accepts_nominations and nominations
        else None
    )
    failed_decision: tuple[int, DecisionForm] | None = None

    if action in ("nominate", "publish") and not commendation_round.accepts_nominations:
        # A form left open in another tab, or a double submit: the round has moved on.
        if action == "publish" and not runs:
            raise Http404
        messages.error(
            request,
            _("Nominations are closed: the round is already in public notice.")
            if action == "nominate"
            else _("The round is already in public notice."),
        )
        return HttpResponseRedirect(url)
    if action == "nominate":
        nomination_form = _nomination_form(scope, commendation_round, request.POST)
        if nomination_form is None:
            raise Http404
        if nomination_form.is_valid():
            data = nomination_form.cleaned_data
            try:
                services.nomination_create(
                    actor=request.user,
                    commendation_round=commendation_round,
                    branch=data["branch"],
                    kind=data["kind"],
                    member=data["member"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                add_service_errors(nomination_form, error)
            else:
                messages.success(request, _("The nomination is recorded."))
                return HttpResponseRedirect(url)
    elif action == "publish":
        if publish_form is None:
            raise Http404
        publish_form = PublishForm(request.POST, prefix="publish", nominations=nominations)
        if publish_form.is_valid():
            try:
                services.round_publish(
                    actor=request.user,
                    commendation_round=commendation_round,
                    chosen=publish_form.cleaned_data["chosen"],
                )
            except ValidationError as error:
                add_service_errors(publish_form, error)
            else:
                messages.success(request, _("The chosen nominations are in public notice."))
                return HttpResponseRedirect(url)
    elif action == "decide":
        if not runs:
            raise Http404
        nomination = selectors.nomination_of_round(
            commendation_round, object_id(request.POST.get("nomination"))
        )
        if nomination is None:
            raise Http404
        form = DecisionForm(request.POST, prefix=f"decide-{nomination.pk}")
        if form.is_valid():
            try:
                services.nomination_decide(
                    actor=request.user,
                    nomination=nomination,
                    commended=form.cleaned_data["commended"],
                    note=form.cleaned_data["note"],
                    today=today,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The decision is recorded."))
                return HttpResponseRedirect(url)
        failed_decision = (nomination.pk, form)
    elif action is not None:
        raise Http404

    if not runs:  # a branch's officers see their own branch's nominations only
        nominations = [n for n in nominations if scope.is_admin or scope.oversees(n.branch.path)]
    state = selectors.round_notice_state(commendation_round, today=today)
    decisions = []
    if runs and state is not None:
        for nomination in nominations:
            if nomination.status != Nomination.Status.IN_NOTICE:
                continue
            if failed_decision is not None and failed_decision[0] == nomination.pk:
                decisions.append((nomination, failed_decision[1]))
            elif state.settled:
                decisions.append((nomination, DecisionForm(prefix=f"decide-{nomination.pk}")))
    return render(
        request,
        "evaluation/commendations/detail.html",
        {
            "round": commendation_round,
            "runs": runs,
            "nominations": nominations,
            "commended": [n for n in nominations if n.status == Nomination.Status.COMMENDED],
            "nomination_form": nomination_form,
            "publish_form": publish_form,
            "state": state,
            "decisions": decisions,
        },
    )
