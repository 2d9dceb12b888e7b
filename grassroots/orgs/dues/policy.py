"""Who may see and keep the dues. The dues officer of a branch is its organisation
committee member (组织委员) — or its secretary where it has none; the committee's
organisation officers see the branches below their committee. The base is sensitive:
besides them, only the member sees their own. Administrators manage the system, not the
members' pay: they see no bases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from grassroots.core.tree import is_within

if TYPE_CHECKING:
    from grassroots.accounts.scope import Scope
    from grassroots.orgs.models import Member, OrgUnit


@dataclass(frozen=True)
class DuesOffices:
    """Where a person keeps the dues (selectors.dues_offices)."""

    branch_ids: frozenset[int] = frozenset()  # branches whose dues officer they are
    committee_paths: tuple[str, ...] = ()  # committees whose organisation officer they are
    member_id: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.branch_ids or self.committee_paths)


def can_keep(offices: DuesOffices, branch: OrgUnit) -> bool:
    """Record bases and payments, reverse, close the month: the branch's dues officer."""
    return branch.pk in offices.branch_ids


def can_view_branch(offices: DuesOffices, branch: OrgUnit) -> bool:
    return can_keep(offices, branch) or any(
        is_within(branch.path, path) for path in offices.committee_paths
    )


def can_see_base(offices: DuesOffices, member: Member) -> bool:
    return member.pk == offices.member_id or can_view_branch(offices, member.branch)


def has_own_dues(scope: Scope) -> bool:
    return scope.is_party_member and scope.member_id is not None


def may_open_dues(scope: Scope, user: object) -> bool:
    """The header's Dues entry: Party members (their own dues; officers reach their
    branches from there)."""
    return has_own_dues(scope)
