"""Checking files people attach: content, not the name, decides what a file is.

JPEG and PNG images are opened and re-encoded with none of their metadata (EXIF with
its GPS position, XMP, a JPEG comment, PNG text chunks), and anything that is not really
an image fails. PDFs are opened and written again without their document information
(/Author, /Creator, /Producer …), without any XMP metadata stream and without the names
of annotations' authors; a PDF that cannot be opened, or is encrypted, is refused.
Everything else — Office documents included — is refused with a message saying what is
accepted: a .docx carries its author in docProps/core.xml, and refusing it is simpler
and surer than cleaning it.

Video and audio (for learning materials) are identified the same way, by their first
bytes, never by their name; they are kept as sent (too large to rewrite here), so
`check_media` streams them rather than reading them into memory.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass, replace
from typing import Any

import pikepdf
from django.conf import settings
from django.core.files.base import ContentFile, File
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
    content: File[bytes]  # a ContentFile of cleaned bytes, or a media upload as sent
    size: int


def _safe_name(original: str, extension: str) -> str:
    stem = (
        re.sub(r"[^\w\-\u4e00-\u9fff]+", "_", original.rsplit(".", 1)[0])[:60].strip("_") or "file"
    )
    return f"{stem}.{extension}"


def _refuse_if_larger(upload: Any, max_bytes: int) -> None:
    if upload.size > max_bytes:
        raise UploadError(
            _("“%(name)s” is larger than %(max)s MB.")
            % {"name": upload.name, "max": max_bytes // (1024 * 1024)}
        )


def check_upload(upload: Any, *, max_bytes: int) -> CheckedFile:
    """Read, identify and clean one uploaded file, or raise UploadError."""
    _refuse_if_larger(upload, max_bytes)
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


VIDEO, AUDIO = "video", "audio"


def media_kind(head: bytes) -> tuple[str, str, frozenset[str]] | None:
    """What a video or audio file is, from its first bytes: (subtype, extension, the
    families it may be), or None. MP4/M4A ('ftyp' at byte 4), WebM/Matroska (EBML),
    Ogg, MP3 (an ID3 tag or an MPEG audio frame), WAV (RIFF….WAVE)."""
    both = frozenset({VIDEO, AUDIO})
    if head[4:8] == b"ftyp":
        return ("mp4", "m4a" if head[8:11] == b"M4A" else "mp4", both)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return ("webm", "webm", both) if b"webm" in head[:64] else ("x-matroska", "mkv", both)
    if head.startswith(b"OggS"):
        return ("ogg", "ogg", both)
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return ("wav", "wav", frozenset({AUDIO}))
    if head.startswith(b"ID3") or _mpeg_audio_frame(head):
        return ("mpeg", "mp3", frozenset({AUDIO}))
    return None


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, then a version and a layer that are
    not the reserved values."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    return version != 0b01 and layer != 0b00


def check_media(upload: Any, *, max_bytes: int, family: str) -> CheckedFile:
    """Identify an uploaded video (family VIDEO) or audio file (AUDIO) by its content,
    or raise UploadError: too large, or not a video or audio file of a kind browsers
    play, whatever it is named."""
    _refuse_if_larger(upload, max_bytes)
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    found = media_kind(head)
    if found is None or family not in found[2]:
        message = (
            _("“%(name)s” is not a video file (MP4, WebM, Ogg). Only those can be attached here.")
            if family == VIDEO
            else _(
                "“%(name)s” is not an audio file (MP3, M4A, Ogg, WAV, WebM). "
                "Only those can be attached here."
            )
        )
        raise UploadError(message % {"name": upload.name})
    subtype, extension, _families = found
    content = File(upload, name=f"{uuid.uuid4().hex}.{extension}")
    return CheckedFile(
        name=_safe_name(upload.name, extension),
        content_type=f"{family}/{subtype}",
        content=content,
        size=upload.size,
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
