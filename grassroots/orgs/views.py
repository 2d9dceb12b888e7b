"""Pages for Party organisations, departments, member records and imports.

Each view: parse input → one access check (policy) → one service or selector → render.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts import selectors as accounts
from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.downloads import xlsx_response
from grassroots.core.pagination import SeekPaginator
from grassroots.core.upload_limits import upload_limit
from grassroots.orgs import exporting, health, importing, policy, rules, selectors, services
from grassroots.orgs.forms import (
    ImportForm,
    MemberFilterForm,
    MemberForm,
    PostAssignForm,
    PostEndForm,
    UnitForm,
)
from grassroots.orgs.models import ImportBatch, Member, OrgPost, OrgUnit


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"url": url, "label": label} for url, label in pairs]


# --- The Party tree and a unit's page ---------------------------------------------------


@login_required
@require_GET
def tree(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(request, "orgs/tree.html", {"nodes": selectors.unit_tree(scope)})


@login_required
@require_GET
def unit_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    unit = selectors.get_unit_for(scope, pk)
    details = policy.can_view_unit_details(scope, unit)
    children = selectors.unit_children(unit)
    context: dict[str, Any] = {
        "unit": unit,
        "details": details,
        "posts": selectors.unit_posts(unit),
        "children": children,
        "can_manage": policy.can_manage_unit(scope, unit),
        "crumbs": _crumbs((reverse("orgs:tree"), _("Party organisations")), ("", unit.name)),
        "record_sections": selectors.unit_record_sections(unit),
    }
    if details:
        today = timezone.localdate()
        warnings = health.units_health([unit, *children], today=today)
        context |= {
            "warnings": [(w.severity, health.describe(w)) for w in warnings.get(unit.pk, [])],
            "child_warnings": [
                {
                    "unit": child,
                    "warnings": [(w.severity, health.describe(w)) for w in warnings[child.pk]],
                }
                for child in children
                if warnings.get(child.pk)
            ],
            "stage_counts": [
                (Member.Stage(stage).label, count)
                for stage, count in selectors.unit_stage_counts(unit).items()
            ],
            "departments": list(unit.departments.all()) if unit.is_branch else [],
        }
        if unit.kind in (OrgUnit.Kind.BRANCH, OrgUnit.Kind.GROUP):
            context["unit_members"] = selectors.group_of_members(unit)
    return render(request, "orgs/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    unit = selectors.get_unit_for(scope, pk)
    if not policy.can_manage_unit(scope, unit):
        raise Http404
    initial = {
        "name": unit.name,
        "founded_on": unit.founded_on,
        "term_ends_on": unit.term_ends_on,
        "departments": list(unit.departments.all()),
        "is_joint": unit.is_joint,
        "is_temporary": unit.is_temporary,
        "dissolved_on": unit.dissolved_on,
    }
    form = UnitForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        departments = values.pop("departments", None)
        try:
            services.orgunit_update(
                actor=request.user, unit=unit, departments=departments, **values
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The organisation's details have been saved."))
            return HttpResponseRedirect(reverse("orgs:unit_detail", args=[unit.pk]))
    return render(
        request,
        "orgs/unit_edit.html",
        {
            "unit": unit,
            "form": form,
            "crumbs": _crumbs(
                (reverse("orgs:tree"), _("Party organisations")),
                (reverse("orgs:unit_detail", args=[unit.pk]), unit.name),
                ("", _("Edit")),
            ),
        },
    )


def _post_candidates(unit: OrgUnit) -> Any:
    """Party members who may take a post in a unit: those of its subtree (a committee's
    posts are held by members of its branches)."""
    branch_root = unit.parent if unit.kind == OrgUnit.Kind.GROUP else unit
    assert branch_root is not None
    return (
        Member.objects.party_members()
        .filter(branch__path__startswith=branch_root.path)
        .select_related("user")
        .order_by("user__employee_number")
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    unit = selectors.get_unit_for(scope, pk)
    if not policy.can_manage_unit(scope, unit):
        raise Http404
    form = PostAssignForm(
        request.POST or None,
        unit=unit,
        candidates=_post_candidates(unit),
        initial={"starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.orgpost_assign(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The post has been recorded."))
            return HttpResponseRedirect(reverse("orgs:unit_detail", args=[unit.pk]))
    return render(
        request,
        "orgs/post_assign.html",
        {
            "unit": unit,
            "form": form,
            "crumbs": _crumbs(
                (reverse("orgs:tree"), _("Party organisations")),
                (reverse("orgs:unit_detail", args=[unit.pk]), unit.name),
                ("", _("Add a post")),
            ),
        },
    )


@login_required
@require_POST
def post_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    post = OrgPost.objects.select_related("unit").filter(pk=pk).first()
    if post is None or not policy.can_manage_unit(scope, post.unit):
        raise Http404
    form = PostEndForm(request.POST)
    if form.is_valid():
        try:
            services.orgpost_end(
                actor=request.user, post=post, ends_on=form.cleaned_data["ends_on"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The post has been ended."))
    else:
        messages.error(request, _("Give the date on which the post ends."))
    return HttpResponseRedirect(reverse("orgs:unit_detail", args=[post.unit_id]))


# --- Departments ------------------------------------------------------------------------


@login_required
@require_GET
def department_tree(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "orgs/department_tree.html", {"rows": selectors.department_tree()})


# --- Member records ---------------------------------------------------------------------

# The member list counts (and lists) at most this many people; a group committee's whole
# list holds 100,000, and counting them all would cost more than showing a page.
MEMBER_COUNT_CAP = 5_000


def _member_filters(
    request: HttpRequest, scope: Any
) -> tuple[MemberFilterForm, selectors.MemberFilters]:
    form = MemberFilterForm(request.GET or None, units=selectors.filterable_units(scope))
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.MemberFilters(
            q=data["q"],
            stage=data["stage"],
            status=data["status"],
            unit=data["unit"],
            cohort=data["cohort"],
            education=data["education"],
        )
    else:
        filters = selectors.MemberFilters()
    return form, filters


def _member_rows(members: list[Member]) -> list[dict[str, str]]:
    """The cells of the member list, as text, worked out once for the page.

    In the template each row cost a URL reversal and three `get_FOO_display` calls
    (each rebuilds the field's choices dictionary), and a date filter: about 10 ms for
    50 rows. Here the labels are looked up in dictionaries made once per page and the
    detail link is the pattern reversed once; the template only writes (and escapes)
    the text. Same cells as before: the status after the stage when it is not normal,
    "—" for a missing group, birth date or education.
    """
    stages = {value: str(label) for value, label in Member.Stage.choices}
    statuses = {value: str(label) for value, label in Member.Status.choices}
    educations = {value: str(label) for value, label in Member.Education.choices}
    # The detail URL around a placeholder number, then each record's number in its place.
    head, _mark, tail = reverse("orgs:member_detail", args=[_PK_MARK]).partition(str(_PK_MARK))
    rows = []
    for member in members:
        stage = stages.get(member.stage, member.stage)
        if member.status != Member.Status.NORMAL:
            stage += f"（{statuses.get(member.status, member.status)}）"
        born = member.birth_date
        rows.append(
            {
                "url": f"{head}{member.pk}{tail}",
                "name": member.user.name,
                "employee_number": member.user.employee_number,
                "stage": stage,
                "branch": member.branch.name,
                "group": (member.group.name if member.group else "") or "—",
                "born": f"{born.year:04d}-{born.month:02d}" if born else "—",
                "education": educations.get(member.education, member.education) or "—",
            }
        )
    return rows


_PK_MARK = 987654321


@login_required
@require_GET
def member_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.can_list_members(scope):
        raise Http404
    form, filters = _member_filters(request, scope)
    members = selectors.member_list_page(scope, filters)
    paginator = SeekPaginator(
        members, settings.PAGE_SIZE, order=selectors.MEMBER_LIST_ORDER, cap=MEMBER_COUNT_CAP
    )
    page = paginator.seek(request.GET)
    return render(
        request,
        "orgs/member_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": _member_rows(page.object_list),
            "export_query": filters.as_query(),
            "can_create": scope.is_admin or scope.is_officer,
        },
    )


@login_required
@require_GET
def member_export(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.can_list_members(scope):
        raise Http404
    _form, filters = _member_filters(request, scope)
    members = selectors.member_list(scope, filters).iterator(chunk_size=2000)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(exporting.members_workbook(members, scope), f"members-{stamp}.xlsx")


@login_required
@require_GET
def member_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    member = selectors.get_member_for(scope, pk)
    show_id = policy.can_view_id_card_number(scope, member)
    today = timezone.localdate()
    return render(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "id_card_number": member.id_card_number
            if show_id
            else rules.mask_id_card_number(member.id_card_number),
            "age": rules.age_on(member.birth_date, today) if member.birth_date else None,
            "cohort": rules.cohort_label(rules.cohort_key(member.birth_date.year))
            if member.birth_date
            else "",
            "posts": member.posts.filter(ends_on__isnull=True).select_related("unit"),
            "can_edit": policy.can_edit_member(scope, member),
            "transfers": list(member.transfers.select_related("from_branch", "to_branch")),
            "record_sections": selectors.member_record_sections(member),
            "crumbs": _crumbs(
                *(
                    [(reverse("orgs:member_list"), _("Members"))]
                    if policy.can_list_members(scope)
                    else []
                ),
                ("", member.user.name),
            ),
        },
    )


def _member_form_querysets(scope: Any) -> dict[str, Any]:
    units = policy.units_in_oversight(scope).filter(is_active=True)
    return {
        "branches": units.filter(kind=OrgUnit.Kind.BRANCH),
        "groups": units.filter(kind=OrgUnit.Kind.GROUP),
    }


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_admin or scope.is_officer):
        raise Http404
    form = MemberForm(
        request.POST or None,
        initial={
            "stage": Member.Stage.APPLICANT,
            "status": Member.Status.NORMAL,
            "ethnicity": "汉族",
        },
        **_member_form_querysets(scope),
    )
    if request.method == "POST" and form.is_valid():
        user = accounts.user_by_employee_number(
            form.cleaned_data["employee_number"], active_only=False
        )
        if user is None:
            form.add_error("employee_number", _("No employee has this number."))
        else:
            try:
                member = services.member_create(
                    actor=request.user, user=user, **form.member_values()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The member record has been created."))
                return HttpResponseRedirect(reverse("orgs:member_detail", args=[member.pk]))
    return render(
        request,
        "orgs/member_form.html",
        {
            "form": form,
            "title": _("New member record"),
            "crumbs": _crumbs(
                (reverse("orgs:member_list"), _("Members")), ("", _("New member record"))
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    member = selectors.get_member_for(scope, pk)
    if not policy.can_edit_member(scope, member):
        raise Http404
    initial = {name: getattr(member, name) for name in services.MEMBER_FIELDS}
    if not policy.can_view_id_card_number(scope, member):
        initial["id_card_number"] = rules.mask_id_card_number(member.id_card_number)
    form = MemberForm(
        request.POST or None, initial=initial, editing=True, **_member_form_querysets(scope)
    )
    if request.method == "POST" and form.is_valid():
        values = form.member_values()
        if "*" in values.get("id_card_number", ""):
            values.pop("id_card_number")  # left masked: unchanged
        try:
            services.member_update(actor=request.user, member=member, **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The member record has been saved."))
            return HttpResponseRedirect(reverse("orgs:member_detail", args=[member.pk]))
    return render(
        request,
        "orgs/member_form.html",
        {
            "form": form,
            "member": member,
            "title": _("Edit member record: %(name)s") % {"name": member.user.name},
            "crumbs": _crumbs(
                (reverse("orgs:member_list"), _("Members")),
                (reverse("orgs:member_detail", args=[member.pk]), member.user.name),
                ("", _("Edit")),
            ),
        },
    )


# --- Imports ----------------------------------------------------------------------------


def _import_kinds(scope: Any) -> list[str]:
    return [kind for kind in ImportBatch.Kind.values if policy.can_import(scope, kind)]


@upload_limit(lambda: settings.IMPORT_MAX_BYTES)
@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    kinds = _import_kinds(scope)
    if not kinds:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            form.add_error(
                "file",
                _("The file is larger than %(max)s MB; split it into smaller files.")
                % {"max": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        else:
            batch = importing.import_spreadsheet(
                actor=request.user,
                scope=scope,
                kind=form.cleaned_data["kind"],
                data=upload.read(),
                filename=upload.name,
                max_rows=settings.IMPORT_MAX_ROWS,
            )
            return HttpResponseRedirect(reverse("orgs:import_detail", args=[batch.pk]))
    recent = ImportBatch.objects.filter(created_by=request.user).order_by("-created_at")[:10]
    return render(
        request,
        "orgs/import.html",
        {"form": form, "kinds": [ImportBatch.Kind(kind) for kind in kinds], "recent": recent},
    )


def _own_batch(request: AuthenticatedRequest, pk: int) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=pk, created_by=request.user).first()
    if batch is None:
        raise Http404
    return batch


@login_required
@require_GET
def import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    return render(
        request,
        "orgs/import_detail.html",
        {
            "batch": batch,
            "errors": batch.errors[:500],
            "crumbs": _crumbs((reverse("orgs:import"), _("Import")), ("", batch.filename)),
        },
    )


@login_required
@require_GET
def import_report(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = _own_batch(request, pk)
    return xlsx_response(exporting.error_report_workbook(batch), f"import-{batch.pk}-problems.xlsx")


@login_required
@require_GET
def import_template(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    scope = scope_for(request.user)
    if kind not in _import_kinds(scope):
        raise Http404
    return xlsx_response(exporting.template_workbook(kind), f"template-{kind}.xlsx")
