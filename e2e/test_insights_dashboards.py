"""Dashboards in the browser: the committee officer opens the committee's dashboard,
changes the period by keyboard and downloads one table as Excel; a branch officer and
an employee each see their own. Every chart is drawn (a canvas) beside its table, and
every page passes axe."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from e2e.conftest import axe_violations


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def _keyboard_to(page, locator, *, presses=120):
    """Tab until the element has the focus (as a keyboard user would reach it)."""
    target = locator.element_handle()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", target):
            return
    raise AssertionError("not reachable by keyboard")


def test_the_committee_officer_changes_the_period_by_keyboard_and_downloads_a_table(new_page):
    page = new_page("committee officer")
    page.goto("/insights/dashboard/")
    assert page.locator("table[data-table=appeals] tbody tr").count() >= 1
    page.wait_for_selector("[data-dashboard-chart=chart-appeals] canvas")
    assert page.locator("[data-dashboard-chart] canvas").count() >= 8
    _no_violations(page, "committee dashboard")
    # the period, by keyboard: to the select, one option down (the year before), then Show
    period = page.locator("#dashboard-period")
    before = period.input_value()
    _keyboard_to(page, period)
    page.keyboard.press("ArrowDown")
    chosen = period.input_value()
    assert chosen != before
    page.keyboard.press("Tab")  # the Show button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"period={chosen}" in page.url
    assert chosen in page.locator("h1").inner_text()
    _no_violations(page, "committee dashboard, another period")
    # one table's Excel file: the same rows as the table on the page
    link = page.locator("#pipeline a[download]")
    with page.expect_download() as download:
        link.click()
    assert re.search(r"\.xlsx$", download.value.suggested_filename)
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) - 1 == page.locator("table[data-table=pipeline] tbody tr").count()


def test_the_branch_officer_sees_their_own_branch(new_page):
    page = new_page("branch officer")
    page.goto("/insights/dashboard/")
    heading = page.locator("h1").inner_text()
    assert "支部" in heading
    assert page.locator("#dashboard-unit option").count() >= 1
    page.wait_for_selector("[data-dashboard-chart] canvas")
    _no_violations(page, "branch dashboard")


def test_the_employee_sees_their_own_appeals_only(new_page):
    page = new_page("employee")
    page.goto("/insights/dashboard/")
    page.wait_for_url(re.compile(r"/insights/dashboard/mine/$"))
    assert page.locator("table[data-table=my_states] tbody tr").count() >= 1
    assert page.locator("#dashboard-unit").count() == 0
    _no_violations(page, "my dashboard")
