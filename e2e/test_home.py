"""The home page as a branch secretary and an employee meet it: what waits on them now,
most urgent first, each line a link reached by keyboard (issue 14.1)."""

from __future__ import annotations

from e2e.conftest import screenshot


def test_secretary_reaches_the_overdue_appeals_from_home_by_keyboard(new_page):
    page = new_page("branch officer")
    page.goto("/")
    todo = page.locator("#todo")
    assert todo.get_by_role("heading", name="现在需要您处理").count() == 1
    lines = todo.locator("li")
    assert lines.count() >= 3
    # the most urgent first: every "past due" line comes before any other
    urgencies = [
        "past" if "todo-past_due" in (lines.nth(i).get_attribute("class") or "") else "other"
        for i in range(lines.count())
    ]
    assert urgencies == sorted(urgencies, key=lambda u: u != "past")
    screenshot(page, "home-secretary")
    # by keyboard: focus the first line's link and follow it
    first = lines.first.get_by_role("link")
    target = first.get_attribute("href")
    first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(target)
    assert page.locator("h1").count() == 1


def test_employee_home_says_when_nothing_waits_or_lists_what_does(new_page):
    page = new_page("employee")
    page.goto("/")
    todo = page.locator("#todo")
    assert todo.count() == 1
    text = todo.inner_text()
    assert "现在没有需要您处理的事项" in text or todo.locator("li a").count() >= 1
