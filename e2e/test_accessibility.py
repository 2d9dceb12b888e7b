"""The accessibility crawl: every page reachable for each demo role passes axe-core's
WCAG 2.1 A/AA rules with zero violations. Violations are reported per page."""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError

from e2e.conftest import ARTIFACTS, axe_violations, small_targets

ROLES = [
    "administrator",
    "committee officer",
    "discipline officer",
    "branch officer",
    "member",
    "employee",
    "department liaison",
]
SKIP = ("/accounts/logout", "/admin/", "/api/", "/static/", "/media/")
PER_PATTERN = 2  # visits per URL shape (digits replaced), so 90 member pages are not all crawled
MAX_PAGES = 75


def _pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _axe_and_targets(page: Any) -> list[dict[str, Any]]:
    return axe_violations(page) + small_targets(page)


def crawl(
    page: Any,
    start: str = "/",
    check: Callable[[Any], list[dict[str, Any]]] = _axe_and_targets,
) -> dict[str, list[dict[str, Any]]]:
    """Visit every page reachable from start (a few per URL shape) and run check on each;
    the other browser tests reuse this walk with checks of their own."""
    base = urlparse(page.url)
    seen: set[str] = set()
    per_pattern: dict[str, int] = {}
    queue: deque[str] = deque([start])
    report: dict[str, list[dict[str, Any]]] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        parsed = urlparse(url)
        key = parsed.path + ("?" + parsed.query if parsed.query else "")
        if key in seen:
            continue
        pattern = _pattern(parsed.path) + ("?" if parsed.query else "")
        if per_pattern.get(pattern, 0) >= PER_PATTERN:
            continue
        seen.add(key)
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        try:
            response = page.goto(key)
        except PlaywrightError as error:
            # a link to a file (an appeal's photo, say) starts a download: not a page
            if "Download is starting" in str(error):
                continue
            raise
        assert response is not None and response.status == 200, (
            f"{key} answered {response and response.status}"
        )
        assert page.locator("h1").count() == 1, f"{key} must have exactly one h1"
        report[key] = check(page)
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        ):
            absolute = urlparse(urljoin(page.url, href))
            if absolute.netloc != base.netloc or absolute.path.startswith(SKIP):
                continue
            if absolute.path.endswith((".xlsx", ".json")) or (
                absolute.fragment and not absolute.path
            ):
                continue
            queue.append(absolute.path + ("?" + absolute.query if absolute.query else ""))
    return report


def _write(name: str, report: dict[str, Any]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def _failures(report: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for url, violations in report.items():
        for violation in violations:
            lines.append(
                f"{url}: {violation['id']} ({violation['impact']}) "
                f"{violation['help']} {violation['targets']}"
            )
    return "\n".join(lines)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_role_has_no_axe_violations(new_page, role):
    page = new_page(role)
    report = crawl(page)
    _write(role.replace(" ", "-"), report)
    assert len(report) >= 4, f"the crawl for {role} reached only {list(report)}"
    assert not _failures(report), "\n" + _failures(report)


def test_pages_in_high_contrast_large_text_and_english_have_no_violations(new_page):
    page = new_page("committee officer")
    _save_preferences(page, large_text=True, high_contrast=True, language="en")
    assert "contrast-high" in page.locator("html").get_attribute("class")
    try:
        report = crawl(page)
    finally:  # the other browser tests expect this person's default display
        _save_preferences(page, large_text=False, high_contrast=False, language="zh-hans")
    _write("committee-officer-high-contrast", report)
    assert not _failures(report), "\n" + _failures(report)


def _save_preferences(page: Any, *, large_text: bool, high_contrast: bool, language: str) -> None:
    page.goto("/accounts/profile/")
    page.set_checked("#id_prefers_large_text", large_text)
    page.set_checked("#id_prefers_high_contrast", high_contrast)
    page.select_option("#id_language", language)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_pages_seen_before_signing_in_and_error_states_have_no_violations(new_page):
    page = new_page(None)
    report: dict[str, list[dict[str, Any]]] = {}
    page.goto("/accounts/login/")
    report["sign-in"] = axe_violations(page)
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong-password")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    report["sign-in with an error"] = axe_violations(page)
    page.goto("/offline/")  # the service worker's page for one never opened, offline
    report["offline page"] = axe_violations(page)
    page.goto("/integrations/sign-in/")
    report["sign-in with a messenger"] = axe_violations(page)
    page = new_page("branch officer")
    page.goto("/orgs/members/new/")
    page.fill("#id_employee_number", "NOBODY")
    page.fill("#id_birth_date", "2030-01-01")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    report["member form with errors"] = axe_violations(page)
    response = page.goto("/orgs/members/999999/")
    assert response.status == 404
    report["not found"] = axe_violations(page)
    response = page.goto("/insights/audit/?action=%00")
    assert response.status == 400
    report["unreadable request"] = axe_violations(page)
    _write("errors", report)
    assert not _failures(report), "\n" + _failures(report)


def test_the_audit_itself_catches_a_planted_violation(new_page):
    """Guards the crawl above against passing because axe did not run."""
    page = new_page(None)
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const img = document.createElement('img'); img.src = '/static/x.png';"
        " document.querySelector('main').appendChild(img); }"
    )
    assert "image-alt" in {violation["id"] for violation in axe_violations(page)}


def test_the_target_check_catches_a_small_checkbox(new_page):
    """Guards the 44 px check the crawl makes: a bare checkbox with a one-character label
    outside the product's styles is reported."""
    page = new_page(None)
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const box = document.createElement('input'); box.type = 'checkbox';"
        " box.id = 'planted'; box.style.cssText = 'width:13px;height:13px';"
        " const label = document.createElement('label'); label.htmlFor = 'planted';"
        " label.textContent = '是'; label.style.cssText = 'display:inline;padding:0';"
        " document.querySelector('main').append(box, label); }"
    )
    found = small_targets(page)
    assert found and "#planted" in found[0]["targets"][0]
