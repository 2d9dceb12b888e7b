"""Send the same thing from several threads at once: a double tap, two tabs, a retry
that crosses the first answer. A service's idempotency key or row lock is what keeps
such a race to one record; each app's test asserts that about its own service."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once[T](send: Callable[[], T], *, times: int) -> tuple[list[T], list[BaseException]]:
    """Run `send` in `times` threads released together; what the calls returned and
    what they raised (a test usually wants the second empty).

    Each thread closes its own database connection when done, or the test database
    could not be dropped (the tests calling this run with `transaction=True`)."""
    barrier = threading.Barrier(times)
    returned: list[T] = []
    raised: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            returned.append(send())
        except BaseException as error:
            raised.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return returned, raised
