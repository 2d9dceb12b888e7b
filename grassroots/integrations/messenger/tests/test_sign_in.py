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


def _link(config, user, external_id="A1"):
    return MessengerAccount.objects.create(config=config, user=user, external_user_id=external_id)


def test_a_linked_employee_signs_in(fake, connect, client):
    config = connect(fake)
    user = UserFactory(employee_number="B7")
    _link(config, user, "A1")
    fake.state.codes["c1"] = "A1"
    state, _ = _start(client, config)
    response = _done(client, config, "c1", state)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_equal_employee_number_is_not_a_link(wecom, connect, client):
    config = connect(wecom)
    boss = UserFactory(employee_number="ADMIN", is_superuser=True, is_staff=True)
    plain = UserFactory(employee_number="A1")
    wecom.state.codes["c1"] = "admin"
    wecom.state.codes["c2"] = "A1"
    for code in ("c1", "c2"):
        state, _ = _start(client, config)
        response = _done(client, config, code, state)
        assert response.status_code == 302
        assert response["Location"] == reverse("messenger:sign_in_link", args=[config.pk])
        assert "_auth_user_id" not in client.session
    assert not MessengerAccount.objects.filter(user__in=[boss, plain]).exists()


def test_a_mobile_number_is_not_a_link(connect, client):
    from grassroots.integrations.messenger.tests.fake_server import FakeMessenger

    with FakeMessenger("feishu") as feishu:  # Feishu gives an unverified mobile
        config = connect(feishu)
        UserFactory(phone="13900000001", is_superuser=True, is_staff=True)
        UserFactory(phone="13800000009")
        feishu.state.codes["c1"] = "ou_x"
        feishu.state.mobiles["ou_x"] = "13900000001"
        feishu.state.codes["c2"] = "ou_y"
        feishu.state.mobiles["ou_y"] = "13800000009"
        for code in ("c1", "c2"):
            state, _ = _start(client, config)
            _done(client, config, code, state)
            assert "_auth_user_id" not in client.session
    assert not MessengerAccount.objects.exists()


def test_a_person_links_their_account_with_their_password_once(wecom, connect, client):
    config = connect(wecom)
    user = UserFactory(employee_number="B7")
    user.set_password("right-password-1")
    user.save()
    wecom.state.codes["c1"] = "zhangsan"
    wecom.state.codes["c2"] = "zhangsan"
    state, _ = _start(client, config)
    _done(client, config, "c1", state)
    link = reverse("messenger:sign_in_link", args=[config.pk])
    wrong = client.post(link, {"username": "B7", "password": "wrong"})
    assert wrong.status_code == 400
    assert not MessengerAccount.objects.exists()
    response = client.post(link, {"username": "B7", "password": "right-password-1"})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert MessengerAccount.objects.get(config=config).user == user
    client.logout()
    state, _ = _start(client, config)  # from now on the messenger signs them in
    assert _done(client, config, "c2", state).status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_the_administrator_is_never_linked_nor_signed_in(wecom, connect, client):
    config = connect(wecom)
    boss = UserFactory(employee_number="ADMIN", is_superuser=True, is_staff=True)
    boss.set_password("right-password-1")
    boss.save()
    wecom.state.codes["c1"] = "admin"
    state, _ = _start(client, config)
    _done(client, config, "c1", state)
    link = reverse("messenger:sign_in_link", args=[config.pk])
    response = client.post(link, {"username": "ADMIN", "password": "right-password-1"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not MessengerAccount.objects.exists()
    _link(config, boss, "admin")  # even a link made some other way
    wecom.state.codes["c2"] = "admin"
    state, _ = _start(client, config)
    assert _done(client, config, "c2", state).status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_link_page_needs_a_vouched_messenger_account(wecom, connect, client):
    config = connect(wecom)
    user = UserFactory(employee_number="B7")
    user.set_password("right-password-1")
    user.save()
    link = reverse("messenger:sign_in_link", args=[config.pk])
    assert client.get(link).status_code == 400
    assert client.post(link, {"username": "B7", "password": "right-password-1"}).status_code == 400
    assert "_auth_user_id" not in client.session
    assert not MessengerAccount.objects.exists()


def test_a_replayed_state_is_refused(wecom, connect, client):
    config = connect(wecom)
    _link(config, UserFactory(employee_number="A1"))
    wecom.state.codes["c1"] = "A1"
    wecom.state.codes["c2"] = "A1"
    state, _ = _start(client, config)
    assert _done(client, config, "c1", state).status_code == 302
    client.logout()
    response = _done(client, config, "c2", state)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_state_refused_once_is_refused_again_in_the_same_session(wecom, connect, client):
    config = connect(wecom)
    _link(config, UserFactory(employee_number="A1"))
    wecom.state.codes["c2"] = "A1"
    state, _ = _start(client, config)
    assert _done(client, config, "bad", state).status_code == 502  # the vendor refused
    response = _done(client, config, "c2", state)  # same session, same state
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert "c2" in wecom.state.codes  # the vendor was never asked


def test_a_state_from_another_session_is_refused(wecom, connect, client, django_user_model):
    from django.test import Client

    config = connect(wecom)
    _link(config, UserFactory(employee_number="A1"))
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
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'autocomplete="current-password"' in page.content.decode()
    assert User.objects.count() == before


def test_a_deactivated_employee_cannot_sign_in(wecom, connect, client):
    config = connect(wecom)
    _link(config, UserFactory(employee_number="A1", is_active=False))
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
    _link(config, UserFactory(employee_number="A1"))
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
    _link(config, UserFactory(employee_number="A1"))
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


def test_dingtalk_answers_with_an_auth_code_exchanged_by_the_documented_chain(connect, client):
    from grassroots.integrations.messenger.tests.fake_server import FakeMessenger

    with FakeMessenger("dingtalk") as dingtalk:
        config = connect(dingtalk)
        user = UserFactory(employee_number="B7")
        _link(config, user, "ding-user")
        dingtalk.state.codes["auth-1"] = "ding-user"
        state, _ = _start(client, config)
        url = reverse("messenger:sign_in_done", args=[config.pk])
        response = client.get(url, {"authCode": "auth-1", "state": state})  # as DingTalk sends it
        assert response.status_code == 302
        assert dingtalk.state.user_tokens  # v1.0/oauth2/userAccessToken was used
    assert int(client.session["_auth_user_id"]) == user.pk


def test_feishu_signs_in_through_the_current_oauth_endpoints(connect, client):
    from grassroots.integrations.messenger.tests.fake_server import FakeMessenger

    with FakeMessenger("feishu") as feishu:
        config = connect(feishu)
        user = UserFactory(employee_number="B7")
        _link(config, user, "ou_x")
        feishu.state.codes["c1"] = "ou_x"
        state, location = _start(client, config)
        assert location.startswith("https://accounts.feishu.cn/open-apis/authen/v1/authorize?")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        assert query["client_id"] == [feishu.state.corp_id]
        assert "contact:user.employee_id:readonly" in query["scope"][0]
        assert _done(client, config, "c1", state).status_code == 302
        assert feishu.state.user_tokens  # authen/v2/oauth/token was used
    assert int(client.session["_auth_user_id"]) == user.pk


def test_someone_outside_the_enterprise_gets_a_clear_page_and_no_link(wecom, connect, client):
    # given WeCom answering a sign-in with an openid only (not a member)
    config = connect(wecom)
    wecom.state.codes["c1"] = "visitor"
    wecom.state.outsiders.add("visitor")
    # when
    state, _ = _start(client, config)
    response = _done(client, config, "c1", state)
    # then the refusal page, not the link page; nothing is kept to link
    assert response.status_code == 502
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("messenger:sign_in_link", args=[config.pk])).status_code == 400
    assert not MessengerAccount.objects.exists()
