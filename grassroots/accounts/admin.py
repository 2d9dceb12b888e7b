from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import RoleAssignment, User
from grassroots.core.audit import audit_record


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("employee_number", "name")


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "org_unit", "department", "starts_on", "ends_on", "post"]
    readonly_fields = ["post"]
    autocomplete_fields = ["org_unit", "department"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts: set passwords, activate or disable, grant roles and admin access."""

    add_form = UserCreationForm
    form = UserChangeForm
    ordering = ["employee_number"]
    list_display = ["employee_number", "name", "department", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["employee_number", "name", "phone"]
    autocomplete_fields = ["department"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("employee_number", "password")}),
        (_("Person"), {"fields": ("name", "phone", "email", "department", "has_disability")}),
        (
            _("Preferences"),
            {"fields": ("prefers_large_text", "prefers_high_contrast", "language")},
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("employee_number", "name", "usable_password", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ()

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if name not in ("password1", "password2")]
        audit_record(
            actor=request.user,
            action="user.admin_change" if change else "user.admin_create",
            target=obj,
            extra={"fields": changed},
        )


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "org_unit", "department", "starts_on", "ends_on"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "role", "org_unit", "department", "starts_on", "ends_on", "post"]
    list_filter = ["role"]
    search_fields = ["user__name", "user__employee_number"]
    autocomplete_fields = ["user", "org_unit", "department"]

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="role.admin_change" if change else "role.admin_create",
            target=obj,
            extra={"fields": form.changed_data},
            org_path=obj.org_unit.path if obj.org_unit else "",
        )


# --- Sign-in records (django-axes) -----------------------------------------------------
# They say who signed in, from which address and when: administrators only, whatever
# model permissions a member of staff was given. Axes registers its own admin pages
# (it comes before this app in INSTALLED_APPS); they are replaced here.


class AdministratorsOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


class SignInAttemptAdmin(AdministratorsOnly, AccessAttemptAdmin):
    pass


class SignInLogAdmin(AdministratorsOnly, AccessLogAdmin):
    pass


class SignInFailureAdmin(AdministratorsOnly, AccessFailureLogAdmin):
    pass


for _model, _admin in (
    (AccessAttempt, SignInAttemptAdmin),
    (AccessLog, SignInLogAdmin),
    (AccessFailureLog, SignInFailureAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
