"""The notices pages, for an in-scope person, an out-of-scope one and an anonymous
visitor; bad input; the reads; fixed query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.scope import scope_for
from grassroots.openness.models import Attachment, Notice, NoticeRead
from grassroots.openness.notices import drafts, services, todos
from grassroots.openness.tests.factories import make_notice
from grassroots.openness.tests.test_notices_services import png, publish
from grassroots.openness.vocabulary import Audience, NoticeKind

pytestmark = pytest.mark.django_db


def _titles(response: Any) -> set[str]:
    return {
        row[0].title if isinstance(row, tuple) else row.title for row in response.context["rows"]
    }


# --- The list of what I may read ----------------------------------------------------------


def test_the_list_asks_anonymous_visitors_to_sign_in(world: Any, client_for: Any) -> None:
    response = client_for(None).get(reverse("openness:notices"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_list_shows_what_the_person_may_read(world: Any, client_for: Any) -> None:
    # given
    make_notice(world.committee, audience=Audience.ENTERPRISE, title="全体")
    make_notice(world.branch_b, audience=Audience.MEMBERS, title="乙支部党员")
    make_notice(world.branch_a, audience=Audience.DEPARTMENTS, title="甲车间")
    # when
    response = client_for(world.employee).get(reverse("openness:notices"))
    # then
    assert _titles(response) == {"全体", "甲车间"}
    assert response.context["can_publish"] is False
    assert client_for(world.officer_b).get(reverse("openness:notices")).context["can_publish"]


def test_the_list_filters_by_kind_and_organisation(world: Any, client_for: Any) -> None:
    make_notice(world.committee, kind=NoticeKind.DUES, title="党费")
    make_notice(world.branch_a, kind=NoticeKind.WORK_PLAN, title="计划")
    client = client_for(world.member_a.user)
    url = reverse("openness:notices")
    assert _titles(client.get(url, {"kind": "dues"})) == {"党费"}
    assert _titles(client.get(url, {"unit": world.branch_a.pk})) == {"计划"}
    assert _titles(client.get(url, {"kind": "<script>", "unit": "²"})) == {"党费", "计划"}


def test_new_for_me_lists_recent_unread_notices(world: Any, client_for: Any) -> None:
    # given: one read, one old, one new
    read = make_notice(world.committee, title="已读")
    NoticeRead.objects.create(notice=read, user=world.employee)
    make_notice(
        world.committee,
        title="旧的",
        published_at=timezone.now() - datetime.timedelta(days=31),
    )
    make_notice(world.committee, title="新的")
    # when
    response = client_for(world.employee).get(reverse("openness:notices"), {"unread": "1"})
    # then
    assert _titles(response) == {"新的"}


def test_the_list_keeps_a_fixed_number_of_queries(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(world.member_a.user)
    url = reverse("openness:notices")
    make_notice(world.committee)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url, {"unread": "1"})
    for n in range(30):
        make_notice(world.branch_a if n % 2 else world.committee, audience=Audience.MEMBERS)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"unread": "1"})
    assert len(response.context["rows"]) == 20


# --- One organisation's notices (public) --------------------------------------------------


def test_anonymous_visitors_read_a_units_public_notices(world: Any, client_for: Any) -> None:
    make_notice(world.branch_a, audience=Audience.PUBLIC, title="公开")
    make_notice(world.branch_a, audience=Audience.ENTERPRISE, title="职工")
    make_notice(world.branch_b, audience=Audience.PUBLIC, title="乙")
    url = reverse("openness:unit_notices", args=[world.branch_a.pk])
    response = client_for(None).get(url)
    assert response.status_code == 200 and _titles(response) == {"公开"}
    assert _titles(client_for(world.employee).get(url)) == {"公开", "职工"}


def test_a_missing_unit_is_a_404(world: Any, client_for: Any) -> None:
    url = reverse("openness:unit_notices", args=[999_999])
    assert client_for(None).get(url).status_code == 404


def test_a_units_page_keeps_a_fixed_number_of_queries(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(None)
    url = reverse("openness:unit_notices", args=[world.branch_a.pk])
    make_notice(world.branch_a, audience=Audience.PUBLIC)
    with django_assert_max_num_queries(4) as few:
        client.get(url)
    Notice.objects.bulk_create(
        Notice(unit=world.branch_a, audience=Audience.PUBLIC, kind="other", title=f"{n}", body="x")
        for n in range(60)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 20


# --- One notice ---------------------------------------------------------------------------


def test_a_notice_follows_its_audience(world: Any, client_for: Any) -> None:
    public = make_notice(world.branch_a, audience=Audience.PUBLIC)
    members = make_notice(world.branch_a, audience=Audience.MEMBERS)

    def status(user: Any, notice: Any) -> int:
        return client_for(user).get(reverse("openness:notice", args=[notice.pk])).status_code

    assert status(None, public) == 200
    assert status(None, members) == 404
    assert status(world.member_a.user, members) == 200
    assert status(world.member_b.user, members) == 404  # the same as a missing one
    assert client_for(None).get(reverse("openness:notice", args=[99999])).status_code == 404


def test_reading_counts_once_and_only_officers_see_the_total(world: Any, client_for: Any) -> None:
    notice = make_notice(world.branch_a, audience=Audience.ENTERPRISE, by=world.officer_a)
    url = reverse("openness:notice", args=[notice.pk])
    client = client_for(world.employee)
    first = client.get(url)
    client.get(url)
    assert "manages" in first.context and first.context["manages"] is False
    assert b"notice-read-count" not in first.content
    response = client_for(world.officer_a).get(url)
    assert response.context["manages"] is True
    assert response.context["notice"].read_count == 1
    assert b'id="notice-read-count"' in response.content
    assert client_for(world.officer_b).get(url).context["manages"] is False
    client_for(None).get(url)  # an anonymous visitor is nobody to count
    notice.refresh_from_db()
    assert notice.read_count == 2  # the employee once, officer B once


def test_the_body_is_plain_text_with_links(world: Any, client_for: Any) -> None:
    notice = make_notice(
        world.branch_a,
        audience=Audience.PUBLIC,
        title="<b>标题</b>",
        body="<script>alert(1)</script>\n详见 https://example.org/a",
    )
    response = client_for(None).get(reverse("openness:notice", args=[notice.pk]))
    html = response.content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "&lt;b&gt;标题" in html
    assert 'href="https://example.org/a"' in html and "<br>" in html


def test_a_publicity_notice_links_to_its_objections(world: Any, client_for: Any) -> None:
    notice = publish(world, audience=Audience.PUBLIC, publicity_days=5)
    response = client_for(world.employee).get(reverse("openness:notice", args=[notice.pk]))
    state = response.context["state"]
    assert state is not None
    assert reverse("orgs:publicity_notice", args=[state.notice_id]) in response.content.decode()


# --- Files --------------------------------------------------------------------------------


def test_a_file_follows_its_notices_audience(world: Any, client_for: Any) -> None:
    notice = publish(world, audience=Audience.MEMBERS, files=[SimpleUploadedFile("a.png", png())])
    item = Attachment.objects.get(notice=notice)
    url = reverse("openness:notice_attachment", args=[item.public_id])
    response = client_for(world.member_a.user).get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]
    assert client_for(world.member_b.user).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
    missing = reverse("openness:notice_attachment", args=["nothing"])
    assert client_for(world.admin).get(missing).status_code == 404


# --- Publishing ---------------------------------------------------------------------------


def _form(world: Any, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": world.branch_a.pk,
        "kind": NoticeKind.OTHER,
        "period_key": "",
        "audience": Audience.ENTERPRISE,
        "title": "关于调整党员活动日的通知",
        "body": "本月党员活动日改在周四下午。",
        "publicity_days": "5",
        "idempotency_key": "k1",
    }
    data.update(changes)
    return data


def test_publishing_is_for_officers(world: Any, client_for: Any) -> None:
    url = reverse("openness:notice_new")
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.employee).get(url).status_code == 404
    assert client_for(world.member_a.user).post(url, _form(world)).status_code == 404
    response = client_for(world.officer_a).get(url)
    units = list(response.context["form"].fields["unit"].queryset)
    assert units == [world.branch_a]
    kinds = [value for value, _label in response.context["form"].fields["kind"].choices]
    assert NoticeKind.ADOPTION not in kinds
    assert not Notice.objects.exists()


def test_an_officer_publishes_a_notice(world: Any, client_for: Any) -> None:
    response = client_for(world.officer_a).post(reverse("openness:notice_new"), _form(world))
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("openness:notice", args=[notice.pk])
    assert notice.publicity_days is None  # not ticked: the days are ignored


def test_an_officer_cannot_publish_for_another_branch(world: Any, client_for: Any) -> None:
    response = client_for(world.officer_a).post(
        reverse("openness:notice_new"), _form(world, unit=world.branch_b.pk)
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not Notice.objects.exists()


def test_a_publicity_notice_to_members_is_refused(world: Any, client_for: Any) -> None:
    response = client_for(world.officer_a).post(
        reverse("openness:notice_new"),
        _form(world, audience=Audience.MEMBERS, is_publicity="on"),
    )
    assert response.context["form"].errors["audience"]
    assert not Notice.objects.exists()


def test_a_publicity_notice_is_published(world: Any, client_for: Any) -> None:
    client_for(world.officer_a).post(
        reverse("openness:notice_new"), _form(world, is_publicity="on", publicity_days="7")
    )
    assert Notice.objects.get().publicity_days == 7


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"body": "   "}, "body"),
        ({"kind": NoticeKind.ADOPTION}, "kind"),
        ({"is_publicity": "on", "publicity_days": "0"}, "publicity_days"),
        ({"is_publicity": "on", "publicity_days": ""}, "publicity_days"),
        ({"attachments": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00\x03 exe")}, "attachments"),
    ],
)
def test_bad_input_shows_an_error_and_saves_nothing(
    world: Any, client_for: Any, changes: dict[str, Any], field: str
) -> None:
    response = client_for(world.officer_a).post(
        reverse("openness:notice_new"), _form(world, **changes)
    )
    assert response.status_code == 200 and response.context["form"].errors[field]
    assert not Notice.objects.exists() and not Attachment.objects.exists()


def test_a_too_large_file_is_refused(world: Any, client_for: Any) -> None:
    from grassroots.core import parameters
    from grassroots.core.services import parameter_set

    parameter_set(actor=None, key="appeals.max_attachment_mb", value=1)
    parameters.forget_cached_values()
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 10))
    response = client_for(world.officer_a).post(
        reverse("openness:notice_new"), _form(world, attachments=big)
    )
    assert response.context["form"].errors["attachments"]
    assert not Notice.objects.exists()


def test_a_double_submit_publishes_once(world: Any, client_for: Any) -> None:
    client = client_for(world.officer_a)
    first = client.post(reverse("openness:notice_new"), _form(world))
    second = client.post(reverse("openness:notice_new"), _form(world))
    assert Notice.objects.count() == 1 and first["Location"] == second["Location"]


def test_the_form_is_prefilled_from_a_draft(world: Any, client_for: Any, monkeypatch: Any) -> None:
    asked: list[Any] = []

    def draft_for(unit: Any, kind: str, period: Any) -> drafts.Draft:
        asked.append((unit, kind, period.key if period else None))
        return drafts.Draft(title="2025年党费收缴使用情况", body="收缴党费……", from_records=True)

    monkeypatch.setattr(drafts, "draft_for", draft_for)
    response = client_for(world.officer_a).get(
        reverse("openness:notice_new"),
        {"unit": world.branch_a.pk, "kind": "dues", "period": "2025"},
    )
    form = response.context["form"]
    assert asked == [(world.branch_a, "dues", "2025")]
    assert form.initial["title"] == "2025年党费收缴使用情况"
    assert form.initial["period_key"] == "2025" and form.initial["kind"] == "dues"


def test_a_mistyped_prefill_link_is_ignored(world: Any, client_for: Any) -> None:
    response = client_for(world.officer_a).get(
        reverse("openness:notice_new"),
        {"unit": world.branch_b.pk, "kind": "adoption", "period": "yesterday"},
    )
    assert response.status_code == 200
    assert "title" not in response.context["form"].initial


# --- Editing ------------------------------------------------------------------------------


def test_editing_is_for_the_notices_officers(world: Any, client_for: Any) -> None:
    notice = make_notice(world.branch_a, audience=Audience.PUBLIC)
    url = reverse("openness:notice_edit", args=[notice.pk])
    assert client_for(None).get(url).status_code == 302
    assert client_for(world.employee).get(url).status_code == 404
    assert client_for(world.officer_b).post(url, {"title": "x", "body": "y"}).status_code == 404
    assert client_for(world.committee_officer).get(url).status_code == 200
    response = client_for(world.officer_a).post(url, {"title": "更正", "body": "更正后的内容"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "更正"
    response = client_for(world.officer_a).post(url, {"title": "", "body": ""})
    assert response.context["form"].errors["title"]


# --- The to-do ----------------------------------------------------------------------------


def test_the_todo_counts_what_its_link_lists(
    world: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        make_notice(world.committee, title=f"n{n}")
    make_notice(world.branch_b, audience=Audience.MEMBERS)  # not for member_a
    read = make_notice(world.branch_a)
    NoticeRead.objects.create(notice=read, user=world.member_a.user)
    user = world.member_a.user
    scope = scope_for(user)
    with django_assert_max_num_queries(3):
        found = todos.todos_for(scope, user, today=timezone.localdate())
    (todo,) = found
    assert todo.count == 3
    client = client_for(user)
    response = client.get(todo.url)
    assert response.context["page_obj"].paginator.count == todo.count
    client.get(reverse("openness:notice", args=[Notice.objects.get(title="n0").pk]))
    (todo,) = todos.todos_for(scope_for(user), user, today=timezone.localdate())
    assert todo.count == 2


def test_no_todo_when_nothing_is_new(world: Any) -> None:
    assert (
        todos.todos_for(scope_for(world.employee), world.employee, today=timezone.localdate()) == []
    )


def test_services_are_not_reached_through_the_page_for_adoption(world: Any) -> None:
    # adoption reports come from consultations: the service still accepts them
    assert services.notice_publish(
        actor=world.officer_a,
        unit=world.branch_a,
        kind=NoticeKind.ADOPTION,
        title="采纳情况",
        body="反馈",
        audience=Audience.ENTERPRISE,
    ).pk
