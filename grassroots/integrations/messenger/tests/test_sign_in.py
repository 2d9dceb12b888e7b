"""Sign-in through a messenger: the OAuth code flow against the fake vendor."""

from __future__ import annotations

import urllib.parse

import pytest
from django.urls import reverse

from grassroots.accounts.tests.factories import UserFactory
from grassroots.integrations.messenger.models import MessengerAccount

pytestmark = pytest.mark.django_db


def _start(client, config, **headers):
    response = client.get(reverse("messenger:sign_in_start", args=[config.pk]), **headers)
    assert response.status_code == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(response["Location"]).query)
    return query["state"][0], response["Location"]


def _done(client, config, code, state):
    url = reverse("messenger:sign_in_done", args=[config.pk])
    return client.get(url, {"code": code, "state": state})


def test_a_known_employee_signs_in_and_is_linked(fake, connect, client):
    config = connect(fake)
    user = UserFactory(employee_number="A1")
    fake.state.codes["c1"] = "A1"
    state, _ = _start(client, config)
    response = _done(client, config, "c1", state)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert MessengerAccount.objects.filter(config=config, user=user, external_user_id="A1").exists()


def test_a_replayed_state_is_refused(wecom, connect, client):
    config = connect(wecom)
    UserFactory(employee_number="A1")
    wecom.state.codes["c1"] = "A1"
    wecom.state.codes["c2"] = "A1"
    state, _ = _start(client, config)
    assert _done(client, config, "c1", state).status_code == 302
    client.logout()
    response = _done(client, config, "c2", state)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_state_from_another_session_is_refused(wecom, connect, client, django_user_model):
    from django.test import Client

    config = connect(wecom)
    UserFactory(employee_number="A1")
    wecom.state.codes["c1"] = "A1"
    state, _ = _start(Client(), config)  # the attacker's own session
    response = _done(client, config, "c1", state)
    assert response.status_code == 400
    assert "c1" in wecom.state.codes  # the vendor was never asked


def test_an_unknown_person_gets_a_clear_page_and_no_account(wecom, connect, client):
    from grassroots.accounts.models import User

    config = connect(wecom)
    wecom.state.codes["c1"] = "stranger"
    before = User.objects.count()
    state, _ = _start(client, config)
    response = _done(client, config, "c1", state)
    assert response.status_code == 403
    assert "no account is made automatically" in response.content.decode() or (
        "不会自动" in response.content.decode()
    )
    assert User.objects.count() == before


def test_a_person_is_matched_by_mobile(connect, client):
    from grassroots.integrations.messenger.tests.fake_server import FakeMessenger

    with FakeMessenger("feishu") as feishu:  # Feishu gives the mobile with the code
        config = connect(feishu)
        user = UserFactory(phone="13800000009")
        feishu.state.codes["c1"] = "ou_x"
        feishu.state.mobiles["ou_x"] = "+86 138 0000 0009"
        state, _ = _start(client, config)
        assert _done(client, config, "c1", state).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_deactivated_employee_cannot_sign_in(wecom, connect, client):
    config = connect(wecom)
    UserFactory(employee_number="A1", is_active=False)
    wecom.state.codes["c1"] = "A1"
    state, _ = _start(client, config)
    assert _done(client, config, "c1", state).status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_bad_code_is_answered_clearly(wecom, connect, client):
    config = connect(wecom)
    state, _ = _start(client, config)
    response = _done(client, config, "never-issued", state)
    assert response.status_code == 502


def test_inside_the_messenger_the_sign_in_is_silent(wecom, connect, client):
    config = connect(wecom)
    _state, desktop = _start(client, config)
    _state, in_app = _start(client, config, HTTP_USER_AGENT="Mozilla/5.0 wxwork/4.1")
    assert desktop.startswith("https://login.work.weixin.qq.com/")  # the QR page
    assert in_app.startswith("https://open.weixin.qq.com/connect/oauth2/authorize")


def test_the_sign_in_is_recorded_like_a_password_sign_in(wecom, connect, client):
    from axes.models import AccessLog

    from grassroots.core.models import AuditEntry

    config = connect(wecom)
    UserFactory(employee_number="A1")
    wecom.state.codes["c1"] = "A1"
    state, _ = _start(client, config)
    _done(client, config, "c1", state)
    assert AccessLog.objects.filter(username="A1").exists()
    assert AuditEntry.objects.filter(action="user.sign_in_messenger").exists()


def test_a_switched_off_connection_is_not_found(wecom, connect, client):
    config = connect(wecom, sign_in_enabled=False)
    response = client.get(reverse("messenger:sign_in_start", args=[config.pk]))
    assert response.status_code == 404


def test_a_locked_out_account_cannot_sign_in_through_the_messenger(
    wecom, connect, client, settings
):
    config = connect(wecom)
    UserFactory(employee_number="A1")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "a1", "password": "wrong"})
    wecom.state.codes["c1"] = "A1"
    state, _ = _start(client, config)
    response = _done(client, config, "c1", state)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_without_a_code_the_page_says_so(wecom, connect, client):
    config = connect(wecom)
    state, _ = _start(client, config)
    assert _done(client, config, "", state).status_code == 400
