"""Do generated appeals look like the ones the services write? Check both the same way.

    # the demo, replayed through the services, into a scratch PostgreSQL database
    createdb -h 127.0.0.1 -U postgres grassroots_bench_demo
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench_demo \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=… .venv/bin/python manage.py load_demo
    DATABASE_URL=… .venv/bin/python bench/appeals_check.py
    # a small generated set
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench_appeals_small \\
        .venv/bin/python bench/appeals_data.py --appeals 20000 --org-scale 0.01
    DATABASE_URL=… .venv/bin/python bench/appeals_check.py

Prints, for the database given, how many appeals break each invariant that the services
keep between an appeal's stored facts and its timeline, the status shares, the events
per appeal, and the three rates of the top committee over the last twelve months
(rates.rate_counts, as the rates page computes them).
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")


def main() -> None:
    import django

    django.setup()
    from django.db.models import Count, Exists, F, Min, OuterRef, Q, Subquery
    from django.utils import timezone

    from grassroots.appeals import rates
    from grassroots.appeals.models import OPEN_STATUSES, Appeal, AppealEvent, Rating
    from grassroots.appeals.routing import dispatcher_unit
    from grassroots.core.models import Deadline

    def has(kind: str | list[str]) -> Exists:
        kinds = [kind] if isinstance(kind, str) else kind
        return Exists(AppealEvent.objects.filter(appeal=OuterRef("pk"), kind__in=kinds))

    def count_of(kind: str) -> Subquery:
        return Subquery(
            AppealEvent.objects.filter(appeal=OuterRef("pk"), kind=kind)
            .order_by()
            .values("appeal")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )

    last_rating = Rating.objects.filter(appeal=OuterRef("pk")).order_by("-round")
    appeals = Appeal.objects.annotate(
        accepted_or_declined=has(["accepted", "declined"]),
        first_answer=Subquery(
            AppealEvent.objects.filter(appeal=OuterRef("pk"), kind="answered")
            .order_by()
            .values("appeal")
            .annotate(first=Min("created_at"))
            .values("first")[:1]
        ),
        reopen_events=count_of("reopened"),
        transfer_events=count_of("transferred"),
        submitted_events=count_of("submitted"),
        rated_events=count_of("rated"),
        rating_rows=Subquery(
            Rating.objects.filter(appeal=OuterRef("pk"))
            .order_by()
            .values("appeal")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        last_satisfaction=Subquery(last_rating.values("satisfaction")[:1]),
        last_resolved=Subquery(last_rating.values("resolved")[:1]),
        escalation=has(["escalated", "reopened"]),
    )
    closed_statuses = ["closed", "declined", "merged", "withdrawn"]
    invariants = {
        "open ⇔ has a current deadline": Q(status__in=OPEN_STATUSES, current_due_at__isnull=True)
        | (~Q(status__in=OPEN_STATUSES) & Q(current_due_at__isnull=False)),
        "responded_at ⇔ accepted/declined event": Q(
            responded_at__isnull=False, accepted_or_declined=False
        )
        | Q(responded_at__isnull=True, accepted_or_declined=True),
        "answered_at = first answer event": Q(answered_at__isnull=False)
        & ~Q(answered_at=F("first_answer"))
        | Q(answered_at__isnull=True, first_answer__isnull=False),
        "closed_at ⇔ a final status": Q(status__in=closed_statuses, closed_at__isnull=True)
        | (~Q(status__in=closed_statuses) & Q(closed_at__isnull=False)),
        "one submitted event": ~Q(submitted_events=1),
        "reopened = reopened events": ~Q(reopened=F("reopen_events"))
        & ~Q(reopened=0, reopen_events__isnull=True),
        "transfers = transferred events": ~Q(transfers=F("transfer_events"))
        & ~Q(transfers=0, transfer_events__isnull=True),
        "ratings = rated events": ~Q(rating_rows=F("rated_events"))
        & ~Q(rating_rows__isnull=True, rated_events__isnull=True),
        "satisfaction = last rating": (
            Q(last_satisfaction__isnull=False) & ~Q(satisfaction=F("last_satisfaction"))
        )
        | Q(last_satisfaction__isnull=True) & ~Q(satisfaction=""),
        "resolved = last rating": Q(last_resolved__isnull=False) & ~Q(resolved=F("last_resolved")),
        "escalated_at ⇔ escalated/reopened event": Q(escalated_at__isnull=False, escalation=False)
        | Q(escalated_at__isnull=True, escalation=True),
        "first unit ≠ unit only when transferred": ~Q(unit=F("first_unit")) & Q(transfers=0),
    }
    total = Appeal.objects.count()
    print(f"{total:,} appeals, {AppealEvent.objects.count():,} events")
    for label, condition in invariants.items():
        print(f"  {appeals.filter(condition).count():>8,}  break: {label}")
    stray = (
        Deadline.objects.filter(kind__startswith="appeals.", fired_at__isnull=True)
        .exclude(
            subject_id__in=[
                str(pk)
                for pk in Appeal.objects.filter(
                    status__in=[*OPEN_STATUSES, "answered"]
                ).values_list("pk", flat=True)
            ]
        )
        .count()
    )
    print(f"  {stray:>8,}  open deadlines of appeals no longer open or answered")
    statuses = dict(Appeal.objects.values_list("status").annotate(n=Count("pk")))
    print("  statuses: " + ", ".join(f"{k} {v / total:.1%}" for k, v in sorted(statuses.items())))
    kinds = dict(AppealEvent.objects.values_list("kind").annotate(n=Count("pk")))
    print(
        "  events per appeal: "
        + ", ".join(f"{k} {v / total:.2f}" for k, v in sorted(kinds.items()))
    )
    now = timezone.now()
    today = timezone.localdate()
    # The month a year ago up to today (the one period type: days, inclusive).
    period = rates.Period.custom(rates.Period.month(today.year - 1, today.month).first, today)
    root = dispatcher_unit()
    counts = rates.rate_counts(Appeal.objects.all(), period=period, now=now, unit_path=root.path)
    whole = counts.get(None) or rates.RateCounts()
    result = rates.rates_for(whole)
    print(f"  last 12 months at {root.name}: {whole}")
    print(f"  rates: {result}")
    _ = datetime


if __name__ == "__main__":
    main()
