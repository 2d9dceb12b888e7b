"""Who may see and do what with a commitment. Out of scope = 404, as for a missing one.

- The member sees their own commitments in every state, drafts and edits them while they
  are drafts or returned, submits them, adds progress and writes the self-assessment.
- The officers who oversee the approving branch (its branch officers and the committee
  officers above it) see its commitments once submitted — a draft is the member's own
  work — approve or return them and add progress notes. Nobody approves their own.
- A published commitment is shown to the employees of the department it was published to
  and of the departments below it: a workshop member's commitment reaches the workshop's
  teams, a team member's commitment stays in the team. Those employees (not the member)
  rate it once at year end.
- Administrators may read every submitted commitment; approving is the branch's act.
- The rating counts and comments are shown to the member and the officers, never as a
  ranking and never to the other employees.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from grassroots.accounts.scope import Scope
from grassroots.core.tree import ancestor_paths, is_within, within_any
from grassroots.service.commitments import rules
from grassroots.service.models import Commitment
from grassroots.service.policy import is_party_member

SEEN_BY_OFFICERS = (
    Commitment.Status.SUBMITTED,
    Commitment.Status.RETURNED,
    Commitment.Status.PUBLISHED,
)
EDITABLE = (Commitment.Status.DRAFT, Commitment.Status.RETURNED)


def may_commit(user: Any) -> bool:
    """Probationary and full members in good standing make commitments."""
    return is_party_member(user)


def is_owner(scope: Scope, commitment: Commitment) -> bool:
    return scope.user_id is not None and commitment.member_id == scope.user_id


def can_review(scope: Scope, commitment: Commitment) -> bool:
    """Approve, return and add progress: officers over the approving branch."""
    return scope.oversees(commitment.unit.path)


def _published_to_me(user: Any, commitment: Commitment) -> bool:
    department = user.department
    return bool(
        commitment.status == Commitment.Status.PUBLISHED
        and department is not None
        and commitment.department is not None
        and is_within(department.path, commitment.department.path)
    )


def can_view(scope: Scope, user: Any, commitment: Commitment) -> bool:
    if is_owner(scope, commitment):
        return True
    if commitment.status in SEEN_BY_OFFICERS and (scope.is_admin or can_review(scope, commitment)):
        return True
    return _published_to_me(user, commitment)


def can_edit(scope: Scope, commitment: Commitment) -> bool:
    return is_owner(scope, commitment) and commitment.status in EDITABLE


def can_decide(scope: Scope, commitment: Commitment) -> bool:
    return (
        commitment.status == Commitment.Status.SUBMITTED
        and can_review(scope, commitment)
        and not is_owner(scope, commitment)
    )


def can_add_progress(scope: Scope, commitment: Commitment) -> bool:
    return commitment.status == Commitment.Status.PUBLISHED and (
        is_owner(scope, commitment) or can_review(scope, commitment)
    )


def can_assess(scope: Scope, commitment: Commitment, *, today: datetime.date) -> bool:
    return (
        is_owner(scope, commitment)
        and commitment.status == Commitment.Status.PUBLISHED
        and rules.assessment_open(commitment.year, today)
    )


def can_rate(scope: Scope, user: Any, commitment: Commitment, *, today: datetime.date) -> bool:
    """An employee of the department it was published to; never the member."""
    return (
        not is_owner(scope, commitment)
        and _published_to_me(user, commitment)
        and rules.assessment_open(commitment.year, today)
    )


def can_see_ratings(scope: Scope, commitment: Commitment) -> bool:
    return is_owner(scope, commitment) or scope.is_admin or can_review(scope, commitment)


def reviewable(scope: Scope) -> QuerySet[Commitment]:
    """Commitments of the branches this person oversees (drafts stay with the member)."""
    rows = Commitment.objects.filter(status__in=SEEN_BY_OFFICERS)
    if scope.is_admin:
        return rows
    return rows.filter(within_any(scope.officer_paths, field="unit__path"))


def published_to(user: Any) -> QuerySet[Commitment]:
    """Published commitments this employee may read: those published to their department
    or to a department above it."""
    department = user.department
    if department is None:
        return Commitment.objects.none()
    here_and_above = [*ancestor_paths(department.path), department.path]
    return Commitment.objects.filter(
        Q(status=Commitment.Status.PUBLISHED, department__path__in=here_and_above)
    )
