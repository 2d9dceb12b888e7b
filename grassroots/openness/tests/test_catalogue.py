"""The openness catalogue: which items an organisation has not published in time, the
officer's to-do (its count is what its link lists), the one reminder, the page's
authorisation, and drafts made from the records."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from grassroots.core.periods import Period
from grassroots.notifications.models import Notification
from grassroots.openness.catalogue import jobs, selectors
from grassroots.openness.notices.drafts import draft_for
from grassroots.openness.tests.factories import make_notice
from grassroots.openness.vocabulary import NoticeKind

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)  # 2026's plan and deeds, 2025's summary, dues… all due


def _overdue_kinds(unit: Any, today: datetime.date = TODAY) -> set[str]:
    return {state.item.notice_kind for state in selectors.overdue_of([unit], today=today)}


PERIODIC = {"work_plan", "work_summary", "dues", "meetings", "deeds", "evaluation"}


def test_every_periodic_item_is_overdue_until_a_notice_covers_its_period(world: Any) -> None:
    assert _overdue_kinds(world.branch_a) == PERIODIC
    make_notice(world.branch_a, kind=NoticeKind.WORK_PLAN, period_key="2026")
    make_notice(world.branch_a, kind=NoticeKind.WORK_SUMMARY, period_key="2024")  # not 2025
    make_notice(world.branch_b, kind=NoticeKind.DUES, period_key="2025")  # another branch
    assert _overdue_kinds(world.branch_a) == PERIODIC - {"work_plan"}
    # a Party group has no catalogue
    assert _overdue_kinds(world.group_a) == set()


def test_event_items_show_the_latest_notice_and_are_never_overdue(world: Any) -> None:
    older = make_notice(world.branch_a, kind=NoticeKind.COMMENDATION)
    newer = make_notice(world.branch_a, kind=NoticeKind.COMMENDATION)
    states = selectors.states_of([world.branch_a], today=TODAY)[world.branch_a.pk]
    commendation = next(s for s in states if s.item.notice_kind == "commendation")
    assert commendation.notice_id == newer.pk != older.pk
    assert not commendation.overdue


def test_states_of_many_units_take_three_queries(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    units = [world.committee, world.branch_a, world.branch_b]
    with django_assert_max_num_queries(3):
        states = selectors.states_of(units, today=TODAY)
    assert sum(len(v) for v in states.values()) == 27


def test_the_reminder_tells_the_unit_officers_once_per_item_and_period(world: Any) -> None:
    for kind in PERIODIC - {"dues"}:
        period = "2025" if kind in {"work_summary", "meetings", "evaluation"} else "2026"
        for unit in (world.committee, world.branch_a, world.branch_b):
            make_notice(unit, kind=kind, period_key=period)
    for unit in (world.committee, world.branch_b):
        make_notice(unit, kind=NoticeKind.DUES, period_key="2025")
    now = timezone.make_aware(datetime.datetime(2026, 12, 6, 8, 20))
    assert jobs.catalogue_reminders(now) == 1
    assert jobs.catalogue_reminders(now + datetime.timedelta(days=1)) == 0  # once
    (notice,) = Notification.objects.filter(kind="openness.catalogue")
    assert notice.recipient_id == world.officer_a.pk
    assert "2025" in notice.title


def test_the_todo_counts_what_the_overdue_page_lists(world: Any, client_for: Any) -> None:
    from grassroots.accounts.scope import scope_for
    from grassroots.openness.catalogue.todos import todos_for

    make_notice(
        world.branch_a, kind=NoticeKind.WORK_PLAN, period_key=str(timezone.localdate().year)
    )
    (todo,) = todos_for(scope_for(world.officer_a), today=timezone.localdate())
    page = client_for(world.officer_a).get(todo.url)
    assert page.status_code == 200
    assert len(page.context["rows"]) == todo.count
    assert all(state.overdue for _unit, state, _note in page.context["rows"])
    assert todos_for(scope_for(world.employee), today=timezone.localdate()) == []


def test_the_page_is_for_officers_over_the_unit(world: Any, client_for: Any) -> None:
    url = reverse("openness:catalogue")
    unit_url = f"{url}?unit={world.branch_a.pk}"
    assert client_for(None).get(unit_url).status_code == 302  # to sign in
    assert client_for(world.employee).get(url).status_code == 404
    assert client_for(world.member_a.user).get(unit_url).status_code == 404
    assert client_for(world.officer_b).get(unit_url).status_code == 404  # another branch
    assert client_for(world.officer_b).get(f"{url}?unit=999999").status_code == 404
    assert client_for(world.officer_b).get(f"{url}?unit=x").status_code == 404
    for user in (world.officer_a, world.committee_officer, world.admin):
        page = client_for(user).get(unit_url)
        assert page.status_code == 200
        assert {unit.pk for unit, _s, _n in page.context["rows"]} == {world.branch_a.pk}
        assert f"unit={world.branch_a.pk}&amp;kind=work_plan&amp;period=" in page.text


def test_drafts_carry_the_records(world: Any) -> None:
    from grassroots.service.deeds import services as deeds

    today = timezone.localdate()
    deed = deeds.deed_create(
        actor=world.officer_a,
        unit=world.branch_a,
        title="更衣室加装扶手",
        description="",
        owner=world.officer_a,
        services=["masses"],
        due_on=today,
    )
    year = Period.year(deed.due_on.year)
    draft = draft_for(world.branch_a, NoticeKind.DEEDS, year)
    assert draft is not None and draft.from_records
    assert "更衣室加装扶手" in draft.body
    assert reverse("service:deed", args=[deed.pk]) in draft.body
    assert world.branch_a.name in draft.title
    plan = draft_for(world.branch_a, NoticeKind.WORK_PLAN, year)
    assert plan is not None and "更衣室加装扶手" in plan.body
    assert draft_for(world.branch_b, NoticeKind.DEEDS, year).body.count("更衣室加装扶手") == 0
    dues = draft_for(world.branch_a, NoticeKind.DUES, year)
    assert dues is not None and not dues.from_records
    assert draft_for(world.branch_a, NoticeKind.OTHER, year) is None


def test_the_appraisal_draft_counts_grades_and_names_nobody(world: Any) -> None:
    from grassroots.evaluation.appraisal.models import Appraisal, AppraisalParticipant
    from grassroots.orglife import rules as orglife_rules
    from grassroots.orglife.services import meeting_plan

    meeting = meeting_plan(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=orglife_rules.APPRAISAL,
        topic="民主评议党员",
        starts_at=timezone.now() - datetime.timedelta(days=3),
        place="活动室",
    )
    appraisal = Appraisal.objects.create(
        branch=world.branch_a, year=2025, status=Appraisal.Status.DECIDED, meeting=meeting
    )
    AppraisalParticipant.objects.create(
        appraisal=appraisal, member=world.member_a, is_graded=True, grade="excellent"
    )
    open_one = Appraisal.objects.create(branch=world.branch_b, year=2025)
    AppraisalParticipant.objects.create(
        appraisal=open_one, member=world.member_b, is_graded=True, grade="qualified"
    )
    with translation.override("en"):
        draft = draft_for(world.committee, NoticeKind.EVALUATION, Period.year(2025))
    assert draft is not None and draft.from_records
    assert world.member_a.user.name not in draft.body
    tally = dict(
        line.removeprefix("- ").split(": ")
        for line in draft.body.splitlines()
        if line.startswith("- ")
    )
    assert sorted(tally.values()) == ["0", "0", "0", "1"]  # the open appraisal is not counted


def test_a_notice_to_fewer_people_than_the_item_names_does_not_cover_it(world: Any) -> None:
    # the work plan is for every employee; the dues for the members
    make_notice(world.branch_a, kind=NoticeKind.WORK_PLAN, period_key="2026", audience="officers")
    make_notice(world.branch_a, kind=NoticeKind.DUES, period_key="2025", audience="public")
    overdue = _overdue_kinds(world.branch_a)
    assert "work_plan" in overdue  # officers only: employees were not told
    assert "dues" not in overdue  # wider than the members: told


def test_draft_and_publish_starts_with_the_items_audience(world: Any, client_for: Any) -> None:
    url = reverse("openness:notice_new")
    client = client_for(world.officer_a)
    for kind, audience in (("dues", "members"), ("work_plan", "enterprise")):
        page = client.get(f"{url}?unit={world.branch_a.pk}&kind={kind}&period=2025")
        assert page.context["form"].initial["audience"] == audience
