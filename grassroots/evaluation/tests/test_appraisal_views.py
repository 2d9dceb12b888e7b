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
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"


def person(world, who):
    if who is None:
        return None
    value = getattr(world, who)
    return getattr(value, "user", value)


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


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
    assert "合格" in html or "Qualified" in html
    assert other.member.user.name not in html
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


def test_officers_see_counts_of_suggestions_never_who_suggested_what(world):
    appraisal = open_appraisal(world)
    assessor = mine(appraisal, world.member_a)
    officers = {world.officer_a.pk, world.committee_officer.pk}
    target = next(
        p for p in graded(appraisal) if p.pk != assessor.pk and p.member.user_id not in officers
    )
    services.suggestions_save(
        actor=world.member_a.user, assessor=assessor, grades={target.pk: EXCELLENT}
    )
    response = client_as(world.officer_a).get(url("appraisal_person", appraisal.pk, target.pk))
    assert response.context["counts"].excellent == 1
    # The member's own page shows no counts, not even of suggestions about them.
    own_target = client_as(target.member.user).get(url("appraisal_person", appraisal.pk, target.pk))
    assert own_target.context["counts"] is None
    # Nothing on the branch page names an assessor beside a grade: counts only.
    detail = client_as(world.officer_a).get(url("appraisal", appraisal.pk))
    row = next(r for r in detail.context["rows"] if r["person"].pk == target.pk)
    assert row["counts"].excellent == 1


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
        services.appraisal_open(actor=world.committee_officer, branch=branch, year=2026)
    assert len(client.get(path).context["appraisals"]) == 4
    assert _queries(client, path) == before


# --- The hub card -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown"), [("member_a", True), ("officer_b", True), ("employee", False)]
)
def test_the_hub_card_shows_to_members_and_officers_only(world, who, shown):
    html = client_as(person(world, who)).get(reverse("evaluation:home")).content.decode()
    assert ('id="hub-appraisal"' in html) is shown
