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


def emails_to_both_officers(world) -> list[Delivery]:
    for officer, address in (
        (world.officer_a, "a@example.com"),
        (world.officer_b, "b@example.com"),
    ):
        type(officer).objects.filter(pk=officer.pk).update(email=address)
        officer.refresh_from_db()
    services.notify(
        recipients=[world.officer_a, world.officer_b],
        kind="reminder",
        title="支部党员大会",
        event_key="once:2",
        urgent=True,
    )
    return list(Delivery.objects.filter(channel=Delivery.Channel.EMAIL).order_by("pk"))


def test_a_slow_batch_never_sends_a_claim_another_worker_took_back(world, monkeypatch):
    # given: worker A claimed two mails; its first send is so slow that, meanwhile, the
    # claims go stale and worker B takes the untried one back and sends it
    emails_to_both_officers(world)
    now = timezone.now()
    later = now + services.STALE_SENDING + datetime.timedelta(seconds=1)
    real_send = channels.EmailChannel.send
    sends: list[int] = []

    def slow_send(self, delivery):
        sends.append(delivery.pk)
        if len(sends) == 1:
            services.deliveries_send_due(now=later)  # worker B, while A waits on the server
        real_send(self, delivery)

    monkeypatch.setattr(channels.EmailChannel, "send", slow_send)
    # when: worker A goes on through its batch
    services.deliveries_send_due(now=now)
    # then: each mail was handed to the server once
    assert sorted(sends) == sorted(set(sends))
    assert len(mail.outbox) == 2


def test_a_send_that_failed_after_another_worker_took_the_claim_leaves_it_alone(world, monkeypatch):
    # given: worker A's send of a mail fails slowly; meanwhile its claim went stale and
    # worker B claimed the mail again (still "sending", one more attempt)
    delivery = email_to_officer(world)
    now = timezone.now()

    def fail_after_worker_b_claimed(self, delivery):
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=delivery.attempts + 1, attempt_started_at=None
        )
        raise channels.ChannelError("mail server: timed out")

    monkeypatch.setattr(channels.EmailChannel, "send", fail_after_worker_b_claimed)
    # when: worker A records its failure
    services.deliveries_send_due(now=now)
    # then: worker B's claim is untouched
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENDING
    assert delivery.last_error == ""


def test_no_send_starts_after_the_budget_and_the_rest_goes_back_to_the_queue(world, monkeypatch):
    # given: two mails due, and a first send that uses up the batch's time budget
    first, second = emails_to_both_officers(world)
    clock = [1000.0]
    monkeypatch.setattr(services.deliveries.time, "monotonic", lambda: clock[0])
    real_send = channels.EmailChannel.send

    def slow_send(self, delivery):
        clock[0] += services.deliveries.SEND_BUDGET.total_seconds()
        real_send(self, delivery)

    monkeypatch.setattr(channels.EmailChannel, "send", slow_send)
    now = timezone.now()
    # when: the batch runs
    assert services.deliveries_send_due(now=now) == 1
    # then: the other mail was not attempted, and is queued again as it was
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    (left,) = [d for d in (first, second) if d.status != Delivery.Status.SENT]
    assert left.status == Delivery.Status.PENDING
    assert left.attempts == 0
    assert left.attempt_started_at is None
    # and the next batch sends it
    assert services.deliveries_send_due(now=now + datetime.timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 2


def test_smtp_sends_have_a_timeout():
    # given / when: production settings with an SMTP server
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.core.mail import mailers; "
        "print(mailers.default.timeout)"
    )
    env = {
        **__import__("os").environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "GRASSROOTS_SMTP_HOST": "mail.example.com",
        "GRASSROOTS_SMTP_TIMEOUT": "7",
        "DJANGO_SECRET_KEY": "x" * 64,
    }
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    # then: a send cannot hang on the server
    assert output.stdout.strip() == "7", output.stderr[-2000:]
