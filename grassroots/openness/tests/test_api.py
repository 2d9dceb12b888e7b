"""The openness API: who reads which notice and consultation, commenting named and
anonymously, bad input, double submits; no answer names a comment's author."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from grassroots.accounts.tokens import token_create
from grassroots.openness.models import Comment, CommentAnswer
from grassroots.openness.tests.factories import make_consultation, make_notice
from grassroots.openness.vocabulary import Audience, NoticeKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def officers_page_address(monkeypatch):
    """The service links the officers' notification to their consultation page; where
    that page is not in this build, any address does for these tests."""
    from grassroots.openness.consultations import services

    try:
        reverse("openness:consultation_handle", args=["x" * 16])
    except NoReverseMatch:
        monkeypatch.setattr(services, "reverse", lambda *args, **kwargs: "/")


def bearer(user: Any) -> dict[str, str]:
    _token, raw = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client: Any, url: str, data: Any, **headers: str) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json", **headers)


def comments_url(consultation: Any) -> str:
    return f"/api/v1/consultations/{consultation.public_id}/comments"


# --- Notices ----------------------------------------------------------------------------


def test_a_member_lists_the_notices_they_may_read(world, client):
    # given notices to the public, the enterprise and branch A's members
    public = make_notice(world.branch_a, audience=Audience.PUBLIC)
    everyone = make_notice(world.committee, audience=Audience.ENTERPRISE)
    members = make_notice(world.branch_a, audience=Audience.MEMBERS, kind=NoticeKind.DUES)
    # when a member of branch A and one of branch B list them
    mine = client.get("/api/v1/notices", **bearer(world.member_a.user)).json()
    theirs = client.get("/api/v1/notices", **bearer(world.member_b.user)).json()
    # then each sees what reaches them, newest first
    assert [n["id"] for n in mine["items"]] == [members.pk, everyone.pk, public.pk]
    assert [n["id"] for n in theirs["items"]] == [everyone.pk, public.pk]
    assert mine["items"][0]["unit"] == world.branch_a.name
    assert "body" not in mine["items"][0]


def test_notices_filter_by_unit_and_kind(world, client):
    make_notice(world.branch_a, audience=Audience.PUBLIC)
    dues = make_notice(world.branch_a, audience=Audience.PUBLIC, kind=NoticeKind.DUES)
    make_notice(world.branch_b, audience=Audience.PUBLIC, kind=NoticeKind.DUES)
    headers = bearer(world.employee)
    answer = client.get(f"/api/v1/notices?unit={world.branch_a.pk}&kind=dues", **headers)
    assert [n["id"] for n in answer.json()["items"]] == [dues.pk]


@pytest.mark.parametrize(
    "query", ["kind=nonsense", "unit=abc", "unit=0", "unit=99999999999999999999", "limit=0"]
)
def test_notices_refuse_wrong_filters_with_422(world, client, query):
    answer = client.get(f"/api/v1/notices?{query}", **bearer(world.employee))
    assert answer.status_code == 422
    assert "detail" in answer.json()


def test_a_notice_is_read_in_scope_and_404_outside(world, client):
    # given a notice to branch A's members
    notice = make_notice(world.branch_a, audience=Audience.MEMBERS, body="<b>会费</b>收支")
    url = f"/api/v1/notices/{notice.pk}"
    # then its member reads it, text as written; a member of branch B gets what a
    # missing one gives; a visitor without credentials is refused
    answer = client.get(url, **bearer(world.member_a.user))
    assert answer.status_code == 200 and answer.json()["body"] == "<b>会费</b>收支"
    assert client.get(url, **bearer(world.member_b.user)).status_code == 404
    for missing in ("999999", "0", "-1", "99999999999999999999"):
        answer = client.get(f"/api/v1/notices/{missing}", **bearer(world.member_b.user))
        assert answer.status_code == 404, missing
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/notices").status_code == 401


# --- Consultations ----------------------------------------------------------------------


def test_consultations_list_those_the_caller_is_asked_in(world, client):
    asked = make_consultation(world.branch_a, audience=Audience.MEMBERS)
    everyone = make_consultation(world.committee, audience=Audience.ENTERPRISE, days_ago=3)
    mine = client.get("/api/v1/consultations", **bearer(world.member_a.user)).json()
    theirs = client.get("/api/v1/consultations", **bearer(world.member_b.user)).json()
    assert [c["id"] for c in mine["items"]] == [asked.public_id, everyone.public_id]
    assert [c["id"] for c in theirs["items"]] == [everyone.public_id]
    assert mine["items"][0]["is_open"] is True
    assert client.get("/api/v1/consultations").status_code == 401
    closed = client.get("/api/v1/consultations?status=closed", **bearer(world.member_a.user))
    assert closed.json()["items"] == []


def test_a_consultation_shows_its_moderated_comments_without_authors(world, client):
    # given a consultation that shows comments: a named one, an anonymous one (answered)
    # and a hidden one
    consultation = make_consultation(world.branch_a, comments_shown=True)
    named = Comment.objects.create(
        consultation=consultation, author=world.member_a.user, group="member", text="建议A"
    )
    answer = CommentAnswer.objects.create(
        consultation=consultation, outcome="adopted", reason="已采纳", answered_by=world.officer_a
    )
    anonymous = Comment.objects.create(
        consultation=consultation, is_anonymous=True, group="employee", text="建议B", answer=answer
    )
    Comment.objects.create(
        consultation=consultation,
        author=world.employee,
        group="employee",
        text="不当言论",
        hidden=True,
        hidden_reason="与主题无关",
    )
    # when someone asked reads it
    answer_body = client.get(
        f"/api/v1/consultations/{consultation.public_id}", **bearer(world.member_b.user)
    )
    # then the two shown comments, with the answer, and nothing that names anyone
    body = answer_body.json()
    assert [c["id"] for c in body["comments"]] == [named.public_id, anonymous.public_id]
    assert body["comments"][1]["answer"] == {"outcome": "adopted", "reason": "已采纳"}
    text = answer_body.content.decode()
    for person in (world.member_a.user, world.employee):
        assert person.name not in text and person.employee_number not in text
    assert all(
        set(c) == {"id", "text", "replies", "created_on", "answer"} for c in body["comments"]
    )


def test_comments_stay_unshown_unless_the_consultation_shows_them(world, client):
    consultation = make_consultation(world.branch_a)
    Comment.objects.create(
        consultation=consultation, author=world.member_a.user, group="member", text="建议"
    )
    body = client.get(
        f"/api/v1/consultations/{consultation.public_id}", **bearer(world.employee)
    ).json()
    assert body["comments"] == [] and body["comments_shown"] is False


@pytest.mark.parametrize("public_id", ["nope", "1234", "abcdefghjkmnpqrs"])
def test_a_missing_or_malformed_consultation_is_404(world, client, public_id):
    assert (
        client.get(f"/api/v1/consultations/{public_id}", **bearer(world.employee)).status_code
        == 404
    )


def test_a_consultation_outside_the_audience_is_404_and_takes_no_comment(world, client):
    # given a consultation of branch A's members
    consultation = make_consultation(world.branch_a, audience=Audience.MEMBERS)
    outsider = bearer(world.member_b.user)
    # then a member of branch B neither reads it nor comments on it
    assert (
        client.get(f"/api/v1/consultations/{consultation.public_id}", **outsider).status_code == 404
    )
    answer = post_json(client, comments_url(consultation), {"text": "意见"}, **outsider)
    assert answer.status_code == 404
    assert client.get(comments_url(consultation) + "/mine", **outsider).status_code == 404
    assert not Comment.objects.exists()


def test_no_credentials_is_401(world, client):
    consultation = make_consultation(world.branch_a)
    assert post_json(client, comments_url(consultation), {"text": "意见"}).status_code == 401
    assert client.get(comments_url(consultation) + "/mine").status_code == 401
    assert client.get(f"/api/v1/consultations/{consultation.public_id}").status_code == 401
    assert not Comment.objects.exists()


# --- Commenting -------------------------------------------------------------------------


def test_a_named_comment_is_listed_back_to_its_author(world, client):
    consultation = make_consultation(world.branch_a, questions=["班车时间是否合适？"])
    headers = bearer(world.member_a.user)
    answer = post_json(
        client,
        comments_url(consultation),
        {"text": "<script>alert(1)</script>建议延后", "replies": ["合适"]},
        **headers,
    )
    assert answer.status_code == 201
    created = answer.json()
    # the text is kept as written (JSON carries it as data; pages escape it)
    assert created["text"] == "<script>alert(1)</script>建议延后"
    assert (created["anonymous"], created["replies"]) == (False, ["合适"])
    comment = Comment.objects.get(public_id=created["id"])
    assert comment.author == world.member_a.user
    mine = client.get(comments_url(consultation) + "/mine", **headers).json()
    assert [c["id"] for c in mine] == [created["id"]]


def test_an_anonymous_comment_keeps_and_shows_no_author(world, client):
    consultation = make_consultation(world.branch_a, comments_shown=True)
    user = world.member_a.user
    headers = bearer(user)
    answer = post_json(
        client, comments_url(consultation), {"text": "匿名意见", "anonymous": True}, **headers
    )
    assert answer.status_code == 201
    comment = Comment.objects.get(public_id=answer.json()["id"])
    assert comment.author is None and comment.is_anonymous
    # nothing the API answers names the person, to them or anyone
    answers = [
        answer,
        client.get(comments_url(consultation) + "/mine", **headers),
        client.get(f"/api/v1/consultations/{consultation.public_id}", **bearer(world.officer_a)),
    ]
    for response in answers:
        text = response.content.decode()
        assert user.name not in text and user.employee_number not in text
        assert '"author' not in text
    assert answers[1].json() == []


def test_the_same_key_twice_makes_one_comment(world, client):
    consultation = make_consultation(world.branch_a)
    headers = bearer(world.member_a.user)
    payload = {"text": "意见", "anonymous": False, "idempotency_key": "kiosk-7-0001"}
    first = post_json(client, comments_url(consultation), payload, **headers)
    again = post_json(client, comments_url(consultation), payload, **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    # and another person's same key is their own comment, not the first one back
    other = post_json(client, comments_url(consultation), payload, **bearer(world.employee))
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert Comment.objects.count() == 2
    assert all(len(key) <= 64 for key in Comment.objects.values_list("idempotency_key", flat=True))


def test_an_anonymous_comments_key_is_long_and_not_tied_to_the_caller(world, client, settings):
    import hashlib
    import hmac

    consultation = make_consultation(world.branch_a)
    headers = bearer(world.member_a.user)
    short = {"text": "意见", "anonymous": True, "idempotency_key": "app-20261206-0042"}
    refused = post_json(client, comments_url(consultation), short, **headers)
    assert refused.status_code == 422 and not Comment.objects.exists()
    key = "3f2b9c1e8d7a4b6f9e0c1d2a3b4c5d6e"
    payload = {"text": "意见", "anonymous": True, "idempotency_key": key}
    first = post_json(client, comments_url(consultation), payload, **headers)
    again = post_json(client, comments_url(consultation), payload, **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and Comment.objects.count() == 1
    # what is stored cannot be matched to the caller by trying people with the secret
    stored = Comment.objects.get().idempotency_key
    for who in (world.member_a.user.pk, world.employee.pk):
        tried = hmac.new(
            settings.SECRET_KEY.encode(), f"{who}:{consultation.pk}:{key}".encode(), hashlib.sha256
        ).hexdigest()
        assert stored != "api:" + tried[:60]


@pytest.mark.parametrize(
    "payload",
    [
        {"text": ""},
        {"text": "   "},
        {"text": "长" * 2001},
        {"text": "意见", "replies": ["多余的回答"]},
        {"text": 123},
        {"text": "意见", "anonymous": "maybe"},
        {"text": "意见", "replies": "not a list"},
        {"text": "意见", "idempotency_key": "k" * 65},
    ],
)
def test_bad_input_is_422_and_saves_nothing(world, client, payload):
    consultation = make_consultation(world.branch_a)
    answer = post_json(client, comments_url(consultation), payload, **bearer(world.employee))
    assert answer.status_code == 422
    assert answer.json()["detail"]
    assert not Comment.objects.exists()


def test_a_body_that_is_not_json_is_400(world, client):
    consultation = make_consultation(world.branch_a)
    answer = client.post(
        comments_url(consultation),
        data="text=意见",
        content_type="application/json",
        **bearer(world.employee),
    )
    assert answer.status_code == 400
    assert not Comment.objects.exists()


def test_a_closed_consultation_takes_no_comment(world, client):
    ended = make_consultation(world.branch_a, days_ago=10, days_left=-2)
    answer = post_json(
        client, comments_url(ended), {"text": "迟到的意见"}, **bearer(world.employee)
    )
    assert answer.status_code == 422
    assert not Comment.objects.exists()
