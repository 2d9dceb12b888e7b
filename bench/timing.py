"""Time one scenario's requests in this process, and the figures a report row gives.

Shared by the request benchmarks (bench/appeals.py, bench/open311.py). The method is
bench/run.py's: the test client (every middleware, the view, the template),
time.perf_counter around the request, CaptureQueriesContext for the queries; --warmup
unmeasured requests first, then --requests measured ones. Import it after the script
has put bench/ on sys.path, as it does for bench/run.py.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import run  # bench/run.py: percentile


@dataclass
class Timings:
    """What the measured requests of one scenario took, one entry per request."""

    times: list[float] = field(default_factory=list)  # ms
    sql_times: list[float] = field(default_factory=list)  # ms
    queries: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # bytes
    slowest_sql: str = ""  # the slowest query of any measured request (for --explain)
    slowest_ms: float = 0.0
    last: Any = None  # the last measured response, for what a row says of its content

    def cells(self, decimals: int) -> list[str]:
        """p50, p95 and max ms, then the SQL time's p50 ms."""
        return [
            f"{value:.{decimals}f}"
            for value in (
                statistics.median(self.times),
                run.percentile(self.times, 0.95),
                max(self.times),
                statistics.median(self.sql_times),
            )
        ]


def time_requests(
    send: Callable[[], Any], check: Callable[[Any], None], *, requests: int, warmup: int
) -> Timings:
    """Make the request `send` makes `warmup` times, then `requests` times measured;
    `check` stops the run on an unexpected answer (a measured error page would look
    fast)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        check(send())
    result = Timings()
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = send()
            elapsed = (time.perf_counter() - started) * 1000
        check(response)
        queries = captured.captured_queries
        result.times.append(elapsed)
        result.queries.append(len(queries))
        result.sql_times.append(sum(float(q["time"]) for q in queries) * 1000)
        result.sizes.append(len(response.content))
        for query in queries:
            if float(query["time"]) * 1000 > result.slowest_ms:
                result.slowest_ms, result.slowest_sql = float(query["time"]) * 1000, query["sql"]
        result.last = response
    return result
