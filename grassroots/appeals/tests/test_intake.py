"""One intake: the page, the JSON API and a service post's form build the same draft
and raise the same appeal; uploads are checked by one service and a refused file
keeps nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from grassroots.accounts.tokens import token_create
from grassroots.appeals import services
from grassroots.appeals.intake import AppealDraft, Channel
from grassroots.appeals.models import Appeal, AppealEvent, Attachment
from grassroots.appeals.tests.factories import category, raise_appeal
from grassroots.service.models import ServicePost
from grassroots.service.posts import services as post_services

pytestmark = pytest.mark.django_db

TITLE = "宿舍热水"
DESCRIPTION = "宿舍晚上十点以后没有热水。"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def _form(world: Any, key: str, **extra: Any) -> dict[str, Any]:
    return {
        "category": category().pk,
        "title": TITLE,
        "description": DESCRIPTION,
        "department": world.department_a.pk,
        "urgency": "urgent",
        "consent_publish": "on",
        "idempotency_key": key,
    } | extra


def _post(world: Any) -> ServicePost:
    return post_services.post_create(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=ServicePost.Kind.DEMONSTRATION,
        name="一车间示范岗",
        holders=[world.member_a.user],
        promise="当天回应。",
        services=["masses"],
        department=world.department_a,
    )


def _what_was_raised(appeal: Appeal) -> tuple[Any, ...]:
    """Everything the draft decides about the appeal (not its number or clock)."""
    return (
        appeal.category_id,
        appeal.title,
        appeal.description,
        appeal.department_id,
        appeal.place,
        appeal.urgency,
        appeal.consent_publish,
        appeal.is_anonymous,
        appeal.submitter_id,
        appeal.recorded_by_id,
        appeal.unit_id,
        appeal.first_unit_id,
        appeal.status,
        list(appeal.events.values_list("kind", "actor_id")),
    )


def test_the_page_the_api_and_a_post_form_raise_the_same_appeal(world, client_for):
    # given one employee and one appeal to raise, three ways in
    client = client_for(world.employee)
    post = _post(world)
    _token, raw = token_create(user=world.employee, name="test")
    # when it is sent through the page, the JSON API and the service post's form
    page = client.post(reverse("appeals:new"), _form(world, "page-key"))
    api = client.post(
        "/api/v1/appeals",
        data=json.dumps(
            {
                "category_id": category().pk,
                "title": TITLE,
                "description": DESCRIPTION,
                "department_code": world.department_a.code,
                "urgency": "urgent",
                "consent_publish": True,
                "idempotency_key": "api-key",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    by_post = client.post(reverse("service:post_appeal", args=[post.pk]), _form(world, "post-key"))
    # then each raised one appeal, and the three are the same appeal but for the channel
    assert (page.status_code, api.status_code, by_post.status_code) == (302, 201, 302)
    appeals = {a.idempotency_key: a for a in Appeal.objects.all()}
    assert set(appeals) == {"page-key", "api-key", "post-key"}
    raised = {key: _what_was_raised(appeal) for key, appeal in appeals.items()}
    assert raised["page-key"] == raised["api-key"] == raised["post-key"]
    assert [appeals[k].channel for k in ("page-key", "api-key", "post-key")] == [
        Channel.WEB,
        Channel.API,
        Channel.WEB,
    ]
    assert list(post.appeals.all()) == [appeals["post-key"]]


def test_a_draft_without_a_person_or_category_is_refused_with_reasons(world):
    draft = AppealDraft(channel=Channel.API, category=None, title=" ", description="")
    with pytest.raises(ValidationError) as refused:
        services.appeal_submit(draft=draft)
    assert set(refused.value.message_dict) == {"category", "title", "description", "submitter"}
    assert not Appeal.objects.exists()


# --- Uploads ----------------------------------------------------------------------------


def test_files_check_cleans_good_files():
    checked = services.files_check([SimpleUploadedFile("photo.jpg", _png())])
    assert [(f.name, f.content_type) for f in checked] == [("photo.png", "image/png")]


def test_files_check_names_each_refused_file():
    files = [
        SimpleUploadedFile("fine.png", _png()),
        SimpleUploadedFile("evil.jpg", b"<script>alert(1)</script>"),
        SimpleUploadedFile("notes.pdf", b"MZ not a pdf"),
    ]
    with pytest.raises(ValidationError) as refused:
        services.files_check(files)
    problems = refused.value.message_dict["attachments"]
    assert len(problems) == 2
    assert "evil.jpg" in problems[0] and "notes.pdf" in problems[1]


def test_files_check_refuses_too_many_files():
    with pytest.raises(ValidationError) as refused:
        services.files_check([SimpleUploadedFile(f"{n}.png", _png()) for n in range(6)])
    assert "5" in refused.value.message_dict["attachments"][0]


def test_a_bad_upload_on_a_post_form_keeps_nothing(world, client_for):
    # given a service post
    post = _post(world)
    # when an appeal is sent to it with a file that is not what it claims to be
    response = client_for(world.employee).post(
        reverse("service:post_appeal", args=[post.pk]),
        _form(world, "k", attachments=[SimpleUploadedFile("photo.jpg", b"GIF89a not a jpeg")]),
    )
    # then the form says which file and why, and neither the appeal nor the link is kept
    assert response.status_code == 200
    assert "photo.jpg" in response.context["form"].errors["attachments"][0]
    assert not Appeal.objects.exists() and post.appeals.count() == 0


def test_a_bad_upload_with_an_answer_keeps_nothing(world, client_for):
    # given an accepted appeal
    appeal = raise_appeal(world)
    services.appeal_accept(appeal=appeal, actor=world.officer_a)
    # when the handler answers with a disguised file
    response = client_for(world.officer_a).post(
        reverse("appeals:act", args=[appeal.public_id, "answer"]),
        {
            "answer-text": "已解决。",
            "answer-attachments": [SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\nbroken")],
        },
    )
    # then the answer is refused on the file and the appeal is not answered
    assert response.status_code == 200
    assert response.context["forms"]["answer"].errors["attachments"]
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.ACCEPTED
    assert not AppealEvent.objects.filter(kind=AppealEvent.Kind.ANSWERED).exists()
    assert not Attachment.objects.exists()
