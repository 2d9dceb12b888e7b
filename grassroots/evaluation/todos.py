"""What waits on a person in `evaluation` (the read contract of `core.todo`): their
ballots in open campaigns, their self-assessment in an open democratic appraisal, the
objections to scores they must answer, and rectification items past their due day.

A fixed number of queries whatever the data: one per kind of thing the person can have
(ballots, self-assessment, rectifications for everyone; objections for committee
officers), each a count over indexed filters — subtrees by path prefix, never a loop
over units. Officer to-dos follow the officer roles: an administrator's technical power
over every organisation is not a to-do.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils.translation import ngettext_lazy

from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo, Urgency, counted, todo
from grassroots.core.tree import within_any
from grassroots.evaluation.appraisal.models import Appraisal, AppraisalParticipant
from grassroots.evaluation.campaigns import policy as campaigns_policy
from grassroots.evaluation.campaigns.models import Campaign, Elector, Rectification
from grassroots.evaluation.schemes import policy as schemes_policy
from grassroots.evaluation.schemes.models import Objection

# A ballot is "due soon" when its campaign closes within this many days.
CLOSING_SOON_DAYS = 2

# The filters of the lists the to-dos link to (`?show=` on the campaigns page,
# `?objections=` on the schemes page).
SHOW_BALLOTS = "ballots"
SHOW_MY_OVERDUE = "my_overdue"
SHOW_MANAGED_OVERDUE = "managed_overdue"
OPEN_OBJECTIONS = "open"


# --- The querysets the linked lists show (the same filters the counts use) ---------------


def ballots_waiting(user: Any, *, today: datetime.date) -> QuerySet[Elector]:
    """The person's places on the roll of campaigns open today where they have not voted."""
    return Elector.objects.filter(
        user=user,
        voted_on__isnull=True,
        campaign__status=Campaign.Status.OPEN,
        campaign__opens_on__lte=today,
        campaign__closes_on__gte=today,
    )


def _officer(scope: Scope) -> Scope:
    return dataclasses.replace(scope, is_admin=False)


def _overdue(today: datetime.date) -> QuerySet[Rectification]:
    return Rectification.objects.filter(due_on__lt=today).exclude(status=Rectification.Status.DONE)


def _managed_condition(scope: Scope) -> Q:
    """Rectifications in campaigns the officer runs (by their roles)."""
    officer = _officer(scope)
    if not officer.officer_paths:
        return Q(pk__in=[])
    campaigns = Campaign.objects.filter(campaigns_policy.managed(officer)).values("pk")
    return Q(campaign_id__in=campaigns)


def my_overdue_rectifications(user: Any, *, today: datetime.date) -> QuerySet[Rectification]:
    """Items of a rectification plan the person owns, past their due day and not done."""
    return _overdue(today).filter(owner=user)


def managed_overdue_rectifications(
    scope: Scope, user: Any, *, today: datetime.date
) -> QuerySet[Rectification]:
    """Overdue items in campaigns the officer runs, owned by someone else (their own are
    in `my_overdue_rectifications`)."""
    return _overdue(today).filter(_managed_condition(scope)).exclude(owner=user)


def _objections_condition(scope: Scope) -> Q:
    officer = _officer(scope)
    return Q(
        answered_at__isnull=True,
        assessment__scheme__unit__kind__in=schemes_policy.SCHEME_OWNERS,
    ) & within_any(officer.committee_paths, field="assessment__scheme__unit__path")


def objections_waiting(scope: Scope) -> QuerySet[Objection]:
    """Objections to scores of schemes the committee officer manages, not yet answered."""
    return Objection.objects.filter(_objections_condition(scope))


# --- The to-dos ------------------------------------------------------------------------


def todos_for(scope: Scope, user: Any, *, today: datetime.date) -> list[Todo]:
    """What waits on this person in evaluation, counted (zeros left out), each with the
    page where exactly these are acted on. Three queries, four for a committee officer."""
    return counted(
        [
            _ballots(user, today),
            _self_assessment(user),
            *_rectifications(scope, user, today),
            *_objections(scope),
        ]
    )


def _ballots(user: Any, today: datetime.date) -> Todo:
    soon = today + datetime.timedelta(days=CLOSING_SOON_DAYS)
    found = ballots_waiting(user, today=today).aggregate(
        count=Count("pk"),
        soon=Count("pk", filter=Q(campaign__closes_on__lte=soon)),
        campaign=Max("campaign_id"),
    )
    count = found["count"] or 0
    url = (
        reverse("evaluation:campaign_vote", args=[found["campaign"]])
        if count == 1
        else reverse("evaluation:campaigns") + f"?show={SHOW_BALLOTS}"
    )
    return todo(
        "evaluation.ballots",
        ngettext_lazy(
            "%(count)d evaluation campaign waits for your ballot",
            "%(count)d evaluation campaigns wait for your ballot",
            "count",
        ),
        count,
        url,
        Urgency.DUE_SOON if found["soon"] else Urgency.WAITING,
    )


def _self_assessment(user: Any) -> Todo:
    found = AppraisalParticipant.objects.filter(
        member__user=user,
        self_assessed_at__isnull=True,
        appraisal__status=Appraisal.Status.OPEN,
    ).aggregate(count=Count("pk"), appraisal=Max("appraisal_id"))
    count = found["count"] or 0
    url = (
        reverse("evaluation:appraisal_self", args=[found["appraisal"]])
        if count == 1
        else reverse("evaluation:appraisals")
    )
    return todo(
        "evaluation.self_assessment",
        ngettext_lazy(
            "%(count)d democratic appraisal waits for your self-assessment",
            "%(count)d democratic appraisals wait for your self-assessment",
            "count",
        ),
        count,
        url,
    )


def _rectifications(scope: Scope, user: Any, today: datetime.date) -> list[Todo]:
    mine = Q(owner=user)
    found = _overdue(today).aggregate(
        mine=Count("pk", filter=mine),
        managed=Count("pk", filter=_managed_condition(scope) & ~mine),
    )
    campaigns = reverse("evaluation:campaigns")
    return [
        todo(
            "evaluation.my_rectifications_overdue",
            ngettext_lazy(
                "%(count)d rectification item of yours is overdue",
                "%(count)d rectification items of yours are overdue",
                "count",
            ),
            found["mine"],
            f"{campaigns}?show={SHOW_MY_OVERDUE}",
            Urgency.PAST_DUE,
        ),
        todo(
            "evaluation.rectifications_overdue",
            ngettext_lazy(
                "%(count)d rectification item is overdue in the campaigns you run",
                "%(count)d rectification items are overdue in the campaigns you run",
                "count",
            ),
            found["managed"],
            f"{campaigns}?show={SHOW_MANAGED_OVERDUE}",
            Urgency.PAST_DUE,
        ),
    ]


def _objections(scope: Scope) -> list[Todo]:
    if not scope.committee_paths:
        return []
    found = objections_waiting(scope).aggregate(
        count=Count("pk"),
        schemes=Count("assessment__scheme_id", distinct=True),
        scheme=Max("assessment__scheme_id"),
    )
    count = found["count"] or 0
    url = (
        reverse("evaluation:scheme", args=[found["scheme"]]) + "#open-objections"
        if found["schemes"] == 1
        else reverse("evaluation:schemes") + f"?objections={OPEN_OBJECTIONS}"
    )
    return [
        todo(
            "evaluation.objections",
            ngettext_lazy(
                "%(count)d objection to scores waits for your answer",
                "%(count)d objections to scores wait for your answer",
                "count",
            ),
            count,
            url,
        )
    ]
