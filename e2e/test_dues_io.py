"""Dues import in the browser: the branch's dues officer imports the payroll file of
bases with one bad row, reads the row-by-row report (nothing saved), fixes the row,
checks again, confirms; then records a batch of payroll deductions. Axe on each page."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from openpyxl import Workbook

from e2e.conftest import ROOT, axe_violations, screenshot, sign_in

# Run inside the test server's database: the dues officer of 一车间党支部 (the
# demo branch officer's branch) and two of its Party members.
_FIND = """
import datetime, json
import django
django.setup()
from django.utils import timezone
from grassroots.accounts.scope import scope_for
from grassroots.orgs.dues import selectors
from grassroots.orgs.models import Member, OrgPost, OrgUnit
from grassroots.orgs.vocabulary import MemberStage
today = timezone.localdate()
branch = OrgUnit.objects.get(code="B03")
officer = next(
    post.member.user
    for post in OrgPost.objects.filter(unit=branch).select_related("member__user")
    if branch.pk in selectors.dues_offices(scope_for(post.member.user), on=today).branch_ids
)
members = Member.objects.filter(
    branch=branch, stage__in=MemberStage.party_member_values()
).select_related("user").order_by("pk")[:2]
# One more member whose bill for this month is unpaid, for the payroll deductions: made
# through the services when the demo has none.
from decimal import Decimal
from django.db.models import Sum
from grassroots.orgs.dues import rules, services
from grassroots.orgs.dues.models import DuesBase, DuesBill, DuesPayment
month = rules.month_of(today)
taken = [m.pk for m in members]
def unpaid():
    for bill in DuesBill.objects.filter(branch=branch, month=month).exclude(member_id__in=taken):
        paid = DuesPayment.objects.filter(bill=bill).aggregate(t=Sum("amount"))["t"] or 0
        if paid < bill.amount:
            return bill
    return None
bill = unpaid()
if bill is None:
    payer = Member.objects.filter(
        branch=branch, stage__in=MemberStage.party_member_values()
    ).exclude(pk__in=taken).exclude(
        pk__in=DuesBill.objects.filter(month=month).values("member_id")
    ).exclude(pk__in=DuesBase.objects.values("member_id")).order_by("pk").first()
    services.base_set(
        actor=None, member=payer, kind="employee", amount=Decimal(4000), from_month=month
    )
    services.bills_make(month)
    bill = DuesBill.objects.get(member=payer, month=month)
print(json.dumps({
    "officer": officer.employee_number,
    "members": [[m.user.employee_number, m.user.name] for m in members],
    "payer": bill.member.user.employee_number,
    "due": str(bill.amount - (DuesPayment.objects.filter(bill=bill).aggregate(t=Sum("amount"))["t"] or 0)),
    "month": f"{month:%Y-%m}",
}))
"""


@pytest.fixture
def keeper(server: dict[str, Any]) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "GRASSROOTS_DATA_DIR": str(server["data_dir"]),
    }
    env.pop("DATABASE_URL", None)
    if server["database_url"]:  # the server's own PostgreSQL database
        env["DATABASE_URL"] = server["database_url"]
    found = subprocess.run(
        [sys.executable, "-c", _FIND], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return json.loads(found.stdout.decode().strip().splitlines()[-1])


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _next_month() -> str:
    # The server's local month (the browser and the server share this machine's clock).
    from zoneinfo import ZoneInfo

    today = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"


def _file(rows: list[list[object]]) -> dict[str, Any]:
    return {
        "name": "payroll-bases.xlsx",
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": _xlsx(rows),
    }


def test_the_dues_officer_imports_bases_fixing_one_bad_row(new_page, keeper):
    page = new_page()
    sign_in(page, keeper["officer"])
    page.goto("/orgs/dues/import/bases/")
    assert axe_violations(page) == []
    (first_number, first_name), (second_number, second_name) = keeper["members"]
    month = _next_month()
    headings: list[object] = ["工号", "姓名", "人员类别", "月缴费基数", "起始月份"]
    good: list[object] = [first_number, first_name, "employee", 6000, month]
    bad: list[object] = [second_number, second_name, "employee", "六千", month]

    page.set_input_files("#id_file", _file([headings, good, bad]))
    page.locator("button[name=action][value=check]").click()
    page.wait_for_load_state()
    problems = page.locator("table tbody tr")
    assert problems.count() == 1
    assert problems.first.locator("td").first.inner_text() == "3"
    assert "六千" in problems.first.inner_text()
    assert page.locator("input[name=token]").count() == 0  # nothing to confirm
    assert axe_violations(page) == []
    screenshot(page, "dues-import-bases-problems")

    bad[3] = 5000
    page.set_input_files("#id_file", _file([headings, good, bad]))
    page.locator("button[name=action][value=check]").click()
    page.wait_for_load_state()
    preview = page.locator("table tbody tr")
    assert preview.count() == 2
    assert "90.00" in preview.first.inner_text()  # 1.5 % of 6,000
    assert axe_violations(page) == []
    screenshot(page, "dues-import-bases-preview")

    page.locator("button[name=action][value=confirm]").click()
    page.wait_for_url("**/orgs/dues/import/bases/")
    assert page.locator("[role=status], .alert-success").count() >= 1
    assert axe_violations(page) == []

    page.goto("/orgs/dues/export/")
    assert axe_violations(page) == []


def test_the_dues_officer_records_a_batch_of_payroll_deductions(new_page, keeper):
    page = new_page()
    sign_in(page, keeper["officer"])
    page.goto("/orgs/dues/import/payroll/")
    assert axe_violations(page) == []
    headings: list[object] = ["工号", "姓名", "党费月份", "扣缴金额"]
    wrong: list[object] = [keeper["payer"], "", keeper["month"], "0.01"]
    page.set_input_files("#id_file", _file([headings, wrong]))
    with page.expect_navigation():
        page.locator("button[name=action][value=check]").click()
    assert page.locator("table tbody tr").count() == 1  # the amount is not the bill
    assert page.locator("input[name=token]").count() == 0
    assert axe_violations(page) == []

    right: list[object] = [keeper["payer"], "", keeper["month"], keeper["due"]]
    page.set_input_files("#id_file", _file([headings, right]))
    with page.expect_navigation():
        page.locator("button[name=action][value=check]").click()
    assert keeper["due"] in page.locator("table tbody tr").first.inner_text()
    assert axe_violations(page) == []
    page.locator("button[name=action][value=confirm]").click()
    page.wait_for_url("**/orgs/dues/import/payroll/")
    assert page.locator("[role=status], .alert-success").count() >= 1
    screenshot(page, "dues-import-payroll-done")
