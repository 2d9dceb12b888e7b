"""The filters the records behind a score open onto, in the browser: the commitments
and pairings lists narrowed to one organisation (and pairings to those long without a
visit), the deeds list to a year — each chosen and sent with the keyboard alone, each
filtered page passing axe; and a score's records link landing on the filtered list."""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from e2e.conftest import axe_violations

BRANCH = "一车间党支部"  # the demo branch officer's branch, under the committee officer


def _year() -> int:
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).year


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def _query(page):
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def _choose_by_keyboard(page, select, label):
    """Focus the select, move to the option by arrow keys, as a keyboard user does."""
    options = page.locator(f"{select} option").all_inner_texts()
    wanted = next(i for i, text in enumerate(options) if text.strip() == label)
    page.focus(select)
    current = page.eval_on_selector(select, "s => s.selectedIndex")
    key = "ArrowDown" if wanted >= current else "ArrowUp"
    for _ in range(abs(wanted - current)):
        page.keyboard.press(key)
    assert page.eval_on_selector(select, "s => s.selectedIndex") == wanted


def _send_by_keyboard(page, after):
    """Tab from the last field to the form's button and press Enter."""
    page.focus(after)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_commitments_list_narrows_to_one_branch_by_keyboard(new_page):
    officer = new_page("committee officer")
    officer.goto("/service/commitments/")
    _choose_by_keyboard(officer, "#commitment-unit", BRANCH)
    _send_by_keyboard(officer, "#commitment-unit")
    assert _query(officer)["unit"] and _query(officer)["year"] == str(_year())
    assert f"{BRANCH}" in officer.locator("#overseen-unit").inner_text()
    branches = officer.locator("#overseen-commitments tbody tr td:nth-child(2)").all_inner_texts()
    assert set(branches) <= {BRANCH}
    _no_violations(officer, "commitments of one branch (committee officer)")


def test_the_pairings_list_narrows_to_a_branch_and_to_long_unvisited(new_page):
    officer = new_page("committee officer")
    officer.goto("/service/pairings/")
    _choose_by_keyboard(officer, "#pairing-unit", BRANCH)
    officer.focus("#pairing-unvisited")
    officer.keyboard.type("90")
    officer.keyboard.press("Enter")  # a form with a text field is sent by Enter
    officer.wait_for_url(re.compile(r"unvisited=90"))
    assert _query(officer)["unit"]
    rows = officer.locator("#overseen-pairings tbody tr")
    for index in range(rows.count()):
        row = rows.nth(index)
        assert row.locator("td:nth-child(3)").inner_text() == BRANCH
        assert int(row.locator("td:nth-child(7)").inner_text().split()[0]) >= 90
    _no_violations(officer, "pairings of one branch long without a visit")
    # nonsense is ignored, not an error
    response = officer.goto("/service/pairings/?unit=%C2%B2&unvisited=abc")
    assert response is not None and response.status == 200
    _no_violations(officer, "pairings with ignored filters")


def test_the_deeds_list_narrows_to_a_year_by_keyboard(new_page):
    visitor = new_page(None)
    visitor.goto("/service/deeds/?status=")
    _choose_by_keyboard(visitor, "#deeds-year", str(_year()))
    _send_by_keyboard(visitor, "#deeds-service")
    assert _query(visitor)["year"] == str(_year())
    for due in visitor.locator("table.deed-table tbody tr td:nth-child(4)").all_inner_texts():
        assert due.startswith(str(_year()))
    _no_violations(visitor, "deeds due this year (anonymous)")


def test_a_score_opens_onto_the_filtered_list(new_page):
    officer = new_page("committee officer")
    officer.goto("/evaluation/schemes/")
    officer.get_by_role("link", name=re.compile(f"{_year() - 1}年度")).click()
    officer.wait_for_url(re.compile(r"/evaluation/schemes/\d+/$"))
    officer.locator("#results tbody").get_by_role("link", name=BRANCH).click()
    officer.wait_for_url(re.compile(r"/evaluation/results/\d+/$"))
    breakdown = officer.url
    for indicator, path, wanted in (
        ("结对帮扶走访", "/service/pairings/", {"unvisited"}),
        ("承诺践诺评价", "/service/commitments/", {"year"}),
        ("办实事兑现评价", "/service/deeds/", {"year", "status", "flagged"}),
    ):
        officer.goto(breakdown)
        officer.get_by_role("link", name=indicator).click()
        officer.wait_for_url(re.compile(r"/scores/\d+/$"))
        officer.locator("#records-link").click()
        officer.wait_for_url(re.compile(re.escape(path) + r"\?"))
        query = _query(officer)
        assert query.get("unit") and wanted <= set(query), (indicator, officer.url)
        if "year" in query:
            assert query["year"] == str(_year() - 1)
        unit_select = {
            "/service/pairings/": "#pairing-unit",
            "/service/commitments/": "#commitment-unit",
            "/service/deeds/": "#deeds-unit",
        }[path]
        chosen = officer.locator(f"{unit_select} option:checked").inner_text()
        assert chosen == BRANCH, (indicator, chosen)
        _no_violations(officer, f"records behind {indicator}")
