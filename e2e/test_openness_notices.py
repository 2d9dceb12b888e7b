"""Notices (党务公开) in the browser: an employee reads what is new for them on a phone,
by keyboard; an anonymous visitor reads an organisation's public notices; a branch
officer publishes a notice that is a public notice (公示), by keyboard, after a refused
first try. Every page on the way passes axe."""

from __future__ import annotations

import re
from typing import Any

from e2e.conftest import axe_violations, screenshot

TITLE = "关于一车间调整党员活动日的公示"
BODY = "经支部委员会研究，本月党员活动日改在周四下午。\n详见 https://example.org/plan"


def _no_violations(page: Any, name: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def _tab_to(page: Any, selector: str, presses: int = 120) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was never reached by Tab")


def test_an_employee_reads_a_new_notice_on_a_phone_by_keyboard(new_page: Any) -> None:
    page = new_page("employee", width=390, height=844)
    page.goto("/")
    assert page.locator("#todo-openness-new-notices a").count() == 1
    _tab_to(page, "#todo-openness-new-notices a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/openness/?unread=1")
    _no_violations(page, "new notices (employee, phone)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first = page.locator("#notice-list a[href*='/openness/notices/']").first
    title = first.inner_text()
    _tab_to(page, "#notice-list a[href*='/openness/notices/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/openness/notices/\d+/$", page.url)
    assert page.locator("h1").inner_text() == title
    assert page.locator("#notice-read-count").count() == 0  # not an officer of it
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "openness-notice-phone")
    _no_violations(page, "a notice (employee, phone)")
    # read now: no longer new
    page.goto("/openness/?unread=1")
    assert title not in page.locator("main").inner_text()
    page.goto("/openness/")
    _no_violations(page, "every notice (employee, phone)")


def test_an_anonymous_visitor_reads_an_organisations_public_notices(new_page: Any) -> None:
    member = new_page("member")
    member.goto("/openness/")
    committee = member.locator("#notices-unit option", has_text="党委").first.get_attribute("value")
    visitor = new_page(None, width=390, height=844)
    visitor.goto(f"/openness/units/{committee}/notices/")
    assert "/accounts/login" not in visitor.url
    _no_violations(visitor, "an organisation's public notices (anonymous)")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 390
    links = visitor.locator("#notice-list a[href*='/openness/notices/']")
    assert links.count() >= 1
    with visitor.expect_navigation():
        links.first.click()
    _no_violations(visitor, "a public notice (anonymous)")
    screenshot(visitor, "openness-unit-notices-anonymous")


def test_an_officer_publishes_a_public_notice_by_keyboard(new_page: Any) -> None:
    page = new_page("branch officer")
    page.goto("/openness/")
    _no_violations(page, "notices (branch officer)")
    with page.expect_navigation():
        page.locator("#publish-notice").click()
    _no_violations(page, "publish a notice")

    # An empty form is refused with the errors on their fields.
    page.locator("#notice-submit").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#id_title[aria-invalid=true]").count() == 1
    _no_violations(page, "publish a notice, with errors")

    # By keyboard alone: the title, the text, the 公示 box; the days stay as offered.
    page.locator("#id_title").focus()
    page.keyboard.type(TITLE)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_body"
    page.keyboard.type(BODY)
    _tab_to(page, "#id_is_publicity")
    page.keyboard.press("Space")
    assert page.locator("#id_is_publicity").is_checked()
    _tab_to(page, "#notice-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/openness/notices/\d+/$", page.url), page.url
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator("#notice-publicity a[href*='/orgs/publicity/']").count() == 1
    assert page.locator(".notice-body a[href='https://example.org/plan']").count() == 1
    assert page.locator("#notice-read-count").count() == 1
    screenshot(page, "openness-notice-published")
    _no_violations(page, "the published notice (officer)")
    page.goto("/openness/notices/" + page.url.rstrip("/").rsplit("/", 1)[-1] + "/edit/")
    _no_violations(page, "edit a notice")
