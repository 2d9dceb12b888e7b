"""Writes: nothing half-saved on bad input; studying the last material completes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grassroots.core.models import AuditEntry
from grassroots.learning import services
from grassroots.learning.models import (
    Course,
    CourseCompletion,
    ExternalTraining,
    Material,
    NamedLearner,
    Study,
)
from grassroots.learning.tests.factories import (
    disguised_upload,
    make_course,
    make_material,
    png_upload,
)

TODAY = datetime.date(2026, 6, 1)


def test_studying_the_last_material_completes_the_course_once(world):
    member = world.member_a
    first, second = make_material(world.branch_a, "一"), make_material(world.branch_a, "二")
    course = make_course(world.committee, [first, second])
    assert services.study_mark(actor=member.user, member=member, material=first, today=TODAY) == []
    assert services.study_mark(actor=member.user, member=member, material=second, today=TODAY) == [
        course
    ]
    assert services.study_mark(actor=member.user, member=member, material=second, today=TODAY) == []
    assert Study.objects.filter(member=member).count() == 2
    assert CourseCompletion.objects.get(member=member).completed_on == TODAY
    assert AuditEntry.objects.filter(action="learning.course_complete").count() == 1


def test_a_material_needs_its_plain_text_version(world):
    with pytest.raises(ValidationError) as error:
        services.material_create(
            actor=world.officer_a,
            unit=world.branch_a,
            title="t",
            kind="text",
            body="x",
            plain_text="  ",
        )
    assert "plain_text" in error.value.message_dict
    assert not Material.objects.exists()


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"title": "x" * 201}, "title"),
        ({"plain_text": "x" * 20001}, "plain_text"),
        ({"kind": "video", "url": ""}, "file"),  # a video needs its file or its link
        ({"kind": "link", "url": ""}, "url"),
        ({"kind": "link", "url": "javascript:alert(1)"}, "url"),
        ({"kind": "link", "url": "data:text/html,<b>x</b>"}, "url"),
        ({"kind": "document"}, "file"),
        ({"kind": "document", "upload": "disguised"}, "file"),
    ],
)
def test_bad_material_saves_nothing(world, fields, bad):
    values = {"title": "t", "kind": "text", "body": "x", "plain_text": "p"} | fields
    if values.get("upload") == "disguised":
        values["upload"] = disguised_upload()
    with pytest.raises(ValidationError) as error:
        services.material_create(actor=world.officer_a, unit=world.branch_a, **values)
    assert bad in error.value.message_dict
    assert not Material.objects.exists()


def test_a_document_is_cleaned_and_kept(world):
    material = services.material_create(
        actor=world.officer_a,
        unit=world.branch_a,
        title="文件",
        kind="document",
        plain_text="要点",
        upload=png_upload("讲义.png"),
    )
    assert material.content_type == "image/png" and material.file


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"hours": Decimal(-1)}, "hours"),
        ({"hours": Decimal(0)}, "hours"),
        ({"hours": Decimal(100000)}, "hours"),
        ({"hours": None}, "hours"),
        ({"certificate": None}, "certificate"),
        ({"certificate": "disguised"}, "certificate"),
        ({"title": "x" * 201}, "title"),
        ({"taken_on": datetime.date(2026, 7, 1)}, "taken_on"),
    ],
)
def test_bad_external_training_saves_nothing(world, fields, bad):
    values = {
        "title": "党校",
        "hours": Decimal(8),
        "taken_on": TODAY,
        "certificate": png_upload(),
    } | fields
    if values["certificate"] == "disguised":
        values["certificate"] = disguised_upload()
    with pytest.raises(ValidationError) as error:
        services.external_training_add(
            actor=world.officer_a, member=world.member_a, today=TODAY, **values
        )
    assert bad in error.value.message_dict
    assert not ExternalTraining.objects.exists()


def test_external_training_twice_submitted_is_recorded_once(world):
    for _ in range(2):
        services.external_training_add(
            actor=world.member_a.user,
            member=world.member_a,
            title="党校",
            hours=Decimal(8),
            taken_on=TODAY,
            certificate=png_upload(),
            today=TODAY,
            idempotency_key="k1",
        )
    assert ExternalTraining.objects.count() == 1


@pytest.mark.parametrize("hours", [Decimal(-1), Decimal(1000), None])
def test_course_hours_must_be_sensible(world, hours):
    material = make_material(world.branch_a)
    with pytest.raises(ValidationError):
        services.course_create(
            actor=world.officer_a,
            unit=world.branch_a,
            title="c",
            hours=hours,
            audience="members",
            materials=[material],
        )


def test_a_course_of_materials_already_studied_is_completed_and_keeps_its_hours(world):
    from django.utils import timezone

    from grassroots.learning import selectors

    member = world.member_a
    first, second = make_material(world.branch_a, "一"), make_material(world.branch_a, "二")
    for material in (first, second):
        services.study_mark(actor=member.user, member=member, material=material, today=TODAY)
    # a course made afterwards from what the person already studied
    course = services.course_create(
        actor=world.committee_officer,
        unit=world.committee,
        title="学习课程",
        hours=Decimal("6"),
        audience="members",
        materials=[first, second],
    )
    done = CourseCompletion.objects.get(member=member, course=course)
    assert done.hours == Decimal("6")
    today = timezone.localdate()
    before = selectors.hours_of(member, year=today.year, today=today)
    # changing the course's hours later does not rewrite what was earned
    services.course_update(
        actor=world.committee_officer,
        course=course,
        title="学习课程",
        hours=Decimal("2"),
        audience="members",
        materials=[first, second],
    )
    after = selectors.hours_of(member, year=today.year, today=today)
    assert after.total == before.total
    assert CourseCompletion.objects.filter(course=course).count() == 1


# --- named people and who a completion is for ------------------------------------


def _named_course(world, numbers, unit=None):
    material = make_material(world.branch_a, "点名材料")
    return services.course_create(
        actor=world.officer_a,
        unit=unit or world.branch_a,
        title="点名课程",
        hours=Decimal("3"),
        audience="named",
        materials=[material],
        named=numbers,
    )


def test_a_named_course_is_for_the_people_it_names_at_any_stage(world):
    from grassroots.learning import selectors
    from grassroots.orgs.tests.factories import MemberFactory

    # given an applicant (not a Party member) and a member of the branch
    applicant = MemberFactory(branch=world.branch_a, stage="applicant")
    course = _named_course(world, [applicant.user.employee_number])
    # then the applicant has the course, the branch's other member does not
    assert course in selectors.courses_for(applicant, today=TODAY)
    assert course not in selectors.courses_for(world.member_a, today=TODAY)
    assert [entry.course for entry in selectors.my_courses(applicant, today=TODAY)] == [course]


def test_naming_someone_outside_the_course_organisation_is_refused(world):
    outsider = world.member_b.user.employee_number
    with pytest.raises(ValidationError) as error:
        _named_course(world, [world.member_a.user.employee_number, outsider, "NOPE"])
    message = " ".join(error.value.message_dict["named"])
    assert outsider in message and "NOPE" in message
    assert world.member_a.user.employee_number not in message
    assert not Course.objects.exists() and not NamedLearner.objects.exists()


def test_a_named_course_needs_someone_named(world):
    with pytest.raises(ValidationError) as error:
        _named_course(world, [])
    assert "named" in error.value.message_dict
    assert not Course.objects.exists()


def test_a_group_course_names_only_the_group(world):
    from grassroots.orgs.tests.factories import MemberFactory

    other = MemberFactory(branch=world.branch_a)  # in the branch, not in the group
    course = _named_course(world, [world.member_a.user.employee_number], unit=world.group_a)
    assert list(course.named.values_list("member_id", flat=True)) == [world.member_a.pk]
    with pytest.raises(ValidationError):
        _named_course(world, [other.user.employee_number], unit=world.group_a)


def test_changing_the_audience_away_from_named_forgets_the_names(world):
    course = _named_course(world, [world.member_a.user.employee_number])
    services.course_update(
        actor=world.officer_a,
        course=course,
        title=course.title,
        hours=course.hours,
        audience="members",
        materials=[item.material for item in course.items.all()],
        named=[world.member_a.user.employee_number],
    )
    assert not NamedLearner.objects.exists()


def test_employee_numbers_are_read_from_lines_and_commas():
    assert services.employee_numbers(" a1, B2\n，c3 、a1 ") == ["A1", "B2", "C3"]


def test_a_course_made_from_studied_materials_completes_only_for_its_audience(world):
    # given member_a (branch a) and member_b (branch b) who both studied the material
    material = make_material(world.committee, "共同材料")
    for member in (world.member_a, world.member_b):
        services.study_mark(actor=member.user, member=member, material=material, today=TODAY)
    # when branch a makes a course of it for its members
    course = services.course_create(
        actor=world.officer_a,
        unit=world.branch_a,
        title="甲支部课程",
        hours=Decimal("2"),
        audience="members",
        materials=[material],
    )
    # then only member_a completed it: member_b is outside its organisation
    assert set(course.completions.values_list("member_id", flat=True)) == {world.member_a.pk}


def test_a_named_course_completes_only_for_the_named(world):
    from grassroots.orgs.tests.factories import MemberFactory

    material = make_material(world.branch_a, "材料")
    neighbour = MemberFactory(branch=world.branch_a)
    for member in (world.member_a, neighbour):
        services.study_mark(actor=member.user, member=member, material=material, today=TODAY)
    course = services.course_create(
        actor=world.officer_a,
        unit=world.branch_a,
        title="点名",
        hours=Decimal("2"),
        audience="named",
        materials=[material],
        named=[world.member_a.user.employee_number],
    )
    assert set(course.completions.values_list("member_id", flat=True)) == {world.member_a.pk}
    # marking the material again as the neighbour still completes nothing for them
    other = make_material(world.branch_a, "另一份")
    course = services.course_update(
        actor=world.officer_a,
        course=course,
        title="点名",
        hours=Decimal("2"),
        audience="named",
        materials=[material, other],
        named=[world.member_a.user.employee_number],
    )
    assert (
        services.study_mark(actor=neighbour.user, member=neighbour, material=other, today=TODAY)
        == []
    )
    assert not CourseCompletion.objects.filter(member=neighbour).exists()


def test_studying_completes_no_course_outside_the_persons_audience(world):
    # given an officers' course whose material an ordinary member studies
    material = make_material(world.branch_a, "书记材料")
    course = make_course(world.branch_a, [material], audience="officers")
    # when the ordinary member marks it
    services.study_mark(
        actor=world.member_a.user, member=world.member_a, material=material, today=TODAY
    )
    # then nothing is completed for them
    assert not course.completions.exists()
