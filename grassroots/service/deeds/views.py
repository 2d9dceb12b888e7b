"""Practical deeds: the public list and page, and the officers' writes."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import Scope, scope_for
from grassroots.appeals.selectors import appeals_handled_within
from grassroots.core.forms import add_service_errors
from grassroots.core.pagination import CappedPaginator
from grassroots.core.periods import EARLIEST_YEAR, LATEST_YEAR
from grassroots.core.request_values import object_id, positive_int
from grassroots.orgs.selectors import active_units, no_units
from grassroots.service import wording
from grassroots.service.deeds import policy, selectors, services
from grassroots.service.deeds.forms import (
    DeedForm,
    DoneForm,
    DropForm,
    FilterForm,
    ProgressForm,
    RatingForm,
)
from grassroots.service.models import Deed, DeedMilestone, ServiceDomain

PER_PAGE = 20
LIST_CAP = 1000
YEARS_BACK = 5


def _list_filters(request: HttpRequest, scope: Scope) -> selectors.ListFilters:
    form = FilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    unit = None
    unit_id = object_id(data.get("unit"))  # anything but a valid id lists every organisation
    if unit_id is not None:
        unit = active_units().filter(pk=unit_id).only("name", "path").first()
    status = data.get("status") or ""
    if "status" not in request.GET:
        status = Deed.Status.OPEN
    elif status not in Deed.Status.values:
        status = ""
    flagged = data.get("flagged") or ""
    if flagged not in (selectors.OVERDUE, selectors.POORLY_RATED) or not policy.can_see_flags(
        scope
    ):
        flagged = ""
    year = positive_int(data.get("year"))
    if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
        year = None  # a typing error, not a year: every year is listed
    # "Waiting for my answer" (the home page links here): for a signed-in person only.
    to_rate = scope if request.GET.get("to_rate") == "1" and scope.is_authenticated else None
    return selectors.ListFilters(
        unit=unit,
        status=status,
        service=data.get("service") or "",
        flagged=flagged,
        year=year,
        to_rate=to_rate,
    )


def _years(today: datetime.date, chosen: int | None) -> list[int]:
    """The years the filter offers: next year back to YEARS_BACK ago, and the chosen
    one when it is older (a link from an old score)."""
    years = list(range(today.year + 1, today.year - YEARS_BACK - 1, -1))
    if chosen is not None and chosen not in years:
        years.append(chosen)
        years.sort(reverse=True)
    return years


@require_GET
def deed_list(request: HttpRequest) -> HttpResponse:
    """The deeds every branch promised, for anyone to read (no sign-in needed)."""
    scope = scope_for(request.user)
    today = timezone.localdate()
    filters = _list_filters(request, scope)
    deeds = selectors.public_deeds(
        filters,
        today=today,
        officer_paths=None if scope.is_admin else scope.officer_paths,
    )
    page = CappedPaginator(deeds, PER_PAGE, cap=LIST_CAP).get_page(request.GET.get("page"))
    rows = selectors.annotate_rows(list(page.object_list), today=today)
    units = selectors.filter_units()
    return render(
        request,
        "service/deeds/list.html",
        {
            "page_obj": page,
            "rows": rows,
            "filters": filters,
            "units": units,
            "unit_listed": filters.unit is None or any(pk == filters.unit.pk for pk, _n in units),
            "statuses": Deed.Status.choices,
            "years": _years(today, filters.year),
            "services": ServiceDomain.choices,
            "can_create": policy.can_create(scope),
            "can_see_flags": policy.can_see_flags(scope),
            "flag_choices": [
                (selectors.OVERDUE, _("Overdue")),
                (selectors.POORLY_RATED, _("Poorly rated")),
            ],
        },
    )


def _appeals_in_scope(scope: Scope) -> Any:
    return appeals_handled_within(None if scope.is_admin else scope.officer_paths)


@login_required
@require_http_methods(["GET", "POST"])
def deed_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.can_create(scope):
        raise Http404
    units = policy.units_to_manage(scope)
    initial: dict[str, Any] = {"owner": request.user.employee_number}
    wanted_unit = object_id(request.GET.get("unit"))
    if wanted_unit is not None:
        initial["unit"] = wanted_unit
    elif scope.officer_paths and not scope.is_admin:
        # Most officers run one branch: it is the one they mean.
        initial["unit"] = (
            units.filter(path=scope.officer_paths[0]).values_list("pk", flat=True).first()
        )
    form = DeedForm(
        request.POST or None,
        units=units,
        appeals_in_scope=_appeals_in_scope(scope),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deed = services.deed_create(
                actor=request.user,
                unit=data["unit"],
                title=data["title"],
                description=data["description"],
                owner=data["owner"],
                services=data["services"],
                due_on=data["due_on"],
                milestones=data["milestones"],
                appeals=data["appeals"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The deed is on the public list."))
            return HttpResponseRedirect(reverse("service:deed", args=[deed.pk]))
    return render(request, "service/deeds/form.html", {"form": form, "deed": None})


def _managed_deed(request: AuthenticatedRequest, pk: int) -> Deed:
    deed = selectors.deed_for_page(pk)
    if deed is None or not policy.can_manage(scope_for(request.user), deed):
        raise Http404
    return deed


@login_required
@require_http_methods(["GET", "POST"])
def deed_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    deed = _managed_deed(request, pk)
    if deed.status != Deed.Status.OPEN:
        raise Http404  # a closed deed is history: nothing to edit
    form = DeedForm(
        request.POST or None,
        units=no_units(),
        editing=True,
        initial={
            "title": deed.title,
            "description": deed.description,
            "owner": deed.owner.employee_number,
            "services": deed.services,
            "due_on": deed.due_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.deed_update(
                actor=request.user,
                deed=deed,
                title=data["title"],
                description=data["description"],
                owner=data["owner"],
                services=data["services"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The deed is updated."))
            return HttpResponseRedirect(reverse("service:deed", args=[deed.pk]))
    return render(request, "service/deeds/form.html", {"form": form, "deed": deed})


OFFICER_ACTIONS = ("progress", "milestone", "done", "drop")
PERSON_ACTIONS = ("follow", "unfollow", "rate")


@require_http_methods(["GET", "POST"])
def deed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A deed's public page; signed-in people follow and rate it, officers run it."""
    deed = selectors.deed_for_page(pk)
    if deed is None:
        raise Http404
    scope = scope_for(request.user)
    manages = policy.can_manage(scope, deed)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if action and action not in (*OFFICER_ACTIONS, *PERSON_ACTIONS):
        raise Http404
    if action in OFFICER_ACTIONS and not manages:
        raise Http404
    may_rate = policy.can_rate(scope, request.user, deed)
    if action == "rate" and not may_rate:
        raise Http404
    post = request.POST if action else None
    progress_form = ProgressForm(
        post if action == "progress" else None,
        prefix="progress",
        initial={"progress": deed.progress},
    )
    done_form = DoneForm(post if action == "done" else None, prefix="done")
    drop_form = DropForm(post if action == "drop" else None, prefix="drop")
    rating_form = RatingForm(post if action == "rate" else None, prefix="rate")
    here = reverse("service:deed", args=[deed.pk])
    user: Any = request.user
    try:
        if action == "follow":
            services.deed_follow(user=user, deed=deed)
            messages.success(request, _("You follow this deed: you will hear of its progress."))
            return HttpResponseRedirect(here)
        if action == "unfollow":
            services.deed_unfollow(user=user, deed=deed)
            messages.success(request, _("You no longer follow this deed."))
            return HttpResponseRedirect(here)
        if action == "rate" and rating_form.is_valid():
            services.deed_rate(
                user=user,
                deed=deed,
                delivered=rating_form.cleaned_data["delivered"],
                comment=rating_form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you: your answer is counted."))
            return HttpResponseRedirect(here)
        if action == "progress" and progress_form.is_valid():
            services.deed_report_progress(
                actor=user,
                deed=deed,
                progress=progress_form.cleaned_data["progress"],
                text=progress_form.cleaned_data["text"],
            )
            messages.success(request, _("The progress report is published."))
            return HttpResponseRedirect(here)
        if action == "milestone":
            milestone_id = object_id(request.POST.get("milestone"))
            milestone = (
                DeedMilestone.objects.filter(pk=milestone_id, deed=deed).first()
                if milestone_id is not None
                else None
            )
            if milestone is None:
                raise Http404
            services.milestone_tick(
                actor=user, milestone=milestone, done=request.POST.get("done") == "1"
            )
            messages.success(request, _("The milestone is updated."))
            return HttpResponseRedirect(here)
        if action == "done" and done_form.is_valid():
            services.deed_declare_done(
                actor=user,
                deed=deed,
                outcome=done_form.cleaned_data["outcome"],
                done_on=done_form.cleaned_data.get("done_on"),
            )
            messages.success(request, _("The deed is declared done; employees can now rate it."))
            return HttpResponseRedirect(here)
        if action == "drop" and drop_form.is_valid():
            services.deed_drop(actor=user, deed=deed, reason=drop_form.cleaned_data["drop_reason"])
            messages.success(request, _("The deed is dropped; the reason is shown on its page."))
            return HttpResponseRedirect(here)
    except ValidationError as error:
        target: Form | None = {
            "progress": progress_form,
            "done": done_form,
            "drop": drop_form,
            "rate": rating_form,
        }.get(action)
        if target is not None and target.is_bound:
            add_service_errors(target, error)
        else:
            messages.error(request, " ".join(error.messages))
    page = selectors.deed_page(deed, user=request.user)
    today = timezone.localdate()
    selectors.annotate_rows([deed], today=today)
    return render(
        request,
        "service/deeds/detail.html",
        {
            "page": page,
            "deed": deed,
            "manages": manages,
            "may_rate": may_rate and page.my_rating is None,
            "my_answer_label": wording.DELIVERED.get(page.my_rating.delivered, "")
            if page.my_rating
            else "",
            "signed_in": request.user.is_authenticated,
            "progress_form": progress_form,
            "done_form": done_form,
            "drop_form": drop_form,
            "rating_form": rating_form,
            "can_tick": manages and deed.status == Deed.Status.OPEN,
        },
    )
