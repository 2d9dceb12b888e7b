"""The notices port: layers below the domain apps send through it."""

from __future__ import annotations

import pytest

from grassroots.core import notices

pytestmark = pytest.mark.django_db


def test_send_reaches_the_inbox_through_the_registered_sender(world):
    from grassroots.notifications.models import Notification

    # when: an app below notifications (orgs) tells someone something
    sent = notices.send(
        recipients=[world.employee],
        kind="orgs.transfer",
        title="转接",
        event_key="test:port",
    )
    # then
    assert sent == 1
    assert Notification.objects.filter(recipient=world.employee, kind="orgs.transfer").exists()


def test_every_app_defines_its_kinds_in_the_one_registry():
    assert {"reminder", "orgs.post", "orgs.term", "orgs.transfer"} <= set(notices.KINDS)
