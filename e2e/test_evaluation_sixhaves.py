"""The six haves in the browser: the committee officer reads the overview of the
branches (all three states in the demo), opens a branch — its place read from the
venues that serve it — and follows a link to the records behind a have; a branch
officer states the branch's service place for last year, before venues were recorded,
with the keyboard alone. Every page on the way passes axe."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from e2e.conftest import axe_violations, screenshot

BRANCH = "一车间党支部"  # 30151's branch: last year's place not yet stated in the demo


def _year() -> int:
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date().year


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def _states(page) -> set[str]:
    cells = page.locator("td[data-have]")
    return set(cells.evaluate_all("cells => cells.map(c => c.dataset.state)"))


def test_the_committee_officer_reads_the_overview_a_branch_and_its_records(new_page):
    page = new_page("committee officer")
    # From the evaluation hub to the overview of the committee's branches.
    page.goto("/evaluation/")
    page.locator("#hub-sixhaves").wait_for()
    page.locator("section[aria-labelledby=hub-sixhaves] a").click()
    page.wait_for_url(re.compile(r"/evaluation/six-haves/$"))
    rows = page.locator("table tbody tr")
    assert rows.count() == 6
    assert page.locator("td[data-have]").count() == 36
    assert {"met", "not_met"} <= _states(page)
    # The venues (the committee's serve every branch) meet every branch's place.
    assert page.locator("td[data-have=place][data-state=met]").count() == 6
    # Last year, before venues were recorded, some branches stated their place, some not.
    overview = page.url
    page.goto(f"{overview}?year={_year() - 1}")
    assert _states(page) == {"met", "not_met", "unknown"}
    assert page.locator("td[data-have=place][data-state=unknown]").count() == 3
    page.goto(overview)
    # The branches come in the order of the tree, not by how many haves they meet.
    names = rows.locator("th").all_inner_texts()
    assert names[:3] == ["机关第一党支部", "机关第二党支部", BRANCH]
    _no_violations(page, "six haves overview")
    screenshot(page, "sixhaves-overview")

    # A branch: each have with its facts, its threshold and links to the records.
    page.get_by_role("link", name=BRANCH).click()
    page.wait_for_url(re.compile(r"/evaluation/six-haves/branches/\d+/\?year=\d{4}$"))
    assert page.locator("h1").inner_text() == f"{BRANCH}的六有"
    assert page.locator("section[data-have]").count() == 6
    # The place is read from the venues that serve the branch (the committee's too),
    # with their accessibility facts and opening hours.
    place = page.locator("section[data-have=place]")
    assert place.get_attribute("data-state") == "met"
    assert "党群服务中心" in place.inner_text() and "无台阶入口" in place.inner_text()
    assert "开放时间" in place.inner_text()
    _no_violations(page, "a branch's six haves")
    screenshot(page, "sixhaves-branch")

    # The systems have opens onto the branch's meetings of the year.
    page.locator("section[data-have=systems]").get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/orglife/units/\d+/\?year={_year()}$"))
    assert BRANCH in page.locator("h1").inner_text()


def test_a_branch_officer_records_the_place_with_the_keyboard(new_page):
    page = new_page("branch officer")
    # A branch officer's six haves are those of their branch.
    page.goto("/evaluation/six-haves/")
    page.wait_for_url(re.compile(r"/evaluation/six-haves/branches/\d+/$"))
    branch_url = page.url
    # This year the venues meet it; last year, before they were recorded, nobody stated it.
    assert page.locator("section[data-have=place]").get_attribute("data-state") == "met"
    last_year = _year() - 1
    page.locator("#sixhaves-year").focus()
    page.keyboard.press("ArrowDown")  # this year is first, last year next
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"?year={last_year}")
    place = page.locator("section[data-have=place]")
    assert place.get_attribute("data-state") == "unknown"
    place.locator("a[href*='/place/']").focus()  # the statement, not the venues
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/place/\?year={last_year}$"))
    _no_violations(page, "place form")

    # Answer "yes" but forget the note: refused, the error on the note field.
    page.locator("#id_year").focus()
    page.keyboard.press("Tab")  # to the first answer
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # to the note
    page.keyboard.press("Tab")  # to the button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#id_note[aria-invalid=true]").count() == 1
    assert page.locator("#id_has_place_0").is_checked()
    _no_violations(page, "place form with an error")

    # Write the note and save, still by keyboard.
    page.locator("#id_note").focus()
    page.keyboard.type("休息区旁党员服务站，设意见箱和轮椅通道，交接班时段有人值守。")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/evaluation/six-haves/branches/\d+/\?year={last_year}$"))
    assert page.url.startswith(branch_url)
    place = page.locator("section[data-have=place]")
    assert place.get_attribute("data-state") == "met"
    assert "轮椅通道" in place.inner_text()
    _no_violations(page, "a branch's six haves after recording the place")
