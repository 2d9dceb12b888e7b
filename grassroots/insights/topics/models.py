"""Hot topics (热点难点问题): one run per committee and month, its topics.

A topic keeps only words, counts and de-identified example texts: nothing leads back
to the appeals or people it was made from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TopicRun(models.Model):
    """One grouping of a committee's texts of a month: queued by the monthly job or by
    an officer, then run by a worker. The page shows the month's latest finished run."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="first day of the month")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # the denominator: how many texts were grouped, by source
    texts = models.PositiveIntegerField(default=0)
    appeals = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    visit_notes = models.PositiveIntegerField(default=0)
    silhouette = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "month", "status"], name="topicrun_unit_month_idx")]
        constraints = [
            models.CheckConstraint(name="topicrun_month_first_day", condition=Q(month__day=1)),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} · {self.status}"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class HotTopic(models.Model):
    """A group of similar texts of the month, named by its keywords."""

    class AdoptedAs(models.TextChoices):
        THEMED_DAY = "themed_day", _("Themed Party day")
        DEED = "deed", _("Practical deed")

    run = models.ForeignKey(TopicRun, on_delete=models.CASCADE, related_name="topics")
    rank = models.PositiveSmallIntegerField()  # 1 = the largest
    size = models.PositiveIntegerField()
    keywords = models.JSONField(default=list)
    examples = models.JSONField(default=list)  # de-identified texts
    # last month's matching topic's size; null: a new topic (or no run last month)
    previous_size = models.PositiveIntegerField(null=True, blank=True)
    adopted_as = models.CharField(max_length=16, choices=AdoptedAs.choices, blank=True)
    adopted_title = models.CharField(max_length=200, blank=True)
    adopted_url = models.CharField(max_length=300, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "rank"], name="hottopic_run_rank_unique"),
            models.CheckConstraint(
                name="hottopic_adopted_complete",
                condition=Q(adopted_as="") | Q(adopted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return " ".join(self.keywords[:3])

    @property
    def change(self) -> str:
        from grassroots.insights.topics.clustering import change_of

        return change_of(self.size, self.previous_size)
