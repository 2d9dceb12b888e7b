"""Demo evaluation: each part builds its own records, in the order they lean on each other."""

from __future__ import annotations

import datetime

from grassroots.demo.evaluation_appraisal import build_appraisal
from grassroots.demo.evaluation_campaigns import build_campaigns
from grassroots.demo.evaluation_commendations import build_commendations
from grassroots.demo.evaluation_schemes import build_schemes
from grassroots.demo.evaluation_sixhaves import build_sixhaves


def build_evaluation(*, today: datetime.date, seed: int) -> None:
    build_schemes(today=today, seed=seed)
    build_campaigns(today=today, seed=seed)
    build_appraisal(today=today, seed=seed)
    build_commendations(today=today, seed=seed)
    build_sixhaves(today=today, seed=seed)
