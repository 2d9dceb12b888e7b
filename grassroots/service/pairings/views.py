"""Pairings: the list (mine, and the branch's with days since the last visit), pairing a
member with a colleague, one pairing with its visits, and a need heard on a visit turned
into an appeal or a practical deed."""

from __future__ import annotations

import secrets

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
from grassroots.service import unit_filter
from grassroots.service.deeds.selectors import eligible_owners
from grassroots.service.pairings import policy, rules, selectors, services
from grassroots.service.pairings.forms import (
    AppealFromVisitForm,
    DeedFromVisitForm,
    EndForm,
    PairingForm,
    VisitForm,
)

# The longest an "unvisited for N days" filter may ask for (ten years).
UNVISITED_MAX_DAYS = 3660


@login_required
@require_GET
def pairing_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.may_open_list(scope, request.user):
        raise Http404
    today = timezone.localdate()
    officer = scope.is_admin or scope.is_officer
    # Filters: an organisation the person oversees (anything else is ignored, see
    # unit_filter) and "without a visit for at least N days" (not a number: ignored).
    unit = unit_filter.unit_to_filter(scope, request.GET.get("unit")) if officer else None
    unvisited = positive_int(request.GET.get("unvisited"), maximum=UNVISITED_MAX_DAYS)
    live = selectors.pairing_rows(scope, today=today, unit=unit, unvisited_for=unvisited)
    units = unit_filter.unit_choices(scope) if officer else []
    return render(
        request,
        "service/pairings/list.html",
        {
            "mine": [row for row in live if row.pairing.member_id == request.user.pk],
            "overseen": [row for row in live if row.pairing.member_id != request.user.pk],
            "ended": []
            if unvisited is not None  # an ended pairing has no visit to wait for
            else selectors.pairing_rows(scope, today=today, live=False, limit=50, unit=unit),
            "officer": officer,
            "can_pair": policy.branches_to_pair_in(scope).exists(),
            "visit_days": selectors.visit_days(),
            "unit": unit,
            "units": units,
            "unit_listed": unit is None or any(pk == unit.pk for pk, _n in units),
            "unvisited": unvisited,
            "unvisited_max": UNVISITED_MAX_DAYS,
            "filtered": unit is not None or unvisited is not None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pairing_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    units = policy.branches_to_pair_in(scope)
    if not units.exists():
        raise Http404
    form = PairingForm(
        request.POST or None,
        units=units,
        members=selectors.member_choices(units),
        initial={"started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        employee = selectors.user_by_number(data["employee_number"])
        try:
            pairing = services.pairing_create(
                actor=request.user,
                unit=data["unit"],
                member=data["member"],
                employee=employee,
                reason=data["reason"],
                reason_detail=data["reason_detail"],
                started_on=data["started_on"],
            )
        except ValidationError as error:
            if "employee" in getattr(error, "error_dict", {}):
                error.error_dict["employee_number"] = error.error_dict.pop("employee")
            add_service_errors(form, error)
        else:
            messages.success(request, _("The pairing is made and the member has been told."))
            return HttpResponseRedirect(reverse("service:pairing", args=[pairing.pk]))
    return render(request, "service/pairings/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    pairing = selectors.get_pairing_for(scope, pk)
    today = timezone.localdate()
    action = request.POST.get("action") if request.method == "POST" else None
    allowed = {
        "visit": policy.can_record_visit(scope, pairing),
        "end": policy.can_end(scope, pairing),
    }
    here = reverse("service:pairing", args=[pairing.pk])
    if action == "end" and pairing.ended_on is not None and policy.can_pair_in(scope, pairing.unit):
        # A second click on "End it": the first one ended it. Say so rather than 404.
        messages.info(request, _("The pairing has ended."))
        return HttpResponseRedirect(here)
    if action is not None and not allowed.get(action, False):
        raise Http404
    visit_form = VisitForm(
        request.POST if action == "visit" else None,
        prefix="visit",
        initial={"date": today, "key": secrets.token_urlsafe(24)},
    )
    end_form = EndForm(
        request.POST if action == "end" else None, prefix="end", initial={"ended_on": today}
    )
    try:
        if action == "visit" and visit_form.is_valid():
            services.visit_record(
                actor=request.user,
                pairing=pairing,
                on=visit_form.cleaned_data["date"],
                help_given=visit_form.cleaned_data["help_given"],
                needs_heard=visit_form.cleaned_data["needs_heard"],
                idempotency_key=visit_form.cleaned_data["key"] or None,
            )
            messages.success(request, _("The visit is recorded."))
            return HttpResponseRedirect(here)
        if action == "end" and end_form.is_valid():
            services.pairing_end(
                actor=request.user,
                pairing=pairing,
                on=end_form.cleaned_data["ended_on"],
                reason=end_form.cleaned_data["end_reason"],
            )
            messages.success(request, _("The pairing has ended."))
            return HttpResponseRedirect(here)
    except ValidationError as error:
        add_service_errors(visit_form if action == "visit" else end_form, error)
    private = policy.can_see_reason(scope, pairing)
    days = rules.days_without_visit(
        started_on=pairing.started_on, last_visit_on=pairing.last_visit_on, today=today
    )
    limit = selectors.visit_days()
    return render(
        request,
        "service/pairings/detail.html",
        {
            "pairing": pairing,
            "private": private,
            "visits": selectors.visits_of(pairing) if private else [],
            "visit_count": None if private else pairing.visits.count(),
            "days": days,
            "overdue": pairing.ended_on is None and rules.visit_overdue(days, limit=limit),
            "visit_days": limit,
            "allowed": allowed,
            "can_raise_appeal": policy.can_raise_appeal(scope, pairing),
            "can_make_deed": policy.can_make_deed(scope, pairing),
            "visit_form": visit_form,
            "end_form": end_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_appeal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    visit = selectors.get_visit_for(scope, pk)
    if not policy.can_raise_appeal(scope, visit.pairing):
        raise Http404
    form = AppealFromVisitForm(
        request.POST or None,
        initial={"description": visit.needs_heard, "key": secrets.token_urlsafe(24)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.visit_to_appeal(
                actor=request.user,
                visit=visit,
                category=data["category"],
                title=data["title"],
                description=data["description"],
                idempotency_key=data.get("key") or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            assert result.appeal is not None
            messages.success(
                request,
                _("Appeal %(number)s is raised for %(name)s and linked to the visit.")
                % {"number": result.appeal.number, "name": visit.pairing.employee.name},
            )
            return HttpResponseRedirect(reverse("service:pairing", args=[visit.pairing_id]))
    return render(request, "service/pairings/visit_appeal.html", {"form": form, "visit": visit})


@login_required
@require_http_methods(["GET", "POST"])
def visit_deed(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    visit = selectors.get_visit_for(scope, pk)
    if not policy.can_make_deed(scope, visit.pairing):
        raise Http404
    owners = eligible_owners(visit.pairing.unit).order_by("name")
    form = DeedFromVisitForm(
        request.POST or None,
        owners=owners,
        initial={"owner": visit.pairing.member, "services": ["masses"]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.visit_to_deed(
                actor=request.user,
                visit=visit,
                title=data["title"],
                description=data["description"],
                owner=data["owner"],
                services=data["services"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            assert result.deed is not None
            messages.success(
                request, _("The practical deed is on the branch's list, linked to the visit.")
            )
            return HttpResponseRedirect(reverse("service:pairing", args=[visit.pairing_id]))
    return render(request, "service/pairings/visit_deed.html", {"form": form, "visit": visit})
