"""A person's own delivery preferences."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from grassroots.accounts import services as accounts
from grassroots.core.audit import audit_record
from grassroots.notifications import kinds
from grassroots.notifications.models import Delivery, KindPreference, NotificationSettings

if TYPE_CHECKING:
    from grassroots.accounts.models import User


@transaction.atomic
def preferences_update(
    *,
    user: User,
    email: str,
    daily_digest: bool,
    quiet_start: datetime.time,
    quiet_end: datetime.time,
    email_kinds: Iterable[str],
) -> NotificationSettings:
    """A person's own delivery preferences."""
    accounts.user_email_set(user=user, email=email)
    personal, _created = NotificationSettings.objects.update_or_create(
        user=user,
        defaults={"daily_digest": daily_digest, "quiet_start": quiet_start, "quiet_end": quiet_end},
    )
    wanted = set(email_kinds)
    for key in kinds.KINDS:
        KindPreference.objects.update_or_create(
            user=user, kind=key, channel=Delivery.Channel.EMAIL, defaults={"enabled": key in wanted}
        )
    audit_record(actor=user, action="notifications.preferences", target=personal)
    return personal
