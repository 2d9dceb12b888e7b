"""The pages a person meets signing in through a messenger, reached as a person would:
the product's sign-in against the tests' fake WeCom (as the unit tests use), the
vendor's QR page stood in for by reading the state from the product's redirect.
axe-core on each, and each form and way out reached with the keyboard."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from e2e.conftest import DEMO_PASSWORD, ROOT, axe_violations, small_targets
from grassroots.integrations.messenger.tests.fake_server import FakeMessenger

_CONNECT = """
import django, json, sys
django.setup()
from grassroots.integrations.messenger.services import config_save
config = config_save(
    actor=None, config=None, secret=sys.argv[1], vendor="wecom", name="e2e 企业微信",
    corp_id=sys.argv[2], agent_id="1000002", api_base=sys.argv[3],
)
print(json.dumps({"config": config.pk}))
"""

# The connection (its accounts and dry runs go with it), their audit entries and the
# failed sign-ins of the unknown name typed on the link page: nothing of the test is left
# for the others.
_DISCONNECT = """
import django, json, sys
django.setup()
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from grassroots.core.models import AuditEntry
from django.db.models import Q
from grassroots.integrations.messenger.models import MessengerConfig, SyncRun
pk, name = int(sys.argv[1]), sys.argv[2]
runs = [str(run) for run in SyncRun.objects.filter(config_id=pk).values_list("pk", flat=True)]
MessengerConfig.objects.filter(pk=pk).delete()
entries = AuditEntry.objects.filter(
    Q(target_type=ContentType.objects.get_for_model(MessengerConfig), target_id=str(pk))
    | Q(target_type=ContentType.objects.get_for_model(SyncRun), target_id__in=runs)
)
entries.delete()
AccessAttempt.objects.filter(username=name).delete()
print(json.dumps({"left": entries.count() + AccessAttempt.objects.filter(username=name).count()}))
"""
# typed on the link page: an account nobody has, counted by axes under this name
_UNKNOWN_NAME = "E2E-MESSENGER-NOBODY"


def _manage(server: dict[str, Any], script: str, *args: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "GRASSROOTS_DATA_DIR": str(server["data_dir"]),
        "GRASSROOTS_MESSENGER_ALLOW_HTTP_LOOPBACK": "1",
    }
    env.pop("DATABASE_URL", None)
    if server["database_url"]:
        env["DATABASE_URL"] = server["database_url"]
    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return done.stdout.decode()


@pytest.fixture
def wecom(server: dict[str, Any]) -> Iterator[tuple[FakeMessenger, int]]:
    """A fake WeCom and the server's connection to it, removed afterwards (so the
    other browser tests meet no connection to a vendor that is gone)."""
    with FakeMessenger("wecom") as fake:
        state = fake.state
        out = _manage(server, _CONNECT, state.secret, state.corp_id, fake.url)
        pk = json.loads(out.strip().splitlines()[-1])["config"]
        try:
            yield fake, pk
        finally:
            out = _manage(server, _DISCONNECT, str(pk), _UNKNOWN_NAME)
            assert json.loads(out.strip().splitlines()[-1]) == {"left": 0}


def _vouched(page: Any, fake: FakeMessenger, pk: int, user_id: str) -> Any:
    """The person scanned the QR code and WeCom vouched for `user_id`: the browser comes
    back to the product's address with a code and the state."""
    fake.state.codes[f"code-{user_id}"] = user_id
    start = page.request.get(f"/integrations/sign-in/{pk}/", max_redirects=0)
    assert start.status == 302
    vendor = urllib.parse.urlsplit(start.headers["location"])
    assert vendor.netloc == "login.work.weixin.qq.com"
    state = urllib.parse.parse_qs(vendor.query)["state"][0]
    query = urllib.parse.urlencode({"code": f"code-{user_id}", "state": state})
    return page.goto(f"/integrations/sign-in/{pk}/done/?{query}")


def _focused(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const el = document.activeElement;
        return {id: el.id || '', tag: el.tagName, type: el.type || '',
                href: el.getAttribute('href') || '',
                inMain: !!el.closest('main')}; }"""
    )


def _tab_to(page: Any, wanted: Any, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if wanted(_focused(page)):
            return
    raise AssertionError("not reached with the Tab key")


def _checked(page: Any, name: str, report: dict[str, Any]) -> None:
    assert page.locator("h1").count() == 1, name
    report[name] = axe_violations(page) + small_targets(page)


def _failures(report: dict[str, list[dict[str, Any]]]) -> str:
    return "\n".join(
        f"{name}: {v['id']} ({v['impact']}) {v['help']} {v['targets']}"
        for name, violations in report.items()
        for v in violations
    )


def test_the_link_page_and_its_refusals_pass_axe_and_work_by_keyboard(new_page, server, wecom):
    fake, pk = wecom
    report: dict[str, Any] = {}
    page = new_page(None)

    # A messenger account linked to nobody: the page asking for the password once.
    response = _vouched(page, fake, pk, "stranger")
    assert response.status == 200 and page.url.endswith(f"/integrations/sign-in/{pk}/link/")
    _checked(page, "link page", report)
    _tab_to(page, lambda el: el["id"] == "id_username")
    page.keyboard.type(_UNKNOWN_NAME)
    _tab_to(page, lambda el: el["id"] == "id_password")
    page.keyboard.type("wrong-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".error-summary").count() == 1
    _checked(page, "link page with an error", report)

    # An office holder (the demo's branch secretary) proves it is them: the connection
    # does not sign office holders in, so the page sends them to the password sign-in.
    officer = server["logins"]["branch officer"]["employee_number"]
    page.fill("#id_username", officer)
    page.fill("#id_password", DEMO_PASSWORD)
    _tab_to(page, lambda el: el["tag"] == "BUTTON" and el["type"] == "submit" and el["inMain"])
    with page.expect_navigation() as refused:
        page.keyboard.press("Enter")
    assert refused.value is not None and refused.value.status == 403
    assert page.locator("[role=alert]").count() == 1
    # refused for holding office, not for how the sign-in went: no "start again" link
    # (a locked, taken or inactive refusal would offer one)
    assert page.locator('main a[href="/integrations/sign-in/"]').count() == 0
    _checked(page, "office holder refused", report)
    _tab_to(page, lambda el: el["href"] == "/accounts/login/" and el["inMain"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" in page.url

    # Someone WeCom knows but who is not a member of the enterprise.
    fake.state.outsiders.add("visitor")
    response = _vouched(page, fake, pk, "visitor")
    assert response.status == 502
    _checked(page, "not a member of the enterprise", report)
    _tab_to(page, lambda el: el["href"] == "/integrations/sign-in/" and el["inMain"])

    assert not _failures(report), "\n" + _failures(report)


# A person of the demo with a mobile number on record (not the administrator, not staff).
_WITH_MOBILE = """
import django, json, sys
django.setup()
from grassroots.accounts.models import User
user = (
    User.objects.filter(is_active=True, is_staff=False, is_superuser=False, phone__isnull=False)
    .exclude(phone="")
    .order_by("employee_number")
    .first()
)
print(json.dumps({"number": user.employee_number, "name": user.name, "phone": user.phone}))
"""


def test_the_contact_sync_pages_pass_axe_and_a_match_is_ticked_by_keyboard(new_page, server, wecom):
    """The administrator starts a dry run and reads it; a messenger user whose id is a
    name but whose mobile number is the demo employee's is proposed to confirm, ticked
    with the keyboard. Not applied: the demo's records stay as they are for the others."""
    fake, pk = wecom
    known = json.loads(_manage(server, _WITH_MOBILE).strip().splitlines()[-1])
    assert known["phone"], "someone of the demo has a mobile number"
    fake.state.directory.departments = [("2", "e2e 车间", "")]
    fake.state.directory.people = [
        {
            "user_id": "e2e-zhang",
            "name": known["name"],
            "mobile": known["phone"],
            "department": "2",
        },
    ]
    report: dict[str, Any] = {}
    page = new_page("administrator")
    page.goto(f"/integrations/messenger/{pk}/sync/")
    _checked(page, "contact sync", report)
    _tab_to(page, lambda el: el["tag"] == "BUTTON" and el["type"] == "submit" and el["inMain"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"/integrations/messenger/{pk}/sync/" in page.url and page.url.rstrip("/")[-1].isdigit()
    _checked(page, "dry run", report)
    box = page.locator('input[name="confirm"][value="e2e-zhang"]')
    label = page.locator(f'label[for="{box.get_attribute("id")}"]')
    assert known["number"] in label.inner_text() and "e2e-zhang" in label.inner_text()
    _tab_to(page, lambda el: el["type"] == "checkbox" and el["inMain"])
    page.keyboard.press("Space")
    assert box.is_checked()
    _tab_to(page, lambda el: el["tag"] == "BUTTON" and el["type"] == "submit" and el["inMain"])

    assert not _failures(report), "\n" + _failures(report)
