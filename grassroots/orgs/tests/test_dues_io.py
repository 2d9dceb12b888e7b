"""Dues imports (bases from the payroll file, payroll deductions) and the finance
export: all or nothing with every bad row reported, a check then a confirmation, bases
only for those who may see them, formula-looking text kept as text, and who may do what."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from grassroots.accounts.scope import scope_for
from grassroots.orgs.dues import exporting, importing, rules, selectors, services
from grassroots.orgs.dues.models import DuesBase, DuesPayment
from grassroots.orgs.models import Member, OrgPost
from grassroots.orgs.services import orgpost_assign
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


BASE_HEADINGS = ["工号", "姓名", "人员类别", "月缴费基数", "起始月份"]
PAYROLL_HEADINGS = ["工号", "姓名", "党费月份", "扣缴金额"]


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def this_month() -> datetime.date:
    return rules.month_of(timezone.localdate())


def offices_of(user):
    return selectors.dues_offices(scope_for(user), on=timezone.localdate())


def number(member: Member) -> str:
    return member.user.employee_number


@pytest.fixture
def organiser(world):
    """The committee's organisation officer: oversees branches A and B, keeps neither."""
    member = MemberFactory(branch=world.branch_b)
    orgpost_assign(
        actor=None,
        unit=world.committee,
        member=member,
        kind=OrgPost.Kind.ORGANISATION,
        starts_on=datetime.date(2024, 1, 1),
    )
    return member.user


def upload(client, url, data, **fields):
    return client.post(
        url,
        {"action": "check", "file": SimpleUploadedFile("bases.xlsx", data), **fields},
    )


def token_of(response) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "no confirmation form"
    return match.group(1)


# --- Bases ------------------------------------------------------------------------------


def test_a_good_base_file_is_checked_shown_then_saved_on_confirmation(world, client_for):
    client = client_for(world.officer_a)
    month = rules.add_months(this_month(), 1)
    farmer = MemberFactory(branch=world.branch_a)
    data = xlsx(
        [
            BASE_HEADINGS,
            [number(world.member_a), world.member_a.user.name, "employee", 6000, f"{month:%Y-%m}"],
            [number(farmer), farmer.user.name, "farmer", "0.50", f"{month:%Y年%m月}"],
        ]
    )
    response = upload(client, reverse("orgs:dues_import_bases"), data)
    assert response.status_code == 200
    assert "90.00" in response.content.decode()  # 1.5 % of 6,000, shown before saving
    assert not DuesBase.objects.exists()
    response = client.post(
        reverse("orgs:dues_import_bases"), {"action": "confirm", "token": token_of(response)}
    )
    assert response.status_code == 302
    base = DuesBase.objects.get(member=world.member_a)
    assert (base.kind, base.amount, base.from_month) == ("employee", Decimal("6000.00"), month)
    assert base.entered_by == world.officer_a
    assert DuesBase.objects.get(member=farmer).amount == Decimal("0.50")


def test_every_bad_base_row_is_reported_nothing_saved_then_the_fixed_file_imports(world):
    month = this_month()
    billed = MemberFactory(branch=world.branch_a)
    services.base_set(
        actor=None, member=billed, kind="employee", amount=Decimal(3000), from_month=month
    )
    services.bills_make(month)
    farmer = MemberFactory(branch=world.branch_a)
    applicant = MemberFactory(branch=world.branch_a, stage=Member.Stage.APPLICANT)
    good = [number(world.member_a), world.member_a.user.name, "employee", 4500, f"{month:%Y-%m}"]
    rows = [
        BASE_HEADINGS,
        good,  # row 2
        ["NOBODY-1", "某某", "employee", 4000, f"{month:%Y-%m}"],  # 3 unknown number
        [number(world.member_b), world.member_b.user.name, "employee", 4000, "2026-01"],  # 4
        [number(farmer), "张冠李戴", "employee", 4000, f"{month:%Y-%m}"],  # 5 wrong name
        [number(farmer), farmer.user.name, "employee", "四千", "2027-01"],  # 6 not a number
        [number(farmer), farmer.user.name, "employee", -5, "2027-02"],  # 7 negative
        [number(farmer), farmer.user.name, "farmer", 3, "2027-03"],  # 8 farmer out of range
        [number(billed), billed.user.name, "employee", 5000, f"{month:%Y-%m}"],  # 9 billed
        [number(applicant), applicant.user.name, "employee", 5000, "2027-01"],  # 10
        [number(farmer), farmer.user.name, "employee", 4000, "2027-13"],  # 11 no such month
    ]
    offices = offices_of(world.officer_a)
    checked = importing.bases_read(xlsx(rows), offices=offices, max_rows=100)
    reported = {error.row: error.message for error in checked.errors}
    assert set(reported) == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert "No member" in reported[3]
    assert "not in a branch whose dues you keep" in reported[4]
    assert farmer.user.name in reported[5]
    assert "number" in reported[6] and "negative" in reported[7]
    assert "0.20" in reported[8] and "already" in reported[9]
    assert "Party members" in reported[10] and "month" in reported[11]
    assert not checked.ok
    assert DuesBase.objects.count() == 1  # only the base set above
    fixed = importing.bases_read(xlsx([BASE_HEADINGS, good]), offices=offices, max_rows=100)
    assert fixed.ok and not fixed.errors
    assert importing.bases_apply(actor=world.officer_a, checked=fixed) == 1
    assert DuesBase.objects.get(member=world.member_a).amount == Decimal("4500.00")


def test_the_same_member_and_month_twice_in_a_file_is_refused(world):
    row = [number(world.member_a), world.member_a.user.name, "employee", 4500, "2027-01"]
    checked = importing.bases_read(
        xlsx([BASE_HEADINGS, row, row]), offices=offices_of(world.officer_a), max_rows=100
    )
    assert {error.row for error in checked.errors} == {2, 3}


def test_wrong_column_headings_are_named_and_nothing_is_saved(world):
    data = xlsx([["工号", "姓名", "工资"], [number(world.member_a), "x", 4000]])
    checked = importing.bases_read(data, offices=offices_of(world.officer_a), max_rows=100)
    assert not checked.ok
    assert {error.row for error in checked.errors} == {1}
    assert len(checked.errors) == 3  # kind, monthly base and from month are missing


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 60_000_000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data", [b"", b"employee,base\n1,2\n", b"%PDF-1.7 renamed", b"PK\x03\x04 broken", "bomb"]
)
def test_disguised_and_huge_files_are_refused_with_one_message(world, data):
    data = _zip_bomb() if data == "bomb" else data
    checked = importing.bases_read(data, offices=offices_of(world.officer_a), max_rows=100)
    assert not checked.ok and len(checked.errors) == 1 and checked.errors[0].message


def test_too_many_rows_are_refused(world):
    rows = [BASE_HEADINGS] + [[f"N{i}", "某", "employee", 1, "2027-01"] for i in range(12)]
    checked = importing.bases_read(xlsx(rows), offices=offices_of(world.officer_a), max_rows=10)
    assert len(checked.errors) == 1 and "10" in checked.errors[0].message


def test_a_bad_upload_shows_the_report_on_the_page(world, client_for):
    client = client_for(world.officer_a)
    data = xlsx([BASE_HEADINGS, ["NOBODY-1", "某某", "employee", 4000, "2027-01"]])
    response = upload(client, reverse("orgs:dues_import_bases"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "NOBODY-1" in page and 'name="token"' not in page
    assert not DuesBase.objects.exists()


def test_a_row_changed_between_check_and_confirmation_stops_the_whole_import(world, client_for):
    client = client_for(world.officer_a)
    month = this_month()
    other = MemberFactory(branch=world.branch_a)
    data = xlsx(
        [
            BASE_HEADINGS,
            [number(world.member_a), world.member_a.user.name, "employee", 4000, f"{month:%Y-%m}"],
            [number(other), other.user.name, "employee", 4000, f"{month:%Y-%m}"],
        ]
    )
    token = token_of(upload(client, reverse("orgs:dues_import_bases"), data))
    services.base_set(
        actor=None, member=other, kind="employee", amount=Decimal(1), from_month=month
    )
    services.bills_make(month)  # now the month is billed: the file no longer fits
    response = client.post(reverse("orgs:dues_import_bases"), {"action": "confirm", "token": token})
    assert response.status_code == 200 and 'name="token"' not in response.content.decode()
    assert not DuesBase.objects.filter(member=world.member_a).exists()


def test_a_forged_or_foreign_confirmation_saves_nothing(world, client_for):
    client = client_for(world.officer_a)
    month = rules.add_months(this_month(), 1)
    data = xlsx(
        [
            BASE_HEADINGS,
            [number(world.member_a), world.member_a.user.name, "employee", 4000, f"{month:%Y-%m}"],
        ]
    )
    token = token_of(upload(client, reverse("orgs:dues_import_bases"), data))
    url = reverse("orgs:dues_import_bases")
    assert client.post(url, {"action": "confirm", "token": token + "x"}).status_code == 302
    other = client_for(world.officer_b)  # another officer cannot replay this token
    assert other.post(url, {"action": "confirm", "token": token}).status_code == 302
    assert not DuesBase.objects.exists()


# --- Payroll deductions -----------------------------------------------------------------


@pytest.fixture
def billed(world):
    month = this_month()
    for member in (world.member_a, world.member_b):
        services.base_set(
            actor=None, member=member, kind="employee", amount=Decimal(4000), from_month=month
        )
    services.bills_make(month)
    return month


def test_payroll_deductions_are_checked_then_recorded_once(world, client_for, billed):
    client = client_for(world.officer_a)
    url = reverse("orgs:dues_import_payroll")
    today = timezone.localdate()
    data = xlsx([PAYROLL_HEADINGS, [number(world.member_a), "", f"{billed:%Y-%m}", "40.00"]])
    response = upload(client, url, data, paid_on=today.isoformat())
    token = token_of(response)
    assert not DuesPayment.objects.exists()
    assert client.post(url, {"action": "confirm", "token": token}).status_code == 302
    assert client.post(url, {"action": "confirm", "token": token}).status_code == 302
    entry = DuesPayment.objects.get()
    assert (entry.method, entry.amount, entry.kind) == ("payroll", Decimal("40.00"), "payment")
    assert entry.bill.month == billed and entry.paid_on == today


def test_bad_deduction_rows_are_each_reported_and_nothing_recorded(world, billed):
    other = MemberFactory(branch=world.branch_a)  # no base, no bill
    rows = [
        PAYROLL_HEADINGS,
        [number(world.member_a), "", f"{billed:%Y-%m}", "40.00"],  # 2 good
        [number(world.member_a), "", f"{rules.add_months(billed, -1):%Y-%m}", "40.00"],  # 3
        [number(other), "", f"{billed:%Y-%m}", "40.00"],  # 4 no bill
        [number(world.member_b), "", f"{billed:%Y-%m}", "40.00"],  # 5 other branch
        ["NOBODY-1", "", f"{billed:%Y-%m}", "40.00"],  # 6 unknown
        [number(world.member_a), "", "2027-xx", "40.00"],  # 7 bad month
    ]
    checked = importing.deductions_read(
        xlsx(rows),
        offices=offices_of(world.officer_a),
        paid_on=timezone.localdate(),
        today=timezone.localdate(),
        max_rows=100,
    )
    assert {error.row for error in checked.errors} == {3, 4, 5, 6, 7}
    wrong_amount = importing.deductions_read(
        xlsx([PAYROLL_HEADINGS, [number(world.member_a), "", f"{billed:%Y-%m}", "39.00"]]),
        offices=offices_of(world.officer_a),
        paid_on=timezone.localdate(),
        today=timezone.localdate(),
        max_rows=100,
    )
    assert "40.00" in wrong_amount.errors[0].message
    assert not DuesPayment.objects.exists()


def test_an_already_paid_month_is_refused_in_the_file(world, billed):
    services.payment_record(
        actor=None,
        member=world.member_a,
        months=[billed],
        method="cash",
        paid_on=timezone.localdate(),
    )
    checked = importing.deductions_read(
        xlsx([PAYROLL_HEADINGS, [number(world.member_a), "", f"{billed:%Y-%m}", "40.00"]]),
        offices=offices_of(world.officer_a),
        paid_on=timezone.localdate(),
        today=timezone.localdate(),
        max_rows=100,
    )
    assert "already paid" in checked.errors[0].message


# --- Export -----------------------------------------------------------------------------


def _export(client, branch, month):
    return client.get(reverse("orgs:dues_export"), {"branch": branch.pk, "month": f"{month:%Y-%m}"})


def _cells(content: bytes) -> dict[str, list[list[object]]]:
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in workbook.worksheets
    }


def test_the_finance_export_has_bills_totals_ledger_and_bases(world, client_for, billed):
    today = timezone.localdate()
    services.payment_record(
        actor=None, member=world.member_a, months=[billed], method="cash", paid_on=today
    )
    services.voluntary_record(
        actor=None, member=world.member_a, amount=Decimal(1000), method="cash", paid_on=today
    )
    content = _export(client_for(world.officer_a), world.branch_a, billed).content
    sheets = _cells(content)
    dues, ledger = list(sheets.values())[:2]
    row = next(r for r in dues if r[0] == number(world.member_a))
    assert row[3] == 4000 and row[4:7] == [40, 40, 0]
    assert dues[-1][0] and dues[-1][4:7] == [40, 40, 0]  # totals
    assert sorted(str(r[5]) for r in ledger[1:]) == ["1000", "40"]


def test_bases_only_go_to_readers_who_may_see_them(world, client_for, organiser, billed):
    # member_a moves to branch B after being billed in A: A's officer keeps A's bill but
    # may no longer see the member's base; the committee's organisation officer may.
    Member.objects.filter(pk=world.member_a.pk).update(branch=world.branch_b)
    content = exporting.branch_month_workbook(offices_of(world.officer_a), world.branch_a, billed)
    dues = next(iter(_cells(content).values()))
    row = next(r for r in dues if r[0] == number(world.member_a))
    assert row[2] is None and row[3] is None and row[4] == 40
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = b"".join(archive.read(name) for name in archive.namelist())
    assert b"<v>4000</v>" not in xml and b">4000<" not in xml
    content = exporting.branch_month_workbook(offices_of(organiser), world.branch_a, billed)
    row = next(r for r in next(iter(_cells(content).values())) if r[0] == number(world.member_a))
    assert row[3] == 4000


def test_formula_looking_text_is_written_as_text(world, billed):
    today = timezone.localdate()
    [entry] = services.payment_record(
        actor=None, member=world.member_a, months=[billed], method="cash", paid_on=today
    )
    world.member_a.user.name = '=HYPERLINK("http://x")'
    world.member_a.user.save()
    services.payment_reverse(actor=None, payment=entry, reason="@SUM(1+1)", today=today)
    content = exporting.branch_month_workbook(offices_of(world.officer_a), world.branch_a, billed)
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s" and cell.quotePrefix, cell.value
    texts = [c.value for s in workbook.worksheets for r in s.iter_rows() for c in r]
    assert "@SUM(1+1)" in texts and '=HYPERLINK("http://x")' in texts


# --- Who may ----------------------------------------------------------------------------


def test_only_a_branchs_dues_officer_may_import(world, client_for, organiser):
    for name in ("dues_import_bases", "dues_import_payroll"):
        url = reverse(f"orgs:{name}")
        assert client_for(world.officer_a).get(url).status_code == 200
        for outsider in (organiser, world.employee, world.admin, world.member_a.user):
            assert client_for(outsider).get(url).status_code == 404
        response = client_for(None).get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    template = reverse("orgs:dues_import_template", args=["bases"])
    assert client_for(world.officer_a).get(template).status_code == 200
    assert client_for(world.employee).get(template).status_code == 404
    assert (
        client_for(world.officer_a)
        .get(reverse("orgs:dues_import_template", args=["nothing"]))
        .status_code
        == 404
    )


def test_export_for_the_dues_officer_and_the_committee_only(world, client_for, organiser):
    month = this_month()
    assert _export(client_for(world.officer_a), world.branch_a, month).status_code == 200
    assert _export(client_for(organiser), world.branch_a, month).status_code == 200
    assert _export(client_for(organiser), world.branch_b, month).status_code == 200
    assert _export(client_for(world.officer_a), world.branch_b, month).status_code == 404
    assert _export(client_for(world.officer_a), world.committee, month).status_code == 404
    for outsider in (world.employee, world.admin, world.member_a.user):
        assert _export(client_for(outsider), world.branch_a, month).status_code == 404
        assert client_for(outsider).get(reverse("orgs:dues_export")).status_code == 404
    response = _export(client_for(None), world.branch_a, month)
    assert response.status_code == 302 and "login" in response["Location"]
    page = client_for(world.officer_a).get(
        reverse("orgs:dues_export"), {"branch": world.branch_a.pk, "month": "2026-13"}
    )
    assert page.status_code == 200 and b"2026-03" in page.content


def test_an_oversized_upload_is_refused_with_a_message(world, client_for, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client = client_for(world.officer_a)
    data = xlsx([BASE_HEADINGS] + [["N1", "某", "employee", 1, "2027-01"]] * 200)
    assert len(data) > 1000
    response = upload(client, reverse("orgs:dues_import_bases"), data)
    assert response.status_code == 200 and b"MB" in response.content
    assert not DuesBase.objects.exists()


def test_a_payroll_day_in_the_future_is_refused(world, client_for, billed):
    client = client_for(world.officer_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = xlsx([PAYROLL_HEADINGS, [number(world.member_a), "", f"{billed:%Y-%m}", "40.00"]])
    response = upload(client, reverse("orgs:dues_import_payroll"), data, paid_on=tomorrow)
    assert response.status_code == 200 and 'name="token"' not in response.content.decode()
    assert response.context["form"].errors["paid_on"]  # the day is refused, on its field
    assert not DuesPayment.objects.exists()
