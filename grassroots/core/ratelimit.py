"""Counting attempts per key in a time window, in the shared cache.

Keys are keyed hashes (of a client's address, of a tracking code), so the cache holds
neither, and each key expires with its window.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    proxies = settings.AXES_IPWARE_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies and forwarded:
        parts = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(parts) >= proxies:
            address = parts[-proxies]
    return hashed(address)


def hashed(value: str) -> str:
    """A cache key for a value that must not be stored as it is."""
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def too_many(
    bucket: str, key: str, *, limit: int, window_seconds: int = 3600, count: bool = True
) -> bool:
    """True when `key` has already used up `limit` attempts in the window. With
    count=True this attempt is counted too."""
    name = f"ratelimit:{bucket}:{key}"
    used = cache.get(name, 0)
    if used >= limit:
        return True
    if count:
        if cache.add(name, 1, timeout=window_seconds):
            return False
        try:
            cache.incr(name)
        except ValueError:
            cache.set(name, 1, timeout=window_seconds)
    return False


def reset(bucket: str, key: str) -> None:
    cache.delete(f"ratelimit:{bucket}:{key}")
