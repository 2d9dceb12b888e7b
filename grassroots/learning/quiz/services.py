"""Writes of a course's quiz: an author adds or removes a question; a learner who has
studied the course answers (again, as often as they like). Atomic and audited; nothing
half-saved. Completion and hours are never touched here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record
from grassroots.core.locking import locked
from grassroots.learning.models import (
    CHOICE_MAX,
    EXPLANATION_MAX,
    QUESTION_MAX,
    Course,
    CourseCompletion,
    QuizAnswer,
    QuizChoice,
    QuizQuestion,
)

if TYPE_CHECKING:
    from grassroots.orgs.models import Member

CHOICES_MIN, CHOICES_MAX = 2, 5
QUESTIONS_MAX = 20


def question_errors(
    *, text: str, choices: Sequence[str], right: int | None, explanation: str
) -> dict[str, str]:
    """What is wrong with a question: its text, 2–5 different choices, exactly one of
    them right (`right` is its place among the choices given, from 0)."""
    errors: dict[str, str] = {}
    if not text.strip():
        errors["text"] = _("Write the question.")
    elif len(text) > QUESTION_MAX:
        errors["text"] = _("Keep this to %(max)d characters.") % {"max": QUESTION_MAX}
    if len(explanation) > EXPLANATION_MAX:
        errors["explanation"] = _("Keep this to %(max)d characters.") % {"max": EXPLANATION_MAX}
    given = [choice.strip() for choice in choices]
    if any(not choice for choice in given) or not CHOICES_MIN <= len(given) <= CHOICES_MAX:
        errors["choices"] = _("Give from %(min)d to %(max)d choices.") % {
            "min": CHOICES_MIN,
            "max": CHOICES_MAX,
        }
    elif any(len(choice) > CHOICE_MAX for choice in given):
        errors["choices"] = _("Keep each choice to %(max)d characters.") % {"max": CHOICE_MAX}
    elif len(set(given)) != len(given):
        errors["choices"] = _("Each choice must be different.")
    if right is None or not 0 <= right < len(given):
        errors["right"] = _("Say which one choice is right.")
    return errors


def quiz_question_add(
    *,
    actor: Any,
    course: Course,
    text: str,
    choices: Sequence[str],
    right: int | None,
    explanation: str = "",
) -> QuizQuestion:
    """Add a question at the end of the course's quiz. The caller checks the actor may
    author the course (policy.can_author)."""
    errors = question_errors(text=text, choices=choices, right=right, explanation=explanation)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        course = locked(course)  # two authors adding at once get different places
        last = course.questions.aggregate(last=Max("position"))["last"] or 0
        if course.questions.count() >= QUESTIONS_MAX:
            raise ValidationError(
                {"text": _("A quiz has at most %(max)d questions.") % {"max": QUESTIONS_MAX}}
            )
        question = QuizQuestion.objects.create(
            course=course,
            position=last + 1,
            text=text.strip(),
            explanation=explanation.strip(),
            created_by=actor,
        )
        QuizChoice.objects.bulk_create(
            [
                QuizChoice(
                    question=question,
                    position=number,
                    text=choice.strip(),
                    is_right=number == right,
                )
                for number, choice in enumerate(choices)
            ]
        )
        audit_record(
            actor=actor,
            action="learning.quiz_question_add",
            target=question,
            after={"course": course.pk, "text": question.text, "choices": len(choices)},
            org_path=course.unit.path,
        )
    return question


def quiz_question_remove(*, actor: Any, question: QuizQuestion) -> None:
    """Remove a question, its choices and the answers given to it."""
    with transaction.atomic():
        course = locked(question.course)
        audit_record(
            actor=actor,
            action="learning.quiz_question_remove",
            target=question,
            before={"course": course.pk, "text": question.text},
            org_path=course.unit.path,
        )
        question.delete()


def quiz_answer(
    *, actor: Any, member: Member, course: Course, answers: Mapping[int, int | None]
) -> int:
    """A learner's answers (question id → choice id) to the course's whole quiz; each
    replaces their answer before. Only someone who has completed the course answers
    (the caller has checked it is one of theirs). Returns how many were right; the
    number is theirs alone and changes nothing else."""
    if not CourseCompletion.objects.filter(member=member, course=course).exists():
        raise ValidationError(_("Study every material of the course before its quiz."))
    questions = list(course.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This course has no quiz."))
    errors: dict[str, str] = {}
    chosen: dict[int, QuizChoice] = {}
    for question in questions:
        by_id = {choice.pk: choice for choice in question.choices.all()}
        picked = answers.get(question.pk)
        if picked is None or picked not in by_id:
            errors[f"q{question.pk}"] = _("Choose an answer.")
        else:
            chosen[question.pk] = by_id[picked]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        for question in questions:
            QuizAnswer.objects.update_or_create(
                member=member,
                question=question,
                defaults={"choice": chosen[question.pk], "answered_at": now},
            )
        audit_record(
            actor=actor,
            action="learning.quiz_answer",
            target=course,
            extra={"questions": len(questions)},
        )
    return sum(1 for choice in chosen.values() if choice.is_right)
