from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.accounts.models import Role, RoleAssignment
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.orgs import services
from grassroots.orgs.models import Member, OrgPost, OrgUnit
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def test_creating_a_member_records_who_did_it(world):
    # given
    user = UserFactory()
    # when
    member = services.member_create(
        actor=world.officer_a,
        user=user,
        stage=Member.Stage.APPLICANT,
        branch=world.branch_a,
        applied_on=datetime.date(2025, 3, 1),
        birth_date=datetime.date(1995, 1, 1),
    )
    # then
    entry = AuditEntry.objects.get(action="member.create", target_id=str(member.pk))
    assert entry.actor == world.officer_a
    assert entry.org_path == world.branch_a.path
    assert entry.changes["stage"] == [None, "applicant"]


def test_a_record_opened_as_gone_left_today_and_an_active_one_has_no_leaving_day(world):
    # when: one record is opened as suspended, one active with a stray leaving day
    gone = services.member_create(
        actor=None,
        user=UserFactory(),
        stage=Member.Stage.FULL,
        status=Member.Status.SUSPENDED,
        branch=world.branch_a,
        full_on=datetime.date(2010, 1, 1),
    )
    active = services.member_create(
        actor=None,
        user=UserFactory(),
        stage=Member.Stage.FULL,
        branch=world.branch_a,
        full_on=datetime.date(2010, 1, 1),
        left_on=datetime.date(2020, 1, 1),
        leaving_reason=Member.LeavingReason.DEATH,
    )
    # then: the same rule as when a record is changed
    assert gone.left_on == timezone.localdate()
    assert gone.leaving_reason == Member.LeavingReason.SUSPENDED
    assert (active.left_on, active.leaving_reason) == (None, "")


def test_date_of_birth_and_gender_come_from_the_id_number(world):
    member = services.member_create(
        actor=None,
        user=UserFactory(),
        stage=Member.Stage.APPLICANT,
        branch=world.branch_a,
        id_card_number="11010519491231002x",
    )
    assert member.id_card_number == "11010519491231002X"
    assert member.birth_date == datetime.date(1949, 12, 31)
    assert member.gender == Member.Gender.FEMALE


def test_an_id_number_that_contradicts_the_birth_date_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.member_create(
            actor=None,
            user=UserFactory(),
            stage=Member.Stage.APPLICANT,
            branch=world.branch_a,
            id_card_number="11010519491231002X",
            birth_date=datetime.date(1950, 1, 1),
        )
    assert "birth_date" in error.value.message_dict


def test_an_applicant_must_be_eighteen_on_the_day_of_application(world):
    with pytest.raises(ValidationError) as error:
        services.member_create(
            actor=None,
            user=UserFactory(),
            stage=Member.Stage.APPLICANT,
            branch=world.branch_a,
            birth_date=datetime.date(2008, 6, 2),
            applied_on=datetime.date(2026, 6, 1),
        )
    assert "applied_on" in error.value.message_dict
    assert not Member.objects.filter(birth_date=datetime.date(2008, 6, 2)).exists()


def test_stage_dates_must_follow_each_other(world):
    with pytest.raises(ValidationError) as error:
        services.member_update(
            actor=world.officer_a,
            member=world.member_a,
            candidate_on=world.member_a.activist_on - datetime.timedelta(days=1),
        )
    assert "candidate_on" in error.value.message_dict


def test_a_full_member_needs_the_date_of_full_membership(world):
    with pytest.raises(ValidationError) as error:
        services.member_update(actor=None, member=world.member_a, full_on=None)
    assert "full_on" in error.value.message_dict


def test_a_group_must_belong_to_the_members_branch(world):
    with pytest.raises(ValidationError) as error:
        services.member_update(actor=None, member=world.member_b, group=world.group_a)
    assert "group" in error.value.message_dict


def test_moving_a_member_to_another_branch_leaves_the_old_group(world):
    member = services.member_update(actor=None, member=world.member_a, branch=world.branch_b)
    assert member.branch == world.branch_b
    assert member.group is None


def test_a_post_grants_the_officer_role_and_ending_it_takes_it_away(world):
    # given
    member = MemberFactory(branch=world.branch_b)
    # when
    post = services.orgpost_assign(
        actor=world.committee_officer,
        unit=world.branch_b,
        member=member,
        kind=OrgPost.Kind.DISCIPLINE,
        starts_on=datetime.date(2025, 1, 1),
    )
    # then
    roles = set(
        RoleAssignment.objects.current().filter(user=member.user).values_list("role", flat=True)
    )
    assert roles == {Role.BRANCH_OFFICER, Role.DISCIPLINE_OFFICER}
    services.orgpost_end(actor=None, post=post, ends_on=datetime.date(2025, 6, 1))
    assert not RoleAssignment.objects.current().filter(user=member.user).exists()


def test_a_unit_has_one_secretary_at_a_time(world):
    with pytest.raises(ValidationError):
        services.orgpost_assign(
            actor=None,
            unit=world.branch_a,
            member=world.member_a,
            kind=OrgPost.Kind.SECRETARY,
            starts_on=datetime.date(2025, 1, 1),
        )


def test_only_party_members_hold_posts(world):
    applicant = MemberFactory(branch=world.branch_a, stage=Member.Stage.APPLICANT)
    with pytest.raises(ValidationError) as error:
        services.orgpost_assign(
            actor=None,
            unit=world.branch_a,
            member=applicant,
            kind=OrgPost.Kind.COMMITTEE_MEMBER,
            starts_on=datetime.date(2025, 1, 1),
        )
    assert "member" in error.value.message_dict


def test_a_member_who_leaves_the_party_loses_their_posts(world):
    secretary = world.officer_a.member
    services.member_update(
        actor=world.committee_officer, member=secretary, status=Member.Status.LEFT
    )
    assert not OrgPost.objects.filter(member=secretary, ends_on__isnull=True).exists()
    assert not RoleAssignment.objects.current().filter(user=world.officer_a).exists()


def test_posts_end_on_the_leaving_day_not_the_day_of_the_edit(world):
    # given: the secretary's post began before the leaving day
    secretary = world.officer_a.member
    post = OrgPost.objects.get(member=secretary, ends_on__isnull=True)
    left_on = post.starts_on + datetime.timedelta(days=10)
    # when: the record says they left on that day
    services.member_update(
        actor=world.committee_officer,
        member=secretary,
        status=Member.Status.LEFT,
        left_on=left_on,
        leaving_reason=Member.LeavingReason.DEATH,
    )
    # then
    post.refresh_from_db()
    assert post.ends_on == left_on


def test_a_group_cannot_sit_directly_under_a_committee(world):
    with pytest.raises(ValidationError) as error:
        services.orgunit_create(
            actor=None, code="X1", name="错位小组", kind=OrgUnit.Kind.GROUP, parent=world.committee
        )
    assert "parent" in error.value.message_dict
    assert not OrgUnit.objects.filter(code="X1").exists()


def test_moving_a_branch_under_another_committee_moves_its_groups(world):
    other = OrgUnitFactory(kind=OrgUnit.Kind.COMMITTEE)
    services.orgunit_update(actor=None, unit=world.branch_a, parent=other)
    world.group_a.refresh_from_db()
    assert world.group_a.path.startswith(other.path)


def test_department_codes_are_unique(world):
    with pytest.raises(ValidationError):
        services.department_create(actor=None, code="DA", name="重复")


def test_an_organisation_is_founded_and_dissolved_on_a_recorded_day(world):
    # given: a branch founded without a day: none is recorded (counted on every day)
    branch = services.orgunit_create(
        actor=None, code="X2", name="新支部", kind=OrgUnit.Kind.BRANCH, parent=world.committee
    )
    assert branch.founded_on is None
    # when: made inactive without a day
    services.orgunit_update(actor=None, unit=branch, is_active=False)
    branch.refresh_from_db()
    # then: dissolved today; made active again, no dissolution day
    assert branch.dissolved_on == timezone.localdate()
    services.orgunit_update(actor=None, unit=branch, is_active=True)
    branch.refresh_from_db()
    assert branch.dissolved_on is None
    # a dissolution in the future is refused, nothing saved
    with pytest.raises(ValidationError) as error:
        services.orgunit_update(
            actor=None,
            unit=branch,
            is_active=False,
            dissolved_on=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert "dissolved_on" in error.value.message_dict
    branch.refresh_from_db()
    assert branch.is_active
