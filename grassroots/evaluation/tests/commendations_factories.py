"""Commendation rounds for tests, moved through the services as people would."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from grassroots.evaluation.commendations import services
from grassroots.evaluation.commendations.models import CommendationRound, Nomination
from grassroots.orgs.publicity.models import PublicNotice


def open_round(world: Any, *, year: int | None = None) -> CommendationRound:
    return services.round_open(
        actor=world.committee_officer,
        unit=world.committee,
        year=year or timezone.localdate().year,
    )


def nominate(
    world: Any,
    commendation_round: CommendationRound,
    *,
    kind: str = Nomination.Kind.OUTSTANDING_MEMBER,
    member: Any = None,
    branch: Any = None,
    actor: Any = None,
    reason: str = "带头攻关，服务群众。",
) -> Nomination:
    return services.nomination_create(
        actor=actor or world.officer_a,
        commendation_round=commendation_round,
        branch=branch or world.branch_a,
        kind=kind,
        member=None
        if kind == Nomination.Kind.ADVANCED_ORGANISATION
        else (member or world.member_a),
        reason=reason,
    )


def in_notice(
    world: Any, *, days_ago: int = 1, days_left: int = 3
) -> tuple[CommendationRound, list[Nomination], PublicNotice]:
    """A round with a member and an organisation nominated and both in a public notice
    that runs from `days_ago` days before today to `days_left` days after."""
    commendation_round = open_round(world)
    chosen = [
        nominate(world, commendation_round),
        nominate(world, commendation_round, kind=Nomination.Kind.ADVANCED_ORGANISATION),
    ]
    services.round_publish(
        actor=world.committee_officer,
        commendation_round=commendation_round,
        chosen=[n.pk for n in chosen],
    )
    commendation_round.refresh_from_db()
    today = timezone.localdate()
    PublicNotice.objects.filter(pk=commendation_round.notice_id).update(
        starts_on=today - datetime.timedelta(days=days_ago),
        ends_on=today + datetime.timedelta(days=days_left),
    )
    notice = PublicNotice.objects.get(pk=commendation_round.notice_id)
    for nomination in chosen:
        nomination.refresh_from_db()
    return commendation_round, chosen, notice
