"""Commendation pages for each kind of person: the committee's officers run rounds,
branches' officers nominate for their own branch, others get 404, anonymous visitors sign
in first."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.clients import client_as, person
from grassroots.evaluation.commendations import services
from grassroots.evaluation.commendations.models import CommendationRound, Nomination
from grassroots.evaluation.tests.commendations_factories import in_notice, nominate, open_round
from grassroots.orgs.models import OrgPost, OrgUnit
from grassroots.orgs.publicity import services as publicity
from grassroots.orgs.publicity.models import PublicNotice
from grassroots.orgs.services import orgpost_assign
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def round_url(commendation_round):
    return reverse("evaluation:commendation_round", args=[commendation_round.pk])


def other_committee_officer():
    committee = OrgUnitFactory(name="另一党委", kind=OrgUnit.Kind.COMMITTEE)
    branch = OrgUnitFactory(name="另一支部", kind=OrgUnit.Kind.BRANCH, parent=committee)
    member = MemberFactory(branch=branch)
    orgpost_assign(
        actor=None,
        unit=committee,
        member=member,
        kind=OrgPost.Kind.SECRETARY,
        starts_on=datetime.date(2024, 1, 1),
    )
    return member.user


def nominate_data(world, **changes):
    return {
        "action": "nominate",
        "nominate-branch": world.branch_a.pk,
        "nominate-kind": "member",
        "nominate-member": world.member_a.user.employee_number,
        "nominate-reason": "带头攻关，服务群众。",
    } | changes


# --- Who may open what ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["committee_officer", "officer_a", "officer_b", "admin"])
def test_officers_in_the_subtree_open_the_list_and_the_round(world, who):
    commendation_round = open_round(world)
    client = client_as(person(world, who))
    response = client.get(reverse("evaluation:commendations"))
    assert response.status_code == 200
    assert list(response.context["rounds"]) == [commendation_round]
    assert client.get(round_url(commendation_round)).status_code == 200


@pytest.mark.parametrize("who", ["employee", "member_a"])
def test_people_without_an_office_get_404(world, who):
    commendation_round = open_round(world)
    client = client_as(person(world, who))
    assert client.get(reverse("evaluation:commendations")).status_code == 404
    assert client.get(reverse("evaluation:commendation_round_new")).status_code == 404
    assert client.get(round_url(commendation_round)).status_code == 404
    assert client.post(round_url(commendation_round), nominate_data(world)).status_code == 404
    assert not Nomination.objects.exists()


def test_another_committees_officer_gets_404_like_a_missing_round(world):
    commendation_round = open_round(world)
    client = client_as(other_committee_officer())
    assert client.get(round_url(commendation_round)).status_code == 404
    assert client.get("/evaluation/commendations/999999/").status_code == 404
    assert list(client.get(reverse("evaluation:commendations")).context["rounds"]) == []


def test_anonymous_visitors_are_sent_to_sign_in(world):
    commendation_round = open_round(world)
    for url in (
        reverse("evaluation:commendations"),
        reverse("evaluation:commendation_round_new"),
        round_url(commendation_round),
    ):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_keeps_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for year in (timezone.localdate().year - 1, timezone.localdate().year):
        nominate(world, open_round(world, year=year))
    client = client_as(world.committee_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("evaluation:commendations"))
    assert len(response.context["rounds"]) == 2


# --- Opening a round ------------------------------------------------------------------


def test_the_committee_officer_opens_a_round(world):
    client = client_as(world.committee_officer)
    assert client.get(reverse("evaluation:commendation_round_new")).status_code == 200
    year = timezone.localdate().year
    response = client.post(
        reverse("evaluation:commendation_round_new"), {"unit": world.committee.pk, "year": year}
    )
    created = CommendationRound.objects.get()
    assert response["Location"] == round_url(created)
    # a second round for the year is refused on the year field
    again = client.post(
        reverse("evaluation:commendation_round_new"), {"unit": world.committee.pk, "year": year}
    )
    assert again.status_code == 200 and again.context["form"].errors["year"]
    assert CommendationRound.objects.count() == 1


@pytest.mark.parametrize("who", ["officer_a", "employee"])
def test_a_branch_officer_cannot_open_a_round(world, who):
    response = client_as(person(world, who)).post(
        reverse("evaluation:commendation_round_new"),
        {"unit": world.committee.pk, "year": timezone.localdate().year},
    )
    assert response.status_code == 404
    assert not CommendationRound.objects.exists()


def test_a_committee_officer_cannot_open_a_round_for_another_committee(world):
    response = client_as(other_committee_officer()).post(
        reverse("evaluation:commendation_round_new"),
        {"unit": world.committee.pk, "year": timezone.localdate().year},
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not CommendationRound.objects.exists()


# --- Nominating -----------------------------------------------------------------------


def test_a_branch_officer_nominates_for_their_branch_and_script_is_escaped(world):
    commendation_round = open_round(world)
    client = client_as(world.officer_a)
    response = client.post(
        round_url(commendation_round),
        nominate_data(world, **{"nominate-reason": "<script>alert(1)</script>带头"}),
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.member, nomination.nominated_by) == (world.member_a, world.officer_a)
    html = client.get(round_url(commendation_round)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;带头" in html and "<script>alert" not in html
    # a double submit is refused and saves nothing more
    again = client.post(round_url(commendation_round), nominate_data(world))
    assert again.status_code == 200 and again.context["nomination_form"].non_field_errors()
    assert Nomination.objects.count() == 1


def test_a_branch_officer_cannot_nominate_for_another_branch(world):
    commendation_round = open_round(world)
    response = client_as(world.officer_a).post(
        round_url(commendation_round),
        nominate_data(
            world,
            **{
                "nominate-branch": world.branch_b.pk,
                "nominate-member": world.member_b.user.employee_number,
            },
        ),
    )
    assert response.status_code == 200
    assert response.context["nomination_form"].errors["branch"]
    assert not Nomination.objects.exists()


def test_an_unknown_employee_number_is_shown_on_its_field(world):
    commendation_round = open_round(world)
    response = client_as(world.officer_a).post(
        round_url(commendation_round), nominate_data(world, **{"nominate-member": "99999999"})
    )
    assert response.context["nomination_form"].errors["member"]
    assert not Nomination.objects.exists()


def test_a_branch_officer_sees_only_their_branchs_nominations(world):
    commendation_round = open_round(world)
    mine = nominate(world, commendation_round)
    nominate(
        world,
        commendation_round,
        branch=world.branch_b,
        member=world.member_b,
        actor=world.officer_b,
    )
    response = client_as(world.officer_a).get(round_url(commendation_round))
    assert response.context["nominations"] == [mine]
    assert response.context["publish_form"] is None
    assert (
        len(
            client_as(world.committee_officer)
            .get(round_url(commendation_round))
            .context["nominations"]
        )
        == 2
    )


# --- Public notice and decision ---------------------------------------------------------


def test_only_the_committee_puts_nominations_into_public_notice(world):
    commendation_round = open_round(world)
    nomination = nominate(world, commendation_round)
    data = {"action": "publish", "publish-chosen": [nomination.pk]}
    assert client_as(world.officer_a).post(round_url(commendation_round), data).status_code == 404
    assert not PublicNotice.objects.exists()
    response = client_as(world.committee_officer).post(round_url(commendation_round), data)
    assert response.status_code == 302
    commendation_round.refresh_from_db()
    assert commendation_round.notice_id == PublicNotice.objects.get().pk
    page = client_as(world.officer_a).get(round_url(commendation_round))
    assert page.context["nomination_form"] is None  # nominations are closed


def test_a_late_nomination_or_second_publication_says_why_and_returns_to_the_round(world):
    # given a round already in public notice (a form left open in another tab)
    commendation_round, _chosen, _notice = in_notice(world)
    other = MemberFactory(branch=world.branch_a, user__department=world.department_a)
    # when a branch officer still nominates, and the committee publishes again
    late = client_as(world.officer_a).post(
        round_url(commendation_round),
        nominate_data(world, **{"nominate-member": other.user.employee_number}),
        follow=True,
    )
    again = client_as(world.committee_officer).post(
        round_url(commendation_round),
        {"action": "publish", "publish-chosen": [_chosen[0].pk]},
        follow=True,
    )
    # then each is sent back to the round with a message, and nothing changes
    for response in (late, again):
        assert response.redirect_chain == [(round_url(commendation_round), 302)]
        assert [str(m) for m in response.context["messages"]]
    assert "推荐已截止" in late.content.decode()
    assert "已进入公示" in again.content.decode()
    assert Nomination.objects.filter(member=other).count() == 0
    assert PublicNotice.objects.count() == 1
    # someone outside the round still gets 404, and a branch officer cannot publish
    assert (
        client_as(other_committee_officer())
        .post(round_url(commendation_round), nominate_data(world))
        .status_code
        == 404
    )
    assert (
        client_as(world.officer_a)
        .post(round_url(commendation_round), {"action": "publish"})
        .status_code
        == 404
    )


def test_a_round_title_too_long_for_its_notice_is_refused_on_its_field(world):
    response = client_as(world.committee_officer).post(
        reverse("evaluation:commendation_round_new"),
        {"unit": world.committee.pk, "year": timezone.localdate().year, "title": "评" * 151},
    )
    assert response.status_code == 200 and response.context["form"].errors["title"]
    assert not CommendationRound.objects.exists()


def test_publishing_nothing_is_an_error_on_the_field(world):
    commendation_round = open_round(world)
    nominate(world, commendation_round)
    response = client_as(world.committee_officer).post(
        round_url(commendation_round), {"action": "publish"}
    )
    assert response.status_code == 200 and response.context["publish_form"].errors["chosen"]
    assert not PublicNotice.objects.exists()


def decide_data(nomination, commended="1"):
    return {
        "action": "decide",
        "nomination": nomination.pk,
        f"decide-{nomination.pk}-commended": commended,
        f"decide-{nomination.pk}-note": "",
    }


def test_a_decision_while_the_notice_runs_is_refused_clearly(world):
    commendation_round, (nomination, _unit), _notice = in_notice(world)
    client = client_as(world.committee_officer)
    page = client.get(round_url(commendation_round))
    assert page.context["decisions"] == [] and "decide-when" in page.content.decode()
    response = client.post(round_url(commendation_round), decide_data(nomination))
    assert response.status_code == 200
    [(row, form)] = response.context["decisions"]
    assert row.pk == nomination.pk
    assert "公示结束后再作决定" in str(form.non_field_errors())
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.IN_NOTICE


def test_the_committee_decides_after_the_notice_closed_and_the_honour_shows(world):
    # given a notice closed yesterday with an answered objection
    commendation_round, (nomination, _unit), notice = in_notice(world, days_ago=8, days_left=-1)
    objection = publicity.objection_lodge(
        actor=world.employee, notice=notice, text="异议", anonymous=False, today=notice.ends_on
    )
    publicity.objection_answer(actor=world.committee_officer, objection=objection, answer="已核实")
    # a branch officer may not decide
    assert (
        client_as(world.officer_a)
        .post(round_url(commendation_round), decide_data(nomination))
        .status_code
        == 404
    )
    # when the committee officer decides
    client = client_as(world.committee_officer)
    assert len(client.get(round_url(commendation_round)).context["decisions"]) == 2
    response = client.post(round_url(commendation_round), decide_data(nomination))
    # then
    assert response.status_code == 302
    page = client.get(round_url(commendation_round))
    assert [n.pk for n in page.context["commended"]] == [nomination.pk]
    profile = client_as(world.member_a.user).get(reverse("accounts:profile")).content.decode()
    assert "优秀共产党员" in profile or "Outstanding Communist Party member" in profile


def test_a_nomination_of_another_round_is_404(world):
    commendation_round, _chosen, _notice = in_notice(world)
    other = open_round(world, year=timezone.localdate().year - 1)
    stray = nominate(world, other)
    response = client_as(world.committee_officer).post(
        round_url(commendation_round), decide_data(stray)
    )
    assert response.status_code == 404


def test_the_honours_show_on_the_member_record_and_the_organisation_page(world):
    # given both nominations commended after the notice closed
    _round, chosen, _notice = in_notice(world, days_ago=8, days_left=-1)
    for nomination in chosen:
        services.nomination_decide(
            actor=world.committee_officer, nomination=nomination, commended=True
        )
    # then the member's record and the branch's page list them, for those who may open them
    member_page = client_as(world.officer_a).get(
        reverse("orgs:member_detail", args=[world.member_a.pk])
    )
    [section] = member_page.context["record_sections"]
    assert len(section.lines) == 1 and "优秀共产党员" in section.lines[0]
    assert "优秀共产党员" in member_page.content.decode()
    unit_page = client_as(world.member_a.user).get(
        reverse("orgs:unit_detail", args=[world.branch_a.pk])
    )
    [section] = unit_page.context["record_sections"]
    assert "先进基层党组织" in section.lines[0]
    # nothing for those without honours
    other = client_as(world.officer_b).get(reverse("orgs:unit_detail", args=[world.branch_b.pk]))
    assert other.context["record_sections"] == []


def test_the_round_page_keeps_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    commendation_round = open_round(world)
    for _n in range(8):
        nominate(world, commendation_round, member=MemberFactory(branch=world.branch_a))
    client = client_as(world.committee_officer)
    with django_assert_max_num_queries(20):
        response = client.get(round_url(commendation_round))
    assert len(response.context["nominations"]) == 8
