"""Kinds taken once a day: deadline warnings (appeals.warning) gather into one daily
notice by default, or come one per event by the person's choice."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from grassroots.notifications import services
from grassroots.notifications.models import DAILY, Delivery, KindPreference, Notification
from grassroots.notifications.selectors import unread_count

pytestmark = pytest.mark.django_db

WARNING = "appeals.warning"  # defined by the appeals app, daily by default
MORNING = datetime.datetime(2026, 3, 3, 0, 0, tzinfo=datetime.UTC)  # 08:00 in Shanghai


@pytest.fixture(autouse=True)
def empty_inboxes(world):
    """The world's posts were announced to their holders: start from empty inboxes."""
    Notification.objects.all().delete()


def warn(user, number, *, urgent=False):
    return services.notify(
        recipients=[user],
        kind=WARNING,
        title=f"诉求 2026-{number:04d}：受理时限已用去 50%",
        url=f"/appeals/handle/a{number}/",
        event_key=f"appeal:a{number}:warn:accept:50:0",
        urgent=urgent,
    )


def test_warnings_wait_out_of_the_inbox_then_become_one_daily_notice(world):
    # given: three deadline warnings for an officer who kept the default
    for number in range(3):
        warn(world.officer_a, number)
    # then: none is in the inbox yet, none counts as unread
    assert unread_count(world.officer_a) == 0
    # when: the morning job runs (twice: a retried job)
    assert services.daily_notices_send(now=MORNING) == 1
    assert services.daily_notices_send(now=MORNING) == 0
    # then: one notice lists the three, each still with its own link
    [daily] = Notification.objects.filter(recipient=world.officer_a, held=False)
    first = timezone.localdate(min(daily.items.values_list("created_at", flat=True)))
    assert daily.kind == WARNING and "3" in daily.title and str(first) in daily.title
    assert sorted(daily.items.values_list("url", flat=True)) == [
        "/appeals/handle/a0/",
        "/appeals/handle/a1/",
        "/appeals/handle/a2/",
    ]
    assert unread_count(world.officer_a) == 1


def test_a_warning_raised_again_is_not_listed_again(world):
    # given: a warning already gathered into a daily notice
    warn(world.officer_a, 1)
    services.daily_notices_send(now=MORNING)
    # when: the same event is raised again (a retried sweep)
    assert warn(world.officer_a, 1) == 0
    # then: the next morning has nothing to gather
    assert services.daily_notices_send(now=MORNING + datetime.timedelta(days=1)) == 0


def test_who_chose_one_notice_each_gets_one_per_appeal_at_once(world):
    # given: the officer chose one notice each; another officer kept the default
    KindPreference.objects.create(user=world.officer_a, kind=WARNING, channel=DAILY, enabled=False)
    # when: two appeals' warnings reach both
    for number in range(2):
        services.notify(
            recipients=[world.officer_a, world.officer_b],
            kind=WARNING,
            title=f"诉求 {number}",
            url=f"/appeals/handle/a{number}/",
            event_key=f"w{number}",
        )
    # then: the first has two notices now, the second waits for the morning
    assert unread_count(world.officer_a) == 2
    assert unread_count(world.officer_b) == 0
    assert services.daily_notices_send(now=MORNING) == 1
    assert not Notification.objects.filter(recipient=world.officer_a, daily__isnull=False).exists()


def test_urgent_warnings_are_never_held(world):
    warn(world.officer_a, 7, urgent=True)
    assert unread_count(world.officer_a) == 1


def test_other_kinds_are_not_held(world):
    services.notify(recipients=[world.officer_a], kind="reminder", title="提醒", event_key="r")
    assert unread_count(world.officer_a) == 1
    assert services.daily_notices_send(now=MORNING) == 0


def test_a_held_warnings_email_waits_for_the_daily_email(world):
    # given: an officer with an email address, daily email off, warnings by email on
    type(world.officer_a).objects.filter(pk=world.officer_a.pk).update(email="a@example.com")
    world.officer_a.refresh_from_db()
    # when: two warnings are raised and the morning jobs run
    warn(world.officer_a, 1)
    warn(world.officer_a, 2)
    assert Delivery.objects.filter(status="held").count() == 2
    services.daily_notices_send(now=MORNING)
    assert services.digests_send(now=MORNING) == 1
    services.deliveries_send_due(now=MORNING)
    # then: one email names both
    assert len(mail.outbox) == 1
    assert "2026-0001" in mail.outbox[0].body and "2026-0002" in mail.outbox[0].body


def test_daily_notices_are_per_person(world):
    warn(world.officer_a, 1)
    warn(world.officer_b, 2)
    assert services.daily_notices_send(now=MORNING) == 2
    mine = Notification.objects.get(recipient=world.officer_a, held=False)
    assert list(mine.items.values_list("url", flat=True)) == ["/appeals/handle/a1/"]
