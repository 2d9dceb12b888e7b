"""Writes to member records: open one, change one (the checks shared with the import).

Each service is atomic, locks the row it changes, saves with update_fields and writes
an audit entry.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.orgs import rules
from grassroots.orgs.models import Member, OrgPost, OrgUnit, Transfer
from grassroots.orgs.services.posts import orgpost_end
from grassroots.orgs.status_history import (
    StatusState,
    change_errors,
    history_rows,
    latest_change,
    raise_history_errors,
)

if TYPE_CHECKING:
    from grassroots.accounts.models import User

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
    "left_on",
    "leaving_reason",
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


def move_on_record_reason() -> str:
    """The reason written on a transfer recorded for a branch changed on the record."""
    return _("Branch changed on the member record")


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

    for name in (*STAGE_DATE_FIELDS, "birth_date", "left_on"):
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


def member_date_leaving(
    member: Member | None, values: dict[str, Any], *, today: datetime.date
) -> None:
    """A record whose status stops being active left today unless a day is given; one
    made active again has no leaving day or reason. A new record (`member` None) is
    treated as one that was active: opened with an inactive status, it left today unless
    a day is given. Tables as of a past day count the member while that day is before
    the leaving day."""
    active_values = Member.Status.active_values()
    now_active = values["status"] in active_values
    was_active = member is None or member.status in active_values
    if not now_active and was_active:
        values["left_on"] = values.get("left_on") or today
        values["leaving_reason"] = values.get("leaving_reason") or (
            Member.LeavingReason.SUSPENDED
            if values["status"] == Member.Status.SUSPENDED
            else Member.LeavingReason.OTHER
        )
    elif now_active:
        values["left_on"] = None
        values["leaving_reason"] = ""


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
    member_date_leaving(None, values, today=timezone.localdate())
    errors = member_errors(values, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    member = Member.objects.create(user=user, **values)
    for row in history_rows(member, None, latest=None, actor=actor, status_on=timezone.localdate()):
        row.save()
    audit_record(
        actor=actor,
        action="member.create",
        target=member,
        after=snapshot(member, MEMBER_FIELDS),
        org_path=member.branch.path,
    )
    return member


@transaction.atomic
def member_update(
    *,
    actor: Any,
    member: Member,
    record_move: bool = True,
    status_on: datetime.date | None = None,
    **changes: Any,
) -> Member:
    """Change a member record; the same checks as on creation apply to the result.

    A change of status is appended to the record's status history, effective on the
    leaving day when the record stops being in good standing, else on `status_on`
    (today when None): a member restored keeps the years they were suspended. The
    leaving day stays the day the record stopped being in good standing: a change from
    one status out of it to another cannot move it, and it cannot be cleared.

    A change of branch here (the member form, another app) is recorded as a transfer
    confirmed and effective today, so that tables as of an earlier day keep the member
    where they were. transfer_decide, which keeps its own transfer, passes
    record_move=False."""
    member = locked(member, related=("branch", "group"))
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
    member_date_leaving(member, values, today=timezone.localdate())
    today = timezone.localdate()
    errors = member_errors(values, today=today)
    if status_on is not None and status_on > today:
        errors.setdefault("status_on", _("This date is in the future."))
    for field, message in change_errors(
        StatusState.of(member),
        StatusState(values["status"], values["left_on"], values["leaving_reason"]),
    ).items():
        errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)
    state_before = StatusState.of(member)
    changed = [name for name in MEMBER_FIELDS if values[name] != getattr(member, name)]
    old_branch_path = member.branch.path
    old_branch, old_group = member.branch, member.group
    for name in changed:
        setattr(member, name, values[name])
    history: list[Any] = []
    if StatusState.of(member) != state_before:
        latest = latest_change(member)
        history = history_rows(
            member, state_before, latest=latest, actor=actor, status_on=status_on or today
        )
        raise_history_errors(history, latest)
    if changed:
        # A new branch moves the record in the member list's order: the key is written
        # from the new branch's path (MemberListKeyField.pre_save).
        keyed = ["list_key"] if "branch" in changed else []
        member.save(update_fields=[*changed, *keyed, "updated_at"])
    for row in history:
        row.save()
    if "branch" in changed and record_move:
        Transfer.recorded_move(
            member=member,
            from_branch=old_branch,
            from_group=old_group,
            actor=actor,
            on=timezone.localdate(),
            reason=move_on_record_reason(),
        ).save()
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
    """Posts need a Party member in good standing; a record that stops being one ends
    them on the leaving day when one is recorded (never after today, never before the
    post began), so that the committee in office on a past day reads true."""
    if member.is_party_member:
        return
    today = timezone.localdate()
    last_day = min(member.left_on or today, today)
    for post in OrgPost.objects.filter(member=member, ends_on__isnull=True).select_related("unit"):
        orgpost_end(actor=actor, post=post, ends_on=max(post.starts_on, last_day))
