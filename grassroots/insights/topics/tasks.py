"""Background work of the hot topics: one run, queued from the topics page."""

from __future__ import annotations

from django.tasks import task

from grassroots.insights.topics.models import TopicRun


@task
def perform_topic_run(run_id: int) -> None:
    from grassroots.insights.topics.services import run_perform

    run = TopicRun.objects.select_related("unit").filter(pk=run_id).first()
    if run is None or run.status != TopicRun.Status.QUEUED:
        return
    run_perform(run=run)
