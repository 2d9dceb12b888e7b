"""The administrator's pages: who may see them, and the secret never shown again."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from grassroots.integrations.messenger.models import MessengerConfig

pytestmark = pytest.mark.django_db


def _pages(config, run):
    return [
        reverse("messenger:configs"),
        reverse("messenger:config_new"),
        reverse("messenger:config_edit", args=[config.pk]),
        reverse("messenger:syncs", args=[config.pk]),
        reverse("messenger:sync", args=[config.pk, run.pk]),
    ]


def _run(config):
    return config.syncs.create(diff={"people": {"added": []}})


def test_the_administrator_sees_every_page(wecom, connect, world, client_for):
    config = connect(wecom)
    client = client_for(world.admin)
    for url in _pages(config, _run(config)):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["committee_officer", "officer_a", "employee"])
def test_it_hides_the_pages_from_everyone_else(wecom, connect, world, client_for, who):
    config = connect(wecom)
    client = client_for(getattr(world, who))
    for url in _pages(config, _run(config)):
        assert client.get(url).status_code == 404, url
        if url != reverse("messenger:configs"):  # the list is only read
            assert client.post(url).status_code == 404, url


def test_it_sends_anonymous_visitors_to_sign_in(wecom, connect, world, client_for):
    config = connect(wecom)
    client = client_for(None)
    for url in _pages(config, _run(config)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/" in response["Location"], url


def test_the_secret_is_never_shown_again(wecom, connect, world, client_for):
    config = connect(wecom)
    client = client_for(world.admin)
    page = client.get(reverse("messenger:config_edit", args=[config.pk])).content.decode()
    assert wecom.state.secret not in page and config.secret_encrypted not in page


def test_saving_without_a_secret_keeps_the_stored_one(wecom, connect, world, client_for):
    config = connect(wecom)
    stored = config.secret_encrypted
    client = client_for(world.admin)
    response = client.post(
        reverse("messenger:config_edit", args=[config.pk]),
        {
            "vendor": "wecom",
            "name": "改名",
            "corp_id": config.corp_id,
            "agent_id": "1000002",
            "api_base": wecom.url,
            "department_code_prefix": "WX-",
            "sign_in_enabled": "on",
            "is_active": "on",
            "secret": "",
        },
    )
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.name == "改名" and config.secret_encrypted == stored


def test_bad_input_is_refused_and_nothing_saved(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        reverse("messenger:config_new"),
        {
            "vendor": "wecom",
            "name": "<script>alert(1)</script>" * 10,
            "corp_id": "x" * 200,
            "api_base": "javascript:alert(1)",
            "department_code_prefix": "WX/",
            "secret": "",
        },
    )
    assert response.status_code == 200
    assert not MessengerConfig.objects.exists()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_dry_run_from_the_page_then_apply(wecom, connect, world, client_for):
    from grassroots.accounts.models import User
    from grassroots.core.models import AuditEntry

    config = connect(wecom)
    wecom.state.directory.people = [{"user_id": "E9", "name": "孙七", "department": ""}]
    client = client_for(world.admin)
    response = client.post(reverse("messenger:syncs", args=[config.pk]))
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert "孙七" in detail.content.decode()
    assert not User.objects.filter(employee_number="E9").exists()
    client.post(response["Location"])
    assert User.objects.filter(employee_number="E9").exists()
    again = client.post(response["Location"])  # double submit: refused, not applied again
    assert again.status_code == 302
    assert AuditEntry.objects.filter(action="messenger.sync_apply").count() == 1


def test_the_administrator_confirms_a_link_on_the_dry_run_page(wecom, connect, world, client_for):
    from grassroots.accounts.tests.factories import UserFactory
    from grassroots.integrations.messenger.models import MessengerAccount

    config = connect(wecom)
    same = UserFactory(employee_number="E9", name="孙七")
    other = UserFactory(employee_number="E8", name="周八")
    by_mobile = UserFactory(employee_number="E7", name="吴九", phone="13700000401")
    wecom.state.directory.people = [
        {"user_id": "E9", "name": "孙七", "department": ""},
        {"user_id": "E8", "name": "别人", "department": ""},
        {"user_id": "wujiu", "name": "吴九", "mobile": "13700000401", "department": ""},
    ]
    client = client_for(world.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    location = client.post(reverse("messenger:syncs", args=[config.pk]))["Location"]
    page = client.get(location).content.decode()
    assert 'name="confirm" value="E9"' in page and 'name="confirm" value="E8"' in page
    assert "E7 吴九 is messenger user wujiu, 吴九 there (the same mobile number)" in page
    assert "E9 孙七 is messenger user E9</label>" in page
    client.post(location, {"confirm": ["E9", "wujiu"]})
    assert MessengerAccount.objects.filter(config=config, user=same).exists()
    assert MessengerAccount.objects.get(config=config, user=by_mobile).external_user_id == "wujiu"
    assert not MessengerAccount.objects.filter(config=config, user=other).exists()
    other.refresh_from_db()
    assert other.name == "周八"
    applied = client.get(location).content.decode()  # the rows read, without boxes to tick
    assert "<li>E7 吴九 is messenger user wujiu, 吴九 there (the same mobile number)" in applied
    assert 'name="confirm"' not in applied


def test_every_one_proposed_is_linked_at_once_those_not_shown_included(
    wecom, connect, world, client_for, monkeypatch
):
    from grassroots.accounts.tests.factories import UserFactory
    from grassroots.integrations.messenger import selectors
    from grassroots.integrations.messenger.models import MessengerAccount

    monkeypatch.setattr(selectors, "SHOWN_ROWS", 1)
    config = connect(wecom)
    people = [UserFactory(employee_number=number) for number in ("E5", "E6")]
    wecom.state.directory.people = [
        {"user_id": person.employee_number, "name": person.name, "department": ""}
        for person in people
    ]
    client = client_for(world.admin)
    location = client.post(reverse("messenger:syncs", args=[config.pk]))["Location"]
    page = client.get(location).content.decode()
    assert page.count('name="confirm" ') == 1 and 'name="confirm_all"' in page
    client.post(location, {"confirm_all": "yes"})
    assert MessengerAccount.objects.filter(config=config, user__in=people).count() == 2


def test_hostile_confirmations_link_nobody_and_answer_clearly(wecom, connect, world, client_for):
    from grassroots.accounts.tests.factories import UserFactory
    from grassroots.integrations.messenger.models import MessengerAccount

    config = connect(wecom)
    person = UserFactory(employee_number="E4")
    wecom.state.directory.people = [{"user_id": "E4", "name": person.name, "department": ""}]
    client = client_for(world.admin)
    location = client.post(reverse("messenger:syncs", args=[config.pk]))["Location"]
    answer = client.post(
        location, {"confirm": ["E4\x00", "x" * 10_000, "４"], "confirm_all": "yes\x00"}
    )
    assert answer.status_code in (302, 400)
    assert not MessengerAccount.objects.filter(config=config, user=person).exists()
    missing = reverse("messenger:sync", args=[config.pk, 999_999])
    assert client.post(missing, {"confirm_all": "yes"}).status_code == 404


def test_the_sign_in_choices_are_public(wecom, connect, client_for):
    connect(wecom)
    response = client_for(None).get(reverse("messenger:sign_in"))
    assert response.status_code == 200


def test_a_person_chooses_notices_through_their_app(wecom, connect, world, client_for):
    from grassroots.integrations.messenger.models import MessengerAccount

    config = connect(wecom)
    account = MessengerAccount.objects.create(
        config=config, external_user_id="E", user=world.employee
    )
    other = MessengerAccount.objects.create(
        config=config, external_user_id="F", user=world.officer_a
    )
    client = client_for(world.employee)
    assert client.get(reverse("messenger:mine")).status_code == 200
    client.post(reverse("messenger:mine"), {"wants": [str(account.pk), str(other.pk)]})
    account.refresh_from_db()
    other.refresh_from_db()
    assert account.wants_messages and not other.wants_messages  # only one's own
    anonymous = client_for(None).get(reverse("messenger:mine"))
    assert anonymous.status_code == 302
