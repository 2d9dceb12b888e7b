"""Every write to commitments (承诺践诺): draft → submit → approve (published to the
member's department) or return with a reason → progress notes → self-assessment and the
employees' rating at year end.

Each step locks the commitment row, checks its state, saves with update_fields and writes
an audit entry; the people concerned are told in the same transaction (the inbox notice
is rolled back with it; other channels go out after commit).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.roles import Role
from grassroots.accounts.selectors import holders
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.core.satisfaction import Satisfaction
from grassroots.notifications import kinds
from grassroots.notifications.services import notify
from grassroots.orgs.selectors import member_of_user
from grassroots.service.commitments import rules
from grassroots.service.models import (
    Commitment,
    CommitmentProgress,
    CommitmentRating,
    ServiceDomain,
    ServicePost,
)

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import Member

COMMITMENT_NEWS = kinds.define_kind(
    "service.commitment", gettext_lazy("Commitments I made or review")
)
# A draft is the member's own work until submitted: the audit log (read by committee
# officers) records that it was drafted or changed, and its words only from submission.
DRAFT_FIELDS = ("member", "post", "unit", "year", "services", "status")
TEXT_MAX = 2000
REASON_MAX = 500


def _url(commitment: Commitment) -> str:
    return reverse("service:commitment", args=[commitment.pk])


# What every commitment service reads with the locked row.
RELATED = ("unit", "member", "department", "post")


def _state_error(commitment: Commitment) -> ValidationError:
    return ValidationError(
        _("This cannot be done now: the commitment is “%(status)s”.")
        % {"status": commitment.get_status_display()}
    )


def _branch_officers(commitment: Commitment) -> list[User]:
    officers = holders(roles=[Role.BRANCH_OFFICER], unit_ids=[commitment.unit_id])
    return [user for user in officers if user.pk != commitment.member_id]


def member_posts(member: User) -> Any:
    """Active service posts the member holds (a commitment may be tied to one)."""
    return ServicePost.objects.filter(holders=member, is_active=True).order_by("name")


def commitment_errors(
    *,
    member: User,
    year: int,
    text: str,
    services: Sequence[str],
    post: ServicePost | None,
    today: datetime.date,
    check_year: bool = True,
) -> dict[str, str]:
    """What is wrong with a draft, field by field (empty when it may be saved)."""
    errors: dict[str, str] = {}
    if check_year and year not in rules.draftable_years(today):
        errors["year"] = _("Commitments are made for this year (and, from November, next year).")
    if not text.strip():
        errors["text"] = _("Write what you commit to do.")
    elif len(text.strip()) > TEXT_MAX:
        errors["text"] = _("Keep the commitments to 2,000 characters.")
    if not services or set(services) - set(ServiceDomain.values):
        errors["services"] = _("Tick at least one of the five services.")
    if post is not None and not member_posts(member).filter(pk=post.pk).exists():
        errors["post"] = _("Choose a service post you hold, or none.")
    return errors


def _active_member(user: User, *, lock: bool = False) -> Member:
    member = member_of_user(user)
    if member is not None and lock:
        member = locked(member, related=("branch",))
    if member is None or not member.is_party_member:
        raise ValidationError(
            _("Commitments are made by Party members (probationary or full) in good standing.")
        )
    return member


@transaction.atomic
def commitment_draft(
    *,
    actor: User,
    year: int,
    text: str,
    services: Sequence[str],
    post: ServicePost | None = None,
) -> Commitment:
    """A member drafts a commitment for a year; their branch will approve it. The same
    draft sent twice (a double click) gives back the first one."""
    member = _active_member(actor, lock=True)  # orders two sendings of one form
    services = list(dict.fromkeys(services))
    errors = commitment_errors(
        member=actor,
        year=year,
        text=text,
        services=services,
        post=post,
        today=timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)
    earlier = Commitment.objects.filter(
        member=actor,
        year=year,
        status=Commitment.Status.DRAFT,
        text=text.strip(),
        post=post,
        unit=member.branch,
    ).first()
    if earlier is not None and earlier.services == services:
        return earlier
    commitment = Commitment.objects.create(
        member=actor,
        post=post,
        unit=member.branch,
        year=year,
        text=text.strip(),
        services=services,
    )
    audit_record(
        actor=actor,
        action="commitment.draft",
        target=commitment,
        after=snapshot(commitment, DRAFT_FIELDS),
        org_path=member.branch.path,
    )
    return commitment


@transaction.atomic
def commitment_update(
    *,
    actor: User,
    commitment: Commitment,
    text: str,
    services: Sequence[str],
    post: ServicePost | None = None,
) -> Commitment:
    """The member changes a draft (or a returned commitment) before submitting it."""
    commitment = locked(commitment, related=RELATED)
    if commitment.member_id != actor.pk:
        raise ValidationError(_("Only the member who made a commitment may change it."))
    if commitment.status not in (Commitment.Status.DRAFT, Commitment.Status.RETURNED):
        raise _state_error(commitment)
    services = list(dict.fromkeys(services))
    errors = commitment_errors(
        member=actor,
        year=commitment.year,
        text=text,
        services=services,
        post=post,
        today=timezone.localdate(),
        check_year=False,
    )
    if errors:
        raise ValidationError(errors)
    before = snapshot(commitment, ("post", "services"))
    text_changed = commitment.text != text.strip()
    commitment.text = text.strip()
    commitment.services = services
    commitment.post = post
    commitment.save(update_fields=["text", "services", "post"])
    audit_record(
        actor=actor,
        action="commitment.update",
        target=commitment,
        before=before,
        after=snapshot(commitment, ("post", "services")),
        org_path=commitment.unit.path,
        extra={"text_changed": text_changed},
    )
    return commitment


@transaction.atomic
def commitment_submit(*, actor: User, commitment: Commitment) -> Commitment:
    """The member sends the commitment to their branch; its officers are told."""
    commitment = locked(commitment, related=RELATED)
    if commitment.member_id != actor.pk:
        raise ValidationError(_("Only the member who made a commitment may submit it."))
    if commitment.status == Commitment.Status.SUBMITTED:
        return commitment  # a double click: already with the branch
    if commitment.status not in (Commitment.Status.DRAFT, Commitment.Status.RETURNED):
        raise _state_error(commitment)
    _active_member(actor)
    before = snapshot(commitment, ("status",))
    commitment.status = Commitment.Status.SUBMITTED
    commitment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="commitment.submit",
        target=commitment,
        before=before,
        after=snapshot(commitment, ("status", "text")),  # the words the branch receives
        org_path=commitment.unit.path,
    )
    now = timezone.now()
    notify(
        recipients=_branch_officers(commitment),
        kind=COMMITMENT_NEWS.key,
        title=_("%(name)s submitted commitments for %(year)s: waiting for your approval")
        % {"name": actor.name, "year": commitment.year},
        url=_url(commitment),
        event_key=f"commitment:{commitment.pk}:submitted:{now.isoformat()}",
        now=now,
    )
    return commitment


@transaction.atomic
def commitment_approve(*, actor: User, commitment: Commitment) -> Commitment:
    """A branch officer approves: the commitment is published to the employees of the
    member's department as it is today."""
    commitment = locked(commitment, related=RELATED)
    if commitment.member_id == actor.pk:
        raise ValidationError(_("Nobody approves their own commitment."))
    if commitment.status == Commitment.Status.PUBLISHED:
        return commitment  # a second officer, or a double click: already published
    if commitment.status != Commitment.Status.SUBMITTED:
        raise _state_error(commitment)
    department = commitment.member.department
    if department is None:
        raise ValidationError(
            _("The member belongs to no department, so there is nobody to publish it to.")
        )
    before = snapshot(commitment, ("status", "department", "approved_by"))
    commitment.status = Commitment.Status.PUBLISHED
    commitment.department = department
    commitment.approved_by = actor
    commitment.published_at = timezone.now()
    commitment.return_reason = ""
    commitment.save(
        update_fields=["status", "department", "approved_by", "published_at", "return_reason"]
    )
    audit_record(
        actor=actor,
        action="commitment.approve",
        target=commitment,
        before=before,
        after=snapshot(commitment, ("status", "department", "approved_by")),
        org_path=commitment.unit.path,
    )
    notify(
        recipients=[commitment.member],
        kind=COMMITMENT_NEWS.key,
        title=_("Your commitments for %(year)s are approved and published to %(department)s")
        % {"year": commitment.year, "department": department.name},
        url=_url(commitment),
        event_key=f"commitment:{commitment.pk}:published",
    )
    return commitment


@transaction.atomic
def commitment_return(*, actor: User, commitment: Commitment, reason: str) -> Commitment:
    """A branch officer sends the commitment back with what to change."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what the member should change.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason to 500 characters.")})
    commitment = locked(commitment, related=RELATED)
    if commitment.member_id == actor.pk:
        raise ValidationError(_("Nobody approves their own commitment."))
    if commitment.status != Commitment.Status.SUBMITTED:
        raise _state_error(commitment)
    before = snapshot(commitment, ("status", "return_reason"))
    commitment.status = Commitment.Status.RETURNED
    commitment.return_reason = reason
    commitment.save(update_fields=["status", "return_reason"])
    audit_record(
        actor=actor,
        action="commitment.return",
        target=commitment,
        before=before,
        after=snapshot(commitment, ("status", "return_reason")),
        org_path=commitment.unit.path,
    )
    now = timezone.now()
    notify(
        recipients=[commitment.member],
        kind=COMMITMENT_NEWS.key,
        title=_("Your commitments for %(year)s were returned for changes")
        % {"year": commitment.year},
        body=reason,
        url=_url(commitment),
        event_key=f"commitment:{commitment.pk}:returned:{now.isoformat()}",
        now=now,
    )
    return commitment


@transaction.atomic
def progress_add(
    *, actor: User, commitment: Commitment, on: datetime.date, text: str
) -> CommitmentProgress:
    """A progress note on a published commitment, by the member or an officer."""
    text = text.strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("Write what was done.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Keep the note to 2,000 characters.")
    commitment = locked(commitment, related=RELATED)
    if not rules.progress_date_ok(on, year=commitment.year, today=timezone.localdate()):
        errors["date"] = _("Give a date in %(year)s, not in the future.") % {
            "year": commitment.year
        }
    if errors:
        raise ValidationError(errors)
    if commitment.status != Commitment.Status.PUBLISHED:
        raise _state_error(commitment)
    earlier = commitment.progress.filter(date=on, text=text, created_by=actor).first()
    if earlier is not None:
        return earlier  # the same note sent twice (the commitment's lock orders the two)
    note = CommitmentProgress.objects.create(
        commitment=commitment, date=on, text=text, created_by=actor
    )
    audit_record(
        actor=actor,
        action="commitment.progress",
        target=commitment,
        extra={"date": on, "note": note.pk},
        org_path=commitment.unit.path,
    )
    return note


@transaction.atomic
def commitment_assess(*, actor: User, commitment: Commitment, text: str) -> Commitment:
    """The member's year-end self-assessment (may be rewritten; each version is audited)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write how far you kept your commitments.")})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": _("Keep the self-assessment to 2,000 characters.")})
    commitment = locked(commitment, related=RELATED)
    if commitment.member_id != actor.pk:
        raise ValidationError(_("Only the member who made a commitment assesses it."))
    if commitment.status != Commitment.Status.PUBLISHED:
        raise _state_error(commitment)
    if not rules.assessment_open(commitment.year, timezone.localdate()):
        raise ValidationError(
            _("The self-assessment opens on %(date)s.")
            % {"date": rules.assessment_opens(commitment.year).isoformat()}
        )
    before = snapshot(commitment, ("self_assessment",))
    commitment.self_assessment = text
    commitment.assessed_at = timezone.now()
    commitment.save(update_fields=["self_assessment", "assessed_at"])
    audit_record(
        actor=actor,
        action="commitment.assess",
        target=commitment,
        before=before,
        after=snapshot(commitment, ("self_assessment",)),
        org_path=commitment.unit.path,
    )
    return commitment


@transaction.atomic
def commitment_rate(
    *, user: User, commitment: Commitment, score: str, comment: str = ""
) -> CommitmentRating:
    """An employee of the department it was published to judges it, once. The caller
    checks `policy.can_rate`; the state and the member are checked here too.

    Not written to the audit log: the log is read by officers, and a judgement of a
    colleague is given more freely when it is not tied to a name."""
    comment = comment.strip()
    if score not in Satisfaction.values:
        raise ValidationError({"score": _("Choose one of the three answers.")})
    if len(comment) > REASON_MAX:
        raise ValidationError({"comment": _("Keep the comment to 500 characters.")})
    commitment = locked(commitment, related=RELATED)
    if commitment.member_id == user.pk:
        raise ValidationError(_("Members do not rate their own commitments."))
    if commitment.status != Commitment.Status.PUBLISHED or not rules.assessment_open(
        commitment.year, timezone.localdate()
    ):
        raise ValidationError(_("Rating opens at the end of the commitment's year."))
    existing = CommitmentRating.objects.filter(commitment=commitment, user=user).first()
    if existing is not None:
        raise ValidationError(_("You have already rated this commitment."))
    try:
        with transaction.atomic():
            return CommitmentRating.objects.create(
                commitment=commitment, user=user, score=score, comment=comment
            )
    except IntegrityError:
        raise ValidationError(_("You have already rated this commitment.")) from None
