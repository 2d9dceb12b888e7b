"""Writes to practical deeds: validation, counters, notices, nothing half-saved."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.appeals.tests.factories import raise_appeal
from grassroots.core.models import AuditEntry
from grassroots.notifications.models import Notification
from grassroots.orgs.tests.factories import MemberFactory
from grassroots.service.deeds import services
from grassroots.service.models import Deed, DeedFollow, DeedMilestone, DeedRating, DeedUpdate
from grassroots.service.tests.deeds_factories import make_deed

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def test_deed_create_saves_deed_milestones_links_and_audit(world):
    # given
    appeal = raise_appeal(world)
    # when
    deed = make_deed(
        world,
        owner=world.member_a.user,
        milestones=[("采购", today() + datetime.timedelta(days=10))],
        appeals=[appeal],
    )
    # then
    assert deed.status == Deed.Status.OPEN
    assert deed.progress == 0
    assert list(deed.milestones.values_list("title", flat=True)) == ["采购"]
    assert list(deed.appeals.all()) == [appeal]
    assert AuditEntry.objects.filter(action="deed.create", target_id=str(deed.pk)).exists()


def test_committee_deed_may_be_owned_by_a_committee_officer(world):
    deed = make_deed(
        world,
        actor=world.committee_officer,
        unit=world.committee,
        owner=world.committee_officer,
    )
    assert deed.unit == world.committee


def test_a_committee_deed_may_be_owned_by_a_member_of_a_branch_below(world):
    # officer_b is an active member of branch B, which lies below the committee
    deed = make_deed(world, unit=world.committee, owner=world.officer_b)
    assert deed.owner == world.officer_b


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("title", {"title": "   "}),
        ("due_on", {"due_on": datetime.date(2000, 1, 1)}),
        ("services", {"services": []}),
        ("services", {"services": ["masses", "weather"]}),
    ],
)
def test_deed_create_refuses_bad_input_and_saves_nothing(world, field, overrides):
    with pytest.raises(ValidationError) as caught:
        make_deed(world, milestones=[("采购", today())], **overrides)
    assert field in caught.value.message_dict
    assert not Deed.objects.exists()
    assert not DeedMilestone.objects.exists()
    assert not AuditEntry.objects.filter(action="deed.create").exists()


@pytest.mark.parametrize("who", ["employee", "member_b", "officer_b"])
def test_deed_create_refuses_an_owner_outside_the_unit(world, who):
    owner = getattr(world, who)
    owner = getattr(owner, "user", owner)
    with pytest.raises(ValidationError) as caught:
        make_deed(world, owner=owner)
    assert "owner" in caught.value.message_dict
    assert not Deed.objects.exists()


def test_deed_create_refuses_a_member_who_left(world):
    gone = MemberFactory(branch=world.branch_a, status="left")
    with pytest.raises(ValidationError):
        make_deed(world, owner=gone.user)


def test_deed_create_refuses_a_party_group(world):
    with pytest.raises(ValidationError) as caught:
        make_deed(world, unit=world.group_a, owner=world.member_a.user)
    assert "unit" in caught.value.message_dict


def test_a_bad_milestone_leaves_nothing_half_saved(world):
    with pytest.raises(ValidationError):
        make_deed(world, milestones=[("采购", today()), ("", today())])
    assert not Deed.objects.exists()
    assert not DeedMilestone.objects.exists()


def test_progress_report_updates_the_deed_and_tells_followers_but_not_the_author(world):
    # given
    deed = make_deed(world)
    services.deed_follow(user=world.employee, deed=deed)
    services.deed_follow(user=world.officer_a, deed=deed)
    # when
    report = services.deed_report_progress(
        actor=world.officer_a, deed=deed, progress=40, text="设备已到货。"
    )
    # then
    deed.refresh_from_db()
    assert deed.progress == 40
    assert report.progress == 40
    notices = Notification.objects.filter(kind="service.deed")
    assert list(notices.values_list("recipient_id", flat=True)) == [world.employee.pk]


@pytest.mark.parametrize(("progress", "text"), [(101, "超额"), (-1, "倒退"), (50, " ")])
def test_bad_progress_report_is_refused_and_saves_nothing(world, progress, text):
    deed = make_deed(world)
    with pytest.raises(ValidationError):
        services.deed_report_progress(
            actor=world.officer_a, deed=deed, progress=progress, text=text
        )
    deed.refresh_from_db()
    assert deed.progress == 0
    assert not DeedUpdate.objects.exists()


def test_milestone_tick_and_untick(world):
    deed = make_deed(world, milestones=[("采购", today() + datetime.timedelta(days=5))])
    milestone = deed.milestones.get()
    services.milestone_tick(actor=world.officer_a, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.done_on == today()
    # a second click changes nothing and writes no second audit row
    services.milestone_tick(actor=world.officer_a, milestone=milestone)
    assert AuditEntry.objects.filter(action="deed.milestone").count() == 1
    services.milestone_tick(actor=world.officer_a, milestone=milestone, done=False)
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_declare_done_sets_progress_outcome_and_tells_followers(world):
    deed = make_deed(world)
    services.deed_follow(user=world.employee, deed=deed)
    deed = services.deed_declare_done(actor=world.officer_a, deed=deed, outcome="已更换三台。")
    deed.refresh_from_db()
    assert (deed.status, deed.progress, deed.done_on) == ("done", 100, today())
    assert Notification.objects.filter(
        recipient=world.employee, dedupe_key=f"deed:{deed.pk}:done"
    ).exists()


def test_declare_done_refuses_a_future_date_or_no_outcome_and_twice(world):
    deed = make_deed(world)
    with pytest.raises(ValidationError):
        services.deed_declare_done(actor=world.officer_a, deed=deed, outcome="")
    with pytest.raises(ValidationError):
        services.deed_declare_done(
            actor=world.officer_a,
            deed=deed,
            outcome="完成",
            done_on=today() + datetime.timedelta(days=1),
        )
    deed.refresh_from_db()
    assert deed.status == Deed.Status.OPEN
    services.deed_declare_done(actor=world.officer_a, deed=deed, outcome="完成")
    with pytest.raises(ValidationError):
        services.deed_declare_done(actor=world.officer_a, deed=deed, outcome="再次完成")


def test_drop_needs_a_reason_and_closes_the_deed(world):
    deed = make_deed(world)
    with pytest.raises(ValidationError):
        services.deed_drop(actor=world.officer_a, deed=deed, reason=" ")
    services.deed_drop(actor=world.officer_a, deed=deed, reason="厂房搬迁，改为新厂区统一配置。")
    deed.refresh_from_db()
    assert deed.status == Deed.Status.DROPPED
    with pytest.raises(ValidationError):
        services.deed_report_progress(actor=world.officer_a, deed=deed, progress=10, text="x")


def test_update_edits_an_open_deed_and_keeps_a_past_date_only_if_unchanged(world):
    deed = make_deed(world)
    deed = services.deed_update(
        actor=world.officer_a,
        deed=deed,
        title="更换饮水机（两台）",
        description="",
        owner=world.member_a.user,
        services=["masses", "members"],
        due_on=deed.due_on,
    )
    assert deed.owner == world.member_a.user
    with pytest.raises(ValidationError):
        services.deed_update(
            actor=world.officer_a,
            deed=deed,
            title="x",
            description="",
            owner=world.member_a.user,
            services=["masses"],
            due_on=today() - datetime.timedelta(days=1),
        )
    deed.refresh_from_db()
    assert deed.title == "更换饮水机（两台）"


def test_follow_and_unfollow_keep_the_counter_and_are_idempotent(world):
    deed = make_deed(world)
    assert services.deed_follow(user=world.employee, deed=deed)
    assert not services.deed_follow(user=world.employee, deed=deed)
    deed.refresh_from_db()
    assert deed.followers == 1 == DeedFollow.objects.count()
    assert services.deed_unfollow(user=world.employee, deed=deed)
    assert not services.deed_unfollow(user=world.employee, deed=deed)
    deed.refresh_from_db()
    assert deed.followers == 0 == DeedFollow.objects.count()


def test_rating_counts_once_per_person(world):
    deed = make_deed(world)
    services.deed_declare_done(actor=world.officer_a, deed=deed, outcome="完成")
    services.deed_rate(user=world.employee, deed=deed, delivered="satisfied")
    services.deed_rate(user=world.member_b.user, deed=deed, delivered="not", comment="没看到变化")
    with pytest.raises(ValidationError):
        services.deed_rate(user=world.employee, deed=deed, delivered="not")
    deed.refresh_from_db()
    assert (deed.rated_satisfied, deed.rated_fairly, deed.rated_not) == (1, 0, 1)
    assert DeedRating.objects.count() == 2


def test_rating_is_refused_before_done_for_the_owner_and_for_nonsense(world):
    deed = make_deed(world)
    with pytest.raises(ValidationError):
        services.deed_rate(user=world.employee, deed=deed, delivered="satisfied")
    services.deed_declare_done(actor=world.officer_a, deed=deed, outcome="完成")
    with pytest.raises(ValidationError):
        services.deed_rate(user=world.officer_a, deed=deed, delivered="satisfied")
    with pytest.raises(ValidationError):
        services.deed_rate(user=UserFactory(), deed=deed, delivered="maybe")
    deed.refresh_from_db()
    assert (deed.rated_satisfied, deed.rated_fairly, deed.rated_not) == (0, 0, 0)
    assert not DeedRating.objects.exists()


def test_every_state_change_is_audited(world):
    deed = make_deed(world)
    services.deed_report_progress(actor=world.officer_a, deed=deed, progress=60, text="进行中")
    services.deed_declare_done(actor=world.officer_a, deed=deed, outcome="完成")
    actions = set(
        AuditEntry.objects.filter(target_id=str(deed.pk)).values_list("action", flat=True)
    )
    assert {"deed.create", "deed.progress", "deed.done"} <= actions


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_people_rating_and_following_at_once_keep_the_counters_exact(world):
    """Eight people answer and follow at the same moment, one of them twice."""
    import threading

    from django.db import connection

    deed = make_deed(world)
    services.deed_declare_done(actor=world.officer_a, deed=deed, outcome="完成")
    people = [UserFactory() for _ in range(7)]
    presses = [*people, people[0]]  # the first person presses twice, in two tabs
    barrier = threading.Barrier(len(presses))
    refused: list[BaseException] = []

    def press(user):
        try:
            barrier.wait()
            services.deed_follow(user=user, deed=deed)
            services.deed_rate(user=user, deed=deed, delivered="satisfied")
        except ValidationError as error:
            refused.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(user,)) for user in presses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deed.refresh_from_db()
    assert len(refused) == 1
    assert deed.rated_satisfied == 7 == DeedRating.objects.filter(deed=deed).count()
    assert deed.followers == 7 == DeedFollow.objects.filter(deed=deed).count()
