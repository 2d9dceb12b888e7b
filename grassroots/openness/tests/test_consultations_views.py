"""The consultations pages and actions, for each kind of person: those in scope, those
out of it (404, as a missing page), and anonymous visitors (sent to sign in). Bad
input: clear errors, escaped script, nothing half-saved, double submits done once."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from grassroots.openness.models import Attachment, Comment, CommentAnswer, Consultation
from grassroots.openness.tests.consultation_helpers import comment, disguised, png
from grassroots.openness.tests.factories import make_consultation
from grassroots.openness.vocabulary import Audience, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch_consultation(world: Any) -> Consultation:
    """Branch A asks its members (member_a and officer_a; not member_b, not employees)."""
    consultation = make_consultation(
        world.branch_a, audience=Audience.MEMBERS, by=world.officer_a, comments_shown=True
    )
    Attachment.objects.create(
        consultation=consultation,
        file=ContentFile(b"PNG", name="draft.png"),
        name="draft.png",
        content_type="image/png",
        size=3,
    )
    return consultation


def _url(name: str, consultation: Consultation) -> str:
    return reverse(f"openness:{name}", args=[consultation.public_id])


def _attachment_url(consultation: Consultation) -> str:
    item = Attachment.objects.filter(consultation=consultation).first()
    assert item is not None
    return reverse("openness:consultation_attachment", args=[item.public_id])


def test_list_for_signed_in_people_only(
    world: Any, client_for: Any, branch_consultation: Any
) -> None:
    url = reverse("openness:consultations")
    assert client_for(None).get(url).status_code == 302
    listed = client_for(world.member_a.user).get(url)
    assert listed.status_code == 200 and branch_consultation.title in listed.content.decode()
    other = client_for(world.member_b.user).get(url)
    assert other.status_code == 200 and branch_consultation.title not in other.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member_a", 200),
        ("officer_a", 200),
        ("committee_officer", 200),
        ("admin", 200),
        ("member_b", 404),
        ("employee", 404),
        ("officer_b", 404),
        (None, 302),
    ],
)
def test_detail_and_file_follow_the_audience(
    world: Any, client_for: Any, branch_consultation: Any, who: str | None, status: int
) -> None:
    user = _user(world, who)
    client = client_for(user)
    assert client.get(_url("consultation", branch_consultation)).status_code == status
    response = client.get(_attachment_url(branch_consultation))
    assert response.status_code == status


def test_a_public_consultation_is_read_without_signing_in(world: Any, client: Any) -> None:
    consultation = make_consultation(world.committee, audience=Audience.PUBLIC)
    page = client.get(_url("consultation", consultation))
    assert page.status_code == 200
    assert 'id="comment-send"' not in page.content.decode()
    response = client.post(_url("consultation", consultation), {"comment-text": "匿名访客"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_missing_consultation_is_404(world: Any, client_for: Any) -> None:
    client = client_for(world.member_a.user)
    assert client.get("/openness/consultations/nosuchid/").status_code == 404
    assert client.get("/openness/consultations/nosuchid/handle/").status_code == 404
    assert client.get("/openness/consultations/files/nosuchid/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer_a", 200),
        ("committee_officer", 200),
        ("admin", 200),
        ("member_a", 404),
        ("officer_b", 404),
        ("employee", 404),
        (None, 302),
    ],
)
def test_handle_page_for_the_consulting_officers(
    world: Any, client_for: Any, branch_consultation: Any, who: str | None, status: int
) -> None:
    client = client_for(_user(world, who))
    assert client.get(_url("consultation_handle", branch_consultation)).status_code == status
    # and every action on it
    made = comment(world.member_a.user, branch_consultation, "建议")
    for data in (
        {"action": "hide", "comment": made.public_id, f"hide-{made.public_id}-reason": "无关"},
        {
            "action": "answer",
            "comments": [made.public_id],
            "answer-outcome": "adopted",
            "answer-reason": "好",
        },
        {"action": "close", "close-changes": "无"},
    ):
        response = client.post(_url("consultation_handle", branch_consultation), data)
        assert response.status_code == (302 if status == 200 else status)
    branch_consultation.refresh_from_db()
    assert (branch_consultation.status == "closed") == (status == 200)


@pytest.mark.parametrize(
    ("who", "status"), [("officer_a", 200), ("employee", 404), ("member_a", 404), (None, 302)]
)
def test_new_page_for_officers(world: Any, client_for: Any, who: str | None, status: int) -> None:
    assert (
        client_for(_user(world, who)).get(reverse("openness:consultation_new")).status_code
        == status
    )


def _new_data(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "unit": world.branch_a.pk,
        "title": "关于车间安全设施改造资金的意见征求",
        "draft": "拟投入三十万元更换一车间老旧防护栏<script>alert(1)</script>",
        "matter": "funds",
        "audience": "members",
        "working_days": "5",
        "questions": "您认为哪处最需要改造？\n还有什么建议？",
        "idempotency_key": "new-1",
    }
    data.update(overrides)
    return data


def test_opening_from_the_form_once_and_script_escaped(world: Any, client_for: Any) -> None:
    client = client_for(world.officer_a)
    url = reverse("openness:consultation_new")
    response = client.post(url, {**_new_data(world), "attachments": [png()]})
    assert response.status_code == 302
    client.post(url, {**_new_data(world), "attachments": [png()]})  # sent twice
    consultation = Consultation.objects.get()
    assert consultation.questions == ["您认为哪处最需要改造？", "还有什么建议？"]
    assert Attachment.objects.count() == 1
    page = client_for(world.member_a.user).get(_url("consultation", consultation)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": ""},
        {"draft": "长" * 20_001},
        {"working_days": "0"},
        {"unit": "999999"},
        {"questions": "\n".join(f"问{i}" for i in range(6))},
    ],
)
def test_opening_with_bad_input_saves_nothing(world: Any, client_for: Any, overrides: Any) -> None:
    response = client_for(world.officer_a).post(
        reverse("openness:consultation_new"), _new_data(world, **overrides)
    )
    assert response.status_code == 200
    assert (
        'class="invalid-feedback' in response.content.decode()
        or "alert" in response.content.decode()
    )
    assert not Consultation.objects.exists()


def test_opening_refuses_a_disguised_file_and_another_branch(world: Any, client_for: Any) -> None:
    url = reverse("openness:consultation_new")
    response = client_for(world.officer_a).post(
        url, {**_new_data(world), "attachments": [disguised()]}
    )
    assert response.status_code == 200
    response = client_for(world.officer_a).post(url, _new_data(world, unit=world.branch_b.pk))
    assert response.status_code == 200
    assert not Consultation.objects.exists() and not Attachment.objects.exists()


def test_commenting_named_and_anonymous_and_twice(
    world: Any, client_for: Any, branch_consultation: Any
) -> None:
    client = client_for(world.member_a.user)
    url = _url("consultation", branch_consultation)
    data = {"comment-text": "建议<b>加装</b>护栏", "comment-idempotency_key": "c-1"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit
    assert Comment.objects.count() == 1
    page = client.get(url).content.decode()
    assert "&lt;b&gt;加装&lt;/b&gt;" in page  # mine, escaped
    assert (
        client.post(
            url,
            {
                "comment-text": "匿名意见",
                "comment-anonymous": "on",
                "comment-idempotency_key": "c-2",
            },
        ).status_code
        == 302
    )
    anonymous = Comment.objects.get(is_anonymous=True)
    assert anonymous.author_id is None
    assert "匿名意见" in client.get(url).content.decode()  # shown to all (comments_shown), nameless


@pytest.mark.parametrize("text", ["", "   ", "长" * 2001])
def test_commenting_with_bad_text_saves_nothing(
    world: Any, client_for: Any, branch_consultation: Any, text: str
) -> None:
    response = client_for(world.member_a.user).post(
        _url("consultation", branch_consultation), {"comment-text": text}
    )
    assert response.status_code == 200 and "invalid" in response.content.decode()
    assert not Comment.objects.exists()


def test_commenting_out_of_scope_or_after_the_end(
    world: Any, client_for: Any, branch_consultation: Any
) -> None:
    url = _url("consultation", branch_consultation)
    assert client_for(world.member_b.user).post(url, {"comment-text": "外人"}).status_code == 404
    ended = make_consultation(world.branch_a, audience=Audience.MEMBERS, days_ago=10, days_left=-1)
    client = client_for(world.member_a.user)
    page = client.get(_url("consultation", ended)).content.decode()
    assert 'id="comment-send"' not in page
    response = client.post(_url("consultation", ended), {"comment-text": "晚了"})
    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_answering_together_closing_and_the_decision_from_the_page(
    world: Any, client_for: Any, branch_consultation: Any
) -> None:
    a = comment(world.member_a.user, branch_consultation, "建议加装护栏", anonymous=True)
    b = comment(world.officer_a, branch_consultation, "护栏需要加高")
    client = client_for(world.officer_a)
    url = _url("consultation_handle", branch_consultation)
    page = client.get(url).content.decode()
    assert a.public_id in page and b.public_id in page
    # closing with comments unanswered: refused, nothing changes
    response = client.post(url, {"action": "close", "close-changes": "加高护栏"})
    assert response.status_code == 200 and "2" in response.content.decode()
    branch_consultation.refresh_from_db()
    assert branch_consultation.status == "open"
    # an answer without a reason: refused
    response = client.post(
        url,
        {
            "action": "answer",
            "comments": [a.public_id],
            "answer-outcome": "adopted",
            "answer-reason": "",
        },
    )
    assert response.status_code == 200 and not CommentAnswer.objects.exists()
    data = {
        "action": "answer",
        "comments": [a.public_id, b.public_id],
        "answer-outcome": Outcome.ADOPTED,
        "answer-reason": "采纳，护栏加高并加装。",
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, data)  # sent twice
    assert response.status_code == 200 and CommentAnswer.objects.count() == 1
    answer = CommentAnswer.objects.get()
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    deed = {
        "action": "deed",
        "answer": answer.pk,
        f"deed-{answer.pk}-title": "一车间护栏加高",
        f"deed-{answer.pk}-services": ["masses"],
        f"deed-{answer.pk}-due_on": due,
    }
    assert client.post(url, deed).status_code == 302
    answer.refresh_from_db()
    assert answer.deed_id is not None
    assert (
        client.post(
            url, {"action": "close", "close-changes": "护栏由一米加高到一米二。"}
        ).status_code
        == 302
    )
    branch_consultation.refresh_from_db()
    assert branch_consultation.status == "closed" and branch_consultation.report is not None
    today = timezone.localdate().isoformat()
    response = client.post(
        url,
        {
            "action": "decision",
            "decision-decision": "支委会决定实施。",
            "decision-decided_on": today,
            "decision-attachments": [disguised()],
        },
    )
    assert response.status_code == 200
    assert (
        client.post(
            url,
            {
                "action": "decision",
                "decision-decision": "支委会决定实施。",
                "decision-decided_on": today,
            },
        ).status_code
        == 302
    )
    reader = (
        client_for(world.member_a.user)
        .get(_url("consultation", branch_consultation))
        .content.decode()
    )
    assert 'id="adoption-report-text"' in reader and "护栏由一米加高到一米二。" in reader
    assert "支委会决定实施。" in reader


def test_unknown_action_or_comment_is_404(
    world: Any, client_for: Any, branch_consultation: Any
) -> None:
    client = client_for(world.officer_a)
    url = _url("consultation_handle", branch_consultation)
    assert client.post(url, {"action": "explode"}).status_code == 404
    assert client.post(url, {"action": "hide", "comment": "nope"}).status_code == 404
    assert client.post(url, {"action": "deed", "answer": "x"}).status_code == 404


def test_the_list_keeps_its_queries(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(3):
        c = make_consultation(world.committee, title=f"征求{i}")
        comment(world.employee, c, "意见")
    client = client_for(world.committee_officer)
    client.get(reverse("openness:consultations"))
    with django_assert_max_num_queries(14) as first:
        client.get(reverse("openness:consultations"))
    for i in range(10):
        c = make_consultation(world.committee, title=f"更多{i}")
        comment(world.employee, c, "意见")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("openness:consultations"))


def _user(world: Any, who: str | None) -> Any:
    if who is None:
        return None
    found = getattr(world, who)
    return getattr(found, "user", found)
