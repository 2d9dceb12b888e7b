from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from grassroots.notifications.models import Webhook


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Read-only overview of every organisation's group robots (officers manage theirs
    on the organisation's page, where the address is checked)."""

    list_display = ["name", "org_unit", "platform", "is_active", "failure_count", "paused_at"]
    list_filter = ["platform", "is_active"]
    search_fields = ["name", "org_unit__name"]
    readonly_fields = [
        "org_unit",
        "platform",
        "name",
        "url",
        "is_active",
        "paused_at",
        "failure_count",
        "created_by",
    ]
    exclude = ["secret"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
