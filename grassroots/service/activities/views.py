"""Activities: the list, organising one, taking part, recording it; my hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import Scope, scope_for
from grassroots.core.forms import add_service_errors
from grassroots.orgs import policy as orgs_policy
from grassroots.orgs.vocabulary import UnitKind
from grassroots.resources import selectors as resources
from grassroots.service.activities import policy, selectors, services
from grassroots.service.activities.forms import ActivityForm, CodeForm, ReasonForm, RecordForm
from grassroots.service.models import Activity, ServiceDomain, SignUp


def _units_to_organise(scope: Scope) -> QuerySet[OrgUnit]:
    return (
        orgs_policy.units_in_oversight(scope)
        .filter(is_active=True)
        .exclude(kind=UnitKind.GROUP)
        .order_by("path")
    )


@login_required
@require_GET
def activity_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(
        request,
        "service/activities/list.html",
        {
            "upcoming": selectors.activity_list(scope, request.user)[:100],
            "past": selectors.activity_list(scope, request.user, upcoming=False)[:20],
            "can_organise": scope.is_admin or scope.is_officer,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_admin or scope.is_officer):
        raise Http404
    form = ActivityForm(
        request.POST or None,
        units=_units_to_organise(scope),
        venues=resources.bookable_venues(scope),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            activity = services.activity_create(actor=request.user, unit=unit, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The activity is open for sign-up."))
            return HttpResponseRedirect(reverse("service:activity", args=[activity.pk]))
    return render(request, "service/activities/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def activity_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    activity = Activity.objects.select_related("unit", "department").filter(pk=pk).first()
    if activity is None or not policy.can_view(scope, request.user, activity):
        raise Http404
    manages = policy.can_manage(scope, activity)
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("record", "cancel_activity") and not manages:
        raise Http404
    confirmed, waiting = selectors.participants(activity)
    record_form = RecordForm(request.POST if action == "record" else None, signups=confirmed)
    code_form = CodeForm(request.POST if action == "presence" else None, prefix="presence")
    cancel_form = ReasonForm(request.POST if action == "cancel_activity" else None, prefix="cancel")
    here = reverse("service:activity", args=[activity.pk])
    try:
        if action == "signup":
            entry = services.signup(user=request.user, activity=activity)
            if entry.status == SignUp.Status.CONFIRMED:
                messages.success(request, _("You have a place."))
            else:
                messages.info(
                    request,
                    _(
                        "The activity is full: you are on the waitlist and will be told if a place comes free."
                    ),
                )
            return HttpResponseRedirect(here)
        if action == "cancel":
            services.signup_cancel(user=request.user, activity=activity)
            messages.success(request, _("Your sign-up is cancelled."))
            return HttpResponseRedirect(here)
        if action == "presence" and code_form.is_valid():
            services.confirm_presence(
                user=request.user, activity=activity, code=code_form.cleaned_data["code"]
            )
            messages.success(request, _("Thank you: your presence is confirmed."))
            return HttpResponseRedirect(here)
        if action == "record" and record_form.is_valid():
            services.activity_record(
                actor=request.user,
                activity=activity,
                attendance=record_form.attendance(),
                summary=record_form.cleaned_data["summary"],
                beneficiaries=record_form.cleaned_data.get("beneficiaries"),
            )
            messages.success(request, _("The activity is recorded."))
            return HttpResponseRedirect(here)
        if action == "cancel_activity" and cancel_form.is_valid():
            services.activity_cancel(
                actor=request.user, activity=activity, reason=cancel_form.cleaned_data["reason"]
            )
            messages.success(request, _("The activity is cancelled and the people signed up told."))
            return HttpResponseRedirect(here)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    mine = next((s for s in [*confirmed, *waiting] if s.user_id == request.user.pk), None)
    return render(
        request,
        "service/activities/detail.html",
        {
            "activity": activity,
            "manages": manages,
            "confirmed": confirmed,
            "waiting": waiting,
            "mine": mine,
            "may_join": policy.may_join(request.user, activity),
            "started": activity.starts_at <= timezone.now(),
            "record_form": record_form,
            "code_form": code_form,
            "cancel_form": cancel_form,
            "places_left": None
            if activity.capacity is None
            else max(0, activity.capacity - len(confirmed)),
            "booked": resources.booked_venue(activity.booking_id, scope_for(request.user)),
            "service_labels": [
                ServiceDomain(value).label
                for value in activity.services
                if value in ServiceDomain.values
            ],
        },
    )


@login_required
@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """My activities and volunteer hours: for me (and my officers), not for a ranking."""
    today = timezone.localdate()
    coming = request.GET.get("view") == "coming"  # the home page's to-do links here
    signups = selectors.my_signups(request.user, coming_after=timezone.now() if coming else None)
    return render(
        request,
        "service/activities/mine.html",
        {
            "coming": coming,
            "signups": signups[:100],
            "hours_year": selectors.hours_total(request.user, since=today.replace(month=1, day=1)),
            "hours_all": selectors.hours_total(request.user),
        },
    )
