"""Service carriers (issue 6): activities with sign-up and volunteer hours, tagged with
the five services."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.orgs.models import Department, OrgUnit
from grassroots.service import rules


class ServiceDomain(models.TextChoices):
    MASSES = rules.MASSES, _("Serving the masses (服务群众)")
    REFORM = rules.REFORM, _("Serving reform (服务改革)")
    DEVELOPMENT = rules.DEVELOPMENT, _("Serving development (服务发展)")
    MEMBERS = rules.MEMBERS, _("Serving members (服务党员)")
    SOCIETY = rules.SOCIETY, _("Serving society (服务社会)")


def _presence_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Activity(models.Model):
    class Type(models.TextChoices):
        INNOVATION = "innovation", _("Innovation and development (创新发展型)")
        QUALITY = "quality", _("Quality and efficiency (质量效益型)")
        LEAN = "lean", _("Lean management (精益管理型)")
        RELIEF = "relief", _("Helping those in difficulty (扶贫帮困型)")
        SUPPORT = "support", _("Service and support (服务保障型)")
        QC = "qc", _("QC group (质量控制小组)")
        PARTY_RELIEF = "party_relief", _("Party poverty relief (党建扶贫)")
        VOLUNTEER = "volunteer", _("Volunteering (志愿服务)")
        JOINT = "joint", _("Joint activity with another unit (互联互建)")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("Party members")
        EVERYONE = "everyone", _("All employees")
        DEPARTMENT = "department", _("One department")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Open for sign-up")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    partner = models.CharField(_("partner unit"), max_length=200, blank=True)
    services = models.JSONField(_("five services"), default=list)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("what it is"), max_length=5000, blank=True)
    audience = models.CharField(_("open to"), max_length=16, choices=Audience.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    beneficiaries = models.PositiveIntegerField(_("people helped"), null=True, blank=True)
    presence_code = models.CharField(max_length=6, default=_presence_code, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["starts_at"], name="activity_start_idx")]
        constraints = [
            models.CheckConstraint(
                name="activity_ends_after_start", condition=Q(ends_at__gte=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="activity_department_audience",
                condition=~Q(audience="department") | Q(department__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SignUp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Has a place")
        WAITING = "waiting", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    hours = models.DecimalField(_("volunteer hours"), max_digits=4, decimal_places=1, default=0)
    self_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sign-up")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=~Q(status="cancelled"),
                name="one_live_signup_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "status", "created_at"], name="signup_queue_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.activity_id}: {self.status}"
