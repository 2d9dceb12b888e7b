"""Reads for service activities: what a person can join, their own sign-ups and hours
(private to them and their officers: no public ranking)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from grassroots.accounts.scope import Scope
from grassroots.service.activities import policy
from grassroots.service.models import Activity, SignUp


def activity_list(scope: Scope, user: Any, *, upcoming: bool = True) -> QuerySet[Activity]:
    now = timezone.now()
    rows = policy.visible_activities(scope, user).select_related("unit", "department")
    rows = rows.annotate(
        taken=Count("signups", filter=Q(signups__status=SignUp.Status.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__status=SignUp.Status.WAITING)),
    )
    if upcoming:
        return (
            rows.filter(ends_at__gte=now)
            .exclude(status=Activity.Status.CANCELLED)
            .order_by("starts_at")
        )
    return rows.filter(ends_at__lt=now).order_by("-starts_at")


def my_signups(user: Any, *, coming_after: datetime.datetime | None = None) -> QuerySet[SignUp]:
    """The person's sign-ups (a place or the waitlist), newest activity first;
    `coming_after`: only the activities still open that have not ended by then, the
    next one first."""
    signups = SignUp.objects.filter(user=user)
    if coming_after is not None:
        signups = signups.filter(
            activity__status=Activity.Status.PLANNED, activity__ends_at__gte=coming_after
        )
    return (
        signups.exclude(status=SignUp.Status.CANCELLED)
        .select_related("activity", "activity__unit")
        .order_by("activity__starts_at" if coming_after is not None else "-activity__starts_at")
    )


def hours_total(user: Any, *, since: datetime.date | None = None) -> Decimal:
    rows = SignUp.objects.filter(user=user, attended=True, activity__status=Activity.Status.HELD)
    if since is not None:
        rows = rows.filter(activity__starts_at__date__gte=since)
    return rows.aggregate(total=Sum("hours"))["total"] or Decimal(0)


def participants(activity: Activity) -> tuple[list[SignUp], list[SignUp]]:
    """(with a place, on the waitlist in order)."""
    rows = list(
        activity.signups.exclude(status=SignUp.Status.CANCELLED)
        .select_related("user", "user__department")
        .order_by("created_at", "pk")
    )
    return (
        [s for s in rows if s.status == SignUp.Status.CONFIRMED],
        [s for s in rows if s.status == SignUp.Status.WAITING],
    )
