"""A scoring run and an assessor's change at the same time: the assessor's change waits
for the run (the batch's assessments are locked before their scores are read) and then
counts, in the score and in the total (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from grassroots.evaluation import rules as evaluation_rules
from grassroots.evaluation.schemes import rules, services
from grassroots.evaluation.schemes.models import Assessment, IndicatorScore
from grassroots.evaluation.tests.schemes_factories import scored
from grassroots.service.tests.deeds_factories import backdate, make_deed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TODAY = datetime.date(2026, 12, 6)
RELEASED = datetime.date(2026, 12, 1)  # the run on TODAY is within the objection window


def _during_a_run(
    world: Any, monkeypatch: Any, scheme: Any, change: Callable[[], Any]
) -> list[BaseException]:
    """Score `scheme` again and, once the run has read its scores (and before it writes
    them), make `change` from another connection. Branch A has an overdue deed since
    the last run, so the run changes its scores and total."""
    backdate(make_deed(world), due_on=TODAY - datetime.timedelta(days=1))
    has_read = threading.Event()
    compute = rules.earned

    def slow(*args: Any, **kwargs: Any) -> Any:
        if not has_read.is_set():
            has_read.set()
            time.sleep(1)  # the change happens now, between the run's read and its write
        return compute(*args, **kwargs)

    monkeypatch.setattr(rules, "earned", slow)
    failures: list[BaseException] = []

    def run(call: Callable[[], Any], wait: bool) -> None:
        try:
            if wait:
                assert has_read.wait(10)
            call()
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run, args=(lambda: services.scheme_score(scheme=scheme, today=TODAY), False)
        ),
        threading.Thread(target=run, args=(change, True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def _total_from_scores(assessment: Assessment) -> Decimal | None:
    return evaluation_rules.unit_total(
        [(s.indicator.points, s.earned) for s in assessment.scores.select_related("indicator")]
    )


def test_a_judgement_made_during_a_run_keeps_its_score_and_counts_in_the_total(world, monkeypatch):
    scheme = scored(world, year=2026)
    score = IndicatorScore.objects.get(assessment__unit=world.branch_a, indicator__name="服务场所")

    def judge() -> Any:
        return services.score_judge(
            actor=world.committee_officer, score=score, earned=Decimal(15), reason="有活动室"
        )

    assert _during_a_run(world, monkeypatch, scheme, judge) == []
    score.refresh_from_db()
    assessment = Assessment.objects.get(scheme=scheme, unit=world.branch_a)
    assert score.earned == Decimal(15)
    # 0 + 0 + 15 (one overdue deed) + 15 (judged) of 100
    assert assessment.total == _total_from_scores(assessment) == Decimal("30.00")


def test_an_answered_objection_during_a_run_keeps_its_score_and_counts_in_the_total(
    world, monkeypatch
):
    scheme = scored(world, year=2026, release_on=RELEASED)
    assessment = Assessment.objects.get(scheme=scheme, unit=world.branch_a)
    overdue = scheme.dimensions.get(name="服务群众").indicators.get(name="办实事逾期")
    objection = services.objection_lodge(
        actor=world.officer_a,
        assessment=assessment,
        indicator=overdue,
        text="逾期已说明",
        today=RELEASED + datetime.timedelta(days=1),
    )

    def answer() -> Any:
        return services.objection_answer(
            actor=world.committee_officer,
            objection=objection,
            answer="核实后调整",
            new_score=Decimal(5),
        )

    assert _during_a_run(world, monkeypatch, scheme, answer) == []
    score = IndicatorScore.objects.get(assessment=assessment, indicator=overdue)
    assessment.refresh_from_db()
    assert score.overridden and score.earned == Decimal(5)
    # the run's figure (one overdue deed) is kept, but not its points: the answer's are
    assert score.value == Decimal(1)
    # 0 + 0 + 5 (the answer) + 10 (judged by hand before the release) of 100
    assert assessment.total == _total_from_scores(assessment) == Decimal("15.00")
