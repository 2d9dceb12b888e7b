"""Test settings: fast hashing, immediate tasks, no lockout noise between tests."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import DATA_DIR, DATABASES

DEBUG = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "grassroots.appeals.hashers.PinHasher",
]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = DATA_DIR / "test-media"
LOGGING = {"version": 1, "disable_existing_loggers": False}

# A file, not memory, for the SQLite test database: the worker tests start real worker
# processes that must see the same data.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-grassroots.sqlite3")}
GRASSROOTS_WEBHOOK_ALLOW_LOOPBACK = True
GRASSROOTS_MESSENGER_ALLOW_HTTP_LOOPBACK = True
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "s"},
}
# As a deployment with Redis runs (base.py): sessions from the cache, through to the database.
SESSION_ENGINE = "grassroots.accounts.sessions"
