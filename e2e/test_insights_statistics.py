"""The annual Party statistics in the browser: the committee officer (demo login 10034)
opens last year's tables from the header, chooses the year by keyboard, reads the
cross-checks and exports the Excel workbook, which opens with openpyxl. The page passes
axe."""

from __future__ import annotations

import datetime
import re

from openpyxl import load_workbook

from e2e.conftest import axe_violations, small_targets


def _no_violations(page, name):
    violations = axe_violations(page) + small_targets(page)
    assert violations == [], f"{name}: {violations}"


def test_the_committee_officer_checks_and_exports_the_years_tables(new_page, tmp_path):
    officer = new_page("committee officer")
    officer.goto("/")
    officer.locator("a[href='/insights/statistics/']").first.click()
    officer.wait_for_url(re.compile(r"/insights/statistics/$"))
    _no_violations(officer, "statistics, last year")
    last_year = datetime.datetime.now(tz=datetime.UTC).year - 1  # the server's too
    assert str(last_year) in officer.locator("h1").inner_text()

    # The year before last, by keyboard.
    officer.locator("#statistics-year").focus()
    officer.keyboard.press("ArrowDown")
    officer.locator("main form button[type=submit]").focus()
    with officer.expect_navigation():
        officer.keyboard.press("Enter")
    assert f"year={last_year - 1}" in officer.url
    officer.locator("#statistics-year").select_option(str(last_year))
    with officer.expect_navigation():
        officer.locator("main form button[type=submit]").click()

    # The cross-checks are on the page, before the export, and agree on the demo data.
    checks = officer.locator("#statistics-checks tbody tr")
    assert checks.count() >= 10
    assert officer.locator("#statistics-checks tr.check-failed").count() == 0
    men = int(officer.locator("#table-members_gender tbody tr td").first.inner_text())
    assert men > 0
    died = officer.locator("#table-changes tbody tr").nth(4).locator("td").first.inner_text()
    assert int(died) >= 1  # the demo's last year has a death
    assert officer.locator("#statistics-comparison tbody tr").count() > 20
    _no_violations(officer, "statistics, chosen year")

    with officer.expect_download() as download:
        officer.locator("main a[href*='/insights/statistics/export/']").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"
    book = load_workbook(path)
    assert len(book.sheetnames) == 7
    figures = [row for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]]
    assert any(row[1] == men for row in figures)
    checks_sheet = list(book.worksheets[5].iter_rows(min_row=3, values_only=True))
    assert checks_sheet and all(row[1] == row[2] for row in checks_sheet)
