from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grassroots.core import parameters, services
from grassroots.core.models import AuditEntry, RuleParameter


class RuleParameterForm(forms.ModelForm):
    class Meta:
        model = RuleParameter
        fields = ["value"]

    def clean_value(self) -> Any:
        definition = parameters.REGISTRY.get(self.instance.key)
        if definition is None:
            raise ValidationError(_("This rule is no longer used."))
        return definition.clean(self.cleaned_data["value"])


@admin.register(RuleParameter)
class RuleParameterAdmin(admin.ModelAdmin):
    """Rules are data: administrators change the numbers from RULES.md here."""

    form = RuleParameterForm
    list_display = ["key", "description", "value", "default", "updated_at", "updated_by"]
    search_fields = ["key"]
    readonly_fields = ["key", "description", "default"]
    fields = ["key", "description", "default", "value"]

    @admin.display(description=_("meaning"))
    def description(self, obj: RuleParameter) -> str:
        definition = parameters.REGISTRY.get(obj.key)
        return str(definition.label) if definition else "—"

    @admin.display(description=_("default"))
    def default(self, obj: RuleParameter) -> Any:
        definition = parameters.REGISTRY.get(obj.key)
        return definition.default if definition else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # every known rule already has its row

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RuleParameter, form: Any, change: bool) -> None:
        services.parameter_set(actor=request.user, key=obj.key, value=form.cleaned_data["value"])


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "target_label"]
    list_filter = ["action"]
    search_fields = ["action", "target_label"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
