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

    # "Tick all" (added by the page's script): a button, by keyboard; again unticks all.
    tick_all = officer.locator("button.tick-all")
    tick_all.focus()
    officer.keyboard.press("Enter")
    assert officer.locator("input[name=batch-members]:checked").count() == unpaid
    officer.keyboard.press("Enter")
    assert officer.locator("input[name=batch-members]:checked").count() == 0
    # (the button was axe-checked with the page above; checked again while its colours
    # are mid-transition after a press, axe reads a blend)

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
    member_url = officer.url

    # The branch's approval of quarterly payment: refused without who decided, then kept.
    officer.locator("#id_quarterly-decision_0").check()
    with officer.expect_navigation():
        officer.locator("#quarterly-record").click()
    _no_violations(officer, "quarterly decision with an error")
    assert officer.locator("#dues-quarterly .invalid-feedback").count() >= 1
    officer.locator("#id_quarterly-decided_by").fill("支部委员会会议")
    with officer.expect_navigation():
        officer.locator("#quarterly-record").click()
    assert officer.locator("#dues-quarterly-history tbody tr").count() == 1
    _no_violations(officer, "member dues with quarterly payment approved")

    # The member's arrears and the reasons recorded for them.
    officer.locator("#dues-arrears-link").click()
    officer.wait_for_url(re.compile(r"/orgs/dues/branches/\d+/members/\d+/arrears/$"))
    _no_violations(officer, "arrears reason")
    officer.goto(member_url)
    officer.locator("#dues-bills a[href*='/reverse/']").first.click()
    officer.wait_for_url(re.compile(r"/orgs/dues/payments/\d+/reverse/$"))
    _no_violations(officer, "reverse form")
    with officer.expect_navigation():
        officer.locator("#reverse-record").click()  # no reason: refused with an error summary
    _no_violations(officer, "reverse form with an error")
    assert officer.locator(".is-invalid, .invalid-feedback").count() >= 1

    # A member six months behind, from the branch's month: the proper reason recorded.
    officer.goto(month_url)
    # (the demo puts one seven months behind in this branch: grassroots/demo/dues.py)
    flagged = officer.locator("#dues-flagged a")
    assert flagged.count() >= 1
    flagged.first.click()
    officer.wait_for_url(re.compile(r"/arrears/$"))
    assert officer.locator("#reason-record").count() == 1
    with officer.expect_navigation():
        officer.locator("#reason-record").click()  # empty: refused
    _no_violations(officer, "arrears reason with an error")
    assert officer.locator(".is-invalid, .invalid-feedback").count() >= 1
    officer.locator("#id_arrears-reason").fill("长期病休，已向支部说明")
    with officer.expect_navigation():
        officer.locator("#reason-record").click()
    assert "长期病休" in officer.locator("#dues-reasons").inner_text()
    _no_violations(officer, "arrears reason recorded")

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
    overseer.locator("#dues-year-link").click()
    overseer.wait_for_url(re.compile(r"/orgs/dues/year/\?year=\d{4}$"))
    _no_violations(overseer, "year grid")
    assert overseer.locator("#dues-grid tbody tr").count() >= 6
    overseer.go_back()
    overseer.locator("#dues-branches a").nth(3).click()
    overseer.wait_for_url(re.compile(r"/orgs/dues/branches/\d+/\?month="))
    _no_violations(overseer, "branch month (read only)")
    assert overseer.locator("main form input[name=action]").count() == 0


# Run inside the test server's database: a transfer asked from a Party member of the demo
# branch officer's branch (一车间党支部) to another branch, through the services.
_TRANSFER = """
import json
import django
django.setup()
from django.utils import timezone
from grassroots.orgs import services
from grassroots.orgs.models import Member, OrgUnit, Transfer
from grassroots.orgs.vocabulary import MemberStage
branch = OrgUnit.objects.get(code="B03")
other = OrgUnit.objects.filter(kind="branch").exclude(pk=branch.pk).order_by("path").first()
member = (
    Member.objects.filter(branch=branch, stage__in=MemberStage.party_member_values())
    .exclude(pk__in=Transfer.objects.filter(status="pending").values("member_id"))
    .order_by("-pk")
    .first()
)
transfer = services.transfer_request(
    actor=None, member=member, to_branch=other, to_group=None,
    effective_on=timezone.localdate(), reason="调往其他车间工作",
)
print(json.dumps({"transfer": transfer.pk}))
"""


def test_the_sending_branch_prints_the_letter_of_introduction(new_page, server):
    import json
    import os
    import subprocess
    import sys

    from e2e.conftest import ROOT

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "GRASSROOTS_DATA_DIR": str(server["data_dir"]),
    }
    env.pop("DATABASE_URL", None)
    if server["database_url"]:
        env["DATABASE_URL"] = server["database_url"]
    found = subprocess.run(
        [sys.executable, "-c", _TRANSFER], cwd=ROOT, env=env, check=True, capture_output=True
    )
    pk = json.loads(found.stdout.decode().strip().splitlines()[-1])["transfer"]
    officer = new_page("branch officer")
    officer.goto("/orgs/transfers/")
    officer.locator(f"a[href='/orgs/transfers/{pk}/letter/']").first.click()
    officer.wait_for_url(re.compile(rf"/orgs/transfers/{pk}/letter/$"))
    _no_violations(officer, "transfer letter")
    assert officer.locator("#letter-dues").inner_text().strip() != ""
    officer.emulate_media(media="print")
    assert officer.locator(".site-header").first.is_hidden()
    assert officer.locator("#transfer-letter").is_visible()
    officer.emulate_media(media="screen")
