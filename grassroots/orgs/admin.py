from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from grassroots.orgs import services
from grassroots.orgs.models import Department, ImportBatch, OrgUnit


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "kind", "parent", "is_active"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    """The administrative tree. Saved through the services so paths and audit stay right."""

    form = DepartmentForm
    list_display = ["name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]

    def save_model(self, request: HttpRequest, obj: Department, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if change:
                services.department_update(actor=request.user, department=obj, **data)
            else:
                saved = services.department_create(
                    actor=request.user,
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    parent=form.cleaned_data["parent"],
                )
                obj.pk = saved.pk
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: people and records point at departments


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "departments",
            "founded_on",
            "term_ends_on",
            "is_joint",
            "is_temporary",
            "is_active",
        ]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    """The Party tree. Saved through the services so paths, kinds and audit stay right."""

    form = OrgUnitForm
    list_display = ["name", "code", "kind", "parent", "term_ends_on", "is_active"]
    list_filter = ["kind", "is_joint", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "departments"]

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        data = dict(form.cleaned_data)
        departments = data.pop("departments")
        try:
            if change:
                changes = {k: v for k, v in data.items() if k in form.changed_data}
                services.orgunit_update(
                    actor=request.user, unit=obj, departments=departments, **changes
                )
            else:
                saved = services.orgunit_create(
                    actor=request.user,
                    departments=departments,
                    **{k: v for k, v in data.items() if k != "is_active"},
                )
                obj.pk = saved.pk
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # the services above set the departments

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "filename", "outcome", "row_count", "created_by"]
    list_filter = ["kind", "outcome"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
