"""Each category's similarity index kept warm in the process, and the stamp that says
when it must be built again.

A check used to read the category's candidates and fit TF-IDF over them every time.
Now each process keeps the index of the categories it checked last (a small LRU) and
builds a category's again only when

- its stamp changed: the services change it whenever the candidates change other than
  by a new appeal (a status moving into or out of the open ones, an appeal moving
  between categories, its tokens rewritten) through `services.steps.similar_changed`;
- its additions stamp changed and it is REFRESH_SECONDS old (below);
- the window moved to another day or `appeals.similar_months` changed (a check also
  leaves out, at query time, the candidates that have fallen out of the window since);
- it is older than MAX_AGE_SECONDS, which bounds the harm of a change the stamp missed
  (rows written around the services, a bump lost while the cache was unreachable).

Building again reads the candidates and parses only those the last index did not hold.

A new appeal does not change the stamp: it changes the category's **additions stamp**
and is appended to the warm index of the process that raised it (both at the commit,
`appeal_added`). Another process builds again on an additions stamp it has not seen
only once its index is REFRESH_SECONDS old: in a burst of submissions each process
reads a category's candidates at most once every few seconds, not once per appeal.
Why that is enough: a process whose check misses an appeal A built its index before
A's commit (a build reads the additions stamp before the candidates, so one that read
the stamp after A's commit also read A), and it still trusted that index, so the index
was younger than REFRESH_SECONDS: a new appeal is offered everywhere within
REFRESH_SECONDS of its commit, at once in the process that raised it. The append
leaves the index labelled with the additions stamp of its build (another process's
change may come between the read of the stamp and ours: the file cache has no
compare-and-set), so the raising process too reads again once the index is
REFRESH_SECONDS old, the appended appeal among the candidates. An appeal that
leaves the open ones (or comes back, or moves) changes the stamp itself: every process
builds again at its next check, so a closed appeal is never offered.

The stamp lives in the Django cache, shared by the web processes and the workers of an
installation (a folder in the data directory on one machine, Redis across machines).
Each bump writes a new random token, never one used before, so an index labelled with
the current token was built after the last change was made. A missing stamp (the cache
cleared or evicted) is created afresh, which means a rebuild; a cache that cannot be
read means a rebuild on every check, never a stale result. docs/architecture.md
("Similar appeals") says why the cache and not the database.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from grassroots.appeals import similarity

logger = logging.getLogger(__name__)
WARM_CATEGORIES = 32  # categories kept per process; a few hundred KB each at most
MAX_AGE_SECONDS = 600.0
REFRESH_SECONDS = 5.0  # the longest a new appeal waits to be offered by another process

Candidates = Sequence[tuple[int, str, datetime.datetime]]


@dataclass(frozen=True)
class _Warm:
    key: tuple[str, int, datetime.date]  # stamp, months, the window's first day
    since: datetime.datetime  # the window it was built for
    built_at: float  # time.monotonic()
    index: similarity.Index
    added: str  # the additions stamp read before the candidates were


_warm: OrderedDict[int, _Warm] = OrderedDict()
_lock = threading.Lock()


def _stamp_key(category_id: int) -> str:
    return f"appeals:similar:stamp:{category_id}"


def _added_key(category_id: int) -> str:
    return f"appeals:similar:added:{category_id}"


def stamp(category_id: int) -> str | None:
    """The category's stamp; a new one when the cache has none; None when the cache
    cannot be read (then nothing is kept warm)."""
    return stamps(category_id)[0]


def stamps(category_id: int) -> tuple[str | None, str]:
    """The category's stamp and additions stamp, in one cache read; a new one for
    each the cache has none of; (None, "") when the cache cannot be read."""
    keys = (_stamp_key(category_id), _added_key(category_id))
    try:
        values = cache.get_many(keys)
        if len(values) < len(keys):
            for key in keys:
                if key not in values:
                    cache.add(key, secrets.token_hex(8), timeout=None)
            values = cache.get_many(keys)  # ours, or those another process added first
    except Exception:
        logger.warning("similar appeals: cannot read the stamp of category %s", category_id)
        return None, ""
    current, added = (values.get(key) for key in keys)
    if not isinstance(current, str) or not isinstance(added, str):
        return None, ""
    return current, added


def _bump(key: str, name: str, category_id: int, missed: str) -> None:
    """A new random value under `key`; a cache that cannot be written is logged (the
    checks then miss `missed` until the index is MAX_AGE_SECONDS old)."""
    try:
        cache.set(key, secrets.token_hex(8), timeout=None)
    except Exception:
        logger.exception(
            "similar appeals: cannot change the %s of category %s; its checks may miss %s "
            "for up to %d s",
            name,
            category_id,
            missed,
            MAX_AGE_SECONDS,
        )


def stamp_bump(category_id: int) -> None:
    """The category's candidates changed: every process builds its index again on its
    next check."""
    _bump(_stamp_key(category_id), "stamp", category_id, "the change")


def added_bump(category_id: int) -> None:
    """An appeal was added to the category's candidates: other processes read them
    again once their index is REFRESH_SECONDS old."""
    _bump(
        _added_key(category_id), "additions stamp", category_id, "a new appeal in other processes"
    )


def appeal_added(category_id: int, pk: int, tokens: str, created_at: datetime.datetime) -> None:
    """A new open appeal of the category, committed: appended to this process's warm
    index (so that this process offers it at once, without reading the candidates
    again), and the additions stamp changed for the others."""
    if tokens:
        _append(category_id, pk, tokens, created_at)
    added_bump(category_id)


APPEND_ATTEMPTS = 4  # then the appeal waits for the next build (REFRESH_SECONDS at most)


def _append(category_id: int, pk: int, tokens: str, created_at: datetime.datetime) -> None:
    """The appeal appended to the category's warm index, if one is warm. Two threads
    of a process may append at once, each to the index it read: the one that finds
    the other's index in place when it is done appends again, to that one, so that
    neither appeal is lost."""
    for _attempt in range(APPEND_ATTEMPTS):
        with _lock:
            warm = _warm.get(category_id)
        if warm is None or created_at < warm.since:
            return
        index = warm.index
        rows = [
            (int(p), index.parsed[int(p)].tokens, at)
            for p, at in zip(index.pks.tolist(), _created(index), strict=True)
            if int(p) != pk
        ]
        rows.append((pk, tokens, created_at))
        # the order and the length the candidates' query gives: newest first, one more
        # than a check takes
        rows.sort(key=lambda row: (row[2], row[0]), reverse=True)
        appended = similarity.index_build(rows[: similarity.CANDIDATES + 1], previous=index)
        with _lock:
            if _warm.get(category_id) is warm:  # nobody replaced it meanwhile
                _warm[category_id] = dataclasses.replace(warm, index=appended)
                return


def _created(index: similarity.Index) -> list[datetime.datetime]:
    return [datetime.datetime.fromtimestamp(at, tz=datetime.UTC) for at in index.created.tolist()]


def warm_index(
    category_id: int,
    *,
    months: int,
    load: Callable[[datetime.datetime], Candidates],
) -> tuple[similarity.Index, datetime.datetime]:
    """The category's index and the window's start for a check now. `load(since)`
    reads the candidates (newest first) when the index must be built."""
    since = similarity.candidate_window(months)
    # read before the candidates: a later change bumps them
    current, added = stamps(category_id)
    key = (current or "", months, timezone.localdate(since))
    now = time.monotonic()
    with _lock:
        warm = _warm.get(category_id)
        if (
            warm is not None
            and current is not None
            and warm.key == key
            and warm.since <= since
            and now - warm.built_at < MAX_AGE_SECONDS
            and (warm.added == added or now - warm.built_at < REFRESH_SECONDS)
        ):
            _warm.move_to_end(category_id)
            return warm.index, since
    # the candidates the last index already parsed are not parsed again
    index = similarity.index_build(load(since), previous=warm.index if warm else None)
    if current is not None:
        with _lock:
            _warm[category_id] = _Warm(key, since, now, index, added)
            _warm.move_to_end(category_id)
            while len(_warm) > WARM_CATEGORIES:
                _warm.popitem(last=False)
    return index, since


def forget() -> None:
    """Drop every warm index of this process (tests; after restoring a backup the
    processes are restarted anyway)."""
    with _lock:
        _warm.clear()
