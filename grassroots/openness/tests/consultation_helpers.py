"""Shared pieces of the consultations tests."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grassroots.openness.consultations import services


def png(name: str = "draft.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def disguised(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")


def comment(user: Any, consultation: Any, text: str, *, anonymous: bool = False) -> Any:
    return services.comment_submit(
        actor=user, consultation=consultation, text=text, anonymous=anonymous
    )
