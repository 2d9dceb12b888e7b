from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.notifications import services
from grassroots.notifications.models import Delivery, Notification, Reminder, Webhook

pytestmark = pytest.mark.django_db


def test_inbox_shows_my_notices_and_the_unread_count(world, client_for):
    services.notify(recipients=[world.employee], kind="reminder", title="交党费提醒", event_key="x")
    services.notify(
        recipients=[world.officer_b], kind="reminder", title="别人的提醒", event_key="y"
    )
    client = client_for(world.employee)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "交党费提醒" in page and "别人的提醒" not in page
    assert client.get(reverse("home")).context["unread_count"] == 1
    assert client_for(None).get(reverse("notifications:inbox")).status_code == 302


def test_marking_read_touches_only_my_own_notices(world, client_for):
    services.notify(recipients=[world.officer_b], kind="reminder", title="别人的", event_key="y")
    theirs = Notification.objects.get(recipient=world.officer_b, dedupe_key="y")
    reference = theirs.reference
    client_for(world.employee).post(reverse("notifications:mark_read"), {"notification": reference})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client = client_for(world.officer_b)
    client.post(reverse("notifications:mark_read"), {"notification": reference})
    theirs.refresh_from_db()
    assert theirs.read_at is not None
    for wrong in ("abc", str(theirs.pk)):
        response = client.post(reverse("notifications:mark_read"), {"notification": wrong})
        assert response.status_code == 404


def test_the_inbox_names_notices_without_their_row_ids(world, client_for):
    # given: two notices in a row, ids n and n+1 (an anonymous appeal's "new appeal"
    # notice among them would be placed by its id)
    for key in ("a", "b"):
        services.notify(recipients=[world.employee], kind="reminder", title=key, event_key=key)
    notices = list(Notification.objects.filter(recipient=world.employee).order_by("pk"))
    # when: the person opens their inbox
    page = client_for(world.employee).get(reverse("notifications:inbox")).content.decode()
    # then: each mark-read form names its notice by a reference, not the id
    values = re.findall(r'name="notification" value="([^"]+)"', page)
    assert sorted(values) == sorted(n.reference for n in notices)
    assert not {str(n.pk) for n in notices} & set(values)


def test_preferences_save(world, client_for):
    client = client_for(world.employee)
    response = client.post(
        reverse("notifications:preferences"),
        {
            "email": "w@example.com",
            "email_kinds": ["reminder"],
            "daily_digest": "on",
            "quiet_start": "21:00",
            "quiet_end": "07:00",
            "when_appeals_warning": "daily",
        },
    )
    assert response.status_code == 302
    world.employee.refresh_from_db()
    assert world.employee.email == "w@example.com"
    assert world.employee.notification_settings.daily_digest
    bad = client.post(
        reverse("notifications:preferences"),
        {"email": "not-an-address", "quiet_start": "25:00", "quiet_end": "x"},
    )
    assert bad.status_code == 200 and set(bad.context["form"].errors) >= {
        "email",
        "quiet_start",
        "quiet_end",
    }


def test_officer_schedules_a_reminder_for_their_branch_only(world, client_for):
    when = (timezone.localtime() + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client = client_for(world.officer_a)
    data = {
        "title": "支委会",
        "remind_at": when,
        "audience": "officers",
        "org_unit": world.branch_a.pk,
    }
    assert client.post(reverse("notifications:reminders"), data).status_code == 302
    assert Reminder.objects.filter(org_unit=world.branch_a).exists()
    data["org_unit"] = world.branch_b.pk
    response = client.post(reverse("notifications:reminders"), data)
    assert response.status_code == 200 and "org_unit" in response.context["form"].errors


def test_employees_can_only_remind_themselves(world, client_for):
    client = client_for(world.employee)
    form = client.get(reverse("notifications:reminders")).context["form"]
    assert "org_unit" not in form.fields
    past = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("notifications:reminders"), {"title": "x", "remind_at": past, "audience": "me"}
    )
    assert "remind_at" in response.context["form"].errors


def test_someone_elses_reminder_cannot_be_cancelled(world, client_for):
    reminder = services.reminder_create(
        actor=world.officer_a,
        title="x",
        remind_at=timezone.now() + datetime.timedelta(hours=1),
        audience="me",
    )
    url = reverse("notifications:reminder_cancel", args=[reminder.pk])
    assert client_for(world.officer_b).post(url).status_code == 404
    assert client_for(None).post(url).status_code == 302
    assert client_for(world.officer_a).post(url).status_code == 302
    assert not Reminder.objects.filter(pk=reminder.pk).exists()


def test_robot_pages_in_scope_out_of_scope_and_anonymous(world, client_for):
    url = reverse("notifications:robots", args=[world.branch_a.pk])
    assert client_for(world.officer_a).get(url).status_code == 200
    assert client_for(world.committee_officer).get(url).status_code == 200
    assert client_for(world.officer_b).get(url).status_code == 404
    assert client_for(world.member_a.user).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_adding_a_robot_with_a_bad_address_explains_why(world, client_for, settings):
    settings.GRASSROOTS_WEBHOOK_ALLOW_LOOPBACK = False
    url = reverse("notifications:robots", args=[world.branch_a.pk])
    response = client_for(world.officer_a).post(
        url, {"platform": "dingtalk", "name": "群", "url": "http://169.254.169.254/robot"}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Webhook.objects.exists()
    response = client_for(world.officer_a).post(
        url,
        {
            "platform": "dingtalk",
            "name": "群",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "secret": "S",
        },
    )
    assert response.status_code == 302
    assert Webhook.objects.get().secret == "S"


def test_robot_actions_are_refused_out_of_scope(world, client_for):
    robot = Webhook.objects.create(
        org_unit=world.branch_a, platform="wecom", name="群", url="https://example.com/x"
    )
    for action in ("pause", "test", "delete"):
        url = reverse("notifications:robot_action", args=[robot.pk, action])
        assert client_for(world.officer_b).post(url).status_code == 404
    assert (
        client_for(world.officer_a)
        .post(reverse("notifications:robot_action", args=[robot.pk, "pause"]))
        .status_code
        == 302
    )
    robot.refresh_from_db()
    assert not robot.is_active
    assert (
        client_for(world.officer_a)
        .post(reverse("notifications:robot_action", args=[robot.pk, "nonsense"]))
        .status_code
        == 404
    )


def test_delivery_log_is_for_administrators_and_retry_works(world, client_for):
    robot = Webhook.objects.create(
        org_unit=world.branch_a, platform="wecom", name="群", url="https://example.com/x"
    )
    delivery = Delivery.objects.create(
        channel="wecom",
        kind="reminder",
        webhook=robot,
        title="t",
        dedupe_key="k",
        status="failed",
        last_error="HTTP 500",
    )
    url = reverse("notifications:delivery_log")
    assert client_for(world.admin).get(url, {"status": "failed"}).status_code == 200
    assert client_for(world.committee_officer).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    retry = reverse("notifications:delivery_retry", args=[delivery.pk])
    assert client_for(world.committee_officer).post(retry).status_code == 404
    assert client_for(world.admin).post(retry).status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "pending"
