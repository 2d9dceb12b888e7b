"""Work plans in the browser: a branch officer reads a plan item's records and links
another record by keyboard; a member reads the published plan on a phone. Every page on
the way passes axe."""

from __future__ import annotations

import re

from e2e.conftest import axe_violations


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def test_an_officer_reads_an_items_records_and_links_one_by_keyboard(new_page):
    officer = new_page("branch officer")
    officer.goto("/plans/")
    _no_violations(officer, "plans index")
    officer.locator("#plans a").first.click()
    officer.wait_for_url(re.compile(r"/plans/\d+/$"))
    plan_url = officer.url
    _no_violations(officer, "plan page")
    assert officer.locator("#plan-progress progress").count() == 1

    # An item's records are links to the records themselves.
    record = officer.locator("ul.item-links a").first
    record_name = record.inner_text()
    with officer.expect_navigation():
        record.click()
    assert "/plans/" not in officer.url
    officer.goto(plan_url)

    # Link a record to the first item, by keyboard only.
    before = officer.locator("ul.item-links li").count()
    link = officer.locator("#items a", has_text=re.compile("关联|Link")).first
    link.focus()
    officer.keyboard.press("Enter")
    officer.wait_for_url(re.compile(r"/plans/items/\d+/link/$"))
    _no_violations(officer, "link form")
    officer.locator("#id_record").focus()
    officer.keyboard.press("ArrowDown")
    assert officer.locator("#id_record").input_value() != ""
    officer.keyboard.press("Tab")
    officer.keyboard.press("Enter")
    officer.wait_for_url(re.compile(r"/plans/\d+/#item-\d+$"))
    assert officer.locator("ul.item-links li").count() == before + 1
    assert record_name

    officer.goto(plan_url + "check/?quarter=4")
    _no_violations(officer, "quarterly check")
    officer.goto(plan_url + "summary/")
    _no_violations(officer, "summary form")
    officer.goto(plan_url)
    officer.locator("#items a", has_text=re.compile("编辑|Edit")).first.click()
    _no_violations(officer, "item form")


def test_a_member_reads_the_published_plan_on_a_phone(new_page):
    member = new_page("member", width=390, height=844)
    member.goto("/plans/")
    _no_violations(member, "plans index (member, phone)")
    member.locator("#plans a").first.click()
    member.wait_for_url(re.compile(r"/plans/\d+/$"))
    _no_violations(member, "plan page (member, phone)")
    assert member.locator("#items > li").count() >= 1
    assert member.evaluate("document.documentElement.scrollWidth <= 390")
