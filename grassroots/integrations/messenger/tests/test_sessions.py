"""A session the messenger opened is checked again (at most once a minute): it ends
when its person takes office or the connection stops signing office holders in. A
session opened with a password is left alone, at no cost."""

from __future__ import annotations

import datetime
import urllib.parse

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from grassroots.integrations.messenger.middleware import MessengerSessionMiddleware
from grassroots.integrations.messenger.models import MessengerAccount
from grassroots.integrations.messenger.services import OPENED_KEY

pytestmark = pytest.mark.django_db

PAGE = "/accounts/profile/"
MESSENGER = "grassroots.integrations.messenger.backends.MessengerBackend"
PASSWORD = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def _sign_in(client, server, config, external_id):
    code = f"code-{len(server.state.codes)}-{external_id}"
    server.state.codes[code] = external_id
    response = client.get(reverse("messenger:sign_in_start", args=[config.pk]))
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(response["Location"]).query)["state"][0]
    url = reverse("messenger:sign_in_done", args=[config.pk])
    assert client.get(url, {"code": code, "state": state}).status_code == 302


def _a_minute_later(client):
    """As if the last check was more than a minute ago."""
    session = client.session
    session[OPENED_KEY] = {**session[OPENED_KEY], "checked": 0}
    session.save()


def _signed_in(client):
    return client.session.get("_auth_user_id")


def _take_office(world, member):
    from grassroots.orgs.models import OrgPost
    from grassroots.orgs.services import orgpost_assign

    return orgpost_assign(
        actor=None,
        unit=world.branch_a,
        member=member,
        kind=OrgPost.Kind.ORGANISATION,
        starts_on=timezone.localdate() - datetime.timedelta(days=1),
    )


def _signed_out_to_login(response, client):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert _signed_in(client) is None
    # the password sign-in page says why (in the visitor's language)
    page = client.get(response["Location"])
    assert [m.level_tag for m in page.context["messages"]] == ["warning"]


def test_a_member_signed_in_by_messenger_is_signed_out_when_they_take_office(
    wecom, connect, world, client
):
    # given a plain member signed in by the messenger
    config = connect(wecom)
    member = world.member_a
    MessengerAccount.objects.create(config=config, user=member.user, external_user_id="m1")
    _sign_in(client, wecom, config, "m1")
    assert client.get(PAGE).status_code == 200
    # when they take office, and a minute passes
    _take_office(world, member)
    _a_minute_later(client)
    response = client.get(PAGE)
    # then the session ends and they are sent to the password sign-in
    _signed_out_to_login(response, client)


def test_an_officer_is_signed_out_when_the_connection_stops_signing_office_holders_in(
    wecom, connect, world, client
):
    from grassroots.integrations.messenger.services import config_save

    # given an officer signed in by a connection that allows it
    config = connect(wecom, office_holders_sign_in=True)
    MessengerAccount.objects.create(config=config, user=world.officer_a, external_user_id="o1")
    _sign_in(client, wecom, config, "o1")
    _a_minute_later(client)
    assert client.get(PAGE).status_code == 200
    assert _signed_in(client)
    # when the administrator turns the setting off, and a minute passes
    config_save(actor=world.admin, config=config, secret="", office_holders_sign_in=False)
    _a_minute_later(client)
    response = client.get(PAGE)
    # then
    _signed_out_to_login(response, client)


def test_a_plain_member_stays_signed_in_and_is_checked_once_a_minute(wecom, connect, world, client):
    config = connect(wecom)
    MessengerAccount.objects.create(config=config, user=world.member_a.user, external_user_id="m1")
    _sign_in(client, wecom, config, "m1")
    _a_minute_later(client)
    assert client.get(PAGE).status_code == 200
    # the check was recorded: within the minute no further check
    assert client.session[OPENED_KEY]["checked"] > 0
    assert client.session[OPENED_KEY]["config"] == config.pk
    assert client.get(PAGE).status_code == 200
    assert int(_signed_in(client)) == world.member_a.user.pk


def test_an_officer_signed_in_with_a_password_is_left_alone(wecom, connect, world, client):
    # given an officer whose browser was signed in by the messenger while a plain
    # member, then signed in with their password once they held office
    config = connect(wecom)
    member = world.member_a
    MessengerAccount.objects.create(config=config, user=member.user, external_user_id="m1")
    _sign_in(client, wecom, config, "m1")
    _take_office(world, member)
    client.force_login(member.user, backend=PASSWORD)
    _a_minute_later(client)
    # when / then: a password session, whatever the messenger's mark says
    assert client.get(PAGE).status_code == 200
    assert int(_signed_in(client)) == member.user.pk


def _request(user, backend, opened=None):
    request = RequestFactory().get(PAGE)
    request.session = SessionStore()
    request.session[BACKEND_SESSION_KEY] = backend
    if opened is not None:
        request.session[OPENED_KEY] = opened
    request.user = user
    return request


def _middleware():
    return MessengerSessionMiddleware(lambda request: HttpResponse("ok"))


def test_a_password_session_costs_no_query(world, django_assert_num_queries):
    request = _request(world.officer_a, PASSWORD, opened={"config": 1, "checked": 0})
    with django_assert_num_queries(0):
        assert _middleware()(request).status_code == 200


def test_a_messenger_session_costs_one_query_a_minute(
    wecom, connect, world, django_assert_num_queries
):
    config = connect(wecom)
    request = _request(world.member_a.user, MESSENGER, opened={"config": config.pk, "checked": 0})
    with django_assert_num_queries(1):
        assert _middleware()(request).status_code == 200
    with django_assert_num_queries(0):
        assert _middleware()(request).status_code == 200


def test_a_messenger_session_without_its_connection_signs_no_office_holder(world, client):
    # given a session the messenger opened before its connection was recorded in it
    client.force_login(world.officer_a, backend=MESSENGER)
    # when / then
    _signed_out_to_login(client.get(PAGE), client)


def test_a_member_made_staff_is_signed_out(wecom, connect, world, client):
    config = connect(wecom)
    user = world.member_a.user
    MessengerAccount.objects.create(config=config, user=user, external_user_id="m1")
    _sign_in(client, wecom, config, "m1")
    type(user).objects.filter(pk=user.pk).update(is_staff=True)
    _a_minute_later(client)
    _signed_out_to_login(client.get(PAGE), client)
