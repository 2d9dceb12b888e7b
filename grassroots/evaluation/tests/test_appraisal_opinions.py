"""The employees' opinions of a democratic appraisal: the branch asks through a campaign
it organises, the employees of its departments answer in secret, and once the campaign
closes each full member's result stands beside them for the committee to weigh."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.clients import client_as
from grassroots.accounts.tests.factories import UserFactory
from grassroots.core.models import AuditEntry
from grassroots.evaluation.appraisal import services
from grassroots.evaluation.appraisal.models import Appraisal
from grassroots.evaluation.campaigns import rules as campaign_rules
from grassroots.evaluation.campaigns import services as campaign_services
from grassroots.evaluation.campaigns.models import Campaign, Elector
from grassroots.evaluation.tests.appraisal_factories import (
    appraisal_meeting,
    graded,
    open_appraisal,
)
from grassroots.evaluation.tests.test_campaigns_world import draft, vote, workday
from grassroots.orgs.models import Member

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"evaluation:{name}", args=args)


def ask(world, appraisal, **extra):
    today = timezone.localdate()
    values = {
        "opens_on": workday(today, -1),
        "closes_on": workday(today + datetime.timedelta(days=1), 1),
        "scale": Campaign.Scale.SATISFACTION,
        "items": ["服务群众", "廉洁公道"],
    }
    return services.opinions_ask(
        actor=world.officer_a,
        appraisal=appraisal,
        request=services.OpinionsRequest(**(values | extra)),
        today=today,
    )


def employees(world, n):
    return [UserFactory(department=world.department_a) for _ in range(n)]


def close(campaign):
    campaign_services.campaign_close(actor=None, campaign=campaign, today=timezone.localdate())


def test_asking_opens_a_campaign_of_the_branch_on_its_full_members_answered_by_employees(world):
    appraisal = open_appraisal(world)
    crowd = employees(world, 3)
    asked = ask(world, appraisal)
    campaign = asked.campaign
    assert campaign.status == Campaign.Status.OPEN
    assert campaign.organiser == world.branch_a
    assert campaign.subject_kind == Campaign.SubjectKind.MEMBERS
    assert {s.member_id for s in campaign.subjects.all()} == {p.member_id for p in graded(asked)}
    assert len(graded(asked)) == 9  # the probationary member takes part ungraded: not asked about
    roll = dict(Elector.objects.filter(campaign=campaign).values_list("user_id", "group"))
    # Everyone but the full members answers as an employee — the probationary member
    # too; the full members have their say in the mutual suggestions.
    probationary = Member.objects.get(branch=world.branch_a, stage=Member.Stage.PROBATIONARY)
    assert set(roll.values()) == {campaign_rules.EMPLOYEES}
    assert {u.pk for u in crowd} | {world.employee.pk, probationary.user_id} == set(roll)
    full = Member.objects.filter(stage=Member.Stage.FULL).values_list("user_id", flat=True)
    assert not set(full) & set(roll)
    assert AuditEntry.objects.filter(action="appraisal.opinions_ask").count() == 1


def test_asking_twice_or_after_the_decision_is_refused(world):
    appraisal = open_appraisal(world)
    ask(world, appraisal)
    with pytest.raises(ValidationError):
        ask(world, Appraisal.objects.get(pk=appraisal.pk))
    assert Campaign.objects.count() == 1
    Appraisal.objects.filter(pk=appraisal.pk).update(
        status=Appraisal.Status.DECIDED, meeting=appraisal_meeting(world), campaign=None
    )
    with pytest.raises(ValidationError):
        ask(world, Appraisal.objects.get(pk=appraisal.pk))
    assert Campaign.objects.count() == 1


def test_a_branch_without_employees_to_ask_is_refused_and_nothing_is_made(world):
    appraisal = services.appraisal_open(
        actor=world.officer_b, branch=world.branch_b, year=timezone.localdate().year
    )
    with pytest.raises(ValidationError) as refused:
        services.opinions_ask(
            actor=world.officer_b,
            appraisal=appraisal,
            request=services.OpinionsRequest(
                opens_on=workday(timezone.localdate(), -1),
                closes_on=workday(timezone.localdate() + datetime.timedelta(days=1), 1),
                scale=Campaign.Scale.FIVE,
                items=["服务群众"],
            ),
            today=timezone.localdate(),
        )
    assert "nobody to ask" in str(refused.value) or "无人可征求" in str(refused.value)
    assert not Campaign.objects.exists()
    appraisal.refresh_from_db()
    assert appraisal.campaign_id is None


def test_a_group_weighted_0_is_not_asked(world):
    """The campaign form says a weight of 0 leaves a group out: the roll keeps to it."""
    roll = campaign_rules.roll(
        [1, 2, 3], {2: "full", 3: "activist"}, asked=[campaign_rules.EMPLOYEES]
    )
    assert roll == {1: campaign_rules.EMPLOYEES}


def test_everyone_but_full_members_may_answer_as_employees():
    stages = {2: "full", 3: "activist", 4: "probationary", 5: "applicant"}
    roll = campaign_rules.roll(
        [1, 2, 3, 4, 5], stages, asked=[campaign_rules.EMPLOYEES], others_as_employees=True
    )
    assert roll == dict.fromkeys([1, 3, 4, 5], campaign_rules.EMPLOYEES)


# --- Pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("committee_officer", 200),
        ("admin", 200),
        ("officer_b", 404),
        ("member_b", 404),
        ("employee", 404),
    ],
)
def test_the_asking_page_is_for_those_who_run_the_appraisal(world, who, status):
    appraisal = open_appraisal(world)
    assert (
        client_as(getattr(getattr(world, who), "user", getattr(world, who)))
        .get(url("appraisal_opinions", appraisal.pk))
        .status_code
        == status
    )


def test_a_member_of_the_branch_cannot_ask(world):
    appraisal = open_appraisal(world)
    response = client_as(world.member_a.user).post(url("appraisal_opinions", appraisal.pk), {})
    assert response.status_code == 404
    assert not Campaign.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    appraisal = open_appraisal(world)
    response = client.get(url("appraisal_opinions", appraisal.pk))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_officer_asks_from_the_page_and_sees_the_progress(world):
    appraisal = open_appraisal(world)
    employees(world, 2)
    officer = client_as(world.officer_a)
    page = officer.get(url("appraisal_opinions", appraisal.pk))
    form = page.context["form"]
    data = {
        "items": form.initial["items"],
        "scale": "satisfaction",
        "opens_on": form.initial["opens_on"].isoformat(),
        "closes_on": form.initial["closes_on"].isoformat(),
    }
    response = officer.post(url("appraisal_opinions", appraisal.pk), data)
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.campaign.items.count() == 3
    detail = officer.get(url("appraisal", appraisal.pk))
    # two new employees, the world's employee and the branch's probationary member
    assert (detail.context["opinions"].asked, detail.context["opinions"].answered) == (4, 0)
    assert 'id="opinions-state"' in detail.content.decode()
    # asked once: the page to ask again is gone
    assert officer.get(url("appraisal_opinions", appraisal.pk)).status_code == 404
    # the branch's officers manage the campaign (reminders, paper ballots); others do not
    assert officer.get(url("campaign", appraisal.campaign_id)).status_code == 200
    assert client_as(world.officer_b).get(url("campaign", appraisal.campaign_id)).status_code == 404


def test_bad_dates_and_no_questions_are_refused_on_the_form(world):
    appraisal = open_appraisal(world)
    employees(world, 1)
    sunday = timezone.localdate() + datetime.timedelta(days=1)
    while sunday.weekday() != 6:
        sunday += datetime.timedelta(days=1)
    response = client_as(world.officer_a).post(
        url("appraisal_opinions", appraisal.pk),
        {
            "items": "  \n ",
            "scale": "satisfaction",
            "opens_on": workday(timezone.localdate(), -1).isoformat(),
            "closes_on": sunday.isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Campaign.objects.exists()
    response = client_as(world.officer_a).post(
        url("appraisal_opinions", appraisal.pk),
        {
            "items": "服务群众",
            "scale": "satisfaction",
            "opens_on": workday(timezone.localdate(), -1).isoformat(),
            "closes_on": sunday.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "closes_on" in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_after_close_each_member_shows_the_employees_result_or_too_few(world):
    appraisal = open_appraisal(world)
    crowd = employees(world, 4)  # with world.employee: five employees on the roll
    asked = ask(world, appraisal)
    campaign = asked.campaign
    for user in [*crowd, world.employee]:
        vote(campaign, user, score=3)
    officer = client_as(world.officer_a)
    before = officer.get(url("appraisal", appraisal.pk))
    assert before.context["opinions"].by_member == {}  # nothing read before close
    close(campaign)
    page = officer.get(url("appraisal", appraisal.pk))
    rows = [row for row in page.context["rows"] if row["person"].is_graded]
    assert all(row["opinion"].score == 3 for row in rows)
    html = page.content.decode()
    assert "3.00 / 3" in html
    # a member sees their own result on their own page
    own = graded(asked)[0]
    mine = client_as(own.member.user).get(url("appraisal_person", appraisal.pk, own.pk))
    assert mine.context["opinion"].score == 3


def test_fewer_than_five_answers_are_too_few_to_show(world):
    appraisal = open_appraisal(world)
    crowd = employees(world, 4)
    asked = ask(world, appraisal)
    for user in crowd:
        vote(asked.campaign, user, score=1)
    close(asked.campaign)
    page = client_as(world.officer_a).get(url("appraisal", appraisal.pk))
    rows = [row for row in page.context["rows"] if row["person"].is_graded]
    assert all(row["opinion"].score is None for row in rows)
    assert "1.00 / 3" not in page.content.decode()


def test_the_members_judged_neither_close_early_nor_enter_paper_ballots(world):
    """The branch's officers are among the members judged: the committee above conducts
    the ballot (paper ballots, an early close); the branch's officers follow it."""
    appraisal = open_appraisal(world)
    employees(world, 2)
    campaign = ask(world, appraisal).campaign
    officer = client_as(world.officer_a)
    assert officer.get(url("campaign", campaign.pk)).status_code == 200
    assert officer.get(url("campaign_paper", campaign.pk)).status_code == 404
    assert officer.post(url("campaign", campaign.pk), {"action": "close"}).status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    committee = client_as(world.committee_officer)
    assert committee.get(url("campaign_paper", campaign.pk)).status_code == 200
    listed = committee.get(url("campaigns"))
    assert [c.pk for c in listed.context["for_branches"]] == [campaign.pk]
    assert campaign.pk not in [c.pk for c in listed.context["managed"]]
    assert committee.post(url("campaign", campaign.pk), {"action": "close"}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_the_branch_does_not_read_the_committees_earlier_plan_about_a_member(world):
    """Reading their own campaign about a member, the branch's officers do not see the
    rectification plan of the committee's earlier review (述职评议) of that member."""
    appraisal = open_appraisal(world)
    crowd = employees(world, 5)
    member = graded(appraisal)[-1].member
    earlier = campaign_services.campaign_create(
        actor=world.committee_officer,
        organiser=world.committee,
        draft=draft(
            subject_kind=Campaign.SubjectKind.MEMBERS,
            weights={g: Decimal(g == campaign_rules.EMPLOYEES) for g in campaign_rules.GROUPS},
        ),
        members=[member],
    )
    campaign_services.campaign_open(
        actor=world.committee_officer, campaign=earlier, today=timezone.localdate()
    )
    earlier.refresh_from_db()
    for user in crowd:
        vote(earlier, user, score=2)
    close(earlier)
    earlier.refresh_from_db()
    campaign_services.rectification_add(
        actor=world.committee_officer,
        subject=earlier.subjects.get(),
        action="委员会的整改要求",
        owner=world.committee_officer,
        due_on=timezone.localdate(),
    )
    Campaign.objects.filter(pk=earlier.pk).update(
        opens_on=earlier.opens_on - datetime.timedelta(days=60),
        closes_on=earlier.closes_on - datetime.timedelta(days=60),
    )
    campaign = ask(world, appraisal).campaign
    for user in crowd:
        vote(campaign, user, score=3)
    close(campaign)
    subject = campaign.subjects.get(member=member)
    page = url("campaign_subject", campaign.pk, subject.pk)
    branch = client_as(world.officer_a).get(page)
    assert branch.status_code == 200
    assert "委员会的整改要求" not in branch.content.decode()
    assert "委员会的整改要求" in client_as(world.committee_officer).get(page).content.decode()
