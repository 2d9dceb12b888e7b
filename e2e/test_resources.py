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
