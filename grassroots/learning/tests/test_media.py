"""Video and audio by upload: identified by content, not by name; over the limit or
disguised is refused with nothing saved; played only to those who may read the
material."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grassroots.appeals import uploads
from grassroots.core import parameters
from grassroots.core.services import parameter_set
from grassroots.learning import rule_parameters, services
from grassroots.learning.models import Material
from grassroots.learning.tests.factories import MEDIA_HEADS, make_course, media_upload, wav_bytes


@pytest.mark.parametrize(
    ("head", "subtype", "families"),
    [
        (MEDIA_HEADS["mp4"], "mp4", {"video", "audio"}),
        (MEDIA_HEADS["m4a"], "mp4", {"video", "audio"}),
        (MEDIA_HEADS["webm"], "webm", {"video", "audio"}),
        (MEDIA_HEADS["mkv"], "x-matroska", {"video", "audio"}),
        (MEDIA_HEADS["ogg"], "ogg", {"video", "audio"}),
        (MEDIA_HEADS["mp3"], "mpeg", {"audio"}),
        (MEDIA_HEADS["mp3-frame"], "mpeg", {"audio"}),
        (wav_bytes()[:64], "wav", {"audio"}),
    ],
)
def test_media_is_known_by_its_first_bytes(head, subtype, families):
    found = uploads.media_kind(head)
    assert found is not None and found[0] == subtype and found[2] == families


@pytest.mark.parametrize(
    "head",
    [
        b"#!/bin/sh\nrm -rf /\n",
        b"%PDF-1.7\n",
        b"<script>alert(1)</script>",
        b"\xff\xd8\xff\xe0JFIF",  # a JPEG starts with 0xFF too
        b"\xff\xe9\x00\x00",  # an MPEG sync with the reserved version
        b"RIFF\x00\x00\x00\x00AVI ",
        b"",
    ],
)
def test_other_content_is_not_media(head):
    assert uploads.media_kind(head) is None


def _material(world, *, kind="video", upload=None, **extra):
    return services.material_create(
        actor=world.officer_a,
        unit=world.branch_a,
        title="视频",
        kind=kind,
        plain_text="视频的文字版本",
        upload=upload,
        **extra,
    )


@pytest.mark.parametrize(
    ("kind", "upload", "content_type"),
    [
        ("video", ("mp4", "课.mp4"), "video/mp4"),
        ("video", ("webm", "课.webm"), "video/webm"),
        ("audio", ("m4a", "讲.m4a"), "audio/mp4"),
        ("audio", ("mp3", "讲.mp3"), "audio/mpeg"),
        ("audio", ("wav", "讲.wav"), "audio/wav"),
        ("audio", ("ogg", "讲.ogg"), "audio/ogg"),
    ],
)
def test_video_and_audio_are_kept_with_the_type_their_content_shows(
    world, kind, upload, content_type
):
    material = _material(world, kind=kind, upload=media_upload(*upload))
    assert material.content_type == content_type and material.file
    assert material.file_name.rsplit(".", 1)[-1] in content_type + "m4amp3wav"


@pytest.mark.parametrize(
    ("kind", "data", "name"),
    [
        ("video", b"#!/bin/sh\necho hi\n" * 10, "lesson.mp4"),
        ("video", b"%PDF-1.4\n" + b"x" * 100, "lesson.mp4"),
        ("video", MEDIA_HEADS["mp3"] + b"\x00" * 100, "lesson.mp4"),  # audio, not a video
        ("audio", b"<html><script>x</script></html>", "talk.mp3"),
    ],
)
def test_a_disguised_file_is_refused_and_nothing_saved(world, kind, data, name):
    with pytest.raises(ValidationError) as error:
        _material(world, kind=kind, upload=SimpleUploadedFile(name, data))
    assert name in " ".join(error.value.message_dict["file"])
    assert not Material.objects.exists()


def test_a_file_over_the_limit_is_refused_and_nothing_saved(world):
    # given a limit of 1 MB (a rule parameter)
    parameter_set(actor=None, key=rule_parameters.MEDIA_MAX_MB.key, value=1)
    parameters.forget_cached_values()
    big = SimpleUploadedFile("big.mp4", MEDIA_HEADS["mp4"] + b"\x00" * (1024 * 1024))
    with pytest.raises(ValidationError) as error:
        _material(world, upload=big)
    assert "1 MB" in " ".join(error.value.message_dict["file"])
    assert not Material.objects.exists()
    parameter_set(actor=None, key=rule_parameters.MEDIA_MAX_MB.key, value=100)
    parameters.forget_cached_values()


def test_video_needs_a_file_or_a_link_and_always_its_plain_text(world):
    with pytest.raises(ValidationError) as error:
        _material(world)
    assert "file" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.material_create(
            actor=world.officer_a,
            unit=world.branch_a,
            title="视频",
            kind="video",
            plain_text="",
            upload=media_upload(),
        )
    assert "plain_text" in error.value.message_dict
    assert not Material.objects.exists()
    assert _material(world, url="https://example.org/v").url


def test_the_player_and_the_file_are_for_those_who_may_read_the_material(world, client_for):
    material = _material(world, kind="audio", upload=media_upload("wav", "讲.wav"))
    make_course(world.branch_a, [material])
    page_url = reverse("learning:material", args=[material.pk])
    file_url = reverse("learning:material_file", args=[material.pk])
    page = client_for(world.member_a.user).get(page_url).content.decode()
    assert '<audio controls preload="metadata"' in page and "autoplay" not in page
    assert 'id="plain-text"' in page and file_url in page
    played = client_for(world.member_a.user).get(file_url)
    assert played.status_code == 200 and played["Content-Type"] == "audio/wav"
    assert played["Content-Disposition"].startswith("inline")
    assert b"".join(played.streaming_content).startswith(b"RIFF")
    for outsider in (world.member_b.user, world.officer_b, world.employee):
        assert client_for(outsider).get(file_url).status_code == 404
    response = client_for(None).get(file_url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_video_is_played_with_controls_and_no_autoplay(world, client_for):
    material = _material(world, upload=media_upload())
    page = client_for(world.officer_a).get(reverse("learning:material", args=[material.pk]))
    html = page.content.decode()
    assert '<video controls preload="metadata"' in html and "autoplay" not in html


def test_the_material_form_takes_a_video_upload(world, client_for):
    response = client_for(world.officer_a).post(
        reverse("learning:material_new"),
        {
            "unit": world.branch_a.pk,
            "title": "视频课",
            "kind": "video",
            "plain_text": "文字版本",
            "file": media_upload("webm", "课.webm"),
        },
    )
    assert response.status_code == 302
    assert Material.objects.get().content_type == "video/webm"
    disguised = client_for(world.officer_a).post(
        reverse("learning:material_new"),
        {
            "unit": world.branch_a.pk,
            "title": "假视频",
            "kind": "video",
            "plain_text": "文字版本",
            "file": SimpleUploadedFile("x.mp4", b"%PDF-1.4 not a video"),
        },
    )
    assert disguised.status_code == 200 and "x.mp4" in str(disguised.context["form"].errors)
    assert Material.objects.count() == 1
