"""The public-notice (公示) pages: the notices running now, and one notice with its
objections."""

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
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.forms import add_service_errors
from grassroots.core.request_values import object_id
from grassroots.orgs.publicity import policy, selectors, services
from grassroots.orgs.publicity.forms import AnswerForm, ObjectionForm


@login_required
@require_GET
def notice_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every notice running now, for everyone signed in, and those closed lately."""
    current, closed = selectors.public_notices(today=timezone.localdate())
    return render(request, "orgs/publicity/list.html", {"current": current, "closed": closed})


@login_required
@require_http_methods(["GET", "POST"])
def notice_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A notice: anyone signed in reads it and objects while it runs; the publishing
    organisation's officers read the objections and answer them."""
    scope = scope_for(request.user)
    notice = selectors.notice_for_page(pk)
    if notice is None or not policy.can_read(scope):
        raise Http404
    today = timezone.localdate()
    answers = policy.can_answer(scope, notice)
    url = reverse("orgs:publicity_notice", args=[notice.pk])
    objection_form = ObjectionForm(prefix="objection")
    answer_form: AnswerForm | None = None
    failed_id: int | None = None
    action = request.POST.get("action")
    if request.method == "POST" and action == "object":
        objection_form = ObjectionForm(request.POST, prefix="objection")
        if objection_form.is_valid():
            try:
                services.objection_lodge(
                    actor=request.user,
                    notice=notice,
                    text=objection_form.cleaned_data["text"],
                    anonymous=objection_form.cleaned_data["anonymous"],
                    today=today,
                )
            except ValidationError as error:
                add_service_errors(objection_form, error)
            else:
                messages.success(request, _("Your objection is recorded. It will be answered."))
                return HttpResponseRedirect(url)
    elif request.method == "POST" and action == "answer":
        if not answers:
            raise Http404
        objection = selectors.objection_of_notice(notice, object_id(request.POST.get("objection")))
        if objection is None:
            raise Http404
        answer_form = AnswerForm(request.POST, prefix=f"answer-{objection.pk}")
        failed_id = objection.pk
        if answer_form.is_valid():
            try:
                services.objection_answer(
                    actor=request.user,
                    objection=objection,
                    answer=answer_form.cleaned_data["answer"],
                )
            except ValidationError as error:
                add_service_errors(answer_form, error)
            else:
                messages.success(request, _("The answer is recorded."))
                return HttpResponseRedirect(url)
    elif request.method == "POST":
        raise Http404
    context: dict[str, Any] = {
        "notice": notice,
        "state": selectors.notice_state_of(notice, today=today),
        "objection_form": objection_form,
        "answers": answers,
        "mine": list(selectors.objections_of(notice, request.user.pk)),
    }
    if answers:
        context["objections"] = [
            (
                objection,
                answer_form
                if answer_form is not None and objection.pk == failed_id
                else AnswerForm(prefix=f"answer-{objection.pk}"),
            )
            for objection in selectors.notice_objections(notice)
        ]
    return render(request, "orgs/publicity/detail.html", context)
