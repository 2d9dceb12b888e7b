"""Work plans (五同时): a unit's yearly or quarterly plan, its items, and the records
linked to an item as what did it. Progress is never stored: it is computed from the
links' records (rules.item_fulfilled)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WHAT_MAX = 200
DETAILS_MAX = 2000
GOAL_MAX = 500


class WorkPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("Party organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # None: the yearly plan; 1–4: a quarter's plan
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(quarter__isnull=True), name="plan_one_yearly"
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "quarter"],
                condition=Q(quarter__isnull=False),
                name="plan_one_quarterly",
            ),
            models.CheckConstraint(
                name="plan_quarter_1_to_4",
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}" + (f"-Q{self.quarter}" if self.quarter else "")


class PlanItem(models.Model):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    what = models.CharField(_("what"), max_length=WHAT_MAX)
    details = models.TextField(_("details"), max_length=DETAILS_MAX, blank=True)
    due_on = models.DateField(_("due on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    goal = models.CharField(
        _("production or service goal it supports"), max_length=GOAL_MAX, blank=True
    )
    position = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.what


class PlanLink(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting")
        ACTIVITY = "activity", _("Activity")
        DEED = "deed", _("Practical deed")
        CONSULTATION = "consultation", _("Consultation")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    # as they were when linked (the record's page may later move or close)
    label = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "kind", "object_id"], name="plan_link_once")
        ]

    def __str__(self) -> str:
        return self.label
