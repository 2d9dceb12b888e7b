"""Every write to departments, Party organisations, member records and posts.

Each service is atomic, locks the row it changes, saves with update_fields, writes an
audit entry and raises ValidationError (keyed by field) with a message a person can
act on when the change is not allowed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.accounts.services import role_assign, role_end
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.notices import send
from grassroots.core.tree import TreeError
from grassroots.orgs import member_order, notices, rules
from grassroots.orgs.models import Department, Member, OrgPost, OrgUnit, Transfer

DEPARTMENT_FIELDS = ("code", "name", "kind", "parent", "is_active")
ORGUNIT_FIELDS = (
    "code",
    "name",
    "kind",
    "parent",
    "founded_on",
    "term_ends_on",
    "is_joint",
    "is_temporary",
    "is_active",
)
MEMBER_FIELDS = (
    "stage",
    "status",
    "branch",
    "group",
    "applied_on",
    "activist_on",
    "candidate_on",
    "admitted_on",
    "full_on",
    "birth_date",
    "gender",
    "ethnicity",
    "education",
    "is_mobile",
    "is_lost_contact",
    "id_card_number",
)
STAGE_DATE_FIELDS = ("applied_on", "activist_on", "candidate_on", "admitted_on", "full_on")
STAGE_DATE_LABELS = {
    name: Member._meta.get_field(name).verbose_name  # type: ignore[union-attr]
    for name in STAGE_DATE_FIELDS
}
MIN_APPLICATION_AGE = 18


# --- Departments ------------------------------------------------------------------------


@transaction.atomic
def department_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str = Department.Kind.OFFICE,
    parent: Department | None = None,
) -> Department:
    """Add a department to the administrative tree."""
    code = code.strip()
    if Department.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Another department already uses this code.")})
    department = Department.tree_insert(
        Department(code=code, name=name.strip(), kind=kind, parent=parent)
    )
    audit_record(
        actor=actor,
        action="department.create",
        target=department,
        after=snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


@transaction.atomic
def department_update(*, actor: Any, department: Department, **changes: Any) -> Department:
    """Change a department's fields; a new parent moves its whole subtree."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = snapshot(department, DEPARTMENT_FIELDS)
    new_parent = changes.pop("parent", department.parent)
    for name, value in changes.items():
        setattr(department, name, value)
    department.save(update_fields=list(changes) or None)
    if (new_parent.pk if new_parent else None) != department.parent_id:
        try:
            Department.tree_move(department, new_parent)
        except TreeError:
            raise ValidationError(
                {"parent": _("A department cannot be placed under itself or its own teams.")}
            ) from None
    audit_record(
        actor=actor,
        action="department.update",
        target=department,
        before=before,
        after=snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


# --- Party organisations ----------------------------------------------------------------


def _check_parent(kind: str, parent: OrgUnit | None) -> None:
    if not rules.parent_kind_allowed(kind, parent.kind if parent else None):
        raise ValidationError(
            {
                "parent": _("A %(kind)s cannot be placed under %(parent)s.")
                % {
                    "kind": OrgUnit.Kind(kind).label,
                    "parent": OrgUnit.Kind(parent.kind).label if parent else _("nothing"),
                }
            }
        )


@transaction.atomic
def orgunit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None = None,
    departments: Iterable[Department] = (),
    founded_on: datetime.date | None = None,
    term_ends_on: datetime.date | None = None,
    is_joint: bool = False,
    is_temporary: bool = False,
) -> OrgUnit:
    """Found a Party organisation under a parent of a fitting kind."""
    _check_parent(kind, parent)
    code = code.strip()
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Another Party organisation already uses this code.")})
    unit = OrgUnit.tree_insert(
        OrgUnit(
            code=code,
            name=name.strip(),
            kind=kind,
            parent=parent,
            founded_on=founded_on,
            term_ends_on=term_ends_on if kind != OrgUnit.Kind.GROUP else None,
            is_joint=is_joint,
            is_temporary=is_temporary,
        )
    )
    department_list = list(departments)
    if department_list:
        unit.departments.set(department_list)
    audit_record(
        actor=actor,
        action="orgunit.create",
        target=unit,
        after=snapshot(unit, ORGUNIT_FIELDS) | {"departments": [d.pk for d in department_list]},
        org_path=unit.path,
    )
    return unit


@transaction.atomic
def orgunit_update(
    *,
    actor: Any,
    unit: OrgUnit,
    departments: Iterable[Department] | None = None,
    **changes: Any,
) -> OrgUnit:
    """Change a Party organisation: name, dates, flags, departments covered, parent."""
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, ORGUNIT_FIELDS) | {
        "departments": sorted(unit.departments.values_list("pk", flat=True))
    }
    if "kind" in changes and changes["kind"] != unit.kind:
        raise ValidationError({"kind": _("The kind of an organisation cannot be changed.")})
    changes.pop("kind", None)
    new_parent = changes.pop("parent", unit.parent)
    if (new_parent.pk if new_parent else None) != unit.parent_id:
        _check_parent(unit.kind, new_parent)
    for name, value in changes.items():
        setattr(unit, name, value)
    if changes:
        unit.save(update_fields=list(changes))
    if (new_parent.pk if new_parent else None) != unit.parent_id:
        try:
            OrgUnit.tree_move(unit, new_parent)
        except TreeError:
            raise ValidationError(
                {"parent": _("An organisation cannot be placed under itself or its own units.")}
            ) from None
        # The branches below have new paths: their members' list keys follow.
        member_order.list_keys_refresh(Member.objects.filter(branch__path__startswith=unit.path))
    if departments is not None:
        unit.departments.set(list(departments))
    after = snapshot(unit, ORGUNIT_FIELDS) | {
        "departments": sorted(unit.departments.values_list("pk", flat=True))
    }
    audit_record(
        actor=actor,
        action="orgunit.update",
        target=unit,
        before=before,
        after=after,
        org_path=unit.path,
    )
    return unit


# --- Member records ---------------------------------------------------------------------


def member_errors(values: dict[str, Any], *, today: datetime.date) -> dict[str, str]:
    """Field → message for everything wrong with a member record's values.

    Shared by the form path and the spreadsheet import, so both refuse the same things
    with the same words. Expects model instances for branch and group.
    """
    errors: dict[str, str] = {}
    branch: OrgUnit | None = values.get("branch")
    group: OrgUnit | None = values.get("group")
    if branch is None:
        errors["branch"] = _("Choose the branch this person belongs to.")
    elif branch.kind != OrgUnit.Kind.BRANCH:
        errors["branch"] = _("“%(name)s” is not a branch.") % {"name": branch.name}
    if group is not None and branch is not None and group.parent_id != branch.pk:
        errors["group"] = _("The Party group “%(group)s” does not belong to “%(branch)s”.") % {
            "group": group.name,
            "branch": branch.name,
        }

    for name in (*STAGE_DATE_FIELDS, "birth_date"):
        day = values.get(name)
        if day is not None and day > today:
            errors[name] = _("This date is in the future.")
    previous_name = None
    for name in STAGE_DATE_FIELDS:
        day = values.get(name)
        if day is None:
            continue
        if previous_name is not None and day < values[previous_name]:
            errors.setdefault(
                name,
                _("This date comes before an earlier step (%(step)s).")
                % {"step": STAGE_DATE_LABELS[previous_name]},
            )
        previous_name = name

    stage = str(values.get("stage") or "")
    required_date = {
        Member.Stage.ACTIVIST.value: "activist_on",
        Member.Stage.CANDIDATE.value: "candidate_on",
        Member.Stage.PROBATIONARY.value: "admitted_on",
        Member.Stage.FULL.value: "full_on",
    }.get(stage)
    if required_date and values.get(required_date) is None:
        errors.setdefault(
            required_date,
            _("Give the date this person reached the stage “%(stage)s”.")
            % {"stage": Member.Stage(stage).label},
        )

    number = values.get("id_card_number") or ""
    birth = values.get("birth_date")
    if number:
        if not rules.is_valid_id_card_number(number):
            errors["id_card_number"] = _(
                "This is not a valid 18-character resident ID number (check the last character)."
            )
        elif birth is not None and number[6:14] != birth.strftime("%Y%m%d"):
            errors["birth_date"] = _("The date of birth does not match the ID number.")
    applied = values.get("applied_on")
    if (
        birth is not None
        and applied is not None
        and rules.age_on(birth, applied) < MIN_APPLICATION_AGE
    ):
        errors.setdefault(
            "applied_on",
            _("An applicant must be at least %(age)s years old on the day of application.")
            % {"age": MIN_APPLICATION_AGE},
        )
    return errors


def member_fill_from_id_card(values: dict[str, Any]) -> None:
    """Record once: date of birth and gender follow from a valid ID number when empty."""
    number = values.get("id_card_number") or ""
    if not rules.is_valid_id_card_number(number):
        return
    if values.get("birth_date") is None:
        values["birth_date"] = datetime.date(
            int(number[6:10]), int(number[10:12]), int(number[12:14])
        )
    if not values.get("gender"):
        values["gender"] = Member.Gender.MALE if int(number[16]) % 2 else Member.Gender.FEMALE


@transaction.atomic
def member_create(*, actor: Any, user: User, **values: Any) -> Member:
    """Open a member record for an employee (applicant or any later stage)."""
    if Member.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This employee already has a member record.")})
    values.setdefault("status", Member.Status.NORMAL)
    values["id_card_number"] = (values.get("id_card_number") or "").strip().upper()
    member_fill_from_id_card(values)
    errors = member_errors(values, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    member = Member.objects.create(user=user, **values)
    audit_record(
        actor=actor,
        action="member.create",
        target=member,
        after=snapshot(member, MEMBER_FIELDS),
        org_path=member.branch.path,
    )
    return member


@transaction.atomic
def member_update(*, actor: Any, member: Member, **changes: Any) -> Member:
    """Change a member record; the same checks as on creation apply to the result."""
    member = (
        Member.objects.select_for_update(of=("self",))
        .select_related("branch", "group")
        .get(pk=member.pk)
    )
    before = snapshot(member, MEMBER_FIELDS)
    if "id_card_number" in changes:
        changes["id_card_number"] = (changes["id_card_number"] or "").strip().upper()
    values = {name: getattr(member, name) for name in MEMBER_FIELDS} | changes
    group = values["group"]
    if (
        "branch" in changes
        and "group" not in changes
        and group
        and group.parent_id != values["branch"].pk
    ):
        values["group"] = None  # a move to another branch leaves the old branch's group
    member_fill_from_id_card(values)
    errors = member_errors(values, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    changed = [name for name in MEMBER_FIELDS if values[name] != getattr(member, name)]
    old_branch_path = member.branch.path
    for name in changed:
        setattr(member, name, values[name])
    if changed:
        # A new branch moves the record in the member list's order: the key is written
        # from the new branch's path (MemberListKeyField.pre_save).
        keyed = ["list_key"] if "branch" in changed else []
        member.save(update_fields=[*changed, *keyed, "updated_at"])
    audit_record(
        actor=actor,
        action="member.update",
        target=member,
        before=before,
        after=snapshot(member, MEMBER_FIELDS),
        org_path=member.branch.path if "branch" not in changed else old_branch_path,
    )
    _end_posts_of(member, actor=actor)
    return member


def _end_posts_of(member: Member, *, actor: Any) -> None:
    """Posts need a Party member in good standing; a record that stops being one ends them."""
    if member.is_party_member:
        return
    for post in OrgPost.objects.filter(member=member, ends_on__isnull=True).select_related("unit"):
        orgpost_end(actor=actor, post=post, ends_on=timezone.localdate())


# --- Posts held -------------------------------------------------------------------------


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
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
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
    post = OrgPost.objects.select_for_update().select_related("unit").get(pk=post.pk)
    if post.ends_on is not None:
        raise ValidationError(_("This post has already ended."))
    if ends_on < post.starts_on:
        raise ValidationError({"ends_on": _("A post cannot end before it started.")})
    post.ends_on = ends_on
    post.save(update_fields=["ends_on"])
    for assignment in RoleAssignment.objects.filter(post=post, ends_on__isnull=True):
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


# --- Transfers within the enterprise ------------------------------------------------------


def _transfer_officers(*units: OrgUnit) -> list[User]:
    ids = (
        RoleAssignment.objects.current()
        .filter(org_unit__in=units, role=Role.BRANCH_OFFICER)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


@transaction.atomic
def transfer_request(
    *,
    actor: Any,
    member: Member,
    to_branch: OrgUnit,
    to_group: OrgUnit | None,
    effective_on: datetime.date,
    reason: str,
) -> Transfer:
    """The sending branch asks the receiving branch to take a member in."""
    member = (
        Member.objects.select_for_update(of=("self",)).select_related("branch").get(pk=member.pk)
    )
    errors: dict[str, str] = {}
    if to_branch.kind != OrgUnit.Kind.BRANCH or not to_branch.is_active:
        errors["to_branch"] = _("Choose an active branch.")
    elif to_branch.pk == member.branch_id:
        errors["to_branch"] = _("The member already belongs to this branch.")
    if to_group is not None and (to_group.kind != OrgUnit.Kind.GROUP or not to_group.is_active):
        errors["to_group"] = _("Choose an active Party group.")
    elif to_group is not None and to_group.parent_id != to_branch.pk:
        errors["to_group"] = _("The Party group “%(group)s” does not belong to “%(branch)s”.") % {
            "group": to_group.name,
            "branch": to_branch.name,
        }
    if not reason.strip():
        errors["reason"] = _("Say why the member moves.")
    if Transfer.objects.filter(member=member, status=Transfer.Status.PENDING).exists():
        errors["to_branch"] = _("A transfer of this member is already waiting for an answer.")
    if errors:
        raise ValidationError(errors)
    transfer = Transfer.objects.create(
        member=member,
        from_branch=member.branch,
        from_group=member.group,
        to_branch=to_branch,
        to_group=to_group,
        effective_on=effective_on,
        reason=reason.strip(),
        requested_by=actor,
    )
    send(
        recipients=_transfer_officers(to_branch),
        kind=notices.TRANSFER.key,
        title=_("%(name)s is to move from %(from)s to your branch: please confirm")
        % {"name": member.user.name, "from": member.branch.name},
        url="/orgs/transfers/",
        event_key=f"transfer:{transfer.pk}:requested",
    )
    audit_record(
        actor=actor,
        action="transfer.request",
        target=transfer,
        after=snapshot(
            transfer, ("member", "from_branch", "to_branch", "to_group", "effective_on")
        ),
        org_path=member.branch.path,
    )
    return transfer


@transaction.atomic
def transfer_decide(*, actor: Any, transfer: Transfer, confirm: bool, answer: str = "") -> Transfer:
    """The receiving branch confirms (the member moves, history kept) or refuses (with
    the reason). Both branches are told."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member__user", "from_branch", "to_branch", "to_group")
        .get(pk=transfer.pk)
    )
    if transfer.status != Transfer.Status.PENDING:
        raise ValidationError(_("This transfer has already been answered."))
    if (
        transfer.requested_by_id is not None
        and getattr(actor, "pk", None) == transfer.requested_by_id
    ):
        raise ValidationError(_("The receiving branch answers: not the person who asked."))
    member = Member.objects.select_for_update(of=("self",)).get(pk=transfer.member_id)
    if confirm and member.branch_id != transfer.from_branch_id:
        raise ValidationError(_("The member is no longer in the branch that asked; ask again."))
    if not confirm and not answer.strip():
        raise ValidationError({"answer": _("Say why the branch cannot take the member in.")})
    transfer.status = Transfer.Status.CONFIRMED if confirm else Transfer.Status.REFUSED
    transfer.answer = answer.strip()
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "answer", "decided_by", "decided_at"])
    if confirm:
        # Posts held in the old branch (and the roles they give) end with the move.
        for post in OrgPost.objects.filter(
            member=member, ends_on__isnull=True, unit__path__startswith=transfer.from_branch.path
        ):
            orgpost_end(actor=actor, post=post, ends_on=max(post.starts_on, timezone.localdate()))
        member_update(
            actor=actor, member=member, branch=transfer.to_branch, group=transfer.to_group
        )
    title = (
        _("%(name)s has moved to %(to)s")
        if confirm
        else _("%(to)s cannot take %(name)s in: %(answer)s")
    ) % {"name": transfer.member.user.name, "to": transfer.to_branch.name, "answer": answer}
    send(
        recipients=_transfer_officers(transfer.from_branch, transfer.to_branch),
        kind=notices.TRANSFER.key,
        title=title,
        url="/orgs/transfers/",
        event_key=f"transfer:{transfer.pk}:decided",
    )
    audit_record(
        actor=actor,
        action="transfer.confirm" if confirm else "transfer.refuse",
        target=transfer,
        after={"status": transfer.status, "answer": transfer.answer},
        org_path=transfer.to_branch.path,
    )
    return transfer


@transaction.atomic
def transfer_withdraw(*, actor: Any, transfer: Transfer) -> Transfer:
    """The sending branch takes back a request not yet answered."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member__user", "to_branch")
        .get(pk=transfer.pk)
    )
    if transfer.status != Transfer.Status.PENDING:
        raise ValidationError(_("This transfer has already been answered."))
    transfer.status = Transfer.Status.WITHDRAWN
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    send(
        recipients=_transfer_officers(transfer.to_branch),
        kind=notices.TRANSFER.key,
        title=_("The transfer of %(name)s to your branch was withdrawn")
        % {"name": transfer.member.user.name},
        url="/orgs/transfers/",
        event_key=f"transfer:{transfer.pk}:withdrawn",
    )
    audit_record(
        actor=actor, action="transfer.withdraw", target=transfer, org_path=transfer.from_branch.path
    )
    return transfer
