"""The appeal loop through its services: routing, states, deadlines, anonymity."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.appeals import services
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Appeal, AppealEvent, MeToo
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.core.models import AuditEntry, Deadline
from grassroots.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_branch_covering_the_department_receives_the_appeal(world):
    appeal = raise_appeal(world)
    assert appeal.unit == world.branch_a == appeal.first_unit
    assert appeal.number.startswith("SQ") and appeal.status == "submitted"
    assert appeal.accept_due_at > appeal.created_at
    assert Notification.objects.filter(recipient=world.officer_a, kind="appeals.new").exists()
    assert Deadline.objects.filter(kind__startswith="appeals.accept.").count() == 3


def test_without_a_covering_branch_the_committee_receives_it(world):
    appeal = raise_appeal(world, department=None)
    assert appeal.unit == world.committee


def test_conduct_complaints_skip_the_branch_concerned(world):
    appeal = raise_appeal(world, category=category("conduct"), title="支部书记作风问题")
    assert appeal.unit == world.committee
    assert not Notification.objects.filter(recipient=world.officer_a, kind="appeals.new").exists()


def test_the_full_loop_with_a_reopening(world):
    appeal = raise_appeal(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.appeal_assign(appeal=appeal, actor=world.officer_a, assignee=world.member_a.user)
    services.followup_add(appeal=appeal, actor=world.member_a.user, text="已联系食堂", public=True)
    services.appeal_answer(appeal=appeal, actor=world.member_a.user, text="已增加两个窗口")
    services.appeal_rate(appeal=appeal, resolved=False, satisfaction="not", rater=world.employee)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.reopened) == ("reopened", 1)
    assert appeal.escalated_at is not None
    assert Notification.objects.filter(
        recipient=world.committee_officer, kind="appeals.escalated"
    ).exists()
    services.appeal_answer(appeal=appeal, actor=world.member_a.user, text="又增加了错峰就餐")
    services.appeal_rate(appeal=appeal, resolved=True, satisfaction="fairly", rater=world.employee)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.resolved, appeal.satisfaction) == ("closed", True, "fairly")
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds[:5] == ["submitted", "accepted", "assigned", "follow_up", "answered"]
    assert kinds.count("rated") == 2 and "reopened" in kinds


def test_a_second_not_satisfied_closes_for_good(world):
    appeal = raise_appeal(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    for _round in range(2):
        services.appeal_answer(appeal=appeal, actor=world.officer_a, text="答复")
        services.appeal_rate(
            appeal=appeal, resolved=False, satisfaction="not", rater=world.employee
        )
    appeal.refresh_from_db()
    assert appeal.status == "closed" and appeal.reopened == 1


@pytest.mark.parametrize("action", ["answer", "rate", "assign"])
def test_steps_out_of_order_are_refused(world, action):
    appeal = raise_appeal(world)
    steps = {
        "answer": lambda: services.appeal_answer(appeal=appeal, actor=world.officer_a, text="x"),
        "rate": lambda: services.appeal_rate(
            appeal=appeal, resolved=True, satisfaction="satisfied"
        ),
        "assign": lambda: services.appeal_assign(
            appeal=appeal, actor=world.officer_a, assignee=world.member_a.user
        ),
    }
    with pytest.raises(ValidationError):
        steps[action]()
    appeal.refresh_from_db()
    assert appeal.status == "submitted"


def test_decline_needs_a_reason_and_says_where_to_go(world):
    appeal = raise_appeal(world)
    with pytest.raises(ValidationError):
        services.appeal_decline(appeal=appeal, actor=world.officer_a, reason=" ")
    services.appeal_decline(
        appeal=appeal, actor=world.officer_a, reason="属于工会职责", go_to="公司工会"
    )
    appeal.refresh_from_db()
    assert appeal.status == "declined" and appeal.responded_at is not None
    assert "公司工会" in appeal.events.get(kind="declined").text
    assert not Deadline.objects.filter(fired_at__isnull=True, subject_id=str(appeal.pk)).exists()


def test_transfer_is_counted_and_needs_a_reason(world):
    appeal = raise_appeal(world)
    services.appeal_transfer(
        appeal=appeal, actor=world.officer_a, to_unit=world.branch_b, reason="二车间负责"
    )
    appeal.refresh_from_db()
    assert (appeal.unit, appeal.first_unit, appeal.transfers) == (world.branch_b, world.branch_a, 1)


def test_merge_brings_the_duplicates_submitter_along(world):
    first = raise_appeal(world)
    second = raise_appeal(world, submitter=world.member_b.user, department=world.department_a)
    services.appeal_merge(appeal=second, actor=world.officer_a, into=first)
    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into == first
    assert MeToo.objects.filter(appeal=first, user=world.member_b.user).exists()
    assert Notification.objects.filter(
        recipient=world.member_b.user, title__contains=first.number
    ).exists()


def test_anonymous_appeals_keep_no_link_to_the_person(world):
    result = services.appeal_submit(
        draft=AppealDraft(
            category=category(),
            title="匿名反映",
            description="宿舍热水不稳定",
            channel="anonymous",
            anonymous=True,
        )
    )
    appeal = result.appeal
    assert appeal.submitter is None and appeal.recorded_by is None
    assert len(result.tracking_code) == 10 and len(result.pin) == 6
    assert result.pin not in appeal.pin_hash
    assert (
        services.anonymous_find(tracking_code=result.tracking_code.lower(), pin=result.pin)
        == appeal
    )
    assert services.anonymous_find(tracking_code=result.tracking_code, pin="000000") in (
        None,
        appeal,
    ) and (
        result.pin == "000000"
        or services.anonymous_find(tracking_code=result.tracking_code, pin="000000") is None
    )
    assert AuditEntry.objects.filter(target_id=str(appeal.pk), actor__isnull=False).count() == 0
    assert AppealEvent.objects.filter(appeal=appeal, actor__isnull=False).count() == 0


def test_anonymous_rating_has_no_actor(world):
    result = services.appeal_submit(
        draft=AppealDraft(
            category=category(),
            title="匿名",
            description="内容",
            channel="anonymous",
            anonymous=True,
        )
    )
    services.appeal_accept(appeal=result.appeal, actor=world.officer_a)
    services.appeal_answer(appeal=result.appeal, actor=world.officer_a, text="已处理")
    services.appeal_rate(
        appeal=result.appeal, resolved=True, satisfaction="satisfied", rater=world.employee
    )
    assert not AppealEvent.objects.filter(
        appeal=result.appeal, kind="rated", actor__isnull=False
    ).exists()


def test_the_same_form_twice_gives_back_the_first_appeal(world):
    first = services.appeal_submit(
        draft=AppealDraft(
            category=category(),
            title="t",
            description="d",
            channel="web",
            submitter=world.employee,
            idempotency_key="k1",
        )
    )
    again = services.appeal_submit(
        draft=AppealDraft(
            category=category(),
            title="t",
            description="d",
            channel="web",
            submitter=world.employee,
            idempotency_key="k1",
        )
    )
    assert again.repeated and again.appeal == first.appeal
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "description", "field"),
    [
        ("", "d", "title"),
        ("x" * 101, "d", "title"),
        ("t", "", "description"),
        ("t", "x" * 5001, "description"),
    ],
)
def test_bad_input_saves_nothing(world, title, description, field):
    with pytest.raises(ValidationError) as error:
        services.appeal_submit(
            draft=AppealDraft(
                category=category(),
                title=title,
                description=description,
                channel="web",
                submitter=world.employee,
            )
        )
    assert field in error.value.message_dict
    assert not Appeal.objects.exists()


def test_overdue_acceptance_escalates_through_the_sweep(world):
    from grassroots.core.deadlines import deadlines_sweep

    appeal = raise_appeal(world)
    deadlines_sweep(now=appeal.accept_due_at + datetime.timedelta(minutes=1))
    appeal.refresh_from_db()
    assert appeal.escalated_at is not None
    assert appeal.events.filter(kind="warning").count() == 2
    assert Notification.objects.filter(
        recipient=world.committee_officer, kind="appeals.escalated"
    ).exists()


def test_unanswered_call_back_closes_unrated_after_seven_days(world):
    from grassroots.core.deadlines import deadlines_sweep

    appeal = raise_appeal(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    services.appeal_answer(appeal=appeal, actor=world.officer_a, text="答复")
    deadlines_sweep(now=timezone.now() + datetime.timedelta(days=7, minutes=1))
    appeal.refresh_from_db()
    assert appeal.status == "closed" and appeal.satisfaction == "" and appeal.resolved is None


def test_me_too_once_per_person_and_not_on_ones_own(world):
    appeal = raise_appeal(world)
    assert services.metoo_add(appeal=appeal, user=world.member_a.user)
    assert not services.metoo_add(appeal=appeal, user=world.member_a.user)
    assert not services.metoo_add(appeal=appeal, user=world.employee)


def test_a_form_key_used_by_someone_else_is_refused(world):
    named = raise_appeal(world, idempotency_key="same-key")
    with pytest.raises(ValidationError):
        raise_appeal(world, submitter=world.officer_b, idempotency_key="same-key")
    with pytest.raises(ValidationError):
        services.appeal_submit(
            draft=AppealDraft(
                category=named.category,
                title="t",
                description="d",
                channel="anonymous",
                anonymous=True,
                idempotency_key="same-key",
            )
        )
    again = services.appeal_submit(
        draft=AppealDraft(
            category=named.category,
            title="宿舍热水",
            description="d",
            channel="web",
            submitter=world.employee,
            idempotency_key="same-key",
        )
    )
    assert again.repeated and again.appeal == named
