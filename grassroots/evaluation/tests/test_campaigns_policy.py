"""Who may run campaigns, read results and write plans."""

from __future__ import annotations

import pytest

from grassroots.accounts.scope import scope_for
from grassroots.evaluation.campaigns import policy
from grassroots.evaluation.campaigns.models import Campaign, CampaignSubject
from grassroots.orgs.models import Member

pytestmark = pytest.mark.django_db


def _subject(world, **extra):
    campaign = Campaign(organiser=world.committee)
    return CampaignSubject(campaign=campaign, unit=world.branch_a, name="甲支部", **extra)


def test_committee_officers_and_administrators_run_campaigns(world):
    campaign = Campaign(organiser=world.committee)
    assert policy.can_create(scope_for(world.committee_officer))
    assert policy.can_manage(scope_for(world.committee_officer), campaign)
    assert policy.can_manage(scope_for(world.admin), campaign)
    assert list(policy.organisers(scope_for(world.committee_officer))) == [world.committee]
    for user in (world.officer_a, world.member_a.user, world.employee):
        scope = scope_for(user)
        assert not policy.can_create(scope)
        assert not policy.can_manage(scope, campaign)
        assert not policy.organisers(scope).exists()


def test_a_branch_result_is_for_its_officers_and_those_above(world):
    subject = _subject(world)
    assert policy.can_see_subject(scope_for(world.officer_a), world.officer_a, subject)
    assert policy.can_see_subject(
        scope_for(world.committee_officer), world.committee_officer, subject
    )
    assert policy.can_plan(scope_for(world.officer_a), world.officer_a, subject)
    for user in (world.officer_b, world.member_a.user, world.employee):
        assert not policy.can_see_subject(scope_for(user), user, subject)
        assert not policy.can_plan(scope_for(user), user, subject)


def test_a_named_member_sees_their_own_result(world):
    member = Member.objects.get(user=world.member_a.user)
    subject = _subject(world, member=member)
    assert policy.can_see_subject(scope_for(world.member_a.user), world.member_a.user, subject)
    assert not policy.can_see_subject(scope_for(world.member_b.user), world.member_b.user, subject)
    # the officers above the member's branch see it; a fellow officer of the branch does not
    assert policy.can_see_subject(
        scope_for(world.committee_officer), world.committee_officer, subject
    )
    assert not policy.can_see_subject(scope_for(world.officer_a), world.officer_a, subject)


def test_the_tally_is_for_everyone_signed_in(world):
    assert policy.can_see_tally(scope_for(world.employee))
    assert not policy.can_see_tally(scope_for(None))


def test_the_filter_of_subjects_agrees_with_the_check_of_one(world):
    from grassroots.evaluation.campaigns import services
    from grassroots.evaluation.tests.test_campaigns_world import campaign, draft

    named = services.campaign_create(
        actor=world.committee_officer,
        organiser=world.committee,
        draft=draft(subject_kind=Campaign.SubjectKind.MEMBERS),
        members=[Member.objects.get(user=world.officer_a), world.member_a, world.member_b],
    )
    branches = campaign(world, units=[world.branch_a, world.branch_b])
    subjects = list(
        CampaignSubject.objects.filter(campaign__in=[named, branches]).select_related(
            "unit", "member"
        )
    )
    users = [
        world.admin,
        world.committee_officer,
        world.officer_a,
        world.member_a.user,
        world.member_b.user,
        world.employee,
    ]
    for user in users:
        scope = scope_for(user)
        expected = {s.pk for s in subjects if policy.can_see_subject(scope, user, s)}
        filtered = set(
            CampaignSubject.objects.filter(
                policy.seen_subjects(scope, user), pk__in=[s.pk for s in subjects]
            ).values_list("pk", flat=True)
        )
        assert filtered == expected, user
