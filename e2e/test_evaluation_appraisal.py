"""Democratic appraisal in the browser: the branch officer proposing grades is refused
one 优秀 more than a third of the branch's full members, and the demo member writes
their self-assessment by keyboard and reads it back. Every page on the way passes axe."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from e2e.conftest import axe_violations

TEXT = "本年度按时参加组织生活，带头完成班组任务；不足是学习不够系统，明年改进。"


def _year() -> int:
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).year


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def test_the_officer_is_refused_one_excellent_too_many(new_page, server):
    officer = new_page("branch officer")
    officer.goto("/evaluation/")
    _no_violations(officer, "evaluation hub (officer)")
    officer.locator("#hub-appraisal").wait_for()
    officer.goto("/evaluation/appraisal/")
    _no_violations(officer, "appraisal list (officer)")
    row = officer.locator("tr", has_text="一车间党支部").filter(has_text="推进中")
    row.get_by_role("link", name=str(_year())).click()
    officer.wait_for_url(re.compile(r"/evaluation/appraisal/\d+/$"))
    _no_violations(officer, "appraisal page (officer)")
    officer.locator("table.appraisal-table tbody th a").first.click()
    officer.wait_for_url(re.compile(r"/evaluation/appraisal/\d+/people/\d+/$"))
    _no_violations(officer, "a member's records (officer)")
    officer.go_back()

    officer.get_by_role("link", name="提出等次意见").click()
    officer.wait_for_url(re.compile(r"/propose/$"))
    _no_violations(officer, "proposal form")
    grades = officer.locator("select[id^=id_grade_]")
    graded = grades.count()
    assert graded >= 9
    too_many = graded // 3 + 1
    for index in range(graded):
        grades.nth(index).select_option("excellent" if index < too_many else "qualified")
    officer.locator("#save-grades").click()
    officer.wait_for_load_state()
    summary = officer.locator(".error-summary")
    assert summary.is_visible()
    assert f"{graded // 3}" in summary.inner_text() and f"{graded}" in summary.inner_text()
    _no_violations(officer, "proposal refused")
    # Nothing was saved: the appraisal page still shows no proposed grade.
    officer.get_by_role("link", name="取消").click()
    expect(officer.locator("table.appraisal-table thead")).to_contain_text("建议等次")
    proposed = officer.locator("table.appraisal-table tbody tr td:nth-child(6)")
    assert all(text.strip() == "—" for text in proposed.all_inner_texts())


def test_the_member_writes_their_self_assessment_by_keyboard(new_page, server):
    member = new_page("member")
    member.goto("/evaluation/appraisal/")
    _no_violations(member, "appraisal list (member)")
    member.get_by_role("link", name=str(_year())).click()
    member.wait_for_url(re.compile(r"/evaluation/appraisal/\d+/$"))
    appraisal_url = member.url
    assert member.locator("table.appraisal-table").count() == 0  # their own part only
    _no_violations(member, "appraisal page (member)")

    member.locator("#write-self").focus()
    member.keyboard.press("Enter")
    member.wait_for_url(re.compile(r"/self/$"))
    _no_violations(member, "self-assessment form")
    member.locator("#id_text").focus()
    member.keyboard.type(TEXT)
    member.keyboard.press("Tab")
    member.keyboard.press("Enter")
    member.wait_for_url(appraisal_url)
    assert TEXT in member.locator(".appraisal-self").inner_text()
    _no_violations(member, "appraisal page after writing")

    # Last year's result is theirs alone to read.
    member.goto("/evaluation/appraisal/")
    member.get_by_role("link", name=str(_year() - 1)).click()
    member.wait_for_url(re.compile(r"/evaluation/appraisal/\d+/$"))
    assert member.locator(".appraisal-result").is_visible()
    _no_violations(member, "last year's result (member)")


def test_the_officer_reads_the_employees_opinions_and_asks_them_by_keyboard(new_page, server):
    officer = new_page("branch officer")
    officer.goto("/evaluation/appraisal/")
    row = officer.locator("tr", has_text="一车间党支部").filter(has_text="已决定")
    row.get_by_role("link", name=str(_year() - 1)).click()
    officer.wait_for_url(re.compile(r"/evaluation/appraisal/\d+/$"))
    # Last year the employees were asked before the proposal: a result beside each member.
    assert "应答职工" in officer.locator("#opinions-state").inner_text()
    opinions = officer.locator("table.appraisal-table tbody tr td:nth-child(4)")
    assert any(re.search(r"\d\.\d\d / 3", text) for text in opinions.all_inner_texts())
    _no_violations(officer, "last year's appraisal with the employees' opinions")

    # The committee officer opens this year's appraisal of another branch and asks its
    # employees, by keyboard alone, on a phone.
    committee = new_page("committee officer", width=390, height=844)
    committee.goto("/evaluation/appraisal/new/")
    committee.locator("#id_branch").select_option(label="三车间党支部")
    committee.get_by_role("button", name="开启评议").click()
    committee.wait_for_url(re.compile(r"/evaluation/appraisal/\d+/$"))
    committee.locator("#ask-opinions").focus()
    committee.keyboard.press("Enter")
    committee.wait_for_url(re.compile(r"/opinions/$"))
    _no_violations(committee, "asking the employees (phone)")
    committee.locator("#id_items").focus()
    committee.keyboard.press("Control+A")
    committee.keyboard.press("Delete")
    committee.locator("#ask-opinions").focus()
    committee.keyboard.press("Enter")
    committee.locator(".error-summary").wait_for()  # no questions: refused
    _no_violations(committee, "asking refused")
    committee.locator("#id_items").focus()
    committee.keyboard.type("服务群众")
    committee.locator("#ask-opinions").focus()
    committee.keyboard.press("Enter")
    committee.wait_for_url(re.compile(r"/evaluation/appraisal/\d+/$"))
    assert "征求中" in committee.locator("#opinions-state").inner_text()
    _no_violations(committee, "appraisal being asked")
