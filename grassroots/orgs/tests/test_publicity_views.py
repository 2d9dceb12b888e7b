"""The public-notice pages for each kind of person: everyone signed in reads and objects,
the publishing organisation's officers answer, anonymous visitors sign in first."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.accounts.tests.clients import client_as, person
from grassroots.orgs.publicity import services
from grassroots.orgs.publicity.models import NoticeObjection
from grassroots.orgs.tests.publicity_factories import make_notice

pytestmark = pytest.mark.django_db
SIGNED_IN = ["employee", "member_a", "officer_a", "officer_b", "committee_officer", "admin"]


def notice_url(notice):
    return reverse("orgs:publicity_notice", args=[notice.pk])


def lodge(world, notice, *, who="employee", anonymous=False, text="事迹不实"):
    return services.objection_lodge(
        actor=person(world, who), notice=notice, text=text, anonymous=anonymous
    )


@pytest.mark.parametrize("who", SIGNED_IN)
def test_everyone_signed_in_reads_the_notices_running_now(world, who):
    running = make_notice(world)
    closed = make_notice(world, days_ago=9, days_left=-2, title="已结束的公示")
    make_notice(world, days_ago=-2, days_left=5, title="尚未开始")
    response = client_as(person(world, who)).get(reverse("orgs:publicity"))
    assert response.status_code == 200
    assert [n.pk for n in response.context["current"]] == [running.pk]
    assert [n.pk for n in response.context["closed"]] == [closed.pk]
    page = client_as(person(world, who)).get(notice_url(running))
    assert page.status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(world):
    notice = make_notice(world)
    for url in (reverse("orgs:publicity"), notice_url(notice)):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = Client().post(notice_url(notice), {"action": "object", "objection-text": "x"})
    assert response.status_code == 302 and not NoticeObjection.objects.exists()


def test_a_missing_notice_is_404(world):
    assert client_as(world.employee).get("/orgs/publicity/999999/").status_code == 404


def test_the_list_keeps_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(6):
        notice = make_notice(world, title=f"公示{n}")
        lodge(world, notice)
    client = client_as(world.employee)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("orgs:publicity"))
    assert len(response.context["current"]) == 6


def test_an_employee_lodges_an_objection_and_reads_its_answer(world):
    # given
    notice = make_notice(world)
    client = client_as(world.employee)
    # when
    response = client.post(
        notice_url(notice),
        {"action": "object", "objection-text": "<script>alert(1)</script>事迹不实"},
    )
    # then
    assert response.status_code == 302
    objection = NoticeObjection.objects.get()
    assert objection.author == world.employee
    services.objection_answer(actor=world.committee_officer, objection=objection, answer="已核实")
    html = client.get(notice_url(notice)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;事迹不实" in html and "<script>alert" not in html
    assert "已核实" in html


def test_an_anonymous_objection_stores_nobody_and_shows_only_as_a_count(world):
    notice = make_notice(world)
    client = client_as(world.employee)
    client.post(
        notice_url(notice),
        {"action": "object", "objection-text": "匿名异议", "objection-anonymous": "on"},
    )
    objection = NoticeObjection.objects.get()
    assert (objection.author_id, objection.is_anonymous) == (None, True)
    response = client.get(notice_url(notice))
    assert response.context["mine"] == []
    assert "匿名异议" not in response.content.decode()
    assert response.context["state"].objections == 1


def test_an_empty_objection_shows_the_error_on_its_field(world):
    notice = make_notice(world)
    response = client_as(world.employee).post(
        notice_url(notice), {"action": "object", "objection-text": "   "}
    )
    assert response.status_code == 200
    assert response.context["objection_form"].errors["text"]
    assert not NoticeObjection.objects.exists()


def test_a_closed_notice_takes_no_objection(world):
    notice = make_notice(world, days_ago=8, days_left=-1)
    client = client_as(world.employee)
    assert 'name="objection-text"' not in client.get(notice_url(notice)).content.decode()
    response = client.post(notice_url(notice), {"action": "object", "objection-text": "迟到的异议"})
    assert response.status_code == 200
    assert "只在公示期内" in str(response.context["objection_form"].non_field_errors())
    assert not NoticeObjection.objects.exists()


def test_others_see_that_objections_were_received_and_answered_not_who(world):
    notice = make_notice(world)
    lodge(world, notice, who="member_a", text="某某的异议")
    response = client_as(world.employee).get(notice_url(notice))
    html = response.content.decode()
    assert "某某的异议" not in html and world.member_a.user.name not in html
    assert "objections" not in response.context
    assert response.context["state"].unanswered == 1


@pytest.mark.parametrize("who", ["committee_officer", "admin"])
def test_the_publishing_officers_read_and_answer_objections(world, who):
    notice = make_notice(world)
    objection = lodge(world, notice, who="member_a", text="某某的异议")
    client = client_as(person(world, who))
    page = client.get(notice_url(notice))
    assert (
        "某某的异议" in page.content.decode() and world.member_a.user.name in page.content.decode()
    )
    response = client.post(
        notice_url(notice),
        {"action": "answer", "objection": objection.pk, f"answer-{objection.pk}-answer": "已核实"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.answer == "已核实"
    # a double submit is refused and changes nothing
    again = client.post(
        notice_url(notice),
        {"action": "answer", "objection": objection.pk, f"answer-{objection.pk}-answer": "二次"},
    )
    assert again.status_code == 200
    objection.refresh_from_db()
    assert objection.answer == "已核实"


@pytest.mark.parametrize("who", ["employee", "member_a", "officer_a", "officer_b"])
def test_people_outside_the_publishing_organisation_cannot_answer(world, who):
    notice = make_notice(world)  # published by the committee
    objection = lodge(world, notice)
    response = client_as(person(world, who)).post(
        notice_url(notice),
        {"action": "answer", "objection": objection.pk, f"answer-{objection.pk}-answer": "答"},
    )
    assert response.status_code == 404
    objection.refresh_from_db()
    assert objection.answered_at is None


def test_a_branch_officer_answers_their_branchs_notice(world):
    notice = make_notice(world, unit=world.branch_a)
    objection = lodge(world, notice)
    url = notice_url(notice)
    data = {"action": "answer", "objection": objection.pk, f"answer-{objection.pk}-answer": "答"}
    assert client_as(world.officer_b).post(url, data).status_code == 404
    assert client_as(world.officer_a).post(url, data).status_code == 302


def test_an_empty_answer_is_shown_on_its_field(world):
    notice = make_notice(world)
    objection = lodge(world, notice)
    response = client_as(world.committee_officer).post(
        notice_url(notice),
        {"action": "answer", "objection": objection.pk, f"answer-{objection.pk}-answer": ""},
    )
    assert response.status_code == 200
    [(row, form)] = response.context["objections"]
    assert row.pk == objection.pk and form.errors["answer"]


def test_an_objection_of_another_notice_is_404(world):
    notice = make_notice(world)
    other = lodge(world, make_notice(world))
    response = client_as(world.committee_officer).post(
        notice_url(notice),
        {"action": "answer", "objection": other.pk, f"answer-{other.pk}-answer": "答"},
    )
    assert response.status_code == 404


def test_a_notice_page_keeps_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    notice = make_notice(world)
    for n in range(8):
        lodge(world, notice, who="member_a" if n % 2 else "employee", anonymous=n % 3 == 0)
    client = client_as(world.committee_officer)
    with django_assert_max_num_queries(16):
        response = client.get(notice_url(notice))
    assert len(response.context["objections"]) == 8
