"""Reads for a person's own pages."""

from __future__ import annotations

from typing import Any

from grassroots.accounts.models import RoleAssignment, User
from grassroots.orgs.models import Member, OrgPost


def profile_context(user: User) -> dict[str, Any]:
    member = Member.objects.select_related("branch", "group").filter(user=user).first()
    roles = list(
        RoleAssignment.objects.current()
        .filter(user=user)
        .select_related("org_unit", "department")
        .order_by("role")
    )
    posts = (
        list(
            OrgPost.objects.filter(member=member, ends_on__isnull=True)
            .select_related("unit")
            .order_by("starts_on")
        )
        if member
        else []
    )
    department = user.department
    return {
        "profile_user": user,
        "department": department,
        "member": member,
        "roles": roles,
        "posts": posts,
    }
