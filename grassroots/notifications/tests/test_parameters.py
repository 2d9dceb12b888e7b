"""Hostile parameters on the inbox, the mark-read form and the delivery log: never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grassroots.notifications import services
from grassroots.notifications.models import Notification

pytestmark = pytest.mark.django_db

HOSTILE = ["²", "-1", "0", "1" * 10_000, "%00", "99999999999", "1e9"]


@pytest.mark.parametrize("raw", HOSTILE)
def test_marking_a_hostile_notice_read_is_not_found(world, client_for, raw):
    # given an unread notice
    services.notify(
        recipients=[world.officer_a], kind="reminder", title="通知", event_key="test:hostile"
    )
    # when a hostile id is posted
    response = client_for(world.officer_a).post(
        reverse("notifications:mark_read"), {"notification": raw}
    )
    # then nothing is marked read
    assert response.status_code == 404
    assert Notification.objects.filter(recipient=world.officer_a, read_at__isnull=True).exists()


@pytest.mark.parametrize("raw", HOSTILE)
def test_the_inbox_and_delivery_log_fall_back_on_a_hostile_page(world, client_for, raw):
    assert (
        client_for(world.officer_a).get(reverse("notifications:inbox"), {"page": raw}).status_code
        == 200
    )
    response = client_for(world.admin).get(
        reverse("notifications:delivery_log"), {"page": raw, "status": raw}
    )
    assert response.status_code == 200
