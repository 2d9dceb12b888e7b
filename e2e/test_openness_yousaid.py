"""The "you said, we did" page on a phone: an anonymous visitor opens the committee's
page, pages back to older entries and to the newest again with the keyboard alone; no
axe violation, nothing wider than the screen."""

from __future__ import annotations

from typing import Any

from e2e.conftest import axe_violations
from e2e.test_phone_lists import sideways_scroll


def tab_to(page: Any, selector: str, *, presses: int = 200) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_visitor_pages_back_through_you_said_we_did_on_a_phone(new_page):
    # given a visitor who has not signed in, on a 390 px phone, and the committee's id
    # (the first organisation the public deed list offers, in tree order)
    page = new_page(None, width=390, height=800)
    page.goto("/service/deeds/")
    committee_id = page.locator("#deeds-unit option[value]:not([value=''])").first.get_attribute(
        "value"
    )
    # when they open the committee's page
    page.goto(f"/openness/units/{committee_id}/you-said-we-did/")
    # then it shows a full page of entries, newest first, each dated, and is clean
    entries = page.locator(".yousaid-entry")
    assert entries.count() == 20
    first_page = entries.locator("h2").all_inner_texts()
    dates = page.locator(".yousaid-entry time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))"
    )
    assert dates == sorted(dates, reverse=True)
    assert axe_violations(page) == []
    assert sideways_scroll(page) == []
    # when they move to "Older" with Tab and press Enter
    tab_to(page, "a[rel=next]")
    page.keyboard.press("Enter")
    page.wait_for_url("**older=*")
    # then older entries follow on, and the page is as clean
    older = page.locator(".yousaid-entry")
    assert older.count() >= 1
    older_dates = page.locator(".yousaid-entry time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime'))"
    )
    assert older_dates[0] <= dates[-1]
    assert older.locator("h2").all_inner_texts() != first_page
    assert axe_violations(page) == []
    assert sideways_scroll(page) == []
    # and the way back to the newest is reached the same way
    tab_to(page, "a[rel=first]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/openness/units/{committee_id}/you-said-we-did/")
    assert page.locator(".yousaid-entry h2").all_inner_texts() == first_page
