"""The admin site: configuration tables for administrators, nothing for others."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grassroots.core.models import RuleParameter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:core_ruleparameter_changelist",
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
