"""Each category's similarity index kept warm in the process, and the stamp that says
when it must be built again.

A check used to read the category's candidates and fit TF-IDF over them every time.
Now each process keeps the index of the categories it checked last (a small LRU) and
builds a category's again only when

- its stamp changed: the services change it whenever the candidates change (an appeal
  raised, a status moving into or out of the open ones, an appeal moving between
  categories, its tokens rewritten) through `services.steps.similar_changed`;
- the window moved to another day or `appeals.similar_months` changed (a check also
  leaves out, at query time, the candidates that have fallen out of the window since);
- it is older than MAX_AGE_SECONDS, which bounds the harm of a change the stamp missed
  (rows written around the services, a bump lost while the cache was unreachable).

Building again reads the candidates and parses only those the last index did not hold.

The stamp lives in the Django cache, shared by the web processes and the workers of an
installation (a folder in the data directory on one machine, Redis across machines).
Each bump writes a new random token, never one used before, so an index labelled with
the current token was built after the last change was made. A missing stamp (the cache
cleared or evicted) is created afresh, which means a rebuild; a cache that cannot be
read means a rebuild on every check, never a stale result. docs/architecture.md
("Similar appeals") says why the cache and not the database.
"""

from __future__ import annotations

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

Candidates = Sequence[tuple[int, str, datetime.datetime]]


@dataclass(frozen=True)
class _Warm:
    key: tuple[str, int, datetime.date]  # stamp, months, the window's first day
    since: datetime.datetime  # the window it was built for
    built_at: float  # time.monotonic()
    index: similarity.Index


_warm: OrderedDict[int, _Warm] = OrderedDict()
_lock = threading.Lock()


def _stamp_key(category_id: int) -> str:
    return f"appeals:similar:stamp:{category_id}"


def stamp(category_id: int) -> str | None:
    """The category's stamp; a new one when the cache has none; None when the cache
    cannot be read (then nothing is kept warm)."""
    key = _stamp_key(category_id)
    try:
        value = cache.get(key)
        if value is None:
            cache.add(key, secrets.token_hex(8), timeout=None)
            value = cache.get(key)  # ours, or the one another process added first
    except Exception:
        logger.warning("similar appeals: cannot read the stamp of category %s", category_id)
        return None
    return value if isinstance(value, str) else None


def stamp_bump(category_id: int) -> None:
    """The category's candidates changed: every process builds its index again on its
    next check."""
    try:
        cache.set(_stamp_key(category_id), secrets.token_hex(8), timeout=None)
    except Exception:
        logger.exception(
            "similar appeals: cannot change the stamp of category %s; its checks may miss "
            "the change for up to %d s",
            category_id,
            MAX_AGE_SECONDS,
        )


def warm_index(
    category_id: int,
    *,
    months: int,
    load: Callable[[datetime.datetime], Candidates],
) -> tuple[similarity.Index, datetime.datetime]:
    """The category's index and the window's start for a check now. `load(since)`
    reads the candidates (newest first) when the index must be built."""
    since = similarity.candidate_window(months)
    current = stamp(category_id)  # read before the candidates: a later change bumps it
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
        ):
            _warm.move_to_end(category_id)
            return warm.index, since
    # the candidates the last index already parsed are not parsed again
    index = similarity.index_build(load(since), previous=warm.index if warm else None)
    if current is not None:
        with _lock:
            _warm[category_id] = _Warm(key, since, now, index)
            _warm.move_to_end(category_id)
            while len(_warm) > WARM_CATEGORIES:
                _warm.popitem(last=False)
    return index, since


def forget() -> None:
    """Drop every warm index of this process (tests; after restoring a backup the
    processes are restarted anyway)."""
    with _lock:
        _warm.clear()
