"""Posts held in a Party organisation; a post brings its roles (recorded once: the
post is the grant) and ends them when it ends."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import selectors as accounts
from grassroots.accounts.roles import Role
from grassroots.accounts.services import role_assign, role_end
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.core.notices import send
from grassroots.orgs import notices
from grassroots.orgs.models import Member, OrgPost, OrgUnit


def roles_for_post(unit_kind: str, post_kind: str) -> list[str]:
    """Roles a post brings with it (record once: the post is the grant)."""
    if post_kind == OrgPost.Kind.GROUP_LEADER:
        return []
    office = Role.BRANCH_OFFICER if unit_kind == OrgUnit.Kind.BRANCH else Role.COMMITTEE_OFFICER
    roles = [office.value]
    if post_kind == OrgPost.Kind.DISCIPLINE:
        roles.append(Role.DISCIPLINE_OFFICER.value)
    return roles


@transaction.atomic
def orgpost_assign(
    *,
    actor: Any,
    unit: OrgUnit,
    member: Member,
    kind: str,
    starts_on: datetime.date,
) -> OrgPost:
    """Give a member a post in an organisation; the post's roles follow automatically."""
    unit = locked(unit)
    errors: dict[str, str] = {}
    if not member.is_party_member:
        errors["member"] = _("Only a Party member in good standing can hold a post.")
    if (kind == OrgPost.Kind.GROUP_LEADER) != (unit.kind == OrgUnit.Kind.GROUP):
        errors["kind"] = (
            _("A Party group has a group leader and no other posts.")
            if unit.kind == OrgUnit.Kind.GROUP
            else _("Only a Party group has a group leader.")
        )
    if (
        kind in (OrgPost.Kind.SECRETARY, OrgPost.Kind.GROUP_LEADER)
        and unit.posts.filter(kind=kind, ends_on__isnull=True).exists()
    ):
        errors["kind"] = _("This organisation already has one; end the current post first.")
    if unit.posts.filter(member=member, kind=kind, ends_on__isnull=True).exists():
        errors["member"] = _("This member already holds this post.")
    if starts_on > timezone.localdate() + datetime.timedelta(days=366):
        errors["starts_on"] = _("The start date is too far in the future.")
    if errors:
        raise ValidationError(errors)
    post = OrgPost.objects.create(unit=unit, member=member, kind=kind, starts_on=starts_on)
    for role in roles_for_post(unit.kind, kind):
        role_assign(
            actor=actor, user=member.user, role=role, org_unit=unit, post=post, starts_on=starts_on
        )
    send(
        recipients=[member.user],
        kind=notices.POST_ASSIGNED.key,
        title=_("You are recorded as %(post)s of %(unit)s")
        % {"post": OrgPost.Kind(kind).label, "unit": unit.name},
        url=f"/orgs/units/{unit.pk}/",
        event_key=f"post:{post.pk}",
    )
    audit_record(
        actor=actor,
        action="orgpost.assign",
        target=post,
        after=snapshot(post, ("unit", "member", "kind", "starts_on")),
        org_path=unit.path,
    )
    return post


@transaction.atomic
def orgpost_end(*, actor: Any, post: OrgPost, ends_on: datetime.date) -> OrgPost:
    """End a post (and the roles it granted) on a day."""
    post = locked(post, related=("unit",))
    if post.ends_on is not None:
        raise ValidationError(_("This post has already ended."))
    if ends_on < post.starts_on:
        raise ValidationError({"ends_on": _("A post cannot end before it started.")})
    post.ends_on = ends_on
    post.save(update_fields=["ends_on"])
    for assignment in accounts.open_assignments_of_post(post.pk):
        role_end(actor=actor, assignment=assignment, ends_on=max(ends_on, assignment.starts_on))
    audit_record(
        actor=actor,
        action="orgpost.end",
        target=post,
        before={"ends_on": None},
        after={"ends_on": ends_on.isoformat()},
        org_path=post.unit.path,
    )
    return post
