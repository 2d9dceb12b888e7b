"""Checking files people attach: content, not the name, decides what a file is.

JPEG and PNG images are opened and re-encoded with none of their metadata (EXIF with
its GPS position, XMP, a JPEG comment, PNG text chunks), and anything that is not really
an image fails. PDFs are opened and written again without their document information
(/Author, /Creator, /Producer …), without any XMP metadata stream and without the names
of annotations' authors; a PDF that cannot be opened, or is encrypted, is refused.
Everything else — Office documents included — is refused with a message saying what is
accepted: a .docx carries its author in docProps/core.xml, and refusing it is simpler
and surer than cleaning it.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass, replace
from typing import Any

import pikepdf
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
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
    return clean_content(data, name=upload.name)


def clean_content(data: bytes, *, name: str) -> CheckedFile:
    """Identify a file by its content and clean it (an upload, or a file kept before
    the cleaning was as thorough), or raise UploadError."""
    kind = next((found for magic, found in KINDS.items() if data.startswith(magic)), None)
    if kind is None:
        raise UploadError(
            _("“%(name)s” is not a photo (JPEG, PNG) or a PDF. Only those can be attached.")
            % {"name": name}
        )
    content_type, extension = kind
    if content_type.startswith("image/"):
        data = _reencode(data, "JPEG" if extension == "jpg" else "PNG", name)
    else:
        data = _pdf_without_metadata(data, name)
    content = ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")
    return CheckedFile(
        name=_safe_name(name, extension), content_type=content_type, content=content, size=len(data)
    )


def _reencode(data: bytes, fmt: str, name: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image: Image.Image = opened
            # Pillow writes some of what it read back out (a JPEG's comment, a PNG's
            # ICC profile): forget all of it, so that only the pixels are kept.
            image.info = {}
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format=fmt)  # no exif= argument: metadata is dropped
            return out.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise UploadError(
            _("“%(name)s” looks like a picture but cannot be opened.") % {"name": name}
        ) from None


# Where a PDF keeps who made it: the document information dictionary (in the trailer),
# XMP streams (/Metadata, on the catalogue and on any page, image or font), the
# application data of the program that wrote it (/PieceInfo), and the author of each
# comment or highlight (/T of an annotation).
_PDF_NAMED_KEYS = ("/Metadata", "/PieceInfo")


def _pdf_without_metadata(data: bytes, name: str) -> bytes:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    for key in _PDF_NAMED_KEYS:
                        if key in obj:
                            del obj[key]
                    if obj.get("/Type") == pikepdf.Name.Annot and "/T" in obj:
                        del obj["/T"]
            for page in pdf.pages:  # annotations written in place, not as objects
                for annotation in page.obj.get("/Annots", pikepdf.Array()):
                    if isinstance(annotation, pikepdf.Dictionary) and "/T" in annotation:
                        del annotation["/T"]
            out = io.BytesIO()
            # A new /ID from the content: the old one may hold the file's first name and
            # time; no pikepdf or qpdf mark is added to the file.
            pdf.save(out, deterministic_id=True)
            return out.getvalue()
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RecursionError):
        raise UploadError(
            _("“%(name)s” looks like a PDF but cannot be opened (or it is locked with a password).")
            % {"name": name}
        ) from None


def neutral_name(checked: CheckedFile, number: int) -> CheckedFile:
    """The file named only by its place among the appeal's files ("附件1.pdf"), for an
    anonymous appeal, where the name a file came with may name its sender. In the
    site's language, not the sender's, which could single them out."""
    extension = checked.name.rsplit(".", 1)[-1]
    with translation.override(settings.LANGUAGE_CODE):
        stem = pgettext("an anonymous appeal's file", "Attachment %(number)s") % {"number": number}
    return replace(checked, name=f"{stem}.{extension}")
