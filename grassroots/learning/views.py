"""Learning pages: my learning, a material, my training hours, training elsewhere, the
officers' view of a unit (counts below target, never a ranking), and the officers'
materials and courses."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts import selectors as accounts
from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.forms import add_service_errors
from grassroots.core.periods import EARLIEST_YEAR
from grassroots.core.request_values import object_id, positive_int
from grassroots.core.upload_limits import upload_limit
from grassroots.learning import policy, selectors, services
from grassroots.learning.forms import CourseForm, ExternalTrainingForm, MaterialForm
from grassroots.learning.vocabulary import HoursSource
from grassroots.orgs import selectors as orgs

LIST_CAP = 200


def _year(request: HttpRequest, today: datetime.date) -> int:
    year = positive_int(request.GET.get("year"), maximum=today.year)
    return year if year is not None and year >= EARLIEST_YEAR else today.year


def _may_open_or_404(request: AuthenticatedRequest) -> Any:
    scope = scope_for(request.user)
    if not policy.may_open(scope):
        raise Http404
    return scope


@login_required
@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    scope = _may_open_or_404(request)
    today = timezone.localdate()
    member = selectors.learner_of(request.user)
    courses = selectors.my_courses(member, today=today) if member is not None else []
    hours = selectors.hours_of(member, year=today.year, today=today) if member is not None else None
    return render(
        request,
        "learning/mine.html",
        {
            "courses": courses,
            "hours": hours,
            "may_author": policy.may_author(scope),
            "oversees": scope.is_officer or scope.is_admin,
        },
    )


def _material_for(request: AuthenticatedRequest, pk: int) -> tuple[Any, Any, bool]:
    """The material, the learner (or None) and whether the viewer authors it; 404 when
    the viewer is neither in a course of it nor an author over it."""
    scope = scope_for(request.user)
    material = selectors.material_by_id(pk)
    if material is None:
        raise Http404
    today = timezone.localdate()
    member = selectors.learner_of(request.user)
    learns = selectors.material_for_learner(member, pk, today=today) is not None
    authors = policy.can_author(scope, material.unit.path)
    if not (learns or authors):
        raise Http404
    return material, (member if learns else None), authors


@login_required
@require_GET
def material(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item, member, authors = _material_for(request, pk)
    studied = member is not None and bool(selectors.studied_ids(member, [item.pk]))
    return render(
        request,
        "learning/material.html",
        {
            "material": item,
            "learner": member,
            "studied": studied,
            "authors": authors,
            "playable": item.content_type.split("/")[0]
            if item.file and item.content_type.startswith(("video/", "audio/"))
            else "",
        },
    )


@login_required
@require_POST
def material_studied(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item, member, _authors = _material_for(request, pk)
    if member is None:
        raise Http404
    completed = services.study_mark(actor=request.user, member=member, material=item)
    messages.success(request, _("Noted: you have studied “%(title)s”.") % {"title": item.title})
    for course in completed:
        messages.success(
            request, _("You have completed the course “%(title)s”.") % {"title": course.title}
        )
    return HttpResponseRedirect(reverse("learning:material", args=[item.pk]))


def _file_response(
    field: Any, name: str, content_type: str, *, inline: bool = False
) -> FileResponse:
    response = FileResponse(
        field.open("rb"), as_attachment=not inline, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def material_file(request: AuthenticatedRequest, pk: int) -> FileResponse:
    item, _member, _authors = _material_for(request, pk)
    if not item.file:
        raise Http404
    # video and audio are played on the material's page (<video>/<audio> fetch them)
    playable = item.content_type.startswith(("video/", "audio/"))
    return _file_response(item.file, item.file_name, item.content_type, inline=playable)


@login_required
@require_GET
def hours(request: AuthenticatedRequest) -> HttpResponse:
    _may_open_or_404(request)
    today = timezone.localdate()
    member = selectors.learner_of(request.user)
    if member is None:
        raise Http404
    year = _year(request, today)
    found = selectors.hours_of(member, year=year, today=today)
    labels = dict(HoursSource.choices)
    return render(
        request,
        "learning/hours.html",
        {
            "hours": found,
            "year": year,
            "years": list(range(today.year, max(EARLIEST_YEAR, today.year - 4) - 1, -1)),
            "rows": [(line, labels.get(line.source, "")) for line in found.lines],
        },
    )


@login_required
@require_GET
def unit_view(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_officer or scope.is_admin):
        raise Http404
    today = timezone.localdate()
    units = policy.units_to_author(scope)
    unit_id = object_id(request.GET.get("unit"))
    if unit_id is not None:
        unit = units.filter(pk=unit_id).first()
        if unit is None:
            raise Http404
    else:
        unit = units.first()
        if unit is None:
            raise Http404
    year = _year(request, today)
    progress = selectors.unit_progress(unit, year=year, today=today)
    return render(
        request,
        "learning/unit.html",
        {
            "progress": progress,
            "units": orgs.unit_choice_rows(units, unit),
            "year": year,
            "years": list(range(today.year, max(EARLIEST_YEAR, today.year - 4) - 1, -1)),
            "show_names": policy.can_see_names_below_target(scope, unit.path),
        },
    )


def _author_scope(request: AuthenticatedRequest) -> Any:
    scope = scope_for(request.user)
    if not policy.may_author(scope):
        raise Http404
    return scope


@login_required
@require_GET
def manage(request: AuthenticatedRequest) -> HttpResponse:
    scope = _author_scope(request)
    return render(
        request,
        "learning/manage.html",
        {
            "courses": selectors.authored_courses(scope.officer_paths, is_admin=scope.is_admin)[
                :LIST_CAP
            ],
            "materials": selectors.authored_materials(scope.officer_paths, is_admin=scope.is_admin)[
                :LIST_CAP
            ],
        },
    )


def _saved(
    request: HttpRequest, form: forms.Form, save: Callable[[dict[str, Any]], Any], done: str
) -> Any:
    """What the service returned, when the form was posted, is valid and the service
    accepted it (with `done` said to the person); None otherwise, with the service's
    refusal on the form's fields."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, done)
    return saved


def _material_form_page(request: HttpRequest, form: forms.Form, item: Any) -> HttpResponse:
    return render(
        request,
        "learning/material_form.html",
        {"form": form, "material": item, "media_max_mb": services.media_max_bytes() // 2**20},
    )


@login_required
@require_http_methods(["GET", "POST"])
@upload_limit(services.file_max_bytes)
def material_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = _author_scope(request)
    form = MaterialForm(
        request.POST or None, request.FILES or None, units=policy.units_to_author(scope)
    )
    item = _saved(
        request,
        form,
        lambda data: services.material_create(
            actor=request.user,
            unit=data["unit"],
            title=data["title"],
            kind=data["kind"],
            url=data["url"],
            body=data["body"],
            plain_text=data["plain_text"],
            upload=data.get("file"),
            idempotency_key=data.get("idempotency_key") or None,
        ),
        _("The material is saved."),
    )
    if item is not None:
        return HttpResponseRedirect(reverse("learning:material", args=[item.pk]))
    return _material_form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
@upload_limit(services.file_max_bytes)
def material_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = _author_scope(request)
    item = selectors.material_by_id(pk)
    if item is None or not policy.can_author(scope, item.unit.path):
        raise Http404
    form = MaterialForm(
        request.POST or None,
        request.FILES or None,
        units=policy.units_to_author(scope),
        editing=True,
        initial={
            "title": item.title,
            "url": item.url,
            "body": item.body,
            "plain_text": item.plain_text,
        },
    )
    saved = _saved(
        request,
        form,
        lambda data: services.material_update(
            actor=request.user,
            material=item,
            title=data["title"],
            url=data["url"],
            body=data["body"],
            plain_text=data["plain_text"],
            upload=data.get("file"),
        ),
        _("The material is saved."),
    )
    if saved is not None:
        return HttpResponseRedirect(reverse("learning:material", args=[item.pk]))
    return _material_form_page(request, form, item)


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = _author_scope(request)
    materials = selectors.authored_materials(scope.officer_paths, is_admin=scope.is_admin)
    form = CourseForm(
        request.POST or None, units=policy.units_to_author(scope), materials=materials
    )
    course = _saved(
        request,
        form,
        lambda data: services.course_create(
            actor=request.user,
            unit=data["unit"],
            title=data["title"],
            description=data["description"],
            hours=data["hours"],
            audience=data["audience"],
            materials=list(data["materials"]),
            named=services.employee_numbers(data["named"]),
            idempotency_key=data.get("idempotency_key") or None,
        ),
        _("The course is saved: its audience sees it now."),
    )
    if course is not None:
        return HttpResponseRedirect(reverse("learning:course_edit", args=[course.pk]))
    return render(request, "learning/course_form.html", {"form": form, "course": None})


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = _author_scope(request)
    course = selectors.course_by_id(pk)
    if course is None or not policy.can_author(scope, course.unit.path):
        raise Http404
    materials = selectors.authored_materials(scope.officer_paths, is_admin=scope.is_admin)
    form = CourseForm(
        request.POST or None,
        units=policy.units_to_author(scope),
        materials=materials,
        editing=True,
        initial={
            "title": course.title,
            "description": course.description,
            "hours": course.hours,
            "audience": course.audience,
            "materials": [item.material_id for item in course.items.all()],
            "named": "\n".join(selectors.named_numbers(course)),
        },
    )
    saved = _saved(
        request,
        form,
        lambda data: services.course_update(
            actor=request.user,
            course=course,
            title=data["title"],
            description=data["description"],
            hours=data["hours"],
            audience=data["audience"],
            materials=list(data["materials"]),
            named=services.employee_numbers(data["named"]),
        ),
        _("The course is saved."),
    )
    if saved is not None:
        return HttpResponseRedirect(reverse("learning:course_edit", args=[course.pk]))
    return render(request, "learning/course_form.html", {"form": form, "course": course})


@login_required
@require_http_methods(["GET", "POST"])
@upload_limit(services.document_max_bytes)
def external(request: AuthenticatedRequest) -> HttpResponse:
    scope = _may_open_or_404(request)
    member = selectors.learner_of(request.user)
    for_others = scope.is_officer
    if member is None and not for_others:
        raise Http404
    form = ExternalTrainingForm(request.POST or None, request.FILES or None, for_others=for_others)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = member
        if data.get("person"):
            user = accounts.user_by_employee_number(data["person"])
            person = orgs.active_member_of_user(user) if user is not None else None
            if person is None or not policy.can_enter_training_for(
                scope, member_id=person.pk, branch_path=person.branch.path
            ):
                form.add_error(
                    "person", _("No member with that number in the organisations you oversee.")
                )
                person = None
        elif person is None:
            form.add_error("person", _("Give the employee number of the person."))
        if person is not None:
            try:
                services.external_training_add(
                    actor=request.user,
                    member=person,
                    title=data["title"],
                    hours=data["hours"],
                    taken_on=data["taken_on"],
                    certificate=data.get("certificate"),
                    idempotency_key=data.get("idempotency_key") or None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The training is recorded with its certificate."))
                return HttpResponseRedirect(reverse("learning:external"))
    records = list(selectors.external_training_of(member)[:LIST_CAP]) if member is not None else []
    return render(request, "learning/external.html", {"form": form, "records": records})


@login_required
@require_GET
def certificate(request: AuthenticatedRequest, pk: int) -> FileResponse:
    scope = scope_for(request.user)
    record = selectors.external_training_by_id(pk)
    if record is None or not policy.can_see_hours_of(
        scope, member_id=record.member_id, branch_path=record.member.branch.path
    ):
        raise Http404
    return _file_response(record.certificate, record.certificate_name, record.content_type)
