"""Periodic work of the dues: the month's bills on the 1st (a missed run catches up),
bills following a confirmed transfer to the receiving branch, and the arrears warnings
(at 3 months unpaid and again at 5, before the 6 at which the branch must decide)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import selectors as accounts
from grassroots.core.notices import send
from grassroots.core.scheduling import periodic
from grassroots.orgs.dues import arrears, notices, rules, services
from grassroots.orgs.dues.models import DuesBill, DuesMonthClose, DuesPayment
from grassroots.orgs.models import Member, Transfer

WARN_AT = (rules.WARN_MONTHS, rules.FLAG_MONTHS - 1)  # 3, and again before 6


def bills_catch_up(*, today: datetime.date, now: datetime.datetime | None = None) -> list[int]:
    """Make the bills of every month from the one after the last billed to this one,
    and of the six months before this one (a base set from a past month bills those
    months). Idempotent: bills_make makes one bill
    per member and month however often it runs. Returns the bills made per month."""
    this = rules.month_of(today)
    last = DuesBill.objects.order_by("-month").values_list("month", flat=True).first()
    first = this if last is None else min(this, rules.add_months(last, 1))
    # A base set today from a past month bills that month too, as far back as a payment
    # may go (bills_make skips members already billed: cheap for the months done).
    first = min(first, rules.add_months(this, -rules.BACK_PAYMENT_MONTHS))
    made = []
    for month in rules.months_between(first, this):
        made.append(services.bills_make(month, now=now).made)
    return made


@transaction.atomic
def bills_follow_transfers(*, today: datetime.date) -> int:
    """Bills of the months from a confirmed transfer's effective month on that were made
    to the old branch (the transfer was confirmed after the 1st) go to the receiving
    branch — unless paid (an entry on it) or in a month either branch has closed: those
    stay where they were booked. Returns the bills moved."""
    moved = 0
    # Only transfers that took effect within the back-payment window: older bills are
    # settled where they were booked. In order, each capped by the member's next one, so
    # a round trip (A → B, then B → A) leaves each month with the branch of that month.
    since = rules.add_months(rules.month_of(today), -rules.BACK_PAYMENT_MONTHS)
    confirmed = (
        Transfer.objects.filter(
            status=Transfer.Status.CONFIRMED, effective_on__lte=today, effective_on__gte=since
        )
        .order_by("member_id", "effective_on", "pk")
        .values_list("member_id", "from_branch_id", "to_branch_id", "effective_on")
    )
    rows = list(confirmed)
    for index, (member_id, from_id, to_id, effective_on) in enumerate(rows):
        bills = DuesBill.objects.filter(
            member_id=member_id, branch_id=from_id, month__gte=rules.month_of(effective_on)
        )
        following = rows[index + 1] if index + 1 < len(rows) else None
        if following is not None and following[0] == member_id:
            bills = bills.filter(month__lt=rules.month_of(following[3]))
        bills = bills.exclude(
            pk__in=DuesPayment.objects.filter(member_id=member_id, bill__isnull=False).values(
                "bill_id"
            )
        )
        closed = DuesMonthClose.objects.filter(branch_id__in=[from_id, to_id]).values("month")
        moved += bills.exclude(month__in=closed).update(branch_id=to_id)
    return moved


def arrears_warn(*, today: datetime.date) -> int:
    """Warn each member 3 months behind, and again at 5, and their branch's officers:
    one notice per member, oldest unpaid month and threshold (the event key), so paying
    up and falling behind again warns again. Returns the notices sent."""
    sent = 0
    found = arrears.in_arrears(today=today, at_least=min(WARN_AT))
    members = {
        m.pk: m
        for m in Member.objects.filter(pk__in=[a.member_id for a in found]).select_related(
            "user", "branch"
        )
    }
    for row in found:
        member = members[row.member_id]
        for threshold in WARN_AT:
            if row.months < threshold:
                continue
            officers = accounts.holders(unit_ids=[row.branch_id], on=today)
            recipients = [member.user, *[u for u in officers if u.pk != member.user_id]]
            with transaction.atomic():
                sent += send(
                    recipients=recipients,
                    kind=notices.ARREARS.key,
                    title=_("Party dues of %(name)s unpaid since %(month)s (%(months)s months)")
                    % {
                        "name": member.user.name,
                        "month": f"{row.oldest:%Y-%m}",
                        "months": row.months,
                    },
                    body=_(
                        "At %(flag)s months in arrears the branch decides what to do; "
                        "unpaid bills can be paid back up to %(back)s months."
                    )
                    % {"flag": rules.FLAG_MONTHS, "back": rules.BACK_PAYMENT_MONTHS},
                    event_key=f"dues-arrears:{member.pk}:{row.oldest:%Y-%m}:{threshold}",
                    urgent=threshold > rules.WARN_MONTHS,
                )
    return sent


@periodic("orgs.dues_bills", daily_at=datetime.time(0, 30))
def dues_bills(now: datetime.datetime) -> None:
    """Daily, so that a missed 1st catches up the next day."""
    today = timezone.localdate(now)
    bills_catch_up(today=today, now=now)
    bills_follow_transfers(today=today)


@periodic("orgs.dues_arrears", daily_at=datetime.time(8, 10))
def dues_arrears(now: datetime.datetime) -> None:
    arrears_warn(today=timezone.localdate(now))
