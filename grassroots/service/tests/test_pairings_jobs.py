"""The daily reminder for pairings without a visit: who is told, once per period, and never
the private reason."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grassroots.core.models import RuleParameter
from grassroots.core.parameters import forget_cached_values
from grassroots.core.scheduling import JOBS
from grassroots.notifications.models import Notification
from grassroots.orgs.tests.factories import MemberFactory
from grassroots.service.models import Pairing
from grassroots.service.pairings import jobs

pytestmark = pytest.mark.django_db
DETAIL = "患白血病，正在化疗"


def make(world, *, started_days_ago, last_visit_days_ago=None, member=None, **extra):
    today = timezone.localdate()
    return Pairing.objects.create(
        unit=world.branch_a,
        member=member or world.member_a.user,
        employee=world.employee,
        reason=Pairing.Reason.ILLNESS,
        reason_detail=DETAIL,
        started_on=today - datetime.timedelta(days=started_days_ago),
        last_visit_on=None
        if last_visit_days_ago is None
        else today - datetime.timedelta(days=last_visit_days_ago),
        **extra,
    )


def reminders():
    return Notification.objects.filter(kind="service.pairing")


def test_the_job_is_registered_daily_at_half_past_eight():
    job = JOBS["service.pairing_visit_reminders"]
    assert job.daily_at == datetime.time(8, 30) and job.every is None


def test_the_member_and_the_branch_officers_are_told_once_per_period(world):
    # given a pairing last visited 95 days ago, and one visited last week
    overdue = make(world, started_days_ago=400, last_visit_days_ago=95)
    make(world, started_days_ago=400, last_visit_days_ago=7, member=world.officer_a)
    # when the job runs (twice the same day)
    jobs.pairing_visit_reminders(timezone.now())
    jobs.pairing_visit_reminders(timezone.now())
    # then the member and officer A are told about the overdue one, once each
    told = sorted(reminders().values_list("recipient_id", flat=True))
    assert told == sorted([world.member_a.user.pk, world.officer_a.pk])
    assert not reminders().filter(recipient=world.officer_b).exists()
    assert not reminders().filter(recipient=world.committee_officer).exists()
    assert not reminders().filter(recipient=world.employee).exists()
    notice = reminders().first()
    assert notice.url == reverse("service:pairing", args=[overdue.pk])
    assert "95" in notice.title


def test_the_notice_never_carries_the_reason(world):
    make(world, started_days_ago=200)
    jobs.pairing_visit_reminders(timezone.now())
    for notice in reminders():
        text = notice.title + notice.body
        assert DETAIL not in text
        assert str(Pairing.Reason.ILLNESS.label) not in text
        assert "illness" not in text


def test_a_pairing_never_visited_counts_from_its_start(world):
    make(world, started_days_ago=89)
    assert jobs.pairing_visit_reminders(timezone.now()) == 0
    Pairing.objects.update(started_on=timezone.localdate() - datetime.timedelta(days=90))
    assert jobs.pairing_visit_reminders(timezone.now()) == 2


def test_a_new_period_brings_a_new_reminder(world):
    pairing = make(world, started_days_ago=400, last_visit_days_ago=100)
    jobs.pairing_visit_reminders(timezone.now())
    assert reminders().count() == 2
    # 90 days later and still no visit: told again
    Pairing.objects.filter(pk=pairing.pk).update(
        last_visit_on=timezone.localdate() - datetime.timedelta(days=185)
    )
    jobs.pairing_visit_reminders(timezone.now())
    assert reminders().count() == 4
    # a visit restarts the clock; a fresh lapse is a fresh reminder
    Pairing.objects.filter(pk=pairing.pk).update(
        last_visit_on=timezone.localdate() - datetime.timedelta(days=91)
    )
    jobs.pairing_visit_reminders(timezone.now())
    assert reminders().count() == 6


def test_ended_pairings_are_left_alone(world):
    make(
        world,
        started_days_ago=400,
        ended_on=timezone.localdate(),
        end_reason="已康复",
    )
    assert jobs.pairing_visit_reminders(timezone.now()) == 0


def test_the_number_of_days_is_a_rule_parameter(world):
    make(world, started_days_ago=40)
    assert jobs.pairing_visit_reminders(timezone.now()) == 0
    RuleParameter.objects.filter(key="service.pairing_visit_days").update(value=30)
    forget_cached_values()
    assert jobs.pairing_visit_reminders(timezone.now()) == 2


def test_many_pairings_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    make(world, started_days_ago=200)
    jobs.pairing_visit_reminders(timezone.now())  # warm caches
    Notification.objects.all().delete()
    with django_assert_max_num_queries(20) as few:
        jobs.pairing_visit_reminders(timezone.now())
    Notification.objects.all().delete()
    for _ in range(10):
        make(world, started_days_ago=200, member=MemberFactory(branch=world.branch_a).user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert jobs.pairing_visit_reminders(timezone.now()) == 11 * 2
