"""Figures a periodic job works out ahead of time, for pages to read ready-made.

A group committee's home page shows the health of 11,000 organisations and the meeting
gaps of as many: half a second of reading, and in a group of a million employees some
row they depend on changes every few minutes, so a cache emptied on every change would
hardly ever be full. Instead the scheduler works them out every few minutes for the few
organisations whose officers need them and puts them in the shared cache (a folder or
Redis, the same for every web process); the page reads them there, says when they were
worked out, and works them out itself only when nothing fresh is there (a job that has
not run yet, a cleared cache).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

# Bumped when a published value's class changes shape (Oversight, UnitGaps, …).
VERSION = 1


@dataclass(frozen=True)
class Worked[Value]:
    value: Value
    at: datetime.datetime  # when it was worked out


class Published[Key: Hashable, Value]:
    def __init__(
        self,
        name: str,
        build: Callable[[Key], Value],
        *,
        key_text: Callable[[Key], str],
        fresh_for: datetime.timedelta,
    ) -> None:
        self.name = name
        self.build = build
        self.key_text = key_text
        self.fresh_for = fresh_for

    def publish(self, key: Key, *, now: datetime.datetime | None = None) -> Worked[Value]:
        """Work the figures out now and put them where every process reads them."""
        worked = Worked(self.build(key), now or timezone.now())
        try:
            cache.set(self._cache_key(key), worked, int(3 * self.fresh_for.total_seconds()))
        except Exception:  # any cache backend's error: the pages work them out themselves
            logger.warning("published %s: the cache could not be written", self.name)
        return worked

    def read(self, key: Key, *, now: datetime.datetime | None = None) -> Worked[Value] | None:
        """The figures worked out within `fresh_for`, or None."""
        try:
            worked = cache.get(self._cache_key(key))
        except Exception:  # any cache backend's error
            logger.warning("published %s: the cache could not be read", self.name)
            return None
        if not isinstance(worked, Worked):
            return None
        if (now or timezone.now()) - worked.at > self.fresh_for:
            return None
        return worked

    def publish_each(self, keys: list[Key], *, now: datetime.datetime) -> int:
        """`publish` for each key; one that fails is logged and the others go on (the
        pages work that one out themselves). Returns how many were published."""
        done = 0
        for key in keys:
            try:
                self.publish(key, now=now)
            except Exception:  # a statement timeout, a unit gone: not the others' problem
                logger.exception("published %s: %s could not be worked out", self.name, key)
            else:
                done += 1
        return done

    def _cache_key(self, key: Key) -> str:
        # VERSION: a value pickled by an older release is not read as this one's.
        return f"published:{VERSION}:{self.name}:{self.key_text(key)}"
