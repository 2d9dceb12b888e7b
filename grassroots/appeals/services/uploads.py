"""Files people attach: checked by content before anything is written, kept with the
step they came with.

`files_check` is the one check every entry point runs on uploads (the pages, a service
post's form, and the channels to come); a refused file refuses the whole sending, so
nothing is half-saved."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.appeals.models import Appeal, AppealEvent, Attachment
from grassroots.appeals.uploads import (
    CheckedFile,
    UploadError,
    check_upload,
    clean_content,
    neutral_name,
)
from grassroots.core import parameters

FILES_FIELD = "attachments"  # where a form shows what was wrong with the files


def attachment_max_bytes() -> int:
    """The largest file an appeal or a step takes (a rule parameter, in MB)."""
    return int(parameters.value("appeals.max_attachment_mb")) * 1024 * 1024


def files_check(
    files: Iterable[Any], *, limit: int | None = None, field: str = FILES_FIELD
) -> list[CheckedFile]:
    """Every uploaded file read, identified and cleaned; a ValidationError on `field`
    naming each file refused and why (too many, too large, not a photo or a PDF, a
    picture that cannot be opened). `limit`: how many files at most (default: the rule
    parameter appeals.max_attachments; other apps' forms pass their own)."""
    uploads = list(files)
    if limit is None:
        limit = int(parameters.value("appeals.max_attachments"))
    if len(uploads) > limit:
        raise ValidationError({field: _("Attach at most %(count)s files.") % {"count": limit}})
    max_bytes = attachment_max_bytes()
    checked: list[CheckedFile] = []
    problems: list[str] = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, max_bytes=max_bytes))
        except UploadError as error:
            problems.append(str(error))
    if problems:
        raise ValidationError({field: problems})
    return checked


def attachments_add(
    appeal: Appeal, event: AppealEvent | None, files: Sequence[CheckedFile], at: datetime.datetime
) -> None:
    """The checked files, kept with the appeal and the step they came with.

    An anonymous appeal's files lose the names they came with ("孙淑珍-40008.png"
    becomes "附件1.png"), whoever sends them, so that no page, download or log shows
    the sender's own name for a file; on disk every file is already named by a random
    id (uploads.check_upload)."""
    limit = parameters.value("appeals.max_attachments")
    if len(files) > limit:
        raise ValidationError({"files": _("Attach at most %(count)s files.") % {"count": limit}})
    if appeal.is_anonymous:
        first = Attachment.objects.filter(appeal=appeal).count() + 1
        files = [neutral_name(checked, first + i) for i, checked in enumerate(files)]
    for checked in files:
        Attachment.objects.create(
            appeal=appeal,
            event=event,
            file=checked.content,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            created_at=at,
        )


def anonymous_attachments_clean() -> tuple[int, list[str]]:
    """The files of anonymous appeals kept before their cleaning was as thorough as it
    is now, cleaned the same way: metadata stripped (a PDF's information and XMP, a
    photo's comment), neutral names, a new file on disk (the old one removed once the
    change is committed). Returns how many files changed, and the problems of those
    that could not be cleaned (left as they were, named in the message without the
    name they came with). Running it again changes nothing."""
    changed = 0
    problems: list[str] = []
    appeal_ids = (
        Attachment.objects.filter(appeal__is_anonymous=True)
        .values_list("appeal_id", flat=True)
        .distinct()
        .order_by("appeal_id")
    )
    for appeal_id in list(appeal_ids):
        with transaction.atomic():
            appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
            items = Attachment.objects.filter(appeal=appeal).order_by("pk")
            for number, item in enumerate(items, start=1):
                try:
                    with item.file.open("rb") as stored:
                        data = stored.read()
                    checked = neutral_name(clean_content(data, name=item.name), number)
                except (UploadError, OSError) as error:
                    problems.append(f"{appeal.number} #{number}: {type(error).__name__}")
                    continue
                if checked.name == item.name and checked.content.read() == data:
                    continue
                checked.content.seek(0)
                old = item.file.name or ""
                item.file.save(checked.content.name or "file", checked.content, save=False)
                item.name = checked.name
                item.size = checked.size
                item.save(update_fields=["file", "name", "size"])
                transaction.on_commit(partial(item.file.storage.delete, old))
                changed += 1
    return changed, problems
