"""notify(), deliveries, retries, robots pausing, reminders, digests."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from grassroots.core.deadlines import deadlines_sweep
from grassroots.core.models import Deadline
from grassroots.notifications import channels, services
from grassroots.notifications.models import (
    Delivery,
    KindPreference,
    Notification,
    NotificationSettings,
    Reminder,
    Webhook,
)
from grassroots.notifications.tests.receiver import RobotReceiver

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)  # 20:00 in Shanghai


def raise_reminder(world, event_key="reminder:1", org_unit=None, **extra):
    return services.notify(
        recipients=[world.member_a.user, world.officer_a],
        kind="reminder",
        title="支部党员大会",
        body="周五下午三点",
        event_key=event_key,
        org_unit=org_unit,
        **extra,
    )


def test_the_same_event_reaches_each_person_once(world):
    assert raise_reminder(world) == 2
    assert raise_reminder(world) == 0
    assert Notification.objects.filter(dedupe_key="reminder:1").count() == 2


def test_a_rolled_back_change_sends_nothing(world, django_capture_on_commit_callbacks):
    def change_that_fails():
        with transaction.atomic():
            raise_reminder(world, org_unit=world.branch_a)
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        change_that_fails()
    assert not Notification.objects.filter(dedupe_key="reminder:1").exists()
    assert not Delivery.objects.exists()
    assert callbacks == []


def test_email_goes_only_to_people_with_an_address_who_want_it(world):
    # given: officer_a has an address; member_a has one but opted out of reminders by email
    type(world.officer_a).objects.filter(pk=world.officer_a.pk).update(email="a@example.com")
    type(world.officer_a).objects.filter(pk=world.member_a.user_id).update(email="m@example.com")
    KindPreference.objects.create(
        user=world.member_a.user, kind="reminder", channel="email", enabled=False
    )
    world.officer_a.refresh_from_db()
    world.member_a.user.refresh_from_db()
    # when
    raise_reminder(world, urgent=True)
    # then
    assert list(Delivery.objects.values_list("recipient_id", flat=True)) == [world.officer_a.pk]


@pytest.mark.parametrize("read_ahead", ["all", "some", "none"])
def test_email_choices_read_ahead_are_used_and_completed_when_short(
    world, read_ahead, django_assert_num_queries
):
    from grassroots.notifications import selectors

    # given two people with an address, one of whom opted out of reminders by email
    people = [world.officer_a, world.member_a.user]
    for index, person in enumerate(people):
        person.email = f"p{index}@example.com"
        person.save(update_fields=["email"])
    KindPreference.objects.create(
        user=world.member_a.user, kind="reminder", channel="email", enabled=False
    )
    # and their choices read ahead for both, for one, or not at all
    ahead = {"all": people, "some": people[:1], "none": []}[read_ahead]
    choices = selectors.email_choices(ahead)
    event = services.Event(people, "reminder", "支部党员大会", "reminder:9", urgent=True)
    # when they are told: the notices and the e-mails, plus the two reads of the choices
    # only when those read ahead leave someone with an address out
    with django_assert_num_queries(2 if read_ahead == "all" else 4):
        services.notify_many([event], new_keys=True, email_choices=choices)
    # then the e-mail follows the choices either way
    assert list(Delivery.objects.values_list("recipient_id", flat=True)) == [world.officer_a.pk]


def test_email_choices_of_people_without_an_address_take_no_query(world, django_assert_num_queries):
    from grassroots.notifications import selectors

    with django_assert_num_queries(0):
        assert selectors.email_choices([world.officer_a]).users == frozenset()


def test_quiet_hours_hold_emails_that_are_not_urgent(world):
    type(world.officer_a).objects.filter(pk=world.officer_a.pk).update(email="a@example.com")
    world.officer_a.refresh_from_db()
    late = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)  # 23:00 in Shanghai
    services.notify(
        recipients=[world.officer_a], kind="reminder", title="x", event_key="e1", now=late
    )
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at == datetime.datetime(
        2026, 3, 2, 23, 30, tzinfo=datetime.UTC
    )  # 07:30


def test_daily_digest_collects_held_emails_into_one(world):
    type(world.officer_a).objects.filter(pk=world.officer_a.pk).update(email="a@example.com")
    world.officer_a.refresh_from_db()
    NotificationSettings.objects.create(user=world.officer_a, daily_digest=True)
    for number in range(3):
        services.notify(
            recipients=[world.officer_a],
            kind="reminder",
            title=f"第{number}件",
            event_key=f"d{number}",
        )
    assert Delivery.objects.filter(status="held").count() == 3
    assert services.digests_send() == 1
    assert services.digests_send() == 0
    services.deliveries_send_due()
    assert len(mail.outbox) == 1
    assert "第0件" in mail.outbox[0].body and "第2件" in mail.outbox[0].body


def make_robot(world, receiver, platform="wecom", secret=""):
    return Webhook.objects.create(
        org_unit=world.branch_a, platform=platform, name="支部群", url=receiver.url, secret=secret
    )


@pytest.mark.parametrize("platform", ["wecom", "dingtalk", "feishu"])
def test_group_notices_reach_the_robot_in_its_platforms_format(world, platform):
    with RobotReceiver(platform=platform) as receiver:
        make_robot(
            world, receiver, platform=platform, secret="SECRET" if platform != "wecom" else ""
        )
        raise_reminder(world, org_unit=world.branch_a)
        assert services.deliveries_send_due() == 1
        assert services.deliveries_send_due() == 0  # nothing twice
    [request] = receiver.received
    if platform == "wecom":
        assert request.body["msgtype"] == "markdown"
        assert "支部党员大会" in request.body["markdown"]["content"]
    elif platform == "dingtalk":
        assert request.body["markdown"]["title"] == "支部党员大会"
        assert "sign" in request.query and "timestamp" in request.query
    else:
        assert request.body["msg_type"] == "text" and request.body["sign"]
    assert Delivery.objects.get().status == "sent"


def test_errors_and_timeouts_are_retried_with_back_off(world, monkeypatch):
    monkeypatch.setattr(channels, "TIMEOUT_SECONDS", 0.3)
    with RobotReceiver(script=["error", "slow"], slow_seconds=1.0) as receiver:
        make_robot(world, receiver)
        raise_reminder(world, org_unit=world.branch_a)
        now = timezone.now()
        assert services.deliveries_send_due(now=now) == 0
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert delivery.next_attempt_at == now + datetime.timedelta(seconds=30)
        assert "HTTP 500" in delivery.last_error
        # not due yet: nothing is sent
        assert services.deliveries_send_due(now=now + datetime.timedelta(seconds=10)) == 0
        later = now + datetime.timedelta(seconds=31)
        assert services.deliveries_send_due(now=later) == 0  # the slow answer times out
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and "network" in delivery.last_error
        assert delivery.next_attempt_at == later + datetime.timedelta(minutes=2)
        assert services.deliveries_send_due(now=later + datetime.timedelta(minutes=3)) == 1
    assert len(receiver.received) == 3


def test_a_robot_that_keeps_failing_is_paused_and_its_owner_told(world):
    with RobotReceiver(script=["refuse"] * 10) as receiver:
        robot = make_robot(world, receiver)
        Webhook.objects.filter(pk=robot.pk).update(created_by=world.officer_a)
        for number in range(5):
            raise_reminder(world, event_key=f"r{number}", org_unit=world.branch_a)
        services.deliveries_send_due()
    robot.refresh_from_db()
    assert not robot.is_active and robot.failure_count == 5
    told = Notification.objects.get(recipient=world.officer_a, kind="notifications.webhook_paused")
    assert robot.name in told.title
    # a paused robot gets nothing new
    raise_reminder(world, event_key="after", org_unit=world.branch_a)
    assert not Delivery.objects.filter(dedupe_key__endswith=":after").exists()


def test_invalid_robot_addresses_are_refused_with_a_message(world, settings):
    from django.core.exceptions import ValidationError

    settings.GRASSROOTS_WEBHOOK_ALLOW_LOOPBACK = False
    for url in (
        "ftp://x/y",
        "http://169.254.169.254/",
        "http://127.0.0.1/x",
        "https://x/" + "a" * 600,
    ):
        with pytest.raises(ValidationError) as error:
            services.webhook_create(
                actor=world.officer_a, org_unit=world.branch_a, platform="wecom", name="n", url=url
            )
        assert error.value.message_dict["url"]
    assert not Webhook.objects.exists()


def test_a_reminder_fires_from_the_deadline_sweep_once(world):
    # given
    soon = timezone.now() + datetime.timedelta(minutes=1)
    reminder = services.reminder_create(
        actor=world.officer_a,
        title="交党费",
        remind_at=soon,
        audience="members",
        org_unit=world.branch_a,
    )
    # when: a sweep before the time does nothing, one after it fires
    assert deadlines_sweep(now=soon - datetime.timedelta(seconds=1)) == 0
    assert deadlines_sweep(now=soon + datetime.timedelta(seconds=1)) == 1
    assert deadlines_sweep(now=soon + datetime.timedelta(minutes=5)) == 0
    # then: everyone in branch A, and only them, has it
    recipients = set(
        Notification.objects.filter(dedupe_key=f"reminder:{reminder.pk}").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {world.officer_a.pk, world.member_a.user_id, world.committee_officer.pk}
    reminder.refresh_from_db()
    assert reminder.sent_at is not None


def test_a_cancelled_reminder_never_fires(world):
    soon = timezone.now() + datetime.timedelta(minutes=1)
    reminder = services.reminder_create(
        actor=world.employee, title="x", remind_at=soon, audience="me"
    )
    services.reminder_cancel(actor=world.employee, reminder=reminder)
    assert not Deadline.objects.exists()
    assert deadlines_sweep(now=soon + datetime.timedelta(minutes=1)) == 0


def test_reminders_in_the_past_are_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.reminder_create(
            actor=world.employee, title="x", remind_at=timezone.now(), audience="me"
        )
    assert not Reminder.objects.exists()


def test_a_post_tells_its_holder(world):
    assert Notification.objects.filter(recipient=world.officer_a, kind="orgs.post").exists()


def test_a_reminder_reaches_its_author_the_officers_or_the_members(world):
    from grassroots.notifications.models import Reminder
    from grassroots.notifications.selectors import reminder_recipients

    # given three reminders for branch A's organisation
    def reminder(audience):
        return Reminder(
            created_by=world.officer_a, org_unit=world.branch_a, audience=audience, title="x"
        )

    # then each reaches its audience
    assert reminder_recipients(reminder(Reminder.Audience.ME)) == [world.officer_a]
    assert reminder_recipients(reminder(Reminder.Audience.OFFICERS)) == [world.officer_a]
    members = set(reminder_recipients(reminder(Reminder.Audience.MEMBERS)))
    assert world.member_a.user in members and world.officer_a in members
    assert world.member_b.user not in members
