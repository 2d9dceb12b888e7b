"""Two officers pressing at the same instant: one publication of a round, one decision
on a nomination, one answer to an objection — the other is refused and changes nothing
(the rows are locked; run on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from grassroots.core.testing.races import at_once
from grassroots.evaluation.commendations import services
from grassroots.evaluation.commendations.models import Nomination
from grassroots.evaluation.tests.commendations_factories import in_notice, nominate, open_round
from grassroots.orgs.publicity import services as publicity
from grassroots.orgs.publicity.models import NoticeObjection, PublicNotice

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_two_publications_of_a_round_at_once_make_one_notice(world):
    commendation_round = open_round(world)
    nomination = nominate(world, commendation_round)

    def publish() -> Any:
        return services.round_publish(
            actor=world.committee_officer,
            commendation_round=commendation_round,
            chosen=[nomination.pk],
        )

    done, refused = at_once(publish, publish)
    assert len(done) == 1 and [type(e) for e in refused] == [ValidationError]
    assert PublicNotice.objects.count() == 1


def test_two_answers_to_one_objection_at_once_keep_one(world):
    _round, _chosen, notice = in_notice(world)
    objection = publicity.objection_lodge(
        actor=world.employee, notice=notice, text="异议", anonymous=True
    )

    def answer(text: str) -> Callable[[], Any]:
        return lambda: publicity.objection_answer(
            actor=world.committee_officer, objection=objection, answer=text
        )

    done, refused = at_once(answer("甲"), answer("乙"))
    assert len(done) == 1 and [type(e) for e in refused] == [ValidationError]
    assert NoticeObjection.objects.get().answer == done[0].answer


def test_two_decisions_at_once_keep_the_first(world):
    _round, (nomination, _unit), _notice = in_notice(world, days_ago=8, days_left=-1)

    def decide(commended: bool) -> Callable[[], Any]:
        return lambda: services.nomination_decide(
            actor=world.committee_officer, nomination=nomination, commended=commended
        )

    done, refused = at_once(decide(True), decide(False))
    assert len(done) == 1 and [type(e) for e in refused] == [ValidationError]
    assert Nomination.objects.get(pk=nomination.pk).status == done[0].status
