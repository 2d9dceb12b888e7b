"""Commitments through their services: draft → submit → approve or return → progress →
self-assessment and rating; the audit log and the notices."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.notifications.models import Notification
from grassroots.orgs.models import Member
from grassroots.service.commitments import services
from grassroots.service.models import Commitment, CommitmentRating, ServicePost

pytestmark = pytest.mark.django_db


def draft(world, **extra):
    values = {
        "year": timezone.localdate().year,
        "text": "每月走访班组困难职工一次；带头完成装配线无障碍改造。",
        "services": ["masses", "development"],
    }
    return services.commitment_draft(actor=world.member_a.user, **(values | extra))


def published(world, *, year=None):
    """A published commitment of member A (department A), made directly for any year."""
    return Commitment.objects.create(
        member=world.member_a.user,
        unit=world.branch_a,
        department=world.department_a,
        year=year or timezone.localdate().year,
        text="坚持每周巡查安全隐患。",
        services=["masses"],
        status=Commitment.Status.PUBLISHED,
        approved_by=world.officer_a,
        published_at=timezone.now(),
    )


def test_a_member_drafts_submits_and_the_branch_publishes_to_their_department(world):
    # given a draft by member A
    commitment = draft(world)
    assert commitment.status == Commitment.Status.DRAFT
    assert commitment.unit == world.branch_a
    assert commitment.department is None
    # when it is submitted, the branch officer is told
    services.commitment_submit(actor=world.member_a.user, commitment=commitment)
    assert Notification.objects.filter(
        recipient=world.officer_a, kind="service.commitment"
    ).exists()
    # and approved
    services.commitment_approve(actor=world.officer_a, commitment=commitment)
    # then it is published to the member's department, and the member is told
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.PUBLISHED
    assert commitment.department == world.department_a
    assert commitment.approved_by == world.officer_a
    assert commitment.published_at is not None
    assert Notification.objects.filter(
        recipient=world.member_a.user, dedupe_key=f"commitment:{commitment.pk}:published"
    ).exists()
    actions = list(
        AuditEntry.objects.filter(target_id=str(commitment.pk), action__startswith="commitment.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["commitment.draft", "commitment.submit", "commitment.approve"]


def test_a_returned_commitment_carries_the_reason_to_the_member_and_can_be_resubmitted(world):
    commitment = draft(world)
    services.commitment_submit(actor=world.member_a.user, commitment=commitment)
    # when the officer returns it
    services.commitment_return(
        actor=world.officer_a, commitment=commitment, reason="承诺要具体，可以量化。"
    )
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.RETURNED
    assert commitment.return_reason == "承诺要具体，可以量化。"
    notice = Notification.objects.get(recipient=world.member_a.user, kind="service.commitment")
    assert notice.body == "承诺要具体，可以量化。"
    # then the member changes and resubmits it
    services.commitment_update(
        actor=world.member_a.user,
        commitment=commitment,
        text="每月走访困难职工不少于2次。",
        services=["masses"],
    )
    services.commitment_submit(actor=world.member_a.user, commitment=commitment)
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.SUBMITTED
    assert commitment.text == "每月走访困难职工不少于2次。"


def test_returning_needs_a_reason_and_changes_nothing_without_one(world):
    commitment = draft(world)
    services.commitment_submit(actor=world.member_a.user, commitment=commitment)
    with pytest.raises(ValidationError) as error:
        services.commitment_return(actor=world.officer_a, commitment=commitment, reason="  ")
    assert "reason" in error.value.message_dict
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.SUBMITTED


def test_only_party_members_in_good_standing_commit(world):
    with pytest.raises(ValidationError):
        services.commitment_draft(
            actor=world.employee, year=timezone.localdate().year, text="x", services=["masses"]
        )
    Member.objects.filter(pk=world.member_a.pk).update(stage=Member.Stage.ACTIVIST)
    world.member_a.user.refresh_from_db()
    with pytest.raises(ValidationError):
        draft(world)
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"text": "  "}, "text"),
        ({"text": "很" * 2001}, "text"),
        ({"services": []}, "services"),
        ({"services": ["masses", "nonsense"]}, "services"),
        ({"year": 1999}, "year"),
    ],
)
def test_a_bad_draft_says_which_field_is_wrong_and_saves_nothing(world, extra, field):
    with pytest.raises(ValidationError) as error:
        draft(world, **extra)
    assert field in error.value.message_dict
    assert not Commitment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="commitment.").exists()


def test_a_commitment_may_be_tied_only_to_a_post_the_member_holds(world):
    post = ServicePost.objects.create(
        unit=world.branch_a,
        kind=ServicePost.Kind.DEMONSTRATION,
        name="装配示范岗",
        promise="质量零缺陷",
    )
    with pytest.raises(ValidationError) as error:
        draft(world, post=post)
    assert "post" in error.value.message_dict
    post.holders.add(world.member_a.user)
    assert draft(world, post=post).post == post


def test_states_are_enforced(world):
    commitment = draft(world)
    # not yet submitted: no decision
    with pytest.raises(ValidationError):
        services.commitment_approve(actor=world.officer_a, commitment=commitment)
    services.commitment_submit(actor=world.member_a.user, commitment=commitment)
    # submitted twice (a double click) is harmless
    services.commitment_submit(actor=world.member_a.user, commitment=commitment)
    assert AuditEntry.objects.filter(action="commitment.submit").count() == 1
    # while waiting, the member cannot change it
    with pytest.raises(ValidationError):
        services.commitment_update(
            actor=world.member_a.user, commitment=commitment, text="y", services=["masses"]
        )
    services.commitment_approve(actor=world.officer_a, commitment=commitment)
    services.commitment_approve(actor=world.officer_a, commitment=commitment)  # twice: harmless
    assert AuditEntry.objects.filter(action="commitment.approve").count() == 1
    with pytest.raises(ValidationError):
        services.commitment_return(actor=world.officer_a, commitment=commitment, reason="晚了")


def test_nobody_approves_their_own_commitment(world):
    commitment = services.commitment_draft(
        actor=world.officer_a, year=timezone.localdate().year, text="带头", services=["members"]
    )
    services.commitment_submit(actor=world.officer_a, commitment=commitment)
    with pytest.raises(ValidationError):
        services.commitment_approve(actor=world.officer_a, commitment=commitment)
    with pytest.raises(ValidationError):
        services.commitment_return(actor=world.officer_a, commitment=commitment, reason="x")


def test_someone_else_cannot_change_or_submit_a_members_draft(world):
    commitment = draft(world)
    with pytest.raises(ValidationError):
        services.commitment_submit(actor=world.officer_a, commitment=commitment)
    with pytest.raises(ValidationError):
        services.commitment_update(
            actor=world.officer_a, commitment=commitment, text="y", services=["masses"]
        )


def test_progress_notes_go_on_published_commitments_within_the_year(world):
    commitment = published(world)
    today = timezone.localdate()
    note = services.progress_add(
        actor=world.member_a.user, commitment=commitment, on=today, text="走访了3位职工。"
    )
    assert note.created_by == world.member_a.user
    services.progress_add(actor=world.officer_a, commitment=commitment, on=today, text="支部督促")
    assert commitment.progress.count() == 2
    with pytest.raises(ValidationError) as error:
        services.progress_add(
            actor=world.member_a.user,
            commitment=commitment,
            on=today + datetime.timedelta(days=400),
            text="未来",
        )
    assert "date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.progress_add(actor=world.member_a.user, commitment=commitment, on=today, text=" ")
    assert "text" in error.value.message_dict
    commitment.status = Commitment.Status.DRAFT
    commitment.save()
    with pytest.raises(ValidationError):
        services.progress_add(actor=world.member_a.user, commitment=commitment, on=today, text="x")
    assert commitment.progress.count() == 2


def test_the_self_assessment_and_the_rating_wait_for_the_end_of_the_year(world):
    # given a commitment for next year: the year-end judgement is not open yet
    future = published(world, year=timezone.localdate().year + 1)
    with pytest.raises(ValidationError):
        services.commitment_assess(actor=world.member_a.user, commitment=future, text="完成")
    with pytest.raises(ValidationError):
        services.commitment_rate(user=world.employee, commitment=future, score="satisfied")
    assert not CommitmentRating.objects.exists()


def test_at_year_end_the_member_assesses_and_colleagues_rate_once_each(world):
    # given last year's published commitment (the judgement is open)
    commitment = published(world, year=timezone.localdate().year - 1)
    services.commitment_assess(actor=world.member_a.user, commitment=commitment, text="基本完成")
    commitment.refresh_from_db()
    assert commitment.self_assessment == "基本完成" and commitment.assessed_at is not None
    # when a colleague of department A rates it
    services.commitment_rate(
        user=world.employee, commitment=commitment, score="fairly", comment="走访次数不够"
    )
    # then a second rating by the same person is refused
    with pytest.raises(ValidationError):
        services.commitment_rate(user=world.employee, commitment=commitment, score="satisfied")
    # and the member cannot rate their own
    with pytest.raises(ValidationError):
        services.commitment_rate(user=world.member_a.user, commitment=commitment, score="satisfied")
    # and a nonsense score is refused
    with pytest.raises(ValidationError):
        services.commitment_rate(user=world.officer_a, commitment=commitment, score="great")
    assert list(CommitmentRating.objects.values_list("user_id", "score")) == [
        (world.employee.pk, "fairly")
    ]


def test_only_the_member_writes_the_self_assessment(world):
    commitment = published(world, year=timezone.localdate().year - 1)
    with pytest.raises(ValidationError):
        services.commitment_assess(actor=world.officer_a, commitment=commitment, text="代写")
    with pytest.raises(ValidationError) as error:
        services.commitment_assess(actor=world.member_a.user, commitment=commitment, text="")
    assert "text" in error.value.message_dict


def test_a_member_without_a_department_cannot_be_published(world):
    commitment = draft(world)
    services.commitment_submit(actor=world.member_a.user, commitment=commitment)
    user = world.member_a.user
    user.department = None
    user.save(update_fields=["department"])
    with pytest.raises(ValidationError):
        services.commitment_approve(actor=world.officer_a, commitment=commitment)
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.SUBMITTED
