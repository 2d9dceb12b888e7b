"""Activities in the browser: an officer opens one with a single place, an employee takes
it, a member lands on the waitlist and moves up by himself when the employee cancels."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from e2e.conftest import axe_violations


def test_the_waitlist_moves_up_when_someone_cancels(new_page, server):
    # given an activity for everyone with one place, opened by the branch officer
    officer = new_page("branch officer")
    officer.goto("/service/activities/new/")
    tomorrow = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date() + datetime.timedelta(days=1)
    officer.select_option("#id_unit", label="一车间党支部")
    officer.fill("#id_title", "浏览器测试：车间义务理发（一个名额）")
    officer.select_option("#id_type", value="volunteer")
    officer.locator("input[name=services][value=masses]").check()
    officer.fill("#id_starts_at", f"{tomorrow.isoformat()}T14:00")
    officer.fill("#id_ends_at", f"{tomorrow.isoformat()}T16:00")
    officer.fill("#id_place", "一车间休息室")
    officer.select_option("#id_audience", value="everyone")
    officer.fill("#id_capacity", "1")
    officer.locator("main form button[type=submit]").last.click()
    officer.wait_for_url(re.compile(r"/service/activities/\d+/$"))
    activity_url = officer.url

    # when an employee takes the place and a member signs up after her
    employee = new_page("employee")
    employee.goto(activity_url)
    with employee.expect_navigation():
        employee.locator("#sign-up").click()
    assert employee.locator("#my-signup").get_attribute("data-status") == "confirmed"

    member = new_page("member", width=360, height=740)
    member.goto(activity_url)
    with member.expect_navigation():
        member.locator("#sign-up").click()
    assert member.locator("#my-signup").get_attribute("data-status") == "waiting"
    assert axe_violations(member) == []

    # and the employee cancels
    with employee.expect_navigation():
        employee.locator("#cancel-signup").click()
    assert employee.locator("#my-signup").count() == 0

    # then the member has the place without doing anything, and is told so
    member.reload()
    assert member.locator("#my-signup").get_attribute("data-status") == "confirmed"
    member.goto("/notifications/")
    assert "浏览器测试：车间义务理发（一个名额）" in member.locator("main").inner_text()
