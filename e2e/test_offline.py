"""Works without signal (issue 19 §3): pages already visited open offline with a clear
status line; appeals and visits filled in offline are kept on the device and sent when
the connection returns; a send whose answer is lost is sent again, and the server's
one-time keys keep it to one record each."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from typing import Any

from e2e.conftest import ROOT, axe_violations

_COUNT = """
import json, sys, django
django.setup()
from grassroots.appeals.models import Appeal
from grassroots.service.models import Visit
marker = sys.argv[1]
print(json.dumps({
    "appeals": Appeal.objects.filter(title__contains=marker).count(),
    "visits": Visit.objects.filter(help_given__contains=marker).count(),
}))
"""


def _records(server: dict[str, Any], marker: str) -> dict[str, int]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "GRASSROOTS_DATA_DIR": str(server["data_dir"]),
    }
    env.pop("DATABASE_URL", None)
    if server["database_url"]:
        env["DATABASE_URL"] = server["database_url"]
    found = subprocess.run(
        [sys.executable, "-c", _COUNT, marker], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return json.loads(found.stdout.decode().strip().splitlines()[-1])


def _controlled(page: Any) -> None:
    """Wait until the service worker runs and controls the page."""
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _waiting(page: Any) -> str:
    return page.locator("#offline-status .offline-waiting").inner_text()


def _raise_appeal(page: Any, title: str) -> None:
    page.select_option("#id_category", index=1)
    page.fill("#id_title", title)
    page.fill("#id_description", "井下三号巷道照明不足，夜班看不清。")
    page.locator("main form[data-offline] button[type=submit]:not([name=check])").click()


def test_forms_filled_offline_are_sent_once_when_the_connection_returns(new_page, server):
    marker = uuid.uuid4().hex[:6]
    page = new_page("branch officer")
    page.set_default_timeout(60_000)  # the first appeal loads jieba's dictionary
    page.goto("/")
    _controlled(page)
    # Visit the pages once while the connection is there: they are kept.
    page.goto("/service/pairings/")
    pairing = page.locator("main a[href^='/service/pairings/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
        ".filter(h => /^\\/service\\/pairings\\/\\d+\\/$/.test(h))"
    )[0]
    page.goto(pairing)
    page.goto("/appeals/new/")

    page.context.set_offline(True)
    page.goto("/appeals/new/")  # from the device: no network
    banner = page.locator("#offline-status .offline-banner")
    assert banner.is_visible()
    assert banner.inner_text() == page.locator("#offline-status").get_attribute("data-offline")
    violations = axe_violations(page)
    assert not violations, violations

    _raise_appeal(page, f"照明 {marker} 一")
    page.wait_for_function(
        "() => /1/.test(document.querySelector('#offline-status .offline-waiting')?.textContent)"
    )
    assert page.locator("#id_title").input_value() == ""  # the form is ready for the next
    _raise_appeal(page, f"照明 {marker} 二")
    page.wait_for_function(
        "() => /2/.test(document.querySelector('#offline-status .offline-waiting')?.textContent)"
    )
    page.goto(pairing)
    assert "2" in _waiting(page)
    page.fill("#id_visit-help_given", f"送去慰问品 {marker}")
    page.locator("#visit-form button[type=submit]").click()
    page.wait_for_function(
        "() => /3/.test(document.querySelector('#offline-status .offline-waiting')?.textContent)"
    )
    violations = axe_violations(page)
    assert not violations, violations
    assert _records(server, marker) == {"appeals": 0, "visits": 0}

    # The connection returns, and drops just as the first answer is on its way back:
    # the server has the appeal, the device does not know it.
    lost: list[str] = []

    def lose_the_answer(route: Any) -> None:
        if not lost:
            lost.append(route.request.url)
            route.fetch(timeout=120_000)  # the server saves it
            route.abort("connectionreset")
        else:
            route.continue_()

    page.context.route(re.compile(r".*/(appeals/new|service/pairings/\d+)/$"), lose_the_answer)
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function(
        "() => document.querySelector('#offline-status .offline-banner') === null"
    )
    for _ in range(120):
        if lost and _records(server, marker)["appeals"] == 1:
            break
        page.wait_for_timeout(500)
    assert lost, "the send after reconnecting did not reach the network"
    assert _records(server, marker) == {"appeals": 1, "visits": 0}
    page.wait_for_timeout(1000)
    assert "3" in _waiting(page)  # the device does not know: all three still wait

    # Next page load: everything is sent, the lost one again, and kept once.
    page.context.unroute_all()
    page.reload()
    page.wait_for_function(
        "() => !document.querySelector('#offline-status .offline-waiting')"
        " && document.querySelectorAll('#offline-status .alert-success').length >= 3"
    )
    assert _records(server, marker) == {"appeals": 2, "visits": 1}
    page.reload()
    page.wait_for_timeout(1000)
    assert _records(server, marker) == {"appeals": 2, "visits": 1}

    # Signing out forgets the kept pages: the next person cannot open them offline.
    assert page.evaluate("async () => await caches.has('grassroots-pages')")
    with page.expect_navigation():
        page.locator("header form[action$='/accounts/logout/'] button").click()
    assert not page.evaluate("async () => await caches.has('grassroots-pages')")


def test_an_anonymous_appeal_queued_offline_shows_its_receipt_and_keeps_no_owner(new_page, server):
    marker = uuid.uuid4().hex[:6]
    page = new_page(None)
    page.set_default_timeout(60_000)
    page.goto("/offline/")  # what a page never opened shows offline
    assert page.locator("h1").count() == 1
    violations = axe_violations(page)
    assert not violations, violations
    page.goto("/appeals/anonymous/")
    _controlled(page)
    page.context.set_offline(True)
    page.goto("/appeals/anonymous/")
    _raise_appeal(page, f"匿名 {marker}")
    page.wait_for_function(
        "() => /1/.test(document.querySelector('#offline-status .offline-waiting')?.textContent)"
    )
    kept = page.evaluate(
        """() => new Promise(resolve => {
             const open = indexedDB.open('grassroots-offline');
             open.onsuccess = () => {
               const all = open.result.transaction('queue').objectStore('queue').getAll();
               all.onsuccess = () => resolve(all.result.map(e => ({owner: e.owner,
                 anonymous: e.anonymous, names: e.fields.map(f => f[0])})));
             };
           })"""
    )
    assert (
        kept == [{"owner": "", "anonymous": True, "names": kept[0]["names"]}]
        and "title" in kept[0]["names"]
    )
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    # The tracking code and PIN are shown in the page, never written to the device.
    page.wait_for_function("() => /[0-9]{6}/.test(document.querySelector('main').textContent)")
    assert _records(server, marker)["appeals"] == 1
    names = page.evaluate("async () => (await caches.keys())")
    for name in names:
        urls = page.evaluate(
            "async n => (await (await caches.open(n)).keys()).map(r => r.url)", name
        )
        assert not any("anonymous" in url and "receipt" in url for url in urls)
