"""The development pipeline of a branch, and one person's 25 steps."""

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
from grassroots.orglife import policy
from grassroots.orglife.development import rules, selectors, services
from grassroots.orglife.development.forms import ExtensionForm, StepForm
from grassroots.orgs import selectors as orgs
from grassroots.orgs.selectors import get_unit_for
from grassroots.orgs.vocabulary import MemberStage, UnitKind


@login_required
@require_GET
def board(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    branch = get_unit_for(scope, pk)
    if branch.kind != UnitKind.BRANCH or not policy.can_manage_development(scope, branch):
        raise Http404
    today = timezone.localdate()
    pipeline = selectors.pipeline(branch, today=today)
    stages = [
        (stage, MemberStage(stage).label, pipeline[stage])
        for stage in (*selectors.PIPELINE_STAGES, "full")
        if stage != "full" or pipeline["full"]  # full members only while steps remain
    ]
    return render(
        request,
        "orglife/development_board.html",
        {
            "branch": branch,
            "stages": stages,
            "reserve": selectors.reserve_force(pipeline, today=today),
            "overdue": sum(e.overdue for entries in pipeline.values() for e in entries),
            "reserve_age": selectors.RESERVE_AGE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    member = orgs.member_by_id(pk)
    if member is None or not policy.can_manage_development(scope, member.branch):
        raise Http404
    today = timezone.localdate()
    progress, rows = selectors.person(member, today=today)
    form = None
    if progress.next_step is not None:
        action = request.POST.get("action") if request.method == "POST" else None
        form = StepForm(
            request.POST if action == "step" else None,
            step=progress.next_step,
            member=member,
            initial={"done_on": today},
        )
        if action == "step" and form.is_valid():
            data = form.cleaned_data
            try:
                record = services.step_record(
                    actor=request.user,
                    member=member,
                    step=progress.next_step,
                    done_on=data["done_on"],
                    people=list(data.get("people") or []),
                    notes=data.get("notes", ""),
                    training_days=data.get("training_days") or 0,
                    training_hours=data.get("training_hours") or 0,
                    notice_from=data.get("notice_from"),
                    notice_to=data.get("notice_to"),
                    meeting=data.get("meeting"),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Step %(n)s recorded.") % {"n": record.step})
                for warning in record.warnings:
                    messages.warning(request, warning)
                return HttpResponseRedirect(reverse("orglife:development_person", args=[pk]))
    extension_form = None
    if member.stage == MemberStage.PROBATIONARY and not hasattr(member, "probation_extension"):
        action = request.POST.get("action") if request.method == "POST" else None
        extension_form = ExtensionForm(
            request.POST if action == "extend" else None, prefix="extend"
        )
        if action == "extend" and extension_form.is_valid():
            try:
                services.probation_extend(
                    actor=request.user, member=member, **extension_form.cleaned_data
                )
            except ValidationError as error:
                extension_form.add_error(None, error)
            else:
                messages.success(request, _("The probation is extended."))
                return HttpResponseRedirect(reverse("orglife:development_person", args=[pk]))
    return render(
        request,
        "orglife/development_person.html",
        {
            "member": member,
            "progress": progress,
            "by_stage": [
                (number, label, [row for row in rows if row[1] == number])
                for number, label in rules.STAGES.items()
            ],
            "form": form,
            "extension_form": extension_form,
            "next_name": progress.next_name,
        },
    )
