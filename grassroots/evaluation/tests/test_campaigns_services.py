"""Campaign services: opening freezes a roll, one final ballot per person, paper
ballots as one batch, reminders, closing, rectification."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from grassroots.accounts.tests.factories import UserFactory
from grassroots.evaluation.campaigns import jobs, rules, services
from grassroots.evaluation.campaigns.models import (
    Ballot,
    Campaign,
    Elector,
    Mark,
    Rectification,
    Remark,
)
from grassroots.evaluation.tests.test_campaigns_world import (
    answers,
    campaign,
    draft,
    opened,
    people,
    vote,
    workday,
)
from grassroots.notifications.models import Notification
from grassroots.orgs.models import Member
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_campaign_opening_with_an_empty_group_is_refused_and_nothing_is_frozen(world):
    made = campaign(world)  # branch A has no probationary members and no activists
    with pytest.raises(ValidationError) as refused:
        services.campaign_open(
            actor=world.committee_officer, campaign=made, today=timezone.localdate()
        )
    assert "Probationary members" in str(refused.value) or "预备党员" in str(refused.value)
    made.refresh_from_db()
    assert made.status == Campaign.Status.DRAFT
    assert not Elector.objects.filter(campaign=made).exists()


def test_a_group_weighted_0_may_be_empty(world):
    weights = dict(draft().weights.items())
    weights |= {rules.PROBATIONARY: 0, rules.ACTIVISTS: 0}
    made = campaign(world, weights=weights)
    assert services.campaign_open(
        actor=world.committee_officer, campaign=made, today=timezone.localdate()
    )


def test_the_roll_is_drawn_from_the_records_by_group_and_frozen(world):
    crowd = people(world, per_group=1)
    other_branch_member = world.member_b.user
    made = opened(world)
    roll = dict(Elector.objects.filter(campaign=made).values_list("user_id", "group"))
    assert roll[crowd.employees[0].pk] == rules.EMPLOYEES
    assert roll[world.employee.pk] == rules.EMPLOYEES
    assert roll[crowd.full[0].pk] == rules.FULL_MEMBERS
    assert roll[crowd.probationary[0].pk] == rules.PROBATIONARY
    assert roll[crowd.activists[0].pk] == rules.ACTIVISTS
    assert other_branch_member.pk not in roll
    # frozen: someone joining the department later is not on this roll
    UserFactory(department=world.department_a)
    assert Elector.objects.filter(campaign=made).count() == len(roll)


def test_named_members_are_not_on_the_roll_of_their_own_evaluation(world):
    people(world, per_group=1)
    member = Member.objects.get(user=world.officer_a)
    made = services.campaign_create(
        actor=world.committee_officer,
        organiser=world.committee,
        draft=draft(subject_kind=Campaign.SubjectKind.MEMBERS),
        members=[member],
    )
    services.campaign_open(actor=world.committee_officer, campaign=made, today=timezone.localdate())
    assert not Elector.objects.filter(campaign=made, user=world.officer_a).exists()
    assert Elector.objects.filter(campaign=made, user=world.member_a.user).exists()


def test_dates_off_the_work_calendar_are_refused(world):
    sunday = workday(timezone.localdate(), 1)
    while sunday.weekday() != 6:
        sunday += datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        campaign(world, closes_on=sunday)
    assert "closes_on" in refused.value.message_dict
    assert not Campaign.objects.exists()


def test_a_campaign_must_ask_something_and_evaluate_someone(world):
    with pytest.raises(ValidationError):
        campaign(world, items=[])
    with pytest.raises(ValidationError):
        campaign(world, units=[])
    assert not Campaign.objects.exists()


def test_a_ballot_is_final_and_a_second_changes_nothing(world):
    crowd = people(world, per_group=1)
    made = opened(world)
    voter = crowd.employees[0]
    receipt = vote(made, voter, score=5)
    assert len(receipt) == rules.RECEIPT_LENGTH
    elector = Elector.objects.get(campaign=made, user=voter)
    assert elector.voted_on == timezone.localdate()
    ballot = Ballot.objects.get(campaign=made)
    assert (ballot.group, ballot.receipt) == (rules.EMPLOYEES, receipt)
    with pytest.raises(ValidationError):
        vote(made, voter, score=1)
    assert Ballot.objects.filter(campaign=made).count() == 1
    assert set(Mark.objects.values_list("score", flat=True)) == {5}


@pytest.mark.parametrize("at_hand", [False, True], ids=["row-read-in-the-vote", "row-at-hand"])
def test_a_ballot_with_comments_is_written_whole_and_each_refusal_says_why(world, at_hand):
    """The same vote either way (`at_hand`: the roll's row passed, as the page does; on
    PostgreSQL the vote is then one statement): the ballot under the voter's group with
    every answer and the comments; then a second ballot, a ballot of someone marked on
    paper and one after the close are refused, each saying why, and write nothing."""
    crowd = people(world, per_group=1)
    made = opened(world)
    subject = made.subjects.get()
    with CaptureQueriesContext(connection) as cast:
        receipt = vote(made, crowd.full[0], score=2, comment="  食堂排队太久  ", at_hand=at_hand)
    if at_hand and connection.vendor == "postgresql":  # the vote is one statement
        writes = [q["sql"] for q in cast.captured_queries if "FOR SHARE" in q["sql"]]
        assert len(writes) == 1 and writes[0].lstrip().startswith("WITH")
    ballot = Ballot.objects.get(campaign=made)
    assert (ballot.group, ballot.receipt) == (rules.FULL_MEMBERS, receipt)
    assert sorted(Mark.objects.filter(ballot=ballot).values_list("subject", "item", "score")) == (
        sorted((s, i, 2) for (s, i) in answers(made))
    )
    assert list(Remark.objects.filter(ballot=ballot).values_list("subject", "text")) == [
        (subject.pk, "食堂排队太久")
    ]
    box = (Ballot.objects.count(), Mark.objects.count(), Remark.objects.count())

    with pytest.raises(ValidationError) as again:
        vote(made, crowd.full[0], score=5, comment="改了", at_hand=at_hand)
    already = gettext("You have already voted in this campaign: a ballot is final.")
    assert again.value.messages == [already]
    services.paper_mark(
        actor=world.committee_officer,
        campaign=made,
        user_ids=[crowd.employees[0].pk],
        today=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as on_paper:
        vote(made, crowd.employees[0], at_hand=at_hand)
    assert on_paper.value.messages == [already]
    row = Elector.objects.get(campaign=made, user=crowd.activists[0])
    services.campaign_close(actor=None, campaign=made, today=timezone.localdate())
    with pytest.raises(ValidationError) as closed:
        vote(made, crowd.activists[0], row=row if at_hand else None)  # made: read before
    as_closed = Campaign.objects.get(pk=made.pk)
    assert closed.value.messages == [services.voting_error(as_closed, timezone.localdate())]
    assert as_closed.status == Campaign.Status.CLOSED
    assert (Ballot.objects.count(), Mark.objects.count(), Remark.objects.count()) == box
    assert (
        not Elector.objects.filter(campaign=made, user=crowd.activists[0])
        .exclude(voted_on=None)
        .exists()
    )


@pytest.mark.parametrize("at_hand", [False, True], ids=["row-read-in-the-vote", "row-at-hand"])
def test_a_ballot_before_opening_or_after_the_closing_day_is_refused(world, at_hand):
    """Refused on the day, whatever the campaign's row says (it is still open): the
    service is given the day, and with the roll's row at hand the statement checks it."""
    crowd = people(world, per_group=1)
    made = opened(world)
    row = Elector.objects.get(campaign=made, user=crowd.full[0]) if at_hand else None
    for day in (
        made.opens_on - datetime.timedelta(days=1),
        made.closes_on + datetime.timedelta(days=1),
    ):
        with pytest.raises(ValidationError) as refused:
            vote(made, crowd.full[0], row=row, today=day)
        assert refused.value.messages == [services.voting_error(made, day)]
    assert not Ballot.objects.exists()
    assert Elector.objects.get(campaign=made, user=crowd.full[0]).voted_on is None


def test_a_row_of_the_roll_of_someone_else_casts_for_the_person_voting(world):
    """A caller passing another person's row of the roll does not vote in their name:
    the ballot is counted on the voter's own row, the other's stays open."""
    crowd = people(world, per_group=1)
    made = opened(world)
    other = Elector.objects.get(campaign=made, user=crowd.employees[0])
    vote(made, crowd.full[0], row=other)
    assert Elector.objects.get(pk=other.pk).voted_on is None
    assert Elector.objects.get(campaign=made, user=crowd.full[0]).voted_on is not None
    assert Ballot.objects.get(campaign=made).group == rules.FULL_MEMBERS


def test_someone_not_on_the_roll_cannot_vote(world):
    people(world, per_group=1)
    made = opened(world)
    with pytest.raises(ValidationError):
        vote(made, world.member_b.user)
    assert not Ballot.objects.exists()


def test_an_incomplete_ballot_is_refused_whole(world):
    crowd = people(world, per_group=1)
    made = opened(world)
    partial = answers(made)
    partial.popitem()
    with pytest.raises(ValidationError):
        services.ballot_cast(
            user=crowd.full[0],
            campaign=made,
            answers=partial,
            remarks={},
            today=timezone.localdate(),
        )
    assert not Ballot.objects.exists()
    assert Elector.objects.get(campaign=made, user=crowd.full[0]).voted_on is None
    wrong = answers(made, score=9)
    with pytest.raises(ValidationError):
        services.ballot_cast(
            user=crowd.full[0], campaign=made, answers=wrong, remarks={}, today=timezone.localdate()
        )
    assert not Ballot.objects.exists()


def test_voting_after_close_and_before_opening_is_refused(world):
    crowd = people(world, per_group=1)
    made = opened(world)
    after = made.closes_on + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.ballot_cast(
            user=crowd.full[0], campaign=made, answers=answers(made), remarks={}, today=after
        )
    assert made.closes_on.isoformat() in refused.value.messages[0]
    services.campaign_close(actor=None, campaign=made, today=timezone.localdate())
    made.refresh_from_db()
    with pytest.raises(ValidationError):
        vote(made, crowd.full[0])
    assert not Ballot.objects.exists()


def test_paper_ballots_match_the_marks_and_link_to_nobody(world):
    crowd = people(world, per_group=1)
    made = opened(world)
    today = timezone.localdate()
    marked = services.paper_mark(
        actor=world.committee_officer,
        campaign=made,
        user_ids=[crowd.employees[0].pk, crowd.full[0].pk],
        today=today,
    )
    assert marked == 2
    with pytest.raises(ValidationError):  # marked on paper: no screen ballot
        vote(made, crowd.employees[0])
    ballot = services.PaperBallot
    with pytest.raises(ValidationError) as refused:
        services.paper_enter(
            actor=world.committee_officer,
            campaign=made,
            ballots=[ballot(rules.EMPLOYEES, answers(made), {})],
        )
    assert "marked" in refused.value.messages[0] or "登记" in refused.value.messages[0]
    assert not Ballot.objects.exists()
    subject = made.subjects.get()
    services.paper_enter(
        actor=world.committee_officer,
        campaign=made,
        ballots=[
            ballot(rules.EMPLOYEES, answers(made, 2), {subject.pk: "食堂饭菜要改进"}),
            ballot(rules.FULL_MEMBERS, answers(made, 3), {}),
        ],
    )
    assert Ballot.objects.count() == 2
    made.refresh_from_db()
    assert made.paper_ballots == 2
    assert Remark.objects.get().text == "食堂饭菜要改进"
    with pytest.raises(ValidationError):  # one batch only: no more marks, no second batch
        services.paper_mark(
            actor=world.committee_officer, campaign=made, user_ids=[crowd.full[0].pk], today=today
        )
    with pytest.raises(ValidationError):
        services.paper_enter(
            actor=world.committee_officer,
            campaign=made,
            ballots=[ballot(rules.EMPLOYEES, answers(made, 2), {})],
        )
    assert Ballot.objects.count() == 2


def test_paper_ballots_are_not_entered_after_close(world):
    crowd = people(world, per_group=1)
    made = opened(world)
    today = timezone.localdate()
    services.paper_mark(
        actor=world.committee_officer, campaign=made, user_ids=[crowd.full[0].pk], today=today
    )
    services.campaign_close(actor=None, campaign=made, today=today)
    with pytest.raises(ValidationError):
        services.paper_enter(
            actor=world.committee_officer,
            campaign=made,
            ballots=[services.PaperBallot(rules.FULL_MEMBERS, answers(made), {})],
        )
    assert not Ballot.objects.exists()


def test_closing_rewrites_the_box_with_fresh_keys_and_keeps_every_answer(world):
    crowd = people(world, per_group=2)
    made = opened(world)
    receipts = [vote(made, user, score=3, comment="多听职工意见") for user in crowd.all()]
    before_ids = set(Ballot.objects.values_list("id", flat=True))
    before_marks = sorted(Mark.objects.values_list("score", flat=True))
    assert services.campaign_close(actor=None, campaign=made, today=timezone.localdate())
    assert not services.campaign_close(actor=None, campaign=made, today=timezone.localdate())
    assert set(Ballot.objects.values_list("receipt", flat=True)) == set(receipts)
    assert not before_ids & set(Ballot.objects.values_list("id", flat=True))
    assert sorted(Mark.objects.values_list("score", flat=True)) == before_marks
    assert Remark.objects.count() == len(receipts)
    assert Elector.objects.filter(campaign=made, voted_on__isnull=False).count() == len(receipts)


def test_at_most_two_reminders_to_those_who_want_them(world):
    crowd = people(world, per_group=1)
    closes_on = workday(timezone.localdate() + datetime.timedelta(days=7), 1)
    made = opened(world, closes_on=closes_on)
    vote(made, crowd.full[0])
    services.reminders_set(user=crowd.employees[0], campaign=made, wanted=False)
    today = timezone.localdate()
    assert jobs.run(today) == (0, Elector.objects.filter(campaign=made).count() - 2)
    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert crowd.full[0].pk not in notified and crowd.employees[0].pk not in notified
    assert crowd.activists[0].pk in notified
    assert jobs.run(today)[1] == 0  # the opening reminder goes once
    day_before = services._day_before(made.closes_on)
    sent = jobs.run(day_before)[1]
    assert sent > 0
    assert jobs.run(day_before)[1] == 0
    assert jobs.run(made.closes_on)[1] == 0  # never a third
    counts = set(
        Notification.objects.filter(recipient=crowd.activists[0]).values_list(
            "dedupe_key", flat=True
        )
    )
    assert len(counts) == 2


def test_the_job_closes_campaigns_after_their_closing_day(world):
    people(world, per_group=1)
    made = opened(world)
    closed, _sent = jobs.run(made.closes_on + datetime.timedelta(days=1))
    assert closed == 1
    made.refresh_from_db()
    assert made.status == Campaign.Status.CLOSED


def test_a_rectification_plan_follows_the_close_and_tracks_progress(world):
    crowd = people(world, per_group=1)
    made = opened(world)
    subject = made.subjects.get()
    with pytest.raises(ValidationError):
        services.rectification_add(
            actor=world.officer_a,
            subject=subject,
            action="改进食堂",
            owner=world.officer_a,
            due_on=timezone.localdate(),
        )
    vote(made, crowd.full[0])
    services.campaign_close(actor=None, campaign=made, today=timezone.localdate())
    subject.refresh_from_db()
    plan = services.rectification_add(
        actor=world.officer_a,
        subject=subject,
        action="改进食堂",
        owner=world.officer_a,
        due_on=timezone.localdate(),
        item=made.items.first(),
    )
    services.rectification_progress(
        actor=world.officer_a, plan=plan, status=Rectification.Status.UNDER_WAY, progress="已调研"
    )
    plan.refresh_from_db()
    assert (plan.status, plan.progress) == (Rectification.Status.UNDER_WAY, "已调研")
    with pytest.raises(ValidationError):
        services.rectification_progress(
            actor=world.officer_a, plan=plan, status="nonsense", progress=""
        )


def test_people_of_other_stages_are_employees(world):
    applicant = MemberFactory(
        branch=world.branch_a, stage=Member.Stage.APPLICANT, user__department=world.department_b
    )
    roll = rules.roll([], {applicant.user_id: "applicant"})
    assert roll == {applicant.user_id: rules.EMPLOYEES}
