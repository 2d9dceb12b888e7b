"""An enterprise's messenger app (WeCom, DingTalk, Feishu), the people linked to it and
the contact syncs run from its directory."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Vendor(models.TextChoices):
    WECOM = "wecom", _("WeCom")
    DINGTALK = "dingtalk", _("DingTalk")
    FEISHU = "feishu", _("Feishu")


class MessengerConfig(models.Model):
    """One enterprise's app on one messenger. The secret is stored encrypted
    (`secret_box`) and never shown again after saving."""

    vendor = models.CharField(_("messenger"), max_length=16, choices=Vendor.choices)
    name = models.CharField(_("name"), max_length=100)
    corp_id = models.CharField(_("corp id / app key"), max_length=64)
    agent_id = models.CharField(_("agent id"), max_length=64, blank=True)
    secret_encrypted = models.TextField(blank=True)
    api_base = models.URLField(
        _("API address"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty for the vendor's public address."),
    )
    department_code_prefix = models.CharField(
        _("department code prefix"), max_length=12, blank=True
    )
    sign_in_enabled = models.BooleanField(_("sign-in enabled"), default=True)
    messages_enabled = models.BooleanField(_("messages enabled"), default=False)
    office_holders_sign_in = models.BooleanField(
        _("office holders may sign in by messenger"),
        default=False,
        help_text=_(
            "The messenger's accounts are managed by the enterprise's IT administrator, not "
            "the Party organisation: if ticked, whoever controls a Party officer's "
            "messenger account can reach the Party records that officer sees."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "integrations"
        verbose_name = _("messenger connection")
        verbose_name_plural = _("messenger connections")
        ordering = ["vendor", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "corp_id"], name="messenger_config_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_vendor_display()} · {self.name}"


class MessengerAccount(models.Model):
    """A person's user id in one messenger (from sign-in or a contact sync)."""

    config = models.ForeignKey(MessengerConfig, on_delete=models.CASCADE, related_name="accounts")
    external_user_id = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    wants_messages = models.BooleanField(_("notices through this app"), default=False)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "integrations"
        constraints = [
            models.UniqueConstraint(
                fields=["config", "external_user_id"], name="messenger_account_external_once"
            ),
            models.UniqueConstraint(fields=["config", "user"], name="messenger_account_user_once"),
        ]

    def __str__(self) -> str:
        return f"{self.config_id}:{self.external_user_id}"


class SyncRun(models.Model):
    """A contact sync: the directory read, the difference it would make (dry run) and,
    once the administrator applies it, the outcome. Applied all or nothing."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Dry run, not applied")
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused")
        STALE = "stale", _("Out of date")

    config = models.ForeignKey(MessengerConfig, on_delete=models.CASCADE, related_name="syncs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    directory = models.JSONField(default=dict)
    diff = models.JSONField(default=dict)
    errors = models.JSONField(default=list)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "integrations"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="sync_run_applied_has_time",
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.config_id} {self.created_at:%Y-%m-%d %H:%M} {self.status}"
