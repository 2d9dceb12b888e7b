"""Who holds which roles where: the facts every permission question starts from.

This is the access layer: `core` sits below it, `orgs` and every domain app above, and
it imports none of them. `scope_for(user)` is worked out once per request and kept on
the user; what it is built from (the roles held today and the membership: two queries)
is kept per process and person for at most 30 seconds (`core.option_lists`), and built
again at once in every process when a role, a member record, an organisation or a
department is saved or deleted, or a write without signals says so (`rows_changed`: a
tree move, the member import). Whether the person is an administrator is read from the
person of the request, never kept. The per-app `policy` modules answer "may this user
do that" from it.

A person's membership (their branch and group) is kept by `orgs`, which sits above: it
hands this layer a `MembershipSource` when Django starts (`orgs.apps`), so the arrow
between the two still points one way.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone

from grassroots.accounts.models import RoleAssignment
from grassroots.accounts.roles import ORG_ROLES, Role
from grassroots.core.option_lists import OptionList
from grassroots.core.tree import SEGMENT_WIDTH, is_within, outermost

_CACHE_ATTRIBUTE = "_grassroots_scope"


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    is_admin: bool = False
    # role -> tree paths of the Party organisations where it is held
    org_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # department tree paths where the user is liaison
    department_paths: tuple[str, ...] = ()
    # the user's own membership, when they have a member record
    member_id: int | None = None
    branch_id: int | None = None
    branch_path: str = ""
    group_id: int | None = None
    # a probationary or full member (not an applicant, activist or candidate)
    is_party_member: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def paths_for(self, *roles: str) -> tuple[str, ...]:
        paths: list[str] = []
        for role in roles:
            paths.extend(self.org_paths.get(role, ()))
        return tuple(outermost(paths))

    @property
    def officer_paths(self) -> tuple[str, ...]:
        """Subtrees the user oversees as a branch or committee officer."""
        return self.paths_for(Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER)

    @property
    def committee_paths(self) -> tuple[str, ...]:
        return self.paths_for(Role.COMMITTEE_OFFICER)

    @property
    def is_officer(self) -> bool:
        return bool(self.officer_paths)

    @property
    def is_committee_officer(self) -> bool:
        return bool(self.committee_paths)

    @property
    def is_member(self) -> bool:
        return self.member_id is not None

    def oversees(self, path: str) -> bool:
        """True when the path lies in a subtree the user oversees as an officer."""
        return any(is_within(path, root) for root in self.officer_paths)

    def oversees_as_committee(self, path: str) -> bool:
        return any(is_within(path, root) for root in self.committee_paths)

    @property
    def oversees_a_root(self) -> bool:
        """Officers of a top-level organisation see enterprise-wide records."""
        return any(len(path) == SEGMENT_WIDTH for path in self.committee_paths)


ANONYMOUS = Scope()


@dataclass(frozen=True)
class Membership:
    """A person's active member record, as far as permissions need it."""

    member_id: int
    branch_id: int | None
    branch_path: str
    group_id: int | None
    is_party_member: bool = False


MembershipSource = Callable[[int], Membership | None]
_membership_sources: list[MembershipSource] = []


def register_membership_source(
    source: MembershipSource, *, changed_by: Iterable[type[Model]] = ()
) -> None:
    """Called once by `orgs` at start-up with its reader of active member records and
    the models whose rows it reads (a save or delete there builds the scopes again)."""
    if source not in _membership_sources:
        _membership_sources.append(source)
    _kept_facts.follow(*changed_by)


def _membership_of(user_id: int) -> Membership | None:
    for source in _membership_sources:
        if (membership := source(user_id)) is not None:
            return membership
    return None


@dataclass(frozen=True)
class _Facts:
    """What a scope is built from, kept between requests (see the module's note)."""

    org_paths: tuple[tuple[str, tuple[str, ...]], ...]
    department_paths: tuple[str, ...]
    membership: Membership | None


def _facts(key: tuple[int, datetime.date]) -> _Facts:
    user_id, today = key
    org_paths: dict[str, list[str]] = {}
    department_paths: list[str] = []
    assignments = (
        RoleAssignment.objects.current(today)
        .filter(user_id=user_id)
        .values_list("role", "org_unit__path", "department__path")
    )
    for role, org_path, department_path in assignments:
        if role in ORG_ROLES and org_path:
            org_paths.setdefault(role, []).append(org_path)
        elif role == Role.DEPARTMENT_LIAISON and department_path:
            department_paths.append(department_path)
    return _Facts(
        org_paths=tuple((role, tuple(outermost(paths))) for role, paths in org_paths.items()),
        department_paths=tuple(outermost(department_paths)),
        membership=_membership_of(user_id),
    )


# Per person and day (a role ends at midnight); orgs adds its models at start-up.
_kept_facts = OptionList("accounts.scopes", _facts, models=[RoleAssignment], max_age=30.0)


def scope_for(user: Any) -> Scope:
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    facts = _kept_facts((user.pk, timezone.localdate()))
    membership = facts.membership
    member_fields: dict[str, Any] = {}
    if membership is not None:
        member_fields = {
            "member_id": membership.member_id,
            "branch_id": membership.branch_id,
            "branch_path": membership.branch_path,
            "group_id": membership.group_id,
            "is_party_member": membership.is_party_member,
        }
    scope = Scope(
        user_id=user.pk,
        is_admin=bool(user.is_superuser),
        org_paths=dict(facts.org_paths),
        department_paths=facts.department_paths,
        **member_fields,
    )
    setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


def forget_scope(user: Any) -> None:
    """Drop a cached scope (after a role change in the same request, and in tests)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)
