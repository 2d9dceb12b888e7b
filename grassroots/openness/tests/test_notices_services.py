"""Publishing, editing and reading notices (notices.services)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from grassroots.core.models import AuditEntry
from grassroots.openness.models import BODY_MAX, Attachment, Notice, NoticeRead
from grassroots.openness.notices import services
from grassroots.openness.vocabulary import Audience, NoticeKind
from grassroots.orgs import selectors as orgs

pytestmark = pytest.mark.django_db


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def publish(world: Any, **changes: Any) -> Notice:
    values: dict[str, Any] = {
        "actor": world.officer_a,
        "unit": world.branch_a,
        "kind": NoticeKind.WORK_PLAN,
        "title": "一车间党支部2026年工作计划",
        "body": "一、加强政治理论学习。\n二、落实三会一课。",
        "audience": Audience.ENTERPRISE,
        "period_key": "2026",
    }
    values.update(changes)
    return services.notice_publish(**values)


def test_a_notice_is_published_and_audited(world: Any) -> None:
    # when
    notice = publish(world)
    # then
    assert notice.period_key == "2026" and notice.published_by == world.officer_a
    entry = AuditEntry.objects.get(action="notice.publish")
    assert entry.org_path == world.branch_a.path


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"body": ""}, "body"),
        ({"body": "长" * (BODY_MAX + 1)}, "body"),
        ({"audience": "everyone"}, "audience"),
        ({"kind": "poem"}, "kind"),
        ({"period_key": "last year"}, "period_key"),
        ({"period_key": "2026-01-01..2026-02-01"}, "period_key"),
        ({"audience": Audience.MEMBERS, "publicity_days": 5}, "audience"),
        ({"audience": Audience.PUBLIC, "publicity_days": 99}, "publicity_days"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    world: Any, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        publish(world, **changes)
    assert field in refused.value.message_dict
    assert not Notice.objects.exists()
    assert not orgs.public_notice_state(services.PUBLICITY_KIND, 1, today=_today())


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def test_period_keys_are_normalised(world: Any) -> None:
    assert publish(world, period_key="2026-q3").period_key == "2026-Q3"
    assert publish(world, period_key="").period_key == ""


def test_a_publicity_notice_runs_in_orgs_publicity(world: Any) -> None:
    # when
    notice = publish(world, audience=Audience.PUBLIC, publicity_days=5, kind=NoticeKind.OTHER)
    # then
    state = orgs.public_notice_state(services.PUBLICITY_KIND, notice.pk, today=_today())
    assert state is not None and state.objections == 0
    assert (state.ends_on - state.starts_on).days >= 4


def test_files_are_checked_and_kept(world: Any) -> None:
    notice = publish(world, files=[SimpleUploadedFile("计划.jpg", png())])
    item = Attachment.objects.get(notice=notice)
    assert item.content_type == "image/png" and item.name == "计划.png"


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("report.pdf", b"MZ\x90\x00 an executable renamed"),
        SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)),
    ],
    ids=["disguised-exe", "too-large"],
)
def test_bad_files_refuse_the_whole_notice(world: Any, upload: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        publish(world, files=[upload])
    assert "attachments" in refused.value.message_dict
    assert not Notice.objects.exists() and not Attachment.objects.exists()


def test_more_than_five_files_are_refused(world: Any) -> None:
    with pytest.raises(ValidationError):
        publish(world, files=[SimpleUploadedFile(f"{n}.png", png()) for n in range(6)])
    assert not Notice.objects.exists()


def test_a_double_submit_makes_one_notice(world: Any) -> None:
    first = publish(world, idempotency_key="form-1", audience=Audience.PUBLIC, publicity_days=3)
    again = publish(world, idempotency_key="form-1", audience=Audience.PUBLIC, publicity_days=3)
    assert first.pk == again.pk and Notice.objects.count() == 1


def test_editing_records_before_and_after(world: Any) -> None:
    notice = publish(world)
    services.notice_edit(actor=world.officer_a, notice=notice, title="新标题", body="新内容")
    notice.refresh_from_db()
    assert (notice.title, notice.body) == ("新标题", "新内容")
    entry = AuditEntry.objects.get(action="notice.edit")
    assert entry.changes["title"] == ["一车间党支部2026年工作计划", "新标题"]


def test_editing_refuses_empty_text(world: Any) -> None:
    notice = publish(world)
    with pytest.raises(ValidationError):
        services.notice_edit(actor=world.officer_a, notice=notice, title="", body="x")
    notice.refresh_from_db()
    assert notice.title == "一车间党支部2026年工作计划"


def test_a_publicity_notice_and_an_adoption_report_are_not_edited(
    world: Any, client_for: Any
) -> None:
    from django.urls import reverse

    from grassroots.openness.tests.factories import make_notice
    from grassroots.orgs.publicity.models import PublicNotice

    publicity = publish(world, audience=Audience.ENTERPRISE, publicity_days=5)
    report = make_notice(world.branch_a, kind=NoticeKind.ADOPTION)
    for notice in (publicity, report):
        with pytest.raises(ValidationError):
            services.notice_edit(actor=world.officer_a, notice=notice, title="改", body="改过的")
        notice.refresh_from_db()
        assert notice.body != "改过的"
        client = client_for(world.officer_a)
        assert client.get(reverse("openness:notice_edit", args=[notice.pk])).status_code == 404
        assert "notice_edit" not in client.get(reverse("openness:notice", args=[notice.pk])).text
        assert (
            f"/openness/notices/{notice.pk}/edit/"
            not in client.get(reverse("openness:notice", args=[notice.pk])).text
        )
    assert PublicNotice.objects.get().text == publicity.body


def test_a_read_is_counted_once(world: Any) -> None:
    notice = publish(world)
    assert services.notice_read(world.employee, notice) is True
    assert services.notice_read(world.employee, notice) is False
    services.notice_read(world.member_a.user, notice)
    services.notice_read(world.officer_a, notice)  # the publisher is not a reader
    notice.refresh_from_db()
    assert notice.read_count == 2 == NoticeRead.objects.filter(notice=notice).count()
