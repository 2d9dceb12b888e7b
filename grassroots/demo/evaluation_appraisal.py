"""Demo evaluation: appraisal."""

from __future__ import annotations

import datetime


def build_appraisal(*, today: datetime.date, seed: int) -> None:
    """Nothing yet."""
