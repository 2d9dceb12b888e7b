"""Pairings through their services: pairing, visits and the last visit date, ending with a
reason, and needs heard turned into an appeal or a practical deed in one step."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.appeals.models import Appeal, Category
from grassroots.core.models import AuditEntry
from grassroots.notifications.models import Notification
from grassroots.service.models import Deed, Pairing, Visit
from grassroots.service.pairings import services

pytestmark = pytest.mark.django_db
DETAIL = "爱人患尿毒症长期透析，孩子上高中，家庭负担重"


def pair(world, **extra):
    values = {
        "unit": world.branch_a,
        "member": world.member_a.user,
        "employee": world.employee,
        "reason": Pairing.Reason.ILLNESS,
        "reason_detail": DETAIL,
        "started_on": timezone.localdate() - datetime.timedelta(days=30),
    }
    return services.pairing_create(actor=world.officer_a, **(values | extra))


def test_an_officer_pairs_a_member_with_a_colleague_and_the_member_is_told(world):
    pairing = pair(world)
    assert (pairing.unit, pairing.member, pairing.employee) == (
        world.branch_a,
        world.member_a.user,
        world.employee,
    )
    assert pairing.created_by == world.officer_a
    notice = Notification.objects.get(recipient=world.member_a.user, kind="service.pairing")
    assert DETAIL not in notice.title + notice.body
    # the colleague helped is told nothing
    assert not Notification.objects.filter(recipient=world.employee).exists()


def test_one_live_pairing_per_pair(world):
    first = pair(world)
    with pytest.raises(ValidationError) as error:
        pair(world)
    assert "employee" in error.value.message_dict
    # once ended, the two may be paired again
    services.pairing_end(
        actor=world.officer_a, pairing=first, on=timezone.localdate(), reason="困难已解决"
    )
    assert pair(world).pk != first.pk


def test_the_database_keeps_one_live_pairing_when_the_check_is_raced(world):
    pair(world)
    with mock.patch.object(services.Pairing.objects, "filter") as fake:
        fake.return_value.exists.return_value = False  # as if the other request had not committed
        with pytest.raises(ValidationError):
            pair(world)
    assert Pairing.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"member": "member_b"}, "member"),  # not of this branch
        ({"member": "employee"}, "member"),  # not a Party member
        ({"employee": None}, "employee"),
        ({"employee": "member_a"}, "employee"),  # paired with themself
        ({"reason": "poor"}, "reason"),
        ({"reason_detail": "很" * 2001}, "reason_detail"),
        ({"started_on": "tomorrow"}, "started_on"),
    ],
)
def test_a_bad_pairing_says_which_field_is_wrong_and_saves_nothing(world, extra, field):
    resolved = {}
    for key, value in extra.items():
        if value == "member_b":
            value = world.member_b.user
        elif value == "member_a":
            value = world.member_a.user
        elif value == "employee":
            value = world.employee
        elif value == "tomorrow":
            value = timezone.localdate() + datetime.timedelta(days=1)
        resolved[key] = value
    with pytest.raises(ValidationError) as error:
        pair(world, **resolved)
    assert field in error.value.message_dict
    assert not Pairing.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="pairing.").exists()


def test_an_inactive_colleague_cannot_be_paired(world):
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError):
        pair(world, employee=gone)


def test_ending_needs_a_reason_and_a_sensible_date(world):
    pairing = pair(world)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.pairing_end(actor=world.officer_a, pairing=pairing, on=today, reason="  ")
    assert "end_reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.pairing_end(
            actor=world.officer_a,
            pairing=pairing,
            on=pairing.started_on - datetime.timedelta(days=1),
            reason="调离",
        )
    assert "ended_on" in error.value.message_dict
    pairing.refresh_from_db()
    assert pairing.ended_on is None
    services.pairing_end(actor=world.officer_a, pairing=pairing, on=today, reason="职工已康复")
    pairing.refresh_from_db()
    assert (pairing.ended_on, pairing.end_reason) == (today, "职工已康复")
    with pytest.raises(ValidationError):
        services.pairing_end(actor=world.officer_a, pairing=pairing, on=today, reason="再次")


def test_visits_keep_the_last_visit_date(world):
    pairing = pair(world)
    today = timezone.localdate()
    services.visit_record(
        actor=world.member_a.user,
        pairing=pairing,
        on=today - datetime.timedelta(days=5),
        help_given="送去慰问金500元",
        needs_heard="",
    )
    pairing.refresh_from_db()
    assert pairing.last_visit_on == today - datetime.timedelta(days=5)
    # an earlier visit recorded late does not move the date back
    services.visit_record(
        actor=world.officer_a,
        pairing=pairing,
        on=today - datetime.timedelta(days=20),
        help_given="",
        needs_heard="希望调到白班",
    )
    pairing.refresh_from_db()
    assert pairing.last_visit_on == today - datetime.timedelta(days=5)
    assert pairing.visits.count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"help_given": "", "needs_heard": ""}, "help_given"),
        ({"on": "future"}, "date"),
        ({"on": "before"}, "date"),
        ({"help_given": "很" * 2001}, "help_given"),
    ],
)
def test_a_bad_visit_is_refused_and_leaves_the_dates_alone(world, values, field):
    pairing = pair(world)
    today = timezone.localdate()
    on = {
        "future": today + datetime.timedelta(days=1),
        "before": pairing.started_on - datetime.timedelta(days=1),
    }.get(values.pop("on", ""), today)
    data = {"help_given": "送米面油", "needs_heard": ""} | values
    with pytest.raises(ValidationError) as error:
        services.visit_record(actor=world.member_a.user, pairing=pairing, on=on, **data)
    assert field in error.value.message_dict
    pairing.refresh_from_db()
    assert pairing.last_visit_on is None and not Visit.objects.exists()


def test_an_ended_pairing_takes_no_more_visits(world):
    pairing = pair(world)
    services.pairing_end(
        actor=world.officer_a, pairing=pairing, on=timezone.localdate(), reason="退休"
    )
    with pytest.raises(ValidationError):
        services.visit_record(
            actor=world.member_a.user,
            pairing=pairing,
            on=timezone.localdate(),
            help_given="x",
            needs_heard="",
        )


def _visit(world, pairing, needs="家里老房漏雨，希望工会帮忙联系维修"):
    return services.visit_record(
        actor=world.member_a.user,
        pairing=pairing,
        on=timezone.localdate(),
        help_given="送去慰问品",
        needs_heard=needs,
    )


def test_a_need_becomes_an_appeal_of_the_colleague_linked_to_the_visit(world):
    pairing = pair(world)
    visit = _visit(world, pairing)
    result = services.visit_to_appeal(
        actor=world.member_a.user,
        visit=visit,
        category=Category.objects.get(code="hardship"),
        title="老房漏雨需维修",
        description=visit.needs_heard,
        idempotency_key="k-1",
    )
    appeal = result.appeal
    assert appeal.channel == Appeal.Channel.VISIT
    assert appeal.submitter == world.employee
    assert appeal.recorded_by == world.member_a.user
    assert appeal.department == world.employee.department
    assert list(visit.appeals.all()) == [appeal]
    # the same form sent twice gives the first appeal back
    again = services.visit_to_appeal(
        actor=world.member_a.user,
        visit=visit,
        category=Category.objects.get(code="hardship"),
        title="老房漏雨需维修",
        description=visit.needs_heard,
        idempotency_key="k-1",
    )
    assert again.repeated and again.appeal == appeal
    assert Appeal.objects.count() == 1 and visit.appeals.count() == 1


def test_a_bad_appeal_from_a_visit_leaves_nothing_behind(world):
    pairing = pair(world)
    visit = _visit(world, pairing)
    with pytest.raises(ValidationError):
        services.visit_to_appeal(
            actor=world.member_a.user,
            visit=visit,
            category=Category.objects.get(code="hardship"),
            title="",
            description="",
        )
    assert not Appeal.objects.exists() and visit.appeals.count() == 0


def test_the_link_failing_rolls_the_appeal_back(world):
    pairing = pair(world)
    visit = _visit(world, pairing)
    with (
        mock.patch.object(services, "audit_record", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.visit_to_appeal(
            actor=world.member_a.user,
            visit=visit,
            category=Category.objects.get(code="hardship"),
            title="老房漏雨需维修",
            description="需要维修",
        )
    assert not Appeal.objects.exists() and visit.appeals.count() == 0


def test_a_need_becomes_a_practical_deed_of_the_branch_linked_to_the_visit(world):
    pairing = pair(world)
    visit = _visit(world, pairing, needs="车间没有无障碍卫生间")
    due = timezone.localdate() + datetime.timedelta(days=60)
    result = services.visit_to_deed(
        actor=world.officer_a,
        visit=visit,
        title="一车间增设无障碍卫生间",
        description="改造一车间卫生间，方便轮椅职工。",
        owner=world.member_a.user,
        services=["masses"],
        due_on=due,
    )
    deed = result.deed
    assert deed.unit == world.branch_a and deed.owner == world.member_a.user
    assert list(deed.visits.all()) == [visit]
    # sent twice: the first deed comes back
    again = services.visit_to_deed(
        actor=world.officer_a,
        visit=visit,
        title="一车间增设无障碍卫生间",
        description="改造一车间卫生间，方便轮椅职工。",
        owner=world.member_a.user,
        services=["masses"],
        due_on=due,
    )
    assert again.repeated and again.deed == deed
    assert Deed.objects.count() == 1


def test_a_bad_deed_from_a_visit_saves_nothing(world):
    pairing = pair(world)
    visit = _visit(world, pairing)
    with pytest.raises(ValidationError):
        services.visit_to_deed(
            actor=world.officer_a,
            visit=visit,
            title="",
            description="",
            owner=world.member_a.user,
            services=[],
            due_on=timezone.localdate(),
        )
    assert not Deed.objects.exists()
