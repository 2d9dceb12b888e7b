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

LOST_KEY = "7d3f2a9c-1b4e-4c8a-9f60-2e5d8b7a1c03"  # as the offline queue makes them
LATE_KEY = "5be0c0e1a7f24d6c8e9b3a1f0d2c4e6a"  # as the page makes them


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
    first = client.post(reverse("appeals:anonymous"), _form(world, LOST_KEY))
    lost = first.context["result"]
    again = client.post(reverse("appeals:anonymous"), _form(world, LOST_KEY))
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
    first = client.post(reverse("appeals:anonymous"), _form(world, LATE_KEY))
    sent = first.context["result"]
    Appeal.objects.filter(pk=sent.appeal.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=3)
    )
    again = client.post(reverse("appeals:anonymous"), _form(world, LATE_KEY))
    assert again.status_code == 200
    assert "result" not in again.context
    assert sent.pin not in again.content.decode()
    assert services.anonymous_find(tracking_code=sent.tracking_code, pin=sent.pin) == sent.appeal


@pytest.mark.django_db
def test_a_named_appeal_gets_no_receipt_again(world):
    assert services.anonymous_receipt_again(appeal=raise_appeal(world)) is None


@pytest.mark.django_db
def test_a_guessable_key_sent_again_earns_no_new_pin(world):
    """Anyone may send any key; one that could be guessed must not hand out a new PIN for
    somebody's anonymous appeal."""
    client = Client()
    first = client.post(reverse("appeals:anonymous"), _form(world, "anon-1"))
    sent = first.context["result"]
    again = Client().post(reverse("appeals:anonymous"), _form(world, "anon-1"))
    assert again.status_code == 200
    assert Appeal.objects.count() == 1
    assert "result" not in again.context or again.context["result"] is None
    assert services.anonymous_find(tracking_code=sent.tracking_code, pin=sent.pin) == sent.appeal
