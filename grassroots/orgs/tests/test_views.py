"""Every organisation page for an in-scope user, an out-of-scope user and a visitor,
plus what each page shows and refuses."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.core.models import AuditEntry
from grassroots.orgs.models import ImportBatch, Member, OrgPost

pytestmark = pytest.mark.django_db

# (url name, args from world, user who may, user who may not) ; anonymous always → sign-in
PAGES = [
    ("orgs:tree", None, "employee", None),
    ("orgs:department_tree", None, "employee", None),
    ("orgs:unit_detail", "branch_a", "officer_a", "officer_b"),
    ("orgs:unit_detail", "branch_a", "member_a", "employee"),
    ("orgs:unit_detail", "branch_a", "committee_officer", "member_b"),
    ("orgs:unit_edit", "branch_a", "officer_a", "officer_b"),
    ("orgs:unit_edit", "branch_a", "committee_officer", "member_a"),
    ("orgs:post_assign", "branch_a", "officer_a", "officer_b"),
    ("orgs:member_list", None, "officer_a", "member_a"),
    ("orgs:member_list", None, "committee_officer", "employee"),
    ("orgs:member_export", None, "officer_a", "employee"),
    ("orgs:member_create", None, "officer_a", "member_a"),
    ("orgs:member_detail", "member_a", "officer_a", "officer_b"),
    ("orgs:member_detail", "member_a", "member_a", "employee"),
    ("orgs:member_detail", "member_a", "committee_officer", "member_b"),
    ("orgs:member_edit", "member_a", "officer_a", "officer_b"),
    ("orgs:member_edit", "member_a", "committee_officer", "member_a"),
    ("orgs:import", None, "officer_a", "member_a"),
    ("orgs:import", None, "committee_officer", "employee"),
    ("insights:structure", None, "officer_a", "member_a"),
    ("insights:audit_log", None, "committee_officer", "officer_a"),
]


def person(world, name):
    value = getattr(world, name)
    return value.user if isinstance(value, Member) else value


def url_for(world, name, arg):
    if arg is None:
        return reverse(name)
    return reverse(name, args=[getattr(world, arg).pk])


@pytest.mark.parametrize(("name", "arg", "allowed", "refused"), PAGES)
def test_page_access(world, client_for, name, arg, allowed, refused):
    url = url_for(world, name, arg)
    # in scope: the page
    assert client_for(person(world, allowed)).get(url).status_code == 200
    # out of scope: 404, exactly as if it did not exist
    if refused is not None:
        assert client_for(person(world, refused)).get(url).status_code == 404
    # anonymous: sent to sign in, and back afterwards
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login")) and "next=" in response.url


def test_a_missing_member_is_404_like_an_out_of_scope_one(world, client_for):
    client = client_for(world.officer_a)
    assert client.get(reverse("orgs:member_detail", args=[999_999])).status_code == 404


def test_branch_secretary_cannot_see_another_branchs_member_by_url(world, client_for):
    client = client_for(world.officer_b)
    response = client.get(reverse("orgs:member_detail", args=[world.member_a.pk]))
    assert response.status_code == 404
    assert world.member_a.user.name not in response.content.decode()


def test_member_list_holds_only_the_officers_subtree(world, client_for):
    # given
    client = client_for(world.officer_a)
    # when
    page = client.get(reverse("orgs:member_list")).content.decode()
    # then
    assert world.member_a.user.name in page
    assert world.member_b.user.name not in page


def test_member_list_filters_by_stage_and_name(world, client_for):
    client = client_for(world.committee_officer)
    page = client.get(reverse("orgs:member_list"), {"q": world.member_b.user.name}).content.decode()
    assert world.member_b.user.name in page and world.member_a.user.name not in page
    page = client.get(reverse("orgs:member_list"), {"stage": "applicant"}).content.decode()
    assert world.member_a.user.name not in page


def test_member_list_query_count_does_not_grow_with_rows(
    world, client_for, django_assert_max_num_queries
):
    from grassroots.orgs.tests.factories import MemberFactory

    client = client_for(world.committee_officer)
    client.get(reverse("orgs:member_list"))  # warm caches (parameters, content types)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("orgs:member_list"))
    MemberFactory.create_batch(30, branch=world.branch_b)
    at_most = len(few.captured_queries)  # read before the next request resets the log
    client.get(
        reverse("orgs:member_list")
    )  # again: new records built the kept scopes anew (accounts.scope)
    with django_assert_max_num_queries(at_most):
        response = client.get(reverse("orgs:member_list"))
    assert response.context["page_obj"].paginator.count == 35


def test_member_list_over_the_cap_says_more_than_and_lists_only_that_many(
    world, client_for, monkeypatch
):
    # given: the committee officer oversees five member records, and the cap is three
    from grassroots.orgs import views

    monkeypatch.setattr(views, "MEMBER_COUNT_CAP", 3)
    # when
    response = client_for(world.committee_officer).get(reverse("orgs:member_list"))
    # then
    paginator = response.context["page_obj"].paginator
    assert paginator.is_capped and paginator.count == 3
    assert len(response.context["page_obj"].object_list) == 3
    status = response.content.decode().split('id="result-count"')[1].split("</p>")[0]
    assert "3" in status and "5" not in status


def test_unit_page_shows_health_to_officers_only(world, client_for):
    url = reverse("orgs:unit_detail", args=[world.branch_b.pk])
    officer_page = client_for(world.officer_b).get(url).content.decode()
    assert "health-title" in officer_page
    member_page = client_for(world.member_b.user).get(url).content.decode()
    assert "health-title" not in member_page
    assert world.member_b.user.name not in member_page.split("posts-title")[-1]


def test_parent_page_shows_warnings_of_its_branches(world, client_for):
    response = client_for(world.committee_officer).get(
        reverse("orgs:unit_detail", args=[world.committee.pk])
    )
    flagged = {row["unit"] for row in response.context["child_warnings"]}
    assert world.branch_b in flagged  # two full members only
    assert world.branch_b.name in response.content.decode()


def test_id_number_is_masked_for_branch_officers_and_shown_to_the_person(world, client_for):
    # given
    Member.objects.filter(pk=world.member_a.pk).update(
        id_card_number="11010519491231002X", birth_date=datetime.date(1949, 12, 31)
    )
    url = reverse("orgs:member_detail", args=[world.member_a.pk])
    # then
    assert "110***********002X" in client_for(world.officer_a).get(url).content.decode()
    assert "11010519491231002X" in client_for(world.member_a.user).get(url).content.decode()
    assert "11010519491231002X" in client_for(world.committee_officer).get(url).content.decode()


def test_officer_edits_a_member_and_the_change_is_audited(world, client_for):
    client = client_for(world.officer_a)
    url = reverse("orgs:member_edit", args=[world.member_a.pk])
    data = {
        "stage": "full",
        "status": "normal",
        "branch": world.branch_a.pk,
        "group": world.group_a.pk,
        "applied_on": "2000-03-01",
        "activist_on": "2000-09-01",
        "candidate_on": "2001-10-01",
        "admitted_on": "2002-01-01",
        "full_on": "2003-01-02",
        "birth_date": "1975-06-15",
        "gender": "m",
        "ethnicity": "汉族",
        "education": "bachelor",
        "id_card_number": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    world.member_a.refresh_from_db()
    assert world.member_a.education == "bachelor"
    assert AuditEntry.objects.filter(action="member.update", actor=world.officer_a).exists()


def test_a_bad_member_form_explains_itself_and_saves_nothing(world, client_for):
    client = client_for(world.officer_a)
    response = client.post(
        reverse("orgs:member_create"),
        {
            "employee_number": world.employee.employee_number,
            "stage": "full",
            "status": "normal",
            "branch": world.branch_a.pk,
            "ethnicity": "汉族",
            "birth_date": "tomorrow",
            "id_card_number": "<script>alert(1)</script>",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page
    assert "<script>alert(1)</script>" not in page
    assert not Member.objects.filter(user=world.employee).exists()


def test_an_officer_cannot_create_a_member_in_another_branch(world, client_for):
    client = client_for(world.officer_a)
    response = client.post(
        reverse("orgs:member_create"),
        {
            "employee_number": world.employee.employee_number,
            "stage": "applicant",
            "status": "normal",
            "branch": world.branch_b.pk,
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 200  # the branch is not among the choices
    assert not Member.objects.filter(user=world.employee).exists()


def test_officer_records_and_ends_a_post(world, client_for):
    client = client_for(world.officer_a)
    response = client.post(
        reverse("orgs:post_assign", args=[world.branch_a.pk]),
        {"member": world.member_a.pk, "kind": "organisation", "starts_on": "2026-01-05"},
    )
    assert response.status_code == 302
    post = OrgPost.objects.get(member=world.member_a, kind="organisation")
    response = client.post(reverse("orgs:post_end", args=[post.pk]), {"ends_on": "2026-02-01"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.ends_on == datetime.date(2026, 2, 1)


def test_another_branch_cannot_end_a_post(world, client_for):
    post = OrgPost.objects.get(unit=world.branch_a, kind="secretary")
    response = client_for(world.officer_b).post(
        reverse("orgs:post_end", args=[post.pk]), {"ends_on": "2026-02-01"}
    )
    assert response.status_code == 404
    post.refresh_from_db()
    assert post.ends_on is None


def test_unit_edit_saves_term_end(world, client_for):
    client = client_for(world.committee_officer)
    response = client.post(
        reverse("orgs:unit_edit", args=[world.branch_b.pk]),
        {"name": "乙支部", "term_ends_on": "2027-03-01", "departments": [world.department_b.pk]},
    )
    assert response.status_code == 302
    world.branch_b.refresh_from_db()
    assert world.branch_b.term_ends_on == datetime.date(2027, 3, 1)


def test_export_holds_the_filtered_in_scope_rows(world, client_for):
    response = client_for(world.officer_a).get(reverse("orgs:member_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    numbers = {row[0] for row in rows[1:]}
    assert world.member_a.user.employee_number in numbers
    assert world.member_b.user.employee_number not in numbers


def test_import_pages_are_private_to_whoever_imported(world, client_for):
    batch = ImportBatch.objects.create(
        kind="members", outcome="rejected", filename="x.xlsx", created_by=world.officer_a
    )
    assert (
        client_for(world.officer_a).get(reverse("orgs:import_detail", args=[batch.pk])).status_code
        == 200
    )
    assert (
        client_for(world.officer_a).get(reverse("orgs:import_report", args=[batch.pk])).status_code
        == 200
    )
    assert (
        client_for(world.committee_officer)
        .get(reverse("orgs:import_detail", args=[batch.pk]))
        .status_code
        == 404
    )
    assert client_for(None).get(reverse("orgs:import_detail", args=[batch.pk])).status_code == 302


def test_branch_officers_may_only_import_member_records(world, client_for):
    client = client_for(world.officer_a)
    assert client.get(reverse("orgs:import_template", args=["members"])).status_code == 200
    assert client.get(reverse("orgs:import_template", args=["employees"])).status_code == 404
    client = client_for(world.committee_officer)
    assert client.get(reverse("orgs:import_template", args=["employees"])).status_code == 200


def test_large_scopes_offer_committees_but_accept_any_branch(world, client_for, monkeypatch):
    from grassroots.orgs import selectors

    monkeypatch.setattr(selectors, "UNIT_CHOICES_LIMIT", 2)
    client = client_for(world.committee_officer)
    offered = [
        value
        for value, _label in client.get(reverse("orgs:member_list"))
        .context["form"]
        .fields["unit"]
        .widget.choices
    ]
    assert world.committee.pk in offered and world.branch_a.pk not in offered
    response = client.get(reverse("orgs:member_list"), {"unit": world.branch_b.pk})
    assert response.context["form"].is_valid()
    page = response.content.decode()
    assert world.member_b.user.name in page and world.member_a.user.name not in page
    assert world.branch_b.pk in [
        value for value, _ in response.context["form"].fields["unit"].widget.choices
    ]


def test_an_officer_records_the_day_and_reason_a_member_left(world, client_for):
    # given
    client = client_for(world.officer_a)
    url = reverse("orgs:member_edit", args=[world.member_a.pk])
    data = {
        "stage": "full",
        "status": "left",
        "left_on": "2025-03-01",
        "leaving_reason": "death",
        "branch": world.branch_a.pk,
        "group": world.group_a.pk,
        "applied_on": "2000-03-01",
        "activist_on": "2000-09-01",
        "candidate_on": "2001-10-01",
        "admitted_on": "2002-01-01",
        "full_on": "2003-01-02",
        "birth_date": "1975-06-15",
        "gender": "m",
        "ethnicity": "汉族",
        "education": "high_school",
        "id_card_number": "",
    }
    # when
    response = client.post(url, data)
    # then
    assert response.status_code == 302
    world.member_a.refresh_from_db()
    assert world.member_a.left_on == datetime.date(2025, 3, 1)
    assert world.member_a.leaving_reason == Member.LeavingReason.DEATH
    # a leaving day in the future is refused, nothing saved
    response = client.post(url, data | {"status": "normal"})
    world.member_a.refresh_from_db()
    assert world.member_a.status == "normal" and world.member_a.left_on is None
    response = client.post(url, data | {"left_on": "2999-01-01"})
    assert response.status_code == 200
    assert "left_on" in response.context["form"].errors
    world.member_a.refresh_from_db()
    assert world.member_a.status == "normal"
