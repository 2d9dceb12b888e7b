"""Excel import: all or nothing, with every bad row explained."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from grassroots.accounts.models import User
from grassroots.accounts.scope import scope_for
from grassroots.core.models import AuditEntry
from grassroots.orgs import exporting
from grassroots.orgs.importing import import_spreadsheet
from grassroots.orgs.models import Department, ImportBatch, Member

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(user, kind, rows):
    return import_spreadsheet(
        actor=user,
        scope=scope_for(user),
        kind=kind,
        data=xlsx(rows),
        filename="test.xlsx",
        max_rows=1000,
    )


def import_as_gone(world, member):
    """Branch A's officer imports a row saying `member` left the Party."""
    return run_import(
        world.officer_a,
        "members",
        [
            ["工号", "姓名", "发展阶段", "党籍状态", "支部编码"],
            [member.user.employee_number, member.user.name, "正式党员", "出党", "A"],
        ],
    )


def messages_of(batch):
    return [(error["row"], error["column"], error["message"]) for error in batch.errors]


# --- Departments ------------------------------------------------------------------------


def test_departments_import_builds_the_tree_whatever_the_row_order(world):
    batch = run_import(
        world.admin,
        "departments",
        [
            ["部门编码", "部门名称", "上级部门编码", "类型"],
            ["T1-1", "一班", "T1", "班组"],
            ["T1", "新车间", "D0", "车间"],
            ["T2", "新科室", "", "Office"],
        ],
    )
    assert batch.outcome == "applied", batch.errors
    assert (batch.created_count, batch.updated_count) == (3, 0)
    team = Department.objects.get(code="T1-1")
    assert team.parent.code == "T1" and team.path.startswith(Department.objects.get(code="D0").path)
    assert team.kind == Department.Kind.TEAM
    assert AuditEntry.objects.filter(action="department.create").count() >= 3
    assert AuditEntry.objects.filter(action="import.departments").count() == 1


def test_department_parents_that_go_round_in_a_circle_are_refused(world):
    batch = run_import(
        world.admin,
        "departments",
        [["部门编码", "部门名称", "上级部门编码"], ["X1", "甲", "X2"], ["X2", "乙", "X1"]],
    )
    assert batch.outcome == "rejected"
    assert not Department.objects.filter(code__in=["X1", "X2"]).exists()


# --- Employees --------------------------------------------------------------------------


def test_employees_import_creates_and_updates(world):
    batch = run_import(
        world.admin,
        "employees",
        [
            ["工号", "姓名", "手机号", "部门编码", "残疾"],
            ["N001", "新职工", "13900001111", "DA", "是"],
            [world.employee.employee_number, "改名", "", "DB", "否"],
        ],
    )
    assert batch.outcome == "applied", batch.errors
    new = User.objects.get(employee_number="N001")
    assert new.has_disability and new.department == world.department_a
    assert not new.has_usable_password()
    world.employee.refresh_from_db()
    assert (world.employee.name, world.employee.department) == ("改名", world.department_b)


def test_a_bad_employee_file_imports_nothing_and_explains_every_row(world):
    # given: one good row and four bad ones
    rows = [
        ["工号", "姓名", "手机号", "部门编码"],
        ["N100", "好行", "13900002222", "DA"],
        ["N101", "未知部门", "", "NOPE"],
        ["N102", "手机不对", "12345", "DA"],
        ["N103", "", "", "DA"],
        ["N100", "重复工号", "", "DA"],
        ["N104", "手机被占", world.officer_b.phone, "DA"],
    ]
    # when
    batch = run_import(world.admin, "employees", rows)
    # then
    assert batch.outcome == "rejected"
    assert not User.objects.filter(employee_number__startswith="N10").exists()
    problem_rows = {error["row"] for error in batch.errors}
    assert problem_rows == {2, 3, 4, 5, 6, 7}
    text = " ".join(error["message"] for error in batch.errors)
    assert "11" in text  # the phone rule says what a mobile number looks like


# --- Member records ---------------------------------------------------------------------


MEMBER_HEADER = [
    "工号",
    "姓名",
    "发展阶段",
    "支部编码",
    "党小组编码",
    "出生日期",
    "性别",
    "学历",
    "申请入党日期",
]


def test_members_import_creates_records_in_the_officers_branch(world):
    batch = run_import(
        world.officer_a,
        "members",
        [
            MEMBER_HEADER,
            [
                world.employee.employee_number,
                world.employee.name,
                "入党申请人",
                "A",
                "A1",
                "1990/5/6",
                "女",
                "本科",
                "2025年3月1日",
            ],
        ],
    )
    assert batch.outcome == "applied", batch.errors
    member = Member.objects.get(user=world.employee)
    assert (member.stage, member.group, member.birth_date) == (
        "applicant",
        world.group_a,
        datetime.date(1990, 5, 6),
    )
    assert member.gender == "f" and member.education == "bachelor"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (["NOBODY", "", "入党申请人", "A", "", "", "", "", ""], "工号"),
        (["{employee}", "", "入党申请人", "B", "", "", "", "", ""], "支部编码"),
        (["{employee}", "", "入党申请人", "A", "", "1990-13-01", "", "", ""], "出生日期"),
        (["{employee}", "", "党员", "A", "", "", "", "", ""], "发展阶段"),
        (
            ["{employee}", "", "入党申请人", "A", "A1", "2010-01-01", "", "", "2026-01-01"],
            "申请入党日期",
        ),
        (["{employee}", "别人", "入党申请人", "A", "", "", "", "", ""], "姓名"),
        (["{employee}", "", "入党申请人", "A", "", "", "男性", "", ""], "性别"),
    ],
)
def test_member_rows_with_problems_are_refused_in_plain_words(world, row, column):
    row = [cell.format(employee=world.employee.employee_number) for cell in row]
    batch = run_import(world.officer_a, "members", [MEMBER_HEADER, row])
    assert batch.outcome == "rejected"
    assert any(error["column"] == column and error["row"] == 2 for error in batch.errors), (
        batch.errors
    )
    assert not Member.objects.filter(user=world.employee).exists()


def test_one_bad_member_row_stops_the_good_ones_too(world):
    good = [world.employee.employee_number, "", "入党申请人", "A", "", "", "", "", ""]
    bad = ["NOBODY", "", "入党申请人", "A", "", "", "", "", ""]
    batch = run_import(world.officer_a, "members", [MEMBER_HEADER, good, bad])
    assert batch.outcome == "rejected"
    assert not Member.objects.filter(user=world.employee).exists()


def test_an_officer_cannot_update_a_record_kept_by_another_branch(world):
    row = [world.member_b.user.employee_number, "", "正式党员", "A", "", "", "", "", ""]
    batch = run_import(world.officer_a, "members", [MEMBER_HEADER, row])
    assert batch.outcome == "rejected"
    world.member_b.refresh_from_db()
    assert world.member_b.branch == world.branch_b


def test_export_and_import_again_changes_nothing_even_with_masked_ids(world):
    # given: a record with an ID number the branch officer sees masked
    Member.objects.filter(pk=world.member_a.pk).update(
        id_card_number="11010519491231002X", birth_date=datetime.date(1949, 12, 31), gender="f"
    )
    scope = scope_for(world.officer_a)
    members = Member.objects.filter(branch=world.branch_a).select_related("user", "branch", "group")
    data = exporting.members_workbook(members, scope)
    assert b"110***********002X" in _sheet_text(data)
    # when
    batch = import_spreadsheet(
        actor=world.officer_a,
        scope=scope,
        kind="members",
        data=data,
        filename="export.xlsx",
        max_rows=1000,
    )
    # then
    assert batch.outcome == "applied", batch.errors
    assert batch.updated_count == 0
    world.member_a.refresh_from_db()
    assert world.member_a.id_card_number == "11010519491231002X"


def _sheet_text(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))


# --- Whole files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"name,phone\nx,y\n",
        b"PK\x03\x04 not really a zip",
        b"%PDF-1.7 renamed to xlsx",
    ],
)
def test_files_that_are_not_workbooks_get_one_clear_message(world, data):
    batch = import_spreadsheet(
        actor=world.admin,
        scope=scope_for(world.admin),
        kind="employees",
        data=data,
        filename="x.xlsx",
        max_rows=10,
    )
    assert batch.outcome == "rejected"
    assert len(batch.errors) == 1 and batch.errors[0]["message"]


def test_a_zip_that_is_not_a_workbook_is_refused(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    batch = import_spreadsheet(
        actor=world.admin,
        scope=scope_for(world.admin),
        kind="employees",
        data=buffer.getvalue(),
        filename="x.xlsx",
        max_rows=10,
    )
    assert batch.outcome == "rejected"


def test_a_missing_required_column_is_named(world):
    batch = run_import(world.admin, "employees", [["工号", "手机号"], ["N1", "13900001111"]])
    assert batch.outcome == "rejected"
    assert [error["column"] for error in batch.errors] == ["姓名"]


def test_too_many_rows_are_refused_before_any_work(world):
    rows = [["工号", "姓名"]] + [[f"M{i}", "某"] for i in range(12)]
    batch = import_spreadsheet(
        actor=world.admin,
        scope=scope_for(world.admin),
        kind="employees",
        data=xlsx(rows),
        filename="x.xlsx",
        max_rows=10,
    )
    assert batch.outcome == "rejected"
    assert "10" in batch.errors[0]["message"]


def test_english_headings_are_accepted_too(world):
    batch = run_import(
        world.admin, "employees", [["Employee number", "Name"], ["EN1", "English Heading"]]
    )
    assert batch.outcome == "applied", batch.errors


def test_formula_looking_text_is_exported_as_text(world):
    User.objects.filter(pk=world.member_a.user_id).update(name='=HYPERLINK("http://x")')
    data = exporting.members_workbook(
        Member.objects.filter(pk=world.member_a.pk).select_related("user", "branch", "group"),
        scope_for(world.admin),
    )
    cell = load_workbook(io.BytesIO(data)).active["B2"]
    assert cell.data_type == "s"


# --- Through the pages ------------------------------------------------------------------


def test_uploading_a_bad_file_shows_every_problem_and_a_report(world, client_for):
    client = client_for(world.admin)
    data = xlsx([["工号", "姓名", "部门编码"], ["Z1", "甲", "NOPE"], ["Z2", "", "DA"]])
    response = client.post(
        reverse("orgs:import"),
        {"kind": "employees", "file": SimpleUploadedFile("bad.xlsx", data)},
    )
    batch = ImportBatch.objects.get(filename="bad.xlsx")
    assert response.status_code == 302 and response.url == reverse(
        "orgs:import_detail", args=[batch.pk]
    )
    page = client.get(response.url).content.decode()
    assert "NOPE" in page
    report = client.get(reverse("orgs:import_report", args=[batch.pk]))
    rows = list(load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + len(batch.errors) == 3


def test_an_oversized_upload_is_refused_with_a_message(world, client_for, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client = client_for(world.admin)
    response = client.post(
        reverse("orgs:import"),
        {"kind": "employees", "file": SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 2000)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_script_in_a_name_is_kept_as_text_and_shown_escaped(world, client_for):
    run_import(world.admin, "employees", [["工号", "姓名"], ["S1", "<script>alert(1)</script>"]])
    member_row = [world.member_a.user.employee_number]
    assert member_row
    page = client_for(world.admin).get(reverse("orgs:department_tree")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert User.objects.get(employee_number="S1").name == "<script>alert(1)</script>"


def test_a_row_with_several_problems_reports_each_of_them(world):
    batch = run_import(
        world.admin,
        "employees",
        [["工号", "姓名", "手机号", "部门编码"], ["N9", "甲", "123", "NOPE"]],
    )
    assert {(error["row"], error["column"]) for error in batch.errors} == {
        (2, "手机号"),
        (2, "部门编码"),
    }


def test_a_member_imported_as_gone_left_today_for_the_statistics(world):
    # given: a full member in good standing
    member = world.member_a
    # when: the import says they left the Party
    batch = import_as_gone(world, member)
    # then: the leaving day is the import's day, as when an officer edits the record
    assert batch.outcome == "applied", batch.errors
    member.refresh_from_db()
    assert member.status == Member.Status.LEFT
    assert member.left_on == timezone.localdate()
    assert member.leaving_reason == Member.LeavingReason.OTHER


def test_a_new_record_imported_as_gone_left_today_for_the_statistics(world):
    # given: an employee without a member record
    employee = world.employee
    # when: the import opens their record as gone
    batch = run_import(
        world.officer_a,
        "members",
        [
            ["工号", "姓名", "发展阶段", "党籍状态", "支部编码", "转正日期"],
            [employee.employee_number, employee.name, "正式党员", "出党", "A", "2010-01-01"],
        ],
    )
    # then: the same leaving day and reason as for an existing record
    assert batch.outcome == "applied", batch.errors
    member = Member.objects.get(user=employee)
    assert member.left_on == timezone.localdate()
    assert member.leaving_reason == Member.LeavingReason.OTHER


def test_a_member_imported_as_gone_is_no_member_at_their_next_request(world):
    # given: a member whose scope was worked out (and kept: accounts.scope) before
    member = world.member_a
    assert scope_for(type(member.user).objects.get(pk=member.user_id)).is_member
    # when: the import (bulk writes, no signals) says they left the Party
    batch = import_as_gone(world, member)
    assert batch.outcome == "applied", batch.errors
    # then: their next request no longer has them as a member
    assert not scope_for(type(member.user).objects.get(pk=member.user_id)).is_member
