"""Venue bookings under contention (issue 16): 50 clients, each a thread with its own
database connection, released together to book the same slot of one venue through
grassroots.resources.services.booking_make. Checked after every round: exactly one
booking wins, every other client gets a ValidationError; the latency of each call is
recorded (p50, p95, max).

    # on a database with the demo (or bench/generate.py) loaded
    flock /tmp/bench.lock env DATABASE_URL=postgres://postgres@127.0.0.1:5432/grassroots_bench \\
        .venv/bin/python bench/resources.py --rounds 5

Works on SQLite too (then the writers queue on the database lock). The bench venue and
its bookings are removed at the end.
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from grassroots.accounts.models import User  # noqa: E402
from grassroots.core.workcalendar import is_workday  # noqa: E402
from grassroots.orgs.models import OrgUnit  # noqa: E402
from grassroots.resources import services  # noqa: E402
from grassroots.resources.models import Booking, Venue, VenueKind  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def a_workday(after: datetime.date) -> datetime.date:
    day = after
    while day.weekday() >= 5 or not is_workday(day):
        day += datetime.timedelta(days=1)
    return day


def one_round(
    venue: Venue, people: list[User], starts: datetime.datetime, latencies: list[float]
) -> tuple[list[Booking], list[ValidationError], list[BaseException]]:
    """Everyone books the hour from `starts` at once."""
    barrier = threading.Barrier(len(people))
    won: list[Booking] = []
    refused: list[ValidationError] = []
    failed: list[BaseException] = []
    lock = threading.Lock()

    def book(person: User) -> None:
        try:
            barrier.wait()
            began = time.perf_counter()
            outcome: Any
            try:
                outcome = services.booking_make(
                    actor=person,
                    venue=venue,
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=1),
                    purpose="bench",
                )
            except ValidationError as error:
                outcome = error
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                if isinstance(outcome, Booking):
                    won.append(outcome)
                else:
                    refused.append(outcome)
        except BaseException as error:
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, refused, failed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    unit = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    people = list(User.objects.filter(is_active=True).order_by("pk")[: args.clients])
    if unit is None or len(people) < args.clients:
        sys.exit("needs an organisation and enough users: load the demo or bench/generate.py")
    venue = Venue.objects.create(
        unit=unit,
        name=f"bench venue {time.time_ns()}",
        kind=VenueKind.MEETING_ROOM,
        capacity=10,
        hours={str(day): ["08:00", "18:00"] for day in range(7)},
    )
    tz = timezone.get_current_timezone()
    day = a_workday(timezone.localdate() + datetime.timedelta(days=2))
    latencies: list[float] = []
    try:
        for round_number in range(args.rounds):
            starts = datetime.datetime.combine(day, datetime.time(8 + round_number), tzinfo=tz)
            won, refused, failed = one_round(venue, people, starts, latencies)
            assert not failed, failed
            assert len(won) == 1, f"round {round_number}: {len(won)} won"
            assert len(refused) == args.clients - 1
            print(f"round {round_number + 1}: 1 won, {len(refused)} refused")
    finally:
        Booking.objects.filter(venue=venue).delete()
        venue.delete()
    milliseconds = [value * 1000 for value in latencies]
    print(
        f"{connection.vendor}: {len(milliseconds)} calls, {args.clients} clients x "
        f"{args.rounds} rounds; p50 {statistics.median(milliseconds):.0f} ms, "
        f"p95 {percentile(milliseconds, 0.95):.0f} ms, max {max(milliseconds):.0f} ms"
    )


if __name__ == "__main__":
    main()
