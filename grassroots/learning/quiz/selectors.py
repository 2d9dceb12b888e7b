"""Reads of a course's quiz: its questions in order, a learner's own latest answers,
and for the authors per question how many answered and the share right (no person)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q

from grassroots.learning.models import (
    Course,
    CourseCompletion,
    QuizAnswer,
    QuizChoice,
    QuizQuestion,
)

if TYPE_CHECKING:
    from grassroots.orgs.models import Member


def questions_of(course: Course) -> list[QuizQuestion]:
    """The quiz's questions in order with their choices in order. Two queries."""
    return list(
        course.questions.order_by("position").prefetch_related(
            Prefetch("choices", queryset=QuizChoice.objects.order_by("position"))
        )
    )


def question_by_id(course: Course, pk: int) -> QuizQuestion | None:
    return course.questions.filter(pk=pk).first()


def has_completed(member: Member, course: Course) -> bool:
    return CourseCompletion.objects.filter(member=member, course=course).exists()


def answers_of(member: Member, course: Course) -> dict[int, int]:
    """The learner's latest answers: question id → choice id."""
    return dict(
        QuizAnswer.objects.filter(member=member, question__course=course).values_list(
            "question_id", "choice_id"
        )
    )


@dataclass(frozen=True)
class QuestionResult:
    question: QuizQuestion
    chosen: QuizChoice | None
    right: QuizChoice | None

    @property
    def is_right(self) -> bool:
        return self.chosen is not None and self.chosen.is_right


def results(questions: list[QuizQuestion], answers: dict[int, int]) -> list[QuestionResult]:
    found = []
    for question in questions:
        choices = list(question.choices.all())
        found.append(
            QuestionResult(
                question,
                next((c for c in choices if c.pk == answers.get(question.pk)), None),
                next((c for c in choices if c.is_right), None),
            )
        )
    return found


# Below this many answers the share right is not shown: an officer who knows the one or
# two people who answered would read their answers from it (as the rates' "too few").
FEWEST_TO_SHOW = 5


@dataclass(frozen=True)
class QuestionSummary:
    """How one question was answered, over everyone's latest answers: never who."""

    question: QuizQuestion
    answered: int
    right: int

    @property
    def percent_right(self) -> int | None:
        """The share right, to the nearest 10 %: one more answer seldom moves it, so an
        officer who knows who answered last cannot read that person's answer from it."""
        if self.answered < FEWEST_TO_SHOW:
            return None
        return round(self.right * 10 / self.answered) * 10

    @property
    def answered_shown(self) -> str:
        """How many answered, in steps of five ("10+"), for the same reason."""
        if self.answered < FEWEST_TO_SHOW:
            return str(self.answered)
        return f"{self.answered // FEWEST_TO_SHOW * FEWEST_TO_SHOW}+"


def summary(course: Course) -> list[QuestionSummary]:
    """Per question, in order: how many answered, how many of them rightly. One query."""
    rows = course.questions.order_by("position").annotate(
        answered=Count("answers"), right=Count("answers", filter=Q(answers__choice__is_right=True))
    )
    return [QuestionSummary(row, row.answered, row.right) for row in rows]


def quiz_course_ids(course_ids: list[int]) -> set[int]:
    """Which of these courses have a quiz. One query."""
    return set(
        QuizQuestion.objects.filter(course_id__in=course_ids)
        .values_list("course_id", flat=True)
        .distinct()
    )
