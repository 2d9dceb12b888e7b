"""What waits on a person in the service carriers, for the home page (see core.todo)."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from grassroots.accounts.scope import Scope
from grassroots.core.todo import Todo, Urgency, counted, todo
from grassroots.service.activities import selectors as activities
from grassroots.service.commitments import policy as commitment_policy
from grassroots.service.commitments import rules as commitment_rules
from grassroots.service.commitments import selectors as commitments
from grassroots.service.deeds import policy as deed_policy
from grassroots.service.deeds import selectors as deeds
from grassroots.service.models import Commitment
from grassroots.service.pairings import policy as pairing_policy
from grassroots.service.pairings.selectors import visit_days


def todos_for(
    scope: Scope, user: Any, *, today: datetime.date, now: datetime.datetime
) -> list[Todo]:
    """Officers: commitments to review, deeds overdue or poorly rated, pairings without a
    visit. Members: their own pairings due a visit, their commitment for the year.
    Everyone: the activities they signed up for. A fixed number of queries."""
    if not scope.is_authenticated:
        return []
    found: list[Todo] = []
    if scope.is_officer:
        found += _officer(scope, today)
    found += _pairings(scope, user, today)
    if commitment_policy.may_commit(user):
        found += _commitment(user, today)
    found += _activities(user, now)
    found += _deeds_to_rate(scope)
    return found


def _officer(scope: Scope, today: datetime.date) -> list[Todo]:
    to_review = commitments.review_queue(scope).count()
    flagged = {
        flag: deeds.public_deeds(
            deeds.ListFilters(flagged=flag), today=today, officer_paths=scope.officer_paths
        ).count()
        for flag in (deeds.OVERDUE, deeds.POORLY_RATED)
        if deed_policy.can_see_flags(scope)
    }
    overdue, poorly = flagged.get(deeds.OVERDUE, 0), flagged.get(deeds.POORLY_RATED, 0)
    deed_list = reverse("service:deeds")
    return counted(
        [
            todo(
                "service.deeds_overdue",
                ngettext_lazy(
                    "%(count)d practical deed is past its due date",
                    "%(count)d practical deeds are past their due date",
                    "count",
                ),
                overdue,
                f"{deed_list}?flagged={deeds.OVERDUE}",
                Urgency.PAST_DUE,
            ),
            todo(
                "service.commitments_to_review",
                ngettext_lazy(
                    "%(count)d commitment waiting for your approval",
                    "%(count)d commitments waiting for your approval",
                    "count",
                ),
                to_review,
                reverse("service:commitments") + "#queue-title",
            ),
            todo(
                "service.deeds_poorly_rated",
                ngettext_lazy(
                    "%(count)d practical deed rated poorly by employees",
                    "%(count)d practical deeds rated poorly by employees",
                    "count",
                ),
                poorly,
                f"{deed_list}?flagged={deeds.POORLY_RATED}",
            ),
        ]
    )


def _pairings(scope: Scope, user: Any, today: datetime.date) -> list[Todo]:
    """Pairings without a visit for the rule's number of days: the person's own (a visit
    for them to make) and, for officers, the others they oversee. One query, and one
    for the parameter."""
    days = visit_days()
    counts = (
        pairing_policy.visible_pairings(dataclasses.replace(scope, is_admin=False))
        .filter(ended_on__isnull=True)
        .alias(reference=Coalesce("last_visit_on", "started_on"))
        .filter(reference__lte=today - datetime.timedelta(days=days))
        .aggregate(
            mine=Count("pk", filter=Q(member_id=user.pk)),
            others=Count("pk", filter=~Q(member_id=user.pk)),
        )
    )
    link = reverse("service:pairings") + f"?unvisited={days}"
    return counted(
        [
            todo(
                "service.my_visits_due",
                ngettext_lazy(
                    "%(count)d person you are paired with has had no visit for %(days)d days",
                    "%(count)d people you are paired with have had no visit for %(days)d days",
                    "count",
                ),
                counts["mine"],
                link,
                Urgency.PAST_DUE,
                days=days,
            ),
            todo(
                "service.pairings_unvisited",
                ngettext_lazy(
                    "%(count)d pairing you oversee has had no visit for %(days)d days",
                    "%(count)d pairings you oversee have had no visit for %(days)d days",
                    "count",
                ),
                counts["others"],
                link,
                Urgency.PAST_DUE,
                days=days,
            ),
        ]
    )


def _commitment(user: Any, today: datetime.date) -> list[Todo]:
    """A commitment returned for changes; or none written yet for this year."""
    rows = list(
        Commitment.objects.filter(
            member=user, year__in=commitment_rules.draftable_years(today)
        ).values_list("year", "status")
    )
    returned = sorted(year for year, status in rows if status == Commitment.Status.RETURNED)
    if returned:
        return [
            Todo(
                "service.commitment_returned",
                _("Your commitments for %(year)d were returned for changes")
                % {"year": returned[0]},
                1,
                reverse("service:commitments") + "#mine-title",
            )
        ]
    if today.year not in {year for year, _status in rows}:
        return [
            Todo(
                "service.commitment_missing",
                _("You have not written your commitments for %(year)d yet") % {"year": today.year},
                1,
                reverse("service:commitment_new"),
            )
        ]
    return []


def _activities(user: Any, now: datetime.datetime) -> list[Todo]:
    coming = activities.my_signups(user, coming_after=now).count()
    return counted(
        [
            todo(
                "service.activities_coming",
                ngettext_lazy(
                    "%(count)d activity coming up that you signed up for",
                    "%(count)d activities coming up that you signed up for",
                    "count",
                ),
                coming,
                reverse("service:mine") + "?view=coming",
            )
        ]
    )


def _deeds_to_rate(scope: Scope) -> list[Todo]:
    waiting = deeds.waiting_for_rating(scope).count()
    return counted(
        [
            todo(
                "service.deeds_to_rate",
                ngettext_lazy(
                    "%(count)d practical deed you follow is done: was it delivered?",
                    "%(count)d practical deeds you follow are done: were they delivered?",
                    "count",
                ),
                waiting,
                reverse("service:deeds") + "?to_rate=1",
            )
        ]
    )
