"""The outcome wall: resolved appeals whose submitters agreed, with a summary the
handler checked."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.appeals.models import Appeal, AppealEvent
from grassroots.appeals.services.steps import appeal_locked, audit, event_add, moment

if TYPE_CHECKING:
    from grassroots.accounts.models import User


@transaction.atomic
def appeal_publish(
    *, appeal: Appeal, actor: User, summary: str, at: datetime.datetime | None = None
) -> Appeal:
    """Put a resolved appeal on the outcome wall, with the summary the handler checked."""
    at = moment(at)
    appeal = appeal_locked(appeal)
    if not appeal.consent_publish:
        raise ValidationError(_("The submitter did not agree to publish this appeal."))
    if appeal.status != Appeal.Status.CLOSED or not appeal.resolved:
        raise ValidationError(_("Only appeals closed as resolved are published."))
    if not summary.strip():
        raise ValidationError({"summary": _("Write the public summary.")})
    appeal.public_summary = summary.strip()[:2000]
    appeal.published_at = at
    appeal.save(update_fields=["public_summary", "published_at"])
    event_add(appeal, AppealEvent.Kind.PUBLISHED, actor=actor, at=at, public=True)
    audit(actor, "publish", appeal)
    return appeal


@transaction.atomic
def appeal_unpublish(*, appeal: Appeal, actor: User) -> Appeal:
    appeal = appeal_locked(appeal)
    appeal.published_at = None
    appeal.save(update_fields=["published_at"])
    audit(actor, "unpublish", appeal)
    return appeal
