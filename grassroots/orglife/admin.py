from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from grassroots.orglife.models import DevelopmentStep


@admin.register(DevelopmentStep)
class DevelopmentStepAdmin(admin.ModelAdmin):
    """The wording of the 25 steps; their order and checks are fixed by the rules."""

    list_display = ["number", "stage", "name"]
    readonly_fields = ["number", "stage"]
    fields = ["number", "stage", "name", "guidance"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
