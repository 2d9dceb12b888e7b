"""Passwords are hashed with Argon2id (docs/benchmarks.md, "Sign-in: password hashers":
at OWASP's recommended parameters: an eighth of PBKDF2's CPU per sign-in), and a
password stored under an older hasher signs in and is rehashed on that sign-in. The
production list of hashers is used here; the rest of the tests keep a fast one."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.urls import reverse

from config.settings import base
from grassroots.accounts.models import User
from grassroots.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def real_hashers(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_new_passwords_are_hashed_with_argon2id(real_hashers):
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$")
    # OWASP's recommended Argon2id: 46 MiB, one pass, one lane (equal to its 19 MiB,
    # two passes) — not argon2-cffi's 100 MiB × 8 lanes, which every sign-in attempt
    # (an unknown name's too) would hold
    params = identify_hasher(encoded).params()
    assert (params.memory_cost, params.time_cost, params.parallelism) == (46 * 1024, 1, 1)


def test_a_hash_with_argon2_defaults_is_rehashed_at_sign_in(real_hashers, client):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    user = UserFactory(password=None)
    old = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    User.objects.filter(pk=user.pk).update(password=old)
    assert sign_in(client, user.employee_number).status_code == 302
    user.refresh_from_db()
    assert user.password != old
    assert identify_hasher(user.password).params().memory_cost == 46 * 1024


def test_an_old_pbkdf2_password_signs_in_and_is_rehashed(real_hashers, client):
    # given: a password stored by PBKDF2 at Django's default iterations
    user = UserFactory(password=None)
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    # when: the person signs in, by mobile number
    response = sign_in(client, user.phone)
    # then: signed in, and the stored hash is now Argon2id for the same password
    assert response.status_code == 302 and response.url == reverse("home")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, user.password)


def test_a_wrong_password_leaves_an_old_hash_alone(real_hashers, client):
    user = UserFactory(password=None)
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.filter(pk=user.pk).update(password=old)
    assert sign_in(client, user.employee_number, "not-the-password").status_code == 200
    user.refresh_from_db()
    assert user.password == old


def test_the_pins_of_anonymous_appeals_keep_their_own_hasher(real_hashers):
    assert make_password("123456", hasher="pbkdf2_sha256_pin").startswith("pbkdf2_sha256_pin$")
