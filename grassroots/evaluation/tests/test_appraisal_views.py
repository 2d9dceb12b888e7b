"""The appraisal's pages for each kind of person: the branch's officers and those above
see the branch; a member sees only their own part; others get 404; anonymous visitors
are sent to sign in. Refusals land on the form; lists keep a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.clients import client_as, person
from grassroots.core.models import AuditEntry
from grassroots.evaluation.appraisal import services
from grassroots.evaluation.appraisal.models import (
    Appraisal,
    AppraisalParticipant,
    MutualSuggestion,
)
from grassroots.evaluation.tests.appraisal_factories import (
    EXCELLENT,
    QUALIFIED,
    appraisal_meeting,
    entries,
    graded,
    open_appraisal,
)
from grassroots.orgs.tests.factories import MemberFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"evaluation:{name}", args=args)


def mine(appraisal, member):
    return AppraisalParticipant.objects.get(appraisal=appraisal, member=member)


# --- Who sees what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("committee_officer", 200),
        ("admin", 200),
        ("member_a", 200),
        ("officer_b", 404),
        ("member_b", 404),
        ("employee", 404),
    ],
)
def test_the_appraisal_page_answers_those_concerned_and_404_to_others(world, who, status):
    appraisal = open_appraisal(world)
    response = client_as(person(world, who)).get(url("appraisal", appraisal.pk))
    assert response.status_code == status


@pytest.mark.parametrize(
    "name",
    [
        "appraisals",
        "appraisal_new",
        "appraisal",
        "appraisal_self",
        "appraisal_suggestions",
        "appraisal_propose",
        "appraisal_decide",
        "appraisal_person",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(world, name):
    appraisal = open_appraisal(world)
    args = {"appraisals": (), "appraisal_new": (), "appraisal_person": (appraisal.pk, 1)}.get(
        name, (appraisal.pk,)
    )
    response = Client().get(url(name, *args))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_missing_appraisal_is_404(world):
    response = client_as(world.officer_a).get(url("appraisal", 999999))
    assert response.status_code == 404


def test_the_list_shows_officers_their_branches_and_members_their_own(world):
    appraisal = open_appraisal(world)
    assert client_as(world.officer_a).get(url("appraisals")).context["appraisals"] == [appraisal]
    assert client_as(world.member_a.user).get(url("appraisals")).context["appraisals"] == [
        appraisal
    ]
    assert client_as(world.officer_b).get(url("appraisals")).context["appraisals"] == []
    assert client_as(world.employee).get(url("appraisals")).context["appraisals"] == []


def test_a_member_sees_only_their_own_part_and_result(world):
    # given a decided appraisal in which member A is qualified and another is excellent
    appraisal = open_appraisal(world)
    people = graded(appraisal)
    other = next(p for p in people if p.member_id != world.member_a.pk)
    chosen = entries(appraisal)
    chosen[other.pk] = chosen[other.pk].__class__(EXCELLENT)
    services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=chosen)
    meeting = appraisal_meeting(world)
    services.appraisal_decide(
        actor=world.officer_a, appraisal=appraisal, meeting_id=meeting.pk, entries=chosen
    )
    # when member A opens it
    response = client_as(world.member_a.user).get(url("appraisal", appraisal.pk))
    # then they see their own grade and nobody else's
    html = response.content.decode()
    assert "rows" not in response.context
    result = response.context["mine"]
    assert result.grade == QUALIFIED
    assert "合格" in html or "Qualified" in html
    # and nothing of the other member: neither their name nor their 优秀
    assert other.member.user.name not in html
    assert "优秀" not in html and "Excellent" not in html
    # and another member's page is 404 to them, their own is not
    assert (
        client_as(world.member_a.user)
        .get(url("appraisal_person", appraisal.pk, other.pk))
        .status_code
        == 404
    )
    own = mine(appraisal, world.member_a)
    assert (
        client_as(world.member_a.user)
        .get(url("appraisal_person", appraisal.pk, own.pk))
        .status_code
        == 200
    )


def _suggest(assessor, grades):
    services.suggestions_save(actor=assessor.member.user, assessor=assessor, grades=grades)


def _officer_pages(world, appraisal, target):
    """What the secretary (also a participant and a suggester) can read of `target`."""
    client = client_as(world.officer_a)
    detail = client.get(url("appraisal", appraisal.pk))
    row = next(r for r in detail.context["rows"] if r["person"].pk == target.pk)
    page = client.get(url("appraisal_person", appraisal.pk, target.pk))
    return row["counts"], page.context["counts"], detail.content.decode() + page.content.decode()


def test_an_officer_who_suggests_cannot_read_another_suggesters_grades(world):
    # given the secretary (a participant) and member A both suggest for one member
    appraisal = open_appraisal(world)
    secretary = AppraisalParticipant.objects.get(appraisal=appraisal, member__user=world.officer_a)
    assessor = mine(appraisal, world.member_a)
    target = next(
        p
        for p in graded(appraisal)
        if p.pk not in (secretary.pk, assessor.pk)
        and p.member.user_id != world.committee_officer.pk
    )
    _suggest(secretary, {target.pk: QUALIFIED})
    _suggest(assessor, {target.pk: EXCELLENT})
    # while the suggestions are open, no counts at all
    row_counts, page_counts, html = _officer_pages(world, appraisal, target)
    assert row_counts is None and page_counts is None
    assert "优秀 1" not in html
    # once the proposal closes them, two suggesters are too few to show
    services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal))
    row_counts, page_counts, html = _officer_pages(world, appraisal, target)
    assert row_counts is None and page_counts is None
    assert "优秀 1" not in html
    # the assessor's name is not on the target's page, and the audit log does not say
    # how many they suggested
    assert world.member_a.user.name not in html.split("</table>")[-1]
    assert "count" not in str(
        AuditEntry.objects.filter(action="appraisal.suggestions").values_list("changes", flat=True)
    )


def test_officers_see_counts_from_three_suggesters_after_the_proposal(world):
    appraisal = open_appraisal(world)
    officers = {world.officer_a.pk, world.committee_officer.pk}
    people = graded(appraisal)
    target = next(p for p in people if p.member.user_id not in officers)
    assessors = [p for p in people if p.pk != target.pk and p.member.user_id not in officers][:3]
    for assessor in assessors:
        _suggest(assessor, {target.pk: EXCELLENT})
    services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal))
    row_counts, page_counts, _html = _officer_pages(world, appraisal, target)
    assert row_counts.excellent == 3 and page_counts.excellent == 3
    # Nothing names an assessor on the officer's pages: the assessors' names appear
    # only as members in the table, never beside a count (their own pages are links).
    for assessor in assessors:
        page = client_as(world.officer_a).get(url("appraisal_person", appraisal.pk, target.pk))
        assert assessor.member.user.name not in page.content.decode()
    # The member's own page shows no counts, not even of suggestions about them.
    own_target = client_as(target.member.user).get(url("appraisal_person", appraisal.pk, target.pk))
    assert own_target.context["counts"] is None
    # After the decision only the counts remain, still shown.
    meeting = appraisal_meeting(world)
    services.appraisal_decide(
        actor=world.officer_a,
        appraisal=appraisal,
        meeting_id=meeting.pk,
        entries=entries(appraisal),
    )
    assert not MutualSuggestion.objects.filter(appraisal=appraisal).exists()
    row_counts, page_counts, _html = _officer_pages(world, appraisal, target)
    assert row_counts.excellent == 3 and page_counts.excellent == 3


def test_the_list_counts_every_participant_for_whoever_takes_part(world):
    # given branch A's appraisal of 10 people (9 full)
    appraisal = open_appraisal(world)
    # the branch's secretary, a participant too, and a member who sees it only by
    # taking part: the counts are of the whole appraisal, not of their own row
    for user in (world.officer_a, world.committee_officer, world.member_a.user):
        listed = client_as(user).get(url("appraisals")).context["appraisals"]
        assert [(a.pk, a.people, a.graded) for a in listed] == [(appraisal.pk, 10, 9)]


# --- Self-assessment ------------------------------------------------------------------


def test_a_member_writes_their_self_assessment_and_script_is_escaped(world):
    appraisal = open_appraisal(world)
    client = client_as(world.member_a.user)
    assert client.get(url("appraisal_self", appraisal.pk)).status_code == 200
    text = "<script>alert(1)</script> 带头完成任务"
    for _ in range(2):  # a double submit changes nothing more
        response = client.post(url("appraisal_self", appraisal.pk), {"text": text})
        assert response.status_code == 302
    assert mine(appraisal, world.member_a).self_assessment == text
    html = client.get(url("appraisal", appraisal.pk)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_an_empty_self_assessment_is_refused_on_its_field(world):
    appraisal = open_appraisal(world)
    response = client_as(world.member_a.user).post(
        url("appraisal_self", appraisal.pk), {"text": "  "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert mine(appraisal, world.member_a).self_assessment == ""


@pytest.mark.parametrize("who", ["member_b", "employee", "officer_b"])
def test_people_outside_the_appraisal_cannot_write_in_it(world, who):
    appraisal = open_appraisal(world)
    client = client_as(person(world, who))
    assert client.get(url("appraisal_self", appraisal.pk)).status_code == 404
    assert client.post(url("appraisal_self", appraisal.pk), {"text": "x"}).status_code == 404
    assert client.get(url("appraisal_suggestions", appraisal.pk)).status_code == 404


def test_the_committee_officer_above_is_not_a_participant_writer(world):
    # The committee officer of the world is a member of branch A: a participant after all.
    appraisal = open_appraisal(world)
    assert (
        client_as(world.committee_officer).get(url("appraisal_self", appraisal.pk)).status_code
        == 200
    )


# --- Suggestions ----------------------------------------------------------------------


def test_a_full_member_suggests_grades_for_the_other_full_members(world):
    appraisal = open_appraisal(world)
    client = client_as(world.member_a.user)
    form = client.get(url("appraisal_suggestions", appraisal.pk)).context["form"]
    assert len(form.fields) == 8  # the nine graded, less themself
    target = form.others[0]
    response = client.post(
        url("appraisal_suggestions", appraisal.pk), {f"grade_{target.pk}": QUALIFIED}
    )
    assert response.status_code == 302
    assert MutualSuggestion.objects.get().assessee_id == target.pk


def test_after_the_proposal_the_suggestion_form_says_they_are_closed(world):
    appraisal = open_appraisal(world)
    services.grades_propose(actor=world.officer_a, appraisal=appraisal, entries=entries(appraisal))
    client = client_as(world.member_a.user)
    for response in (
        client.get(url("appraisal_suggestions", appraisal.pk), follow=True),
        client.post(url("appraisal_suggestions", appraisal.pk), {}, follow=True),
    ):
        assert response.redirect_chain == [(url("appraisal", appraisal.pk), 302)]
        assert "互评已结束" in response.content.decode()
    assert (
        url("appraisal_suggestions", appraisal.pk)
        not in client.get(url("appraisal", appraisal.pk)).content.decode()
    )
    assert not MutualSuggestion.objects.exists()


def test_a_probationary_member_has_no_suggestion_form(world):
    appraisal = open_appraisal(world)
    probationary = AppraisalParticipant.objects.select_related("member__user").get(
        appraisal=appraisal, is_graded=False
    )
    client = client_as(probationary.member.user)
    assert client.get(url("appraisal", appraisal.pk)).status_code == 200
    assert client.get(url("appraisal_suggestions", appraisal.pk)).status_code == 404


# --- Proposal and decision --------------------------------------------------------------


def _grades_post(appraisal, excellent):
    data = {}
    for pk, entry in entries(appraisal, excellent).items():
        data[f"grade_{pk}"] = entry.grade
    return data


def test_the_officer_is_refused_a_fourth_excellent_of_nine(world):
    appraisal = open_appraisal(world)
    client = client_as(world.officer_a)
    response = client.post(url("appraisal_propose", appraisal.pk), _grades_post(appraisal, 4))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not AppraisalParticipant.objects.exclude(proposed_grade="").exists()
    response = client.post(url("appraisal_propose", appraisal.pk), _grades_post(appraisal, 3))
    assert response.status_code == 302
    assert AppraisalParticipant.objects.filter(proposed_grade=EXCELLENT).count() == 3


@pytest.mark.parametrize("who", ["member_a", "officer_b", "employee"])
def test_only_the_branch_officers_propose_and_decide(world, who):
    appraisal = open_appraisal(world)
    client = client_as(person(world, who))
    assert client.get(url("appraisal_propose", appraisal.pk)).status_code == 404
    assert (
        client.post(url("appraisal_propose", appraisal.pk), _grades_post(appraisal, 1)).status_code
        == 404
    )
    assert client.get(url("appraisal_decide", appraisal.pk)).status_code == 404


def test_the_committee_officer_above_may_propose(world):
    appraisal = open_appraisal(world)
    response = client_as(world.committee_officer).post(
        url("appraisal_propose", appraisal.pk), _grades_post(appraisal, 1)
    )
    assert response.status_code == 302


def test_the_decision_names_a_quorate_meeting_or_is_refused_on_the_field(world):
    appraisal = open_appraisal(world)
    client = client_as(world.officer_a)
    client.post(url("appraisal_propose", appraisal.pk), _grades_post(appraisal, 1))
    thin = appraisal_meeting(world, absent=5, days_ago=3)
    data = _grades_post(appraisal, 1)
    response = client.post(url("appraisal_decide", appraisal.pk), data | {"meeting": thin.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["meeting"]
    good = appraisal_meeting(world)
    response = client.post(url("appraisal_decide", appraisal.pk), data | {"meeting": good.pk})
    assert response.status_code == 302
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.DECIDED and appraisal.meeting_id == good.pk
    # Decided: the forms are gone.
    assert client.get(url("appraisal_propose", appraisal.pk)).status_code == 404
    assert client.get(url("appraisal_decide", appraisal.pk)).status_code == 404
    page = client.get(url("appraisal", appraisal.pk))
    assert page.context["meeting"].pk == good.pk


def test_unqualified_without_a_measure_is_refused_on_the_member(world):
    appraisal = open_appraisal(world)
    data = _grades_post(appraisal, 0)
    pk = next(iter(entries(appraisal)))
    data[f"grade_{pk}"] = "unqualified"
    response = client_as(world.officer_a).post(url("appraisal_propose", appraisal.pk), data)
    form = response.context["form"]
    assert form.errors[f"measure_{pk}"] and form.errors[f"due_{pk}"]
    data[f"measure_{pk}"] = "correct"
    data[f"due_{pk}"] = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    response = client_as(world.officer_a).post(url("appraisal_propose", appraisal.pk), data)
    assert response.status_code == 302


# --- Opening ----------------------------------------------------------------------------


def test_an_officer_opens_their_branch_appraisal_and_not_another(world):
    client = client_as(world.officer_a)
    assert client.get(url("appraisal_new")).status_code == 200
    response = client.post(url("appraisal_new"), {"branch": world.branch_b.pk, "year": 2026})
    assert response.status_code == 200 and response.context["form"].errors["branch"]
    response = client.post(url("appraisal_new"), {"branch": world.branch_a.pk, "year": 2026})
    assert response.status_code == 302
    again = client.post(url("appraisal_new"), {"branch": world.branch_a.pk, "year": 2026})
    assert again.status_code == 200 and again.context["form"].errors["year"]
    assert Appraisal.objects.count() == 1
    assert client_as(world.member_a.user).get(url("appraisal_new")).status_code == 404


# --- Fixed queries ----------------------------------------------------------------------


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["appraisal", "appraisal_propose"])
def test_the_branch_pages_keep_a_fixed_number_of_queries(world, name):
    appraisal = open_appraisal(world)
    client = client_as(world.officer_a)
    path = url(name, appraisal.pk)
    _queries(client, path)  # warm the caches (parameters, content types)
    before = _queries(client, path)
    for _ in range(5):
        member = MemberFactory(branch=world.branch_a, user__department=world.department_a)
        AppraisalParticipant.objects.create(appraisal=appraisal, member=member, is_graded=True)
    _queries(client, path)  # again: new records built the kept scopes anew (accounts.scope)
    assert _queries(client, path) == before


def test_the_list_keeps_a_fixed_number_of_queries(world):
    open_appraisal(world)
    client = client_as(world.committee_officer)
    path = url("appraisals")
    _queries(client, path)
    before = _queries(client, path)
    for code in ("X1", "X2", "X3"):
        branch = OrgUnitFactory(code=code, kind="branch", parent=world.committee)
        MemberFactory(branch=branch)
        services.appraisal_open(
            actor=world.committee_officer, branch=branch, year=timezone.localdate().year
        )
    assert len(client.get(path).context["appraisals"]) == 4
    assert _queries(client, path) == before


def test_the_list_is_paged_rather_than_cut_short(world, monkeypatch):
    from grassroots.evaluation.appraisal import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    open_appraisal(world)
    for code in ("X1", "X2"):
        branch = OrgUnitFactory(code=code, kind="branch", parent=world.committee)
        MemberFactory(branch=branch)
        services.appraisal_open(
            actor=world.committee_officer, branch=branch, year=timezone.localdate().year
        )
    client = client_as(world.committee_officer)
    first = client.get(url("appraisals"))
    second = client.get(url("appraisals") + "?page=2")
    assert len(first.context["appraisals"]) == 2 and len(second.context["appraisals"]) == 1
    assert first.context["page_obj"].paginator.count == 3
    assert "?page=2" in first.content.decode()


# --- The hub card -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown"), [("member_a", True), ("officer_b", True), ("employee", False)]
)
def test_the_hub_card_shows_to_members_and_officers_only(world, who, shown):
    html = client_as(person(world, who)).get(reverse("evaluation:home")).content.decode()
    assert ('id="hub-appraisal"' in html) is shown
