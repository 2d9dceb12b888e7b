"""Service posts: the public list and page, the printable card, appeals addressed to a
post, and the rota and visits of a mobile post."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import Scope, scope_for
from grassroots.appeals import policy as appeals_policy
from grassroots.appeals.intake import Channel
from grassroots.appeals.intake_form import AppealForm
from grassroots.appeals.services import attachment_max_bytes, files_check
from grassroots.core.forms import add_service_errors
from grassroots.core.upload_limits import upload_limit
from grassroots.orgs.selectors import department_choices, unit_from_parameter
from grassroots.service.models import PostVisit, ServiceDomain, ServicePost
from grassroots.service.posts import policy, selectors, services
from grassroots.service.posts.forms import (
    PostForm,
    UnitChoiceForm,
    VisitAddForm,
    VisitAppealForm,
    VisitPlanForm,
    VisitRecordForm,
)

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

PAGE_SIZE = 20


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"url": url, "label": label} for url, label in pairs]


def _post_crumbs(post: ServicePost, *more: tuple[str, str]) -> list[dict[str, str]]:
    return _crumbs(
        (reverse("service:posts"), _("Service posts")),
        (reverse("service:post", args=[post.pk]), post.name),
        *more,
    )


def _anonymous_url(post: ServicePost) -> str:
    url = reverse("appeals:anonymous")
    return f"{url}?department={post.department.code}" if post.department else url


# --- The list and the public page -----------------------------------------------------


def _filters(request: HttpRequest, scope: Scope, branches: list[OrgUnit]) -> selectors.PostFilters:
    kind = request.GET.get("kind", "")
    raw_unit = request.GET.get("unit", "")
    return selectors.PostFilters(
        kind=kind if kind in ServicePost.Kind.values else "",
        unit=next((b for b in branches if str(b.pk) == raw_unit), None),
        mine=scope.is_authenticated and request.GET.get("mine") == "1",
        inactive=policy.can_create_somewhere(scope) and request.GET.get("inactive") == "1",
    )


@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    """Open to everyone, signed in or not: employees find the posts here."""
    scope = scope_for(request.user)
    branches = list(selectors.filter_branches())
    filters = _filters(request, scope, branches)
    page = Paginator(selectors.post_list(scope, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "service/posts/list.html",
        {
            "page_obj": page,
            "filters": filters,
            "kinds": ServicePost.Kind.choices,
            "branches": branches,
            "officer": policy.can_create_somewhere(scope),
            "signed_in": scope.is_authenticated,
        },
    )


def _service_labels(values: list[str]) -> list[str]:
    return [str(ServiceDomain(value).label) for value in values if value in ServiceDomain.values]


@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The post's public page; its holders and officers also see what was heard and the
    appeals raised to it."""
    scope = scope_for(request.user)
    post = selectors.get_post_for(scope, pk)
    full = policy.sees_everything(scope, post)
    mobile = post.kind == ServicePost.Kind.MOBILE
    today = timezone.localdate()
    return render(
        request,
        "service/posts/detail.html",
        {
            "post": post,
            "full": full,
            "manages": policy.can_manage(scope, post),
            "may_plan": policy.can_plan_visits(scope, post),
            "may_record": policy.can_record_visits(scope, post),
            "mobile": mobile,
            "service_labels": _service_labels(post.services),
            "commitments": selectors.published_commitments(post, scope=scope, user=request.user),
            "upcoming": selectors.upcoming_visits(post, today=today) if mobile else [],
            "recent": selectors.recent_visits(post) if mobile else [],
            "to_record": selectors.visits_to_record(post, today=today) if mobile and full else [],
            "appeals": selectors.post_appeals(post) if full else [],
            "anonymous_url": _anonymous_url(post),
            "crumbs": _crumbs((reverse("service:posts"), _("Service posts")), ("", post.name)),
        },
    )


@login_required
@require_GET
def post_card(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A printable card: one QR code opens the post's page, one the appeal form."""
    import segno

    post = selectors.get_managed_post(scope_for(request.user), pk)
    if not post.is_active:
        raise Http404
    base = settings.GRASSROOTS_BASE_URL.rstrip("/")
    page_url = base + reverse("service:post", args=[post.pk])
    appeal_url = base + reverse("service:post_appeal", args=[post.pk]) + "?qr=1"
    return render(
        request,
        "service/posts/card.html",
        {
            "post": post,
            "page_url": page_url,
            "appeal_url": appeal_url,
            "page_svg": segno.make(page_url, error="m").svg_inline(scale=6, omitsize=True),
            "appeal_svg": segno.make(appeal_url, error="m").svg_inline(scale=5, omitsize=True),
            "service_labels": _service_labels(post.services),
        },
    )


# --- Creating and running a post ------------------------------------------------------


def _chosen_unit(request: HttpRequest, scope: Scope) -> OrgUnit | None:
    """The branch from ?unit= (404 when it is not one the person runs), or the only one."""
    units = policy.units_to_manage(scope)
    if request.GET.get("unit", "").strip():
        return unit_from_parameter(scope, request.GET["unit"], among=units)
    only = list(units[:2])
    return only[0] if len(only) == 1 else None


def _post_values(form: PostForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "name": data["name"],
        "holders": list(data["holders"]),
        "department": data.get("department"),
        "place": data.get("place", ""),
        "promise": data["promise"],
        "services": data["services"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.can_create_somewhere(scope):
        raise Http404
    unit = _chosen_unit(request, scope)
    if unit is None:
        return render(
            request,
            "service/posts/choose_unit.html",
            {"form": UnitChoiceForm(units=policy.units_to_manage(scope))},
        )
    form = PostForm(
        request.POST or None,
        people=selectors.eligible_holders(unit),
        departments=department_choices(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(actor=request.user, unit=unit, **_post_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The post is on the public list."))
            return HttpResponseRedirect(reverse("service:post", args=[post.pk]))
    return render(request, "service/posts/form.html", {"form": form, "unit": unit, "post": None})


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = selectors.get_managed_post(scope_for(request.user), pk)
    if not post.is_active:
        raise Http404
    form = PostForm(
        request.POST or None,
        initial=PostForm.initial_for(post),
        people=selectors.eligible_holders(post.unit),
        departments=department_choices(post.department),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(actor=request.user, post=post, **_post_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The post is updated."))
            return HttpResponseRedirect(reverse("service:post", args=[post.pk]))
    return render(
        request,
        "service/posts/form.html",
        {
            "form": form,
            "unit": post.unit,
            "post": post,
            "crumbs": _post_crumbs(post, ("", _("Edit"))),
        },
    )


@login_required
@require_POST
def post_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = selectors.get_managed_post(scope_for(request.user), pk)
    services.post_deactivate(actor=request.user, post=post)
    messages.success(request, _("The post is deactivated and no longer on the public list."))
    return HttpResponseRedirect(reverse("service:post", args=[post.pk]))


# --- An appeal addressed to the post --------------------------------------------------


@upload_limit(attachment_max_bytes)
@login_required
@require_http_methods(["GET", "POST"])
def post_appeal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The appeal form addressed to a post, its department filled in. Anonymous
    visitors are sent to sign in; the post's page links the anonymous form."""
    scope = scope_for(request.user)
    post = selectors.get_post_for(scope, pk)
    if not policy.may_raise_appeal(scope, post):
        raise Http404
    form = AppealForm(
        request.POST or None,
        request.FILES or None,
        initial={"department": post.department},
        departments=department_choices(post.department),
    )
    from_qr = request.GET.get("qr") == "1" or request.POST.get("from_qr") == "1"
    if request.method == "POST" and form.is_valid():
        try:
            files = files_check(form.cleaned_data.get("attachments") or [])
            draft = form.draft(
                channel=Channel.QR if from_qr else Channel.WEB,
                submitter=request.user,
                files=files,
            )
            result = services.post_appeal_submit(post=post, draft=draft)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if result.repeated:
                messages.info(request, _("This appeal was already sent; here it is."))
            else:
                messages.success(
                    request,
                    _("Your appeal %(number)s has been sent to the post “%(name)s”.")
                    % {"number": result.appeal.number, "name": post.name},
                )
            return HttpResponseRedirect(
                reverse("appeals:mine_detail", args=[result.appeal.public_id])
            )
    return render(
        request,
        "service/posts/appeal.html",
        {
            "post": post,
            "form": form,
            "from_qr": from_qr,
            "anonymous_url": _anonymous_url(post),
            "crumbs": _post_crumbs(post, ("", _("Raise an appeal"))),
        },
    )


# --- The rota and visits of a mobile post ---------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Plan a visit (officers), or — with ?held=1 — record one that was not on the rota
    (holders and officers)."""
    scope = scope_for(request.user)
    post = selectors.get_post_for(scope, pk)
    held = request.GET.get("held") == "1"
    allowed = policy.can_record_visits(scope, post) if held else policy.can_plan_visits(scope, post)
    if not allowed:
        raise Http404
    form_class = VisitAddForm if held else VisitPlanForm
    form = form_class(
        request.POST or None,
        initial={"date": timezone.localdate(), "department": post.department},
        people=selectors.visit_people(post),
        departments=department_choices(post.department),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "actor": request.user,
            "post": post,
            "date": data["date"],
            "department": data["department"],
            "members": list(data["members"]),
        }
        try:
            if held:
                visit = services.post_visit_add(**values, heard=data["heard"], done=data["done"])
            else:
                visit = services.post_visit_plan(**values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The visit is recorded.") if held else _("The visit is on the rota."),
            )
            target = "service:post_visit" if held else "service:post"
            return HttpResponseRedirect(reverse(target, args=[visit.pk if held else post.pk]))
    return render(
        request,
        "service/posts/visit_form.html",
        {
            "post": post,
            "form": form,
            "held": held,
            "crumbs": _post_crumbs(post, ("", _("Record a visit") if held else _("Plan a visit"))),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def visit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A visit's full record, for the post's holders and officers; recording it here."""
    scope = scope_for(request.user)
    visit = selectors.get_visit_for(scope, pk)
    post = visit.post
    may_record = policy.can_record_visits(scope, post) and (
        visit.status != PostVisit.Status.CANCELLED
    )
    if request.method == "POST" and not may_record:
        raise Http404
    form = VisitRecordForm(
        request.POST or None,
        initial={
            "members": [member.pk for member in visit.members.all()],
            "heard": visit.heard,
            "done": visit.done,
        },
        people=selectors.visit_people(post),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.post_visit_record(
                actor=request.user,
                visit=visit,
                heard=data["heard"],
                done=data["done"],
                members=list(data["members"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The visit is recorded."))
            return HttpResponseRedirect(reverse("service:post_visit", args=[visit.pk]))
    appeals = selectors.visit_appeals(visit)
    return render(
        request,
        "service/posts/visit_detail.html",
        {
            "visit": visit,
            "post": post,
            "form": form,
            "may_record": may_record and visit.date <= timezone.localdate(),
            "may_cancel": policy.can_plan_visits(scope, post)
            and visit.status == PostVisit.Status.PLANNED,
            "appeals": [(appeal, appeals_policy.can_work_on(scope, appeal)) for appeal in appeals],
            "crumbs": _post_crumbs(post, ("", _("Visit of %(date)s") % {"date": visit.date})),
        },
    )


@login_required
@require_POST
def visit_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    visit = selectors.get_visit_for(scope, pk)
    if not policy.can_plan_visits(scope, visit.post):
        raise Http404
    try:
        services.post_visit_cancel(actor=request.user, visit=visit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("service:post_visit", args=[visit.pk]))
    messages.success(request, _("The visit is cancelled."))
    return HttpResponseRedirect(reverse("service:post", args=[visit.post.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def visit_appeal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Turn what was heard on a visit into an appeal, in one step."""
    scope = scope_for(request.user)
    visit = selectors.get_visit_for(scope, pk)
    if not policy.can_record_visits(scope, visit.post) or visit.status != PostVisit.Status.HELD:
        raise Http404
    form = VisitAppealForm(request.POST or None, initial={"description": visit.heard})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.post_visit_appeal_submit(
                actor=request.user,
                visit=visit,
                category=data["category"],
                title=data["title"],
                description=data["description"],
                urgency=data["urgency"],
                worker=data.get("employee_number"),
                idempotency_key=data.get("idempotency_key") or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Appeal %(number)s is raised and linked to this visit.")
                % {"number": result.appeal.number},
            )
            return HttpResponseRedirect(reverse("service:post_visit", args=[visit.pk]))
    return render(
        request,
        "service/posts/visit_appeal.html",
        {
            "visit": visit,
            "post": visit.post,
            "form": form,
            "crumbs": _post_crumbs(
                visit.post,
                (
                    reverse("service:post_visit", args=[visit.pk]),
                    _("Visit of %(date)s") % {"date": visit.date},
                ),
                ("", _("Turn into an appeal")),
            ),
        },
    )
