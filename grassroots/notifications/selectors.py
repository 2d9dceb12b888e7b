"""Reads for notifications pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Length, Replace
from django.db.models.lookups import GreaterThanOrEqual
from django.http import Http404
from django.utils.crypto import constant_time_compare

from grassroots.accounts import selectors as accounts
from grassroots.notifications.models import (
    Delivery,
    KindPreference,
    Notification,
    NotificationSettings,
    Reminder,
    notice_reference,
)
from grassroots.orgs import selectors as orgs

if TYPE_CHECKING:
    from grassroots.accounts.models import User


@dataclass(frozen=True)
class EmailChoices:
    """What `notify_many` reads to queue e-mails (each person's choices per kind and
    their notification settings), read ahead for the people it holds: a caller about to
    take a lock reads them first, so that the lock is not held over these reads."""

    users: frozenset[int]
    choices: dict[tuple[int, str], bool]
    settings_of: dict[int, NotificationSettings]

    def covers(self, user_ids: set[int]) -> bool:
        return user_ids <= self.users


def email_choices(users: Iterable[User]) -> EmailChoices:
    """The e-mail choices and settings of those of `users` with an address: two
    queries, none when nobody has one."""
    ids = frozenset(user.pk for user in users if user.email)
    if not ids:
        return EmailChoices(ids, {}, {})
    choices = {
        (user_id, kind): enabled
        for user_id, kind, enabled in KindPreference.objects.filter(
            user_id__in=ids, channel=Delivery.Channel.EMAIL
        ).values_list("user_id", "kind", "enabled")
    }
    settings_of = {row.user_id: row for row in NotificationSettings.objects.filter(user_id__in=ids)}
    return EmailChoices(ids, choices, settings_of)


def inbox(user: User) -> QuerySet[Notification]:
    """The person's notices, newest first (held ones wait for their daily notice)."""
    return Notification.objects.filter(recipient=user, held=False).order_by("-created_at", "-id")


# What a notice is about: its link (the same appeal, meeting, post …); a notice without
# a link is a subject of its own.
# A notice's subject is its link when the link names one thing — an appeal, a deed, an
# organisation: a path of three segments or more, /appeals/handle/<id>/ — and the notice
# alone otherwise: reminders, transfers and the like share a list's link (/notifications/,
# /orgs/transfers/) without being about one thing.
SUBJECT_MIN_SLASHES = 4
_SLASHES = Length("url") - Length(Replace("url", Value("/"), Value("")))
_SUBJECT = Case(
    When(GreaterThanOrEqual(_SLASHES, SUBJECT_MIN_SLASHES), then=F("url")),
    default=Concat(Value("#"), Cast("id", output_field=CharField())),
    output_field=CharField(),
)


def with_subject(notices: QuerySet[Notification]) -> QuerySet[Any]:
    """The notices with their `subject`, as the inbox groups them."""
    return notices.annotate(subject=_SUBJECT)


def inbox_subjects(user: User) -> QuerySet[Any]:
    """One row per subject of the person's inbox, the newest first: `subject`, `latest`
    (its newest notice's time), `total` and `unread`. Paginate this, then fill the
    page's rows with `inbox_groups`."""
    return (
        with_subject(inbox(user))
        .values("subject")
        .annotate(
            latest=Max("created_at"),
            total=Count("id"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
        )
        .order_by("-latest", "subject")
    )


@dataclass(frozen=True)
class InboxGroup:
    """The notices of one subject, newest first."""

    notices: list[Notification]
    unread: list[Notification]

    @property
    def latest(self) -> Notification:
        return self.notices[0]

    @property
    def earlier(self) -> list[Notification]:
        return self.notices[1:]


def inbox_groups(user: User, subjects: list[dict[str, Any]]) -> list[InboxGroup]:
    """The notices of a page of `inbox_subjects`, grouped, in two queries whatever the
    page holds (the notices, and the items of daily notices)."""
    wanted = [row["subject"] for row in subjects]
    by_subject: dict[str, list[Notification]] = defaultdict(list)
    notices = (
        with_subject(inbox(user))
        .filter(subject__in=wanted)
        .prefetch_related(
            Prefetch("items", queryset=Notification.objects.order_by("created_at", "title"))
        )
    )
    for notice in notices:
        by_subject[notice.subject].append(notice)
    return [
        InboxGroup(
            notices=by_subject[subject],
            unread=[notice for notice in by_subject[subject] if notice.read_at is None],
        )
        for subject in wanted
        if by_subject[subject]
    ]


def unread_by_reference(user: User, reference: str) -> int | None:
    """The id of the person's unread notice that the page named by `reference`."""
    for pk in Notification.objects.filter(
        recipient=user, read_at__isnull=True, held=False
    ).values_list("pk", flat=True):
        if constant_time_compare(notice_reference(pk), reference):
            return pk
    return None


def unread_count(user: Any) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True, held=False).count()


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


def reminder_recipients(reminder: Reminder) -> list[User]:
    """Who a reminder reaches: its author; the officers of its organisation; or the
    active members of its Party group, or of the branches at or under its organisation."""
    if reminder.audience == Reminder.Audience.ME or reminder.org_unit is None:
        return [reminder.created_by]
    unit = reminder.org_unit
    if reminder.audience == Reminder.Audience.OFFICERS:
        return accounts.holders(unit_ids=[unit.pk])
    return list(accounts.active_users_among(orgs.member_user_ids(unit)))


def was_told_of(user: User, *, url: str) -> bool:
    """Whether a notice with this link was ever sent to this person: what they were
    once allowed to know, so that a page that is no longer theirs (an appeal
    transferred away) can say where it went instead of answering "not found"."""
    return Notification.objects.filter(recipient=user, url=url).exists()
