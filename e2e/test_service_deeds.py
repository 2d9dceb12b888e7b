"""Practical deeds in the browser: a branch officer declares a deed done, an employee
says it was delivered, and the public list shows the progress and the answer; the
five-services coverage of the demo year. Every page on the way passes axe."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from e2e.conftest import axe_violations, screenshot

DEED = "手语培训进班组"  # one of the first workshop branch's deeds under way in the demo


def _today():
    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def _unit_value(page, name):
    return page.locator("#deeds-unit option", has_text=name).first.get_attribute("value")


def test_a_deed_declared_done_is_rated_and_the_list_shows_it(new_page, server):
    # Anyone, signed in or not, reads the list of deeds.
    visitor = new_page(None, width=360, height=740)
    visitor.goto("/service/deeds/")
    assert visitor.locator("table.deed-table tbody tr").count() >= 10
    assert visitor.locator("progress.deed-progress").count() >= 10
    _no_violations(visitor, "deed list (anonymous, phone)")

    # The branch officer finds the branch's deed under way and reports, then declares it done.
    officer = new_page("branch officer")
    officer.goto("/service/deeds/")
    branch = _unit_value(officer, "一车间党支部")
    officer.goto(f"/service/deeds/?unit={branch}&status=open&flagged=")
    _no_violations(officer, "deed list (officer)")
    officer.get_by_role("link", name=DEED).click()
    officer.wait_for_url(re.compile(r"/service/deeds/\d+/$"))
    deed_url = officer.url
    _no_violations(officer, "deed page (officer)")
    officer.fill("#id_progress-progress", "150")
    officer.fill("#id_progress-text", "第二期培训结束。")
    with officer.expect_navigation():
        officer.locator("#report-progress").click()
    assert officer.locator("#id_progress-progress[aria-invalid=true]").count() == 1
    _no_violations(officer, "deed page with a form error")
    officer.fill("#id_progress-progress", "90")
    officer.locator("#report-progress").click()
    officer.wait_for_url(deed_url)
    assert "90%" in officer.locator("main dl").inner_text()
    officer.locator("#declare-done-toggle").click()
    officer.fill("#id_done-outcome", "二十名班组长完成常用手语培训，配发手语沟通卡片。")
    officer.locator("#declare-done").click()
    officer.wait_for_url(deed_url)
    assert "100%" in officer.locator("main dl").inner_text()
    assert officer.locator("#rate-deed").count() == 0  # the officer does not rate it
    screenshot(officer, "deed-declared-done")

    # An employee of another workshop follows it and says it was delivered, once.
    employee = new_page("employee", width=360, height=740)
    employee.goto(deed_url)
    _no_violations(employee, "deed page (employee, rating form)")
    employee.locator("#follow-deed").click()
    employee.wait_for_url(deed_url)
    employee.check("input[name=rate-delivered][value=satisfied]")
    employee.locator("#rate-deed").click()
    employee.wait_for_url(deed_url)
    assert employee.locator("#rate-deed").count() == 0
    assert employee.locator(".deed-rating").first.get_attribute("data-satisfied") == "1"
    _no_violations(employee, "deed page (employee, rated)")

    # The public list shows the deed done, at 100 %, with the employee's answer.
    visitor.goto(f"/service/deeds/?unit={branch}&status=done")
    row = visitor.locator("table.deed-table tbody tr", has_text=DEED)
    assert row.count() == 1
    assert row.locator("progress").get_attribute("value") == "100"
    assert "100%" in row.inner_text()
    rating = row.locator(".deed-rating")
    assert (rating.get_attribute("data-satisfied"), rating.get_attribute("data-not")) == ("1", "0")
    _no_violations(visitor, "deed list, done (anonymous)")
    screenshot(visitor, "deed-list-done")


def test_an_officer_promises_a_deed(new_page, server):
    officer = new_page("branch officer")
    officer.goto("/service/deeds/new/")
    _no_violations(officer, "new deed form")
    officer.locator("main form button[type=submit]").click()
    officer.wait_for_load_state()
    _no_violations(officer, "new deed form with errors")
    due = (_today() + datetime.timedelta(days=60)).isoformat()
    assert officer.locator("#id_unit option:checked").inner_text() == "一车间党支部"
    officer.fill("#id_title", "装配车间加装降温风扇")
    officer.check("input[name=services][value=masses]")
    officer.fill("#id_due_on", due)
    officer.fill("#id_milestones", f"{_today().isoformat()} 确定安装位置")
    officer.locator("main form button[type=submit]").click()
    officer.wait_for_url(re.compile(r"/service/deeds/\d+/$"))
    assert officer.get_by_role("heading", level=1).inner_text() == "装配车间加装降温风扇"
    officer.goto(officer.url + "edit/")
    _no_violations(officer, "edit deed form")


def test_the_flagged_deeds_of_an_officer(new_page, server):
    officer = new_page("committee officer")
    officer.goto("/service/deeds/?flagged=overdue&status=")
    assert officer.locator("table.deed-table tbody tr").count() >= 1
    assert officer.locator("table.deed-table .health-danger").count() >= 1
    _no_violations(officer, "flagged deeds")


def test_the_coverage_chart_reflects_the_demo_year(new_page, server):
    officer = new_page("branch officer")
    year = _today().year
    officer.goto(f"/service/coverage/?year={year}")
    assert "一车间党支部" in officer.get_by_role("heading", level=1).inner_text()
    table = officer.locator("main table")
    assert table.locator("tbody tr").count() == 5
    masses = table.locator("tbody tr[data-service=masses] td")
    figures = [int(cell.inner_text()) for cell in masses.all()]
    activities, deeds, _posts, appeals, total = figures
    assert activities > 0 and deeds > 0 and appeals > 0 and total == sum(figures[:4])
    officer.wait_for_function("() => document.querySelector('[data-stacked-chart] canvas')")
    _no_violations(officer, "five services coverage")
    screenshot(officer, "service-coverage")
    officer.select_option("#coverage-quarter", value="4")
    officer.locator("main form button[type=submit]").click()
    officer.wait_for_url(re.compile(r"quarter=4"))
    assert officer.locator("main table tbody tr").count() == 5
