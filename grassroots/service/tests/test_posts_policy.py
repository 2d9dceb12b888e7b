"""Who may see and run a service post."""

from __future__ import annotations

import pytest

from grassroots.accounts.scope import ANONYMOUS, scope_for
from grassroots.service.models import ServicePost
from grassroots.service.posts import policy, selectors, services

pytestmark = pytest.mark.django_db


def person(world, who):
    user = getattr(world, who)
    return getattr(user, "user", user)


def make_post(world, kind=ServicePost.Kind.MOBILE):
    post = services.post_create(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=kind,
        name="流动服务岗",
        holders=[world.member_a.user],
        promise="每周到科室上门服务。",
        services=["masses"],
    )
    return selectors.get_post_for(ANONYMOUS, post.pk)


@pytest.mark.parametrize(
    ("who", "manage", "everything", "record", "plan"),
    [
        ("officer_a", True, True, True, True),
        ("committee_officer", True, True, True, True),
        ("admin", True, True, True, True),
        ("member_a", False, True, True, False),  # the holder
        ("officer_b", False, False, False, False),
        ("member_b", False, False, False, False),
        ("employee", False, False, False, False),
    ],
)
def test_who_runs_a_post_and_who_records_its_visits(world, who, manage, everything, record, plan):
    post = make_post(world)
    scope = scope_for(person(world, who))
    assert policy.can_manage(scope, post) is manage
    assert policy.sees_everything(scope, post) is everything
    assert policy.can_record_visits(scope, post) is record
    assert policy.can_plan_visits(scope, post) is plan
    assert policy.can_view(scope, post) is True
    assert policy.may_raise_appeal(scope, post) is True


def test_anonymous_visitors_see_an_active_post_but_raise_nothing_in_a_name(world):
    post = make_post(world)
    assert policy.can_view(ANONYMOUS, post)
    assert not policy.may_raise_appeal(ANONYMOUS, post)
    assert not policy.sees_everything(ANONYMOUS, post)


def test_a_deactivated_post_is_for_its_officers_and_holders_only(world):
    post = make_post(world)
    services.post_deactivate(actor=world.officer_a, post=post)
    post = selectors.get_post_for(scope_for(world.officer_a), post.pk)
    assert policy.can_view(scope_for(world.member_a.user), post)
    assert not policy.can_view(scope_for(world.employee), post)
    assert not policy.can_view(scope_for(world.officer_b), post)
    assert not policy.can_view(ANONYMOUS, post)
    assert not policy.can_record_visits(scope_for(world.member_a.user), post)


def test_only_mobile_posts_have_a_rota(world):
    post = make_post(world, kind=ServicePost.Kind.DEMONSTRATION)
    assert not policy.can_plan_visits(scope_for(world.officer_a), post)
    assert not policy.can_record_visits(scope_for(world.member_a.user), post)


def test_units_to_manage_are_the_branches_in_scope(world):
    assert list(policy.units_to_manage(scope_for(world.officer_a))) == [world.branch_a]
    assert set(policy.units_to_manage(scope_for(world.committee_officer))) == {
        world.branch_a,
        world.branch_b,
    }
    assert not policy.units_to_manage(scope_for(world.employee)).exists()
    assert policy.can_manage_in(scope_for(world.officer_a), world.branch_a)
    assert not policy.can_manage_in(scope_for(world.officer_a), world.branch_b)
    assert not policy.can_manage_in(scope_for(world.admin), world.committee)
