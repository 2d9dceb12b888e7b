"""Who may see and run a service post.

- An active post and its public page are open to everyone, signed in or not: employees
  must be able to find it from a card on the wall. The public page shows holders' names
  and what was done on visits, never phone numbers or what was heard.
- The officers overseeing the post's branch (and administrators) run it: edit,
  deactivate, print its card, plan and cancel visits.
- The post's holders record its visits and turn what was heard into appeals.
- A deactivated post, and a visit's full record, are for those people only; everyone
  else gets 404, as for a missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from grassroots.accounts.scope import Scope
from grassroots.core.tree import within_any
from grassroots.orgs import policy as orgs_policy
from grassroots.orgs.vocabulary import UnitKind
from grassroots.service.models import ServicePost

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def can_manage_in(scope: Scope, unit: OrgUnit) -> bool:
    """Create posts for a branch, and run them: its officers, those above, admins."""
    return unit.kind == UnitKind.BRANCH and (scope.is_admin or scope.oversees(unit.path))


def can_manage(scope: Scope, post: ServicePost) -> bool:
    return scope.is_admin or scope.oversees(post.unit.path)


def is_holder(scope: Scope, post: ServicePost) -> bool:
    """Reads the prefetched holders when they are there (the post page prefetches them)."""
    if scope.user_id is None:
        return False
    return any(holder.pk == scope.user_id for holder in post.holders.all())


def can_view(scope: Scope, post: ServicePost) -> bool:
    return post.is_active or can_manage(scope, post) or is_holder(scope, post)


def sees_everything(scope: Scope, post: ServicePost) -> bool:
    """What was heard on visits, and the appeals raised to the post: holders and officers."""
    return can_manage(scope, post) or is_holder(scope, post)


def can_record_visits(scope: Scope, post: ServicePost) -> bool:
    return post.is_active and post.kind == ServicePost.Kind.MOBILE and sees_everything(scope, post)


def can_plan_visits(scope: Scope, post: ServicePost) -> bool:
    return post.is_active and post.kind == ServicePost.Kind.MOBILE and can_manage(scope, post)


def may_raise_appeal(scope: Scope, post: ServicePost) -> bool:
    """Any signed-in employee may address an appeal to an active post."""
    return post.is_active and scope.is_authenticated


def can_create_somewhere(scope: Scope) -> bool:
    return scope.is_admin or scope.is_officer


def units_to_manage(scope: Scope) -> QuerySet[OrgUnit]:
    """Branches this person may create posts for."""
    return (
        orgs_policy.units_in_oversight(scope)
        .filter(kind=UnitKind.BRANCH, is_active=True)
        .order_by("path")
    )


def managed_filter(scope: Scope) -> Any:
    """Posts this person runs (for the list of deactivated posts)."""
    return within_any(scope.officer_paths, field="unit__path")
