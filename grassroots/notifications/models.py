from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

_REFERENCE_SALT = "grassroots.notifications.notice"
REFERENCE_LENGTH = 20


class Notification(models.Model):
    """One message in a person's inbox. (recipient, dedupe_key) is unique: the same
    event reaches the same person once, however often it is raised."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), max_length=2000, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    dedupe_key = models.CharField(max_length=150)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # A notice of a kind the person takes once a day is written held (out of the inbox
    # and its count); the morning's daily notice then lists it (`daily`).
    held = models.BooleanField(default=False)
    daily = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once")
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, held=False),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient", "kind"],
                condition=Q(held=True, daily__isnull=True),
                name="notification_held_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        """How a page names this notice: a keyed hash of its row id, not the id, which
        would tell the order notices were written in (an anonymous appeal's "new appeal"
        notice is dated at its hour, and its id must not place it between others)."""
        return notice_reference(self.pk)


def notice_reference(pk: int) -> str:
    return salted_hmac(_REFERENCE_SALT, str(pk), algorithm="sha256").hexdigest()[:REFERENCE_LENGTH]


class Webhook(models.Model):
    """A group-chat robot (WeCom, DingTalk, Feishu) where an organisation's notices go."""

    class Platform(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk (钉钉)")
        FEISHU = "feishu", _("Feishu (飞书)")

    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("Party organisation"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    failure_count = models.PositiveIntegerField(_("failures in a row"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("group-chat robot")
        verbose_name_plural = _("group-chat robots")
        ordering = ["org_unit", "name"]

    def __str__(self) -> str:
        return f"{self.org_unit} · {self.name}"


class Delivery(models.Model):
    """One attempt-tracked send of a message over a channel other than the inbox.

    `dedupe_key` is unique: a retried job finds the delivery it already made.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")
        FEISHU = "feishu", _("Feishu group robot")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        HELD = "held", _("Held for the daily digest")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), max_length=2000, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    urgent = models.BooleanField(default=False)
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Set (and committed) just before the message leaves the machine: a delivery found
    # "sending" with this set may have reached the server, so it is not sent again
    # automatically (see services.deliveries).
    attempt_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="delivery_due_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="delivery_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="delivery_has_one_target",
                condition=Q(recipient__isnull=False, webhook__isnull=True)
                | Q(recipient__isnull=True, webhook__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.title}"


class NotificationSettings(models.Model):
    """A person's delivery settings: daily digest and quiet hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    daily_digest = models.BooleanField(
        _("one daily email instead of one per notice"), default=False
    )
    quiet_start = models.TimeField(_("quiet hours start"), default=datetime.time(22, 0))
    quiet_end = models.TimeField(_("quiet hours end"), default=datetime.time(7, 30))

    def __str__(self) -> str:
        return str(self.user)


DAILY = "daily"


class KindPreference(models.Model):
    """Whether a person wants a kind of notice by a channel (the inbox is always on).

    The channel `DAILY` is not a way out but a timing: enabled, the kind's notices are
    gathered into one inbox notice a day instead of one per event (kinds with `daily`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    channel = models.CharField(
        max_length=16,
        choices=[*Delivery.Channel.choices, (DAILY, _("One inbox notice a day"))],
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="kind_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.channel} {self.enabled}"


class Reminder(models.Model):
    """A reminder someone scheduled for themself or for an organisation."""

    class Audience(models.TextChoices):
        ME = "me", _("Only me")
        OFFICERS = "officers", _("The organisation's officers")
        MEMBERS = "members", _("Everyone in the organisation")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("Party organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    audience = models.CharField(_("who is reminded"), max_length=16, choices=Audience.choices)
    title = models.CharField(_("reminder"), max_length=200)
    body = models.TextField(_("details"), max_length=2000, blank=True)
    remind_at = models.DateTimeField(_("when"))
    urgent = models.BooleanField(_("urgent (ignores quiet hours)"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-remind_at"]
        constraints = [
            models.CheckConstraint(
                name="reminder_unit_unless_personal",
                condition=Q(audience="me") | Q(org_unit__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.title
