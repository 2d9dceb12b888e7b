"""Demo evaluation: schemes."""

from __future__ import annotations

import datetime


def build_schemes(*, today: datetime.date, seed: int) -> None:
    """Nothing yet."""
