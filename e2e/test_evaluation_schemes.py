"""Indicator schemes in the browser: the committee officer reads the records behind a
branch's score and scores the scheme on demand, watching the progress; the branch
officer reads the branch's own breakdown and lodges an objection. Every page on the way
passes axe."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from e2e.conftest import axe_violations, screenshot

BRANCH = "一车间党支部"  # the demo branch officer's (30151) branch


def _year() -> int:
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).year


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def test_an_officer_reads_the_records_behind_a_score(new_page):
    officer = new_page("committee officer")
    officer.goto("/evaluation/")
    officer.get_by_role("link", name=re.compile("考核方案|Schemes")).first.click()
    officer.wait_for_url(re.compile(r"/evaluation/schemes/$"))
    _no_violations(officer, "scheme list")

    # Last year's scheme: scored for every branch, with one objection answered.
    officer.get_by_role("link", name=re.compile(f"{_year() - 1}年度")).click()
    officer.wait_for_url(re.compile(r"/evaluation/schemes/\d+/$"))
    assert officer.locator("#results tbody tr").count() >= 6
    _no_violations(officer, "scheme page with results")
    screenshot(officer, "evaluation-scheme")

    officer.locator("#results tbody").get_by_role("link", name=BRANCH).click()
    officer.wait_for_url(re.compile(r"/evaluation/results/\d+/$"))
    assert "经现场核实" in officer.locator("#objections").inner_text()
    _no_violations(officer, "a branch's breakdown (assessor)")

    # A score opens onto the records behind it: the branch's meeting calendar of that year.
    officer.get_by_role("link", name="三会一课按期召开").click()
    officer.wait_for_url(re.compile(r"/evaluation/results/\d+/scores/\d+/$"))
    _no_violations(officer, "a score and its records")
    officer.locator("#records-link").click()
    officer.wait_for_url(re.compile(rf"/orglife/units/\d+/\?year={_year() - 1}$"))
    assert officer.locator("h1").count() == 1

    # Late appeals are listed on the score itself.
    officer.go_back()
    officer.go_back()
    officer.get_by_role("link", name="诉求按期受理").click()
    officer.wait_for_url(re.compile(r"/scores/\d+/$"))
    assert officer.locator("#records-heading").count() == 1
    _no_violations(officer, "late appeals behind a score")

    # The indicator judged by hand: the reason, and the assessor's form.
    officer.go_back()
    officer.get_by_role("link", name="党员活动阵地建设").click()
    officer.wait_for_url(re.compile(r"/scores/\d+/$"))
    assert officer.locator("#id_reason").count() == 1
    _no_violations(officer, "a score judged by hand")


def test_next_years_scheme_is_copied_in_one_step(new_page):
    officer = new_page("committee officer")
    officer.goto("/evaluation/schemes/")
    officer.get_by_label(re.compile("要复制的方案|Scheme to copy")).select_option(index=0)
    officer.get_by_label(re.compile("用于年度|For the year")).fill(str(_year() + 1))
    officer.get_by_role("button", name=re.compile("复制为草稿|Copy as a draft")).click()
    officer.wait_for_url(re.compile(r"/evaluation/schemes/\d+/$"))
    assert str(_year() + 1) in officer.locator("h1").inner_text()
    assert officer.locator("#id_indicator-points").count() == 1  # a draft: indicators can be added
    _no_violations(officer, "a draft scheme with its forms")


def test_scoring_on_demand_shows_its_progress(new_page):
    officer = new_page("committee officer")
    officer.goto("/evaluation/schemes/")
    officer.get_by_role("link", name=re.compile(f"{_year()}年")).first.click()
    officer.wait_for_url(re.compile(r"/evaluation/schemes/\d+/$"))
    officer.get_by_role("button", name=re.compile("立即评分|Score now")).click()
    progress = officer.locator("#scoring-progress")
    progress.get_by_text(re.compile("上次评分|Last scored")).wait_for(timeout=30_000)
    _no_violations(officer, "scheme page after scoring")


def test_the_branch_officer_reads_the_breakdown_and_objects(new_page):
    branch = new_page("branch officer")
    branch.goto("/evaluation/")
    branch.get_by_role("link", name=re.compile("本组织考核结果|Our results")).click()
    branch.wait_for_url(re.compile(r"/evaluation/results/$"))
    _no_violations(branch, "our results")
    assert branch.get_by_text("机关第二党支部").count() == 0  # only its own organisation

    branch.get_by_role("row", name=re.compile(str(_year()))).get_by_role(
        "link", name=BRANCH
    ).click()
    branch.wait_for_url(re.compile(r"/evaluation/results/\d+/$"))
    _no_violations(branch, "own breakdown")
    branch.get_by_label(re.compile("异议内容|What is wrong")).fill("")
    with branch.expect_navigation():
        branch.get_by_role("button", name=re.compile("提交异议|Lodge the objection")).click()
    assert branch.locator("#id_text[aria-invalid=true]").count() == 1
    _no_violations(branch, "objection form with an error")
    branch.get_by_label(re.compile("异议内容|What is wrong")).fill(
        "四月主题党日已召开，记录漏填，请核实。"
    )
    branch.get_by_role("button", name=re.compile("提交异议|Lodge the objection")).click()
    branch.wait_for_url(re.compile(r"/evaluation/results/\d+/#objections$"))
    assert "四月主题党日已召开" in branch.locator("#objections").inner_text()
    _no_violations(branch, "own breakdown with an objection")
    screenshot(branch, "evaluation-breakdown-objection")

    # The ordered list of units is not for the branch.
    response = branch.goto("/evaluation/schemes/")
    assert response.status == 404
