"""Venues in the browser: a Party member books a venue by keyboard on a 390 px phone;
an officer looks after its equipment. Every page on the way passes axe."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import chinese_calendar

from e2e.conftest import axe_violations


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def _free_workday() -> datetime.date:
    """A workday a few days ahead (the demo books at most until 16:00 on a day)."""
    day = datetime.datetime.now(tz=ZoneInfo("Asia/Shanghai")).date() + datetime.timedelta(days=3)
    while day.weekday() >= 5 or not chinese_calendar.is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def test_a_member_books_a_venue_by_keyboard_on_a_phone(new_page):
    phone = new_page("member", width=390, height=844)
    phone.goto("/service/")
    # (links by address: the Chinese catalogue for this slice is merged later)
    link = phone.locator("main a[href='/resources/venues/']")
    link.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/resources/venues/$"))
    _no_violations(phone, "venue list")
    assert phone.locator("main .card li").count() >= 3  # access facts as text
    venue = phone.get_by_role("link", name="职工书屋").first
    venue.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/resources/venues/\d+/$"))
    _no_violations(phone, "venue page")
    assert phone.locator("table caption").first.inner_text()
    book = phone.locator("main a[href$='/book/']")
    book.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/resources/venues/\d+/book/$"))
    _no_violations(phone, "booking form")
    # Nothing wider than the phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    day = _free_workday().isoformat()
    # A booking that ends before it starts: an error, nothing saved.
    # (Tab walks the parts of a date-time field in Chromium, so each field is focused.)
    phone.fill("#id_starts_at", f"{day}T17:00")
    phone.fill("#id_ends_at", f"{day}T16:30")
    phone.locator("#id_purpose").focus()
    phone.keyboard.type("支部学习")
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.locator("#id_ends_at_error").is_visible(), phone.locator("main").inner_text()
    _no_violations(phone, "booking form with errors")

    phone.fill("#id_starts_at", f"{day}T16:30")
    phone.fill("#id_ends_at", f"{day}T17:30")
    phone.locator("#id_purpose").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/resources/bookings/$"))
    _no_violations(phone, "my bookings")
    assert "支部学习" in phone.content()


def test_an_officer_sees_equipment_and_the_venue_forms_pass_axe(new_page):
    officer = new_page("branch officer")
    officer.goto("/resources/venues/")
    officer.get_by_role("link", name="党群服务中心").first.click()
    officer.wait_for_url(re.compile(r"/resources/venues/\d+/$"))
    _no_violations(officer, "venue page (officer)")
    assert "投影仪" in officer.content()
    officer.locator("main a[href$='/fault/']").first.click()
    officer.wait_for_url(re.compile(r"/resources/equipment/\d+/fault/$"))
    _no_violations(officer, "fault form")
    officer.goto("/resources/venues/new/")
    _no_violations(officer, "new venue")


def _choose_by_keyboard(page, selector: str, text: str) -> None:
    """Walk a closed select with the arrow keys until the option holding `text` is chosen."""
    select = page.locator(selector)
    select.focus()
    page.keyboard.press("Home")
    for _ in range(40):
        chosen = select.evaluate("s => s.options[s.selectedIndex].text")
        if text in chosen:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{text} is not offered in {selector}")


def test_an_officer_plans_a_meeting_and_books_its_venue_by_keyboard(new_page):
    officer = new_page("branch officer")
    officer.goto("/orglife/")
    officer.get_by_role("link", name=re.compile("一车间党支部")).first.click()
    officer.wait_for_url(re.compile(r"/orglife/units/\d+/"))
    plan = officer.get_by_role("link", name="安排会议").first
    plan.focus()
    officer.keyboard.press("Enter")
    officer.wait_for_url(re.compile(r"/orglife/units/\d+/meetings/new/"))
    _no_violations(officer, "meeting form with its venue fieldset")
    assert officer.locator("main form fieldset legend").count() >= 1

    # Beyond the demo's fortnight of bookings: the room is free on a workday at 10:00,
    # and closed on the Saturday after it.
    day = _free_workday() + datetime.timedelta(days=16)
    while day.weekday() >= 5 or not chinese_calendar.is_workday(day):
        day += datetime.timedelta(days=1)
    saturday = day + datetime.timedelta(days=5 - day.weekday())
    _choose_by_keyboard(officer, "#id_kind", "主题党日")
    officer.locator("#id_topic").focus()
    officer.keyboard.press("Control+A")
    officer.keyboard.type("学习无障碍服务")
    officer.fill("#id_starts_at", f"{saturday.isoformat()}T10:00")
    _choose_by_keyboard(officer, "#id_venue", "一车间党支部党员活动室")
    officer.fill("#id_venue_until", "11:00")
    submit = officer.locator("main form button[type=submit]")
    submit.focus()
    with officer.expect_navigation():
        officer.keyboard.press("Enter")
    # A closed day: the error is on the venue, in the summary, and nothing is planned.
    assert officer.locator("#id_venue_error").is_visible(), officer.locator("main").inner_text()
    assert officer.locator(".error-summary a[href='#id_venue']").count() == 1
    assert re.search(r"/meetings/new/$", officer.url)
    _no_violations(officer, "meeting form with a refused booking")

    officer.fill("#id_starts_at", f"{day.isoformat()}T10:00")
    submit = officer.locator("main form button[type=submit]")
    submit.focus()
    with officer.expect_navigation():
        officer.keyboard.press("Enter")
    officer.wait_for_url(re.compile(r"/orglife/meetings/\d+/$"))
    meeting_path = re.sub(r"^https?://[^/]+", "", officer.url)
    venue_card = officer.locator("section[aria-labelledby=booked-venue-title]")
    assert "一车间党支部党员活动室" in venue_card.inner_text()
    assert venue_card.locator("li").count() >= 3  # the access facts, as text
    _no_violations(officer, "meeting page with its venue")

    # The venue's week shows the booking, linked to the meeting.
    venue_card.get_by_role("link", name="一车间党支部党员活动室").click()
    officer.wait_for_url(re.compile(r"/resources/venues/\d+/$"))
    officer.goto(officer.url + f"?week={day.isoformat()}")
    assert officer.locator(f"main a[href='{meeting_path}']").count() == 1
