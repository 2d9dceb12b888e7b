"""Periodic work of the orgs app: re-election reminders from term end dates."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grassroots.accounts import selectors as accounts
from grassroots.core import parameters
from grassroots.core.notices import send
from grassroots.core.scheduling import periodic
from grassroots.orgs import member_order, notices, selectors
from grassroots.orgs.models import OrgUnit


def term_reminders_send(*, today: datetime.date) -> int:
    """Tell each organisation's officers (and those of the level above) that its term
    ends within the reminder period, once; and again once it is overdue."""
    horizon = today + datetime.timedelta(days=parameters.value("orgs.term_reminder_days"))
    units = OrgUnit.objects.filter(
        is_active=True, term_ends_on__isnull=False, term_ends_on__lte=horizon
    )
    sent = 0
    for unit in units.select_related("parent"):
        assert unit.term_ends_on is not None
        overdue = unit.term_ends_on < today
        scopes = [unit.pk] + ([unit.parent_id] if unit.parent_id else [])
        officers = accounts.holders(unit_ids=scopes, on=today)
        ends = date_format(unit.term_ends_on)
        with transaction.atomic():
            sent += send(
                recipients=officers,
                kind=notices.TERM_ENDING.key,
                title=(
                    _("The term of %(unit)s ended on %(date)s: the re-election is overdue")
                    if overdue
                    else _("The term of %(unit)s ends on %(date)s: prepare the re-election")
                )
                % {"unit": unit.name, "date": ends},
                url=f"/orgs/units/{unit.pk}/",
                event_key=f"term:{unit.pk}:{unit.term_ends_on}:{'overdue' if overdue else 'soon'}",
                urgent=overdue,
            )
    return sent


@periodic("orgs.term_reminders", daily_at=datetime.time(7, 0))
def term_reminders(now: datetime.datetime) -> None:
    term_reminders_send(today=timezone.localdate(now))


@periodic("orgs.member_list_keys", daily_at=datetime.time(3, 20))
def member_list_keys(now: datetime.datetime) -> None:
    """Put right any member-list key that a change outside the services left behind
    (grassroots.orgs.member_order); usually none."""
    member_order.list_keys_repair()


@periodic("orgs.oversight_publish", every=selectors.OVERSIGHT_PUBLISH_EVERY)
def oversight_publish(now: datetime.datetime) -> None:
    """The committees' organisation health for their officers' home pages, worked out
    ahead (selectors.oversight)."""
    selectors.oversight_publish(now=now)
