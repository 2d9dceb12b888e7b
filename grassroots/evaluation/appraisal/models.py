"""appraisal: the tables of the democratic appraisal of members (民主评议党员).

One appraisal per branch and year. Its participants are the branch's Party members when
it opens: full members are graded, probationary members take part (they write a
self-assessment) but are not. Full members suggest a grade for each other full member
(the committee sees only the counts per grade, once the suggestions close, and only for
a member at least three people suggested for); the branch committee proposes a grade
for each, which closes the suggestions; the assembly's decision is recorded against the 民主评议 meeting that orglife
keeps — the meeting is linked, not copied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.evaluation import rules

__all__ = ["Appraisal", "AppraisalParticipant", "MutualSuggestion"]


class Grade(models.TextChoices):
    EXCELLENT = rules.EXCELLENT, _("Excellent (优秀)")
    QUALIFIED = rules.QUALIFIED, _("Qualified (合格)")
    BASICALLY_QUALIFIED = rules.BASICALLY_QUALIFIED, _("Basically qualified (基本合格)")
    UNQUALIFIED = rules.UNQUALIFIED, _("Unqualified (不合格)")


class Measure(models.TextChoices):
    """What follows an 不合格 grade (党章 and the 1988 opinions on democratic appraisal):
    correction within a time limit, persuading the member to leave, or striking them
    off the roll."""

    CORRECT = "correct", _("Correct within a time limit (限期改正)")
    PERSUADE_TO_LEAVE = "persuade", _("Persuade to leave the Party (劝其退党)")
    STRIKE_OFF = "strike_off", _("Strike off the roll (除名)")


class Appraisal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Under way")
        DECIDED = "decided", _("Decided")

    branch = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # The employees' opinions, when the branch asks for them: a campaign the branch
    # organises (campaigns part) evaluating its full members, answered by the employees
    # of the departments it covers. Linked, never copied: the results are read from it.
    campaign = models.OneToOneField(
        "evaluation.Campaign",
        verbose_name=_("employees' opinions"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The 民主评议 assembly that decided, as orglife recorded it (never a second record).
    meeting = models.ForeignKey(
        "orglife.Meeting",
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("democratic appraisal")
        verbose_name_plural = _("democratic appraisals")
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year"], name="appraisal_one_per_branch_year"
            ),
            models.CheckConstraint(
                name="appraisal_year_in_range", condition=Q(year__gte=2000, year__lte=2100)
            ),
            models.CheckConstraint(
                name="appraisal_decided_has_meeting",
                condition=~Q(status="decided") | Q(meeting__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} #{self.branch_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AppraisalParticipant(models.Model):
    Grade = Grade
    Measure = Measure

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="+")
    # A full member when the appraisal opened: graded. Probationary: takes part only.
    is_graded = models.BooleanField()
    self_assessment = models.TextField(_("self-assessment"), max_length=5000, blank=True)
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    proposed_grade = models.CharField(
        _("proposed grade"), max_length=24, choices=Grade.choices, blank=True
    )
    grade = models.CharField(_("grade"), max_length=24, choices=Grade.choices, blank=True)
    measure = models.CharField(
        _("follow-up measure"), max_length=16, choices=Measure.choices, blank=True
    )
    measure_due_on = models.DateField(_("due by"), null=True, blank=True)
    # The suggestions received, per grade, kept when the assembly decides (the
    # suggestions themselves are deleted then). Empty when fewer than three people
    # suggested a grade for the member: too few to show without pointing at them.
    suggestion_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("appraisal participant")
        verbose_name_plural = _("appraisal participants")
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "member"], name="appraisal_participant_once"
            ),
            models.CheckConstraint(
                name="appraisal_ungraded_has_no_grade",
                condition=Q(is_graded=True) | (Q(proposed_grade="") & Q(grade="")),
            ),
            models.CheckConstraint(
                name="appraisal_unqualified_has_measure",
                condition=~Q(grade=rules.UNQUALIFIED)
                | (~Q(measure="") & Q(measure_due_on__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal_id}/{self.member_id}"


class MutualSuggestion(models.Model):
    """One full member's suggested grade for another. Who suggested what is kept only to
    let a person change their own suggestion while the suggestions are open; pages show
    counts per grade, to the branch committee alone, once the suggestions close. When
    the assembly decides, the counts move to the participant and these rows are
    deleted."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="+")
    assessor = models.ForeignKey(AppraisalParticipant, on_delete=models.CASCADE, related_name="+")
    assessee = models.ForeignKey(
        AppraisalParticipant, on_delete=models.CASCADE, related_name="suggestions"
    )
    grade = models.CharField(max_length=24, choices=Grade.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessor", "assessee"], name="appraisal_suggest_once"),
            models.CheckConstraint(
                name="appraisal_no_self_suggestion", condition=~Q(assessor=F("assessee"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessor_id}→{self.assessee_id}"
