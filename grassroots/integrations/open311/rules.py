"""The Open311 vocabulary over plain values: statuses, dates, lists, titles. No database."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Collection

from django.utils.dateparse import parse_date, parse_datetime

OPEN = "open"
CLOSED = "closed"
MAX_WINDOW = datetime.timedelta(days=90)  # the specification's longest date range
TITLE_LENGTH = 30  # a title made from the description's first words (the form's size)
WHOLE = re.compile(r"[0-9]{1,9}\Z")
CODE = re.compile(r"[-a-zA-Z0-9_]{1,40}\Z")


# An idempotency key: long enough not to be guessed or shared by chance, and without
# "/" or "." so that tokens/{token}.json can find it again.
IDEMPOTENCY_KEY = re.compile(r"[^/.\s]{16,64}\Z")


class ParameterError(ValueError):
    """A query parameter that cannot be read; the message names it."""


def public_status(status: str, open_statuses: Collection[str]) -> str:
    """An appeal status as Open311 has it: open while someone is working on it, closed
    once answered, closed, declined, merged or withdrawn."""
    return OPEN if status in open_statuses else CLOSED


def statuses_wanted(raw: str) -> set[str]:
    """`status=open`, `closed` or both, comma separated; empty means both."""
    wanted = {part.strip().lower() for part in raw.split(",") if part.strip()}
    if not wanted <= {OPEN, CLOSED}:
        raise ParameterError("status: use open, closed or both (open,closed)")
    return wanted or {OPEN, CLOSED}


def moment(raw: str, name: str, zone: datetime.tzinfo) -> datetime.datetime | None:
    """A W3C date-time ("2026-12-01T00:00:00Z", "2026-12-01T08:00:00+08:00") or a
    date ("2026-12-01": its start); without an offset it is the enterprise's local time."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = datetime.datetime.combine(day, datetime.time()) if day else None
    except ValueError:
        value = None
    if value is None:
        raise ParameterError(f"{name}: use a W3C date-time such as 2026-12-01T00:00:00+08:00")
    return value if value.tzinfo else value.replace(tzinfo=zone)


def window(
    start: datetime.datetime | None, end: datetime.datetime | None, *, now: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """The requested_datetime range searched: at most 90 days, the 90 days before `end`
    (or now) when no start is given, the 90 days from `start` when no end is."""
    if start is None and end is None:
        return now - MAX_WINDOW, now
    if start is None:
        assert end is not None
        return end - MAX_WINDOW, end
    if end is None:
        return start, start + MAX_WINDOW
    if end < start:
        raise ParameterError("end_date: comes before start_date")
    if end - start > MAX_WINDOW:
        raise ParameterError("start_date, end_date: the range spans at most 90 days")
    return start, end


def listed(raw: str, name: str, *, most: int) -> list[str]:
    """A comma-separated list, without blanks and repeats, at most `most` long."""
    items = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if len(items) > most:
        raise ParameterError(f"{name}: at most {most} values")
    return items


def codes(raw: str) -> list[str]:
    items = listed(raw, "service_code", most=50)
    bad = [item for item in items if not CODE.match(item)]
    if bad:
        raise ParameterError(f"service_code: no such service code {bad[0][:40]!r}")
    return items


def bounded_int(raw: str, name: str, *, default: int, low: int, high: int) -> int:
    raw = raw.strip()
    if not raw:
        return default
    # Not str.isdigit: "²" is a digit to it, and int() refuses it (and 5,000 nines).
    if not WHOLE.match(raw) or not low <= int(raw) <= high:
        raise ParameterError(f"{name}: a whole number from {low} to {high}")
    return int(raw)


def title_from(description: str, length: int = TITLE_LENGTH) -> str:
    """A title for a request that has none (the specification has no title): the
    description's first line, cut at `length` characters with an ellipsis."""
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    return first if len(first) <= length else first[: length - 1] + "…"


def truthy(raw: str) -> bool:
    return raw.strip().lower() in {"true", "1", "yes", "on"}


def stored_key(key: str, owner_pk: int | None) -> str:
    """The idempotency key as the appeal keeps it. A named request's key is the
    owner's own (two clients using the same scheme do not collide, and nobody learns
    whether another used a key); an anonymous request's is nobody's — scoping it by
    its sender would tie the appeal to them. Either way apart from the web form's keys."""
    if owner_pk is None:
        return "o311a:" + hashlib.sha256(key.encode()).hexdigest()[:56]
    return "o311:" + hashlib.sha256(f"{owner_pk}:{key}".encode()).hexdigest()[:56]
