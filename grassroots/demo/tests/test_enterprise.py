"""The demo enterprise echoes the welfare-factory report and shows every feature."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from grassroots.accounts.models import RoleAssignment, User
from grassroots.demo.enterprise import build_enterprise
from grassroots.orgs import health
from grassroots.orgs.models import Member, OrgUnit
from grassroots.orgs.rules import HealthCode

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def demo(db):
    return build_enterprise(today=TODAY)


def test_about_six_hundred_employees_more_than_half_with_a_disability(demo):
    employees = User.objects.filter(is_superuser=False)
    assert 550 <= employees.count() <= 650
    assert employees.filter(has_disability=True).count() > employees.count() / 2


def test_one_committee_six_branches_one_joint_and_groups(demo):
    assert OrgUnit.objects.filter(kind="committee").count() == 1
    branches = OrgUnit.objects.filter(kind="branch")
    assert branches.count() == 6 and branches.filter(is_joint=True).count() == 1
    assert OrgUnit.objects.filter(kind="group").exists()


def test_about_ninety_members_mostly_born_in_the_sixties_and_seventies_few_graduates(demo):
    members = Member.objects.party_members()
    assert 80 <= members.count() <= 100
    sixties_seventies = members.filter(
        birth_date__year__gte=1960, birth_date__year__lt=1980
    ).count()
    assert sixties_seventies > members.count() / 2
    graduates = members.filter(education__in=["bachelor", "postgraduate"]).count()
    assert graduates < members.count() * 0.2


def test_people_at_every_stage_of_the_pipeline(demo):
    stages = set(Member.objects.values_list("stage", flat=True))
    assert stages == set(Member.Stage.values)


def test_one_term_about_to_expire_and_other_warnings_to_show(demo):
    units = OrgUnit.objects.all()
    codes = {
        w.code for warnings in health.units_health(units, today=TODAY).values() for w in warnings
    }
    assert HealthCode.TERM_EXPIRING in codes
    assert HealthCode.GROUP_WITHOUT_LEADER in codes


def test_every_demo_login_has_its_role(demo):
    roles = {login.role: login for login in demo.logins}

    def held(role_key):
        user = User.objects.get(employee_number=roles[role_key].employee_number)
        return set(
            RoleAssignment.objects.current().filter(user=user).values_list("role", flat=True)
        )

    assert "committee_officer" in held("committee officer")
    assert "discipline_officer" in held("discipline officer")
    assert held("branch officer") == {"branch_officer"}
    assert held("member") == set() and held("employee") == set()
    assert held("department liaison") == {"department_liaison"}
    assert User.objects.get(employee_number="ADMIN").is_superuser


def test_readme_lists_the_demo_logins_the_demo_creates(demo):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    for login in demo.logins:
        number = (
            login.employee_number.lower()
            if login.employee_number == "ADMIN"
            else login.employee_number
        )
        assert f"| {login.role} | `{number}` | {login.name}" in readme, login


def test_load_demo_leaves_existing_data_alone(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    call_command("load_demo")
    count = User.objects.count()
    call_command("load_demo")
    assert User.objects.count() == count
    assert (tmp_path / "demo-logins.txt").exists()
