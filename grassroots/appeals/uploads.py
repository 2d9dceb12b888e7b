"""Checking files people attach: content, not the name, decides what a file is.

JPEG and PNG images are opened and re-encoded (which drops hidden metadata such as GPS
positions, and anything that is not really an image fails); PDFs are accepted when
they start like a PDF. Everything else is refused with a message saying what is
accepted.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

Image.MAX_IMAGE_PIXELS = 40_000_000  # larger is a decompression bomb, not a photo

KINDS = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"%PDF-": ("application/pdf", "pdf"),
}


class UploadError(ValueError):
    pass


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    content: ContentFile[bytes]
    size: int


def _safe_name(original: str, extension: str) -> str:
    stem = (
        re.sub(r"[^\w\-\u4e00-\u9fff]+", "_", original.rsplit(".", 1)[0])[:60].strip("_") or "file"
    )
    return f"{stem}.{extension}"


def check_upload(upload: Any, *, max_bytes: int) -> CheckedFile:
    """Read, identify and clean one uploaded file, or raise UploadError."""
    if upload.size > max_bytes:
        raise UploadError(
            _("“%(name)s” is larger than %(max)s MB.")
            % {"name": upload.name, "max": max_bytes // (1024 * 1024)}
        )
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadError(_("“%(name)s” is too large.") % {"name": upload.name})
    kind = next((found for magic, found in KINDS.items() if data.startswith(magic)), None)
    if kind is None:
        raise UploadError(
            _("“%(name)s” is not a photo (JPEG, PNG) or a PDF. Only those can be attached.")
            % {"name": upload.name}
        )
    content_type, extension = kind
    if content_type.startswith("image/"):
        data = _reencode(data, "JPEG" if extension == "jpg" else "PNG", upload.name)
    name = _safe_name(upload.name, extension)
    content = ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")
    return CheckedFile(name=name, content_type=content_type, content=content, size=len(data))


def _reencode(data: bytes, fmt: str, name: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image: Image.Image = opened
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format=fmt)  # no exif= argument: metadata is dropped
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise UploadError(
            _("“%(name)s” looks like a picture but cannot be opened.") % {"name": name}
        ) from None
