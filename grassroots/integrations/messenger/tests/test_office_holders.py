"""People holding a Party office and the messenger sign-in: off unless the connection
says so (the messenger's accounts belong to the enterprise's IT, not the Party)."""

from __future__ import annotations

import datetime
import urllib.parse

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.integrations.messenger.models import MessengerAccount

pytestmark = pytest.mark.django_db

PASSWORD = "right-password-1"


def _start(client, config):
    response = client.get(reverse("messenger:sign_in_start", args=[config.pk]))
    assert response.status_code == 302
    return urllib.parse.parse_qs(urllib.parse.urlsplit(response["Location"]).query)["state"][0]


def _sign_in(client, server, config, external_id):
    """The messenger vouches for `external_id`; the page the browser lands on."""
    code = f"code-{len(server.state.codes)}-{external_id}"
    server.state.codes[code] = external_id
    state = _start(client, config)
    url = reverse("messenger:sign_in_done", args=[config.pk])
    return client.get(url, {"code": code, "state": state})


def _with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def _signed_in(client):
    return client.session.get("_auth_user_id")


def _officers(world):
    from grassroots.accounts.roles import Role
    from grassroots.accounts.services import role_assign

    liaison = world.member_b.user
    role_assign(
        actor=None, user=liaison, role=Role.DEPARTMENT_LIAISON, department=world.department_b
    )
    return {
        "committee_officer": world.committee_officer,
        "branch_officer": world.officer_a,
        "department_liaison": liaison,
    }


# --- the sign-in path ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["committee_officer", "branch_officer", "department_liaison"])
def test_it_refuses_a_linked_office_holder_by_default(wecom, connect, world, client, who):
    # given an office holder linked to a connection left as it is made
    config = connect(wecom)
    officer = _officers(world)[who]
    MessengerAccount.objects.create(config=config, user=officer, external_user_id="o1")
    # when the messenger vouches for them
    response = _sign_in(client, wecom, config, "o1")
    # then they are told to use their password, and the link stays
    assert response.status_code == 403
    assert reverse("accounts:login") in response.content.decode()
    # no "start again" link: trying again cannot help
    assert f'href="{reverse("messenger:sign_in")}"' not in response.content.decode()
    assert _signed_in(client) is None
    assert MessengerAccount.objects.filter(config=config, user=officer).exists()


def test_it_signs_an_office_holder_in_where_the_connection_allows_it(wecom, connect, world, client):
    # given a connection whose administrator accepted the risk
    config = connect(wecom, office_holders_sign_in=True)
    MessengerAccount.objects.create(config=config, user=world.officer_a, external_user_id="o1")
    # when
    response = _sign_in(client, wecom, config, "o1")
    # then
    assert response.status_code == 302
    assert int(_signed_in(client)) == world.officer_a.pk


@pytest.mark.parametrize("allowed", [False, True])
def test_a_plain_member_and_an_employee_sign_in_whatever_the_setting(
    wecom, connect, world, client, allowed
):
    config = connect(wecom, office_holders_sign_in=allowed)
    for external_id, user in (("m1", world.member_a.user), ("e1", world.employee)):
        MessengerAccount.objects.create(config=config, user=user, external_user_id=external_id)
        client.logout()
        response = _sign_in(client, wecom, config, external_id)
        assert response.status_code == 302
        assert int(_signed_in(client)) == user.pk


def test_a_member_who_takes_office_after_linking_is_no_longer_signed_in_by_it(
    wecom, connect, world, client
):
    from grassroots.orgs.models import OrgPost
    from grassroots.orgs.services import orgpost_assign, orgpost_end

    # given a member linked while holding no office
    config = connect(wecom)
    member = world.member_a
    MessengerAccount.objects.create(config=config, user=member.user, external_user_id="m1")
    assert _sign_in(client, wecom, config, "m1").status_code == 302
    client.logout()
    # when they become their branch's dues officer (organisation committee member)
    today = timezone.localdate()
    post = orgpost_assign(
        actor=None,
        unit=world.branch_a,
        member=member,
        kind=OrgPost.Kind.ORGANISATION,
        starts_on=today - datetime.timedelta(days=2),
    )
    # then the link stays but signs nobody in
    assert _sign_in(client, wecom, config, "m1").status_code == 403
    assert _signed_in(client) is None
    assert MessengerAccount.objects.filter(user=member.user).exists()
    # and once the post has ended, it signs them in again
    orgpost_end(actor=None, post=post, ends_on=today - datetime.timedelta(days=1))
    assert _sign_in(client, wecom, config, "m1").status_code == 302
    assert int(_signed_in(client)) == member.user.pk


def test_a_dues_officer_is_not_signed_in_on_their_posts_last_day(wecom, connect, world, client):
    """The roles of a post ending today are no longer current, but its dues office
    still is (the branch's dues and bases are still theirs): it counts as held."""
    from grassroots.accounts.scope import scope_for
    from grassroots.orgs.dues.selectors import dues_offices
    from grassroots.orgs.models import OrgPost
    from grassroots.orgs.services import orgpost_assign, orgpost_end

    # given a member linked, whose organisation committee post ends today
    config = connect(wecom)
    member = world.member_a
    MessengerAccount.objects.create(config=config, user=member.user, external_user_id="m1")
    today = timezone.localdate()
    post = orgpost_assign(
        actor=None,
        unit=world.branch_a,
        member=member,
        kind=OrgPost.Kind.ORGANISATION,
        starts_on=today - datetime.timedelta(days=30),
    )
    orgpost_end(actor=None, post=post, ends_on=today)
    assert world.branch_a.pk in dues_offices(scope_for(member.user), on=today).branch_ids
    # when the messenger vouches for them
    response = _sign_in(client, wecom, config, "m1")
    # then they are sent to their password
    assert response.status_code == 403
    assert _signed_in(client) is None


def test_a_group_leader_holds_no_office_and_signs_in(wecom, connect, world, client):
    from grassroots.orgs.models import OrgPost

    # given a member leading their Party group (no role, no reach beyond their records)
    config = connect(wecom)
    member = world.member_a
    OrgPost.objects.create(
        unit=world.group_a,
        member=member,
        kind=OrgPost.Kind.GROUP_LEADER,
        starts_on=timezone.localdate(),
    )
    MessengerAccount.objects.create(config=config, user=member.user, external_user_id="m1")
    # when / then
    assert _sign_in(client, wecom, config, "m1").status_code == 302


def test_the_office_check_is_one_query(wecom, connect, world, django_assert_num_queries):
    from grassroots.integrations.messenger.policy import refusal

    config = connect(wecom)
    for user, expected in ((world.officer_a, "office"), (world.member_a.user, None)):
        with django_assert_num_queries(1):
            assert refusal(user, config.pk) == expected
    with django_assert_num_queries(0):
        assert refusal(world.admin, config.pk) == "privileged"


# --- the link path ---------------------------------------------------------------------


def test_an_office_holder_cannot_link_by_default_and_nothing_is_kept(wecom, connect, world, client):
    # given an office holder whose messenger account is linked to nobody
    config = connect(wecom)
    officer = _with_password(world.officer_a)
    assert _sign_in(client, wecom, config, "o1").status_code == 302  # to the link page
    link = reverse("messenger:sign_in_link", args=[config.pk])
    # when they prove it is them with their password
    response = client.post(link, {"username": officer.employee_number, "password": PASSWORD})
    # then they are told to sign in with their password: nothing linked, not signed in
    assert response.status_code == 403
    assert reverse("accounts:login") in response.content.decode()
    assert _signed_in(client) is None
    assert not MessengerAccount.objects.exists()
    # and the vouched messenger account is gone from the session: no second try
    assert client.get(link).status_code == 400


def test_an_office_holder_links_where_the_connection_allows_it(wecom, connect, world, client):
    config = connect(wecom, office_holders_sign_in=True)
    officer = _with_password(world.officer_a)
    _sign_in(client, wecom, config, "o1")
    link = reverse("messenger:sign_in_link", args=[config.pk])
    response = client.post(link, {"username": officer.employee_number, "password": PASSWORD})
    assert response.status_code == 302
    assert int(_signed_in(client)) == officer.pk
    assert MessengerAccount.objects.get(config=config).user == officer


def test_a_plain_member_links_with_the_setting_off(wecom, connect, world, client):
    config = connect(wecom)
    member = _with_password(world.member_a.user)
    _sign_in(client, wecom, config, "m1")
    link = reverse("messenger:sign_in_link", args=[config.pk])
    response = client.post(link, {"username": member.employee_number, "password": PASSWORD})
    assert response.status_code == 302
    assert MessengerAccount.objects.get(config=config).user == member


def test_an_anonymous_visitor_without_a_vouched_account_gets_no_link_page(
    wecom, connect, world, client
):
    config = connect(wecom, office_holders_sign_in=True)
    officer = _with_password(world.officer_a)
    link = reverse("messenger:sign_in_link", args=[config.pk])
    response = client.post(link, {"username": officer.employee_number, "password": PASSWORD})
    assert response.status_code == 400
    assert _signed_in(client) is None
    assert not MessengerAccount.objects.exists()


# --- the setting -----------------------------------------------------------------------


def test_the_administrator_turns_the_setting_on_and_it_is_audited(
    wecom, connect, world, client_for
):
    from grassroots.core.models import AuditEntry

    # given
    config = connect(wecom)
    client = client_for(world.admin)
    form = client.get(reverse("messenger:config_edit", args=[config.pk])).content.decode()
    assert 'name="office_holders_sign_in"' in form
    # when
    values = {
        "vendor": config.vendor,
        "name": config.name,
        "corp_id": config.corp_id,
        "agent_id": config.agent_id,
        "api_base": config.api_base,
        "department_code_prefix": config.department_code_prefix,
        "sign_in_enabled": "on",
        "office_holders_sign_in": "on",
        "is_active": "on",
    }
    response = client.post(reverse("messenger:config_edit", args=[config.pk]), values)
    # then
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.office_holders_sign_in
    entry = AuditEntry.objects.filter(action="messenger.update").latest("pk")
    assert entry.changes["office_holders_sign_in"] == [False, True]


@pytest.mark.parametrize("who", ["committee_officer", "officer_a", None])
def test_no_one_else_can_turn_it_on(wecom, connect, world, client_for, who):
    config = connect(wecom)
    client = client_for(getattr(world, who) if who else None)
    url = reverse("messenger:config_edit", args=[config.pk])
    response = client.post(url, {"office_holders_sign_in": "on"})
    assert response.status_code == (404 if who else 302)
    config.refresh_from_db()
    assert not config.office_holders_sign_in
