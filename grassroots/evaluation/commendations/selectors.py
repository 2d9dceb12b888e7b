"""Reads of commendations: rounds in scope, a round's page, and the honours a person or a
Party organisation holds (for their records)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from grassroots.accounts.scope import Scope
from grassroots.evaluation.commendations import policy
from grassroots.evaluation.commendations.models import CommendationRound, Nomination
from grassroots.orgs.selectors import NoticeState, RecordSection, public_notice_state

NOTICE_KIND = "evaluation.commendation_round"


def round_list(scope: Scope) -> QuerySet[CommendationRound]:
    return (
        policy.visible_rounds(scope)
        .select_related("unit")
        .annotate(
            nomination_count=Count("nominations"),
            commended_count=Count(
                "nominations", filter=Q(nominations__status=Nomination.Status.COMMENDED)
            ),
        )
        .order_by("-year", "unit__path")
    )


def get_round_for(scope: Scope, pk: int) -> CommendationRound | None:
    """A round the user may open, or None (missing and out of scope alike)."""
    found = CommendationRound.objects.select_related("unit").filter(pk=pk).first()
    if found is None or not policy.can_view(scope, found):
        return None
    return found


def round_nominations(commendation_round: CommendationRound) -> list[Nomination]:
    return list(
        commendation_round.nominations.select_related(
            "branch", "member__user", "member__branch", "nominated_by", "decided_by"
        ).order_by("kind", "branch__path", "pk")
    )


def nomination_of_round(commendation_round: CommendationRound, pk: int | None) -> Nomination | None:
    if pk is None:
        return None
    return commendation_round.nominations.filter(pk=pk).first()


def round_notice_state(
    commendation_round: CommendationRound, *, today: datetime.date
) -> NoticeState | None:
    return public_notice_state(NOTICE_KIND, commendation_round.pk, today=today)


@dataclass(frozen=True)
class Honour:
    """An honour on a person's or an organisation's record."""

    year: int
    kind: str
    label: str
    awarded_by: str
    decided_on: datetime.date | None


def _honours(nominations: QuerySet[Nomination]) -> list[Honour]:
    rows = nominations.filter(status=Nomination.Status.COMMENDED).values_list(
        "round__year", "kind", "round__unit__name", "decided_on"
    )
    return [
        Honour(
            year=year,
            kind=kind,
            label=str(Nomination.Kind(kind).label),
            awarded_by=awarded_by,
            decided_on=decided_on,
        )
        for year, kind, awarded_by, decided_on in rows.order_by("-round__year", "kind")
    ]


def honours_of_user(user_id: int) -> list[Honour]:
    """The honours of a person's member record, newest first (one query)."""
    return _honours(Nomination.objects.filter(member__user_id=user_id))


def honours_of_unit(unit_id: int) -> list[Honour]:
    """The honours of a Party organisation (先进基层党组织), newest first (one query)."""
    return _honours(
        Nomination.objects.filter(branch_id=unit_id, kind=Nomination.Kind.ADVANCED_ORGANISATION)
    )


def profile_honours(user: object) -> dict[str, object]:
    """What a person's profile page shows of their honours (the accounts profile port)."""
    user_id = getattr(user, "pk", None)
    return {"honours": honours_of_user(user_id) if user_id else []}


def _section(key: str, honours: list[Honour]) -> RecordSection | None:
    if not honours:
        return None
    return RecordSection(
        key=key,
        title=_("Honours"),
        lines=tuple(f"{h.year} · {h.label} · {h.awarded_by}" for h in honours),
    )


def member_honours_section(user_id: int) -> RecordSection | None:
    """The honours on a member's record page (orgs' record port)."""
    return _section("honours", honours_of_user(user_id))


def unit_honours_section(unit_id: int) -> RecordSection | None:
    """The honours on a Party organisation's page (orgs' record port)."""
    return _section("honours", honours_of_unit(unit_id))
