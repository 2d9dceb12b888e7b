"""Raising notices and reading them: `notify` is what other apps call.

It writes inbox notices inside the caller's transaction (a rolled-back change leaves
none), writes the deliveries for the other channels, and only after commit asks the
worker to send them. Every notice and every delivery carries a dedupe key that is unique
in the database: the same event reaches the same person or group once, however often it
is raised or retried.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from grassroots.notifications import kinds, rules, selectors
from grassroots.notifications.models import (
    DAILY,
    Delivery,
    KindPreference,
    Notification,
    NotificationSettings,
    Webhook,
)

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import OrgUnit


@dataclass(frozen=True)
class Event:
    """Something to tell some people: one entry of `notify_many`."""

    recipients: Sequence[User]
    kind: str
    title: str
    event_key: str
    body: str = ""
    url: str = ""
    urgent: bool = False
    org_unit: OrgUnit | None = None
    # Nothing is sent before this moment (an anonymous sender's step: the top of the
    # next hour, so that when a mail arrives does not tell the minute).
    not_before: datetime.datetime | None = None


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    event_key: str,
    body: str = "",
    url: str = "",
    urgent: bool = False,
    org_unit: OrgUnit | None = None,
    now: datetime.datetime | None = None,
    not_before: datetime.datetime | None = None,
) -> int:
    """Tell people (and, for group kinds, the organisation's group chats) about an event.

    `event_key` names the event (e.g. "reminder:42"); together with the recipient it is
    the dedupe key. Callers pass only what the recipients may read: never the identity
    of an anonymous appeal's submitter, never personal data out of their scope.
    `now` is the time the notices and deliveries record; `not_before`, if given, holds
    every delivery until then. Returns the number of inbox notices written (0 for a
    repeat).
    """
    event = Event(list(recipients), kind, title, event_key, body, url, urgent, org_unit, not_before)
    return notify_many([event], now=now)


def notify_many(
    events: Sequence[Event],
    *,
    now: datetime.datetime | None = None,
    new_keys: bool = False,
    email_choices: selectors.EmailChoices | None = None,
) -> int:
    """Several events at once, in a fixed number of queries (the deadline sweep fires
    thousands of reminders in one batch).

    `new_keys`: the caller vouches that no notice can have these event keys yet (they
    name something created in the caller's transaction, e.g. a new appeal's public id),
    so the look-up of earlier notices is skipped: one query less on a hot path, which
    can matter when the caller holds a lock. The unique (recipient, key) constraint
    still refuses a repeat.

    `email_choices`: the recipients' e-mail choices and settings
    (`selectors.email_choices`), read by a caller before it took a lock (a choice
    changed since then counts from the next notice); read here when not given, or
    when it leaves out someone with an address."""
    now = now or timezone.now()
    notices: list[Notification] = []
    wanted: list[tuple[User, Event]] = []
    for event in events:
        kinds.KINDS[event.kind]  # an unknown kind is a programming error
        for user in {user.pk: user for user in event.recipients if user.is_active}.values():
            wanted.append((user, event))
    keys = {event.event_key for event in events}
    existing: set[tuple[int, str]] = set()
    if not new_keys and wanted:
        existing = set(
            Notification.objects.filter(
                recipient_id__in={user.pk for user, _e in wanted}, dedupe_key__in=keys
            ).values_list("recipient_id", "dedupe_key")
        )
    fresh = [(user, event) for user, event in wanted if (user.pk, event.event_key) not in existing]
    held = _held_for_the_day(fresh)
    notices = [
        Notification(
            recipient_id=user.pk,
            kind=event.kind,
            title=event.title[:200],
            body=event.body[:2000],
            url=event.url[:500],
            urgent=event.urgent,
            dedupe_key=event.event_key,
            created_at=now,
            held=(user.pk, event.kind) in held,
        )
        for user, event in fresh
    ]
    Notification.objects.bulk_create(notices, ignore_conflicts=True, batch_size=2000)
    deliveries = _email_deliveries(fresh, now=now, held=held, read=email_choices)
    deliveries += _app_deliveries(fresh, now=now, held=held)
    units = {
        event.org_unit.pk for event in events if event.org_unit and kinds.KINDS[event.kind].to_group
    }
    if units:
        robots: dict[int, list[Webhook]] = defaultdict(list)
        for webhook in Webhook.objects.filter(org_unit_id__in=units, is_active=True):
            robots[webhook.org_unit_id].append(webhook)
        deliveries += [
            Delivery(
                channel=webhook.platform,
                kind=event.kind,
                webhook=webhook,
                title=event.title[:200],
                body=event.body[:2000],
                url=event.url[:500],
                urgent=event.urgent,
                dedupe_key=f"webhook:{webhook.pk}:{event.event_key}"[:200],
                next_attempt_at=max(now, event.not_before or now),
                created_at=now,
            )
            for event in events
            if event.org_unit is not None and kinds.KINDS[event.kind].to_group
            for webhook in robots.get(event.org_unit.pk, [])
        ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=2000)
        transaction.on_commit(send_soon)
    return len(notices)


def _held_for_the_day(fresh: Sequence[tuple[User, Event]]) -> set[tuple[int, str]]:
    """(person, kind) pairs whose notices wait for the daily notice: kinds that offer it,
    taken daily by the person's choice or the kind's default. Urgent events are never
    held. No query unless such a kind is among the events."""
    offered = {
        event.kind
        for _user, event in fresh
        if not event.urgent and kinds.KINDS[event.kind].daily is not None
    }
    if not offered:
        return set()
    chosen = {
        (user_id, kind): enabled
        for user_id, kind, enabled in KindPreference.objects.filter(
            user_id__in={user.pk for user, _e in fresh}, kind__in=offered, channel=DAILY
        ).values_list("user_id", "kind", "enabled")
    }
    return {
        (user.pk, event.kind)
        for user, event in fresh
        if event.kind in offered
        and chosen.get((user.pk, event.kind), bool(kinds.KINDS[event.kind].daily))
    }


def _email_deliveries(
    fresh: Sequence[tuple[User, Event]],
    *,
    now: datetime.datetime,
    held: set[tuple[int, str]],
    read: selectors.EmailChoices | None = None,
) -> list[Delivery]:
    """Email deliveries for those with an address who want this kind by email, held for
    the digest or until quiet hours end when not urgent. A notice held for the daily
    inbox notice holds its email for the daily email too: one choice, both channels."""
    pairs = [(user, event) for user, event in fresh if user.email]
    if not pairs:
        return []
    users = {user.pk for user, _e in pairs}
    if read is None or not read.covers(users):
        read = selectors.email_choices(user for user, _e in pairs)
    choices, settings_of = read.choices, read.settings_of
    zone = ZoneInfo(settings.TIME_ZONE)
    deliveries = []
    for user, event in pairs:
        definition = kinds.KINDS[event.kind]
        if not choices.get((user.pk, event.kind), definition.email):
            continue
        personal = settings_of.get(user.pk) or NotificationSettings(user=user)
        status = Delivery.Status.PENDING
        when = now
        if not event.urgent:
            if personal.daily_digest or (user.pk, event.kind) in held:
                status = Delivery.Status.HELD
            else:
                when = rules.quiet_hours_end(
                    now.astimezone(zone), personal.quiet_start, personal.quiet_end
                )
        deliveries.append(
            Delivery(
                channel=Delivery.Channel.EMAIL,
                kind=event.kind,
                recipient=user,
                title=event.title[:200],
                body=event.body[:2000],
                url=event.url[:500],
                urgent=event.urgent,
                dedupe_key=f"email:{user.pk}:{event.event_key}"[:200],
                status=status,
                next_attempt_at=max(when, event.not_before or when),
                created_at=now,
            )
        )
    return deliveries


def _app_deliveries(
    fresh: Sequence[tuple[User, Event]],
    *,
    now: datetime.datetime,
    held: set[tuple[int, str]],
) -> list[Delivery]:
    """Messages to people's own messenger apps, for those who chose them (see
    channels.PersonalApps). Only "you have a new notice" and the link go to the
    vendor, never the notice's title or text (Party data does not leave the platform).
    The email rules apply: a kind switched off for the app (or, with no choice for the
    app, for email) is not sent; nothing is sent for what waits for the daily notice or
    the digest; a notice that is not urgent waits for the end of quiet hours. No query
    unless the deployment sends app messages (GRASSROOTS_MESSENGER_MESSAGES)."""
    from grassroots.notifications.channels import personal_apps

    source = personal_apps()
    if source is None or not settings.GRASSROOTS_MESSENGER_MESSAGES or not fresh:
        return []
    chosen = source.channels_of(sorted({user.pk for user, _e in fresh}))
    users = set(chosen)
    if not users:
        return []
    choices = {
        (user_id, kind, channel): enabled
        for user_id, kind, channel, enabled in KindPreference.objects.filter(
            user_id__in=users
        ).values_list("user_id", "kind", "channel", "enabled")
    }
    settings_of = {
        row.user_id: row for row in NotificationSettings.objects.filter(user_id__in=users)
    }
    zone = ZoneInfo(settings.TIME_ZONE)
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("You have a new notice. Open it on the platform.")
    deliveries = []
    for user, event in fresh:
        personal = settings_of.get(user.pk) or NotificationSettings(user=user)
        if not event.urgent and (personal.daily_digest or (user.pk, event.kind) in held):
            continue
        when = now
        if not event.urgent:
            when = rules.quiet_hours_end(
                now.astimezone(zone), personal.quiet_start, personal.quiet_end
            )
        email = choices.get(
            (user.pk, event.kind, Delivery.Channel.EMAIL), kinds.KINDS[event.kind].email
        )
        for channel in chosen.get(user.pk, []):
            if not choices.get((user.pk, event.kind, channel), email):
                continue
            deliveries.append(
                Delivery(
                    channel=channel,
                    kind=event.kind,
                    recipient=user,
                    title=title,
                    body="",
                    url=event.url[:500],
                    urgent=event.urgent,
                    dedupe_key=f"app:{channel}:{user.pk}:{event.event_key}"[:200],
                    next_attempt_at=max(when, event.not_before or when),
                    created_at=now,
                )
            )
    return deliveries


def send_soon() -> None:
    from grassroots.notifications.tasks import send_due_deliveries

    send_due_deliveries.enqueue()


def notification_mark_read(
    *,
    user: User,
    notification_ids: Sequence[int] | None = None,
    with_subject: bool = False,
) -> int:
    """Mark some (or all) of a person's unread notices as read; `with_subject` also
    marks their other notices about the same subject (the same link), as the inbox
    groups them. Only the person's own notices; marking twice changes nothing."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True, held=False)
    if notification_ids is not None:
        chosen = Q(pk__in=notification_ids)
        if with_subject:  # the same subject as the inbox's groups (selectors.with_subject)
            subjects = selectors.with_subject(
                Notification.objects.filter(recipient=user, pk__in=notification_ids)
            ).values("subject")
            unread = selectors.with_subject(unread)
            chosen |= Q(subject__in=subjects)
        unread = unread.filter(chosen)
    return unread.update(read_at=timezone.now())
