"""Send the same thing from several threads at once: a double tap, two tabs, a retry
that crosses the first answer, two officers pressing together. A service's idempotency
key or row lock is what keeps such a race to one record; each app's test asserts that
about its own service."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once[T](*calls: Callable[[], T], times: int = 1) -> tuple[list[T], list[BaseException]]:
    """Run each call `times` times, every run in its own thread, all released together;
    what the runs returned and what they raised (a test usually wants one of the two
    empty, or a count of each).

    Each thread closes its own database connection when done, or the test database
    could not be dropped (the tests calling this run with `transaction=True`)."""
    runs = [call for call in calls for _ in range(times)]
    barrier = threading.Barrier(len(runs))
    returned: list[T] = []
    raised: list[BaseException] = []

    def run(call: Callable[[], T]) -> None:
        try:
            barrier.wait()
            returned.append(call())
        except BaseException as error:
            raised.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return returned, raised
