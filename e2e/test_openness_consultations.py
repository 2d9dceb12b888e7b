"""Consultations in the browser: an employee comments anonymously on a 390 px phone with
the keyboard only; the committee officer answers every comment (two similar ones
together) and closes; the employee reads the adoption report. Every page on the way,
error pages included, passes axe."""

from __future__ import annotations

import re

from e2e.conftest import axe_violations, screenshot

BUS = "关于调整职工通勤班车线路和发车时间的意见征求"  # the demo's open consultation
CANTEEN = "关于职工食堂改造资金使用方案的意见征求"  # the demo's closed one
OPINION = "夜班二十三点半的返程车希望经过南门，很多夜班同事住在南门附近。"


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def test_comment_anonymously_answer_all_close_and_read_the_report(new_page):
    # The employee, on a phone, finds the consultation waiting for their opinion.
    employee = new_page("employee", width=390, height=844)
    employee.goto("/openness/consultations/?view=to_comment")
    _no_violations(employee, "consultations waiting for my opinion (phone)")
    employee.get_by_role("link", name=BUS).click()
    employee.wait_for_url(re.compile(r"/openness/consultations/\w+/$"))
    url = employee.url
    _no_violations(employee, "consultation (employee, phone)")

    # Sending nothing: a clear error, axe-clean.
    employee.locator("#comment-send").focus()
    with employee.expect_navigation():
        employee.keyboard.press("Enter")
    assert employee.locator(".invalid-feedback, .alert-danger, [role=alert]").count() >= 1
    _no_violations(employee, "consultation with a form error (phone)")

    # With the keyboard only: the opinion, the anonymity box, the button.
    employee.locator("#id_comment-text").focus()
    employee.keyboard.type(OPINION)
    for _ in range(3):  # the two questions, then the anonymity box
        employee.keyboard.press("Tab")
    assert employee.evaluate("document.activeElement.id") == "id_comment-anonymous"
    employee.keyboard.press("Space")
    assert employee.locator("#id_comment-anonymous").is_checked()
    employee.keyboard.press("Tab")
    assert employee.evaluate("document.activeElement.id") == "comment-send"
    with employee.expect_navigation():
        employee.keyboard.press("Enter")
    assert employee.url == url
    assert employee.locator("#my-comments").count() == 0  # anonymous: not listed as mine
    assert OPINION in employee.locator("#shown-comments").inner_text()
    screenshot(employee, "consultation-commented-anonymously")

    # The committee officer answers the two similar comments together, then the new one.
    officer = new_page("committee officer")
    officer.goto("/openness/consultations/?view=to_answer")
    _no_violations(officer, "consultations with comments to answer")
    officer.goto(url + "handle/")
    _no_violations(officer, "answering page")
    officer.fill("#id_close-changes", "暂无变化。")
    with officer.expect_navigation():
        officer.locator("#close-send").click()
    assert (
        "3"
        in officer.locator(
            "main .alert, main .invalid-feedback, main [role=alert]"
        ).first.inner_text()
    )
    _no_violations(officer, "answering page with the closing refused")

    groups = officer.locator("fieldset.comment-group")
    pair = groups.filter(has=officer.locator(".comment-waiting + .comment-waiting"))
    assert pair.count() == 1
    for box in pair.locator("input[name=comments]").all():
        box.check()
    officer.check("input[name=answer-outcome][value=adopted]")
    officer.fill("#id_answer-reason", "采纳。三号线延伸至新区宿舍，增设新区宿舍站。")
    with officer.expect_navigation():
        officer.locator("#answer-send").click()
    assert officer.locator(".answer-entry").count() == 1
    remaining = officer.locator("input[name=comments]")
    assert remaining.count() == 1
    remaining.check()
    officer.check("input[name=answer-outcome][value=partly]")
    officer.fill("#id_answer-reason", "部分采纳。夜班返程车增设南门站，线路其余不变。")
    with officer.expect_navigation():
        officer.locator("#answer-send").click()
    assert officer.locator("#none-waiting").count() == 1
    officer.fill("#id_close-changes", "三号线延伸至新区宿舍；夜班返程车增设南门站。")
    with officer.expect_navigation():
        officer.locator("#close-send").click()
    assert officer.locator("#decision-send").count() == 1
    _no_violations(officer, "closed consultation (officer)")
    screenshot(officer, "consultation-closed")

    # The employee reads the adoption report on the phone.
    employee.goto(url)
    report = employee.locator("#adoption-report-text")
    assert "南门" in report.inner_text()
    assert "三号线延伸至新区宿舍" in report.inner_text()
    _no_violations(employee, "adoption report (employee, phone)")


def test_the_other_pages_pass_axe(new_page):
    officer = new_page("committee officer")
    officer.goto("/openness/consultations/")
    _no_violations(officer, "consultation list (officer)")
    officer.get_by_role("link", name=CANTEEN).first.click()
    officer.wait_for_url(re.compile(r"/openness/consultations/\w+/$"))
    _no_violations(officer, "closed consultation with its report and decision")
    assert officer.locator("#consultation-decision").count() == 1
    officer.goto(officer.url + "handle/")
    _no_violations(officer, "closed consultation's answers with a deed")
    officer.goto("/openness/consultations/new/")
    _no_violations(officer, "open a consultation")
    with officer.expect_navigation():
        officer.locator("#consultation-open").click()
    assert officer.locator("[aria-invalid=true]").count() >= 1
    _no_violations(officer, "open a consultation, with errors")
    phone = new_page("employee", width=390, height=844)
    phone.goto("/openness/consultations/")
    _no_violations(phone, "consultation list (phone)")
