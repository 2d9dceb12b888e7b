"""Nightly: every published scheme of the current year (and last year's, whose late
figures — ratings given in January — still come in) is scored again, unless its scores
are final (released, and the objection window over)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from grassroots.core.scheduling import periodic
from grassroots.evaluation.schemes import services
from grassroots.evaluation.schemes.models import IndicatorScheme


@periodic("evaluation.scheme_scores", daily_at=datetime.time(2, 30))
def scheme_scores(now: datetime.datetime) -> int:
    today = timezone.localtime(now).date()
    schemes = IndicatorScheme.objects.filter(
        status=IndicatorScheme.Status.PUBLISHED, year__in=[today.year, today.year - 1]
    ).select_related("unit")
    return sum(
        services.scheme_score(scheme=scheme, today=today)
        for scheme in schemes
        if not services.scores_final(scheme, today)
    )
