"""Riding out a database outage in the long-running processes (worker, scheduler).

A web request that meets a dead database fails and the next one tries again; a loop
that runs for weeks must not die instead. `DATABASE_ERRORS` are the errors that mean
"the connection or the server is gone"; `Backoff` says how long to wait before the
next try (1, 2, 4 … seconds, at most MAX_SECONDS), and `database_reset` drops the
broken connections so that the next query opens a new one.
"""

from __future__ import annotations

import contextlib
import logging

from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
FIRST_SECONDS = 1.0
MAX_SECONDS = 30.0


class Backoff:
    """Capped exponential back-off: 1, 2, 4, 8, 16, 30, 30 … seconds until `reset`."""

    def __init__(self, first: float = FIRST_SECONDS, cap: float = MAX_SECONDS) -> None:
        self.first = first
        self.cap = cap
        self.failures = 0

    def next_delay(self) -> float:
        delay = min(self.cap, self.first * 2**self.failures)
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0


def database_reset() -> None:
    """Close every connection so that the next query opens a new one. Called outside
    any transaction: `atomic` has already given up on a connection it could not roll
    back."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(Exception):  # the server is gone; nothing to do about it
            connection.close()


def database_unavailable(error: BaseException, delay: float, *, who: str) -> None:
    """The one log line an operator greps for during an outage."""
    logger.warning(
        "%s: database unavailable, retrying in %g s (%s: %s)",
        who,
        delay,
        type(error).__name__,
        str(error).strip().splitlines()[0] if str(error).strip() else "",
    )
