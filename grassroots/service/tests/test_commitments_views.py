"""Commitment pages for each kind of person (the authorisation matrix), bad input, double
submits and the query counts of the lists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.orgs.tests.factories import DepartmentFactory, MemberFactory
from grassroots.service.commitments import services
from grassroots.service.models import Commitment, CommitmentProgress, CommitmentRating

pytestmark = pytest.mark.django_db
BACKEND = "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
PEOPLE = ("employee", "member", "officer_a", "officer_b", "committee_officer", "admin", None)


def person(world, who):
    if who is None:
        return None
    if who == "member":
        return world.member_a.user
    return getattr(world, who)


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def make(world, status, *, year=None, member=None):
    """A commitment of member A (department A, branch A) in a given state."""
    member = member or world.member_a.user
    is_published = status == Commitment.Status.PUBLISHED
    return Commitment.objects.create(
        member=member,
        unit=world.branch_a,
        department=member.department if is_published else None,
        year=year or timezone.localdate().year,
        text="每月走访困难职工；带头攻关装配质量。",
        services=["masses", "development"],
        status=status,
        return_reason="请写得更具体" if status == Commitment.Status.RETURNED else "",
        approved_by=world.officer_a if is_published else None,
        published_at=timezone.now() if is_published else None,
    )


# --- Reading --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_the_index_is_open_to_everyone_signed_in(world, who):
    response = client_as(person(world, who)).get(reverse("service:commitments"))
    if who is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("employee", 404),
        ("member", 200),
        ("officer_a", 200),  # a Party member too
        ("officer_b", 200),
        ("committee_officer", 200),
        ("admin", 404),  # no member record
        (None, 302),
    ],
)
def test_drafting_is_for_party_members(world, who, status):
    response = client_as(person(world, who)).get(reverse("service:commitment_new"))
    assert response.status_code == status


PAGE_MATRIX = {
    # status → who → expected status code of the commitment's page
    Commitment.Status.DRAFT: {
        "employee": 404,
        "member": 200,
        "officer_a": 404,  # a draft is the member's own work
        "officer_b": 404,
        "committee_officer": 404,
        "admin": 404,
        None: 302,
    },
    Commitment.Status.SUBMITTED: {
        "employee": 404,  # not published yet
        "member": 200,
        "officer_a": 200,
        "officer_b": 404,
        "committee_officer": 200,
        "admin": 200,
        None: 302,
    },
    Commitment.Status.PUBLISHED: {
        "employee": 200,  # department A
        "member": 200,
        "officer_a": 200,
        "officer_b": 404,  # department B, branch B
        "committee_officer": 200,
        "admin": 200,
        None: 302,
    },
}


@pytest.mark.parametrize(
    ("state", "who"), [(state, who) for state, row in PAGE_MATRIX.items() for who in row]
)
def test_who_may_open_a_commitment(world, state, who):
    commitment = make(world, state)
    response = client_as(person(world, who)).get(
        reverse("service:commitment", args=[commitment.pk])
    )
    assert response.status_code == PAGE_MATRIX[state][who]


def test_a_missing_commitment_is_404_like_one_out_of_scope(world):
    assert (
        client_as(world.officer_a).get(reverse("service:commitment", args=[99999])).status_code
        == 404
    )


def test_published_commitments_reach_the_department_and_those_below_it_only(world):
    # given a published commitment of member A (department A)
    commitment = make(world, Commitment.Status.PUBLISHED)
    url = reverse("service:commitment", args=[commitment.pk])
    team = DepartmentFactory(name="一车间一班", parent=world.department_a)
    in_team = UserFactory(department=team)
    in_b = UserFactory(department=world.department_b)
    in_company = UserFactory(department=world.department_a.parent)
    # then a team below department A sees it, department B and the company level do not
    assert client_as(in_team).get(url).status_code == 200
    assert client_as(in_b).get(url).status_code == 404
    assert client_as(in_company).get(url).status_code == 404
    listing = client_as(in_team).get(reverse("service:commitments")).content.decode()
    assert url in listing
    listing = client_as(in_b).get(reverse("service:commitments")).content.decode()
    assert url not in listing


def test_the_index_shows_each_person_their_part(world):
    draft = make(world, Commitment.Status.DRAFT)
    submitted = make(world, Commitment.Status.SUBMITTED)
    published = make(world, Commitment.Status.PUBLISHED)

    def urls(who):
        page = client_as(person(world, who)).get(reverse("service:commitments"))
        return page.context, page.content.decode()

    context, _page = urls("member")
    assert {c.pk for c in context["mine"]} == {draft.pk, submitted.pk, published.pk}
    assert context["published"] == []  # their own are under "mine"
    context, _page = urls("employee")
    assert [c.pk for c in context["published"]] == [published.pk]
    assert context["mine"] == [] and context["queue"] == []
    context, _page = urls("officer_a")
    assert [c.pk for c in context["queue"]] == [submitted.pk]
    assert {c.pk for c in context["overseen"]} == {submitted.pk, published.pk}
    context, _page = urls("officer_b")
    assert context["queue"] == [] and context["overseen"] == []
    context, _page = urls("committee_officer")
    assert [c.pk for c in context["queue"]] == [submitted.pk]


def test_ratings_are_counted_for_the_member_and_officers_but_not_shown_to_colleagues(world):
    commitment = make(world, Commitment.Status.PUBLISHED, year=timezone.localdate().year - 1)
    for score in ("satisfied", "satisfied", "not"):
        CommitmentRating.objects.create(
            commitment=commitment, user=UserFactory(department=world.department_a), score=score
        )
    url = reverse("service:commitment", args=[commitment.pk])
    for who in ("member", "officer_a", "committee_officer"):
        summary = client_as(person(world, who)).get(url).context["ratings"]
        assert (summary.satisfied, summary.fairly, summary.not_satisfied) == (2, 0, 1)
    assert client_as(world.employee).get(url).context["ratings"] is None


# --- Acting ---------------------------------------------------------------------------------

ACTIONS = {
    # action → (state of the commitment, year offset, POST data, who may do it)
    "submit": (Commitment.Status.DRAFT, 0, {}, {"member"}),
    "approve": (Commitment.Status.SUBMITTED, 0, {}, {"officer_a", "committee_officer"}),
    "return": (
        Commitment.Status.SUBMITTED,
        0,
        {"return-reason": "请补充量化指标"},
        {"officer_a", "committee_officer"},
    ),
    "progress": (
        Commitment.Status.PUBLISHED,
        -1,
        {"progress-date": "__last_year__", "progress-text": "完成第一季度走访"},
        {"member", "officer_a", "committee_officer"},
    ),
    "assess": (Commitment.Status.PUBLISHED, -1, {"assess-text": "全部完成"}, {"member"}),
    "rate": (
        Commitment.Status.PUBLISHED,
        -1,
        {"rate-score": "satisfied", "rate-comment": "很好"},
        {"employee", "officer_a"},  # colleagues of department A; never the member
    ),
}


@pytest.mark.parametrize(("action", "who"), [(a, w) for a in ACTIONS for w in PEOPLE])
def test_who_may_do_what_to_a_commitment(world, action, who):
    state, offset, data, allowed = ACTIONS[action]
    year = timezone.localdate().year + offset
    commitment = make(world, state, year=year)
    data = {k: (f"{year}-06-30" if v == "__last_year__" else v) for k, v in data.items()}
    response = client_as(person(world, who)).post(
        reverse("service:commitment", args=[commitment.pk]), {"action": action, **data}
    )
    if who is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    if who in allowed:
        assert response.status_code == 302, (action, who)
        assert response["Location"] == reverse("service:commitment", args=[commitment.pk])
    else:
        assert response.status_code == 404, (action, who)
    changed = Commitment.objects.get(pk=commitment.pk)
    done = {
        "submit": changed.status == Commitment.Status.SUBMITTED,
        "approve": changed.status == Commitment.Status.PUBLISHED,
        "return": changed.status == Commitment.Status.RETURNED,
        "progress": CommitmentProgress.objects.filter(commitment=commitment).exists(),
        "assess": bool(changed.self_assessment),
        "rate": CommitmentRating.objects.filter(commitment=commitment).exists(),
    }[action]
    assert done == (who in allowed)


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_member_edits_a_draft(world, who):
    commitment = make(world, Commitment.Status.DRAFT)
    url = reverse("service:commitment_edit", args=[commitment.pk])
    response = client_as(person(world, who)).get(url)
    expected = {"member": 200, None: 302}.get(who, 404)
    assert response.status_code == expected


def test_a_published_commitment_can_no_longer_be_edited(world):
    commitment = make(world, Commitment.Status.PUBLISHED)
    url = reverse("service:commitment_edit", args=[commitment.pk])
    assert client_as(world.member_a.user).get(url).status_code == 404


def test_drafting_through_the_page_and_editing_it(world):
    client = client_as(world.member_a.user)
    year = timezone.localdate().year
    response = client.post(
        reverse("service:commitment_new"),
        {"year": year, "text": "带头开展安全巡查", "services": ["masses", "reform"]},
    )
    commitment = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("service:commitment", args=[commitment.pk])
    assert (commitment.year, commitment.status, commitment.services) == (
        year,
        Commitment.Status.DRAFT,
        ["masses", "reform"],
    )
    response = client.post(
        reverse("service:commitment_edit", args=[commitment.pk]),
        {"text": "带头开展每周安全巡查", "services": ["masses"]},
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.text == "带头开展每周安全巡查" and commitment.services == ["masses"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"text": "", "services": ["masses"]}, "text"),
        ({"text": "带头", "services": []}, "services"),
        ({"text": "带头", "services": ["nonsense"]}, "services"),
        ({"year": "1999", "text": "带头", "services": ["masses"]}, "year"),
    ],
)
def test_a_bad_draft_is_shown_again_with_the_problem_and_nothing_saved(world, data, field):
    data = {"year": timezone.localdate().year} | data
    response = client_as(world.member_a.user).post(reverse("service:commitment_new"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Commitment.objects.exists()


def test_returning_without_a_reason_is_refused_with_the_form_shown_again(world):
    commitment = make(world, Commitment.Status.SUBMITTED)
    response = client_as(world.officer_a).post(
        reverse("service:commitment", args=[commitment.pk]),
        {"action": "return", "return-reason": ""},
    )
    assert response.status_code == 200
    assert "reason" in response.context["return_form"].errors
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.SUBMITTED


def test_a_rating_without_an_answer_is_refused(world):
    commitment = make(world, Commitment.Status.PUBLISHED, year=timezone.localdate().year - 1)
    response = client_as(world.employee).post(
        reverse("service:commitment", args=[commitment.pk]), {"action": "rate", "rate-score": ""}
    )
    assert response.status_code == 200
    assert "score" in response.context["rate_form"].errors
    assert not CommitmentRating.objects.exists()


def test_a_progress_note_dated_in_the_future_is_refused(world):
    commitment = make(world, Commitment.Status.PUBLISHED)
    future = timezone.localdate().replace(year=timezone.localdate().year + 1)
    response = client_as(world.member_a.user).post(
        reverse("service:commitment", args=[commitment.pk]),
        {"action": "progress", "progress-date": future.isoformat(), "progress-text": "x"},
    )
    assert response.status_code == 200
    assert "date" in response.context["progress_form"].errors
    assert not CommitmentProgress.objects.exists()


def test_rating_twice_keeps_one_rating_and_says_so(world):
    commitment = make(world, Commitment.Status.PUBLISHED, year=timezone.localdate().year - 1)
    client = client_as(world.employee)
    url = reverse("service:commitment", args=[commitment.pk])
    first = client.post(url, {"action": "rate", "rate-score": "satisfied"})
    second = client.post(url, {"action": "rate", "rate-score": "not"})
    assert first.status_code == 302
    assert second.status_code == 200 and second.context["rate_form"].non_field_errors()
    assert list(CommitmentRating.objects.values_list("score", flat=True)) == ["satisfied"]


def test_double_clicks_on_submit_and_approve_do_the_step_once(world):
    commitment = make(world, Commitment.Status.DRAFT)
    url = reverse("service:commitment", args=[commitment.pk])
    member = client_as(world.member_a.user)
    assert member.post(url, {"action": "submit"}).status_code == 302
    assert member.post(url, {"action": "submit"}).status_code == 302
    officer = client_as(world.officer_a)
    assert officer.post(url, {"action": "approve"}).status_code == 302
    assert officer.post(url, {"action": "approve"}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Commitment.Status.PUBLISHED
    from grassroots.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="commitment.submit").count() == 1
    assert AuditEntry.objects.filter(action="commitment.approve").count() == 1


def test_an_unknown_action_is_404(world):
    commitment = make(world, Commitment.Status.PUBLISHED)
    response = client_as(world.officer_a).post(
        reverse("service:commitment", args=[commitment.pk]), {"action": "delete"}
    )
    assert response.status_code == 404


# --- Query counts ---------------------------------------------------------------------------


def _count(client, django_assert_max_num_queries, url):
    client.get(url)  # warm caches (parameters, content types)
    with django_assert_max_num_queries(40) as captured:
        client.get(url)
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["employee", "member", "officer_a", "committee_officer"])
def test_the_index_takes_a_fixed_number_of_queries(world, who, django_assert_max_num_queries):
    url = reverse("service:commitments")
    client = client_as(person(world, who))
    make(world, Commitment.Status.PUBLISHED)
    make(world, Commitment.Status.SUBMITTED)
    few = _count(client, django_assert_max_num_queries, url)
    for _ in range(8):
        other = MemberFactory(branch=world.branch_a, user__department=world.department_a)
        for state in (Commitment.Status.PUBLISHED, Commitment.Status.SUBMITTED):
            c = make(world, state, member=other.user)
            CommitmentRating.objects.create(commitment=c, user=UserFactory(), score="satisfied")
        make(world, Commitment.Status.PUBLISHED)  # more of the member's own
    many = _count(client, django_assert_max_num_queries, url)
    assert many == few


def test_the_commitment_page_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    commitment = make(world, Commitment.Status.PUBLISHED, year=timezone.localdate().year - 1)
    url = reverse("service:commitment", args=[commitment.pk])
    client = client_as(world.officer_a)
    few = _count(client, django_assert_max_num_queries, url)
    for n in range(10):
        CommitmentProgress.objects.create(
            commitment=commitment, date=timezone.localdate(), text=f"{n}"
        )
        CommitmentRating.objects.create(
            commitment=commitment, user=UserFactory(), score="fairly", comment="x"
        )
    assert _count(client, django_assert_max_num_queries, url) == few


def test_drafting_via_services_then_pages_agree(world):
    # the page and the service are one path: a draft made by the service shows on the page
    commitment = services.commitment_draft(
        actor=world.member_a.user, year=timezone.localdate().year, text="带头", services=["members"]
    )
    page = client_as(world.member_a.user).get(reverse("service:commitment", args=[commitment.pk]))
    assert page.context["can_edit"] is True
