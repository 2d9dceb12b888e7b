"""Reads for notifications pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from grassroots.accounts.models import User
from grassroots.notifications.models import Delivery, Notification, Reminder


def inbox(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def my_reminders(user: User) -> QuerySet[Reminder]:
    return (
        Reminder.objects.filter(created_by=user).select_related("org_unit").order_by("-remind_at")
    )


def get_reminder_for(user: User, pk: int) -> Reminder:
    reminder = Reminder.objects.filter(pk=pk, created_by=user).first()
    if reminder is None:
        raise Http404
    return reminder


def delivery_log(status: str = "") -> QuerySet[Delivery]:
    deliveries = Delivery.objects.select_related("recipient", "webhook__org_unit")
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries.order_by("-created_at", "-id")
