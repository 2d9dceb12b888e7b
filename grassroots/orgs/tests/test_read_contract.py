"""The read contract other apps use instead of `orgs.models`: units, members, posts and
departments, and the one way to read a `?unit=` parameter."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from grassroots.accounts.scope import scope_for
from grassroots.orgs import selectors
from grassroots.orgs.models import Member, OrgPost
from grassroots.orgs.services import orgpost_assign
from grassroots.orgs.tests.factories import MemberFactory
from grassroots.orgs.vocabulary import MemberStage, MemberStatus, UnitKind

pytestmark = pytest.mark.django_db

HOSTILE = ["²", "-1", "0", "1" * 10_000, "%00", "\x00", "1e9", " 12a", "99999999999"]


# --- unit_from_parameter ------------------------------------------------------------------


def test_an_absent_or_empty_unit_parameter_gives_the_default(world):
    scope = scope_for(world.officer_a)
    assert selectors.unit_from_parameter(scope, None) is None
    assert selectors.unit_from_parameter(scope, "", default=world.branch_a) == world.branch_a
    assert selectors.unit_from_parameter(scope, "  ", default=world.branch_a) == world.branch_a


def test_a_unit_parameter_names_a_unit_in_scope(world):
    scope = scope_for(world.officer_a)
    assert selectors.unit_from_parameter(scope, str(world.branch_a.pk)) == world.branch_a


@pytest.mark.parametrize("raw", HOSTILE)
def test_a_hostile_unit_parameter_is_not_found(world, raw):
    scope = scope_for(world.admin)
    with pytest.raises(Http404):
        selectors.unit_from_parameter(scope, raw, default=world.committee)


def test_a_unit_out_of_scope_is_not_found(world):
    # given branch B, which officer A may not open
    scope = scope_for(world.officer_a)
    # then it looks like a unit that does not exist
    with pytest.raises(Http404):
        selectors.unit_from_parameter(scope, str(world.branch_b.pk))


# --- Units --------------------------------------------------------------------------------


def test_units_within_a_path_come_in_tree_order_and_filter_by_kind(world):
    everything = list(selectors.units_within(world.committee.path))
    assert everything[0] == world.committee
    assert {world.branch_a, world.branch_b, world.group_a} <= set(everything)
    branches = selectors.units_within(world.committee.path, kinds=[UnitKind.BRANCH])
    assert set(branches) == {world.branch_a, world.branch_b}
    assert list(selectors.units_within(world.branch_a.path)) == [world.branch_a, world.group_a]


def test_inactive_units_are_left_out_when_asked(world):
    world.group_a.is_active = False
    world.group_a.save(update_fields=["is_active"])
    active = selectors.units_within(world.branch_a.path, active_only=True)
    assert list(active) == [world.branch_a]
    assert list(selectors.groups_of_branch(world.branch_a)) == []
    assert selectors.unit_by_id(world.group_a.pk) == world.group_a  # found by id all the same


def test_roots_paths_and_ids(world):
    assert list(selectors.root_units()) == [world.committee]
    assert set(selectors.units_at_paths([world.branch_a.path])) == {world.branch_a}
    assert set(selectors.units_by_ids([world.branch_b.pk, world.group_a.pk])) == {
        world.branch_b,
        world.group_a,
    }
    assert selectors.unit_by_id(None) is None
    assert not selectors.no_units().exists()


def test_a_branchs_groups(world):
    assert list(selectors.groups_of_branch(world.branch_a)) == [world.group_a]
    assert list(selectors.groups_of_branch(world.branch_b)) == []


# --- Members ------------------------------------------------------------------------------


def test_party_members_of_a_branch_or_a_group(world):
    # given an activist and a member who left, in branch A
    MemberFactory(branch=world.branch_a, stage=MemberStage.ACTIVIST)
    MemberFactory(branch=world.branch_a, status=MemberStatus.LEFT)
    # then neither counts as a Party member of the branch
    in_branch = selectors.party_members_of_unit(world.branch_a)
    assert all(m.stage in MemberStage.party_member_values() for m in in_branch)
    assert all(m.status in MemberStatus.active_values() for m in in_branch)
    assert world.member_a in in_branch and world.member_b not in in_branch
    assert list(selectors.party_members_of_unit(world.group_a)) == [world.member_a]
    # and the branch's records hold all of them
    assert selectors.members_of_branch(world.branch_a).count() == in_branch.count() + 2


def test_members_within_a_subtree_and_by_id(world):
    within = set(selectors.members_within(world.committee.path))
    assert {world.member_a, world.member_b} <= within
    assert world.member_b not in set(selectors.members_within(world.branch_a.path))
    assert selectors.member_by_id(world.member_a.pk) == world.member_a
    assert selectors.member_by_id(None) is None
    assert selectors.member_by_id(10**9) is None
    assert set(selectors.members_by_ids([world.member_b.pk])) == {world.member_b}
    assert not selectors.no_members().exists()


def test_a_persons_member_record_and_the_active_one(world):
    assert selectors.member_of_user(world.member_a.user) == world.member_a
    assert selectors.member_of_user(world.employee) is None
    Member.objects.filter(pk=world.member_a.pk).update(status=MemberStatus.SUSPENDED)
    assert selectors.member_of_user(world.member_a.user) is not None
    assert selectors.active_member_of_user(world.member_a.user) is None
    assert selectors.active_member_of_user(world.member_b.user) == world.member_b


def test_member_user_ids_of_a_group_and_of_a_subtree(world):
    group = set(Member.objects.filter(user_id__in=selectors.member_user_ids(world.group_a)))
    assert group == {world.member_a}
    whole = set(
        Member.objects.filter(user_id__in=selectors.member_user_ids(world.committee)).values_list(
            "pk", flat=True
        )
    )
    assert {world.member_a.pk, world.member_b.pk} <= whole


# --- Posts --------------------------------------------------------------------------------


def test_committee_posts_are_counted_on_a_day(world):
    # given two committee members of branch A from a date, besides the secretary
    day = datetime.date(2025, 3, 1)
    for _ in range(2):
        orgpost_assign(
            actor=None,
            unit=world.branch_a,
            member=MemberFactory(branch=world.branch_a),
            kind=OrgPost.Kind.COMMITTEE_MEMBER,
            starts_on=day,
        )
    # then before that date the branch has one committee post, from it three
    before = day - datetime.timedelta(days=1)
    assert selectors.committee_post_counts(on=before, unit_ids=[world.branch_a.pk]) == {
        world.branch_a.pk: 1
    }
    by_path = selectors.committee_post_counts(on=day, within_path=world.committee.path)
    assert by_path[world.branch_a.pk] == 3
    assert world.committee.pk not in by_path  # only branches are counted by path
    assert selectors.committee_member_ids(world.branch_a, on=day).count() == 3


def test_a_members_current_posts(world):
    officer = selectors.member_of_user(world.officer_a)
    assert officer is not None
    posts = list(selectors.current_posts_of(officer))
    assert [(p.unit, p.kind) for p in posts] == [(world.branch_a, OrgPost.Kind.SECRETARY)]
    assert list(selectors.current_posts_of(world.member_a)) == []


# --- Departments --------------------------------------------------------------------------


def test_departments_by_code_and_within_a_subtree(world):
    assert selectors.department_by_code("DA") == world.department_a
    assert selectors.department_by_code("") is None
    assert selectors.department_by_code("nope") is None
    company = world.department_a.parent
    assert list(selectors.departments_within(company.path)) == [
        company,
        world.department_a,
        world.department_b,
    ]
    assert not selectors.no_departments().exists()
