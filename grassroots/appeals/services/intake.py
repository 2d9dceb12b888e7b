"""Raising an appeal, and what its submitter does afterwards: add information, join
another's appeal (附议), find an anonymous one again.

`appeal_submit` is the one intake: every entry point builds an `intake.AppealDraft`
and calls it. Anonymity: an anonymous appeal is written with no submitter, no recorder,
no actor on its own events and no actor in the audit log; the tracking code and the
hashed PIN are the only way back to it.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.appeals import routing, rules, similarity
from grassroots.appeals.intake import AppealDraft
from grassroots.appeals.models import Appeal, AppealEvent, MeToo, NumberCounter
from grassroots.appeals.services.clock import deadline_minutes, warnings_set
from grassroots.appeals.services.steps import (
    appeal_locked,
    audit,
    event_add,
    moment,
    next_status,
    sender_moment,
    similar_changed,
)
from grassroots.appeals.services.telling import (
    APPEAL_UPDATE,
    NEW_APPEAL,
    tell_handlers,
    tell_submitter,
)
from grassroots.appeals.services.uploads import attachments_add
from grassroots.appeals.uploads import CheckedFile
from grassroots.core import workcalendar

if TYPE_CHECKING:
    from collections.abc import Sequence

    from grassroots.accounts.models import User
    from grassroots.appeals.models import Category

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
ANONYMOUS_NUMBER_LENGTH = 8  # 31**8 numbers a year: a clash is as likely as never


@dataclass(frozen=True)
class Submitted:
    appeal: Appeal
    tracking_code: str = ""  # shown once to an anonymous submitter
    pin: str = ""
    repeated: bool = False  # the same form sent twice: the first appeal comes back


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def appeal_errors(*, title: str, description: str, category: Category | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the appeal a short title.")
    elif len(title) > 100:
        errors["title"] = _("The title has at most 100 characters.")
    if not description.strip():
        errors["description"] = _("Describe what happened or what you need.")
    elif len(description) > 5000:
        errors["description"] = _("The description has at most 5,000 characters.")
    if category is None or not category.is_active:
        errors["category"] = _("Choose what the appeal is about.")
    return errors


def appeal_submit(*, draft: AppealDraft, at: datetime.datetime | None = None) -> Submitted:
    """Raise an appeal from a draft: named, anonymous, or recorded on behalf of a worker.

    The one intake: the pages, the JSON API, a service post's form and the visits all
    build an `AppealDraft` and call this. The same draft sent twice (by its idempotency
    key) gives back the first appeal."""
    at = moment(at)
    _check_draft(draft)
    if draft.idempotency_key:
        earlier = _earlier(draft)
        if earlier is not None:
            return earlier
    category = draft.category
    assert category is not None  # _check_draft refused a draft without one
    anonymous = draft.anonymous
    unit = routing.receiving_unit(category, draft.department)
    accept_minutes, answer_minutes = deadline_minutes(category, draft.urgency)
    code, pin = (_new_code(), _new_pin()) if anonymous else ("", "")
    person = None if anonymous else (draft.recorded_by or draft.submitter)
    # An anonymous appeal is recorded at the hour it came in and its clock starts at the
    # end of that hour: the minute is nowhere a handler can read it (rules.py says why).
    shown_at = rules.anonymous_shown_at(at) if anonymous else at
    clock_at = rules.anonymous_clock_start(at) if anonymous else at
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                number=f"tmp-{secrets.token_hex(6)}",
                category=category,
                title=draft.title.strip(),
                description=draft.description.strip(),
                department=draft.department,
                place=draft.place.strip()[:100],
                urgency=draft.urgency,
                channel=draft.channel,
                is_anonymous=anonymous,
                submitter=None if anonymous else draft.submitter,
                recorded_by=None if anonymous else draft.recorded_by,
                tracking_code=code or None,
                pin_hash=make_password(pin, hasher="pbkdf2_sha256_pin") if anonymous else "",
                consent_publish=draft.consent_publish,
                idempotency_key=draft.idempotency_key or None,
                unit=unit,
                first_unit=unit,
                created_at=shown_at,
                accept_due_at=workcalendar.add_working(clock_at, accept_minutes),
                answer_due_at=workcalendar.add_working(clock_at, answer_minutes),
                tokens=similarity.tokenize(f"{draft.title} {draft.description}"),
            )
            event = event_add(
                appeal,
                AppealEvent.Kind.SUBMITTED,
                actor=person,
                at=shown_at,
                data={"on_behalf": True} if draft.recorded_by else {},
            )
            attachments_add(appeal, event, draft.files, shown_at)
            warnings_set(appeal, "accept", clock_at, accept_minutes)
            # Numbered last: a named number takes the year's counter row, locked until
            # the commit, so the lock is held for the few statements left.
            appeal.number = _number(appeal, shown_at)
            appeal.current_due_at = appeal.accept_due_at
            if category.to_discipline:
                appeal.assignee = routing.discipline_officer(unit)
            appeal.save(update_fields=["number", "current_due_at", "assignee"])
            audit(person, "submit", appeal, at=shown_at, channel=draft.channel)
            similar_changed(category.pk)
            tell_handlers(
                appeal,
                NEW_APPEAL.key,
                _("New appeal %(number)s: %(title)s")
                % {"number": appeal.number, "title": appeal.title},
                shown_at,
                "new",
                not_before=clock_at if anonymous else None,
            )
            tell_submitter(
                appeal,
                _("Your appeal %(number)s has been received") % {"number": appeal.number},
                at,
                "received",
            )
    except IntegrityError:
        # Two copies of one form raced: the first one won; give it back.
        found = (
            Appeal.objects.filter(idempotency_key=draft.idempotency_key).first()
            if draft.idempotency_key
            else None
        )
        if found is None:
            raise
        return Submitted(found, repeated=True)
    return Submitted(appeal, tracking_code=code, pin=pin)


def _number(appeal: Appeal, at: datetime.datetime) -> str:
    """SQ, the year, and the year's next named number ("SQ2026000123"); an anonymous
    appeal's is random ("SQ2026-7KQ4M2XP") and takes no number from the sequence, since
    a sequence shows what was sent just before and just after: the sender's own named
    appeals, say, which would otherwise be numbered around the gap it left."""
    year = at.astimezone(timezone.get_current_timezone()).year
    if appeal.is_anonymous:
        return f"SQ{year}-{_new_code()[:ANONYMOUS_NUMBER_LENGTH]}"
    return f"SQ{year}{_next_named(year):06d}"


def _next_named(year: int) -> int:
    """The year's next named number, from its counter row, in the caller's transaction.

    The UPDATE comes first, so that the row is locked (PostgreSQL) or the database
    reserved for writing (SQLite) before it is read: two appeals raised at once wait
    for each other and get consecutive numbers, and a rolled-back one gives its number
    back. A year without a row starts after the highest named number it already has
    (none at the turn of the year; some when appeals were loaded without the counter)."""
    if not NumberCounter.objects.filter(year=year).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                NumberCounter.objects.create(year=year, last=_highest_named(year) + 1)
        except IntegrityError:  # another appeal created the row first: take the next
            NumberCounter.objects.filter(year=year).update(last=F("last") + 1)
    return NumberCounter.objects.values_list("last", flat=True).get(year=year)


def _highest_named(year: int) -> int:
    """The highest named number given in `year` ("SQ2026000123" → 123; a longer one
    once six digits are not enough), 0 when none."""
    prefix = f"SQ{year}"
    highest = (
        Appeal.objects.filter(number__startswith=prefix, number__regex=rf"^{prefix}[0-9]{{6,}}$")
        .annotate(width=Length("number"))
        .order_by("-width", "-number")
        .values_list("number", flat=True)
        .first()
    )
    return int(highest[len(prefix) :]) if highest else 0


def _check_draft(draft: AppealDraft) -> None:
    errors = appeal_errors(
        title=draft.title, description=draft.description, category=draft.category
    )
    if draft.anonymous and (draft.submitter is not None or draft.recorded_by is not None):
        raise ValueError("an anonymous appeal cannot name a person")  # a programming error
    if not draft.anonymous and draft.submitter is None:
        errors["submitter"] = _("Say who the appeal is for.")
    if errors:
        raise ValidationError(errors)


def _earlier(draft: AppealDraft) -> Submitted | None:
    """The appeal this form already raised, if any. A key someone else used is
    refused, so that a copied form cannot show another's appeal."""
    earlier = Appeal.objects.filter(idempotency_key=draft.idempotency_key).first()
    if earlier is None:
        return None
    submitter = draft.submitter
    named_by_other = not draft.anonymous and (
        submitter is None or earlier.submitter_id != submitter.pk
    )
    if named_by_other or (draft.anonymous and not earlier.is_anonymous):
        raise ValidationError(_("This form was already used. Reload the page and try again."))
    return Submitted(earlier, repeated=True)


def tracking_code_normalise(raw: str) -> str:
    """A tracking code as stored, however it was typed (case, dashes, spaces)."""
    return raw.strip().upper().replace("-", "").replace(" ", "")


def anonymous_find(*, tracking_code: str, pin: str) -> Appeal | None:
    """The appeal for a code and PIN, or None. Checks the PIN even for unknown codes,
    so that timing does not reveal which codes exist."""
    code = tracking_code_normalise(tracking_code)
    appeal = Appeal.objects.filter(tracking_code=code, is_anonymous=True).first() if code else None
    if appeal is None:
        make_password(pin, hasher="pbkdf2_sha256_pin")
        return None
    return appeal if check_password(pin.strip(), appeal.pin_hash) else None


@transaction.atomic
def appeal_supplement(
    *,
    appeal: Appeal,
    text: str,
    actor: User | None,
    files: Sequence[CheckedFile] = (),
    at: datetime.datetime | None = None,
) -> AppealEvent:
    """The submitter adds information (anonymous: actor None)."""
    appeal = appeal_locked(appeal)
    next_status("supplement", appeal)
    if not text.strip():
        raise ValidationError({"text": _("Write what you want to add.")})
    sent_at = moment(at)
    at = sender_moment(appeal, sent_at)
    event = event_add(
        appeal,
        AppealEvent.Kind.SUPPLEMENTED,
        actor=None if appeal.is_anonymous else actor,
        at=at,
        text=text.strip()[:5000],
    )
    attachments_add(appeal, event, files, at)
    tell_handlers(
        appeal,
        APPEAL_UPDATE.key,
        _("More information on appeal %(number)s") % {"number": appeal.number},
        at,
        f"supplement:{event.pk}",
        not_before=rules.anonymous_clock_start(sent_at) if appeal.is_anonymous else None,
    )
    return event


@transaction.atomic
def metoo_add(*, appeal: Appeal, user: User, at: datetime.datetime | None = None) -> bool:
    """附议: add one's voice to an open appeal. False when already added (or one's own)."""
    appeal = appeal_locked(appeal)
    next_status("me_too", appeal)
    if appeal.submitter_id == user.pk:
        return False
    _obj, created = MeToo.objects.get_or_create(
        appeal=appeal, user=user, defaults={"created_at": moment(at)}
    )
    return created
