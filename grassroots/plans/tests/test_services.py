"""Work plans' services and the progress computed from the linked records."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.orglife.models import Meeting
from grassroots.plans import rules, selectors, services
from grassroots.plans.models import PlanItem, PlanLink
from grassroots.service.deeds import services as deeds
from grassroots.service.tests.deeds_factories import make_deed

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def make_meeting(unit: Any, **extra: Any) -> Meeting:
    values = {
        "unit": unit,
        "kind": Meeting.Kind.BRANCH_ASSEMBLY,
        "topic": "学习会",
        "starts_at": timezone.now(),
        "place": "活动室",
        "status": Meeting.Status.PLANNED,
    }
    return Meeting.objects.create(**(values | extra))


def make_plan(world: Any, unit: Any = None, quarter: int | None = None) -> Any:
    return services.plan_create(
        actor=world.officer_a, unit=unit or world.branch_a, year=YEAR, quarter=quarter
    )


def add_item(world: Any, plan: Any, **extra: Any) -> PlanItem:
    values = {
        "what": "开展主题党日",
        "details": "",
        "goal": "安全生产",
        "due_on": datetime.date(YEAR, 6, 30),
        "owner": world.officer_a,
    }
    return services.item_add(actor=world.officer_a, plan=plan, **(values | extra))


def test_rules_fulfilment() -> None:
    assert not rules.item_fulfilled([])
    assert not rules.item_fulfilled([("meeting", "planned"), ("deed", "open")])
    assert rules.item_fulfilled([("meeting", "planned"), ("meeting", "held")])
    assert rules.item_fulfilled([("consultation", "closed")])
    assert not rules.item_fulfilled([("deed", None), ("activity", "cancelled")])
    assert rules.progress([True, False, False, True]).percent == 50
    assert rules.period_bounds(2026, 2) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert rules.behind_schedule(datetime.date(2026, 3, 31), False, rules.quarter_end(2026, 1))
    assert not rules.behind_schedule(datetime.date(2026, 4, 1), False, rules.quarter_end(2026, 1))


def test_one_plan_per_unit_year_quarter(world: Any) -> None:
    make_plan(world)
    make_plan(world, quarter=1)
    with pytest.raises(ValidationError):
        make_plan(world)
    with pytest.raises(ValidationError):
        make_plan(world, quarter=1)
    with pytest.raises(ValidationError):
        make_plan(world, quarter=5)


def test_item_bad_input_saves_nothing(world: Any) -> None:
    plan = make_plan(world)
    for bad in (
        {"what": ""},
        {"what": "x" * 201},
        {"goal": "x" * 501},
        {"due_on": datetime.date(YEAR + 1, 1, 1)},
        {"due_on": None},
        {"owner": None},
    ):
        with pytest.raises(ValidationError):
            add_item(world, plan, **bad)
    assert not PlanItem.objects.exists()
    quarterly = make_plan(world, quarter=1)
    with pytest.raises(ValidationError):
        add_item(world, quarterly, due_on=datetime.date(YEAR, 4, 1))


def test_double_submit_adds_one_item(world: Any) -> None:
    plan = make_plan(world)
    first = add_item(world, plan, idempotency_key="k" * 32)
    again = add_item(world, plan, idempotency_key="k" * 32)
    assert first.pk == again.pk and PlanItem.objects.count() == 1
    assert AuditEntry.objects.filter(action="plans.item_add").count() == 1


def test_progress_follows_the_records(world: Any) -> None:
    plan = make_plan(world)
    item = add_item(world, plan)
    meeting = make_meeting(world.branch_a)
    services.link_add(actor=world.officer_a, item=item, kind="meeting", object_id=meeting.pk)
    view = selectors.plan_view(plan)
    assert not view.items[0].fulfilled and view.progress.done == 0
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.HELD, held_on=timezone.localdate()
    )
    view = selectors.plan_view(plan)
    assert view.items[0].fulfilled and view.progress.done == 1
    deed = make_deed(world)
    other = add_item(world, plan, what="为职工办实事")
    services.link_add(actor=world.officer_a, item=other, kind="deed", object_id=deed.pk)
    assert selectors.plan_view(plan).progress.percent == 50
    deeds.deed_declare_done(actor=world.officer_a, deed=deed, outcome="已完成。")
    assert selectors.plan_view(plan).progress.percent == 100


def test_link_refuses_other_units_unknown_and_double(world: Any) -> None:
    plan = make_plan(world)
    item = add_item(world, plan)
    theirs = make_meeting(world.branch_b)
    with pytest.raises(ValidationError):
        services.link_add(actor=world.officer_a, item=item, kind="meeting", object_id=theirs.pk)
    with pytest.raises(ValidationError):
        services.link_add(actor=world.officer_a, item=item, kind="deed", object_id=None)
    with pytest.raises(ValidationError):
        services.link_add(actor=world.officer_a, item=item, kind="nothing", object_id=1)
    their_deed = make_deed(world, actor=world.officer_b, unit=world.branch_b, owner=world.officer_b)
    with pytest.raises(ValidationError):
        services.link_add(actor=world.officer_a, item=item, kind="deed", object_id=their_deed.pk)
    ours = make_meeting(world.branch_a)
    services.link_add(actor=world.officer_a, item=item, kind="meeting", object_id=ours.pk)
    with pytest.raises(ValidationError):
        services.link_add(actor=world.officer_a, item=item, kind="meeting", object_id=ours.pk)
    assert PlanLink.objects.count() == 1
    assert AuditEntry.objects.filter(action="plans.link_add").count() == 1


def test_plan_view_has_fixed_queries(world: Any, django_assert_max_num_queries: Any) -> None:
    plan = make_plan(world)
    for n in range(5):
        item = add_item(world, plan, what=f"事项{n}")
        meeting = make_meeting(world.branch_a, topic=f"会{n}")
        services.link_add(actor=world.officer_a, item=item, kind="meeting", object_id=meeting.pk)
    with django_assert_max_num_queries(8):
        view = selectors.plan_view(plan)
        assert len(view.items) == 5 and all(len(each.links) == 1 for each in view.items)


def test_activities_and_consultations_of_the_subtree_count_when_held_or_closed(
    world: Any,
) -> None:
    from grassroots.openness.models import Consultation
    from grassroots.openness.tests.factories import make_consultation
    from grassroots.service.models import Activity

    plan = make_plan(world, unit=world.committee)
    item = add_item(world, plan, owner=world.committee_officer)
    start = timezone.now().replace(month=6, day=1)
    activity = Activity.objects.create(
        unit=world.branch_a,
        title="义务理发",
        type=Activity.Type.VOLUNTEER,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="职工之家",
        audience=Activity.Audience.EVERYONE,
    )
    consultation = make_consultation(world.branch_b, by=world.officer_b, days_ago=0)
    actor = world.committee_officer
    services.link_add(actor=actor, item=item, kind="activity", object_id=activity.pk)
    services.link_add(actor=actor, item=item, kind="consultation", object_id=consultation.pk)
    assert not selectors.plan_view(plan).items[0].fulfilled
    Consultation.objects.filter(pk=consultation.pk).update(
        status="closed", closed_at=timezone.now()
    )
    assert selectors.plan_view(plan).items[0].fulfilled
    Consultation.objects.filter(pk=consultation.pk).update(status="open", closed_at=None)
    Activity.objects.filter(pk=activity.pk).update(status="held")
    assert selectors.plan_view(plan).items[0].fulfilled
