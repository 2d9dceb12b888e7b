"""Party dues in the browser: the first workshop's dues officer records this month's
payroll deductions for several members at once, by keyboard; the member reads their own
year; the committee's organisation officer reads the branches. Every dues page passes
axe."""

from __future__ import annotations

import re

from e2e.conftest import axe_violations, small_targets


def _no_violations(page, name):
    violations = axe_violations(page) + small_targets(page)
    assert violations == [], f"{name}: {violations}"


def test_the_dues_officer_records_a_batch_of_payroll_deductions_by_keyboard(new_page):
    officer = new_page("dues officer")
    officer.goto("/orgs/dues/")
    _no_violations(officer, "own dues (officer)")
    officer.locator("main a[href='/orgs/dues/branches/']").click()
    officer.wait_for_url(re.compile(r"/orgs/dues/branches/$"))
    _no_violations(officer, "branches kept")
    officer.locator("#dues-branches a").first.click()
    officer.wait_for_url(re.compile(r"/orgs/dues/branches/\d+/\?month="))
    _no_violations(officer, "branch month")
    month_url = officer.url
    outstanding_before = officer.locator("#dues-book dd").nth(2).inner_text()
    unpaid = officer.locator("input[name=batch-members]").count()
    assert unpaid >= 2

    # Tick the first two members, choose payroll deduction, keep today: by keyboard only.
    officer.locator("#id_batch-members_0").focus()
    officer.keyboard.press("Space")
    officer.keyboard.press("Tab")
    officer.keyboard.press("Space")
    officer.locator("#id_batch-method").focus()
    while officer.locator("#id_batch-method").input_value() != "payroll":
        officer.keyboard.press("ArrowDown")
    officer.locator("#batch-record").focus()
    with officer.expect_navigation():
        officer.keyboard.press("Enter")
    assert officer.locator("input[name=batch-members]").count() == unpaid - 2
    assert officer.locator("#dues-book dd").nth(2).inner_text() != outstanding_before
    assert "平衡" in officer.locator("#dues-book").inner_text() or "balances" in (
        officer.locator("#dues-book").inner_text()
    )
    _no_violations(officer, "branch month after the batch")

    # A member's page: the base, the bills, a payment to reverse.
    officer.locator("#dues-month tbody a").first.click()
    officer.wait_for_url(re.compile(r"/orgs/dues/branches/\d+/members/\d+/$"))
    _no_violations(officer, "member dues (officer)")
    officer.locator("#dues-bills a[href*='/reverse/']").first.click()
    officer.wait_for_url(re.compile(r"/orgs/dues/payments/\d+/reverse/$"))
    _no_violations(officer, "reverse form")
    with officer.expect_navigation():
        officer.locator("#reverse-record").click()  # no reason: refused with an error summary
    _no_violations(officer, "reverse form with an error")
    assert officer.locator(".is-invalid, .invalid-feedback").count() >= 1

    # An earlier, closed month: read only.
    officer.goto(month_url.split("?")[0] + "?month=2020-01")
    _no_violations(officer, "an empty month")


def test_the_member_reads_their_own_dues(new_page):
    member = new_page("member", width=390, height=844)
    member.goto("/orgs/dues/")
    _no_violations(member, "own dues (member, phone)")
    assert member.locator("#dues-year tbody tr").count() >= 1
    assert member.locator("#dues-summary").count() == 1
    member.locator("#dues-years a").first.click()
    member.wait_for_url(re.compile(r"\?year=\d{4}$"))
    _no_violations(member, "own dues, another year")


def test_the_committee_organisation_officer_reads_every_branch(new_page):
    overseer = new_page("committee organisation officer")
    overseer.goto("/orgs/dues/branches/")
    _no_violations(overseer, "branches overseen")
    assert overseer.locator("#dues-branches tbody tr").count() >= 6
    overseer.locator("#dues-branches a").nth(3).click()
    overseer.wait_for_url(re.compile(r"/orgs/dues/branches/\d+/\?month="))
    _no_violations(overseer, "branch month (read only)")
    assert overseer.locator("main form input[name=action]").count() == 0
