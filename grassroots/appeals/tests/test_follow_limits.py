"""The anonymous follow form limits wrong tries per tracking code and for the whole
site, never per device address: a factory behind one address must not lock itself out,
and changing address must not buy more guesses at one appeal's PIN."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grassroots.appeals import services
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.tests.factories import category
from grassroots.core import parameters
from grassroots.core.services import parameter_set

pytestmark = pytest.mark.django_db
FACTORY = "203.0.113.9"


def anonymous_appeal():
    return services.appeal_submit(
        draft=AppealDraft(
            category=category(), title="t", description="d", channel="anonymous", anonymous=True
        )
    )


def wrong_pin(result):
    return "000000" if result.pin != "000000" else "111111"


def follow(client, code, pin, address=FACTORY):
    return client.post(
        reverse("appeals:follow"), {"tracking_code": code, "pin": pin}, REMOTE_ADDR=address
    )


def errors(response):
    return " ".join(response.context["form"].non_field_errors())


def test_many_mistakes_behind_one_address_do_not_lock_out_the_next_person(world, client):
    # given: a dozen workers behind the factory's address each mistype their PIN once
    for _ in range(12):
        other = anonymous_appeal()
        follow(client, other.tracking_code, wrong_pin(other))
    mine = anonymous_appeal()
    # when: the next worker types theirs right
    response = follow(client, mine.tracking_code, mine.pin)
    # then: they see their appeal
    assert response.status_code == 302 and response.url == reverse("appeals:followed")


def test_wrong_pins_for_one_code_are_limited_whatever_the_address(world, client):
    # given: ten wrong PINs for one code, each from another address
    target = anonymous_appeal()
    for n in range(10):
        follow(client, target.tracking_code, wrong_pin(target), address=f"198.51.100.{n + 1}")
    # when: even the right PIN, from yet another address
    response = follow(client, target.tracking_code, target.pin, address="192.0.2.77")
    # then: refused for the hour
    assert response.status_code == 200
    assert "hour" in errors(response) or "小时" in errors(response)


def test_the_code_is_limited_however_it_is_written(world, client):
    target = anonymous_appeal()
    code = target.tracking_code
    spellings = [code, code.lower(), f"{code[:5]}-{code[5:]}", f" {code} ", code.lower()]
    for n in range(10):
        follow(client, spellings[n % len(spellings)], wrong_pin(target), address=f"10.0.0.{n}")
    assert follow(client, code, target.pin).status_code == 200


def test_a_limited_code_leaves_other_codes_alone(world, client):
    target = anonymous_appeal()
    for _ in range(10):
        follow(client, target.tracking_code, wrong_pin(target))
    mine = anonymous_appeal()
    assert follow(client, mine.tracking_code, mine.pin).status_code == 302


def test_wrong_tries_across_the_site_are_limited(world, client):
    # given: a site-wide limit of three wrong tries a minute, used up on unknown codes
    parameter_set(actor=None, key="appeals.code_tries_all_per_minute", value=3)
    parameters.forget_cached_values()
    mine = anonymous_appeal()
    for n in range(3):
        follow(client, f"ZZZZZZZZZ{n}", "123456", address=f"198.51.100.{n + 1}")
    # when: a right code and PIN within the minute
    response = follow(client, mine.tracking_code, mine.pin, address="192.0.2.1")
    # then: asked to wait a minute
    assert response.status_code == 200
    assert "minute" in errors(response) or "分钟" in errors(response)


def test_right_tries_do_not_use_up_any_limit(world, client):
    parameter_set(actor=None, key="appeals.code_tries_per_hour", value=2)
    parameters.forget_cached_values()
    mine = anonymous_appeal()
    for _ in range(5):
        assert follow(client, mine.tracking_code, mine.pin).status_code == 302
