"""The appeal loop in the browser, as the people who use it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.conftest import axe_violations, screenshot


def test_raise_accept_answer_not_satisfied_reopens_and_escalates(new_page, server):
    # An employee raises an appeal on a phone-sized screen.
    phone = new_page("employee", width=360, height=740)
    phone.goto("/")
    phone.get_by_role("link", name="我要反映").first.click()
    phone.select_option("#id_category", label="生活后勤（食堂、宿舍、通勤）")
    phone.fill("#id_title", "二车间饮水机坏了")
    phone.fill("#id_description", "二车间一楼的饮水机不出热水已经三天了。")
    phone.get_by_role("button", name="提交诉求").click()
    # A light page confirms it: the number, who handles it, and the way on.
    phone.wait_for_url(re.compile(r"/appeals/mine/[0-9a-z]{16}/received/"))
    assert phone.get_by_role("heading", name="您的诉求已提交").count() == 1
    number = re.search(r"SQ\d{10}", phone.content()).group(0)
    assert axe_violations(phone) == []
    screenshot(phone, "appeal-received-phone")
    phone.get_by_role("link", name="查看诉求").click()
    phone.wait_for_url(re.compile(r"/appeals/mine/[0-9a-z]{16}/$"))
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    # Both deadlines are named; the acceptance one, the step under way, is marked.
    accept = phone.locator("dt", has_text="受理截止").locator("xpath=following-sibling::dd[1]")
    answer = phone.locator("dt", has_text="答复截止").locator("xpath=following-sibling::dd[1]")
    assert "当前环节" in accept.inner_text() and "当前环节" not in answer.inner_text()
    screenshot(phone, "appeal-raised-phone")

    # The branch officer of the employee's workshop accepts, assigns and answers.
    officer = new_page("branch officer (another branch)")
    officer.goto("/appeals/handle/")
    officer.get_by_role("link", name="二车间饮水机坏了").click()
    officer.get_by_text("受理", exact=True).click()
    with officer.expect_navigation():
        officer.get_by_role("button", name="确定").first.click()
    assert officer.get_by_text("操作完成：已受理").count() == 1
    officer.get_by_text("指派党员承办", exact=True).click()
    officer.locator("#id_assign-assignee").select_option(index=1)
    officer.locator("form[action$='/assign/'] button[type=submit]").click()
    officer.get_by_text("答复诉求人", exact=True).click()
    officer.fill("#id_answer-text", "已联系后勤更换饮水机。")
    officer.locator("form[action$='/answer/'] button[type=submit]").click()
    expect(officer.get_by_text("操作完成：已答复")).to_have_count(1)

    # The employee is not satisfied: the appeal reopens and goes to the level above.
    phone.reload()
    phone.get_by_label("否").check()
    phone.get_by_label("不满意").check()
    phone.fill("#id_rate-comment", "还是没有热水。")
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交评价").click()
    assert phone.get_by_text("重新办理").count() >= 1

    committee = new_page("committee officer")
    committee.goto("/notifications/")
    assert committee.get_by_text(f"请督办诉求 {number}").count() >= 1
    screenshot(officer, "appeal-handled")


def test_anonymous_appeal_is_followed_with_code_and_pin(new_page, server):
    visitor = new_page(None)
    visitor.goto("/accounts/login/")
    visitor.get_by_role("link", name="匿名反映诉求").click()
    visitor.select_option("#id_category", label="无障碍与残疾职工关怀")
    visitor.fill("#id_title", "电梯按钮没有盲文")
    visitor.fill("#id_description", "办公楼电梯的按钮没有盲文标识。")
    visitor.get_by_role("button", name="匿名提交").click()
    visitor.locator(".receipt .code").first.wait_for()  # the answer, written in place
    codes = visitor.locator(".receipt .code").all_inner_texts()
    assert len(codes) == 2
    code, pin = codes
    assert code not in visitor.url and pin not in visitor.url
    screenshot(visitor, "anonymous-receipt")

    later = new_page(None)
    later.goto("/appeals/follow/")
    later.fill("#id_tracking_code", code.lower())
    later.fill("#id_pin", pin)
    later.get_by_role("button", name="查看我的诉求").click()
    later.wait_for_url("**/appeals/follow/appeal/")
    assert later.get_by_role("heading", name="电梯按钮没有盲文").count() == 1
    assert code not in later.url and pin not in later.url
    later.get_by_text("补充信息", exact=True).click()
    later.fill("#id_more-text", "是三号电梯。")
    later.get_by_role("button", name="补充").click()
    expect(later.get_by_text("是三号电梯。")).to_have_count(1)
