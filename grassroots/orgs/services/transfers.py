"""A member's move to another branch: asked by the sending branch, confirmed or refused
by the receiving one, or withdrawn. Both branches' officers are told."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import selectors as accounts
from grassroots.accounts.roles import Role
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.core.notices import send
from grassroots.orgs import notices
from grassroots.orgs.dues import selectors as dues
from grassroots.orgs.models import Member, OrgPost, OrgUnit, Transfer
from grassroots.orgs.services.members import member_update
from grassroots.orgs.services.posts import orgpost_end

if TYPE_CHECKING:
    from grassroots.accounts.models import User


def _transfer_officers(*units: OrgUnit) -> list[User]:
    return accounts.holders(roles=[Role.BRANCH_OFFICER], unit_ids=[unit.pk for unit in units])


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
    member = locked(member, related=("branch",))
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
    last_move = (
        Transfer.objects.filter(member=member, status=Transfer.Status.CONFIRMED)
        .order_by("-effective_on", "-pk")
        .values_list("effective_on", flat=True)
        .first()
    )
    if last_move is not None and effective_on < last_move:
        # The branch on a past day is read from the transfers in effective order: an
        # earlier day than the last move would put this one before it.
        errors["effective_on"] = _(
            "The member's last transfer took effect on %(day)s: this one cannot take "
            "effect earlier."
        ) % {"day": last_move.isoformat()}
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
        dues_paid_up_to=dues.paid_up_to(member),  # travels with the member (the letter)
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
    transfer = locked(transfer, related=("member__user", "from_branch", "to_branch", "to_group"))
    if transfer.status != Transfer.Status.PENDING:
        raise ValidationError(_("This transfer has already been answered."))
    if (
        transfer.requested_by_id is not None
        and getattr(actor, "pk", None) == transfer.requested_by_id
    ):
        raise ValidationError(_("The receiving branch answers: not the person who asked."))
    member = locked(transfer.member)
    if confirm and member.branch_id != transfer.from_branch_id:
        raise ValidationError(_("The member is no longer in the branch that asked; ask again."))
    if not confirm and not answer.strip():
        raise ValidationError({"answer": _("Say why the branch cannot take the member in.")})
    transfer.status = Transfer.Status.CONFIRMED if confirm else Transfer.Status.REFUSED
    transfer.answer = answer.strip()
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    fields = ["status", "answer", "decided_by", "decided_at"]
    if confirm:  # the month paid up to as the member leaves: the letter keeps this one
        transfer.dues_paid_up_to = dues.paid_up_to(member)
        fields.append("dues_paid_up_to")
    transfer.save(update_fields=fields)
    if confirm:
        # Posts held in the old branch (and the roles they give) end with the move.
        for post in OrgPost.objects.filter(
            member=member, ends_on__isnull=True, unit__path__startswith=transfer.from_branch.path
        ):
            orgpost_end(actor=actor, post=post, ends_on=max(post.starts_on, timezone.localdate()))
        member_update(
            actor=actor,
            member=member,
            record_move=False,
            branch=transfer.to_branch,
            group=transfer.to_group,
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
    transfer = locked(transfer, related=("member__user", "to_branch"))
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
