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


def wav_bytes() -> bytes:
    """A tiny valid WAV file: a tenth of a second of silence."""
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(1)
        sound.setframerate(8000)
        sound.writeframes(b"\x80" * 800)
    return out.getvalue()


MEDIA_HEADS = {
    "mp4": b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2",
    "m4a": b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A isom",
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm\x42\x87",
    "mkv": b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska",
    "ogg": b"OggS\x00\x02" + b"\x00" * 20,
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    "mp3-frame": b"\xff\xfb\x90\x64" + b"\x00" * 20,
}


def media_upload(kind: str = "mp4", name: str = "课程.mp4") -> SimpleUploadedFile:
    data = wav_bytes() if kind == "wav" else MEDIA_HEADS[kind] + b"\x00" * 200
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
