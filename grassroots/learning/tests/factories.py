"""Learning records for tests."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from grassroots.learning.models import Course, CourseMaterial, Material
from grassroots.learning.vocabulary import Audience, MaterialKind
from grassroots.orglife.models import Attendance, Meeting


def png_upload(name: str = "certificate.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def disguised_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "certificate.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )


def make_material(unit: Any, title: str = "学习材料", **fields: Any) -> Material:
    defaults: dict[str, Any] = {
        "kind": MaterialKind.TEXT,
        "body": "全文",
        "plain_text": "简明的文字版本",
    }
    defaults.update(fields)
    return Material.objects.create(unit=unit, title=title, **defaults)


def make_course(
    unit: Any,
    materials: list[Material],
    *,
    audience: str = Audience.MEMBERS,
    hours: str = "4",
    title: str = "学习课程",
) -> Course:
    course = Course.objects.create(unit=unit, title=title, hours=Decimal(hours), audience=audience)
    for number, material in enumerate(materials, start=1):
        CourseMaterial.objects.create(course=course, material=material, position=number)
    return course


def held_meeting(
    unit: Any,
    members: list[Any],
    *,
    kind: str,
    on: datetime.date,
    status: str = Attendance.Status.PRESENT,
) -> Meeting:
    starts = timezone.make_aware(datetime.datetime.combine(on, datetime.time(9)))
    meeting = Meeting.objects.create(
        unit=unit,
        kind=kind,
        topic=f"{kind} {on}",
        starts_at=starts,
        place="活动室",
        status=Meeting.Status.HELD,
        held_on=on,
    )
    for member in members:
        Attendance.objects.create(meeting=meeting, member=member, status=status)
    return meeting
