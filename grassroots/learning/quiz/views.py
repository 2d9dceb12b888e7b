"""Quiz pages: a learner answers a course's quiz and sees what was right, why, and may
answer again; the course's authors write the questions and see, per question, how many
answered and the share right — never who, never a ranking."""

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
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.forms import add_service_errors
from grassroots.learning import policy
from grassroots.learning import selectors as learning
from grassroots.learning.quiz import selectors, services
from grassroots.learning.quiz.forms import AnswerForm, QuestionForm


def _learners_course(request: AuthenticatedRequest, pk: int) -> tuple[Any, Any]:
    """The course when it is one of the person's own; 404 otherwise (as if missing)."""
    member = learning.learner_of(request.user)
    if member is None:
        raise Http404
    course = (
        learning.courses_for(member, today=timezone.localdate())
        .prefetch_related(None)  # its materials are not shown here
        .filter(pk=pk)
        .first()
    )
    if course is None:
        raise Http404
    return member, course


@login_required
@require_http_methods(["GET", "POST"])
def quiz(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    member, course = _learners_course(request, pk)
    questions = selectors.questions_of(course)
    if not questions:
        raise Http404
    studied = selectors.has_completed(member, course)
    answers = selectors.answers_of(member, course) if studied else {}
    answering = studied and (request.method == "POST" or "again" in request.GET or not answers)
    data = request.POST if request.method == "POST" else None
    form = AnswerForm(data, questions=questions) if answering else None
    if request.method == "POST":
        if not studied or form is None:
            raise Http404
        if form.is_valid():
            try:
                right = services.quiz_answer(
                    actor=request.user, member=member, course=course, answers=form.answers()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Answered: %(right)d of %(count)d right. Only you see this.")
                    % {"right": right, "count": len(questions)},
                )
                return HttpResponseRedirect(reverse("learning:quiz", args=[course.pk]))
    return render(
        request,
        "learning/quiz.html",
        {
            "course": course,
            "studied": studied,
            "form": form,
            "results": None if answering else selectors.results(questions, answers),
        },
    )


def _authors_course(request: AuthenticatedRequest, pk: int) -> Any:
    scope = scope_for(request.user)
    course = learning.course_by_id(pk)
    if course is None or not policy.can_author(scope, course.unit.path):
        raise Http404
    return course


@login_required
@require_http_methods(["GET", "POST"])
def quiz_manage(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = _authors_course(request, pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.quiz_question_add(
                actor=request.user,
                course=course,
                text=data["text"],
                choices=form.choices(),
                right=data["right"],
                explanation=data["explanation"],
            )
        except ValidationError as error:
            problems = error.message_dict
            if "choices" in problems:  # shown at the first choice box, linked from the summary
                problems["choice_0"] = problems.pop("choices")
            add_service_errors(form, ValidationError(problems))
        else:
            messages.success(request, _("The question is added."))
            return HttpResponseRedirect(reverse("learning:quiz_manage", args=[course.pk]))
    return render(
        request,
        "learning/quiz_manage.html",
        {"course": course, "form": form, "summary": selectors.summary(course)},
    )


@login_required
@require_POST
def quiz_question_remove(request: AuthenticatedRequest, pk: int, question_pk: int) -> HttpResponse:
    course = _authors_course(request, pk)
    question = selectors.question_by_id(course, question_pk)
    if question is None:
        raise Http404
    services.quiz_question_remove(actor=request.user, question=question)
    messages.success(request, _("The question is removed, with the answers given to it."))
    return HttpResponseRedirect(reverse("learning:quiz_manage", args=[course.pk]))
