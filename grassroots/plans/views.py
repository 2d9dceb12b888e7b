"""Work plans' pages: a person's plans, a unit's plans, a plan with its items and
computed progress, the quarterly check, and the officers' forms."""

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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.forms import add_service_errors
from grassroots.core.request_values import positive_int
from grassroots.openness import policy as openness_policy
from grassroots.orgs import policy as orgs_policy
from grassroots.orgs.selectors import get_unit_for
from grassroots.plans import policy, rules, selectors, services
from grassroots.plans.forms import ItemForm, LinkForm, PlanForm, SummaryForm
from grassroots.plans.models import PlanLink, WorkPlan
from grassroots.plans.summary import summary_draft


def _plan(request: AuthenticatedRequest, pk: int) -> WorkPlan:
    plan = selectors.plan_for(scope_for(request.user), pk)
    if plan is None:
        raise Http404
    return plan


def _managed_plan(request: AuthenticatedRequest, pk: int) -> WorkPlan:
    plan = _plan(request, pk)
    if not policy.can_manage_plans(scope_for(request.user), plan.unit):
        raise Http404
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedRequest) -> HttpResponse:
    """The plans a person may read, and (for officers) a form to start one."""
    scope = scope_for(request.user)
    units = orgs_policy.units_in_oversight(scope).order_by("path")
    form = None
    if scope.is_admin or scope.is_officer:
        form = PlanForm(
            request.POST or None, units=units, initial={"year": timezone.localdate().year}
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    actor=request.user,
                    unit=data["unit"],
                    year=data["year"],
                    quarter=data["quarter"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return HttpResponseRedirect(reverse("plans:plan", args=[plan.pk]))
    elif request.method == "POST":
        raise Http404
    plans = selectors.plans_readable(scope)[:200]
    return render(request, "plans/index.html", {"form": form, "plans": plans})


@login_required
@require_GET
def unit_plans(request: AuthenticatedRequest, unit_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    unit = get_unit_for(scope, unit_id)
    return render(
        request,
        "plans/unit.html",
        {
            "unit": unit,
            "plans": selectors.plans_of_unit(unit, scope),
            "can_manage": policy.can_manage_plans(scope, unit),
        },
    )


def _check_quarter(request: AuthenticatedRequest, plan: WorkPlan) -> int:
    wanted = positive_int(request.GET.get("quarter"))
    if wanted is not None and 1 <= wanted <= 4:
        return wanted
    if plan.quarter:
        return plan.quarter
    today = timezone.localdate()
    if today.year == plan.year:
        return (today.month - 1) // 3 + 1
    return 4


@login_required
@require_GET
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    scope = scope_for(request.user)
    view = selectors.plan_view(plan)
    return render(
        request,
        "plans/plan.html",
        {
            "plan": plan,
            "view": view,
            "progress": view.progress,
            "can_manage": policy.can_manage_plans(scope, plan.unit),
            "can_summarise": openness_policy.can_publish_for(scope, plan.unit),
        },
    )


@login_required
@require_GET
def plan_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    quarter = _check_quarter(request, plan)
    check_end = rules.quarter_end(plan.year, quarter)
    view = selectors.plan_view(plan)
    return render(
        request,
        "plans/check.html",
        {
            "plan": plan,
            "quarter": quarter,
            "quarters": [1, 2, 3, 4],
            "check_end": check_end,
            "behind": view.behind(check_end),
        },
    )


@login_required
@require_POST
def plan_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    services.plan_publish(actor=request.user, plan=plan)
    messages.success(request, _("The plan is published to the organisation's members."))
    return HttpResponseRedirect(reverse("plans:plan", args=[plan.pk]))


def _item_values(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in ("what", "details", "due_on", "owner", "goal")}


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = ItemForm(request.POST or None, initial={"owner": request.user.employee_number})
    if request.method == "POST" and form.is_valid():
        try:
            services.item_add(
                actor=request.user,
                plan=plan,
                idempotency_key=form.cleaned_data["idempotency_key"] or None,
                **_item_values(form.cleaned_data),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The item is in the plan."))
            return HttpResponseRedirect(reverse("plans:plan", args=[plan.pk]))
    return render(request, "plans/item_form.html", {"form": form, "plan": plan, "item": None})


def _item(request: AuthenticatedRequest, pk: int) -> Any:
    item = selectors.item_for(scope_for(request.user), pk)
    if item is None:
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    initial = {
        "what": item.what,
        "details": item.details,
        "due_on": item.due_on,
        "owner": item.owner.employee_number,
        "goal": item.goal,
    }
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_edit(actor=request.user, item=item, **_item_values(form.cleaned_data))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The item is saved."))
            return HttpResponseRedirect(reverse("plans:plan", args=[item.plan_id]))
    return render(request, "plans/item_form.html", {"form": form, "plan": item.plan, "item": item})


@login_required
@require_POST
def item_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    plan_id = item.plan_id
    services.item_remove(actor=request.user, item=item)
    messages.success(request, _("The item is removed from the plan."))
    return HttpResponseRedirect(reverse("plans:plan", args=[plan_id]))


def _groups(records: dict[tuple[str, int], selectors.Candidate]) -> list[Any]:
    names = dict(PlanLink.Kind.choices)
    groups: dict[str, list[tuple[str, str]]] = {}
    for record in records.values():
        groups.setdefault(record.kind, []).append(
            (record.key, f"{record.label} · {record.state_label}")
        )
    return [(str(names[kind]), groups[kind]) for kind in names if kind in groups]


@login_required
@require_http_methods(["GET", "POST"])
def item_link(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    plan = item.plan
    records = selectors.candidates(plan.unit, plan.year)
    linked = {(link.kind, link.object_id) for link in item.links.all()}
    offered = {key: record for key, record in records.items() if key not in linked}
    form = LinkForm(request.POST or None, groups=_groups(offered))
    if request.method == "POST" and form.is_valid():
        kind, object_id = form.kind_and_id()
        try:
            services.link_add(actor=request.user, item=item, kind=kind, object_id=object_id)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The record is linked to the item."))
            return HttpResponseRedirect(reverse("plans:plan", args=[plan.pk]) + f"#item-{item.pk}")
    return render(
        request,
        "plans/link_form.html",
        {"form": form, "plan": plan, "item": item, "has_records": bool(offered)},
    )


@login_required
@require_POST
def link_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    link = selectors.link_for(scope_for(request.user), pk)
    if link is None:
        raise Http404
    plan_id, item_id = link.item.plan_id, link.item_id
    services.link_remove(actor=request.user, link=link)
    messages.success(request, _("The link is removed."))
    return HttpResponseRedirect(reverse("plans:plan", args=[plan_id]) + f"#item-{item_id}")


@login_required
@require_http_methods(["GET", "POST"])
def plan_summary(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The year's summary drafted from the records, to edit and publish as a notice."""
    plan = _managed_plan(request, pk)
    if not openness_policy.can_publish_for(scope_for(request.user), plan.unit):
        raise Http404
    title, body = summary_draft(selectors.plan_view(plan))
    form = SummaryForm(request.POST or None, initial={"title": title, "body": body})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.summary_publish(
                actor=request.user,
                plan=plan,
                title=data["title"],
                body=data["body"],
                idempotency_key=data["idempotency_key"] or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The summary is published as a notice."))
            return HttpResponseRedirect(reverse("openness:notice", args=[notice.pk]))
    return render(request, "plans/summary.html", {"form": form, "plan": plan})
