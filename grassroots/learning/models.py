"""Learning (党员教育培训): materials, courses of them, what a person studied, and
training taken elsewhere with its certificate. Training hours are computed from these
and from study meetings attended (selectors), never stored and never time online."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.learning.vocabulary import Audience, MaterialKind

TITLE_MAX = 200
TEXT_MAX = 20000


class Material(models.Model):
    """Something to study. Every material carries a plain-text version (or a summary),
    shown on its page, so that screen-reader users and people who read with difficulty
    can use it whatever its form. Video and audio are by link in this version."""

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("Party organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices)
    file = models.FileField(upload_to="learning/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=100, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    body = models.TextField(_("text"), max_length=TEXT_MAX, blank=True)
    plain_text = models.TextField(_("plain-text version"), max_length=TEXT_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("learning material")
        verbose_name_plural = _("learning materials")
        constraints = [
            models.CheckConstraint(name="material_has_plain_text", condition=~Q(plain_text="")),
        ]

    def __str__(self) -> str:
        return self.title


class Course(models.Model):
    """Materials in order, for an audience within an organisation and those below it.
    Completing it (every material studied) earns its hours in the year it is completed."""

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("Party organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    hours = models.DecimalField(_("training hours"), max_digits=5, decimal_places=1)
    audience = models.CharField(_("for"), max_length=16, choices=Audience.choices)
    materials = models.ManyToManyField(Material, through="CourseMaterial", related_name="courses")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                name="course_hours_in_range", condition=Q(hours__gte=0) & Q(hours__lte=200)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NamedLearner(models.Model):
    """A person a course of the "named people" audience is for: a member record (any
    stage) of the course's organisation or one below it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="named")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "member"], name="named_learner_once"),
        ]
        indexes = [models.Index(fields=["member"], name="named_learner_member_idx")]

    def __str__(self) -> str:
        return f"{self.course_id} · {self.member_id}"


class CourseMaterial(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="items")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "material"], name="course_material_once"),
            models.UniqueConstraint(fields=["course", "position"], name="course_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} #{self.position}: {self.material_id}"


class Study(models.Model):
    """A person said they studied a material (no timer, no check-in: their word)."""

    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="studies")
    studied_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "material"], name="study_once"),
        ]

    def __str__(self) -> str:
        return f"{self.material_id} · {self.studied_on}"


class CourseCompletion(models.Model):
    """Stored by the service when a person's last material of a course is marked: the
    day it was completed decides the year its hours count in."""

    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    completed_on = models.DateField()
    # The course's hours when it was completed: a later change to the course does not
    # rewrite a year already counted.
    hours = models.DecimalField(max_digits=5, decimal_places=1, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "course"], name="course_completed_once"),
        ]
        indexes = [models.Index(fields=["member", "completed_on"], name="completion_member_idx")]

    def __str__(self) -> str:
        return f"{self.course_id} · {self.completed_on}"


class ExternalTraining(models.Model):
    """Training taken elsewhere (a Party school, an online academy's class), with its
    certificate; entered by the person or by an officer over them."""

    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("training"), max_length=TITLE_MAX)
    hours = models.DecimalField(_("training hours"), max_digits=5, decimal_places=1)
    taken_on = models.DateField(_("date"))
    certificate = models.FileField(upload_to="learning/certificates/%Y/")
    certificate_name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=50)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("external training")
        constraints = [
            models.CheckConstraint(
                name="external_hours_in_range", condition=Q(hours__gt=0) & Q(hours__lte=200)
            ),
        ]
        indexes = [models.Index(fields=["member", "taken_on"], name="external_member_idx")]

    def __str__(self) -> str:
        return self.title


QUESTION_MAX = 500
CHOICE_MAX = 200
EXPLANATION_MAX = 2000


class QuizQuestion(models.Model):
    """A question of a course's optional short quiz, with 2–5 choices of which exactly
    one is right (the service checks the count; the database allows one right at most).
    A quiz never changes completion or hours: it is for the learner to check themselves,
    and for the officers to see what is not understood."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(_("question"), max_length=QUESTION_MAX)
    explanation = models.TextField(_("explanation"), max_length=EXPLANATION_MAX, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="quiz_question_position"),
        ]

    def __str__(self) -> str:
        return self.text[:50]


class QuizChoice(models.Model):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("choice"), max_length=CHOICE_MAX)
    is_right = models.BooleanField(default=False)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="quiz_choice_position"),
            models.UniqueConstraint(
                fields=["question"], condition=Q(is_right=True), name="quiz_one_right_choice"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class QuizAnswer(models.Model):
    """A learner's latest answer to a question (answering again replaces it). Seen by
    the learner only; officers see counts per question, never a person's answers."""

    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(QuizChoice, on_delete=models.CASCADE, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "question"], name="quiz_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} · {self.member_id}"


class HoursTally(models.Model):
    """A person's training hours in one year, summed from the records (study meetings
    attended, courses completed, training elsewhere) under the hour rules named in
    `rules`. Only for counting many people at once — how many of a committee's members
    are below target; a person's own hours, and the names below target on a branch's
    page, are always computed from the records themselves (selectors.hours_of_many).

    Kept by services.tallies_refresh: learning's services call it for their own records,
    orglife's `held_meeting_changed` signal for meetings (receivers.py), and the nightly
    job redoes the current year (jobs.py). A person with no row has no hours that year.
    Rows counted under other hour rules are not used (selectors.unit_progress falls back
    to the records) until the job counts them again."""

    member = models.ForeignKey(
        "orgs.Member", on_delete=models.CASCADE, related_name="hours_tallies"
    )
    year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=7, decimal_places=1)
    rules = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="hours_tally_one_per_year"),
        ]
        indexes = [models.Index(fields=["year", "rules"], name="hours_tally_year_rules_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}: {self.hours}"
