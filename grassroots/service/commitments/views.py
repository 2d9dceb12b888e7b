"""Commitments: my own, those published to my department, the branch's queue; one
commitment with its decisions, progress, self-assessment and rating."""

from __future__ import annotations

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
from grassroots.accounts.scope import scope_for
from grassroots.core.forms import add_service_errors
from grassroots.core.request_values import positive_int
from grassroots.service import unit_filter, wording
from grassroots.service.commitments import policy, rules, selectors, services
from grassroots.service.commitments.forms import (
    AssessForm,
    CommitmentForm,
    ProgressForm,
    RateForm,
    ReturnForm,
)
from grassroots.service.models import Commitment, ServiceDomain


def _year(request: AuthenticatedRequest, default: int) -> int:
    year = positive_int(request.GET.get("year"))
    return year if year is not None and 2000 <= year <= default + 1 else default


@login_required
@require_GET
def commitment_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    today = timezone.localdate()
    year = _year(request, today.year)
    years = list(range(today.year + (1 if today.month >= 11 else 0), today.year - 4, -1))
    if year not in years:  # an older year linked from a score: show it as chosen
        years.append(year)
    is_member = policy.may_commit(request.user)
    officer = scope.is_admin or scope.is_officer
    # The officers' table can be narrowed to one organisation they oversee (and those
    # below it); any other value is ignored (unit_filter).
    unit = unit_filter.unit_to_filter(scope, request.GET.get("unit")) if officer else None
    units = unit_filter.unit_choices(scope) if officer else []
    return render(
        request,
        "service/commitments/list.html",
        {
            "year": year,
            "years": years,
            "is_member": is_member,
            "mine": list(selectors.my_commitments(request.user)[:50]) if is_member else [],
            "published": list(selectors.published_for(request.user, year=year)[:200]),
            "queue": list(selectors.review_queue(scope)[:100]) if officer else [],
            "overseen": list(selectors.overseen(scope, year=year, unit=unit)[:300])
            if officer
            else [],
            "officer": officer,
            "unit": unit,
            "units": units,
            "unit_listed": unit is None or any(pk == unit.pk for pk, _n in units),
            "draftable": rules.draftable_years(today),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_new(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.may_commit(request.user):
        raise Http404
    today = timezone.localdate()
    form = CommitmentForm(
        request.POST or None,
        years=rules.draftable_years(today),
        posts=services.member_posts(request.user),
        initial={"year": today.year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = services.commitment_draft(
                actor=request.user,
                year=data["year"],
                text=data["text"],
                services=data["services"],
                post=data.get("post"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your draft is saved. Submit it to your branch when it is ready.")
            )
            return HttpResponseRedirect(reverse("service:commitment", args=[commitment.pk]))
    return render(request, "service/commitments/form.html", {"form": form, "commitment": None})


@login_required
@require_http_methods(["GET", "POST"])
def commitment_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    commitment = selectors.get_commitment_for(scope, request.user, pk)
    if not policy.can_edit(scope, commitment):
        raise Http404
    form = CommitmentForm(
        request.POST or None,
        years=None,
        posts=services.member_posts(request.user),
        initial={"text": commitment.text, "services": commitment.services, "post": commitment.post},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.commitment_update(
                actor=request.user,
                commitment=commitment,
                text=data["text"],
                services=data["services"],
                post=data.get("post"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return HttpResponseRedirect(reverse("service:commitment", args=[commitment.pk]))
    return render(
        request, "service/commitments/form.html", {"form": form, "commitment": commitment}
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    commitment = selectors.get_commitment_for(scope, request.user, pk)
    today = timezone.localdate()
    action = request.POST.get("action") if request.method == "POST" else None
    # A second click on submit or approve finds the step already done: the services
    # return quietly, so the view lets the request through rather than answer 404.
    allowed = {
        "submit": policy.can_edit(scope, commitment)
        or (
            policy.is_owner(scope, commitment) and commitment.status == Commitment.Status.SUBMITTED
        ),
        "approve": policy.can_decide(scope, commitment)
        or (
            commitment.status == Commitment.Status.PUBLISHED
            and policy.can_review(scope, commitment)
            and not policy.is_owner(scope, commitment)
        ),
        "return": policy.can_decide(scope, commitment),
        "progress": policy.can_add_progress(scope, commitment),
        "assess": policy.can_assess(scope, commitment, today=today),
        "rate": policy.can_rate(scope, request.user, commitment, today=today),
    }
    here = reverse("service:commitment", args=[commitment.pk])
    if (
        action == "return"
        and commitment.status == Commitment.Status.RETURNED
        and policy.can_review(scope, commitment)
        and not policy.is_owner(scope, commitment)
    ):
        # A second click on "Return": the first one returned it. Say so rather than 404.
        messages.info(request, _("Returned to the member with your reason."))
        return HttpResponseRedirect(here)
    if action is not None and not allowed.get(action, False):
        raise Http404
    return_form = ReturnForm(request.POST if action == "return" else None, prefix="return")
    progress_form = ProgressForm(
        request.POST if action == "progress" else None, prefix="progress", initial={"date": today}
    )
    assess_form = AssessForm(
        request.POST if action == "assess" else None,
        prefix="assess",
        initial={"text": commitment.self_assessment},
    )
    rate_form = RateForm(request.POST if action == "rate" else None, prefix="rate")
    try:
        if action == "submit":
            services.commitment_submit(actor=request.user, commitment=commitment)
            messages.success(request, _("Submitted: your branch's officers have been told."))
            return HttpResponseRedirect(here)
        if action == "approve":
            services.commitment_approve(actor=request.user, commitment=commitment)
            messages.success(request, _("Approved and published to the member's department."))
            return HttpResponseRedirect(here)
        if action == "return" and return_form.is_valid():
            services.commitment_return(
                actor=request.user, commitment=commitment, reason=return_form.cleaned_data["reason"]
            )
            messages.success(request, _("Returned to the member with your reason."))
            return HttpResponseRedirect(here)
        if action == "progress" and progress_form.is_valid():
            services.progress_add(
                actor=request.user,
                commitment=commitment,
                on=progress_form.cleaned_data["date"],
                text=progress_form.cleaned_data["text"],
            )
            messages.success(request, _("The progress note is added."))
            return HttpResponseRedirect(here)
        if action == "assess" and assess_form.is_valid():
            services.commitment_assess(
                actor=request.user, commitment=commitment, text=assess_form.cleaned_data["text"]
            )
            messages.success(request, _("Your self-assessment is saved."))
            return HttpResponseRedirect(here)
        if action == "rate" and rate_form.is_valid():
            services.commitment_rate(
                user=request.user,
                commitment=commitment,
                score=rate_form.cleaned_data["score"],
                comment=rate_form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you: your rating is recorded."))
            return HttpResponseRedirect(here)
    except ValidationError as error:
        target = {
            "return": return_form,
            "progress": progress_form,
            "assess": assess_form,
            "rate": rate_form,
        }.get(action or "")
        if target is not None:
            add_service_errors(target, error)
        else:
            messages.error(request, " ".join(error.messages))
    my_rating = selectors.my_rating(commitment, request.user)
    return render(
        request,
        "service/commitments/detail.html",
        {
            "commitment": commitment,
            "is_owner": policy.is_owner(scope, commitment),
            "allowed": allowed,
            "can_edit": policy.can_edit(scope, commitment),
            "can_decide": policy.can_decide(scope, commitment),
            "return_form": return_form,
            "progress_form": progress_form,
            "assess_form": assess_form,
            "rate_form": rate_form,
            "progress": selectors.progress_notes(commitment),
            "ratings": selectors.rating_summary(commitment)
            if policy.can_see_ratings(scope, commitment)
            else None,
            "my_rating": my_rating,
            "my_rating_label": wording.KEPT.get(my_rating.score, "") if my_rating else "",
            "assessment_opens": rules.assessment_opens(commitment.year),
            "assessment_open": rules.assessment_open(commitment.year, today),
            "service_labels": [
                ServiceDomain(value).label
                for value in commitment.services
                if value in ServiceDomain.values
            ],
            "Status": Commitment.Status,
        },
    )
