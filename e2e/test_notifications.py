"""Background work as a user sees it: a reminder scheduled a minute ahead arrives in
the inbox with no page open, and the organisation's WeCom group gets it too. And the
inbox itself: notices grouped by subject, opened by keyboard, all marked read at once."""

from __future__ import annotations

import datetime
import re
import time

from playwright.sync_api import expect

from e2e.conftest import screenshot
from grassroots.notifications.tests.receiver import RobotReceiver


def test_a_reminder_arrives_in_the_inbox_and_the_wecom_group_without_any_page_open(new_page):
    with RobotReceiver(platform="wecom") as receiver:
        page = new_page("branch officer")
        # register the branch's WeCom group robot
        page.goto("/")
        page.get_by_role("link", name="一车间党支部", exact=True).first.click()
        page.get_by_role("link", name="群机器人").click()
        page.select_option("#id_platform", "wecom")
        page.fill("#id_name", "一车间党员群")
        page.fill("#id_url", receiver.url)
        page.get_by_role("button", name="添加机器人").click()
        expect(page.get_by_text("一车间党员群").first).to_be_visible()
        # schedule a reminder for the branch officers, one minute ahead
        page.goto("/notifications/reminders/")
        when = datetime.datetime.now(datetime.UTC).astimezone(
            datetime.timezone(datetime.timedelta(hours=8))
        ) + datetime.timedelta(minutes=1)
        page.fill("#id_title", "支委会：讨论发展对象")
        page.fill("#id_remind_at", when.strftime("%Y-%m-%dT%H:%M"))
        page.get_by_label("本组织的委员").check()
        branch = page.locator("#id_org_unit option", has_text="一车间党支部").first.get_attribute(
            "value"
        )
        page.select_option("#id_org_unit", branch)
        page.get_by_role("button", name="安排提醒").click()
        expect(page.get_by_text("提醒已安排")).to_have_count(1)
        # nobody has the platform open while we wait
        page.goto("about:blank")
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and not receiver.received:
            time.sleep(1)
        assert receiver.received, "the group robot never received the reminder"
        message = receiver.received[0].body
        assert message["msgtype"] == "markdown"
        assert "支委会：讨论发展对象" in message["markdown"]["content"]
        page.goto("/notifications/")
        assert (
            page.get_by_role("link", name="支委会：讨论发展对象").count()
            + page.get_by_text("支委会：讨论发展对象").count()
            >= 1
        )
        screenshot(page, "inbox-with-reminder")


def test_an_inbox_group_opens_by_keyboard_and_mark_all_read_empties_the_count(new_page):
    # given: an officer whose inbox holds several notices about one appeal
    page = new_page("branch officer (another branch)")
    page.goto("/notifications/")
    header_count = page.locator("header a[href='/notifications/'] .badge")
    assert int(header_count.inner_text()) > 0
    group = page.locator("details.notice-earlier").first
    assert group.get_attribute("open") is None
    earlier = group.locator("li").first
    assert not earlier.is_visible()
    # when: the person tabs to the group's summary and presses Enter
    summary = group.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    # then: the earlier notices about that appeal show
    assert group.get_attribute("open") is not None
    assert earlier.is_visible()
    screenshot(page, "inbox-group-open")
    # when: the person marks all as read (全部标为已读)
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_load_state()
    # then: nothing is new any more, and the button is gone
    assert page.get_by_text("已标为已读").count() == 1
    assert header_count.count() == 0
    assert page.locator(".notice-unread").count() == 0
    assert page.get_by_role("button", name="全部标为已读").count() == 0
    assert page.get_by_role("button", name=re.compile("^标为已读")).count() == 0
