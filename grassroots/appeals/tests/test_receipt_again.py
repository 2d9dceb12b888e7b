"""An anonymous appeal sent again with its one-time key (its first answer was lost on the
way back, docs/architecture.md "Offline"): a new receipt with a new PIN, the old PIN no
longer works; long after, the form sent again shows no receipt."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.appeals import services
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category, raise_appeal


def _form(world, key: str) -> dict[str, object]:
    return {
        "category": category().pk,
        "title": "夜班照明不足",
        "description": "井下三号巷道照明不足，夜班看不清。",
        "department": world.department_a.pk,
        "urgency": "normal",
        "idempotency_key": key,
    }


@pytest.mark.django_db
def test_the_same_anonymous_form_again_soon_gives_a_new_pin_and_the_old_one_stops(world):
    client = Client()
    first = client.post(reverse("appeals:anonymous"), _form(world, "lost-answer-1"))
    lost = first.context["result"]
    again = client.post(reverse("appeals:anonymous"), _form(world, "lost-answer-1"))
    assert again.status_code == 200
    assert again["Cache-Control"] == "no-store"
    shown = again.context["result"]
    assert Appeal.objects.count() == 1
    assert shown.appeal == lost.appeal and shown.tracking_code == lost.tracking_code
    assert re.fullmatch(r"[0-9]{6}", shown.pin)
    html = again.content.decode()
    assert shown.pin in html and shown.tracking_code in html
    code = lost.tracking_code
    assert services.anonymous_find(tracking_code=code, pin=shown.pin) == lost.appeal
    if shown.pin != lost.pin:  # one time in a million the new PIN is the old one
        assert services.anonymous_find(tracking_code=code, pin=lost.pin) is None


@pytest.mark.django_db
def test_the_same_anonymous_form_long_after_shows_no_receipt(world):
    client = Client()
    first = client.post(reverse("appeals:anonymous"), _form(world, "long-after-1"))
    sent = first.context["result"]
    Appeal.objects.filter(pk=sent.appeal.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=3)
    )
    again = client.post(reverse("appeals:anonymous"), _form(world, "long-after-1"))
    assert again.status_code == 200
    assert "result" not in again.context
    assert sent.pin not in again.content.decode()
    assert services.anonymous_find(tracking_code=sent.tracking_code, pin=sent.pin) == sent.appeal


@pytest.mark.django_db
def test_a_named_appeal_gets_no_receipt_again(world):
    assert services.anonymous_receipt_again(appeal=raise_appeal(world)) is None
