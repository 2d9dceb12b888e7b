"""Option lists for forms (appeal categories, departments), built once per process and
kept until what they are built from changes.

Every form showing the categories or the departments used to read them from the
database, twice on PostgreSQL (a server-side cursor), on every page. They change a few
times a year. An `OptionList` keeps what its `build` function returned, per process
and per key (the language, say), for as long as

- its version stamp in the shared cache (the same cache for every web process and
  worker: a folder or Redis) is unchanged: saving or deleting a row of the models it is
  built from gives it a new stamp — admin pages, services, imports that save row by
  row — so every process builds the list again at its next form (the stamp moves at the
  save and again at the commit); and
- at most `max_age` seconds (60): writes that send no signal — `bulk_create` of an
  import's new departments, `update()` of a tree move, SQL by hand — show within a
  minute, or at once where the code that makes them calls `rows_changed(Model)` (a tree
  move, the member import do).

Reading the stamp costs one cache read per list and form (about 40 µs from the file
cache); building a list, one query. A cleared or restarted cache gives a new stamp,
which is only a rebuild.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

MAX_AGE = 60.0

# model label ("orgs.member") -> the lists built from it
_following: dict[str, list[OptionList[Any, Any]]] = {}


def rows_changed(model: type[Model]) -> None:
    """A write that sends no signal (`update()`, `bulk_update`, `bulk_create`) changed
    rows of `model`: every list built from it is built again, as after a save."""
    for kept in _following.get(model._meta.label_lower, []):
        kept._changed()


class OptionList[Key: Hashable, Value]:
    def __init__(
        self,
        name: str,
        build: Callable[[Key], Value],
        *,
        models: Iterable[type[Model] | str],
        max_age: float = MAX_AGE,
    ) -> None:
        self.name = name
        self.build = build
        self.max_age = max_age
        self.stamp_key = f"option-list-stamp:{name}"
        self._kept: dict[Key, tuple[str, float, Value]] = {}
        self._pruned = time.monotonic()
        self._lock = threading.Lock()
        self.follow(*models)

    def follow(self, *models: type[Model] | str) -> None:
        """Build the list again when a row of these models is saved or deleted (for a
        model of an app above the list's own, handed in by that app at start-up), or
        when `rows_changed(model)` says a write without signals touched them."""
        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    self._changed, sender=model, weak=False, dispatch_uid=(self.stamp_key, model)
                )
            label = (model if isinstance(model, str) else model._meta.label).lower()
            if self not in _following.setdefault(label, []):
                _following[label].append(self)

    def __call__(self, key: Key) -> Value:
        stamp = self._stamp()
        if stamp is None:  # the cache cannot be read: build, keep nothing
            return self.build(key)
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and kept[0] == stamp and now - kept[1] < self.max_age:
            return kept[2]
        value = self.build(key)
        with self._lock:
            # What is past its age or stamp is never read again (yesterday's keys, say):
            # dropped here, at most once per max_age, so that a quiet week does not pile
            # up kept values and a list kept per person does not copy every person's
            # entry at each miss.
            if now - self._pruned >= self.max_age:
                self._kept = {
                    other: entry
                    for other, entry in self._kept.items()
                    if entry[0] == stamp and now - entry[1] < self.max_age
                }
                self._pruned = now
            self._kept[key] = (stamp, now, value)
        return value

    def changed(self) -> None:
        """The rows the list is built from changed: every process builds it again. A
        cache that cannot be written does not fail the save (the list's age limit
        still applies)."""
        with self._lock:
            self._kept.clear()
        try:
            cache.set(self.stamp_key, uuid.uuid4().hex, None)
        except Exception:  # any cache backend's error
            logger.warning("option list %s: the cache could not be written", self.stamp_key)

    def _changed(self, *, using: str | None = None, **_signal: Any) -> None:
        # Now, so that this process's next form shows the change (its own transaction
        # sees it), and again once committed: a process that built the list in between
        # read the rows as they were before.
        self.changed()
        transaction.on_commit(self.changed, using=using, robust=True)

    def _stamp(self) -> str | None:
        """The list's current stamp; None when the cache cannot be read."""
        try:
            stamp = cache.get(self.stamp_key)
            if stamp is None:
                cache.add(self.stamp_key, uuid.uuid4().hex, None)
                stamp = cache.get(self.stamp_key) or ""
        except Exception:  # any cache backend's error
            logger.warning("option list %s: the cache could not be read", self.stamp_key)
            return None
        return stamp
