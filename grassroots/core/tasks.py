"""Background tasks owned by core."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils import timezone

from grassroots.core.models import PeriodicRun
from grassroots.core.scheduling import JOBS

logger = logging.getLogger(__name__)


@task
def run_periodic_job(name: str) -> None:
    """Run one periodic job now (enqueued by the scheduler)."""
    job = JOBS.get(name)
    if job is None:
        logger.warning("Unknown periodic job %s", name)
        return
    job.func(timezone.now())
    PeriodicRun.objects.filter(name=name).update(last_finished_at=timezone.now())
