"""Inbox, notification preferences, reminders, group-chat robots, delivery log."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.notifications import kinds, policy, selectors, services
from grassroots.notifications.forms import (
    DAILY_CHOICE,
    EACH_CHOICE,
    PreferencesForm,
    ReminderForm,
    WebhookForm,
)
from grassroots.notifications.models import (
    DAILY,
    REFERENCE_LENGTH,
    Delivery,
    KindPreference,
    NotificationSettings,
    Webhook,
)
from grassroots.orgs import policy as orgs_policy
from grassroots.orgs.selectors import get_unit_for

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

REFERENCE = re.compile(rf"[0-9a-f]{{{REFERENCE_LENGTH}}}")


@login_required
@require_GET
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    """The person's notices grouped by subject (the same appeal, meeting …), the group
    with the newest notice first; a page holds PAGE_SIZE subjects."""
    page = Paginator(selectors.inbox_subjects(request.user), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    groups = selectors.inbox_groups(request.user, list(page.object_list))
    return render(request, "notifications/inbox.html", {"page_obj": page, "groups": groups})


@login_required
@require_POST
def mark_read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark one notice (`notification` in the form), with `group` every notice about
    the same subject, or, with neither, all of them as read."""
    raw = request.POST.get("notification", "")
    if raw and not REFERENCE.fullmatch(raw):
        raise Http404
    if raw:
        notification_id = selectors.unread_by_reference(request.user, raw)
        ids = [notification_id] if notification_id is not None else []
    count = services.notification_mark_read(
        user=request.user,
        notification_ids=ids if raw else None,
        with_subject=bool(request.POST.get("group")),
    )
    if count:
        messages.success(request, _("Marked as read."))
    return HttpResponseRedirect(reverse("notifications:inbox"))


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    personal = NotificationSettings.objects.filter(user=user).first() or NotificationSettings(
        user=user
    )
    chosen = dict(
        KindPreference.objects.filter(user=user, channel=Delivery.Channel.EMAIL).values_list(
            "kind", "enabled"
        )
    )
    daily = dict(
        KindPreference.objects.filter(user=user, channel=DAILY).values_list("kind", "enabled")
    )
    initial = {
        "email": user.email,
        "daily_digest": personal.daily_digest,
        "quiet_start": personal.quiet_start,
        "quiet_end": personal.quiet_end,
        "email_kinds": [key for key, kind in kinds.KINDS.items() if chosen.get(key, kind.email)],
    }
    for kind in PreferencesForm.daily_kinds_offered():
        taken_daily = daily.get(kind.key, bool(kind.daily))
        initial[PreferencesForm.daily_field(kind.key)] = (
            DAILY_CHOICE if taken_daily else EACH_CHOICE
        )
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preferences_update(user=user, **form.cleaned_data)
        messages.success(request, _("Your notification settings have been saved."))
        return HttpResponseRedirect(reverse("notifications:preferences"))
    return render(request, "notifications/preferences.html", {"form": form})


def _remindable_units(request: AuthenticatedRequest) -> QuerySet[OrgUnit]:
    return orgs_policy.units_in_oversight(scope_for(request.user)).filter(is_active=True)


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request: AuthenticatedRequest) -> HttpResponse:
    units = _remindable_units(request)
    form = ReminderForm(request.POST or None, units=units, initial={"audience": "me"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reminder_create(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                remind_at=data["remind_at"],
                audience=data["audience"],
                org_unit=data.get("org_unit"),
                urgent=data["urgent"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The reminder is scheduled."))
            return HttpResponseRedirect(reverse("notifications:reminders"))
    return render(
        request,
        "notifications/reminders.html",
        {"form": form, "reminders": selectors.my_reminders(request.user)[:50]},
    )


@login_required
@require_POST
def reminder_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reminder = selectors.get_reminder_for(request.user, pk)
    try:
        services.reminder_cancel(actor=request.user, reminder=reminder)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The reminder was cancelled."))
    return HttpResponseRedirect(reverse("notifications:reminders"))


def _unit_for_robots(request: AuthenticatedRequest, unit_pk: int) -> OrgUnit:
    scope = scope_for(request.user)
    unit = get_unit_for(scope, unit_pk)
    if not policy.can_manage_robots(scope, unit):
        raise Http404
    return unit


@login_required
@require_http_methods(["GET", "POST"])
def robots(request: AuthenticatedRequest, unit_pk: int) -> HttpResponse:
    unit = _unit_for_robots(request, unit_pk)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_create(actor=request.user, org_unit=unit, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The group-chat robot has been added."))
            return HttpResponseRedirect(reverse("notifications:robots", args=[unit.pk]))
    return render(
        request,
        "notifications/robots.html",
        {
            "unit": unit,
            "form": form,
            "robots": Webhook.objects.filter(org_unit=unit).order_by("name"),
            "crumbs": [
                {"url": reverse("orgs:tree"), "label": _("Party organisations")},
                {"url": reverse("orgs:unit_detail", args=[unit.pk]), "label": unit.name},
                {"url": "", "label": _("Group-chat robots")},
            ],
        },
    )


@login_required
@require_POST
def robot_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    webhook = Webhook.objects.select_related("org_unit").filter(pk=pk).first()
    if webhook is None:
        raise Http404
    unit = _unit_for_robots(request, webhook.org_unit_id)
    if action == "pause":
        services.webhook_pause(actor=request.user, webhook=webhook, reason="paused by hand")
        messages.success(request, _("The robot is paused."))
    elif action == "resume":
        services.webhook_resume(actor=request.user, webhook=webhook)
        messages.success(request, _("The robot is working again."))
    elif action == "test":
        services.webhook_test(actor=request.user, webhook=webhook)
        messages.success(request, _("A test message is on its way to the group."))
    elif action == "delete":
        services.webhook_delete(actor=request.user, webhook=webhook)
        messages.success(request, _("The robot has been removed."))
    else:
        raise Http404
    return HttpResponseRedirect(reverse("notifications:robots", args=[unit.pk]))


@login_required
@require_GET
def delivery_log(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.can_read_delivery_log(scope_for(request.user)):
        raise Http404
    status = request.GET.get("status", "")
    if status not in Delivery.Status.values:
        status = ""
    page = Paginator(selectors.delivery_log(status), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/delivery_log.html",
        {"page_obj": page, "status": status, "statuses": Delivery.Status.choices},
    )


@login_required
@require_POST
def delivery_retry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not policy.can_read_delivery_log(scope_for(request.user)):
        raise Http404
    delivery = Delivery.objects.filter(pk=pk).first()
    if delivery is None:
        raise Http404
    try:
        services.delivery_retry(actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message will be sent again now."))
    return HttpResponseRedirect(reverse("notifications:delivery_log") + "?status=failed")
