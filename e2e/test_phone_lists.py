"""Lists on a phone: at 320 and 390 px no page scrolls sideways, a list is a column of
cards rather than a squeezed table, and an officer's navigation is five entries and
"More". The pages are the ones the accessibility crawl reaches for each demo role."""

from __future__ import annotations

from typing import Any

import pytest

from e2e.test_accessibility import ROLES, _failures, crawl

PHONE_WIDTHS = [320, 390]
QUEUE_TEN_ROWS_MAX = 1600  # px, issue 14: ten appeals took 3,000 px at 390 px


def sideways_scroll(page: Any) -> list[dict[str, Any]]:
    """The page scrolls sideways, or a list table runs out of its box (a scroll nobody
    sees on a phone): reported like axe's violations, so the crawl's report reads alike."""
    found = page.evaluate(
        """() => {
          const out = [];
          const doc = document.documentElement;
          if (doc.scrollWidth > window.innerWidth) {
            out.push('page ' + doc.scrollWidth + ' px in a ' + window.innerWidth + ' px window');
          }
          for (const table of document.querySelectorAll('table.table-cards')) {
            const box = table.parentElement;
            if (table.getBoundingClientRect().width > box.clientWidth + 1) {
              out.push((table.id || table.className) + ' ' +
                Math.round(table.getBoundingClientRect().width) + ' px in ' + box.clientWidth);
            }
          }
          return out;
        }"""
    )
    if not found:
        return []
    return [
        {
            "id": "sideways-scroll",
            "impact": "serious",
            "help": "Nothing may scroll sideways on a phone",
            "targets": found[:5],
        }
    ]


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_on_a_phone(new_page, role, width):
    # given a demo person on a phone
    page = new_page(role, width=width, height=740)
    # when they walk every page they can reach
    report = crawl(page, check=sideways_scroll)
    # then none of them is wider than the screen
    assert len(report) >= 4, f"the crawl for {role} reached only {list(report)}"
    assert not _failures(report), "\n" + _failures(report)


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_ten_appeals_in_the_queue_fit_in_1600_px(new_page, width):
    # given a branch officer's queue with at least ten appeals (all of them: the demo keeps
    # only a handful open), on a phone
    page = new_page("branch officer", width=width, height=740)
    page.goto("/appeals/handle/?view=all")
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 10, "the demo queue needs ten appeals for this test"
    # when the first ten rows are measured
    top = rows.nth(0).bounding_box()
    bottom = rows.nth(9).bounding_box()
    assert top is not None and bottom is not None
    height = bottom["y"] + bottom["height"] - top["y"]
    # then they take less than 1,600 px, and each still shows its title, status and due time
    assert height < QUEUE_TEN_ROWS_MAX, f"ten appeals take {height:.0f} px at {width} px"
    first = rows.nth(0)
    assert first.locator("a").first.is_visible()
    status = first.locator('[data-label="状态"]')
    assert status.is_visible()
    assert "状态" in status.evaluate("cell => getComputedStyle(cell, '::before').content")


def _visible_top_entries(page: Any) -> list[str]:
    return page.locator("nav.site-nav > ul > li:not(.nav-more) > a:visible").all_inner_texts()


@pytest.mark.parametrize("role", ["branch officer", "committee officer", "administrator"])
def test_an_officer_phone_navigation_is_five_entries_and_more(new_page, role):
    # given an officer on a 390 px phone
    page = new_page(role, width=390, height=740)
    page.goto("/")
    # then at most five entries are in the bar, and "More" holds the rest
    entries = _visible_top_entries(page)
    assert 1 <= len(entries) <= 5, entries
    more = page.locator("nav.site-nav .nav-more summary")
    assert more.is_visible() and more.inner_text().strip() == "更多"
    hidden = page.locator("nav.site-nav .nav-more ul a")
    assert hidden.count() >= 1 and not hidden.first.is_visible()
    # when "More" is opened from the keyboard
    more.focus()
    page.keyboard.press("Enter")
    # then its entries can be followed
    assert hidden.first.is_visible()
    target = hidden.first.get_attribute("href")
    hidden.first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(target)


def test_an_employee_reaches_activities_from_the_bar_on_a_phone(new_page):
    # given an employee on a phone
    page = new_page("employee", width=320, height=740)
    page.goto("/")
    # then activities is an entry of the bar itself, not under "More"
    assert "活动" in _visible_top_entries(page)
    assert len(_visible_top_entries(page)) <= 5


def test_a_desktop_shows_every_entry_and_no_more_menu(new_page):
    # given a branch officer on a desktop
    page = new_page("branch officer", width=1280)
    page.goto("/")
    # then every entry is in the bar and "More" is not shown
    assert len(_visible_top_entries(page)) > 5
    assert not page.locator("nav.site-nav .nav-more").is_visible()
