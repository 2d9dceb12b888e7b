"""Who may see and change Party organisations and member records.

Every view and API endpoint asks these functions; none checks roles itself. Objects a
user may not see are answered with 404, exactly like missing ones (see the `get_*_for`
selectors).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from grassroots.accounts.scope import Scope
from grassroots.core.tree import within_any
from grassroots.orgs.models import Member, OrgUnit, Transfer


def can_view_unit(scope: Scope, unit: OrgUnit) -> bool:
    """Officers see their subtree; members see their own branch and group."""
    if scope.is_admin or scope.oversees(unit.path):
        return True
    return unit.pk is not None and unit.pk in (scope.branch_id, scope.group_id)


def can_view_unit_details(scope: Scope, unit: OrgUnit) -> bool:
    """Health warnings, member lists and structure: officers of the subtree only."""
    return scope.is_admin or scope.oversees(unit.path)


def can_manage_unit(scope: Scope, unit: OrgUnit) -> bool:
    """Change dates and departments, assign posts: officers whose subtree holds the unit."""
    return scope.is_admin or scope.oversees(unit.path)


def visible_units(scope: Scope) -> QuerySet[OrgUnit]:
    if scope.is_admin:
        return OrgUnit.objects.all()
    condition = within_any(scope.officer_paths)
    own = [pk for pk in (scope.branch_id, scope.group_id) if pk]
    if own:
        condition |= Q(pk__in=own)
    return OrgUnit.objects.filter(condition)


def units_in_oversight(scope: Scope) -> QuerySet[OrgUnit]:
    """Units whose details the user may see (officer subtrees)."""
    if scope.is_admin:
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(within_any(scope.officer_paths))


def can_list_members(scope: Scope) -> bool:
    return scope.is_admin or scope.is_officer


def visible_members(scope: Scope) -> QuerySet[Member]:
    """Member records a user may open: officers their subtree; everyone their own."""
    if scope.is_admin:
        return Member.objects.all()
    condition = within_any(scope.officer_paths, field="branch__path")
    if scope.user_id is not None:
        condition |= Q(user_id=scope.user_id)
    return Member.objects.filter(condition)


def listable_members(scope: Scope) -> QuerySet[Member]:
    """Member records shown in lists and exports (officer subtrees only)."""
    if scope.is_admin:
        return Member.objects.all()
    return Member.objects.filter(within_any(scope.officer_paths, field="branch__path"))


def can_view_member(scope: Scope, member: Member) -> bool:
    if scope.is_admin or member.user_id == scope.user_id:
        return True
    return scope.oversees(member.branch.path)


def can_edit_member(scope: Scope, member: Member) -> bool:
    """Officers of the member's branch or above; nobody edits their own record."""
    if member.user_id == scope.user_id and not scope.is_admin:
        return False
    return scope.is_admin or scope.oversees(member.branch.path)


def can_create_member_in(scope: Scope, branch: OrgUnit) -> bool:
    return scope.is_admin or scope.oversees(branch.path)


def can_view_id_card_number(scope: Scope, member: Member) -> bool:
    """The full ID number: the person themself and committee officers above them."""
    if scope.is_admin or member.user_id == scope.user_id:
        return True
    return scope.oversees_as_committee(member.branch.path)


def can_view_structure(scope: Scope, unit: OrgUnit) -> bool:
    return can_view_unit_details(scope, unit)


def can_import(scope: Scope, kind: str) -> bool:
    """Departments and employees are enterprise-wide: administrators and officers of a
    top-level committee. Member records: any officer, for branches in their subtree."""
    if scope.is_admin:
        return True
    if kind == "members":
        return scope.is_officer
    return scope.oversees_a_root


def can_view_departments(scope: Scope) -> bool:
    return scope.is_authenticated


def can_request_transfer(scope: Scope, member: Member) -> bool:
    """The sending side: officers over the member's branch (not for themselves)."""
    return can_edit_member(scope, member)


def can_decide_transfer(scope: Scope, to_branch: OrgUnit) -> bool:
    """The receiving side confirms (回执) or refuses (the services also refuse an answer
    from the person who asked)."""
    return scope.is_admin or scope.oversees(to_branch.path)


def can_withdraw_transfer(scope: Scope, transfer: Transfer) -> bool:
    return scope.is_admin or scope.oversees(transfer.from_branch.path)


def can_print_transfer_letter(scope: Scope, transfer: Transfer) -> bool:
    """The letter of introduction (组织关系介绍信) is the sending side's: officers over
    the branch the member leaves, for a transfer asked or confirmed (not one refused or
    withdrawn). Administrators manage the system, not the members' papers."""
    return scope.oversees(transfer.from_branch.path) and transfer.status in (
        Transfer.Status.PENDING,
        Transfer.Status.CONFIRMED,
    )


def transfers_in_scope(scope: Scope) -> QuerySet[Transfer]:
    """Transfers leaving or arriving at a branch this person oversees."""
    if scope.is_admin:
        return Transfer.objects.all()
    return Transfer.objects.filter(
        within_any(scope.officer_paths, field="from_branch__path")
        | within_any(scope.officer_paths, field="to_branch__path")
    )


def may_open_member_list(scope: Scope, user: Any = None) -> bool:
    return can_list_members(scope)


def may_open_transfers(scope: Scope, user: Any = None) -> bool:
    return scope.is_officer or scope.is_admin


def may_open_import(scope: Scope, user: Any = None) -> bool:
    return any(can_import(scope, kind) for kind in ("members", "employees"))
