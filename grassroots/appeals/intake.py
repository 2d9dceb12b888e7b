"""The draft appeal: everything an entry point collects before the appeal exists.

Every way in — the appeal page (named, anonymous, on behalf, from a QR poster), a
service post's form, a visit, the JSON API, and the channels to come (Open311, the
offline queue, a messenger) — builds one `AppealDraft` and hands it to
`services.appeal_submit`. The draft holds values only; the service checks them
(title, description, category, who it is for), routes the appeal and writes it.

Files arrive already checked (`services.files_check`), so a draft never holds an
upload that has not been read and cleaned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from grassroots.appeals.models import Appeal, Urgency
from grassroots.appeals.uploads import CheckedFile

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.appeals.models import Category
    from grassroots.orgs.models import Department

# The vocabulary an entry point needs to fill a draft, public (appeals.models is not).
Channel = Appeal.Channel

__all__ = ["AppealDraft", "Channel", "CheckedFile", "Urgency"]


@dataclass(frozen=True, kw_only=True)
class AppealDraft:
    """An appeal as an entry point collected it.

    `submitter` is who the appeal is for (None when anonymous); `recorded_by` is who
    entered it for them (on behalf, heard on a visit). An anonymous draft names
    nobody. `idempotency_key` is the form's one-time key: the same draft sent twice
    gives back the first appeal."""

    channel: str
    category: Category | None
    title: str
    description: str
    submitter: User | None = None
    recorded_by: User | None = None
    anonymous: bool = False
    department: Department | None = None
    place: str = ""
    urgency: str = Urgency.NORMAL
    consent_publish: bool = False
    idempotency_key: str | None = None
    files: Sequence[CheckedFile] = ()
