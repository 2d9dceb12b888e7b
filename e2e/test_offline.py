"""Works without signal (issue 19 §3): pages already visited open offline with a clear
status line; appeals and visits filled in offline are kept on the device and sent when
the connection returns; a send whose answer is lost is sent again, and the server's
one-time keys keep it to one record each."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from e2e.conftest import ROOT, Pages, axe_violations

_COUNT = """
import json, sys, django
django.setup()
from grassroots.appeals.models import Appeal
from grassroots.service.models import Visit
from django.db.models import Max
from grassroots.service.models import Pairing
marker = sys.argv[1]
if sys.argv[2:] == ["forget"]:
    # The journey's visit put back as it was: the other journeys on this server expect
    # the demo's overdue pairing still overdue.
    visits = Visit.objects.filter(help_given__contains=marker)
    pairings = set(visits.values_list("pairing_id", flat=True))
    visits.delete()
    for pairing in Pairing.objects.filter(pk__in=pairings):
        pairing.last_visit_on = pairing.visits.aggregate(last=Max("date"))["last"]
        pairing.save(update_fields=["last_visit_on"])
print(json.dumps({
    "appeals": Appeal.objects.filter(title__contains=marker).count(),
    "visits": Visit.objects.filter(help_given__contains=marker).count(),
}))
"""


def _open_a_pairing(page: Any) -> str:
    """The branch officer opens the first pairing their list shows; its address."""
    page.goto("/service/pairings/")
    pairing = page.locator("main a[href^='/service/pairings/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
        ".filter(h => /^\\/service\\/pairings\\/\\d+\\/$/.test(h))"
    )[0]
    page.goto(pairing)
    return pairing


def _records(server: dict[str, Any], marker: str, *, forget: bool = False) -> dict[str, int]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "GRASSROOTS_DATA_DIR": str(server["data_dir"]),
    }
    env.pop("DATABASE_URL", None)
    if server["database_url"]:
        env["DATABASE_URL"] = server["database_url"]
    found = subprocess.run(
        [sys.executable, "-c", _COUNT, marker, *(["forget"] if forget else [])],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return json.loads(found.stdout.decode().strip().splitlines()[-1])


_QUEUED = """() => new Promise(resolve => {
  const open = indexedDB.open('grassroots-offline');
  open.onupgradeneeded = () => open.result.createObjectStore('queue', {keyPath: 'key'});
  open.onsuccess = () => {
    const all = open.result.transaction('queue').objectStore('queue').getAll();
    all.onsuccess = () => { open.result.close(); resolve(all.result); };
  };
})"""


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
    pairing = _open_a_pairing(page)
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
    # said at the top, where the focus goes (the button at the foot of the form is not)
    page.wait_for_function("() => document.activeElement.id === 'offline-status'")
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
    assert _records(server, marker, forget=True) == {"appeals": 2, "visits": 0}

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
    kept = page.evaluate(_QUEUED)
    assert len(kept) == 1
    entry = kept[0]
    # Exactly these, and nothing else: what was typed, the key, where it goes, and the
    # random id of the tab that queued it; no owner, no form token.
    assert set(entry) == {
        "key",
        "kind",
        "label",
        "action",
        "fields",
        "anonymous",
        "owner",
        "tab",
        "queuedAt",
        "state",
    }
    assert entry["owner"] == "" and entry["anonymous"] is True and entry["kind"] == "appeal"
    assert entry["tab"] == page.evaluate("() => sessionStorage.getItem('grassroots-tab')")
    assert entry["queuedAt"] % 3_600_000 == 0  # to the hour
    names = {name for name, _value in entry["fields"]}
    form_names = set(
        page.locator("main form[data-offline] [name]").evaluate_all("els => els.map(e => e.name)")
    )
    assert "title" in names and names <= form_names
    assert "csrfmiddlewaretoken" not in names
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    # The tracking code and PIN are shown in the page, never written to the device.
    page.wait_for_function("() => /[0-9]{6}/.test(document.querySelector('main').textContent)")
    assert _records(server, marker)["appeals"] == 1
    code, pin = page.locator("main .receipt-codes .code").all_inner_texts()
    assert re.fullmatch(r"[0-9]{6}", pin) and code
    # Neither is kept anywhere on the device: no cache holds a body with them.
    bodies = page.evaluate(
        """async () => {
             const found = [];
             for (const name of await caches.keys()) {
               const cache = await caches.open(name);
               for (const request of await cache.keys()) {
                 found.push([name, await (await cache.match(request)).text()]);
               }
             }
             return found;
           }"""
    )
    assert bodies  # the worker keeps pages and static files: the check looks at them
    assert not any(code in body for _name, body in bodies)
    # (a six-digit PIN may turn up in a minified static file by chance: pages only)
    pages = [body for name, body in bodies if not name.startswith("grassroots-static")]
    assert not any(pin in body for body in pages)
    assert page.evaluate(_QUEUED) == []


_AGE_KEPT_PAGES = """seconds => caches.open('grassroots-pages').then(async cache => {
  for (const request of await cache.keys()) {
    const kept = await cache.match(request);
    const headers = new Headers(kept.headers);
    headers.set('X-Grassroots-Kept-At', String(Date.now() - seconds * 1000));
    await cache.put(request, new Response(await kept.blob(), {status: 200, headers}));
  }
})"""


def test_a_kept_page_is_not_shown_once_its_session_has_surely_ended(new_page, server):
    page = new_page("employee")
    name = server["logins"]["employee"]["name"]
    page.goto("/")
    _controlled(page)
    page.goto("/appeals/mine/")
    max_age = int(page.locator("#offline-status").get_attribute("data-max-age"))
    assert max_age > 0
    page.wait_for_function(
        "async () => (await (await caches.open('grassroots-pages')).keys()).length >= 2"
    )
    # Kept a moment ago: the person's own page opens offline.
    page.context.set_offline(True)
    page.goto("/appeals/mine/")
    assert name in page.locator("body").inner_text()
    # Kept longer ago than a session lasts without a request: it is not shown.
    page.evaluate(_AGE_KEPT_PAGES, max_age + 5)
    for path in ("/appeals/mine/", "/"):
        page.goto(path)
        assert name not in page.content()
        assert page.locator("h1").inner_text() in ("没有网络连接", "No connection")
    page.context.set_offline(False)


def test_a_named_form_on_a_page_older_than_a_session_is_not_kept(new_page, server):
    page = new_page("employee")
    page.goto("/appeals/new/")
    _controlled(page)
    max_age = int(page.locator("#offline-status").get_attribute("data-max-age"))
    page.context.set_offline(True)
    # The page stayed open longer than a session lasts: whoever fills it in now may be
    # another person, and the form would go in the first one's name.
    page.evaluate("ms => { const now = Date.now; Date.now = () => now() + ms; }", max_age * 1000)
    _raise_appeal(page, "太久之前打开的页面")
    note = page.locator("#offline-status .alert-danger")
    assert note.inner_text() == page.locator("#offline-status").get_attribute("data-too-old")
    assert page.evaluate(_QUEUED) == []
    page.context.set_offline(False)


def test_an_anonymous_appeal_is_sent_and_shown_only_in_the_tab_that_queued_it(new_page, server):
    marker = uuid.uuid4().hex[:6]
    first = new_page(None)
    first.set_default_timeout(60_000)
    first.goto("/appeals/anonymous/")
    _controlled(first)
    first.context.set_offline(True)
    first.goto("/appeals/anonymous/")
    _raise_appeal(first, f"匿名 {marker} 一")
    kept_note = first.locator("#offline-status").get_attribute("data-kept-anonymous")
    assert first.locator("#offline-status .alert-success").inner_text() == kept_note
    # Another tab on the device, online: it neither sends the appeal nor shows its receipt.
    # (The first tab's own sends are held back meanwhile, so that only the other could.)
    first.route(
        re.compile(r".*/appeals/anonymous/$"),
        lambda route: (
            route.abort("internetdisconnected")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    first.context.set_offline(False)
    other = first.context.new_page()
    other.goto("/")
    other.wait_for_timeout(1500)
    assert not other.locator("main .receipt-codes").count()
    assert not other.locator("#offline-status .offline-waiting").count()
    assert _records(server, marker)["appeals"] == 0
    assert len(other.evaluate(_QUEUED)) == 1  # its tab is open: it waits for it
    # The tab that queued it sends it and shows the receipt there.
    first.unroute_all()
    first.evaluate("() => window.dispatchEvent(new Event('online'))")
    first.locator("main .receipt-codes").wait_for()
    assert _records(server, marker)["appeals"] == 1

    # Queued, then the tab is closed: the next page opened on the device drops it unseen.
    first.context.set_offline(True)
    first.goto("/appeals/anonymous/")
    _raise_appeal(first, f"匿名 {marker} 二")
    first.wait_for_function(
        "() => /1/.test(document.querySelector('#offline-status .offline-waiting')?.textContent)"
    )
    first.close()
    other.context.set_offline(False)
    other.goto("/")
    other.wait_for_function("async () => (await (" + _QUEUED + ")()).length === 0")
    other.wait_for_timeout(1000)
    assert not other.locator("main .receipt-codes").count()
    assert _records(server, marker)["appeals"] == 1


def test_a_form_that_could_not_be_sent_says_why_and_opens_again_filled_in(new_page, server):
    marker = uuid.uuid4().hex[:6]
    page = new_page("employee")
    page.set_default_timeout(60_000)
    page.goto("/appeals/new/")
    _controlled(page)
    page.context.set_offline(True)
    page.goto("/appeals/new/")
    _raise_appeal(page, f"退回 {marker} 一")
    _raise_appeal(page, f"退回 {marker} 二")
    page.wait_for_function(
        "() => /2/.test(document.querySelector('#offline-status .offline-waiting')?.textContent)"
    )
    # The server refuses both: the form comes back with its error summary.
    refused = (
        '<!doctype html><html><body data-owner=""><main><div class="error-summary" tabindex="-1">'
        f"标题不合适 {marker}</div><form></form></main></body></html>"
    )
    page.context.route(
        re.compile(r".*/appeals/new/$"),
        lambda route: (
            route.fulfill(status=200, content_type="text/html", body=refused)
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    notes = page.locator("#offline-status .alert-danger")
    page.wait_for_function(
        "() => document.querySelectorAll('#offline-status .alert-danger').length === 2"
    )
    page.context.unroute_all()
    status = page.locator("#offline-status")
    label = page.locator("main form[data-offline]").get_attribute("data-offline-label")
    for index in range(2):
        assert f"标题不合适 {marker}" in notes.nth(index).inner_text()
        names = notes.nth(index).locator("button").all_inner_texts()
        assert names == [
            f"{status.get_attribute('data-discard')}：{label}",
            f"{status.get_attribute('data-open-again')}：{label}",
        ]
    # Discarded: focus goes to the next note, not lost to the page.
    notes.nth(0).locator("button").nth(0).click()
    page.wait_for_function(
        "() => document.querySelectorAll('#offline-status .alert-danger').length === 1"
    )
    assert page.evaluate("() => document.activeElement.closest('.alert-danger') !== null")
    # Opened again: the form holds what was typed, and the note is gone.
    notes.nth(0).locator("button").nth(1).click()
    page.wait_for_function(f"() => document.querySelector('#id_title').value.includes('{marker}')")
    assert page.locator("#id_title").input_value() == f"退回 {marker} 二"
    assert page.locator("#id_description").input_value().startswith("井下三号巷道")
    page.wait_for_function(
        "() => document.querySelectorAll('#offline-status .alert-danger').length === 0"
    )
    assert page.evaluate(_QUEUED) == []
    assert _records(server, marker)["appeals"] == 0


# --- Online, but the server cannot be reached ------------------------------------------
# The browser says online (a mine's Wi-Fi with no uplink, a proxy down): the form is sent
# by the page script, and a send with no answer is kept in the queue under the key it
# was sent with, so that a send that did reach the server is not recorded twice.


@pytest.fixture
def page_without_worker(browser: Any, server: dict[str, Any]) -> Iterator[Callable[..., Any]]:
    """A page (signed in as that demo role) whose context runs no service worker: a POST
    from a page the worker controls is not always seen by Playwright's routes, and these
    journeys need every send to go through them. (What the page script does does not
    depend on the worker; the journeys above run with it.)"""
    pages = Pages(browser, server)

    def make(role: str | None) -> Any:
        # 60 s: the first appeal may load jieba's dictionary
        return pages.open(role, timeout=60_000, service_workers="block")

    yield make
    pages.close()


def _refused_connection(route: Any) -> None:
    if route.request.method == "POST":
        route.abort("connectionrefused")
    else:
        route.continue_()


def _answer_lost(sent: list[str]) -> Any:
    """A route whose POST reaches the server, and whose answer is lost on its way back."""

    def handle(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        sent.append(route.request.post_data or "")
        route.fetch(timeout=120_000)  # the server records it
        with contextlib.suppress(PlaywrightError):  # (or the page has gone meanwhile)
            route.abort("connectionreset")

    return handle


def _said(page: Any, form: str) -> str:
    return page.locator(f"{form} .form-send-status").inner_text()


def _kept_while_unreachable(page: Any, form: str, send: Any, field: str) -> dict[str, Any]:
    """Send the form through the route set up by the caller; it is kept, shown as
    waiting, and the form is ready for the next one. The entry kept."""
    status = page.locator("#offline-status")
    send()
    page.wait_for_function(
        "() => /1/.test(document.querySelector('#offline-status .offline-waiting')?.textContent)"
    )
    assert navigator_online(page)
    said = _said(page, form)
    assert said.startswith(status.get_attribute("data-unreachable"))
    assert page.locator(field).input_value() == ""  # ready for the next one
    kept = page.evaluate(_QUEUED)
    assert len(kept) == 1 and kept[0]["state"] == "waiting"
    assert page.locator(f"{form} button[type=submit]").first.is_enabled()
    return kept[0]


def navigator_online(page: Any) -> bool:
    return bool(page.evaluate("() => navigator.onLine"))


def _sent_on_the_next_page(page: Any) -> None:
    page.reload()
    page.wait_for_function(
        "() => !document.querySelector('#offline-status .offline-waiting')"
        " && document.querySelectorAll('#offline-status .alert-success').length >= 1"
    )
    assert page.evaluate(_QUEUED) == []


def _kept_and_sent_once(
    page: Any,
    server: dict[str, Any],
    marker: str,
    *,
    address: str,
    form: str,
    field: str,
    kind: str,
    send: Callable[[str], Callable[[], None]],
    words: str,
) -> dict[str, Any]:
    """The two ways an online send fails, one after the other, on `form` (its POSTs go
    to the pattern `address`, its records counted under `kind`, `send(text)` fills in
    `field` and sends): the connection refused — kept, nothing recorded, sent on the next
    page, one record; then the answer lost after the server recorded it — kept under the
    key it was sent with, sent again, and the server gives the first record back.
    Returns the first entry kept."""
    page.context.route(re.compile(address), _refused_connection)
    first = _kept_while_unreachable(page, form, send(f"{words} {marker} 一"), field)
    assert _records(server, marker)[kind] == 0
    page.context.unroute_all(behavior="wait")
    _sent_on_the_next_page(page)
    assert _records(server, marker)[kind] == 1

    sent: list[str] = []
    page.context.route(re.compile(address), _answer_lost(sent))
    entry = _kept_while_unreachable(page, form, send(f"{words} {marker} 二"), field)
    assert sent and all(entry["key"] in body for body in sent)
    assert _records(server, marker)[kind] == 2
    page.context.unroute_all(behavior="wait")
    _sent_on_the_next_page(page)
    page.reload()
    page.wait_for_timeout(1000)
    assert _records(server, marker)[kind] == 2
    return first


def test_an_appeal_sent_while_the_server_cannot_be_reached_is_kept_and_sent_once(
    page_without_worker, server
):
    marker = uuid.uuid4().hex[:6]
    page = page_without_worker("employee")
    page.goto("/appeals/new/")
    # Refused, then the answer lost: nothing typed is lost, nothing recorded twice.
    first = _kept_and_sent_once(
        page,
        server,
        marker,
        address=r".*/appeals/new/$",
        form="main form[data-offline]",
        field="#id_title",
        kind="appeals",
        send=lambda text: lambda: _raise_appeal(page, text),
        words="照明",
    )
    assert dict(first["fields"])["title"] == f"照明 {marker} 一"


def test_a_visit_sent_while_the_server_cannot_be_reached_is_kept_and_sent_once(
    page_without_worker, server
):
    marker = uuid.uuid4().hex[:6]
    page = page_without_worker("branch officer")
    _open_a_pairing(page)

    def record(text: str) -> Any:
        def send() -> None:
            page.fill("#id_visit-help_given", text)
            page.locator("#visit-form button[type=submit]").click()

        return send

    try:
        _kept_and_sent_once(
            page,
            server,
            marker,
            address=r".*/service/pairings/\d+/$",
            form="#visit-form",
            field="#id_visit-help_given",
            kind="visits",
            send=record,
            words="送去慰问品",
        )
    finally:
        # The demo's pairing as it was, for the journeys that run after this one.
        _records(server, marker, forget=True)


def test_an_anonymous_appeal_sent_while_unreachable_stays_with_its_tab(page_without_worker, server):
    marker = uuid.uuid4().hex[:6]
    page = page_without_worker(None)
    page.goto("/appeals/anonymous/")
    page.context.route(re.compile(r".*/appeals/anonymous/$"), _refused_connection)
    entry = _kept_while_unreachable(
        page, "main form[data-offline]", lambda: _raise_appeal(page, f"匿名 {marker}"), "#id_title"
    )
    status = page.locator("#offline-status")
    assert status.get_attribute("data-kept-anonymous") in _said(page, "main form[data-offline]")
    assert entry["owner"] == "" and entry["anonymous"] is True
    assert entry["tab"] == page.evaluate("() => sessionStorage.getItem('grassroots-tab')")
    assert entry["queuedAt"] % 3_600_000 == 0
    page.context.unroute_all(behavior="wait")
    page.reload()  # the same tab: it sends it and shows the receipt in place
    page.locator("main .receipt-codes").wait_for()
    assert _records(server, marker)["appeals"] == 1
    assert page.evaluate(_QUEUED) == []


def test_an_answered_form_is_shown_in_place_of_the_page(page_without_worker, server):
    """Online and answered: the answer as a navigation would show it. The page keeps its
    own CSP here (no bypass), so the answer's scripts must run under it."""
    page = page_without_worker("employee")
    marker = uuid.uuid4().hex[:6]
    page.goto("/appeals/new/")

    # Errors: the form comes back with them, what was typed, the focus on the summary.
    page.select_option("#id_category", index=1)
    page.fill("#id_description", f"没有标题 {marker}")
    page.locator("main form[data-offline] button[type=submit]:not([name=check])").click()
    page.locator("main .error-summary").wait_for()
    page.wait_for_function("() => document.activeElement?.classList.contains('error-summary')")
    assert page.locator("#id_description").input_value() == f"没有标题 {marker}"
    assert page.url.endswith("/appeals/new/")
    assert page.evaluate(_QUEUED) == []
    # The answer's scripts run: htmx looks for similar appeals as the title is typed.
    with page.expect_request(re.compile(r".*/appeals/new/similar/\?")):
        page.fill("#id_title", f"照明 {marker}")

    # A double tap: one send, the button disabled while it is on its way.
    held: list[Any] = []
    page.context.route(
        re.compile(r".*/appeals/new/$"),
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    page.evaluate(
        "() => { const form = document.querySelector('main form[data-offline]');"
        " form.requestSubmit(); form.requestSubmit(); }"
    )
    page.wait_for_timeout(1000)
    assert len(held) == 1
    button = page.locator("main form[data-offline] button[type=submit]:not([name=check])")
    # Still on its way after a second: the page script holds the buttons and says so.
    assert page.locator("main form[data-offline]").get_attribute("aria-busy") == "true"
    assert _said(page, "main form[data-offline]") == page.locator("#offline-status").get_attribute(
        "data-sending"
    )
    assert button.is_disabled()
    # Even with a button enabled again (by some other script), a tap sends nothing more.
    page.evaluate(
        "() => { const b = document.querySelector('main form[data-offline] button');"
        " b.disabled = false; b.click(); }"
    )
    page.wait_for_timeout(500)
    assert len(held) == 1
    held[0].continue_()
    # Redirected: the answer's address and page, as a navigation would show them.
    page.wait_for_url(re.compile(r"/appeals/mine/[0-9a-z]{16}/received/$"))
    page.locator("main h1").wait_for()
    assert _records(server, marker)["appeals"] == 1
    page.context.unroute_all(behavior="wait")

    # 403 (a stale form token, signed out): not queued, the person told, form kept.
    page.goto("/appeals/new/")
    page.context.route(
        re.compile(r".*/appeals/new/$"),
        lambda route: (
            route.fulfill(status=403, content_type="text/html", body="<h1>403</h1>")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    page.select_option("#id_category", index=1)
    page.fill("#id_title", f"拒绝 {marker}")
    page.fill("#id_description", "井下三号巷道照明不足。")
    page.locator("main form[data-offline] button[type=submit]:not([name=check])").click()
    refused = page.locator("#offline-status").get_attribute("data-refused")
    page.wait_for_function(
        "text => document.querySelector('main form .form-send-status').textContent === text",
        arg=refused,
    )
    assert page.locator("#id_title").input_value() == f"拒绝 {marker}"
    assert page.evaluate(_QUEUED) == []
    assert button.is_enabled()
    # Sent again once the route is gone: a fresh form token first, then one appeal.
    page.context.unroute_all(behavior="wait")
    button.click()
    page.wait_for_url(re.compile(r"/appeals/mine/[0-9a-z]{16}/received/$"))
    assert _records(server, marker)["appeals"] == 2


def test_an_anonymous_appeal_answered_online_shows_its_receipt_in_this_tab_only(new_page, server):
    marker = uuid.uuid4().hex[:6]
    page = new_page(None)
    page.set_default_timeout(60_000)
    page.goto("/appeals/anonymous/")
    _controlled(page)
    asked: list[str] = []
    page.on(
        "request",
        lambda r: asked.append(r.method) if r.url.endswith("/appeals/anonymous/") else None,
    )
    page.evaluate("() => { window.__before = 1; }")
    _raise_appeal(page, f"匿名 {marker}")
    page.locator("main .receipt-codes").wait_for()
    assert page.url.endswith("/appeals/anonymous/")
    # Written in place from the one answer: no navigation (this window's own value is
    # still here), nothing asked for again, so no copy of the receipt for the worker.
    assert page.evaluate("() => window.__before") == 1
    assert asked == ["POST"]
    code, pin = page.locator("main .receipt-codes .code").all_inner_texts()
    assert re.fullmatch(r"[0-9]{6}", pin) and code
    assert _records(server, marker)["appeals"] == 1
    assert page.evaluate(_QUEUED) == []
    # Kept nowhere on the device (the worker keeps pages: the form's own is there, so the
    # check looks at something).
    page.wait_for_function(
        "async () => (await (await caches.open('grassroots-pages')).keys()).length >= 1"
    )
    pages = page.evaluate(
        """async () => {
             const cache = await caches.open('grassroots-pages');
             return Promise.all((await cache.keys()).map(async r => (await cache.match(r)).text()));
           }"""
    )
    assert not any(code in body for body in pages)
    # Another tab on the device shows nothing of it.
    other = page.context.new_page()
    other.goto("/appeals/anonymous/")
    assert code not in other.content()


def _png(size: int) -> bytes:
    """A real PNG of about `size` bytes that does not compress (random pixels)."""
    import struct
    import zlib

    side = int((size / 3) ** 0.5)
    raw = b"".join(b"\x00" + os.urandom(side * 3) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 0))
        + chunk(b"IEND", b"")
    )


def test_a_form_with_photos_slow_to_go_up_is_not_cut_off(page_without_worker, server):
    """fetch cannot tell "still uploading" from "no answer": a body of photos is given
    longer than the 15 s a bare form gets (review offline5, finding 1)."""
    marker = uuid.uuid4().hex[:6]
    page = page_without_worker("employee")
    page.goto("/appeals/new/")
    page.set_input_files(
        "main form[data-offline] input[type=file]",
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": _png(600_000)}],
    )
    held: list[Any] = []
    page.context.route(
        re.compile(r".*/appeals/new/$"),
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    _raise_appeal(page, f"照片 {marker}")
    page.wait_for_timeout(17_000)  # the upload of 600 KB on a slow link, still going
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_url(re.compile(r"/appeals/mine/[0-9a-z]{16}/received/$"))
    page.context.unroute_all(behavior="wait")
    assert page.evaluate(_QUEUED) == []
    assert _records(server, marker)["appeals"] == 1


def _fulfil_post(status: int, body: str) -> Any:
    def handle(route: Any) -> None:
        if route.request.method == "POST":
            route.fulfill(status=status, content_type="text/html", body=body)
        else:
            route.continue_()

    return handle


def test_a_page_that_is_not_the_servers_never_replaces_the_form(page_without_worker, server):
    """A proxy's 413 or a Wi-Fi portal's page is no answer from the server: the form and
    what was typed stay (review offline5, finding 3)."""
    marker = uuid.uuid4().hex[:6]
    page = page_without_worker("employee")
    page.goto("/appeals/new/")
    form = "main form[data-offline]"
    status = page.locator("#offline-status")
    nginx = (
        "<html><head><title>413 Request Entity Too Large</title></head><body>"
        "<center><h1>413 Request Entity Too Large</h1></center><hr><center>nginx</center>"
        "</body></html>"
    )
    page.context.route(re.compile(r".*/appeals/new/$"), _fulfil_post(413, nginx))
    _raise_appeal(page, f"太大 {marker}")
    too_large = status.get_attribute("data-too-large")
    page.wait_for_function(
        "text => document.querySelector('main form .form-send-status')?.textContent === text",
        arg=too_large,
    )
    assert page.locator("#id_title").input_value() == f"太大 {marker}"
    assert page.url.endswith("/appeals/new/")
    assert page.evaluate(_QUEUED) == []
    assert page.locator(f"{form} button[type=submit]").first.is_enabled()
    page.context.unroute_all(behavior="wait")

    # A portal's sign-in page (200, not ours): the server was not reached, so it is kept.
    portal = "<html><body><h1>Welcome to MineNet</h1><form><input name=code></form></body></html>"
    page.context.route(re.compile(r".*/appeals/new/$"), _fulfil_post(200, portal))
    entry = _kept_while_unreachable(
        page,
        form,
        lambda: page.locator(f"{form} button[type=submit]:not([name=check])").click(),
        "#id_title",
    )
    assert dict(entry["fields"])["title"] == f"太大 {marker}"
    assert page.locator("main h1").inner_text() != "Welcome to MineNet"
    page.context.unroute_all(behavior="wait")
    assert _records(server, marker)["appeals"] == 0


def test_a_form_the_device_cannot_keep_is_said_and_stays(page_without_worker, server):
    """IndexedDB refuses the entry (storage full): the person is told, the buttons work
    again, what was typed stays (review offline5, finding 4)."""
    marker = uuid.uuid4().hex[:6]
    page = page_without_worker("employee")
    page.goto("/appeals/new/")
    page.evaluate(
        "() => { window.GrassrootsQueue.add = () =>"
        " Promise.reject(new DOMException('full', 'QuotaExceededError')); }"
    )
    page.context.route(re.compile(r".*/appeals/new/$"), _refused_connection)
    _raise_appeal(page, f"存不下 {marker}")
    not_kept = page.locator("#offline-status").get_attribute("data-not-kept")
    page.wait_for_function(
        "text => document.querySelector('main form .form-send-status')?.textContent.includes(text)",
        arg=not_kept,
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('main form[data-offline] button[type=submit]')]"
        ".every(b => !b.disabled)"
    )
    assert page.locator("#id_title").input_value() == f"存不下 {marker}"
    page.context.unroute_all(behavior="wait")


def test_the_retries_back_off_stop_when_signed_out_and_wait_while_hidden(
    page_without_worker, server
):
    """Review offline5, finding 5: 30 s, then 60 s, 120 s …; none while the page is
    hidden (it runs when shown again); none after a sign-in page, until the next page."""
    marker = uuid.uuid4().hex[:6]
    page = page_without_worker("employee")
    page.clock.install()
    page.goto("/appeals/new/")
    posts: list[str] = []

    def refused(route: Any) -> None:
        if route.request.method == "POST":
            posts.append("refused")
            route.abort("connectionrefused")
        else:
            route.continue_()

    page.context.route(re.compile(r".*/appeals/new/$"), refused)
    _kept_while_unreachable(
        page, "main form[data-offline]", lambda: _raise_appeal(page, f"退避 {marker}"), "#id_title"
    )

    def after(ms: int) -> int:
        page.clock.fast_forward(ms)
        page.wait_for_timeout(700)
        return len(posts)

    assert len(posts) == 1
    assert after(31_000) == 2  # 30 s
    assert after(31_000) == 2  # the next one waits 60 s
    assert after(31_000) == 3
    hidden = "h => Object.defineProperty(document, 'hidden', {configurable: true, get: () => h})"
    page.evaluate(hidden, True)
    assert after(121_000) == 3  # due, but the page is hidden
    page.evaluate(hidden, False)
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_timeout(700)
    assert len(posts) == 4

    # Signed out: the sign-in page answers; nothing is sent again until the next page.
    page.context.unroute_all(behavior="wait")

    page.context.clear_cookies(name="sessionid")  # the session has ended (idle timeout)

    def signed_out(route: Any) -> None:
        if route.request.method == "POST":
            posts.append("signed out")
        route.continue_()

    page.context.route(re.compile(r".*/appeals/new/$"), signed_out)
    assert after(241_000) == 5
    assert after(600_000) == 5
    assert after(600_000) == 5
    page.context.unroute_all(behavior="wait")
    assert _records(server, marker)["appeals"] == 0
