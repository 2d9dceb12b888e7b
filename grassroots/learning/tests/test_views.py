"""Every learning page: in scope, out of scope (404 as if missing), anonymous."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from grassroots.learning.models import Course, ExternalTraining, Material, Study
from grassroots.learning.tests.factories import (
    disguised_upload,
    held_meeting,
    make_course,
    make_material,
    png_upload,
)
from grassroots.orglife import rules as orglife_rules


@pytest.fixture
def course(world):
    material = make_material(world.branch_a, "<script>alert(1)</script>材料")
    material.file.save("讲义.png", ContentFile(png_upload().read()), save=False)
    material.file_name, material.content_type = "讲义.png", "image/png"
    material.save()
    return make_course(world.branch_a, [material])


def _material(course):
    return course.items.get().material


def _anonymous_redirects(client_for, url, method="get"):
    response = getattr(client_for(None), method)(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_my_learning(world, client_for, course):
    page = client_for(world.member_a.user).get(reverse("learning:mine"))
    assert page.status_code == 200 and course.title in page.content.decode()
    assert client_for(world.employee).get(reverse("learning:mine")).status_code == 404
    _anonymous_redirects(client_for, reverse("learning:mine"))


def test_my_learning_keeps_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    for number in range(6):
        make_course(
            world.branch_a, [make_material(world.branch_a, f"m{number}")], title=f"c{number}"
        )
    client = client_for(world.member_a.user)
    client.get(reverse("learning:mine"))
    # session, user, scope (2), member, posts, courses, their materials, studies,
    # hours (meetings, completions, training elsewhere), navigation: none per course
    with django_assert_max_num_queries(14):
        client.get(reverse("learning:mine"))


def test_material_page_shows_the_plain_text_and_escapes(world, client_for, course):
    material = _material(course)
    url = reverse("learning:material", args=[material.pk])
    page = client_for(world.member_a.user).get(url).content.decode()
    assert material.plain_text in page and 'id="mark-studied"' in page
    assert "<script>alert(1)</script>" not in page
    assert client_for(world.officer_a).get(url).status_code == 200  # its author
    for outsider in (world.member_b.user, world.officer_b, world.employee):
        assert client_for(outsider).get(url).status_code == 404
    assert (
        client_for(world.member_a.user).get(reverse("learning:material", args=[99999])).status_code
        == 404
    )
    _anonymous_redirects(client_for, url)


def test_marking_studied(world, client_for, course):
    material = _material(course)
    url = reverse("learning:material_studied", args=[material.pk])
    assert client_for(world.member_b.user).post(url).status_code == 404
    assert client_for(world.member_a.user).get(url).status_code == 405
    assert client_for(world.member_a.user).post(url).status_code == 302
    assert Study.objects.filter(member=world.member_a, material=material).exists()
    _anonymous_redirects(client_for, url, "post")


def test_material_file(world, client_for, course):
    url = reverse("learning:material_file", args=[_material(course).pk])
    response = client_for(world.member_a.user).get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert client_for(world.member_b.user).get(url).status_code == 404
    _anonymous_redirects(client_for, url)


def test_my_hours_show_where_they_came_from(world, client_for):
    held_meeting(
        world.branch_a, [world.member_a], kind=orglife_rules.LECTURE, on=timezone.localdate()
    )
    page = client_for(world.member_a.user).get(reverse("learning:hours"))
    assert page.status_code == 200 and f"{orglife_rules.LECTURE} " in page.content.decode()
    assert client_for(world.employee).get(reverse("learning:hours")).status_code == 404
    assert (
        client_for(world.member_a.user).get(reverse("learning:hours") + "?year=abc").status_code
        == 200
    )
    _anonymous_redirects(client_for, reverse("learning:hours"))


def test_unit_view_counts_and_names_only_for_its_own_officers(world, client_for):
    url = reverse("learning:unit")
    own = client_for(world.officer_a).get(url + f"?unit={world.branch_a.pk}")
    assert own.status_code == 200 and 'id="below-list"' in own.content.decode()
    assert world.member_a.user.name in own.content.decode()
    above = client_for(world.committee_officer).get(url + f"?unit={world.branch_a.pk}")
    assert above.status_code == 200 and 'id="below-counts"' in above.content.decode()
    assert 'id="below-list"' not in above.content.decode()
    # the committee's own page: the branches' members are counted, never named
    committee = client_for(world.committee_officer).get(url + f"?unit={world.committee.pk}")
    assert committee.status_code == 200 and 'id="below-counts"' in committee.content.decode()
    assert world.member_a.user.name not in committee.content.decode()
    assert committee.context["progress"].below_count > 0
    assert client_for(world.officer_a).get(url + f"?unit={world.branch_b.pk}").status_code == 404
    assert client_for(world.member_a.user).get(url).status_code == 404
    _anonymous_redirects(client_for, url)


def test_unit_view_keeps_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    from grassroots.orgs.tests.factories import MemberFactory

    for _ in range(8):
        MemberFactory(branch=world.branch_a)
    client = client_for(world.committee_officer)
    client.get(reverse("learning:unit"))
    # none per member: members, posts, meetings, completions, training elsewhere
    with django_assert_max_num_queries(13):
        client.get(reverse("learning:unit"))


def test_manage_and_authoring_pages(world, client_for, course):
    material = _material(course)
    urls = [
        reverse("learning:manage"),
        reverse("learning:material_new"),
        reverse("learning:course_new"),
        reverse("learning:material_edit", args=[material.pk]),
        reverse("learning:course_edit", args=[course.pk]),
    ]
    for url in urls:
        assert client_for(world.officer_a).get(url).status_code == 200
        assert client_for(world.member_a.user).get(url).status_code == 404
        _anonymous_redirects(client_for, url)
    for url in urls[3:]:
        assert client_for(world.officer_b).get(url).status_code == 404


def test_officer_creates_a_material_and_a_course(world, client_for):
    client = client_for(world.officer_a)
    response = client.post(
        reverse("learning:material_new"),
        {
            "unit": world.branch_a.pk,
            "title": "党章",
            "kind": "text",
            "body": "全文",
            "plain_text": "要点",
            "idempotency_key": "m1",
        },
    )
    assert response.status_code == 302
    material = Material.objects.get()
    response = client.post(
        reverse("learning:course_new"),
        {
            "unit": world.branch_a.pk,
            "title": "学党章",
            "hours": "4",
            "audience": "members",
            "materials": [material.pk],
            "idempotency_key": "c1",
        },
    )
    assert response.status_code == 302 and Course.objects.get().items.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"unit": "other", "title": "t", "kind": "text", "body": "x", "plain_text": "p"},
        {"unit": "own", "title": "t" * 201, "kind": "text", "body": "x", "plain_text": "p"},
        {"unit": "own", "title": "t", "kind": "text", "body": "x", "plain_text": ""},
        {"unit": "own", "title": "t", "kind": "document", "plain_text": "p", "file": "disguised"},
    ],
)
def test_bad_material_form_saves_nothing(world, client_for, data):
    data = dict(data)
    data["unit"] = world.branch_a.pk if data["unit"] == "own" else world.branch_b.pk
    if data.get("file") == "disguised":
        data["file"] = disguised_upload()
    response = client_for(world.officer_a).post(reverse("learning:material_new"), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not Material.objects.exists()


def test_course_of_another_officers_unit_is_refused(world, client_for):
    material = make_material(world.branch_a)
    response = client_for(world.officer_b).post(
        reverse("learning:course_new"),
        {
            "unit": world.branch_b.pk,
            "title": "c",
            "hours": "-2",
            "audience": "members",
            "materials": [material.pk],
        },
    )
    assert response.status_code == 200 and not Course.objects.exists()


def test_external_training(world, client_for):
    url = reverse("learning:external")
    client = client_for(world.member_a.user)
    assert client.get(url).status_code == 200
    data = {
        "title": "党校培训",
        "hours": "8",
        "taken_on": "2026-01-05",
        "certificate": png_upload(),
    }
    assert client.post(url, data).status_code == 302
    record = ExternalTraining.objects.get()
    assert record.member == world.member_a and record.entered_by == world.member_a.user
    for bad in ({"hours": "-1"}, {"hours": "99999"}, {"certificate": ""}, {"title": ""}):
        values = {
            "title": "x",
            "hours": "8",
            "taken_on": "2026-01-05",
            "certificate": png_upload(),
        } | bad
        if values["certificate"] == "":
            del values["certificate"]
        assert client.post(url, values).status_code == 200
    assert ExternalTraining.objects.count() == 1
    assert client_for(world.employee).get(url).status_code == 404
    _anonymous_redirects(client_for, url)


def test_an_officer_enters_training_only_for_people_they_oversee(world, client_for):
    url = reverse("learning:external")
    client = client_for(world.officer_a)
    data = {"title": "x", "hours": "8", "taken_on": "2026-01-05"}
    outside = client.post(
        url, data | {"person": world.member_b.user.employee_number, "certificate": png_upload()}
    )
    assert outside.status_code == 200 and not ExternalTraining.objects.exists()
    inside = client.post(
        url, data | {"person": world.member_a.user.employee_number, "certificate": png_upload()}
    )
    assert inside.status_code == 302
    assert ExternalTraining.objects.get().member == world.member_a


def test_certificate_download(world, client_for):
    record = ExternalTraining.objects.create(
        member=world.member_a,
        title="x",
        hours=Decimal(8),
        taken_on=datetime.date(2026, 1, 5),
        certificate_name="c.png",
        content_type="image/png",
    )
    record.certificate.save("c.png", ContentFile(png_upload().read()))
    url = reverse("learning:certificate", args=[record.pk])
    assert client_for(world.member_a.user).get(url).status_code == 200
    assert client_for(world.officer_a).get(url).status_code == 200
    for outsider in (world.member_b.user, world.officer_b, world.employee):
        assert client_for(outsider).get(url).status_code == 404
    _anonymous_redirects(client_for, url)


def test_an_officer_makes_a_course_for_named_people(world, client_for):
    material = make_material(world.branch_a)
    data = {
        "unit": world.branch_a.pk,
        "title": "点名课程",
        "hours": "2",
        "audience": "named",
        "materials": [material.pk],
    }
    client = client_for(world.officer_a)
    # someone of another branch is refused by number, and nothing is saved
    refused = client.post(
        reverse("learning:course_new"), data | {"named": world.member_b.user.employee_number}
    )
    assert refused.status_code == 200 and not Course.objects.exists()
    assert world.member_b.user.employee_number in str(refused.context["form"].errors["named"])
    made = client.post(
        reverse("learning:course_new"), data | {"named": world.member_a.user.employee_number}
    )
    assert made.status_code == 302
    course = Course.objects.get()
    edit = client.get(reverse("learning:course_edit", args=[course.pk]))
    assert world.member_a.user.employee_number in edit.content.decode()
    page = client_for(world.member_a.user).get(reverse("learning:mine")).content.decode()
    assert "点名课程" in page
    assert (
        "点名课程" not in client_for(world.officer_b).get(reverse("learning:mine")).content.decode()
    )
