"""What waits on a person in evaluation (issue 14.1): ballots, self-assessments,
objections to answer, overdue rectification items — counted for the people they wait
on and nobody else, each linking to a page that shows exactly them, in a fixed number
of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from grassroots.accounts.scope import forget_scope, scope_for
from grassroots.core.todo import Urgency
from grassroots.evaluation.appraisal.models import Appraisal, AppraisalParticipant
from grassroots.evaluation.campaigns.models import (
    Campaign,
    CampaignSubject,
    Elector,
    Rectification,
)
from grassroots.evaluation.schemes.models import Assessment, IndicatorScheme, Objection
from grassroots.evaluation.tests.test_campaigns_world import opened, people
from grassroots.evaluation.todos import todos_for
from grassroots.orgs.models import Member, OrgUnit
from grassroots.orgs.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
DAY = datetime.timedelta(days=1)


def client_as(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def todos(user: Any, today: datetime.date | None = None) -> dict[str, Any]:
    forget_scope(user)
    found = todos_for(scope_for(user), user, today=today or timezone.localdate())
    return {todo.key: todo for todo in found}


def campaign(world: Any, *, organiser: Any = None, **extra: Any) -> Campaign:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "organiser": organiser or world.committee,
        "title": "满意度测评",
        "subject_kind": Campaign.SubjectKind.BRANCHES,
        "scale": Campaign.Scale.FIVE,
        "opens_on": today - 10 * DAY,
        "closes_on": today - 5 * DAY,
        "period_first": today - 100 * DAY,
        "period_last": today - 11 * DAY,
        "status": Campaign.Status.CLOSED,
    }
    return Campaign.objects.create(**(values | extra))


def rectification(made: Campaign, unit: Any, owner: Any, *, due: int = -1, **extra: Any) -> Any:
    subject, _ = CampaignSubject.objects.get_or_create(campaign=made, unit=unit, name=unit.name)
    return Rectification.objects.create(
        campaign=made,
        subject=subject,
        action=extra.pop("action", f"整改{Rectification.objects.count()}"),
        owner=owner,
        due_on=timezone.localdate() + due * DAY,
        **extra,
    )


def objection(scheme: IndicatorScheme, unit: Any, world: Any, **extra: Any) -> Objection:
    assessment, _ = Assessment.objects.get_or_create(scheme=scheme, unit=unit)
    return Objection.objects.create(
        assessment=assessment,
        text=extra.pop("text", "得分有误"),
        lodged_by=world.officer_a,
        **extra,
    )


def scheme(unit: Any, title: str = "2026年考核", year: int = 2026) -> IndicatorScheme:
    return IndicatorScheme.objects.create(
        unit=unit,
        year=year,
        title=title,
        status=IndicatorScheme.Status.PUBLISHED,
        published_at=timezone.now(),
        results_published_on=timezone.localdate() - 2 * DAY,
    )


# --- Ballots ---------------------------------------------------------------------------


def test_a_person_on_the_roll_sees_the_ballot_waiting_and_it_links_to_the_vote(world):
    # given an open campaign with the employee of branch A's department on its roll
    people(world, per_group=1)
    made = opened(world)
    assert Elector.objects.filter(campaign=made, user=world.employee).exists()
    # when the employee's to-dos are read
    todo = todos(world.employee)["evaluation.ballots"]
    # then one ballot waits, and its link is the voting page, which opens
    assert todo.count == 1 and "1" in todo.text
    assert todo.url == f"/evaluation/campaigns/{made.pk}/vote/"
    assert client_as(world.employee).get(todo.url).status_code == 200


def test_nobody_off_the_roll_or_who_has_voted_sees_a_ballot(world):
    # given an open campaign over branch A, and the employee has voted
    people(world, per_group=1)
    made = opened(world)
    Elector.objects.filter(campaign=made, user=world.employee).update(voted_on=timezone.localdate())
    # when people of branch B and the employee read their to-dos
    # then none has a ballot waiting
    assert "evaluation.ballots" not in todos(world.member_b.user)
    assert "evaluation.ballots" not in todos(world.officer_b)
    assert "evaluation.ballots" not in todos(world.employee)


def test_a_campaign_not_open_today_is_no_ballot_to_give(world):
    # given the employee on the roll of a campaign that closed yesterday, and a draft
    today = timezone.localdate()
    closed = campaign(world, status=Campaign.Status.OPEN, closes_on=today - DAY)
    draft = campaign(world, status=Campaign.Status.DRAFT, closes_on=today + DAY)
    for made in (closed, draft):
        Elector.objects.create(campaign=made, user=world.employee, group="employees")
    # then nothing waits
    assert "evaluation.ballots" not in todos(world.employee)


def test_several_ballots_link_to_the_list_of_exactly_them_due_soon_when_one_closes(world):
    # given two open campaigns, one closing tomorrow and one in ten days, and one voted
    today = timezone.localdate()
    kept = []
    for title, closes, voted in (("甲测评", 1, None), ("乙测评", 10, None), ("丙测评", 10, today)):
        made = campaign(
            world,
            title=title,
            status=Campaign.Status.OPEN,
            opens_on=today - DAY,
            closes_on=today + closes * DAY,
        )
        Elector.objects.create(
            campaign=made, user=world.employee, group="employees", voted_on=voted
        )
        kept.append(made)
    # when the employee's to-dos are read
    todo = todos(world.employee)["evaluation.ballots"]
    # then two wait, soon due, and the list shows those two and not the voted one
    assert todo.count == 2 and todo.urgency == Urgency.DUE_SOON
    page = client_as(world.employee).get(todo.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "甲测评" in html and "乙测评" in html and "丙测评" not in html
    # and a week later, only the far one waits: no longer soon
    later = todos(world.employee, today + 3 * DAY)["evaluation.ballots"]
    assert later.count == 1 and later.urgency == Urgency.WAITING


# --- Self-assessment -------------------------------------------------------------------


def test_a_participant_sees_the_self_assessment_to_write_until_it_is_written(world):
    # given an open appraisal of branch A with member A taking part
    appraisal = Appraisal.objects.create(branch=world.branch_a, year=2026)
    mine = AppraisalParticipant.objects.create(
        appraisal=appraisal, member=world.member_a, is_graded=True
    )
    AppraisalParticipant.objects.create(
        appraisal=appraisal,
        member=Member.objects.get(user=world.officer_a),
        is_graded=True,
        self_assessment="已写",
        self_assessed_at=timezone.now(),
    )
    # when member A reads their to-dos
    todo = todos(world.member_a.user)["evaluation.self_assessment"]
    # then one self-assessment waits, linking to the page where it is written
    assert todo.count == 1
    assert client_as(world.member_a.user).get(todo.url).status_code == 200
    # and not for a member of branch B, nor for the officer who has written theirs
    assert "evaluation.self_assessment" not in todos(world.member_b.user)
    assert "evaluation.self_assessment" not in todos(world.officer_a)
    # and no longer once written
    mine.self_assessed_at = timezone.now()
    mine.save()
    assert "evaluation.self_assessment" not in todos(world.member_a.user)


# --- Objections ------------------------------------------------------------------------


def test_the_assessor_sees_the_objections_to_answer_on_the_scheme_page(world):
    # given a scheme of the committee with an open and an answered objection
    made = scheme(world.committee)
    objection(made, world.branch_a, world, text="三会一课漏算")
    objection(
        made, world.branch_b, world, text="已答复的", answered_at=timezone.now(), answer="核实"
    )
    # when the committee officer reads their to-dos
    todo = todos(world.committee_officer)["evaluation.objections"]
    # then one objection waits, linking to the scheme's list of open objections
    assert todo.count == 1
    assert todo.url == f"/evaluation/schemes/{made.pk}/#open-objections"
    page = client_as(world.committee_officer).get(todo.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="open-objections"' in html and "三会一课漏算" in html


def test_branch_officers_and_other_committees_do_not_see_the_objections(world):
    # given an open objection on the committee's scheme, and another committee's
    objection(scheme(world.committee), world.branch_a, world)
    other = OrgUnitFactory(name="另一党委", code="X", kind=OrgUnit.Kind.COMMITTEE)
    objection(scheme(other), OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=other), world)
    # then the branch officer who lodged it has nothing to answer
    assert "evaluation.objections" not in todos(world.officer_a)
    assert "evaluation.objections" not in todos(world.employee)
    # and the committee officer counts only their own committee's
    assert todos(world.committee_officer)["evaluation.objections"].count == 1


def test_objections_over_several_schemes_link_to_the_schemes_with_objections(world):
    # given open objections on two schemes, and a third scheme without any
    first, second = scheme(world.committee, "甲方案"), scheme(world.committee, "乙方案", 2025)
    scheme(world.committee, "丙方案", 2024)
    objection(first, world.branch_a, world)
    objection(second, world.branch_b, world)
    # when the committee officer follows the to-do
    todo = todos(world.committee_officer)["evaluation.objections"]
    page = client_as(world.committee_officer).get(todo.url)
    # then the list has the two schemes with objections only
    assert todo.count == 2 and page.status_code == 200
    html = page.content.decode()
    listed = html[html.index('id="schemes-heading"') : html.index("</section>")]
    assert "甲方案" in listed and "乙方案" in listed and "丙方案" not in listed


# --- Rectification items ---------------------------------------------------------------


def test_the_owner_sees_their_overdue_items_and_the_list_shows_exactly_them(world):
    # given a closed campaign with items owned by officer A: overdue, done, not yet due
    made = campaign(world)
    rectification(made, world.branch_a, world.officer_a, action="补开组织生活会")
    rectification(made, world.branch_a, world.officer_a, action="已完成的", status="done")
    rectification(made, world.branch_a, world.officer_a, action="还没到期的", due=3)
    rectification(made, world.branch_b, world.officer_b, action="乙支部的")
    # when officer A reads their to-dos
    todo = todos(world.officer_a)["evaluation.my_rectifications_overdue"]
    # then one item is past due, and the list shows it alone, linked to its plan page
    assert todo.count == 1 and todo.urgency == Urgency.PAST_DUE
    page = client_as(world.officer_a).get(todo.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "补开组织生活会" in html
    assert not any(text in html for text in ("已完成的", "还没到期的", "乙支部的"))
    item = Rectification.objects.get(action="补开组织生活会")
    plan = f"/evaluation/campaigns/{made.pk}/subjects/{item.subject_id}/plan/{item.pk}/"
    assert plan in html
    assert client_as(world.officer_a).get(plan).status_code == 200
    # and someone who owns none has nothing
    assert "evaluation.my_rectifications_overdue" not in todos(world.member_a.user)


def test_the_committee_officer_sees_overdue_items_of_the_campaigns_they_run(world):
    # given overdue items in the committee's campaign, and in another committee's
    made = campaign(world)
    rectification(made, world.branch_a, world.officer_a, action="甲支部整改")
    rectification(made, world.branch_b, world.officer_b, action="乙支部整改")
    rectification(made, world.branch_a, world.committee_officer, action="党委自己的")
    other = OrgUnitFactory(name="另一党委", code="X", kind=OrgUnit.Kind.COMMITTEE)
    far = OrgUnitFactory(kind=OrgUnit.Kind.BRANCH, parent=other)
    rectification(campaign(world, organiser=other), far, world.officer_b, action="别处的")
    # when the committee officer reads their to-dos
    found = todos(world.committee_officer)
    # then two items of others wait in the campaigns they run, their own one apart
    assert found["evaluation.rectifications_overdue"].count == 2
    assert found["evaluation.my_rectifications_overdue"].count == 1
    page = client_as(world.committee_officer).get(found["evaluation.rectifications_overdue"].url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "甲支部整改" in html and "乙支部整改" in html
    assert "党委自己的" not in html and "别处的" not in html
    # and a branch officer runs no campaign of the committee's
    assert "evaluation.rectifications_overdue" not in todos(world.officer_a)


def test_an_administrator_without_roles_is_not_given_everyones_items(world):
    # given overdue items and open objections in the committee
    rectification(campaign(world), world.branch_a, world.officer_a)
    objection(scheme(world.committee), world.branch_a, world)
    # then the administrator's home lists none of them
    assert todos(world.admin) == {}


# --- Queries ---------------------------------------------------------------------------


def many(world: Any) -> None:
    today = timezone.localdate()
    made = campaign(world)
    schemes = [scheme(world.committee, f"方案{n}", 2024 + n) for n in range(3)]
    for n in range(5):
        rectification(made, world.branch_a, world.committee_officer)
        rectification(made, world.branch_b, world.officer_b)
        objection(schemes[n % 3], world.branch_a, world)
        open_one = campaign(
            world, status=Campaign.Status.OPEN, opens_on=today, closes_on=today + n * DAY
        )
        for user in (world.employee, world.committee_officer):
            Elector.objects.create(campaign=open_one, user=user, group="employees")
    appraisal = Appraisal.objects.create(branch=world.branch_a, year=2026)
    AppraisalParticipant.objects.create(appraisal=appraisal, member=world.member_a, is_graded=True)


@pytest.mark.parametrize(("who", "queries"), [("employee", 3), ("committee_officer", 4)])
def test_the_to_dos_take_the_same_queries_for_none_and_for_many(
    world, django_assert_num_queries, who, queries
):
    user = getattr(world, who)
    scope = scope_for(user)
    today = timezone.localdate()
    # given nothing at all
    with django_assert_num_queries(queries):
        assert todos_for(scope, user, today=today) == []
    # given many of each
    many(world)
    with django_assert_num_queries(queries):
        found = todos_for(scope, user, today=today)
    assert found
