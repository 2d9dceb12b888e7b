"""Writes to commendations: rounds, nominations, the public notice through orgs'
contract, and decisions only after the notice closed with every objection answered."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from grassroots.accounts.selectors import profile_context
from grassroots.core.models import AuditEntry
from grassroots.evaluation.commendations import selectors, services
from grassroots.evaluation.commendations.models import CommendationRound, Nomination
from grassroots.evaluation.tests.commendations_factories import in_notice, nominate, open_round
from grassroots.orgs.models import Member
from grassroots.orgs.publicity import services as publicity
from grassroots.orgs.publicity.models import PublicNotice
from grassroots.orgs.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
LATER = datetime.timedelta(days=5)


def test_a_committee_opens_one_round_a_year(world):
    first = open_round(world)
    assert (
        first.title == f"{timezone.localdate().year}年度公司党委“两优一先”评选"
    )  # the site's language
    with pytest.raises(ValidationError) as error:
        open_round(world)
    assert "year" in error.value.message_dict
    assert CommendationRound.objects.count() == 1


@pytest.mark.parametrize("unit", ["branch_a", "group_a"])
def test_a_branch_does_not_run_a_round(world, unit):
    with pytest.raises(ValidationError) as error:
        services.round_open(
            actor=world.admin, unit=getattr(world, unit), year=timezone.localdate().year
        )
    assert "unit" in error.value.message_dict


def test_a_year_far_off_is_refused(world):
    with pytest.raises(ValidationError) as error:
        open_round(world, year=1999)
    assert "year" in error.value.message_dict


def test_a_branch_nominates_a_full_member_and_itself(world):
    commendation_round = open_round(world)
    member = nominate(world, commendation_round)
    unit = nominate(world, commendation_round, kind=Nomination.Kind.ADVANCED_ORGANISATION)
    assert (member.member, member.status) == (world.member_a, Nomination.Status.NOMINATED)
    assert (unit.member, unit.branch) == (None, world.branch_a)
    assert AuditEntry.objects.filter(action="commendation.nominate").count() == 2


def test_a_second_nomination_of_the_same_member_changes_nothing(world):
    commendation_round = open_round(world)
    nominate(world, commendation_round)
    with pytest.raises(ValidationError, match="已有这项推荐"):
        nominate(world, commendation_round)
    assert Nomination.objects.count() == 1


@pytest.mark.parametrize("which", ["other_branch", "probationary", "none", "left"], ids=lambda w: w)
def test_the_nominee_must_be_an_active_full_member_of_the_branch(world, which):
    commendation_round = open_round(world)
    member = {
        "other_branch": lambda: world.member_b,
        "probationary": lambda: MemberFactory(
            branch=world.branch_a, stage=Member.Stage.PROBATIONARY
        ),
        "left": lambda: MemberFactory(branch=world.branch_a, status=Member.Status.LEFT),
        "none": lambda: None,
    }[which]()
    with pytest.raises(ValidationError) as error:
        services.nomination_create(
            actor=world.officer_a,
            commendation_round=commendation_round,
            branch=world.branch_a,
            kind=Nomination.Kind.PARTY_WORKER,
            member=member,
            reason="理由",
        )
    assert "member" in error.value.message_dict
    assert not Nomination.objects.exists()


def test_a_nomination_needs_a_reason(world):
    commendation_round = open_round(world)
    with pytest.raises(ValidationError) as error:
        nominate(world, commendation_round, reason="  ")
    assert "reason" in error.value.message_dict


def test_publishing_puts_the_chosen_into_one_notice_and_closes_nominations(world):
    # given
    commendation_round = open_round(world)
    chosen = nominate(world, commendation_round)
    left = nominate(world, commendation_round, kind=Nomination.Kind.ADVANCED_ORGANISATION)
    # when
    services.round_publish(
        actor=world.committee_officer, commendation_round=commendation_round, chosen=[chosen.pk]
    )
    # then
    commendation_round.refresh_from_db()
    notice = PublicNotice.objects.get()
    assert commendation_round.notice_id == notice.pk
    assert (notice.unit, notice.subject_kind, notice.subject_id) == (
        world.committee,
        selectors.NOTICE_KIND,
        commendation_round.pk,
    )
    assert world.member_a.user.name in notice.text and world.branch_a.name in notice.text
    assert notice.working_days == 5
    chosen.refresh_from_db()
    left.refresh_from_db()
    assert (chosen.status, left.status) == (
        Nomination.Status.IN_NOTICE,
        Nomination.Status.NOT_CHOSEN,
    )
    # nominations are closed and a second publication changes nothing
    with pytest.raises(ValidationError, match="推荐已截止"):
        nominate(world, commendation_round, member=MemberFactory(branch=world.branch_a))
    with pytest.raises(ValidationError, match="已进入公示"):
        services.round_publish(
            actor=world.committee_officer, commendation_round=commendation_round, chosen=[left.pk]
        )
    assert PublicNotice.objects.count() == 1


def test_thirty_long_nominations_go_into_one_notice(world):
    # given a round with the longest title allowed and 30 nominations of 600 characters
    commendation_round = services.round_open(
        actor=world.committee_officer,
        unit=world.committee,
        year=timezone.localdate().year,
        title="题" * services.TITLE_MAX,
    )
    chosen = [
        nominate(
            world,
            commendation_round,
            member=MemberFactory(branch=world.branch_a, user__department=world.department_a),
            reason="事" * 600,
        )
        for _ in range(30)
    ]
    # when all are put into public notice
    services.round_publish(
        actor=world.committee_officer,
        commendation_round=commendation_round,
        chosen=[n.pk for n in chosen],
    )
    # then one notice holds them all
    notice = PublicNotice.objects.get()
    assert len(notice.text) > 18_000 and notice.text.count("事" * 600) == 30
    assert len(notice.title) <= 200


def test_a_round_title_longer_than_its_notice_allows_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        services.round_open(
            actor=world.committee_officer,
            unit=world.committee,
            year=timezone.localdate().year,
            title="题" * (services.TITLE_MAX + 1),
        )
    assert "title" in refused.value.message_dict
    assert not CommendationRound.objects.exists()


def test_publishing_nothing_is_refused(world):
    commendation_round = open_round(world)
    nominate(world, commendation_round)
    with pytest.raises(ValidationError) as error:
        services.round_publish(
            actor=world.committee_officer, commendation_round=commendation_round, chosen=[]
        )
    assert "chosen" in error.value.message_dict
    assert not PublicNotice.objects.exists()


def test_no_decision_while_the_notice_runs(world):
    _round, (nomination, _unit), _notice = in_notice(world)
    with pytest.raises(ValidationError, match="公示结束后再作决定"):
        services.nomination_decide(
            actor=world.committee_officer, nomination=nomination, commended=True
        )
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.IN_NOTICE


def test_no_decision_while_an_objection_is_unanswered_then_the_honour_is_recorded(world):
    # given a notice with an objection, and the day after the notice closed
    _round, (nomination, unit), notice = in_notice(world)
    objection = publicity.objection_lodge(
        actor=world.employee, notice=notice, text="事迹需核实", anonymous=True
    )
    after = notice.ends_on + datetime.timedelta(days=1)
    # then the decision is refused until the objection is answered
    with pytest.raises(ValidationError, match="未答复"):
        services.nomination_decide(
            actor=world.committee_officer, nomination=nomination, commended=True, today=after
        )
    publicity.objection_answer(
        actor=world.committee_officer, objection=objection, answer="经核实，事迹属实。"
    )
    services.nomination_decide(
        actor=world.committee_officer, nomination=nomination, commended=True, today=after
    )
    services.nomination_decide(
        actor=world.committee_officer,
        nomination=unit,
        commended=False,
        note="名额所限",
        today=after,
    )
    # and the honour is on the member's record (their profile) and the unit's
    nomination.refresh_from_db()
    assert (nomination.status, nomination.decided_on) == (Nomination.Status.COMMENDED, after)
    [honour] = profile_context(world.member_a.user)["honours"]
    assert (honour.year, honour.kind, honour.awarded_by) == (
        timezone.localdate().year,
        "member",
        "公司党委",
    )
    assert selectors.honours_of_unit(world.branch_a.pk) == []
    assert profile_context(world.member_b.user)["honours"] == []
    # a second decision (a double submit) is refused
    with pytest.raises(ValidationError, match="已作出决定"):
        services.nomination_decide(
            actor=world.committee_officer, nomination=nomination, commended=False, today=after
        )


def test_an_advanced_organisation_is_on_the_units_record(world):
    _round, (_member, unit), notice = in_notice(world)
    services.nomination_decide(
        actor=world.committee_officer,
        nomination=unit,
        commended=True,
        today=notice.ends_on + datetime.timedelta(days=1),
    )
    [honour] = selectors.honours_of_unit(world.branch_a.pk)
    assert honour.kind == "organisation"
