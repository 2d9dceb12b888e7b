"""The consultations' services: opening on the work calendar, moderating, answering
(several together), closing with the adoption report, a deed from a suggestion, the
decision. Bad input saves nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from grassroots.core.models import AuditEntry
from grassroots.openness.consultations import selectors, services
from grassroots.openness.models import Attachment, Comment, CommentAnswer, Consultation, Notice
from grassroots.openness.tests.consultation_helpers import comment, disguised, png
from grassroots.openness.tests.factories import make_consultation
from grassroots.openness.vocabulary import Audience, Matter, NoticeKind, Outcome
from grassroots.service.models import Deed

pytestmark = pytest.mark.django_db


def _open(world: Any, **overrides: Any) -> Consultation:
    fields: dict[str, Any] = {
        "actor": world.committee_officer,
        "unit": world.committee,
        "title": "关于食堂改造资金使用方案的意见征求",
        "draft": "拟使用八十万元改造职工食堂，增设两个窗口并更换排烟设备。",
        "matter": Matter.FUNDS,
        "audience": Audience.ENTERPRISE,
        "working_days": 5,
        "questions": ["您最希望增加哪类菜品？"],
        "published_on": datetime.date(2026, 9, 30),
    }
    fields.update(overrides)
    return services.consultation_open(**fields)


def test_open_counts_working_days_on_the_work_calendar(world: Any) -> None:
    # 30 September 2026 is a Wednesday before the National Day holiday (1–7 October)
    consultation = _open(world, files=[png()])
    assert consultation.opens_on == datetime.date(2026, 9, 30)
    assert consultation.closes_on > datetime.date(2026, 10, 7)
    assert consultation.questions == ["您最希望增加哪类菜品？"]
    assert Attachment.objects.filter(consultation=consultation, is_decision=False).count() == 1
    assert AuditEntry.objects.filter(action="consultation.open").count() == 1


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("title", {"title": "  "}),
        ("title", {"title": "长" * 201}),
        ("draft", {"draft": ""}),
        ("matter", {"matter": "nonsense"}),
        ("audience", {"audience": "nobody"}),
        ("working_days", {"working_days": 0}),
        ("working_days", {"working_days": 61}),
        ("questions", {"questions": [f"问题{i}" for i in range(6)]}),
        ("questions", {"questions": ["问" * 301]}),
        ("attachments", {"files": [png(), disguised()]}),
    ],
)
def test_open_refuses_bad_input_and_saves_nothing(world: Any, field: str, overrides: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _open(world, **overrides)
    assert field in caught.value.message_dict
    assert not Consultation.objects.exists()
    assert not Attachment.objects.exists()


def test_open_twice_with_one_key_opens_once(world: Any) -> None:
    first = _open(world, idempotency_key="k1")
    assert _open(world, idempotency_key="k1") == first
    assert Consultation.objects.count() == 1


def test_hide_needs_a_reason_and_keeps_the_comment_counted(world: Any) -> None:
    consultation = make_consultation(world.committee)
    made = comment(world.employee, consultation, "食堂早餐时间能否延长？")
    with pytest.raises(ValidationError):
        services.comment_hide(world.committee_officer, made, " ")
    services.comment_hide(world.committee_officer, made, "含有他人电话号码")
    made.refresh_from_db()
    assert made.hidden and made.hidden_reason == "含有他人电话号码"
    assert made.answer_id is None
    assert selectors.report_counts(consultation)["total"] == 1
    with pytest.raises(ValidationError):
        services.comment_hide(world.committee_officer, made, "again")


def test_answer_several_together_once_and_not_twice(world: Any) -> None:
    consultation = make_consultation(world.committee)
    a = comment(world.employee, consultation, "建议增加面食窗口")
    b = comment(world.member_a.user, consultation, "希望增加面食窗口", anonymous=True)
    answer = services.comments_answer(
        world.committee_officer, consultation, [a, b], Outcome.ADOPTED, "将增设面食窗口。"
    )
    assert set(answer.comments.values_list("pk", flat=True)) == {a.pk, b.pk}
    with pytest.raises(ValidationError):  # the same form sent again
        services.comments_answer(
            world.committee_officer, consultation, [a, b], Outcome.ADOPTED, "将增设面食窗口。"
        )
    assert CommentAnswer.objects.count() == 1


@pytest.mark.parametrize(
    ("outcome", "reason", "field"),
    [
        ("maybe", "理由", "outcome"),
        (Outcome.ADOPTED, "", "reason"),
        (Outcome.NOT_ADOPTED, "理" * 2001, "reason"),
    ],
)
def test_answer_refuses_bad_input(world: Any, outcome: str, reason: str, field: str) -> None:
    consultation = make_consultation(world.committee)
    a = comment(world.employee, consultation, "建议")
    with pytest.raises(ValidationError) as caught:
        services.comments_answer(world.committee_officer, consultation, [a], outcome, reason)
    assert field in caught.value.message_dict
    assert not CommentAnswer.objects.exists()


def test_answer_refuses_comments_of_another_consultation(world: Any) -> None:
    one, other = make_consultation(world.committee), make_consultation(world.committee)
    a = comment(world.employee, other, "建议")
    with pytest.raises(ValidationError):
        services.comments_answer(world.committee_officer, one, [a], Outcome.ADOPTED, "好")
    assert not CommentAnswer.objects.exists()


def _answered_all(world: Any, consultation: Consultation) -> list[Comment]:
    a = comment(world.employee, consultation, "建议增加面食窗口，电话13912345678")
    b = comment(world.member_a.user, consultation, "希望增加面食窗口", anonymous=True)
    c = comment(world.member_b.user, consultation, "排烟设备应选低噪声的")
    d = comment(world.officer_b, consultation, "不必改造")
    services.comment_hide(world.committee_officer, d, "与征求事项无关")
    services.comments_answer(
        world.committee_officer, consultation, [a, b], Outcome.ADOPTED, "增设面食窗口。"
    )
    services.comments_answer(
        world.committee_officer, consultation, [c], Outcome.PARTLY, "选用中等噪声设备。"
    )
    services.comments_answer(
        world.committee_officer, consultation, [d], Outcome.NOT_ADOPTED, "改造已列入计划。"
    )
    return [a, b, c, d]


def test_close_refuses_while_any_comment_waits_and_saves_nothing(world: Any) -> None:
    consultation = make_consultation(world.committee)
    comment(world.employee, consultation, "建议一")
    hidden = comment(world.employee, consultation, "建议二")
    services.comment_hide(world.committee_officer, hidden, "重复")
    with pytest.raises(ValidationError) as caught:
        services.consultation_close(world.committee_officer, consultation, "无变化")
    assert "2" in caught.value.messages[0]
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN
    assert not Notice.objects.exists()


def test_close_publishes_the_adoption_report_from_the_answers(world: Any) -> None:
    consultation = make_consultation(world.committee, audience=Audience.MEMBERS)
    made = _answered_all(world, consultation)
    with translation.override("en"):
        services.consultation_close(world.committee_officer, consultation, "增设面食窗口一个。")
    consultation.refresh_from_db()
    report = consultation.report
    assert consultation.status == Consultation.Status.CLOSED
    assert report is not None
    assert report.kind == NoticeKind.ADOPTION and report.audience == Audience.MEMBERS
    assert report.unit == world.committee
    counts = selectors.report_counts(consultation)
    assert counts["total"] == 4
    assert {v: n for v, _l, n in counts["outcomes"]} == {"adopted": 2, "partly": 1, "not": 1}
    # the anonymous comment is a group of its own: counted into its author's, it could
    # be told apart by subtracting the named ones
    assert {v: n for v, _l, n in counts["groups"]} == {
        "employee": 1,
        "activist": 0,
        "probationary": 0,
        "member": 2,
    }
    assert counts["anonymous"] == 1
    assert not Comment.objects.filter(is_anonymous=True).exclude(group="").exists()
    body = report.body
    # the report's numbers are the answers'
    assert "4 comments were received (Employees 1, Full members 2, anonymous 1)." in body
    assert "Adopted: 2; partly adopted: 1; not adopted: 1." in body
    assert body.count("Answer (") == CommentAnswer.objects.filter(consultation=consultation).count()
    assert "增设面食窗口一个。" in body  # what changed
    assert "13912345678" not in body  # de-identified
    assert "与征求事项无关" not in body and "不必改造" not in body  # hidden: not quoted
    for c in made:
        if c.author is not None:
            assert c.author.name not in body
    assert AuditEntry.objects.filter(action="consultation.close").count() == 1
    assert AuditEntry.objects.filter(action="notice.publish").count() == 1
    with pytest.raises(ValidationError):  # closed: no more answers, no second close
        services.consultation_close(world.committee_officer, consultation, "再次")
    with pytest.raises(ValidationError):
        comment(world.employee, consultation, "还能评论吗")


def test_an_adopted_answer_becomes_a_deed_linked_both_ways(world: Any, client: Any) -> None:
    consultation = make_consultation(world.committee, audience=Audience.PUBLIC)
    a = comment(world.employee, consultation, "建议增加面食窗口")
    answer = services.comments_answer(
        world.committee_officer, consultation, [a], Outcome.ADOPTED, "采纳"
    )
    deed = services.answer_to_deed(
        world.committee_officer,
        answer,
        title="食堂增设面食窗口",
        description="",
        owner=world.committee_officer,
        services=["masses"],
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    answer.refresh_from_db()
    assert answer.deed == deed
    assert deed.origin_url == f"/openness/consultations/{consultation.public_id}/"
    assert consultation.title in deed.origin_label
    with pytest.raises(ValidationError):
        services.answer_to_deed(
            world.committee_officer,
            answer,
            title="x",
            description="",
            owner=world.committee_officer,
            services=["masses"],
            due_on=timezone.localdate(),
        )
    client.force_login(
        world.employee, backend="grassroots.accounts.backends.EmployeeNumberOrPhoneBackend"
    )
    page = client.get(f"/service/deeds/{deed.pk}/").content.decode()
    assert f'href="{deed.origin_url}"' in page


def test_a_not_adopted_answer_makes_no_deed_and_bad_deed_input_saves_nothing(world: Any) -> None:
    consultation = make_consultation(world.committee)
    a = comment(world.employee, consultation, "建议")
    b = comment(world.employee, consultation, "另一建议")
    no = services.comments_answer(
        world.committee_officer, consultation, [a], Outcome.NOT_ADOPTED, "否"
    )
    yes = services.comments_answer(
        world.committee_officer, consultation, [b], Outcome.ADOPTED, "是"
    )
    kwargs: dict[str, Any] = {
        "title": "做",
        "description": "",
        "owner": world.committee_officer,
        "services": ["masses"],
        "due_on": timezone.localdate(),
    }
    with pytest.raises(ValidationError):
        services.answer_to_deed(world.committee_officer, no, **kwargs)
    with pytest.raises(ValidationError):
        services.answer_to_deed(world.committee_officer, yes, **{**kwargs, "services": []})
    assert not Deed.objects.exists()
    yes.refresh_from_db()
    assert yes.deed_id is None


def test_decision_after_close_with_files_and_only_once(world: Any) -> None:
    consultation = make_consultation(world.committee)
    today = timezone.localdate()
    with pytest.raises(ValidationError):  # still open
        services.decision_record(world.committee_officer, consultation, "决定", today)
    services.consultation_close(world.committee_officer, consultation, "无意见，按原方案执行。")
    with pytest.raises(ValidationError) as caught:
        services.decision_record(world.committee_officer, consultation, "", today)
    assert "decision" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.decision_record(
            world.committee_officer, consultation, "决定", today, meeting_id=999
        )
    assert "meeting" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.decision_record(
            world.committee_officer, consultation, "决定", today, files=[disguised()]
        )
    assert not Attachment.objects.exists()
    services.decision_record(
        world.committee_officer, consultation, "党委会决定执行。", today, files=[png("决定.png")]
    )
    consultation.refresh_from_db()
    assert consultation.decision == "党委会决定执行。"
    assert Attachment.objects.filter(consultation=consultation, is_decision=True).count() == 1
    with pytest.raises(ValidationError):
        services.decision_record(world.committee_officer, consultation, "again", today)


def test_similar_comments_are_grouped_by_their_tokens(world: Any) -> None:
    consultation = make_consultation(world.committee)
    a = comment(world.employee, consultation, "建议食堂增加面食窗口，早上也供应面条")
    b = comment(world.member_a.user, consultation, "希望食堂增加面食窗口供应面条")
    c = comment(world.member_b.user, consultation, "班车发车时间提前十分钟")
    groups = selectors.similar_groups(list(Comment.objects.filter(consultation=consultation)))
    as_ids = sorted(sorted(x.pk for x in g) for g in groups)
    assert as_ids == sorted([sorted([a.pk, b.pk]), [c.pk]])


@pytest.mark.parametrize("shown", [False, True])
def test_the_report_quotes_comments_only_when_they_were_shown(world: Any, shown: bool) -> None:
    # comments meant for the officers alone are counted in the report, not quoted
    consultation = make_consultation(world.committee, comments_shown=shown)
    _answered_all(world, consultation)
    services.consultation_close(world.committee_officer, consultation, "增设面食窗口一个。")
    body = Notice.objects.get(kind=NoticeKind.ADOPTION).body
    assert ("排烟设备应选低噪声的" in body) is shown
    assert ("希望增加面食窗口" in body) is shown
    assert "选用中等噪声设备。" in body  # the answers are always there
    assert "13912345678" not in body


def test_the_officers_notice_of_new_comments_tells_the_day_not_the_minute(world: Any) -> None:
    from grassroots.notifications.models import Delivery, Notification

    world.committee_officer.email = "shuji@example.com"
    world.committee_officer.save(update_fields=["email"])
    consultation = make_consultation(world.committee)
    today = timezone.localdate()
    comment(world.member_a.user, consultation, "匿名的意见", anonymous=True)
    comment(world.employee, consultation, "具名的意见")
    (notice,) = Notification.objects.filter(kind="openness.comment")
    day_starts = datetime.datetime.combine(
        today, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    assert notice.created_at == day_starts
    assert "匿名" not in notice.title and world.employee.name not in notice.title
    deliveries = Delivery.objects.filter(kind="openness.comment")
    assert deliveries.exists()  # the officer's e-mail, held to the day's end
    for delivery in deliveries:
        assert delivery.created_at == day_starts
        assert delivery.next_attempt_at >= day_starts + datetime.timedelta(days=1)


def test_a_deed_from_a_restricted_consultation_does_not_name_it(world: Any, client: Any) -> None:
    # the deed's page is public; the consultation was for the officers only
    consultation = make_consultation(
        world.committee, audience=Audience.OFFICERS, title="关于拟调整支部书记人选的意见征求"
    )
    a = comment(world.officer_a, consultation, "建议先听取支部党员意见")
    answer = services.comments_answer(
        world.committee_officer, consultation, [a], Outcome.ADOPTED, "采纳"
    )
    deed = services.answer_to_deed(
        world.committee_officer,
        answer,
        title="支部书记人选听取党员意见",
        description="",
        owner=world.committee_officer,
        services=["masses"],
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert consultation.title not in deed.origin_label
    page = client.get(f"/service/deeds/{deed.pk}/")
    assert page.status_code == 200
    assert consultation.title not in page.content.decode()
