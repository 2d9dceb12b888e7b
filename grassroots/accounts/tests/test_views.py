from __future__ import annotations

import time

import pytest
from django.urls import reverse

from grassroots.accounts.models import User
from grassroots.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_sign_in_with_employee_number_in_any_case(world, client):
    response = sign_in(client, world.employee.employee_number.lower())
    assert response.status_code == 302 and response.url == reverse("home")


def test_sign_in_with_phone_number_written_with_spaces(world, client):
    phone = world.employee.phone
    response = sign_in(client, f"{phone[:3]} {phone[3:7]} {phone[7:]}")
    assert response.status_code == 302


def test_the_sign_in_page_is_named_after_the_product_not_the_host(client):
    # when a visitor opens the sign-in page
    response = client.get(reverse("accounts:login"))
    # then its title and brand are the product's name
    page = response.content.decode()
    assert "<title>登录 · 基层党群服务平台</title>" in page
    assert "testserver" not in page


def test_a_wrong_password_says_so_without_saying_which_part(world, client):
    response = sign_in(client, world.employee.employee_number, "wrong")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_sign_in_pauses_after_five_failures(world, client):
    for _ in range(5):
        sign_in(client, world.employee.employee_number, "wrong")
    response = sign_in(client, world.employee.employee_number)  # even the right password
    assert response.status_code == 429
    assert "15" in response.content.decode()


def test_a_disabled_account_cannot_sign_in(world, client):
    User.objects.filter(pk=world.employee.pk).update(is_active=False)
    assert sign_in(client, world.employee.employee_number).status_code == 200


def test_sign_out_is_a_post(world, client_for):
    client = client_for(world.employee)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_idle_sessions_end(world, client_for, settings):
    client = client_for(world.employee)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["grassroots_last_seen"] = (
        time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5
    )
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_profile_page_is_for_signed_in_people(world, client_for):
    assert client_for(None).get(reverse("accounts:profile")).status_code == 302
    page = client_for(world.employee).get(reverse("accounts:profile")).content.decode()
    assert world.employee.employee_number in page


def test_saving_large_text_and_high_contrast_changes_every_page(world, client_for):
    client = client_for(world.employee)
    response = client.post(
        reverse("accounts:profile"),
        {"prefers_large_text": "on", "prefers_high_contrast": "on", "language": "en"},
    )
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert 'class="text-large contrast-high"' in page
    assert '<html lang="en"' in page


def test_visitors_can_choose_display_settings_before_signing_in(client):
    response = client.post(
        reverse("accounts:display"),
        {"language": "en", "large_text": "1", "next": reverse("accounts:login")},
    )
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    page = client.get(reverse("accounts:login")).content.decode()
    assert "text-large" in page and '<html lang="en"' in page


def test_display_settings_never_redirect_elsewhere(client):
    response = client.post(
        reverse("accounts:display"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_chinese_is_the_default_whatever_the_browser_says(client):
    page = client.get(
        reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    ).content.decode()
    assert '<html lang="zh-hans"' in page


def test_changing_the_password_is_audited_without_the_password(world, client_for):
    client = client_for(world.employee)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="user.password_change")
    assert "passphrase" not in str(entry.changes)


def test_pages_send_security_headers(client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
