"""Every write to notices: publish one (with its files, and its 公示 when it is one),
edit it, and record that someone read it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.appeals import services as appeal_services
from grassroots.appeals.uploads import CheckedFile
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.core.periods import CUSTOM, Period
from grassroots.openness.models import BODY_MAX, TITLE_MAX, Attachment, Notice, NoticeRead
from grassroots.openness.vocabulary import Audience, NoticeKind
from grassroots.orgs.publicity import services as publicity

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

# The 公示 of a notice, in orgs.publicity: its objections are lodged and answered there.
PUBLICITY_KIND = "openness.notice"
MAX_FILES = 5
# A 公示 reaches everyone who may object: the public, or every employee.
PUBLICITY_AUDIENCES = (Audience.PUBLIC, Audience.ENTERPRISE)
EDITED_FIELDS = ("title", "body")
FILES_FIELD = "attachments"  # where a form shows what was wrong with the files


def _text_errors(title: str, body: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the notice a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title to %(max)s characters.") % {"max": TITLE_MAX}
    if not body:
        errors["body"] = _("Write the text of the notice.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("Keep the text to %(max)s characters.") % {"max": f"{BODY_MAX:,}"}
    return errors


def period_key_of(raw: str) -> str:
    """The normalised key of the period a notice covers ("" for none); ValueError for
    anything that is not a month, a quarter or a year."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    period = Period.parse(raw, default=Period.year(2000))
    if period.kind == CUSTOM:
        raise ValueError(raw)
    return period.key


def files_check(files: Iterable[Any]) -> list[CheckedFile]:
    """Each file read, identified by its content and cleaned as appeals' files are (the
    same check), or a ValidationError on "attachments" naming every file refused."""
    return appeal_services.files_check(files, limit=MAX_FILES, field=FILES_FIELD)


@transaction.atomic
def notice_publish(
    *,
    actor: Any,
    unit: OrgUnit,
    kind: str,
    title: str,
    body: str,
    audience: str,
    period_key: str = "",
    publicity_days: int | None = None,
    files: Sequence[Any] = (),
    idempotency_key: str | None = None,
    published_at: datetime.datetime | None = None,
) -> Notice:
    """Publish a notice for `unit`. The caller checks `policy.can_publish_for`.

    A notice with `publicity_days` is also a 公示: a public notice in `orgs.publicity`
    runs for that many working days and takes the objections (named or anonymous) on
    its page; only a notice to the public or to every employee can be one. Files are
    checked by content as appeals' are. The same form sent twice (`idempotency_key`)
    makes one notice; anything wrong refuses the whole, and nothing is saved.
    `published_at` is now, but for notices loaded from earlier records (the demo).
    """
    if idempotency_key:
        earlier = Notice.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None and earlier.unit_id == unit.pk:
            return earlier
    title, body = (title or "").strip(), (body or "").strip()
    errors = _text_errors(title, body)
    if kind not in NoticeKind.values:
        errors["kind"] = _("Choose what kind of notice this is.")
    if audience not in Audience.values:
        errors["audience"] = _("Choose who may read the notice.")
    try:
        key = period_key_of(period_key)
    except ValueError:
        errors["period_key"] = _(
            "Give the period as a year (2026), a quarter (2026-Q3) or a month (2026-10)."
        )
    if publicity_days is not None and audience not in PUBLICITY_AUDIENCES:
        errors["audience"] = _(
            "A public notice must reach everyone who may object: publish it "
            "to the public or to every employee of the enterprise."
        )
    if errors:
        raise ValidationError(errors)
    checked = files_check(files)
    now = published_at or timezone.now()
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                unit=unit,
                kind=kind,
                title=title,
                body=body,
                audience=audience,
                period_key=key,
                publicity_days=publicity_days,
                published_by=actor,
                published_at=now,
                updated_at=now,
                idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        # The same key for another organisation: not a double submit of this form.
        raise ValidationError(_("This form was already sent. Open the page again.")) from None
    for item in checked:
        Attachment.objects.create(
            notice=notice,
            file=item.content,
            name=item.name,
            content_type=item.content_type,
            size=item.size,
            created_at=now,
        )
    if publicity_days is not None:
        try:
            publicity.notice_publish(
                actor=actor,
                unit=unit,
                title=title,
                text=body,
                subject_kind=PUBLICITY_KIND,
                subject_id=notice.pk,
                subject_label=title,
                working_days=publicity_days,
                published_on=timezone.localdate(now),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "working_days" in error.error_dict:
                raise ValidationError(
                    {"publicity_days": error.error_dict["working_days"]}
                ) from None
            raise
    audit_record(
        actor=actor,
        action="notice.publish",
        target=notice,
        org_path=unit.path,
        after=snapshot(notice, ("kind", "title", "audience", "period_key", "publicity_days")),
        extra={"files": len(checked)},
    )
    return notice


@transaction.atomic
def notice_edit(*, actor: Any, notice: Notice, title: str, body: str) -> Notice:
    """Correct a notice's title and text. The caller checks `policy.can_manage_notice`.
    Its audience is not changed here: a 公示 runs to the people it was put up for."""
    title, body = (title or "").strip(), (body or "").strip()
    errors = _text_errors(title, body)
    if errors:
        raise ValidationError(errors)
    notice = locked(notice, related=("unit",))
    if notice.publicity_days is not None or notice.kind == NoticeKind.ADOPTION:
        raise ValidationError(
            _(
                "A public notice or an adoption report is not changed once published: "
                "publish a correction."
            )
        )
    before = snapshot(notice, EDITED_FIELDS)
    notice.title, notice.body = title, body
    notice.updated_at = timezone.now()
    notice.save(update_fields=["title", "body", "updated_at"])
    after = snapshot(notice, EDITED_FIELDS)
    if before != after:
        audit_record(
            actor=actor,
            action="notice.edit",
            target=notice,
            org_path=notice.unit.path,
            before=before,
            after=after,
        )
    return notice


def notice_read(user: Any, notice: Notice) -> bool:
    """Record that `user` opened `notice`, once: the read total goes up by one the first
    time only, however many tabs open it at once. Returns whether this was the first."""
    if user is None or not user.is_authenticated or notice.published_by_id == user.pk:
        return False  # the publisher's own look is not a reader
    if NoticeRead.objects.filter(notice=notice, user=user).exists():
        return False
    try:
        with transaction.atomic():
            NoticeRead.objects.create(notice=notice, user=user)
            Notice.objects.filter(pk=notice.pk).update(read_count=F("read_count") + 1)
    except IntegrityError:
        return False  # read before (the unique constraint decides, not a prior check)
    return True
