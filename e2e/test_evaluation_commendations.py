"""Commendations and the public notice (公示) in the browser: an employee finds this
year's commendation notice from the evaluation hub, lodges an objection by keyboard alone,
and the committee's secretary answers it; the committee's round page shows the notice.
Every page on the way passes axe."""

from __future__ import annotations

import re

from e2e.conftest import axe_violations, screenshot

OBJECTION = "请核实刘海燕同志的服务事迹是否都在本年度。"
ANSWER = "经支部核实，所列事迹均发生在本年度。"


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def test_an_employee_objects_by_keyboard_and_the_committee_answers(new_page, server):
    # The employee opens the public notices from the evaluation hub, on a phone.
    employee = new_page("employee", width=390, height=844)
    employee.goto("/evaluation/")
    _no_violations(employee, "evaluation hub (employee)")
    employee.get_by_role("link", name=re.compile("公示|Public notices")).first.click()
    employee.wait_for_url("**/orgs/publicity/")
    _no_violations(employee, "public notices")
    notice_link = employee.locator(".notice-list a").first
    assert "表彰" in notice_link.inner_text() or "commendation" in notice_link.inner_text()
    notice_link.click()
    employee.wait_for_url(re.compile(r"/orgs/publicity/\d+/$"))
    notice_url = employee.url
    assert "刘海燕" in employee.locator("main").inner_text()
    before = employee.locator("#notice-objections").inner_text()
    _no_violations(employee, "public notice (employee)")

    # By keyboard alone: focus the objection, type it, submit with Enter on the button.
    employee.locator("#id_objection-text").focus()
    employee.keyboard.type(OBJECTION)
    employee.keyboard.press("Tab")
    assert employee.evaluate("document.activeElement.id") == "id_objection-anonymous"
    employee.keyboard.press("Tab")
    assert employee.evaluate("document.activeElement.id") == "lodge-objection"
    with employee.expect_navigation():
        employee.keyboard.press("Enter")
    assert OBJECTION in employee.locator("main").inner_text()
    assert employee.locator("#notice-objections").inner_text() != before
    screenshot(employee, "commendation-notice-objection-lodged")
    _no_violations(employee, "public notice with my objection")

    # An empty objection is refused with the error on its field.
    with employee.expect_navigation():
        employee.locator("#lodge-objection").click()
    assert employee.locator("#id_objection-text[aria-invalid=true]").count() == 1
    _no_violations(employee, "public notice with a form error")

    # The committee's secretary reads the objection with its author and answers it.
    officer = new_page("committee officer")
    officer.goto(notice_url)
    _no_violations(officer, "public notice (committee officer)")
    item = officer.locator("li.notice-objection", has_text=OBJECTION)
    field = item.locator("textarea")
    field.fill(ANSWER)
    with officer.expect_navigation():
        item.locator("button.answer-objection").click()
    assert ANSWER in officer.locator("li.notice-objection", has_text=OBJECTION).inner_text()
    assert officer.locator("button.answer-objection").count() == 0  # all answered
    screenshot(officer, "commendation-notice-answered")

    # The employee reads the answer; the counts say all were answered.
    employee.goto(notice_url)
    assert ANSWER in employee.locator("main").inner_text()

    # The round's page for the committee shows the notice running and its nominations.
    officer.goto("/evaluation/commendations/")
    _no_violations(officer, "commendation rounds")
    officer.locator("main table a").first.click()
    officer.wait_for_url(re.compile(r"/evaluation/commendations/\d+/$"))
    assert officer.locator("#round-notice a").count() == 1
    assert officer.locator("#decide-when").count() == 1  # no decision while it runs
    screenshot(officer, "commendation-round")
    _no_violations(officer, "commendation round (committee officer)")

    # The branch officer's round page: their nominations, and last year's honour on
    # their profile.
    branch = new_page("branch officer")
    branch.goto("/evaluation/commendations/")
    _no_violations(branch, "commendation rounds (branch officer)")
    branch.goto("/accounts/profile/")
    assert "优秀党务工作者" in branch.locator("main").inner_text()
    _no_violations(branch, "profile with an honour")
    # The branch's own page lists its honour (先进基层党组织), and so does the member record.
    branch.locator("main dd a", has_text="一车间党支部").first.click()
    branch.wait_for_url(re.compile(r"/orgs/units/\d+/$"))
    assert "先进基层党组织" in branch.locator("section.record-section").inner_text()
    _no_violations(branch, "branch page with its honour")
    branch.goto("/accounts/profile/")
    branch.get_by_role("link", name=re.compile("查看我的党员档案|View my member record")).click()
    branch.wait_for_url(re.compile(r"/orgs/members/\d+/$"))
    assert "优秀党务工作者" in branch.locator("section.record-section").inner_text()
    _no_violations(branch, "member record with an honour")
