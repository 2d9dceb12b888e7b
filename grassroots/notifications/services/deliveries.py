"""Sending what is due, retrying what failed, and the daily digest.

A delivery is claimed and committed before anything leaves the machine, so two workers
never send the same one. What is promised (docs/operations.md, "Notifications"):

- At most once when a worker dies mid-send. Just before a message is handed to the
  mail server or robot, its attempt is recorded and committed (`attempt_started_at`).
  A delivery left "sending" with an attempt recorded may have been accepted by the
  server before the worker died, and SMTP gives no way to ask; it is marked failed with
  "outcome unknown" instead of being sent again, and an administrator can send it again
  at "发送记录" after checking. One claimed but not yet attempted goes back to the queue.
- Retried after an error the server or network reports: the server did not take the
  message. The one case SMTP cannot tell apart is a connection cut exactly while the
  server confirms; that rare case is retried and may arrive twice.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core import parameters
from grassroots.core.audit import audit_record
from grassroots.core.locking import locked
from grassroots.notifications import rules
from grassroots.notifications.models import Delivery, Webhook
from grassroots.notifications.services.inbox import send_soon
from grassroots.notifications.services.webhooks import webhook_pause

if TYPE_CHECKING:
    from grassroots.accounts.models import User

STALE_SENDING = datetime.timedelta(minutes=5)
# No send of a batch starts later than this after the batch began: with every send bounded
# by its channel's timeout, the batch ends long before its claims could go stale.
SEND_BUDGET = STALE_SENDING / 2
OUTCOME_UNKNOWN = (
    "outcome unknown: the worker stopped while sending; it may have been delivered, "
    "so it was not sent again automatically"
)


def deliveries_send_due(*, now: datetime.datetime | None = None, limit: int = 200) -> int:
    """Send what is due. Returns the number sent.

    A delivery is claimed (status "sending", one more attempt) and committed before
    anything leaves the machine, so two workers never send the same one. A worker that
    dies while sending leaves it "sending"; after STALE_SENDING it goes back to the queue
    if it never reached the channel, or is failed as "outcome unknown" if it may have.

    A batch is sent one by one, so a slow mail server could keep a worker on it past
    STALE_SENDING, when its untried claims go back to the queue and another worker takes
    them. Hence each delivery is claimed once more, alone and conditionally, just before
    it is sent (skipped if it is no longer this worker's claim); no send starts after
    SEND_BUDGET (half of STALE_SENDING), the rest goes back to the queue; and every send
    is bounded by its channel's timeout (GRASSROOTS_SMTP_TIMEOUT, the robots' TIMEOUT_SECONDS).
    """
    from grassroots.notifications.channels import CHANNELS, ChannelError

    now = now or timezone.now()
    began = time.monotonic()
    stale = Delivery.objects.filter(
        status=Delivery.Status.SENDING, next_attempt_at__lt=now - STALE_SENDING
    )
    stale.filter(attempt_started_at__isnull=True).update(status=Delivery.Status.PENDING)
    stale.filter(attempt_started_at__isnull=False).update(
        status=Delivery.Status.FAILED, last_error=OUTCOME_UNKNOWN
    )
    with transaction.atomic():
        claimed = list(
            Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=claimed).update(
            status=Delivery.Status.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now,
            attempt_started_at=None,
        )
    sent = 0
    for delivery in Delivery.objects.filter(pk__in=claimed).select_related(
        "recipient", "webhook__org_unit"
    ):
        # This claim: our status and our attempt count (another worker's claim adds one).
        ours = Delivery.objects.filter(
            pk=delivery.pk,
            status=Delivery.Status.SENDING,
            attempts=delivery.attempts,
            attempt_started_at__isnull=True,
        )
        if time.monotonic() - began >= SEND_BUDGET.total_seconds():
            ours.update(status=Delivery.Status.PENDING, attempts=F("attempts") - 1)
            continue
        if not ours.update(attempt_started_at=timezone.now()):
            continue  # taken back after STALE_SENDING, and perhaps sent by another worker
        try:
            CHANNELS[delivery.channel].send(delivery)
        except ChannelError as error:
            _failed(delivery, error, retryable=error.retryable, now=now)
        else:
            _succeeded(delivery, now=timezone.now())
            sent += 1
    return sent


def _attempt(delivery: Delivery) -> QuerySet[Delivery]:
    """The delivery as long as it is still in this worker's attempt."""
    return Delivery.objects.filter(
        pk=delivery.pk, status=Delivery.Status.SENDING, attempts=delivery.attempts
    )


def _succeeded(delivery: Delivery, *, now: datetime.datetime) -> None:
    _attempt(delivery).update(status=Delivery.Status.SENT, sent_at=now, last_error="")
    if delivery.webhook_id:
        Webhook.objects.filter(pk=delivery.webhook_id).update(failure_count=0)


def _failed(
    delivery: Delivery, error: Exception, *, retryable: bool, now: datetime.datetime
) -> None:
    give_up = not retryable or delivery.attempts >= parameters.value("notifications.max_attempts")
    _attempt(delivery).update(
        status=Delivery.Status.FAILED if give_up else Delivery.Status.PENDING,
        next_attempt_at=now + rules.retry_delay(delivery.attempts),
        last_error=str(error)[:500],
    )
    if delivery.webhook is not None:  # read with the delivery (select_related)
        with transaction.atomic():
            webhook = locked(delivery.webhook)
            webhook.failure_count += 1
            webhook.save(update_fields=["failure_count"])
            if webhook.is_active and webhook.failure_count >= parameters.value(
                "notifications.webhook_pause_after"
            ):
                webhook_pause(actor=None, webhook=webhook, reason=str(error)[:200])


def delivery_retry(*, actor: User, delivery: Delivery) -> Delivery:
    """An administrator sends a failed (or waiting) delivery again, now."""
    with transaction.atomic():
        delivery = locked(delivery)
        if delivery.status == Delivery.Status.SENT:
            raise ValidationError(_("This message was sent already."))
        delivery.status = Delivery.Status.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.attempt_started_at = None
        delivery.save(update_fields=["status", "next_attempt_at", "attempt_started_at"])
        audit_record(actor=actor, action="delivery.retry", target=delivery)
        transaction.on_commit(send_soon)
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
        transaction.on_commit(send_soon)
    return created
