"""Commitments and pairings in the browser: a member's published commitment reaches the
employees of their department and no one else; a branch officer approves a submitted
commitment; a member records a visit and turns the need heard into an appeal. Every
page on the way passes axe."""

from __future__ import annotations

import re

from e2e.conftest import axe_violations, screenshot


def _no_violations(page, name):
    violations = axe_violations(page)
    assert violations == [], f"{name}: {violations}"


def test_a_published_commitment_reaches_its_department_and_no_other(new_page, server):
    # The demo employee (二车间, 包装一班) finds their members' commitments for the year.
    employee = new_page("employee", width=360, height=740)
    employee.goto("/service/commitments/")
    published = employee.locator("#published-commitments li")
    assert published.count() >= 1
    _no_violations(employee, "commitments (employee, phone)")
    published.first.locator("a").click()
    employee.wait_for_url(re.compile(r"/service/commitments/\d+/$"))
    commitment_url = employee.url
    assert employee.locator("#commitment-status").get_attribute("data-status") == "published"
    assert employee.locator("#commitment-text").inner_text().strip() != ""
    # Colleagues do not see the rating counts: no ranking, no league table.
    assert employee.locator("#commitment-ratings").count() == 0
    _no_violations(employee, "commitment page (employee)")
    screenshot(employee, "commitment-employee")

    # Last year's commitments are open for the employee's judgement.
    employee.goto("/service/commitments/?year=" + str(_last_year()))
    rate_link = None
    for link in employee.locator("#published-commitments li a").all():
        employee_page = link.get_attribute("href")
        other = new_page("employee")
        other.goto(employee_page)
        if other.locator("#rate-form").count():
            rate_link = employee_page
            _no_violations(other, "commitment page with the rating form")
            other.locator("#id_rate-score_0").check()
            other.fill("#id_rate-comment", "说到做到。")
            other.locator("#rate-form button[type=submit]").click()
            other.wait_for_url(employee_page)
            assert other.locator("#my-rating").count() == 1
            break
    assert rate_link is not None, "no commitment of last year left to rate"

    # A member of the first workshop (another department) gets 404, as for a missing page.
    outsider = new_page("member")
    response = outsider.goto(commitment_url)
    assert response is not None and response.status == 404
    outsider.goto("/service/commitments/")
    assert (
        outsider.locator(f'#published-commitments a[href="{_path(commitment_url)}"]').count() == 0
    )


def test_a_branch_officer_approves_a_submitted_commitment(new_page, server):
    officer = new_page("branch officer")
    officer.goto("/service/commitments/")
    _no_violations(officer, "commitments (branch officer)")
    queue = officer.locator("#commitment-queue a")
    assert queue.count() >= 1
    queue.first.click()
    officer.wait_for_url(re.compile(r"/service/commitments/\d+/$"))
    url = officer.url
    assert officer.locator("#commitment-status").get_attribute("data-status") == "submitted"
    _no_violations(officer, "submitted commitment (officer)")
    # Returning without a reason is refused with the problem shown
    officer.locator("main details summary").first.click()
    with officer.expect_navigation():
        officer.locator("form:has(input[value=return]) button[type=submit]").click()
    assert officer.locator("#id_return-reason[aria-invalid=true]").count() == 1
    _no_violations(officer, "return form with an error")
    officer.goto(url)
    officer.locator("#commitment-approve").click()
    officer.wait_for_url(url)
    assert officer.locator("#commitment-status").get_attribute("data-status") == "published"
    _no_violations(officer, "published commitment (officer)")
    screenshot(officer, "commitment-approved")


def test_a_member_drafts_commitments(new_page, server):
    member = new_page("member")
    member.goto("/service/commitments/")
    _no_violations(member, "commitments (member)")
    member.locator("#commitment-new").click()
    member.wait_for_url(re.compile(r"/service/commitments/new/$"))
    _no_violations(member, "commitment form")
    member.locator("#commitment-form button[type=submit]").click()  # nothing filled in
    member.wait_for_load_state()
    assert member.locator(".error-summary").count() == 1
    _no_violations(member, "commitment form with errors")
    member.fill("#id_text", "每月走访班组困难职工两次。")
    member.locator("#id_services_0").check()
    member.locator("#commitment-form button[type=submit]").click()
    member.wait_for_url(re.compile(r"/service/commitments/\d+/$"))
    assert member.locator("#commitment-status").get_attribute("data-status") == "draft"
    with member.expect_navigation():
        member.locator("#commitment-submit").click()
    assert member.locator("#commitment-status").get_attribute("data-status") == "submitted"
    _no_violations(member, "my submitted commitment")


def test_a_member_records_a_visit_and_the_need_becomes_an_appeal(new_page, server):
    member = new_page("member", width=360, height=740)
    member.goto("/service/pairings/")
    _no_violations(member, "pairings (member, phone)")
    member.locator("#my-pairings a").first.click()
    member.wait_for_url(re.compile(r"/service/pairings/\d+/$"))
    pairing_url = member.url
    assert member.locator("#pairing-reason").count() == 1  # the member sees the difficulty
    _no_violations(member, "pairing (member)")
    member.fill("#id_visit-help_given", "送去慰问品，陪同复查。")
    member.fill("#id_visit-needs_heard", "希望帮忙申请子女助学金。")
    member.locator("#visit-form button[type=submit]").click()
    # Sent by the offline script and the answer written in place: wait for the visit.
    member.locator("#pairing-visits", has_text="送去慰问品，陪同复查。").wait_for()
    assert member.url == pairing_url
    member.locator('#pairing-visits a[href$="/appeal/"]').first.click()
    member.wait_for_url(re.compile(r"/service/pairings/visits/\d+/appeal/$"))
    assert member.locator("#id_description").input_value() == "希望帮忙申请子女助学金。"
    _no_violations(member, "appeal from a visit")
    member.select_option("#id_category", label="困难帮扶")
    member.fill("#id_title", "申请子女助学金")
    member.locator("main form button[type=submit]").click()
    member.wait_for_url(pairing_url)
    assert member.locator("#pairing-visits").inner_text().count("SQ") >= 1
    screenshot(member, "pairing-visit-appeal")


def test_pairing_pages_for_officers_pass_axe_and_keep_the_reason_private(new_page, server):
    officer = new_page("branch officer")
    officer.goto("/service/pairings/")
    assert officer.locator("#overseen-pairings .badge").count() >= 1  # one is overdue
    _no_violations(officer, "pairings (branch officer)")
    officer.locator("#overseen-pairings a").first.click()
    officer.wait_for_url(re.compile(r"/service/pairings/\d+/$"))
    pairing_url = officer.url
    assert officer.locator("#pairing-reason").count() == 1
    _no_violations(officer, "pairing (branch officer)")
    officer.locator("main details summary").last.click()
    officer.locator("#end-form button[type=submit]").click()  # no reason given
    officer.wait_for_load_state()
    assert officer.locator("#id_end-end_reason[aria-invalid=true]").count() == 1
    _no_violations(officer, "ending a pairing without a reason")
    deed_link = officer.locator('#pairing-visits a[href$="/deed/"]')
    if deed_link.count():
        deed_link.first.click()
        officer.wait_for_url(re.compile(r"/deed/$"))
        _no_violations(officer, "deed from a visit")
    officer.goto("/service/pairings/new/")
    _no_violations(officer, "new pairing")

    committee = new_page("committee officer")
    committee.goto("/service/pairings/")
    _no_violations(committee, "pairings (committee officer)")
    response = committee.goto(pairing_url)
    assert response is not None and response.status == 200
    assert committee.locator("#pairing-reason").count() == 0
    assert committee.locator("#pairing-visit-count").count() == 1
    _no_violations(committee, "pairing (committee officer)")


def _last_year():
    import datetime
    from zoneinfo import ZoneInfo

    return datetime.datetime.now(ZoneInfo("Asia/Shanghai")).year - 1


def _path(url):
    from urllib.parse import urlparse

    return urlparse(url).path
