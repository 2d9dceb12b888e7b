from __future__ import annotations

import pytest
from django.urls import reverse

from grassroots.core.audit import audit_record
from grassroots.orgs.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_committee_officer_reads_the_log_of_their_subtree_only(world, client_for):
    # given
    audit_record(
        actor=world.officer_a,
        action="member.update",
        target=world.member_a,
        org_path=world.branch_a.path,
    )
    elsewhere = OrgUnitFactory(kind="committee", name="别的党委")
    audit_record(actor=None, action="orgunit.update", target=elsewhere, org_path=elsewhere.path)
    # when
    page = client_for(world.committee_officer).get(reverse("insights:audit_log")).content.decode()
    # then
    assert world.member_a.user.name in page
    assert "别的党委" not in page


def test_audit_log_is_refused_to_branch_officers_and_visitors(world, client_for):
    assert client_for(world.officer_a).get(reverse("insights:audit_log")).status_code == 404
    assert client_for(world.member_a.user).get(reverse("insights:audit_log")).status_code == 404
    assert client_for(None).get(reverse("insights:audit_log")).status_code == 302


def test_health_endpoint_answers(client):
    assert client.get("/healthz").content == b"ok"
