"""Learning in the browser: a member on a 390 px phone, by keyboard only, opens a course's
material, reads its plain-text version and says they studied it; their hours page says
where the hours came from; the branch officer sees the branch's counts below target.
Every page on the way passes axe."""

from __future__ import annotations

import re

from e2e.conftest import axe_violations


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def _keyboard_to(page, locator, *, presses=80):
    """Tab until the element has the focus (as a keyboard user would reach it)."""
    target = locator.element_handle()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", target):
            return
    raise AssertionError("not reachable by keyboard")


def test_a_member_studies_a_material_on_a_phone_by_keyboard(new_page):
    page = new_page("member", width=390, height=844)
    page.goto("/learning/")
    _no_violations(page, "my learning (phone)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    link = page.locator("#courses-title ~ section ol a").first
    title = link.inner_text()
    _keyboard_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/learning/materials/\d+/$"))
    assert page.locator("h1").inner_text() == title
    assert page.locator("#plain-text").inner_text().strip()
    _no_violations(page, "material (phone)")
    _keyboard_to(page, page.locator("#mark-studied"))
    with page.expect_navigation():  # the form posts and comes back to the same page
        page.keyboard.press("Enter")
    assert page.locator("#studied-status").is_visible()
    assert page.locator("#mark-studied").count() == 0
    _no_violations(page, "material studied (phone)")

    page.goto("/learning/hours/")
    assert page.locator("#hours-total").is_visible()
    _no_violations(page, "my hours (phone)")
    page.goto("/learning/external/")
    _no_violations(page, "training elsewhere (phone)")


def test_the_branch_officer_sees_counts_below_target_not_a_ranking(new_page):
    page = new_page("branch officer")
    page.goto("/learning/units/")
    assert page.locator("#below-counts tbody tr").count() == 2
    _no_violations(page, "unit hours")
    for path in ("/learning/manage/", "/learning/courses/new/", "/learning/materials/new/"):
        page.goto(path)
        _no_violations(page, path)
