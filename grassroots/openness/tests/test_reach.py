"""Who a notice reaches, by audience: the rule every openness page and the API read
through (selectors.Reach), tried for each kind of person in the test enterprise."""

from __future__ import annotations

from typing import Any

import pytest

from grassroots.accounts.scope import scope_for
from grassroots.openness import selectors
from grassroots.openness.tests.factories import make_notice
from grassroots.openness.vocabulary import Audience

pytestmark = pytest.mark.django_db


def _visible(user: Any) -> set[str]:
    reach = selectors.reach_of(scope_for(user), user)
    listed = {notice.title for notice in selectors.notices_for(reach)}
    one_by_one = {
        notice.title for notice in _all if selectors.notice_for(reach, notice.pk) is not None
    }
    assert listed == one_by_one  # the list and the page agree
    return listed


_all: list[Any] = []


@pytest.fixture
def notices(world: Any) -> dict[str, Any]:
    made = {
        "public": make_notice(world.branch_a, audience=Audience.PUBLIC, title="public"),
        "enterprise": make_notice(world.committee, audience=Audience.ENTERPRISE, title="ent"),
        "dept_a": make_notice(world.branch_a, audience=Audience.DEPARTMENTS, title="dept_a"),
        "members_c": make_notice(world.committee, audience=Audience.MEMBERS, title="members_c"),
        "members_b": make_notice(world.branch_b, audience=Audience.MEMBERS, title="members_b"),
        "officers_c": make_notice(world.committee, audience=Audience.OFFICERS, title="off_c"),
        "officers_a1": make_notice(world.group_a, audience=Audience.OFFICERS, title="off_a1"),
    }
    _all[:] = made.values()
    return made


def test_anonymous_visitors_read_public_notices_only(world: Any, notices: Any) -> None:
    assert _visible(None) == {"public"}


def test_an_employee_reads_the_enterprise_and_their_departments(world: Any, notices: Any) -> None:
    assert _visible(world.employee) == {"public", "ent", "dept_a"}


def test_a_member_reads_their_organisations_and_those_above(world: Any, notices: Any) -> None:
    # member_a: branch A, group A1, department A; not branch B's members' notice
    assert _visible(world.member_a.user) == {"public", "ent", "dept_a", "members_c"}
    assert _visible(world.member_b.user) == {"public", "ent", "members_c", "members_b"}


def test_officers_read_their_subtree_whatever_the_audience(world: Any, notices: Any) -> None:
    # branch A's secretary oversees branch A and group A1, reads the committee's
    # notices to officers and members, and not branch B's members' notice
    assert _visible(world.officer_a) == {"public", "ent", "dept_a", "members_c", "off_c", "off_a1"}
    assert _visible(world.committee_officer) == {n.title for n in notices.values()}
    assert _visible(world.admin) == {n.title for n in notices.values()}


def test_applicants_and_activists_are_not_party_members(world: Any, notices: Any) -> None:
    from grassroots.orgs.models import Member

    Member.objects.filter(pk=world.member_b.pk).update(stage=Member.Stage.ACTIVIST)
    assert _visible(world.member_b.user) == {"public", "ent"}
