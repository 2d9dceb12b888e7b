"""The admin site: configuration tables for administrators, nothing for others."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core import workcalendar
from grassroots.core.models import AuditEntry, CalendarDay, RuleParameter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:core_ruleparameter_changelist",
        "admin:core_calendarday_changelist",
        "admin:core_calendarday_add",
        "admin:orglife_developmentstep_changelist",
        "admin:orgs_orgunit_changelist",
        "admin:orgs_department_changelist",
        "admin:accounts_user_changelist",
        "admin:notifications_webhook_changelist",
    ],
)
def test_admin_pages_open_for_administrators_only(world, client_for, url_name):
    assert client_for(world.admin).get(reverse(url_name)).status_code == 200
    assert client_for(world.committee_officer).get(reverse(url_name)).status_code == 302
    assert client_for(None).get(reverse(url_name)).status_code == 302


def test_administrator_changes_a_rule_through_the_admin(world, client_for):
    row = RuleParameter.objects.get(key="orgs.branch_max_members")
    url = reverse("admin:core_ruleparameter_change", args=[row.pk])
    response = client_for(world.admin).post(url, {"value": "45"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.value == 45
    response = client_for(world.admin).post(url, {"value": "-3"})
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.value == 45


def test_administrator_adds_a_branch_through_the_admin(world, client_for):
    from grassroots.orgs.models import OrgUnit

    response = client_for(world.admin).post(
        reverse("admin:orgs_orgunit_add"),
        {
            "code": "NEW",
            "name": "新支部",
            "kind": "branch",
            "parent": world.committee.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="NEW")
    assert unit.path.startswith(world.committee.path) and unit.depth == 1


def test_administrator_marks_a_rest_day_and_deadlines_follow(
    world, client_for, django_capture_on_commit_callbacks
):
    day = datetime.date(2026, 3, 2)  # a Monday the official calendar calls a workday
    workcalendar.forget_overrides()
    assert workcalendar.is_workday(day)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.admin).post(
            reverse("admin:core_calendarday_add"),
            {"date": "2026-03-02", "note": "厂休"},  # workday box left unticked: a rest day
        )
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=day)
    assert not row.is_workday and row.updated_by == world.admin
    assert not workcalendar.is_workday(day)
    assert AuditEntry.objects.filter(action="calendar.set", actor=world.admin).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.admin).post(
            reverse("admin:core_calendarday_delete", args=[row.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(date=day).exists()
    assert workcalendar.is_workday(day)
    assert AuditEntry.objects.filter(action="calendar.clear").exists()


def test_a_year_missing_from_the_calendar_is_flagged_to_administrators(
    world, client_for, monkeypatch
):
    year = timezone.localdate().year
    monkeypatch.setattr(workcalendar, "package_covers", lambda y: y < year)
    admin_client = client_for(world.admin)
    changelist = admin_client.get(reverse("admin:core_calendarday_changelist"))
    assert f"{year}" in str([str(m) for m in changelist.context["messages"]])
    home = admin_client.get("/")
    assert year in home.context["calendar_years_missing"]
    assert "calendarday" in home.content.decode()

    CalendarDay.objects.create(date=datetime.date(year, 1, 1), is_workday=False, note="元旦")
    assert year not in admin_client.get("/").context["calendar_years_missing"]
    assert "calendar_years_missing" not in client_for(world.committee_officer).get("/").context
