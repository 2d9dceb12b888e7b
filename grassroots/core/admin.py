from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from grassroots.core import parameters, services, workcalendar
from grassroots.core.models import AuditEntry, CalendarDay, RuleParameter


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


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "note"]
        help_texts = {
            "is_workday": _(
                "Ticked: people work that day (a make-up workday). Not ticked: a rest day "
                "(a holiday). Leave a day out to follow the official calendar."
            ),
        }


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The work calendar deadlines are counted on: the official holidays and make-up
    workdays come from chinese-calendar; an entry here overrides one day, and fills in
    years the package does not cover yet."""

    form = CalendarDayForm
    list_display = ["date", "weekday", "is_workday", "official", "note", "updated_by"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.date, "l")

    @admin.display(description=_("official calendar"), boolean=True)
    def official(self, obj: CalendarDay) -> bool:
        return workcalendar.official_is_workday(obj.date)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        for year in workcalendar.coverage_warnings(timezone.localdate()):
            messages.warning(request, _missing_year_message(year))
        return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change and "date" in form.changed_data:
            old = CalendarDay.objects.get(pk=obj.pk)
            services.calendar_day_clear(actor=request.user, row=old)
        saved = services.calendar_day_set(
            actor=request.user, date=data["date"], is_workday=data["is_workday"], note=data["note"]
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        services.calendar_day_clear(actor=request.user, row=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for row in queryset:
            services.calendar_day_clear(actor=request.user, row=row)


def _missing_year_message(year: int) -> str:
    return str(
        _(
            "The official calendar for %(year)s is not known yet: enter its holidays and "
            "make-up workdays here (one row per day), or update the chinese-calendar package. "
            "Until then deadlines count every Monday to Friday as a workday."
        )
        % {"year": year}
    )
