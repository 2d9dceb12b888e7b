"""The daily notice: each morning, a person's held notices of a kind they take once a
day (deadline warnings, by default) become one inbox notice that lists them, each with
its link. The held notices keep their own titles, links and dedupe keys, so an event
raised again is still told once; nothing is copied but what they already said."""

from __future__ import annotations

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from grassroots.notifications import kinds
from grassroots.notifications.models import Notification


def local_day(notice: Notification) -> datetime.date:
    return notice.created_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def daily_notices_send(*, now: datetime.datetime | None = None) -> int:
    """Gather each person's held notices, kind by kind, into one daily notice. Returns
    how many daily notices were written; run again, it finds nothing left to gather."""
    now = now or timezone.now()
    day = now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    written = 0
    with transaction.atomic():
        groups: dict[tuple[int, str], list[Notification]] = defaultdict(list)
        for notice in (
            Notification.objects.select_for_update()
            .filter(held=True, daily__isnull=True)
            .only("pk", "recipient_id", "kind", "title", "created_at")
            # Not by id: the order rows were written in could place an anonymous
            # appeal's notice among others more finely than its hour.
            .order_by("created_at", "title")
        ):
            groups[(notice.recipient_id, notice.kind)].append(notice)
        for (recipient_id, kind), items in groups.items():
            label = kinds.KINDS[kind].label if kind in kinds.KINDS else kind
            daily = Notification.objects.create(
                recipient_id=recipient_id,
                kind=kind,
                # Held since the last morning's run: name the day the first one came.
                title=ngettext(
                    "%(kind)s: %(count)d notice since %(day)s",
                    "%(kind)s: %(count)d notices since %(day)s",
                    len(items),
                )
                % {"kind": label, "count": len(items), "day": local_day(items[0]).isoformat()},
                body="\n".join(f"· {item.title}" for item in items)[:2000],
                dedupe_key=f"daily:{kind}:{day.isoformat()}:{max(i.pk for i in items)}"[:150],
                created_at=now,
            )
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(daily=daily)
            written += 1
    return written
