"""The daily flags: overdue and poorly rated deeds reach the officers, once."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from grassroots.core.models import RuleParameter
from grassroots.notifications.models import Notification
from grassroots.service.deeds import jobs
from grassroots.service.tests.deeds_factories import backdate, done_deed, make_deed

pytestmark = pytest.mark.django_db


def flagged_to(kind_key_part):
    return set(
        Notification.objects.filter(
            kind="service.deed_flag", dedupe_key__contains=kind_key_part
        ).values_list("recipient_id", flat=True)
    )


def test_a_newly_overdue_deed_is_flagged_to_branch_and_committee_officers_once(world):
    # given
    deed = backdate(make_deed(world), due_on=timezone.localdate() - datetime.timedelta(days=2))
    on_time = make_deed(world, title="按期项目")
    # when
    jobs.deed_flags(timezone.now())
    jobs.deed_flags(timezone.now())  # the next day's run, or a retry
    # then
    assert flagged_to(f"deed:{deed.pk}:overdue") == {world.officer_a.pk, world.committee_officer.pk}
    assert Notification.objects.filter(kind="service.deed_flag").count() == 2
    assert not flagged_to(f"deed:{on_time.pk}:")


def test_officers_of_another_branch_hear_nothing(world):
    backdate(make_deed(world), due_on=timezone.localdate() - datetime.timedelta(days=1))
    jobs.deed_flags(timezone.now())
    assert not Notification.objects.filter(
        recipient=world.officer_b, kind="service.deed_flag"
    ).exists()


def test_long_overdue_deeds_were_flagged_before_and_are_not_again(world):
    backdate(make_deed(world), due_on=timezone.localdate() - datetime.timedelta(days=200))
    assert jobs.deed_flags(timezone.now()) == 0


def test_a_poorly_rated_deed_is_flagged(world):
    poor = done_deed(world, ratings=(2, 1, 3))
    fine = done_deed(world, title="食堂加窗口", ratings=(5, 1, 0))
    few = done_deed(world, title="更衣柜维修", ratings=(0, 0, 2))  # too few answers to judge
    jobs.deed_flags(timezone.now())
    assert flagged_to(f"deed:{poor.pk}:poorly-rated") == {
        world.officer_a.pk,
        world.committee_officer.pk,
    }
    assert not flagged_to(f"deed:{fine.pk}:")
    assert not flagged_to(f"deed:{few.pk}:")


def test_the_thresholds_are_rule_parameters(world):
    # given an administrator who wants a flag from two answers on
    RuleParameter.objects.filter(key="service.deed_poor_min_ratings").update(value=2)
    few = done_deed(world, ratings=(0, 0, 2))
    # when
    jobs.deed_flags(timezone.now())
    # then
    assert flagged_to(f"deed:{few.pk}:poorly-rated")


def test_a_committee_deed_goes_to_its_own_committee_officers(world):
    deed = make_deed(
        world, actor=world.committee_officer, unit=world.committee, owner=world.committee_officer
    )
    backdate(deed, due_on=timezone.localdate() - datetime.timedelta(days=1))
    jobs.deed_flags(timezone.now())
    assert flagged_to(f"deed:{deed.pk}:overdue") == {world.committee_officer.pk}
