"""schemes: the tables.

A committee's yearly scheme (IndicatorScheme) holds dimensions, each with indicators
worth points; a published scheme is scored per applicable unit (Assessment) and per
indicator (IndicatorScore, with the figure and its basis that produced it). A unit's
officers may object (Objection) within the objection window; the assessor answers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Assessment",
    "Dimension",
    "Indicator",
    "IndicatorScheme",
    "IndicatorScore",
    "Objection",
    "ScoringRun",
]

HAND = "hand"  # an indicator judged by hand rather than from a registered source


class IndicatorScheme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    # Scores reach the units when the assessor releases them; objections run from then.
    results_published_on = models.DateField(null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("indicator scheme")
        verbose_name_plural = _("indicator schemes")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="scheme_one_per_unit_year"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Dimension(models.Model):
    scheme = models.ForeignKey(IndicatorScheme, on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(_("dimension"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("dimension")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    # Kinds of unit (orgs.vocabulary.UnitKind values) the indicator applies to.
    applies_to = models.JSONField(_("applies to"), default=list)
    # A key of grassroots.evaluation.sources.SOURCES, or HAND.
    source = models.CharField(_("source"), max_length=64)
    curve = models.JSONField(_("scoring curve"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(name="indicator_points_positive", condition=Q(points__gt=0)),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def by_hand(self) -> bool:
        return self.source == HAND


class ScoringRun(models.Model):
    """One computation of a scheme's scores: its progress is what the scheme page polls."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    scheme = models.ForeignKey(IndicatorScheme, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    units_total = models.PositiveIntegerField(default=0)
    units_done = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.scheme_id} · {self.status}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return self.units_done * 100 // self.units_total if self.units_total else 0

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Assessment(models.Model):
    """A unit's result under a scheme: the total of what could be judged."""

    scheme = models.ForeignKey(
        IndicatorScheme, on_delete=models.CASCADE, related_name="assessments"
    )
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assessment")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "unit"], name="assessment_one_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.unit_id}"


class IndicatorScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    basis = models.JSONField(default=dict, blank=True)
    earned = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    # Hand-judged indicators, and automatic scores changed after an objection.
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="evaluation/evidence/%Y/", blank=True)
    evidence_name = models.CharField(max_length=100, blank=True)
    overridden = models.BooleanField(default=False)  # set by hand; the nightly job keeps it
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="score_one_per_indicator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.earned}"


class Objection(models.Model):
    """异议: a unit's officers question a score; the assessor must answer."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="objections")
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    text = models.TextField(_("objection"), max_length=2000)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lodged_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    score_before = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    score_after = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        ordering = ["lodged_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def answered(self) -> bool:
        return self.answered_at is not None
