"""A file over the appeal's limit is refused with the form's message without being
written to disk whole: only what fits the limit ever reaches the temporary folder."""

from __future__ import annotations

import io
import os

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import RequestFactory
from django.urls import reverse

from grassroots.appeals.models import Appeal, Attachment
from grassroots.appeals.tests.test_views import form_data
from grassroots.core.services import parameter_set
from grassroots.core.upload_limits import limit_for

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def pdf(size: int) -> bytes:
    return b"%PDF-1.4\n" + b"0" * (size - 9)


@pytest.fixture
def largest_temporary_bytes(settings, tmp_path, monkeypatch):
    """The most bytes the temporary upload folder held at any moment of the request."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    largest = [0]
    store = TemporaryFileUploadHandler.receive_data_chunk

    def watched(self, raw_data, start):
        result = store(self, raw_data, start)
        self.file.flush()
        held = sum(path.stat().st_size for path in tmp_path.iterdir())
        largest[0] = max(largest[0], held)
        return result

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", watched)
    return largest


def test_a_20_mb_file_is_refused_with_the_forms_message_and_never_written_whole(
    world, client_for, largest_temporary_bytes
):
    # given: the default limit of 5 MB per file
    client = client_for(world.employee)
    big = SimpleUploadedFile("扫描件.pdf", pdf(20 * MB), content_type="application/pdf")
    # when
    response = client.post(reverse("appeals:new"), form_data(world, attachments=[big]))
    # then
    assert response.status_code == 200
    assert "“扫描件.pdf”超过 5 MB" in response.content.decode()
    assert largest_temporary_bytes[0] <= 5 * MB
    assert not Appeal.objects.exists()


def test_an_anonymous_sender_is_refused_the_same_way(world, client, largest_temporary_bytes):
    # given
    big = SimpleUploadedFile("photo.pdf", pdf(20 * MB), content_type="application/pdf")
    # when
    response = client.post(reverse("appeals:anonymous"), form_data(world, attachments=[big]))
    # then
    assert response.status_code == 200
    assert "“photo.pdf”超过 5 MB" in response.content.decode()
    assert largest_temporary_bytes[0] <= 5 * MB
    assert not Appeal.objects.exists()


def real_pdf(filler: bytes) -> bytes:
    """A PDF that opens (uploads are rewritten without their metadata), carrying
    `filler` as one uncompressed stream."""
    document = pikepdf.new()
    document.add_blank_page()
    document.Root.Filler = document.make_stream(filler)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_file_within_the_limit_is_kept_whole(world, client_for, largest_temporary_bytes):
    # given: 3 MB, more than is kept in memory, so it goes through a temporary file
    client = client_for(world.employee)
    filler = os.urandom(3 * MB)
    body = real_pdf(filler)
    fits = SimpleUploadedFile("report.pdf", body, content_type="application/pdf")
    # when
    response = client.post(reverse("appeals:new"), form_data(world, attachments=[fits]))
    # then: read whole through the temporary file, and stored with all of its content
    assert response.status_code == 302
    assert largest_temporary_bytes[0] == len(body)
    stored = Attachment.objects.get()
    with stored.file.open("rb") as kept, pikepdf.open(io.BytesIO(kept.read())) as document:
        assert document.Root.Filler.read_bytes() == filler


def test_each_view_reads_files_up_to_its_own_limit(settings):
    # given: an administrator allows 8 MB per appeal file
    parameter_set(actor=None, key="appeals.max_attachment_mb", value=8)
    factory = RequestFactory()
    # then
    assert limit_for(factory.post(reverse("appeals:new"))) == 8 * MB
    assert limit_for(factory.post(reverse("appeals:anonymous"))) == 8 * MB
    assert limit_for(factory.post(reverse("orgs:import"))) == settings.IMPORT_MAX_BYTES
    # a view that states no limit, and an address that is no view, get the default
    assert limit_for(factory.post(reverse("accounts:login"))) == 10 * MB
    assert limit_for(factory.post("/no/such/page/")) == 10 * MB
