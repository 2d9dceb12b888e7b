"""Writes to service posts: validation, nothing half-saved, audit, appeals linked."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.appeals.intake import AppealDraft, Channel
from grassroots.appeals.models import Appeal
from grassroots.appeals.tests.factories import category
from grassroots.core.models import AuditEntry
from grassroots.notifications.models import Notification
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory
from grassroots.service.models import PostVisit, ServicePost
from grassroots.service.posts import services

pytestmark = pytest.mark.django_db


def make_post(world, **extra):
    values = {
        "actor": world.officer_a,
        "unit": world.branch_a,
        "kind": ServicePost.Kind.DEMONSTRATION,
        "name": "装配线党员示范岗",
        "holders": [world.member_a.user],
        "promise": "设备故障十分钟内到场。",
        "services": ["masses", "development"],
        "department": world.department_a,
        "place": "装配线东头",
    }
    return services.post_create(**(values | extra))


def test_an_officer_creates_a_post_held_by_members_of_the_branch(world):
    # when
    post = make_post(world, holders=[world.member_a.user, world.officer_a])
    # then
    assert set(post.holders.all()) == {world.member_a.user, world.officer_a}
    entry = AuditEntry.objects.get(action="post.create")
    assert entry.actor == world.officer_a
    assert entry.org_path == world.branch_a.path
    assert entry.changes["holders"][1] == sorted([world.member_a.user.pk, world.officer_a.pk])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"promise": ""}, "promise"),
        ({"services": []}, "services"),
        ({"services": ["masses", "fun"]}, "services"),
        ({"holders": []}, "holders"),
        ({"kind": "kiosk"}, "kind"),
    ],
)
def test_a_bad_post_is_refused_and_nothing_is_saved(world, change, field):
    with pytest.raises(ValidationError) as error:
        make_post(world, **change)
    assert field in error.value.message_dict
    assert not ServicePost.objects.exists()
    assert not AuditEntry.objects.filter(action="post.create").exists()


def test_holders_must_be_active_party_members_of_the_branch(world):
    applicant = MemberFactory(branch=world.branch_a, stage=Member.Stage.APPLICANT)
    suspended = MemberFactory(branch=world.branch_a, status=Member.Status.SUSPENDED)
    for outsider in (world.member_b.user, world.employee, applicant.user, suspended.user):
        with pytest.raises(ValidationError) as error:
            make_post(world, holders=[world.member_a.user, outsider])
        assert "holders" in error.value.message_dict
    assert not ServicePost.objects.exists()


def test_a_post_belongs_to_a_branch(world):
    with pytest.raises(ValidationError) as error:
        make_post(world, unit=world.committee)
    assert "unit" in error.value.message_dict


def test_update_changes_the_post_and_is_audited(world):
    post = make_post(world)
    # when
    services.post_update(
        actor=world.officer_a,
        post=post,
        kind=ServicePost.Kind.AREA,
        name="装配线党员责任区",
        holders=[world.officer_a],
        promise="负责装配线的安全与卫生。",
        services=["masses"],
    )
    # then
    post.refresh_from_db()
    assert (post.kind, post.name, post.department) == ("area", "装配线党员责任区", None)
    assert list(post.holders.all()) == [world.officer_a]
    entry = AuditEntry.objects.get(action="post.update")
    assert entry.changes["holders"] == [[world.member_a.user.pk], [world.officer_a.pk]]


def test_a_bad_update_leaves_the_post_as_it_was(world):
    post = make_post(world)
    with pytest.raises(ValidationError):
        services.post_update(
            actor=world.officer_a,
            post=post,
            kind=post.kind,
            name="新名字",
            holders=[world.member_b.user],
            promise=post.promise,
            services=post.services,
        )
    post.refresh_from_db()
    assert post.name == "装配线党员示范岗"
    assert list(post.holders.all()) == [world.member_a.user]


def test_deactivating_twice_is_one_change(world):
    post = make_post(world)
    services.post_deactivate(actor=world.officer_a, post=post)
    services.post_deactivate(actor=world.officer_a, post=post)
    post.refresh_from_db()
    assert post.is_active is False
    assert AuditEntry.objects.filter(action="post.deactivate").count() == 1
    with pytest.raises(ValidationError):
        services.post_update(
            actor=world.officer_a,
            post=post,
            kind=post.kind,
            name=post.name,
            holders=[world.member_a.user],
            promise=post.promise,
            services=post.services,
        )


# --- Appeals addressed to a post ------------------------------------------------------


def raise_to(post, world, **extra):
    values = {
        "channel": Channel.WEB,
        "submitter": world.employee,
        "category": category("living"),
        "title": "装配线旁没有饮水点",
        "description": "装配线附近没有饮水点，夏天很不方便。",
        "department": post.department,
        "idempotency_key": "key-1",
    }
    return services.post_appeal_submit(post=post, draft=AppealDraft(**(values | extra)))


def test_an_appeal_to_a_post_is_linked_and_the_holders_told_after_commit(
    world, django_capture_on_commit_callbacks
):
    post = make_post(world, holders=[world.member_a.user, world.officer_a])
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = raise_to(post, world)
    # then
    assert len(callbacks) >= 1
    assert list(post.appeals.all()) == [result.appeal]
    assert result.appeal.submitter == world.employee
    assert result.appeal.channel == Appeal.Channel.WEB
    told = Notification.objects.filter(kind=services.POST_APPEAL.key)
    assert set(told.values_list("recipient_id", flat=True)) == {
        world.member_a.user.pk,
        world.officer_a.pk,
    }


def test_nobody_is_told_before_the_transaction_commits(world, django_capture_on_commit_callbacks):
    post = make_post(world)
    with django_capture_on_commit_callbacks(execute=False):
        raise_to(post, world)
    assert not Notification.objects.filter(kind=services.POST_APPEAL.key).exists()


def test_the_same_form_sent_twice_gives_one_appeal_linked_once(
    world, django_capture_on_commit_callbacks
):
    post = make_post(world)
    with django_capture_on_commit_callbacks(execute=True):
        first = raise_to(post, world)
        second = raise_to(post, world)
    assert second.repeated and second.appeal == first.appeal
    assert Appeal.objects.count() == 1
    assert post.appeals.count() == 1
    assert Notification.objects.filter(kind=services.POST_APPEAL.key).count() == 1


def test_a_bad_appeal_to_a_post_leaves_nothing(world):
    post = make_post(world)
    with pytest.raises(ValidationError):
        raise_to(post, world, title=" ")
    assert not Appeal.objects.exists()
    assert post.appeals.count() == 0


def test_a_conduct_complaint_to_a_post_is_not_told_to_its_holders(
    world, django_capture_on_commit_callbacks
):
    post = make_post(world)
    with django_capture_on_commit_callbacks(execute=True):
        raise_to(post, world, category=category("conduct"))
    assert not Notification.objects.filter(kind=services.POST_APPEAL.key).exists()


def test_no_appeal_to_a_deactivated_post(world):
    post = make_post(world)
    services.post_deactivate(actor=world.officer_a, post=post)
    with pytest.raises(ValidationError):
        raise_to(post, world)
    assert not Appeal.objects.exists()


# --- Visits of a mobile post ----------------------------------------------------------


def _today():
    """Today in the product's time zone, read when a test runs (the suite may cross
    midnight in Asia/Shanghai)."""
    return timezone.localdate()


def mobile(world):
    return make_post(world, kind=ServicePost.Kind.MOBILE, name="科室上门服务岗")


def plan(post, world, **extra):
    values = {
        "actor": world.officer_a,
        "post": post,
        "date": _today() + datetime.timedelta(days=3),
        "department": world.department_b,
        "members": [world.member_a.user],
    }
    return services.post_visit_plan(**(values | extra))


def test_plan_cancel_and_record_visits(world):
    post = mobile(world)
    # given a visit planned for today and one for later
    today = plan(post, world, date=_today(), members=[world.member_a.user, world.officer_a])
    later = plan(post, world)
    # when
    services.post_visit_cancel(actor=world.officer_a, visit=later)
    services.post_visit_record(
        actor=world.member_a.user, visit=today, heard="职工反映更衣柜不够", done="当场登记需求"
    )
    # then
    today.refresh_from_db()
    later.refresh_from_db()
    assert later.status == PostVisit.Status.CANCELLED
    assert today.status == PostVisit.Status.HELD
    assert today.recorded_by == world.member_a.user
    assert AuditEntry.objects.filter(action="post.visit_record").count() == 1
    with pytest.raises(ValidationError):
        services.post_visit_record(actor=world.officer_a, visit=later, heard="x", done="")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": _today() - datetime.timedelta(days=1)}, "date"),
        ({"members": []}, "members"),
        ({"members": "member_b"}, "members"),
    ],
)
def test_a_bad_plan_is_refused(world, change, field):
    post = mobile(world)
    if change.get("members") == "member_b":
        change = {"members": [world.member_b.user]}
    with pytest.raises(ValidationError) as error:
        plan(post, world, **change)
    assert field in error.value.message_dict
    assert not PostVisit.objects.exists()


def test_only_a_mobile_post_has_visits(world):
    post = make_post(world)
    with pytest.raises(ValidationError):
        plan(post, world)
    assert not PostVisit.objects.exists()


def test_a_future_visit_or_an_empty_record_is_refused(world):
    post = mobile(world)
    visit = plan(post, world)
    with pytest.raises(ValidationError) as error:
        services.post_visit_record(actor=world.officer_a, visit=visit, heard="x", done="y")
    assert "date" in error.value.message_dict
    today = plan(post, world, date=_today())
    with pytest.raises(ValidationError) as error:
        services.post_visit_record(actor=world.officer_a, visit=today, heard=" ", done="")
    assert "done" in error.value.message_dict
    today.refresh_from_db()
    assert today.status == PostVisit.Status.PLANNED


def test_a_visit_not_on_the_rota_is_recorded_as_held(world):
    post = mobile(world)
    visit = services.post_visit_add(
        actor=world.member_a.user,
        post=post,
        date=_today(),
        department=world.department_b,
        members=[world.member_a.user],
        heard="",
        done="帮职工调整了工位高度",
    )
    assert visit.status == PostVisit.Status.HELD
    with pytest.raises(ValidationError):
        services.post_visit_add(
            actor=world.member_a.user,
            post=post,
            date=_today() + datetime.timedelta(days=1),
            department=world.department_b,
            members=[world.member_a.user],
            heard="x",
            done="",
        )
    assert PostVisit.objects.count() == 1


def held_visit(world, post=None):
    post = post or mobile(world)
    return services.post_visit_add(
        actor=world.member_a.user,
        post=post,
        date=_today(),
        department=world.department_b,
        members=[world.member_a.user],
        heard="二车间的职工反映夜班没有热饭。",
        done="",
    )


def turn(visit, world, **extra):
    values = {
        "actor": world.member_a.user,
        "visit": visit,
        "category": category("living"),
        "title": "夜班没有热饭",
        "description": visit.heard,
        "idempotency_key": "visit-key",
    }
    return services.post_visit_appeal_submit(**(values | extra))


def test_a_visit_note_named_to_a_worker_becomes_their_appeal_linked_to_the_visit(world):
    visit = held_visit(world)
    worker = world.member_b.user  # a worker of department B, where the visit went
    # when
    result = turn(visit, world, worker=worker)
    # then
    appeal = result.appeal
    assert appeal.channel == Appeal.Channel.VISIT
    assert appeal.submitter == worker
    assert appeal.recorded_by == world.member_a.user
    assert appeal.department == world.department_b
    assert appeal.unit == world.branch_b  # routed to the branch covering the department
    assert list(visit.appeals.all()) == [appeal]


def test_without_a_worker_the_member_who_heard_it_raises_it(world):
    visit = held_visit(world)
    appeal = turn(visit, world).appeal
    assert appeal.submitter == world.member_a.user
    assert appeal.recorded_by is None


def test_turning_a_note_twice_gives_one_appeal(world):
    visit = held_visit(world)
    first = turn(visit, world)
    second = turn(visit, world)
    assert second.repeated and second.appeal == first.appeal
    assert visit.appeals.count() == 1 and Appeal.objects.count() == 1


def test_a_planned_visit_or_bad_input_gives_no_appeal(world):
    post = mobile(world)
    planned = plan(post, world, date=_today())
    with pytest.raises(ValidationError):
        turn(planned, world, description="x")
    visit = held_visit(world, post)
    with pytest.raises(ValidationError):
        turn(visit, world, title="")
    assert not Appeal.objects.exists()
    assert visit.appeals.count() == 0


def test_a_second_active_post_of_the_same_name_is_refused(world):
    first = make_post(world)
    with pytest.raises(ValidationError) as error:
        make_post(world, name=" 装配线党员示范岗 ")
    assert "name" in error.value.message_dict
    assert ServicePost.objects.count() == 1
    services.post_deactivate(actor=world.officer_a, post=first)
    assert make_post(world).pk != first.pk  # the name is free again


def test_the_same_visit_planned_or_recorded_twice_is_one_visit(world):
    post = mobile(world)
    assert plan(post, world) == plan(post, world)
    values = {
        "actor": world.member_a.user,
        "post": post,
        "date": _today(),
        "department": world.department_b,
        "members": [world.member_a.user],
        "heard": "更衣柜不够",
        "done": "",
    }
    assert services.post_visit_add(**values) == services.post_visit_add(**values)
    assert PostVisit.objects.count() == 2
