"""Development steps through the services and the pages: gating with clear messages,
stage changes on the member record, the board and who may see it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.orglife import rules as life_rules
from grassroots.orglife import services as life
from grassroots.orglife.development import services
from grassroots.orglife.models import DevelopmentRecord
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def candidate(world):
    today = timezone.localdate()
    return MemberFactory(
        branch=world.branch_a,
        stage=Member.Stage.CANDIDATE,
        birth_date=datetime.date(2000, 5, 1),
        applied_on=today - datetime.timedelta(days=900),
        activist_on=today - datetime.timedelta(days=800),
        candidate_on=today - datetime.timedelta(days=200),
        admitted_on=None,
        full_on=None,
    )


def held_assembly(world, *, quorate=True, days_ago=1):
    meeting = life.meeting_plan(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=life_rules.ASSEMBLY,
        topic="讨论接收预备党员",
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        place="活动室",
    )
    rows = list(meeting.attendances.all())
    statuses = {a.member_id: ("present" if quorate else "absent", "") for a in rows}
    life.attendance_record(actor=world.officer_a, meeting=meeting, statuses=statuses)
    return life.meeting_hold(actor=world.officer_a, meeting=meeting, minutes="表决通过")


def test_a_candidate_is_not_admitted_before_the_rules_allow(world, candidate):
    today = timezone.localdate()
    # Steps 8 onwards: the candidate came with stage "candidate" (steps 1–7 behind them).
    services.step_record(actor=world.officer_a, member=candidate, step=8, done_on=today)
    with pytest.raises(ValidationError) as error:
        services.step_record(
            actor=world.officer_a,
            member=candidate,
            step=9,
            done_on=today,
            people=[world.member_a],
        )
    assert "2" in " ".join(error.value.messages)  # exactly two introducers
    full_member = MemberFactory(branch=world.branch_a)
    services.step_record(
        actor=world.officer_a,
        member=candidate,
        step=9,
        done_on=today,
        people=[world.member_a, full_member],
    )
    services.step_record(actor=world.officer_a, member=candidate, step=10, done_on=today)
    with pytest.raises(ValidationError):
        services.step_record(
            actor=world.officer_a, member=candidate, step=11, done_on=today, training_hours=16
        )
    services.step_record(
        actor=world.officer_a, member=candidate, step=11, done_on=today, training_days=3
    )
    # Admission (15) before the committee's review with public notice (12) is refused.
    with pytest.raises(ValidationError) as error:
        services.step_record(actor=world.officer_a, member=candidate, step=15, done_on=today)
    assert "14" in " ".join(error.value.messages)  # the step before it is not done
    with pytest.raises(ValidationError) as error:
        services.step_record(
            actor=world.officer_a,
            member=candidate,
            step=12,
            done_on=today,
            notice_from=today - datetime.timedelta(days=2),
            notice_to=today,
        )
    assert not DevelopmentRecord.objects.filter(member=candidate, step=12).exists()


def test_admission_by_a_quorate_assembly_makes_a_probationary_member(world, candidate):
    today = timezone.localdate()
    candidate.development_records.all().delete()
    for step in range(8, 15):
        DevelopmentRecord.objects.create(
            member=candidate, step=step, done_on=today - datetime.timedelta(days=30)
        )
    inquorate = held_assembly(world, quorate=False, days_ago=2)
    with pytest.raises(ValidationError):
        services.step_record(
            actor=world.officer_a,
            member=candidate,
            step=15,
            done_on=inquorate.held_on,
            meeting=inquorate,
        )
    meeting = held_assembly(world, days_ago=1)
    services.step_record(
        actor=world.officer_a, member=candidate, step=15, done_on=meeting.held_on, meeting=meeting
    )
    candidate.refresh_from_db()
    assert candidate.stage == "candidate"  # the higher committee has not approved yet
    services.step_record(actor=world.officer_a, member=candidate, step=16, done_on=today)
    services.step_record(actor=world.officer_a, member=candidate, step=17, done_on=today)
    candidate.refresh_from_db()
    # Approved: a probationary member whose probation counts from the admitting assembly.
    assert candidate.stage == "probationary" and candidate.admitted_on == meeting.held_on
    assert AuditEntry.objects.filter(action="member.update", target_id=str(candidate.pk)).exists()


def test_probation_is_extended_once_and_full_membership_waits_for_it(world):
    today = timezone.localdate()
    probationary = MemberFactory(
        branch=world.branch_a,
        stage=Member.Stage.PROBATIONARY,
        admitted_on=today - datetime.timedelta(days=400),
        full_on=None,
    )
    services.probation_extend(
        actor=world.officer_a, member=probationary, months=6, decided_on=today, reason="考察不够"
    )
    with pytest.raises(ValidationError):
        services.probation_extend(
            actor=world.officer_a, member=probationary, months=3, decided_on=today, reason="再延"
        )
    for step in range(18, 22):  # a probationary member came with steps 1-17 behind them
        services.step_record(actor=world.officer_a, member=probationary, step=step, done_on=today)
    with pytest.raises(ValidationError) as error:
        services.step_record(actor=world.officer_a, member=probationary, step=22, done_on=today)
    from grassroots.orglife.development.rules import probation_ends

    ends = probation_ends(probationary.admitted_on, 6)  # a year and the six months' extension
    assert ends.isoformat() in " ".join(error.value.messages)


def test_who_may_open_the_pipeline(world, candidate):
    board = reverse("orglife:development", args=[world.branch_a.pk])
    person = reverse("orglife:development_person", args=[candidate.pk])
    for user, status in (
        (world.officer_a, 200),
        (world.committee_officer, 200),
        (world.officer_b, 404),
        (world.member_a.user, 404),
        (world.employee, 404),
        (None, 302),
    ):
        assert client_as(user).get(board).status_code == status, user
        assert client_as(user).get(person).status_code == status, user
    assert (
        client_as(world.officer_a)
        .get(reverse("orglife:development", args=[world.group_a.pk]))
        .status_code
        == 404
    )


def test_the_page_refuses_a_step_with_the_reason(world, candidate):
    officer = client_as(world.officer_a)
    url = reverse("orglife:development_person", args=[candidate.pk])
    page = officer.get(url)
    assert page.context["progress"].next_step == 8
    response = officer.post(url, {"action": "step", "done_on": "2099-01-01"})
    assert response.status_code == 200  # a date in the future is refused by the member checks
    assert not DevelopmentRecord.objects.filter(member=candidate).exists()
    ok = officer.post(url, {"action": "step", "done_on": timezone.localdate().isoformat()})
    assert ok.status_code == 302
    assert DevelopmentRecord.objects.filter(member=candidate, step=8).exists()
    board = officer.get(reverse("orglife:development", args=[world.branch_a.pk]))
    assert candidate.user.name in board.content.decode()


def test_the_last_steps_of_a_new_full_member_can_be_recorded(world):
    today = timezone.localdate()
    member = MemberFactory(
        branch=world.branch_a,
        stage=Member.Stage.PROBATIONARY,
        admitted_on=today - datetime.timedelta(days=400),
        full_on=None,
    )
    for step in range(18, 23):
        services.step_record(actor=world.officer_a, member=member, step=step, done_on=today)
    meeting = held_assembly(world, days_ago=0)
    services.step_record(
        actor=world.officer_a, member=member, step=23, done_on=meeting.held_on, meeting=meeting
    )
    services.step_record(actor=world.officer_a, member=member, step=24, done_on=today)
    member.refresh_from_db()
    assert member.stage == "full"
    board = client_as(world.officer_a).get(reverse("orglife:development", args=[world.branch_a.pk]))
    assert member.user.name in board.content.decode()  # step 25 (filing) still to do
    services.step_record(actor=world.officer_a, member=member, step=25, done_on=today)
    board = client_as(world.officer_a).get(reverse("orglife:development", args=[world.branch_a.pk]))
    assert member.user.name not in board.content.decode()


def test_a_public_notice_must_be_over_before_the_review(world, candidate):
    today = timezone.localdate()
    for step in range(8, 12):
        DevelopmentRecord.objects.create(
            member=candidate, step=step, done_on=today - datetime.timedelta(days=20)
        )
    with pytest.raises(ValidationError):
        services.step_record(
            actor=world.officer_a,
            member=candidate,
            step=12,
            done_on=today - datetime.timedelta(days=10),
            notice_from=today - datetime.timedelta(days=14),
            notice_to=today - datetime.timedelta(days=1),
        )
    services.step_record(
        actor=world.officer_a,
        member=candidate,
        step=12,
        done_on=today,
        notice_from=today - datetime.timedelta(days=14),
        notice_to=today - datetime.timedelta(days=1),
    )


def test_the_admitting_assembly_cannot_be_changed_afterwards(world, candidate):
    from grassroots.orglife import services as meetings

    today = timezone.localdate()
    for step in range(8, 15):
        DevelopmentRecord.objects.create(
            member=candidate, step=step, done_on=today - datetime.timedelta(days=30)
        )
    meeting = held_assembly(world, days_ago=1)
    services.step_record(
        actor=world.officer_a, member=candidate, step=15, done_on=meeting.held_on, meeting=meeting
    )
    everyone_absent = {a.member_id: ("absent", "") for a in meeting.attendances.all()}
    with pytest.raises(ValidationError):
        meetings.attendance_record(actor=world.officer_a, meeting=meeting, statuses=everyone_absent)
    with pytest.raises(ValidationError):
        meetings.meeting_update(
            actor=world.officer_a,
            meeting=meeting,
            starts_at=meeting.starts_at - datetime.timedelta(days=3),
        )
    meetings.meeting_update(
        actor=world.officer_a, meeting=meeting, minutes="补充记录"
    )  # minutes may
    meeting.refresh_from_db()
    assert meeting.counts and meeting.minutes == "补充记录"
