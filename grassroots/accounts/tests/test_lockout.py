"""The sign-in lockout counts wrong passwords per account, whichever name was typed
(employee number in any case, mobile number in any layout), and per client address."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def sign_in(client, username, password=PASSWORD, address="192.0.2.10"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def spaced(phone: str) -> str:
    return f"{phone[:3]} {phone[3:7]} {phone[7:]}"


def test_failures_by_employee_number_and_mobile_add_up(world, client):
    # given: wrong passwords typed under the person's three names
    user = world.employee
    for name in (user.employee_number, user.phone, user.employee_number.lower()):
        sign_in(client, name, "wrong")
    sign_in(client, spaced(user.phone), "wrong")
    sign_in(client, user.phone, "wrong")
    # when: the right password, under any name
    by_number = sign_in(client, user.employee_number)
    by_phone = sign_in(client, user.phone)
    # then: the account is paused, whatever the name
    assert by_number.status_code == 429
    assert by_phone.status_code == 429


def test_locked_by_employee_number_means_locked_by_mobile(world, client):
    user = world.employee
    for _ in range(5):
        sign_in(client, user.employee_number, "wrong")
    assert sign_in(client, spaced(user.phone)).status_code == 429


def test_a_lockout_by_employee_number_is_not_lifted_through_the_mobile(world, client):
    # given: paused after five failures by number
    user = world.employee
    for _ in range(5):
        sign_in(client, user.employee_number, "wrong")
    # when: the right password by mobile
    by_phone = sign_in(client, user.phone)
    # then: refused, and the pause by number stands
    assert by_phone.status_code == 429
    assert sign_in(client, user.employee_number).status_code == 429


def test_a_success_clears_the_failures_of_every_name(world, client):
    user = world.employee
    for name in (user.employee_number, user.phone, user.phone, user.employee_number):
        sign_in(client, name, "wrong")
    assert sign_in(client, spaced(user.phone)).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.exists()
    for _ in range(4):
        sign_in(client, user.phone, "wrong")
    assert sign_in(client, user.employee_number).status_code == 302


def test_failures_are_recorded_under_the_employee_number(world, client):
    user = world.employee
    sign_in(client, spaced(user.phone), "wrong")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [user.employee_number]


def test_unknown_names_are_counted_as_typed(world, client):
    for _ in range(5):
        sign_in(client, "NOBODY-1", "wrong")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["NOBODY-1"]
    assert sign_in(client, "NOBODY-1", "wrong").status_code == 429
    # another person is not affected
    assert sign_in(client, world.employee.employee_number).status_code == 302


def test_another_address_is_not_locked_out(world, client):
    user = world.employee
    for _ in range(5):
        sign_in(client, user.phone, "wrong", address="192.0.2.10")
    assert sign_in(client, user.employee_number, address="198.51.100.7").status_code == 302
