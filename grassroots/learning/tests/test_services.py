"""Writes: nothing half-saved on bad input; studying the last material completes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grassroots.core.models import AuditEntry
from grassroots.learning import services
from grassroots.learning.models import CourseCompletion, ExternalTraining, Material, Study
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
        ({"kind": "video", "url": ""}, "url"),
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
