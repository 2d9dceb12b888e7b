"""A worker that dies while sending: the message is not sent a second time.

SMTP cannot be asked whether it took a message, so a delivery whose attempt had begun
when the worker died is failed as "outcome unknown" (an administrator may send it
again), while one claimed but not yet attempted simply goes back to the queue."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from grassroots.notifications import channels, services
from grassroots.notifications.models import Delivery

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for kill -9: nothing after it runs, only what was committed stays."""


def email_to_officer(world) -> Delivery:
    type(world.officer_a).objects.filter(pk=world.officer_a.pk).update(email="a@example.com")
    world.officer_a.refresh_from_db()
    services.notify(
        recipients=[world.officer_a],
        kind="reminder",
        title="支部党员大会",
        event_key="once:1",
        urgent=True,
    )
    return Delivery.objects.get(channel=Delivery.Channel.EMAIL)


def test_a_mail_accepted_just_before_the_worker_died_is_not_sent_again(world, monkeypatch):
    # given: the mail server accepts the message, then the worker dies before recording it
    delivery = email_to_officer(world)
    real_send = channels.EmailChannel.send

    def accept_then_die(self, delivery):
        real_send(self, delivery)
        raise WorkerKilled

    monkeypatch.setattr(channels.EmailChannel, "send", accept_then_die)
    now = timezone.now()
    with pytest.raises(WorkerKilled):
        services.deliveries_send_due(now=now)
    assert len(mail.outbox) == 1
    monkeypatch.setattr(channels.EmailChannel, "send", real_send)
    # when: the requeued sweep runs again, after the delivery is considered abandoned
    later = now + services.STALE_SENDING + datetime.timedelta(seconds=1)
    services.deliveries_send_due(now=later)
    services.deliveries_send_due(now=later + datetime.timedelta(hours=1))
    # then: nothing was sent twice; the administrator sees why, and may send it again
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert "outcome unknown" in delivery.last_error
    services.delivery_retry(actor=world.admin, delivery=delivery)
    services.deliveries_send_due(now=timezone.now() + datetime.timedelta(seconds=1))
    assert len(mail.outbox) == 2


def test_a_claimed_mail_never_attempted_is_sent_once_after_the_worker_died(world):
    # given: a worker claimed the mail and died before handing it to the server
    delivery = email_to_officer(world)
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING, attempts=1, next_attempt_at=now
    )
    # when: the sweep runs after the claim is considered abandoned
    services.deliveries_send_due(now=now + services.STALE_SENDING + datetime.timedelta(seconds=1))
    # then: it was sent, once
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
