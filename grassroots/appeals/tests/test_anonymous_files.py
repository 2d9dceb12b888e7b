"""The files sent with an anonymous appeal carry nothing that names the sender: no
document metadata inside (PDF information and XMP, a photo's comment) and no name of
their own outside ("孙淑珍-40008.png" is kept as "附件1.png")."""

from __future__ import annotations

import io
import urllib.parse
import zipfile

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from grassroots.appeals.models import Appeal, Attachment
from grassroots.appeals.tests.factories import category, raise_appeal

pytestmark = pytest.mark.django_db

SENDER = "孙淑珍"


def _traces(name: str = SENDER) -> list[bytes]:
    """The ways a name can be written in a file's bytes or a header."""
    return [name.encode(), urllib.parse.quote(name).encode(), b"Sun Shuzhen"]


def _pdf_text(data: bytes) -> str:
    """Every string and stream of a PDF, decoded: a PDF writes text strings in
    escaped UTF-16, so the name is looked for in what they say, not in raw bytes."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        parts = [repr(pdf.trailer)]
        for obj in pdf.objects:
            parts.append(repr(obj))
            if isinstance(obj, pikepdf.Stream):
                parts.append(obj.read_bytes().decode("utf-8", "replace"))
        return "\n".join(parts)


def _named_pdf() -> bytes:
    """A one-page PDF that says who wrote it everywhere a PDF can: the information
    dictionary, the document's XMP, a page's own XMP, and a comment's author."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = SENDER
    pdf.docinfo["/Creator"] = f"{SENDER}的 WPS Office"
    pdf.docinfo["/Title"] = "Sun Shuzhen complaint"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [SENDER]
        meta["xmp:CreatorTool"] = "Sun Shuzhen's laptop"
    page_xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{SENDER}</x:xmpmeta>'.encode()
    pdf.pages[0].obj["/Metadata"] = pdf.make_stream(page_xmp)
    pdf.pages[0].obj["/Annots"] = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Text,
                    Rect=[10, 10, 20, 20],
                    T=SENDER,
                    Contents="note",
                )
            ]
        )
    )
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def _commented_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="JPEG", comment=SENDER.encode())
    return out.getvalue()


def _anonymous_form(**overrides):
    data = {
        "category": category().pk,
        "title": "宿舍热水",
        "description": "宿舍晚上没有热水",
        "urgency": "normal",
        "idempotency_key": "",
    }
    if "department" not in overrides:
        data["department"] = _department_a().pk
    data.update(overrides)
    return data


def _department_a():
    from grassroots.orgs.models import Department

    return Department.objects.get(code="DA")


def _downloaded(client, attachment: Attachment):
    response = client.get(reverse("appeals:attachment", args=[attachment.public_id]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def _send_anonymously(client_for, *files) -> Appeal:
    response = client_for(None).post(
        reverse("appeals:anonymous"), _anonymous_form(attachments=list(files))
    )
    assert response.status_code == 200, response.content[:300]
    return Appeal.objects.get(is_anonymous=True)


def test_the_pdf_fixture_really_names_the_sender():
    # given a PDF as a word processor would write it
    data = _named_pdf()
    # then the name is in it, in the information dictionary and in XMP
    assert SENDER.encode() in data and b"Sun Shuzhen" in data  # XMP, /Title
    assert _pdf_text(data).count(SENDER) >= 4
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.docinfo["/Author"]) == SENDER
        assert "/Metadata" in pdf.Root


def test_an_anonymous_appeals_pdf_is_stored_and_served_without_its_authors_name(world, client_for):
    # given an anonymous appeal sent with a PDF that names its author
    appeal = _send_anonymously(
        client_for, SimpleUploadedFile("投诉.pdf", _named_pdf(), content_type="application/pdf")
    )
    attachment = appeal.attachments.get()

    # when the file is read from storage and downloaded by the branch handling it
    with attachment.file.open("rb") as stored_file:
        stored = stored_file.read()
    _response, served = _downloaded(client_for(world.officer_a), attachment)

    # then neither holds the name, in any encoding, nor any metadata at all
    for data in (stored, served):
        for trace in _traces():
            assert trace not in data
        assert SENDER not in _pdf_text(data) and "Sun Shuzhen" not in _pdf_text(data)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert "/Info" not in pdf.trailer
            assert "/Metadata" not in pdf.Root
            assert "/Metadata" not in pdf.pages[0].obj
            assert all("/T" not in note for note in pdf.pages[0].obj["/Annots"])
            assert len(pdf.pages) == 1  # still the document that was sent
    assert served == stored
    assert attachment.size == len(stored)


def test_a_photos_comment_does_not_survive_re_encoding(world, client_for):
    # given an anonymous appeal with a JPEG whose comment names the sender (Pillow
    # used to write a JPEG's comment back when re-encoding it)
    appeal = _send_anonymously(
        client_for, SimpleUploadedFile("p.jpg", _commented_jpeg(), content_type="image/jpeg")
    )
    # when the branch downloads it
    _response, served = _downloaded(client_for(world.officer_a), appeal.attachments.get())
    # then the comment is gone and the picture is still a picture
    assert SENDER.encode() not in served
    with Image.open(io.BytesIO(served)) as image:
        assert image.size == (20, 20) and "comment" not in image.info


def test_an_anonymous_appeals_files_get_neutral_names_everywhere(world, client_for):
    # given an anonymous appeal sent with files named after the sender
    appeal = _send_anonymously(
        client_for,
        SimpleUploadedFile(f"{SENDER}-40008.png", _png(), content_type="image/png"),
        SimpleUploadedFile(f"{SENDER} 说明.pdf", _named_pdf(), content_type="application/pdf"),
    )
    files = list(appeal.attachments.order_by("pk"))

    # then the names kept, shown and sent with a download are neutral
    assert [f.name for f in files] == ["附件1.png", "附件2.pdf"]
    handler = client_for(world.officer_a)
    page = handler.get(reverse("appeals:handle_detail", args=[appeal.public_id])).content
    assert "附件1.png".encode() in page
    for trace in _traces():
        assert trace not in page
    for attachment in files:
        response, _data = _downloaded(handler, attachment)
        disposition = response["Content-Disposition"].encode()
        assert urllib.parse.quote(attachment.name).encode() in disposition
        for trace in _traces():
            assert trace not in disposition
        assert SENDER not in attachment.file.name


def test_files_added_later_to_an_anonymous_appeal_are_numbered_on(world, client_for):
    # given an anonymous appeal with one file, followed by its sender
    appeal = _send_anonymously(
        client_for, SimpleUploadedFile(f"{SENDER}.png", _png(), content_type="image/png")
    )
    from grassroots.appeals import services

    # when the sender adds a file
    services.appeal_supplement(
        appeal=appeal,
        text="补充",
        actor=None,
        files=services.files_check([SimpleUploadedFile(f"{SENDER}2.pdf", _named_pdf())]),
    )
    # then it is the appeal's second file
    assert list(appeal.attachments.order_by("pk").values_list("name", flat=True)) == [
        "附件1.png",
        "附件2.pdf",
    ]


def test_a_named_appeal_keeps_its_file_names(world, client_for):
    # given a named appeal (the name a file came with is useful and names nobody hidden)
    from grassroots.appeals import services

    appeal = raise_appeal(world)
    # when its handler adds a file
    services.appeal_supplement(
        appeal=appeal,
        text="补充",
        actor=world.employee,
        files=services.files_check([SimpleUploadedFile("宿舍照片.png", _png())]),
    )
    # then its name is kept (made safe)
    assert appeal.attachments.get().name == "宿舍照片.png"


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr(
            "docProps/core.xml",
            f"<cp:coreProperties><dc:creator>{SENDER}</dc:creator>"
            f"<cp:lastModifiedBy>{SENDER}</cp:lastModifiedBy></cp:coreProperties>",
        )
        book.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_office_documents_are_refused_not_cleaned(world, client_for):
    # given a .docx, whose core.xml names its author and last editor
    response = client_for(None).post(
        reverse("appeals:anonymous"),
        _anonymous_form(attachments=[SimpleUploadedFile("说明.docx", _docx())]),
    )
    # then the form refuses it and nothing is kept
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Appeal.objects.exists()


def test_a_pdf_that_cannot_be_opened_is_refused(world, client_for):
    response = client_for(None).post(
        reverse("appeals:anonymous"),
        _anonymous_form(attachments=[SimpleUploadedFile("x.pdf", b"%PDF-1.7\nnot a pdf")]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"]
    assert not Appeal.objects.exists()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, format="PNG")
    return out.getvalue()


def _kept_before(appeal: Appeal, name: str, data: bytes, content_type: str) -> Attachment:
    """A file as uploads were kept before: its own name, its metadata."""
    from django.core.files.base import ContentFile

    return Attachment.objects.create(
        appeal=appeal,
        file=ContentFile(data, name=f"old-{len(data)}.bin"),
        name=name,
        content_type=content_type,
        size=len(data),
    )


def test_files_kept_before_are_cleaned_by_the_command(world, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    # given an anonymous appeal whose files were kept as they came, and a named one's
    anonymous = raise_appeal(world, submitter=None, anonymous=True)
    named = raise_appeal(world)
    pdf = _kept_before(anonymous, f"{SENDER}-投诉.pdf", _named_pdf(), "application/pdf")
    photo = _kept_before(anonymous, f"{SENDER}.jpg", _commented_jpeg(), "image/jpeg")
    own = _kept_before(named, f"{SENDER}.pdf", _named_pdf(), "application/pdf")
    old_path = pdf.file.name

    # when the command runs
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("appeals_clean_anonymous_files", stdout=out)

    # then the anonymous appeal's files are clean and neutrally named, the old file is
    # gone, and the named appeal's file is left alone
    pdf.refresh_from_db()
    photo.refresh_from_db()
    own.refresh_from_db()
    assert (pdf.name, photo.name) == ("附件1.pdf", "附件2.jpg")
    for item in (pdf, photo):
        with item.file.open("rb") as stored:
            data = stored.read()
        assert SENDER.encode() not in data and b"Sun Shuzhen" not in data
        assert item.size == len(data)
    with pdf.file.open("rb") as stored:
        assert SENDER not in _pdf_text(stored.read())
    assert not pdf.file.storage.exists(old_path)
    assert own.name == f"{SENDER}.pdf"
    assert "2 file(s) cleaned" in out.getvalue()

    # and running it again changes nothing
    out = io.StringIO()
    call_command("appeals_clean_anonymous_files", stdout=out)
    assert "0 file(s) cleaned" in out.getvalue()
