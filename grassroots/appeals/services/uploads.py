"""Files people attach: checked by content before anything is written, kept with the
step they came with.

`files_check` is the one check every entry point runs on uploads (the pages, a service
post's form, and the channels to come); a refused file refuses the whole sending, so
nothing is half-saved."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from grassroots.appeals.models import Appeal, AppealEvent, Attachment
from grassroots.appeals.uploads import CheckedFile, UploadError, check_upload
from grassroots.core import parameters

FILES_FIELD = "attachments"  # where a form shows what was wrong with the files


def attachment_max_bytes() -> int:
    """The largest file an appeal or a step takes (a rule parameter, in MB)."""
    return int(parameters.value("appeals.max_attachment_mb")) * 1024 * 1024


def files_check(files: Iterable[Any]) -> list[CheckedFile]:
    """Every uploaded file read, identified and cleaned; a ValidationError on
    "attachments" naming each file refused and why (too many, too large, not a photo or
    a PDF, a picture that cannot be opened)."""
    uploads = list(files)
    limit = parameters.value("appeals.max_attachments")
    if len(uploads) > limit:
        raise ValidationError(
            {FILES_FIELD: _("Attach at most %(count)s files.") % {"count": limit}}
        )
    max_bytes = attachment_max_bytes()
    checked: list[CheckedFile] = []
    problems: list[str] = []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, max_bytes=max_bytes))
        except UploadError as error:
            problems.append(str(error))
    if problems:
        raise ValidationError({FILES_FIELD: problems})
    return checked


def attachments_add(
    appeal: Appeal, event: AppealEvent | None, files: Sequence[CheckedFile], at: datetime.datetime
) -> None:
    """The checked files, kept with the appeal and the step they came with."""
    limit = parameters.value("appeals.max_attachments")
    if len(files) > limit:
        raise ValidationError({"files": _("Attach at most %(count)s files.") % {"count": limit}})
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
