"""The six haves' pages: a branch's six haves, a committee's overview of its branches
(a table in tree order — no score, no ranking), and the place entry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.forms import add_service_errors
from grassroots.core.request_values import positive_int
from grassroots.evaluation.sixhaves import haves, policy, selectors, services
from grassroots.evaluation.sixhaves.forms import PlaceForm
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import UnitKind

PAGE_SIZE = 50
YEARS_BACK = 4


def _years(today_year: int) -> list[int]:
    return list(range(today_year, today_year - YEARS_BACK - 1, -1))


def _year(request: HttpRequest, today_year: int) -> int:
    """The `?year=` asked for, or this year for anything else."""
    year = positive_int(request.GET.get("year"))
    return year if year in _years(today_year) else today_year


@login_required
@require_GET
def overview(request: AuthenticatedRequest) -> HttpResponse:
    """A committee's branches, one row each, met / not met / cannot judge per have, in
    the order of the organisation tree. A branch officer who is no committee officer
    is taken to their branch's page instead."""
    scope = scope_for(request.user)
    root = orgs.unit_from_parameter(scope, request.GET.get("unit"))
    if root is None:
        committees = (
            orgs.root_units() if scope.is_admin else orgs.units_at_paths(scope.committee_paths)
        ).order_by("path")
        root = next((u for u in committees if policy.can_view_overview(scope, u)), None)
        if root is None:
            branch = (
                orgs.units_at_paths(scope.officer_paths)
                .filter(kind=UnitKind.BRANCH)
                .order_by("path")
                .first()
            )
            if branch is None:
                raise Http404
            return HttpResponseRedirect(reverse("evaluation:sixhaves_branch", args=[branch.pk]))
    if not policy.can_view_overview(scope, root):
        raise Http404
    today = timezone.localdate()
    year = _year(request, today.year)
    page = Paginator(selectors.branches_within(root), PAGE_SIZE).get_page(request.GET.get("page"))
    thresholds = selectors.current_thresholds()
    rows = [
        haves.branch_haves(figures, thresholds)
        for figures in selectors.branch_figures(root, list(page.object_list), year, today=today)
    ]
    return render(
        request,
        "evaluation/sixhaves/overview.html",
        {
            "root": root,
            "year": year,
            "years": _years(today.year),
            "page_obj": page,
            "rows": rows,
            "names": list(haves.SHORT_NAMES.items()),
            "full_names": list(haves.NAMES.items()),
        },
    )


@login_required
@require_GET
def branch(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One branch's six haves for a year, each with its facts, threshold and records."""
    scope = scope_for(request.user)
    unit = selectors.get_branch_for(scope, pk)
    today = timezone.localdate()
    year = _year(request, today.year)
    figures = selectors.branch_figures(unit, [unit], year, today=today)[0]
    result = haves.branch_haves(figures, selectors.current_thresholds())
    parent = orgs.unit_by_id(unit.parent_id)
    return render(
        request,
        "evaluation/sixhaves/branch.html",
        {
            "unit": unit,
            "year": year,
            "years": _years(today.year),
            "result": result,
            "overview_unit": parent if parent and policy.can_view_overview(scope, parent) else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def place(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """State whether the branch has a service place that works, with a note: what the
    six haves read where no venue serving the branch is recorded."""
    scope = scope_for(request.user)
    unit = selectors.get_branch_for(scope, pk)
    if not policy.can_record_place(scope, unit):
        raise Http404
    today = timezone.localdate()
    year = _year(request, today.year)
    years = _years(today.year)
    current = selectors.place_of(unit, year)
    venues = selectors.venues_of(unit, year)
    initial: dict[str, object] = {"year": year}
    if current is not None:
        initial |= {"has_place": "yes" if current.has_place else "no", "note": current.note}
    form = PlaceForm(request.POST or None, years=years, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["year"]
        try:
            services.place_record(
                actor=request.user,
                branch=unit,
                year=chosen,
                has_place=form.answer,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The place is recorded."))
            url = reverse("evaluation:sixhaves_branch", args=[unit.pk])
            return HttpResponseRedirect(f"{url}?year={chosen}")
    return render(
        request,
        "evaluation/sixhaves/place.html",
        {"unit": unit, "year": year, "form": form, "current": current, "venues": venues},
    )
