"""The move of commitment ratings and deed answers to the one satisfaction scale
(migration 0003): stored values are rewritten, and rewritten back when reversed."""

from __future__ import annotations

import importlib

from django.apps import apps

from grassroots.accounts.tests.factories import UserFactory
from grassroots.service.models import CommitmentRating, DeedRating
from grassroots.service.tests.deeds_factories import done_deed
from grassroots.service.tests.test_commitments_services import published

migration = importlib.import_module("grassroots.service.migrations.0003_one_satisfaction_scale")


def _old_values(world):
    commitment = published(world)
    deed = done_deed(world)
    for score in ("satisfied", "partly", "not"):
        CommitmentRating.objects.create(commitment=commitment, user=UserFactory(), score="not")
        CommitmentRating.objects.filter(pk=CommitmentRating.objects.last().pk).update(score=score)
    for answer in ("yes", "partly", "no"):
        rating = DeedRating.objects.create(deed=deed, user=UserFactory(), delivered="not")
        DeedRating.objects.filter(pk=rating.pk).update(delivered=answer)


def _stored():
    return (
        sorted(CommitmentRating.objects.values_list("score", flat=True)),
        sorted(DeedRating.objects.values_list("delivered", flat=True)),
    )


def test_old_answers_are_rewritten_onto_the_one_scale(world):
    # given ratings stored with the old words
    _old_values(world)
    # when the migration runs forwards
    migration.forwards(apps, None)
    # then every value is one of satisfied / fairly / not
    assert _stored() == (["fairly", "not", "satisfied"], ["fairly", "not", "satisfied"])


def test_the_rewrite_can_be_reversed(world):
    # given ratings moved onto the one scale
    _old_values(world)
    migration.forwards(apps, None)
    # when the migration is reversed
    migration.backwards(apps, None)
    # then the old words come back
    assert _stored() == (["not", "partly", "satisfied"], ["no", "partly", "yes"])
