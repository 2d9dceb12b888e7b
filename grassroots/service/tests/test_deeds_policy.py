"""Who may run, rate and see the flags of practical deeds."""

from __future__ import annotations

import pytest

from grassroots.accounts.scope import scope_for
from grassroots.service.deeds import policy
from grassroots.service.tests.deeds_factories import done_deed, make_deed

pytestmark = pytest.mark.django_db


def person(world, who):
    if who is None:
        return None
    value = getattr(world, who)
    return getattr(value, "user", value)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer_a", True),
        ("committee_officer", True),
        ("admin", True),
        ("officer_b", False),
        ("member_a", False),
        ("employee", False),
        (None, False),
    ],
)
def test_who_may_run_a_branch_deed(world, who, expected):
    deed = make_deed(world)
    assert policy.can_manage(scope_for(person(world, who)), deed) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("committee_officer", True), ("admin", True), ("officer_a", False), ("officer_b", False)],
)
def test_only_committee_officers_run_committee_deeds(world, who, expected):
    deed = make_deed(
        world, actor=world.committee_officer, unit=world.committee, owner=world.committee_officer
    )
    assert policy.can_manage(scope_for(person(world, who)), deed) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("employee", True),
        ("member_a", True),
        ("member_b", True),
        ("officer_b", True),  # another branch's officer is an employee here
        ("officer_a", False),  # the owner and the branch's officer
        ("committee_officer", False),  # answers for the branch too
        ("admin", False),
        (None, False),
    ],
)
def test_who_may_rate_a_done_deed(world, who, expected):
    deed = done_deed(world)
    user = person(world, who)
    assert policy.can_rate(scope_for(user), user, deed) is expected


def test_nobody_rates_an_open_deed(world):
    deed = make_deed(world)
    assert not policy.can_rate(scope_for(world.employee), world.employee, deed)


def test_a_member_named_responsible_does_not_rate_their_own_deed(world):
    deed = done_deed(world, owner=world.member_a.user)
    user = world.member_a.user
    assert not policy.can_rate(scope_for(user), user, deed)


def test_groups_are_not_offered_as_promising_units(world):
    units = set(policy.units_to_manage(scope_for(world.officer_a)))
    assert units == {world.branch_a}
    assert world.group_a not in set(policy.units_to_manage(scope_for(world.admin)))
