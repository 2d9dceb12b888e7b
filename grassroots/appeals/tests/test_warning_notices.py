"""Deadline warnings (50 %, 80 %) as the handlers receive them: one daily notice by
default, one per appeal by choice; neither names the sender of an anonymous appeal."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.appeals import services
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.notifications import services as notifications
from grassroots.notifications.models import DAILY, KindPreference, Notification

pytestmark = pytest.mark.django_db


def test_warnings_for_a_named_and_an_anonymous_appeal_make_one_daily_notice(world, client_for):
    # given: the same employee sends a named and an anonymous appeal
    named = raise_appeal(world, title="宿舍热水")
    anonymous = raise_appeal(world, title="加班费", submitter=None, anonymous=True)
    Notification.objects.all().delete()
    at = timezone.now()
    # (both due after the next morning: see the test below for those due before it)
    for appeal in (named, anonymous):
        Appeal.objects.filter(pk=appeal.pk).update(current_due_at=at + datetime.timedelta(days=3))
        appeal.refresh_from_db()
    # when: both reach half their time, then 80 %, and the morning job runs
    for share in (0.5, 0.8):
        for appeal in (named, anonymous):
            services.appeal_warn(appeal=appeal, stage="accept", share=share, at=at)
    assert notifications.daily_notices_send(now=at + datetime.timedelta(hours=1)) >= 1
    # then: the branch officer has one notice listing the four warnings, with links
    daily = Notification.objects.get(recipient=world.officer_a, held=False)
    assert daily.items.count() == 4
    assert set(daily.items.values_list("url", flat=True)) == {
        reverse("appeals:handle_detail", args=[named.public_id]),
        reverse("appeals:handle_detail", args=[anonymous.public_id]),
    }
    # and nothing the officer can read names the sender
    page = client_for(world.officer_a).get(reverse("notifications:inbox")).content.decode()
    assert anonymous.number in page
    texts = [page] + [f"{n.title} {n.body} {n.url}" for n in Notification.objects.all()]
    for text in texts:
        for trace in (world.employee.name, world.employee.employee_number):
            assert trace not in text


def test_a_handler_who_chose_one_notice_each_gets_them_at_once(world):
    # given: the branch officer chose one notice per appeal
    KindPreference.objects.create(
        user=world.officer_a, kind=services.APPEAL_WARNING.key, channel=DAILY, enabled=False
    )
    appeal = raise_appeal(world)
    # when
    services.appeal_warn(appeal=appeal, stage="accept", share=0.5, at=timezone.now())
    # then: the warning is in the inbox now, about this appeal
    notice = Notification.objects.get(recipient=world.officer_a, kind="appeals.warning")
    assert not notice.held
    assert notice.url == reverse("appeals:handle_detail", args=[appeal.public_id])


def test_a_warning_about_a_deadline_before_the_next_morning_is_not_held_for_it(world):
    # given: an appeal due in two hours — or sooner, before the next morning's notice
    # when that is less than two hours away (run between 06:00 and 08:00) — the handler
    # on the default (one notice a day)
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from grassroots.notifications.rules import next_daily_run

    appeal = raise_appeal(world)
    at = timezone.now()
    morning = next_daily_run(at, ZoneInfo(settings.TIME_ZONE))
    due = min(at + datetime.timedelta(hours=2), morning - datetime.timedelta(minutes=1))
    Appeal.objects.filter(pk=appeal.pk).update(current_due_at=due)
    appeal.refresh_from_db()
    # when: 80 % of its time is used
    services.appeal_warn(appeal=appeal, stage="accept", share=0.8, at=at)
    # then: the warning is in the inbox now, not waiting for the morning (after the deadline)
    notice = Notification.objects.get(recipient=world.officer_a, kind="appeals.warning")
    assert not notice.held
