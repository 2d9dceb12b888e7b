"""Every write to public notices: publish one, lodge an objection, answer it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.accounts import selectors as accounts
from grassroots.accounts.roles import Role
from grassroots.core import parameters, workcalendar
from grassroots.core.audit import audit_entry, audit_record
from grassroots.core.locking import locked
from grassroots.core.notices import send
from grassroots.orgs.publicity import notices, rule_parameters, rules
from grassroots.orgs.publicity.models import NoticeObjection, PublicNotice

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

TITLE_MAX = 200
# A notice's text is built by the part that publishes it (a round's chosen nominations
# with their reasons, say) and published once: room for a long list. What people type
# by hand is limited by that part's own forms.
TEXT_MAX = 100_000
OBJECTION_MAX = 2_000
ANSWER_MAX = 2_000


@transaction.atomic
def notice_publish(
    *,
    actor: Any,
    unit: OrgUnit,
    title: str,
    text: str,
    subject_kind: str,
    subject_id: int,
    subject_label: str,
    working_days: int | None = None,
    published_on: datetime.date | None = None,
) -> PublicNotice:
    """Put up a public notice for `unit` about one subject of another part.

    The caller checks that `actor` may publish for `unit` (`policy.can_publish_for`) and
    runs this inside its own transaction when it changes its subject too. The notice runs
    for `working_days` working days (default: the rule parameter) from the first working
    day on or after `published_on` (default: today). A subject has one notice: a second
    publication is refused with a ValidationError and changes nothing.
    """
    title, text = title.strip(), text.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the notice a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title to 200 characters.")
    if not text:
        errors["text"] = _("Write what is put up for public notice.")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Keep the notice to 100,000 characters.")
    days = (
        int(parameters.value(rule_parameters.WORKING_DAYS.key))
        if working_days is None
        else working_days
    )
    if not 1 <= days <= rules.MAX_WORKING_DAYS:
        errors["working_days"] = _("A public notice runs for 1 to 30 working days.")
    if errors:
        raise ValidationError(errors)
    published_on = published_on or timezone.localdate()
    starts_on, ends_on = rules.notice_period(published_on, days, is_workday=workcalendar.is_workday)
    try:
        with transaction.atomic():
            notice = PublicNotice.objects.create(
                title=title,
                text=text,
                unit=unit,
                subject_kind=subject_kind,
                subject_id=subject_id,
                subject_label=subject_label[:200],
                working_days=days,
                starts_on=starts_on,
                ends_on=ends_on,
                published_by=actor,
                published_at=timezone.now(),
            )
    except IntegrityError:
        raise ValidationError(_("This is already in public notice.")) from None
    audit_record(
        actor=actor,
        action="public_notice.publish",
        target=notice,
        org_path=unit.path,
        extra={
            "subject": f"{subject_kind}:{subject_id}",
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    return notice


@transaction.atomic
def objection_lodge(
    *,
    actor: Any,
    notice: PublicNotice,
    text: str,
    anonymous: bool,
    today: datetime.date | None = None,
) -> NoticeObjection:
    """Lodge an objection to a running notice. An anonymous objection keeps no link to
    `actor`, and its audit entry names nobody."""
    today = today or timezone.localdate()
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Say what you object to and why.")})
    if len(text) > OBJECTION_MAX:
        raise ValidationError({"text": _("Keep the objection to 2,000 characters.")})
    notice = locked(notice)
    phase = rules.notice_phase(notice.starts_on, notice.ends_on, today=today)
    if phase != "open":
        raise ValidationError(
            _("Objections are taken only while the notice runs (%(first)s to %(last)s).")
            % {"first": notice.starts_on.isoformat(), "last": notice.ends_on.isoformat()}
        )
    objection = NoticeObjection.objects.create(
        notice=notice,
        author=None if anonymous else actor,
        is_anonymous=anonymous,
        text=text,
        lodged_on=today,
    )
    # The officers who must answer hear of it at once; nothing names the person.
    send(
        recipients=accounts.holders(
            roles=[Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER], unit_ids=[notice.unit_id]
        ),
        kind=notices.OBJECTION.key,
        title=_("An objection to “%(title)s”: answer it before %(last)s")
        % {"title": notice.title[:120], "last": notice.ends_on.isoformat()},
        url=reverse("orgs:publicity_notice", args=[notice.pk]),
        event_key=f"notice_objection:{objection.pk}",
        org_unit=notice.unit,
    )
    entry = audit_entry(
        actor=None if anonymous else actor,
        action="public_notice.objection",
        target=notice,
        org_path=notice.unit.path,
        extra={"objection": objection.pk, "anonymous": anonymous},
    )
    if anonymous:
        # The day only, as the objection itself keeps: an exact time could be matched
        # against the person's other traces (sign-ins, their other writes).
        entry.at = datetime.datetime.combine(
            today, datetime.time.min, tzinfo=timezone.get_current_timezone()
        )
    entry.save()
    return objection


@transaction.atomic
def objection_answer(*, actor: Any, objection: NoticeObjection, answer: str) -> NoticeObjection:
    """Answer an objection, once. The caller checks `policy.can_answer`. A second answer
    (a double submit, or two officers at once) is refused and changes nothing."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer to the objection.")})
    if len(answer) > ANSWER_MAX:
        raise ValidationError({"answer": _("Keep the answer to 2,000 characters.")})
    objection = locked(objection, related=("notice__unit",))
    if objection.answered_at is not None:
        raise ValidationError(_("This objection has already been answered."))
    objection.answer = answer
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        action="public_notice.answer",
        target=objection.notice,
        org_path=objection.notice.unit.path,
        extra={"objection": objection.pk},
    )
    return objection
