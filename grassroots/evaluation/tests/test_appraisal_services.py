"""The democratic appraisal's writes: who takes part, the cap on 优秀, 不合格 with its
measure, the decision only at a held and quorate 民主评议 meeting, all or nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.core.models import AuditEntry
from grassroots.evaluation.appraisal import services
from grassroots.evaluation.appraisal.models import (
    Appraisal,
    AppraisalParticipant,
    MutualSuggestion,
)
from grassroots.evaluation.appraisal.rules import GradeEntry
from grassroots.evaluation.tests.appraisal_factories import (
    EXCELLENT,
    QUALIFIED,
    UNQUALIFIED,
    appraisal_meeting,
    entries,
    graded,
    open_appraisal,
)

pytestmark = pytest.mark.django_db


def test_opening_takes_full_members_graded_and_probationary_ungraded(world):
    # when
    appraisal = open_appraisal(world)
    # then
    rows = AppraisalParticipant.objects.filter(appraisal=appraisal)
    assert rows.filter(is_graded=True).count() == 9
    assert rows.filter(is_graded=False).count() == 1
    assert AuditEntry.objects.filter(action="appraisal.open").count() == 1


def test_a_branch_has_one_appraisal_a_year(world):
    appraisal = open_appraisal(world)
    with pytest.raises(ValidationError) as refused:
        services.appraisal_open(actor=world.officer_a, branch=world.branch_a, year=appraisal.year)
    assert "year" in refused.value.message_dict
    assert Appraisal.objects.count() == 1


def test_a_party_group_is_not_appraised(world):
    with pytest.raises(ValidationError):
        services.appraisal_open(actor=world.officer_a, branch=world.group_a, year=2026)


def test_a_member_writes_only_their_own_self_assessment(world):
    appraisal = open_appraisal(world)
    mine = AppraisalParticipant.objects.get(appraisal=appraisal, member=world.member_a)
    services.self_assessment_write(
        actor=world.member_a.user, participant=mine, text="  按时参加组织生活。 "
    )
    mine.refresh_from_db()
    assert mine.self_assessment == "按时参加组织生活。"
    with pytest.raises(ValidationError):
        services.self_assessment_write(actor=world.officer_a, participant=mine, text="代写")
    with pytest.raises(ValidationError):
        services.self_assessment_write(actor=world.member_a.user, participant=mine, text="   ")


def test_suggestions_replace_earlier_ones_and_skip_blanks(world):
    appraisal = open_appraisal(world)
    mine = AppraisalParticipant.objects.get(appraisal=appraisal, member=world.member_a)
    others = [p for p in graded(appraisal) if p.pk != mine.pk]
    services.suggestions_save(
        actor=world.member_a.user, assessor=mine, grades={others[0].pk: EXCELLENT}
    )
    kept = services.suggestions_save(
        actor=world.member_a.user,
        assessor=mine,
        grades={others[0].pk: QUALIFIED, others[1].pk: "", others[2].pk: UNQUALIFIED},
    )
    assert kept == 2
    assert set(MutualSuggestion.objects.values_list("assessee_id", "grade")) == {
        (others[0].pk, QUALIFIED),
        (others[2].pk, UNQUALIFIED),
    }
    # The audit row says that they suggested, never what nor for how many.
    entry = AuditEntry.objects.filter(action="appraisal.suggestions").last()
    assert entry.changes == {}


def test_the_year_is_this_year_or_last_year_on_its_field(world):
    today = timezone.localdate()
    for year in (today.year - 2, today.year + 1):
        with pytest.raises(ValidationError) as refused:
            services.appraisal_open(
                actor=world.officer_a, branch=world.branch_a, year=year, today=today
            )
        assert "year" in refused.value.message_dict
    assert not Appraisal.objects.exists()


def test_the_database_refuses_an_absurd_year(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Appraisal.objects.create(branch=world.branch_a, year=1900)


def test_a_measure_due_years_away_is_refused_on_its_date(world):
    appraisal = open_appraisal(world)
    chosen = entries(appraisal)
    pk = next(iter(chosen))
    chosen[pk] = GradeEntry(UNQUALIFIED, "correct", datetime.date(appraisal.year + 3, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=chosen)
    assert f"due_{pk}" in refused.value.message_dict
    appraisal.refresh_from_db()
    assert appraisal.proposed_at is None


def test_the_proposal_closes_the_suggestions(world):
    appraisal = open_appraisal(world)
    mine = AppraisalParticipant.objects.get(appraisal=appraisal, member=world.member_a)
    other = next(p for p in graded(appraisal) if p.pk != mine.pk)
    services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal))
    with pytest.raises(ValidationError):
        services.suggestions_save(
            actor=world.member_a.user, assessor=mine, grades={other.pk: EXCELLENT}
        )
    assert not MutualSuggestion.objects.exists()


def test_the_decision_keeps_only_the_counts_and_deletes_who_suggested_what(world):
    appraisal = open_appraisal(world)
    people = graded(appraisal)
    target, few = people[0], people[1]
    for assessor in people[1:4]:  # three suggest for the target
        services.suggestions_save(
            actor=assessor.member.user, assessor=assessor, grades={target.pk: EXCELLENT}
        )
    services.suggestions_save(  # one suggests for `few`
        actor=target.member.user, assessor=target, grades={few.pk: QUALIFIED}
    )
    services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal))
    meeting = appraisal_meeting(world)
    services.appraisal_decide(
        actor=world.officer_a,
        appraisal=appraisal,
        meeting_id=meeting.pk,
        entries=entries(appraisal),
    )
    assert not MutualSuggestion.objects.filter(appraisal=appraisal).exists()
    target.refresh_from_db()
    few.refresh_from_db()
    assert target.suggestion_counts == {
        EXCELLENT: 3,
        QUALIFIED: 0,
        "basically_qualified": 0,
        UNQUALIFIED: 0,
    }
    assert few.suggestion_counts == {}  # one suggester: too few to keep


def test_no_suggestion_for_oneself_or_for_a_probationary_member(world):
    appraisal = open_appraisal(world)
    mine = AppraisalParticipant.objects.get(appraisal=appraisal, member=world.member_a)
    probationary = AppraisalParticipant.objects.get(appraisal=appraisal, is_graded=False)
    for target in (mine, probationary):
        with pytest.raises(ValidationError):
            services.suggestions_save(
                actor=world.member_a.user, assessor=mine, grades={target.pk: QUALIFIED}
            )
    assert MutualSuggestion.objects.count() == 0


def test_a_probationary_member_suggests_nothing(world):
    appraisal = open_appraisal(world)
    probationary = AppraisalParticipant.objects.select_related("member__user").get(
        appraisal=appraisal, is_graded=False
    )
    with pytest.raises(ValidationError):
        services.suggestions_save(
            actor=probationary.member.user,
            assessor=probationary,
            grades={graded(appraisal)[0].pk: QUALIFIED},
        )


def test_a_fourth_excellent_of_nine_is_refused_and_nothing_is_saved(world):
    # given three 优秀 proposed (a third of nine)
    appraisal = open_appraisal(world)
    services.grades_propose(
        actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal, 3)
    )
    # when a fourth is proposed
    with pytest.raises(ValidationError) as refused:
        services.grades_propose(
            actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal, 4)
        )
    # then the refusal says why, and the earlier proposal stands
    assert "3" in refused.value.message_dict["__all__"][0]
    assert "9" in refused.value.message_dict["__all__"][0]
    proposed = list(
        AppraisalParticipant.objects.filter(appraisal=appraisal, is_graded=True).values_list(
            "proposed_grade", flat=True
        )
    )
    assert proposed.count(EXCELLENT) == 3


def test_every_full_member_needs_a_grade(world):
    appraisal = open_appraisal(world)
    partial = entries(appraisal)
    missing = next(iter(partial))
    del partial[missing]
    with pytest.raises(ValidationError) as refused:
        services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=partial)
    assert f"grade_{missing}" in refused.value.message_dict
    assert not AppraisalParticipant.objects.exclude(proposed_grade="").exists()


def test_unqualified_needs_a_measure_and_a_due_date(world):
    appraisal = open_appraisal(world)
    chosen = entries(appraisal)
    pk = next(iter(chosen))
    chosen[pk] = GradeEntry(UNQUALIFIED)
    with pytest.raises(ValidationError) as refused:
        services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=chosen)
    assert {f"measure_{pk}", f"due_{pk}"} <= set(refused.value.message_dict)
    chosen[pk] = GradeEntry(
        UNQUALIFIED,
        AppraisalParticipant.Measure.CORRECT,
        timezone.localdate() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=chosen)
    assert set(refused.value.message_dict) == {f"due_{pk}"}
    due = timezone.localdate() + datetime.timedelta(days=90)
    chosen[pk] = GradeEntry(UNQUALIFIED, AppraisalParticipant.Measure.CORRECT, due)
    services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=chosen)
    row = AppraisalParticipant.objects.get(pk=pk)
    assert (row.proposed_grade, row.measure, row.measure_due_on) == (UNQUALIFIED, "correct", due)


def test_a_probationary_member_is_not_graded(world):
    appraisal = open_appraisal(world)
    probationary = AppraisalParticipant.objects.get(appraisal=appraisal, is_graded=False)
    chosen = entries(appraisal) | {probationary.pk: GradeEntry(QUALIFIED)}
    with pytest.raises(ValidationError):
        services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=chosen)
    assert not AppraisalParticipant.objects.exclude(proposed_grade="").exists()


def test_decision_needs_the_proposal_first(world):
    appraisal = open_appraisal(world)
    meeting = appraisal_meeting(world)
    with pytest.raises(ValidationError):
        services.appraisal_decide(
            actor=world.officer_a,
            appraisal=appraisal,
            meeting_id=meeting.pk,
            entries=entries(appraisal),
        )


def test_decision_needs_a_held_and_quorate_appraisal_meeting(world):
    # given a proposal, a planned meeting and a held one that five of nine missed
    appraisal = open_appraisal(world)
    services.grades_propose(
        actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal, 1)
    )
    planned = appraisal_meeting(world, held=False)
    thin = appraisal_meeting(world, absent=5, days_ago=3)
    for meeting in (planned, thin):
        with pytest.raises(ValidationError) as refused:
            services.appraisal_decide(
                actor=world.officer_a,
                appraisal=appraisal,
                meeting_id=meeting.pk,
                entries=entries(appraisal, 1),
            )
        assert "meeting" in refused.value.message_dict
    assert "4" in str(refused.value) and "9" in str(refused.value)
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.OPEN
    assert not AppraisalParticipant.objects.exclude(grade="").exists()


def test_decision_at_a_quorate_meeting_fixes_the_grades(world):
    appraisal = open_appraisal(world)
    services.grades_propose(
        actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal, 1)
    )
    meeting = appraisal_meeting(world, absent=4)  # 5 of 9: more than half
    services.appraisal_decide(
        actor=world.officer_a,
        appraisal=appraisal,
        meeting_id=meeting.pk,
        entries=entries(appraisal, 2),
    )
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.DECIDED
    assert appraisal.meeting_id == meeting.pk
    grades = list(
        AppraisalParticipant.objects.filter(appraisal=appraisal, is_graded=True).values_list(
            "grade", flat=True
        )
    )
    assert grades.count(EXCELLENT) == 2 and grades.count(QUALIFIED) == 7
    # Decided: nothing in it changes any more.
    mine = AppraisalParticipant.objects.get(appraisal=appraisal, member=world.member_a)
    with pytest.raises(ValidationError):
        services.self_assessment_write(actor=world.member_a.user, participant=mine, text="补写")
    with pytest.raises(ValidationError):
        services.grades_propose(
            actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal)
        )


def test_a_meeting_of_another_branch_does_not_decide(world):
    appraisal = open_appraisal(world)
    services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal))
    from grassroots.orglife.services import meeting_plan

    other = meeting_plan(
        actor=world.officer_b,
        unit=world.branch_b,
        kind="appraisal",
        topic="民主评议党员",
        starts_at=timezone.now() - datetime.timedelta(days=1),
        place="会议室",
    )
    with pytest.raises(ValidationError):
        services.appraisal_decide(
            actor=world.officer_a,
            appraisal=appraisal,
            meeting_id=other.pk,
            entries=entries(appraisal),
        )
