"""Background work of indicator schemes: one scoring run, queued from the scheme page."""

from __future__ import annotations

from django.tasks import task

from grassroots.evaluation.schemes.models import ScoringRun


@task
def score_scheme(run_id: int) -> None:
    from grassroots.evaluation.schemes.services import run_perform

    run = ScoringRun.objects.select_related("scheme__unit").filter(pk=run_id).first()
    if run is None or not run.active:
        return
    run_perform(run=run)
