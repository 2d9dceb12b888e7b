"""Every write to consultations and their comments."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import selectors as accounts
from grassroots.accounts.roles import Role
from grassroots.appeals.similarity import tokenize
from grassroots.core.audit import audit_entry
from grassroots.core.locking import locked
from grassroots.core.notices import send
from grassroots.openness import kinds
from grassroots.openness.models import COMMENT_MAX, Comment, Consultation
from grassroots.openness.vocabulary import CommenterGroup
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import MemberStage

_GROUP_OF_STAGE: dict[str, str] = {
    MemberStage.FULL: CommenterGroup.MEMBER,
    MemberStage.PROBATIONARY: CommenterGroup.PROBATIONARY,
    MemberStage.CANDIDATE: CommenterGroup.ACTIVIST,
    MemberStage.ACTIVIST: CommenterGroup.ACTIVIST,
    MemberStage.APPLICANT: CommenterGroup.ACTIVIST,
}


def commenter_group(user: Any) -> str:
    """The group a person is counted in: their member record's stage, else employee."""
    member = orgs.active_member_of_user(user)
    if member is None:
        return CommenterGroup.EMPLOYEE.value
    return _GROUP_OF_STAGE.get(member.stage, CommenterGroup.EMPLOYEE.value)


def is_open(consultation: Consultation, *, today: datetime.date) -> bool:
    return (
        consultation.status == Consultation.Status.OPEN
        and consultation.opens_on <= today <= consultation.closes_on
    )


@transaction.atomic
def comment_submit(
    *,
    actor: Any,
    consultation: Consultation,
    text: str,
    replies: Sequence[str] = (),
    anonymous: bool = False,
    idempotency_key: str | None = None,
    today: datetime.date | None = None,
) -> Comment:
    """Comment on an open consultation. The caller checks `policy.can_comment`.

    `replies` answer the consultation's questions in order (blank ones allowed); the
    comment needs its text or at least one reply. An anonymous comment keeps no link to
    `actor`, only the day, and its audit entry names nobody. The same form sent twice
    (`idempotency_key`) makes one comment. Nothing is saved when anything is wrong.
    """
    today = today or timezone.localdate()
    if idempotency_key:
        earlier = Comment.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None and earlier.consultation_id == consultation.pk:
            return earlier
    text = (text or "").strip()
    questions = list(consultation.questions or [])
    answers = [str(reply or "").strip() for reply in replies]
    errors: dict[str, str] = {}
    if len(answers) > len(questions):
        errors["replies"] = _("This consultation asks %(count)s questions.") % {
            "count": len(questions)
        }
    answers += [""] * (len(questions) - len(answers))
    if not text and not any(answers):
        errors["text"] = _("Write your opinion, or answer at least one of the questions.")
    elif len(text) > COMMENT_MAX:
        errors["text"] = _("Keep your opinion to 2,000 characters.")
    if any(len(answer) > COMMENT_MAX for answer in answers):
        errors["replies"] = _("Keep each answer to 2,000 characters.")
    if errors:
        raise ValidationError(errors)
    consultation = locked(consultation, related=("unit",))
    if not is_open(consultation, today=today):
        raise ValidationError(
            _("Comments are taken only while the consultation is open (%(first)s to %(last)s).")
            % {
                "first": consultation.opens_on.isoformat(),
                "last": consultation.closes_on.isoformat(),
            }
        )
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                consultation=consultation,
                author=None if anonymous else actor,
                is_anonymous=anonymous,
                group=commenter_group(actor),
                text=text,
                replies=answers,
                tokens=tokenize(" ".join([text, *answers])),
                created_on=today,
                idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        # The same key again, for another consultation: not a double submit of this form.
        raise ValidationError(_("This form was already sent. Open the page again.")) from None
    # The consulting officers hear of new comments, at most once a day per consultation;
    # nothing names the person.
    send(
        recipients=accounts.holders(
            roles=[Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER], unit_ids=[consultation.unit_id]
        ),
        kind=kinds.COMMENT.key,
        title=_("New comments on “%(title)s”") % {"title": consultation.title[:120]},
        url=reverse("openness:consultation_handle", args=[consultation.public_id]),
        event_key=f"consultation_comment:{consultation.pk}:{today.isoformat()}",
        org_unit=consultation.unit,
    )
    entry = audit_entry(
        actor=None if anonymous else actor,
        action="consultation.comment",
        target=consultation,
        org_path=consultation.unit.path,
        extra={"comment": comment.public_id, "anonymous": anonymous},
    )
    if anonymous:
        # The day only, as the comment keeps: an exact time could be matched against
        # the person's other traces.
        entry.at = datetime.datetime.combine(
            today, datetime.time.min, tzinfo=timezone.get_current_timezone()
        )
    entry.save()
    return comment
