"""Organisational life in the browser: a branch officer closes a gap by planning,
recording and holding a meeting; a member asks for leave."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import expect

from e2e.conftest import screenshot


def _an_hour_ago() -> str:
    # The browser and the server share this machine's clock; the form takes local time.
    from zoneinfo import ZoneInfo

    now = datetime.datetime.now(ZoneInfo("Asia/Shanghai")) - datetime.timedelta(hours=1)
    return now.strftime("%Y-%m-%dT%H:%M")


def test_plan_attend_and_hold_a_quorate_assembly(new_page, server):
    officer = new_page("branch officer")
    officer.goto("/orglife/")
    officer.get_by_role("link", name=re.compile("一车间党支部")).first.click()
    officer.wait_for_url(re.compile(r"/orglife/units/\d+/"))
    assert officer.get_by_role("heading", level=1).inner_text().startswith("一车间党支部")

    officer.get_by_role("link", name="安排会议").first.click()
    officer.select_option("#id_kind", value="assembly")
    officer.fill("#id_topic", "支部党员大会：讨论年度工作")
    officer.fill("#id_starts_at", _an_hour_ago())
    officer.fill("#id_place", "党员活动室")
    officer.get_by_role("button", name=re.compile("安排并通知")).click()
    officer.wait_for_url(re.compile(r"/orglife/meetings/\d+/"))
    assert officer.get_by_text("法定人数").count() >= 1

    # One on leave, everyone else present: the page says the meeting is quorate before
    # it is recorded.
    first = officer.locator("#attendance-section fieldset").first
    first.get_by_label("请假").check()
    officer.locator("#attendance-section tbody input[type=text]").first.fill("出差")
    officer.get_by_role("button", name="保存，并将其余未登记人员记为出席").click()
    officer.get_by_text("会议已达到法定人数").wait_for()  # the answer, written in place
    assert officer.get_by_text("会议已达到法定人数").count() == 1
    officer.fill("#id_hold-minutes", "会议讨论了年度工作，全体党员一致通过。")
    with officer.expect_navigation():
        officer.get_by_role("button", name="记录为已召开").click()
    assert officer.get_by_text("会议已记录为已召开").count() == 1
    screenshot(officer, "orglife-meeting-held")

    # The quarter's assembly is now held on the branch's calendar.
    officer.get_by_role("link", name=re.compile("返回本组织的会议")).click()
    quarter = officer.locator(".period-list").first
    assert quarter.locator(".period-done").count() >= 1
    screenshot(officer, "orglife-calendar")


def test_a_member_asks_for_leave(new_page, server):
    officer = new_page("branch officer")
    officer.goto("/orglife/")
    officer.get_by_role("link", name=re.compile("一车间党支部")).first.click()
    officer.get_by_role("link", name="安排会议").first.click()
    officer.select_option("#id_kind", value="themed_day")
    officer.fill("#id_topic", "主题党日：志愿服务")
    from zoneinfo import ZoneInfo

    tomorrow = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date() + datetime.timedelta(days=2)
    officer.fill("#id_starts_at", f"{tomorrow.isoformat()}T09:00")
    officer.fill("#id_place", "职工之家")
    officer.get_by_role("button", name=re.compile("安排并通知")).click()
    officer.wait_for_url(re.compile(r"/orglife/meetings/\d+/"))
    meeting_url = officer.url

    member = new_page("member", width=360, height=740)
    member.goto("/notifications/")
    member.get_by_role("link", name=re.compile("主题党日：志愿服务")).first.click()
    member.fill("#id_leave-reason", "夜班")
    with member.expect_navigation():
        member.get_by_role("button", name="请假").click()
    assert member.get_by_text("请假申请已发送给组织者").count() == 1

    officer.goto(meeting_url)
    assert officer.get_by_text("夜班").count() >= 1


def test_a_candidate_advances_through_gated_steps(new_page, server):
    officer = new_page("branch officer")
    officer.goto("/orglife/")
    officer.get_by_role("link", name=re.compile("一车间党支部 发展党员工作")).click()
    candidates = officer.locator("section[aria-labelledby='stage-candidate'] tbody a")
    candidates.first.click()
    officer.wait_for_url(re.compile(r"/orglife/development/people/\d+/"))
    heading = officer.locator("#next-title").inner_text()
    # Record steps until the intensive training, then try it with too few hours.
    # Each click waits for the next step's heading, so no step is recorded twice
    # and no assertion reads the page before the answer has arrived.
    while "开展集中培训" not in heading:
        officer.get_by_role("button", name="登记此步骤").click()
        expect(officer.locator("#next-title")).not_to_have_text(heading)
        heading = officer.locator("#next-title").inner_text()
    officer.fill("#id_training_hours", "16")
    officer.get_by_role("button", name="登记此步骤").click()
    expect(officer.get_by_text("集中培训时间不少于 3 天或 24 个学时")).to_have_count(1)
    screenshot(officer, "development-refused")
    officer.fill("#id_training_days", "3")
    officer.get_by_role("button", name="登记此步骤").click()
    expect(officer.locator("#next-title")).to_contain_text("支部委员会审查")
