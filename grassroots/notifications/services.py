"""Every write of the notifications app: notices, deliveries, robots, reminders.

`notify` is what other apps call. It writes inbox notices inside the caller's
transaction (a rolled-back change leaves none), writes the deliveries for the other
channels, and only after commit asks the worker to send them. Every notice and every
delivery carries a dedupe key that is unique in the database: the same event reaches
the same person or group once, however often it is raised or retried.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import RoleAssignment, User
from grassroots.core import parameters
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.deadlines import deadline_handler, deadline_set, deadlines_cancel
from grassroots.core.models import Deadline
from grassroots.notifications import kinds, rules
from grassroots.notifications.models import (
    Delivery,
    KindPreference,
    Notification,
    NotificationSettings,
    Reminder,
    Webhook,
)
from grassroots.orgs.models import Member, OrgUnit

logger = logging.getLogger(__name__)
STALE_SENDING = datetime.timedelta(minutes=5)
REMINDER_DEADLINE = "notifications.reminder"


# --- Raising notices --------------------------------------------------------------------


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
) -> int:
    """Tell people (and, for group kinds, the organisation's group chats) about an event.

    `event_key` names the event (e.g. "reminder:42"); together with the recipient it is
    the dedupe key. Callers pass only what the recipients may read: never the identity
    of an anonymous appeal's submitter, never personal data out of their scope.
    Returns the number of inbox notices written (0 for a repeat).
    """
    event = Event(list(recipients), kind, title, event_key, body, url, urgent, org_unit)
    return notify_many([event], now=now)


def notify_many(events: Sequence[Event], *, now: datetime.datetime | None = None) -> int:
    """Several events at once, in a fixed number of queries (the deadline sweep fires
    thousands of reminders in one batch)."""
    now = now or timezone.now()
    notices: list[Notification] = []
    wanted: list[tuple[User, Event]] = []
    for event in events:
        kinds.KINDS[event.kind]  # an unknown kind is a programming error
        for user in {user.pk: user for user in event.recipients if user.is_active}.values():
            wanted.append((user, event))
    keys = {event.event_key for event in events}
    existing = set(
        Notification.objects.filter(
            recipient_id__in={user.pk for user, _e in wanted}, dedupe_key__in=keys
        ).values_list("recipient_id", "dedupe_key")
    )
    fresh = [(user, event) for user, event in wanted if (user.pk, event.event_key) not in existing]
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
        )
        for user, event in fresh
    ]
    Notification.objects.bulk_create(notices, ignore_conflicts=True, batch_size=2000)
    deliveries = _email_deliveries(fresh, now=now)
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
                next_attempt_at=now,
            )
            for event in events
            if event.org_unit is not None and kinds.KINDS[event.kind].to_group
            for webhook in robots.get(event.org_unit.pk, [])
        ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=2000)
        transaction.on_commit(_send_soon)
    return len(notices)


def _email_deliveries(
    fresh: Sequence[tuple[User, Event]], *, now: datetime.datetime
) -> list[Delivery]:
    """Email deliveries for those with an address who want this kind by email, held for
    the digest or until quiet hours end when not urgent."""
    pairs = [(user, event) for user, event in fresh if user.email]
    if not pairs:
        return []
    users = {user.pk for user, _e in pairs}
    choices = {
        (user_id, kind): enabled
        for user_id, kind, enabled in KindPreference.objects.filter(
            user_id__in=users, channel=Delivery.Channel.EMAIL
        ).values_list("user_id", "kind", "enabled")
    }
    settings_of = {
        row.user_id: row for row in NotificationSettings.objects.filter(user_id__in=users)
    }
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
            if personal.daily_digest:
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
                next_attempt_at=when,
            )
        )
    return deliveries


def _send_soon() -> None:
    from grassroots.notifications.tasks import send_due_deliveries

    send_due_deliveries.enqueue()


# --- The inbox --------------------------------------------------------------------------


def notification_mark_read(*, user: User, notification_ids: Sequence[int] | None = None) -> int:
    """Mark some (or all) of a person's unread notices as read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# --- Sending deliveries -----------------------------------------------------------------


def deliveries_send_due(*, now: datetime.datetime | None = None, limit: int = 200) -> int:
    """Send what is due. Returns the number sent.

    A delivery is claimed (status "sending", one more attempt) and committed before
    anything leaves the machine, so two workers never send the same one; a worker that
    dies while sending leaves it "sending", and after STALE_SENDING it is tried again.
    """
    from grassroots.notifications.channels import CHANNELS, ChannelError

    now = now or timezone.now()
    Delivery.objects.filter(
        status=Delivery.Status.SENDING, next_attempt_at__lt=now - STALE_SENDING
    ).update(status=Delivery.Status.PENDING)
    with transaction.atomic():
        claimed = list(
            Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=claimed).update(
            status=Delivery.Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now
        )
    sent = 0
    for delivery in Delivery.objects.filter(pk__in=claimed).select_related(
        "recipient", "webhook__org_unit"
    ):
        try:
            CHANNELS[delivery.channel].send(delivery)
        except ChannelError as error:
            _failed(delivery, error, retryable=error.retryable, now=now)
        else:
            _succeeded(delivery, now=timezone.now())
            sent += 1
    return sent


def _succeeded(delivery: Delivery, *, now: datetime.datetime) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENT, sent_at=now, last_error=""
    )
    if delivery.webhook_id:
        Webhook.objects.filter(pk=delivery.webhook_id).update(failure_count=0)


def _failed(
    delivery: Delivery, error: Exception, *, retryable: bool, now: datetime.datetime
) -> None:
    give_up = not retryable or delivery.attempts >= parameters.value("notifications.max_attempts")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED if give_up else Delivery.Status.PENDING,
        next_attempt_at=now + rules.retry_delay(delivery.attempts),
        last_error=str(error)[:500],
    )
    if delivery.webhook_id:
        with transaction.atomic():
            webhook = Webhook.objects.select_for_update().get(pk=delivery.webhook_id)
            webhook.failure_count += 1
            webhook.save(update_fields=["failure_count"])
            if webhook.is_active and webhook.failure_count >= parameters.value(
                "notifications.webhook_pause_after"
            ):
                webhook_pause(actor=None, webhook=webhook, reason=str(error)[:200])


def delivery_retry(*, actor: User, delivery: Delivery) -> Delivery:
    """An administrator sends a failed (or waiting) delivery again, now."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.status == Delivery.Status.SENT:
            raise ValidationError(_("This message was sent already."))
        delivery.status = Delivery.Status.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "next_attempt_at"])
        audit_record(actor=actor, action="delivery.retry", target=delivery)
        transaction.on_commit(_send_soon)
    return delivery


def digests_send(*, now: datetime.datetime | None = None) -> int:
    """Turn each person's held email notices into one digest email. Returns how many."""
    now = now or timezone.now()
    held: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in Delivery.objects.filter(
        status=Delivery.Status.HELD, channel=Delivery.Channel.EMAIL
    ).order_by("created_at"):
        assert delivery.recipient_id is not None
        held[delivery.recipient_id].append(delivery)
    day = now.astimezone(ZoneInfo(settings.TIME_ZONE)).date().isoformat()
    created = 0
    for recipient_id, items in held.items():
        with transaction.atomic():
            lines = [
                f"· {item.title}" + (f"\n  {item.body}" if item.body else "") for item in items
            ]
            digest = Delivery(
                channel=Delivery.Channel.EMAIL,
                kind="digest",
                recipient_id=recipient_id,
                title=_("Your notices of %(day)s") % {"day": day},
                body="\n".join(lines)[:2000],
                url="/notifications/",
                dedupe_key=f"digest:{recipient_id}:{day}:{items[-1].pk}",
                next_attempt_at=now,
            )
            Delivery.objects.bulk_create([digest], ignore_conflicts=True)
            Delivery.objects.filter(pk__in=[item.pk for item in items]).update(
                status=Delivery.Status.SENT, sent_at=now, last_error="in digest"
            )
            created += 1
    if created:
        transaction.on_commit(_send_soon)
    return created


# --- Group-chat robots ------------------------------------------------------------------

URL_PROBLEMS = {
    "too_long": lambda: (
        _("The address is too long (at most %(max)s characters).") % {"max": rules.MAX_URL_LENGTH}
    ),
    "scheme": lambda: _("The address must start with http:// or https://."),
    "host": lambda: _("The address has no valid host name."),
    "not_routable": lambda: _(
        "The address points at this machine or a link-local address, which cannot be a group robot."
    ),
}
WEBHOOK_FIELDS = ("org_unit", "platform", "name", "is_active")


def webhook_check_url(url: str) -> None:
    problem = rules.webhook_url_problem(
        url, allow_loopback=settings.GRASSROOTS_WEBHOOK_ALLOW_LOOPBACK
    )
    if problem is not None:
        raise ValidationError({"url": URL_PROBLEMS[problem]()})


@transaction.atomic
def webhook_create(
    *, actor: User, org_unit: OrgUnit, platform: str, name: str, url: str, secret: str = ""
) -> Webhook:
    """Register an organisation's group-chat robot (address checked, secret kept)."""
    url = url.strip()
    webhook_check_url(url)
    webhook = Webhook.objects.create(
        org_unit=org_unit,
        platform=platform,
        name=name.strip(),
        url=url,
        secret=secret.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="webhook.create",
        target=webhook,
        after=snapshot(webhook, WEBHOOK_FIELDS),
        org_path=org_unit.path,
    )
    return webhook


@transaction.atomic
def webhook_pause(*, actor: User | None, webhook: Webhook, reason: str = "") -> Webhook:
    """Stop sending to a robot; when the system pauses it, its owner is told."""
    webhook = Webhook.objects.select_for_update().select_related("org_unit").get(pk=webhook.pk)
    if not webhook.is_active:
        return webhook
    webhook.is_active = False
    webhook.paused_at = timezone.now()
    webhook.save(update_fields=["is_active", "paused_at"])
    audit_record(
        actor=actor,
        action="webhook.pause",
        target=webhook,
        extra={"reason": reason},
        org_path=webhook.org_unit.path,
    )
    if actor is None:
        owners = [webhook.created_by] if webhook.created_by else []
        notify(
            recipients=owners,
            kind=kinds.WEBHOOK_PAUSED.key,
            title=_("The group-chat robot “%(name)s” was paused") % {"name": webhook.name},
            body=_(
                "Sending failed %(count)s times in a row (%(reason)s). "
                "Check the address, then resume it."
            )
            % {"count": webhook.failure_count, "reason": reason},
            url=f"/notifications/robots/{webhook.org_unit_id}/",
            event_key=f"webhook-paused:{webhook.pk}:{webhook.paused_at:%Y%m%d%H%M%S}",
            urgent=True,
        )
    return webhook


@transaction.atomic
def webhook_resume(*, actor: User, webhook: Webhook) -> Webhook:
    webhook = Webhook.objects.select_for_update().select_related("org_unit").get(pk=webhook.pk)
    webhook.is_active = True
    webhook.paused_at = None
    webhook.failure_count = 0
    webhook.save(update_fields=["is_active", "paused_at", "failure_count"])
    audit_record(
        actor=actor, action="webhook.resume", target=webhook, org_path=webhook.org_unit.path
    )
    return webhook


@transaction.atomic
def webhook_delete(*, actor: User, webhook: Webhook) -> None:
    audit_record(
        actor=actor,
        action="webhook.delete",
        target=webhook,
        before=snapshot(webhook, WEBHOOK_FIELDS),
        org_path=webhook.org_unit.path,
    )
    webhook.delete()


@transaction.atomic
def webhook_test(*, actor: User, webhook: Webhook) -> Delivery:
    """Queue a test message to a robot, so its owner sees it arrive in the group."""
    delivery = Delivery.objects.create(
        channel=webhook.platform,
        kind="test",
        webhook=webhook,
        title=_("Test message from the Grassroots platform"),
        body=_("If you can read this, the robot for %(unit)s works.")
        % {"unit": webhook.org_unit.name},
        dedupe_key=f"webhook-test:{webhook.pk}:{timezone.now().timestamp()}",
        urgent=True,
    )
    transaction.on_commit(_send_soon)
    return delivery


# --- Preferences ------------------------------------------------------------------------


@transaction.atomic
def preferences_update(
    *,
    user: User,
    email: str,
    daily_digest: bool,
    quiet_start: datetime.time,
    quiet_end: datetime.time,
    email_kinds: Iterable[str],
) -> NotificationSettings:
    """A person's own delivery preferences."""
    User.objects.filter(pk=user.pk).update(email=email.strip())
    user.email = email.strip()
    personal, _created = NotificationSettings.objects.update_or_create(
        user=user,
        defaults={"daily_digest": daily_digest, "quiet_start": quiet_start, "quiet_end": quiet_end},
    )
    wanted = set(email_kinds)
    for key in kinds.KINDS:
        KindPreference.objects.update_or_create(
            user=user, kind=key, channel=Delivery.Channel.EMAIL, defaults={"enabled": key in wanted}
        )
    audit_record(actor=user, action="notifications.preferences", target=personal)
    return personal


# --- Reminders --------------------------------------------------------------------------


@transaction.atomic
def reminder_create(
    *,
    actor: User,
    title: str,
    remind_at: datetime.datetime,
    audience: str,
    org_unit: OrgUnit | None = None,
    body: str = "",
    urgent: bool = False,
) -> Reminder:
    """Schedule a reminder; it fires from the scheduler, whether or not anyone is online."""
    if remind_at <= timezone.now():
        raise ValidationError({"remind_at": _("Choose a time in the future.")})
    if audience != Reminder.Audience.ME and org_unit is None:
        raise ValidationError({"org_unit": _("Choose the organisation to remind.")})
    reminder = Reminder.objects.create(
        created_by=actor,
        org_unit=org_unit if audience != Reminder.Audience.ME else None,
        audience=audience,
        title=title.strip(),
        body=body.strip(),
        remind_at=remind_at,
        urgent=urgent,
    )
    deadline_set(kind=REMINDER_DEADLINE, subject=reminder, due_at=remind_at)
    audit_record(
        actor=actor,
        action="reminder.create",
        target=reminder,
        after=snapshot(reminder, ("title", "remind_at", "audience", "org_unit")),
        org_path=org_unit.path if org_unit else "",
    )
    return reminder


@transaction.atomic
def reminder_cancel(*, actor: User, reminder: Reminder) -> None:
    if reminder.sent_at is not None:
        raise ValidationError(_("This reminder has been sent already."))
    deadlines_cancel(subject=reminder)
    audit_record(actor=actor, action="reminder.cancel", target=reminder)
    reminder.delete()


def reminder_recipients(reminder: Reminder) -> list[User]:
    if reminder.audience == Reminder.Audience.ME or reminder.org_unit is None:
        return [reminder.created_by]
    unit = reminder.org_unit
    if reminder.audience == Reminder.Audience.OFFICERS:
        officers = RoleAssignment.objects.current().filter(org_unit=unit).values("user_id")
        return list(User.objects.filter(pk__in=officers, is_active=True))
    field = (
        "member__group" if unit.kind == OrgUnit.Kind.GROUP else "member__branch__path__startswith"
    )
    value: Any = unit if unit.kind == OrgUnit.Kind.GROUP else unit.path
    return list(
        User.objects.filter(
            **{field: value}, member__status__in=Member.Status.active_values(), is_active=True
        )
    )


@deadline_handler(REMINDER_DEADLINE)
def _reminders_due(deadlines: Sequence[Deadline], now: datetime.datetime) -> None:
    reminders = list(
        Reminder.objects.filter(
            pk__in=[int(d.subject_id) for d in deadlines], sent_at__isnull=True
        ).select_related("created_by", "org_unit")
    )
    notify_many(
        [
            Event(
                recipients=reminder_recipients(reminder),
                kind=kinds.REMINDER.key,
                title=reminder.title,
                body=reminder.body,
                url="/notifications/",
                event_key=f"reminder:{reminder.pk}",
                urgent=reminder.urgent,
                org_unit=reminder.org_unit,
            )
            for reminder in reminders
        ],
        now=now,
    )
    Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(sent_at=now)
