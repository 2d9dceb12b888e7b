"""Hot topics in the browser: the group committee's officer opens the month's topics,
reads their keywords, sizes and de-identified examples, and adopts one as the month's
theme (每月一题) — a themed Party day of a branch — by keyboard; the topic then says what
it became and links to the meeting. Every page on the way passes axe."""

from __future__ import annotations

import re

from e2e.conftest import axe_violations


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def _month_with_topics(page):
    """The newest month in the month list whose page shows topics."""
    months = page.locator("#topics-month option").evaluate_all("(os) => os.map(o => o.value)")
    for month in months:
        page.select_option("#topics-month", month)
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("显示|Show")).click()
        if page.locator("tr[data-topic]").count():
            return month
    raise AssertionError("no month of the demo has topics")


def test_a_committee_officer_adopts_the_months_topic_as_a_themed_day(new_page):
    page = new_page("committee officer")
    page.goto("/")
    page.locator("a[href='/insights/topics/']").first.click()
    page.wait_for_url(re.compile(r"/insights/topics/"))
    _no_violations(page, "hot topics")
    month = _month_with_topics(page)
    _no_violations(page, f"hot topics {month}")
    first = page.locator("tr[data-topic]").first
    keywords = first.locator("th").inner_text().strip()
    assert keywords
    assert re.search(r"\d+", first.locator("td").first.inner_text())  # size of the total

    # adopt by keyboard: focus the row's action and press Enter
    first.get_by_role("link").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/insights/topics/\d+/adopt/$"))
    _no_violations(page, "adopt a topic")
    page.get_by_label(re.compile("主题党日|themed Party day")).first.check()
    page.locator("select[name=branch]").select_option(index=1)
    page.fill("input[name=starts_at]", "2030-01-15T14:30")
    page.fill("input[name=place]", "党员活动室")
    page.locator("input[name=place]").press("Enter")
    page.wait_for_url(re.compile(r"/insights/topics/\?"))
    _no_violations(page, "hot topics, theme adopted")

    theme = page.locator(".alert-success a[href^='/orglife/meetings/']")
    assert theme.count() == 1
    assert page.locator("a[href$='/adopt/']").count() == 0  # one theme a month
    theme.click()
    page.wait_for_url(re.compile(r"/orglife/meetings/\d+/$"))
    assert keywords.split("、")[0] in page.locator("main").inner_text()
    _no_violations(page, "the themed day")


def test_employees_do_not_see_hot_topics(new_page):
    page = new_page("employee")
    page.goto("/")
    assert page.locator("a[href='/insights/topics/']").count() == 0
    response = page.goto("/insights/topics/")
    assert response.status == 404
