"""Sessions read from the shared cache and written through to the database (Django's
`cached_db`), used when Redis is configured (settings: GRASSROOTS_CACHE_URL).

Django's engine lets a cache error through where it checks that a key is free (at
sign-in), writes a session read from the database back to the cache, and deletes a
session: with Redis unreachable, signing in, every signed-in page and signing out
would fail. Here each of those falls back to the database, as reading and saving
already do, and says so in the log. One thing cannot fall back: a session signed out
while the cache is unreachable is deleted from the database but stays in the cache if
Redis kept its data; it is readable there until it would have idled out
(SESSION_COOKIE_AGE, the cache entry's own expiry) or its next write.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.contrib.sessions.backends.db import SessionStore as DbStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDbStore):
    @property
    def _shared(self) -> Any:
        return self._cache  # type: ignore[attr-defined]

    def load(self) -> dict[str, Any]:
        try:
            data = self._shared.get(self.cache_key)
        except Exception:  # any cache backend's error: the database has it
            logger.warning("sessions: the cache could not be read")
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()  # type: ignore[attr-defined]
        if not row:
            return {}
        data = self.decode(row.session_data)
        try:
            self._shared.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:
            logger.warning("sessions: the cache could not be written")
        return data

    def exists(self, session_key: str | None) -> bool:
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._shared:
                return True
        except Exception:
            logger.warning("sessions: the cache could not be read")
        return DbStore.exists(self, session_key)  # type: ignore[arg-type]

    def delete(self, session_key: str | None = None) -> None:
        DbStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._shared.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.error("sessions: a signed-out session could not be removed from the cache")
