"""A person's own delivery preferences."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from grassroots.accounts import services as accounts
from grassroots.core.audit import audit_record
from grassroots.notifications import kinds
from grassroots.notifications.models import DAILY, Delivery, KindPreference, NotificationSettings

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
    daily_kinds: Iterable[str] = (),
) -> NotificationSettings:
    """A person's own delivery preferences. `daily_kinds`: of the kinds that offer it,
    those the person takes as one notice a day (the others come one by one)."""
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
    daily = set(daily_kinds)
    for key, kind in kinds.KINDS.items():
        if kind.daily is not None:
            KindPreference.objects.update_or_create(
                user=user, kind=key, channel=DAILY, defaults={"enabled": key in daily}
            )
    audit_record(actor=user, action="notifications.preferences", target=personal)
    return personal
