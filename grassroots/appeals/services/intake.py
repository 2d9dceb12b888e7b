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
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.appeals import routing, rules, selectors, similarity
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
    similar_added,
)
from grassroots.appeals.services.telling import (
    APPEAL_UPDATE,
    tell_handlers,
    tell_new_appeal,
)
from grassroots.appeals.services.uploads import attachments_add
from grassroots.appeals.uploads import CheckedFile
from grassroots.core import workcalendar
from grassroots.notifications.selectors import email_choices

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
    key) gives back the first appeal.

    Everything that does not need the appeal's number is read or written first (routing,
    deadlines, the handlers to tell and their e-mail choices, the appeal, its first
    event, files and warnings); a named appeal's number then takes the year's counter
    row, locked until the commit, and only what shows the number is written under that
    lock: the number itself, the audit entry and the notices — three statements, four
    when anyone told has an e-mail address (their e-mails queued;
    docs/architecture.md, "Numbers")."""
    at = moment(at)
    _check_draft(draft)
    if draft.idempotency_key:
        # The same form sent again is looked up by its indexed key, before any write or
        # lock: a repeat must not run an INSERT that fails, since PostgreSQL writes a
        # failing statement whole (the appeal's text too, anonymous or not) into its log.
        earlier = _repeated(draft)
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
    accept_due_at = workcalendar.add_working(clock_at, accept_minutes)
    appeal = Appeal(
        # an anonymous appeal's number is random and final; a named one's comes last
        number=_anonymous_number(shown_at) if anonymous else f"tmp-{secrets.token_hex(6)}",
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
        assignee=routing.discipline_officer(unit) if category.to_discipline else None,
        created_at=shown_at,
        accept_due_at=accept_due_at,
        answer_due_at=workcalendar.add_working(clock_at, answer_minutes),
        current_due_at=accept_due_at,
        tokens=similarity.tokenize(f"{draft.title} {draft.description}"),
    )
    # read before any lock is taken: who is told
    handlers = selectors.handlers_of(appeal)
    told = [*handlers, draft.submitter] if draft.submitter and not anonymous else handlers
    try:
        with transaction.atomic():
            # Two sends of one form at once both pass the look-up above; the second
            # fails here, on the first write, by the key's unique constraint, and
            # _repeated says what it was.
            appeal.save(force_insert=True)
            event = event_add(
                appeal,
                AppealEvent.Kind.SUBMITTED,
                actor=person,
                at=shown_at,
                data={"on_behalf": True} if draft.recorded_by else {},
            )
            attachments_add(appeal, event, draft.files, shown_at)
            warnings_set(appeal, "accept", clock_at, accept_minutes, first=True)
            similar_added(appeal)
            # how those told want their e-mails: read as late as can be before the
            # counter row is taken (after the files are stored), not under it; a choice
            # changed in the few milliseconds from here to the commit counts from the
            # next notice
            choices = email_choices(told)
            if not anonymous:
                # Numbered last: from here to the commit a named appeal holds its year's
                # counter row, so nothing but what shows the number comes after.
                _number_named(appeal, shown_at)
            audit(person, "submit", appeal, at=shown_at, channel=draft.channel)
            tell_new_appeal(
                appeal,
                handlers,
                shown_at,
                not_before=clock_at if anonymous else None,
                email_choices=choices,
            )
    except IntegrityError:
        # The same form sent twice at once: its first appeal comes back (or a refusal,
        # when the key is someone else's); any other clash is a fault.
        earlier = _repeated(draft) if draft.idempotency_key else None
        if earlier is None:
            raise
        return earlier
    return Submitted(appeal, tracking_code=code, pin=pin)


def _anonymous_number(at: datetime.datetime) -> str:
    """An anonymous appeal's number is random ("SQ2026-7KQ4M2XP") and takes no number
    from the named sequence, since a sequence shows what was sent just before and just
    after: the sender's own named appeals, say, which would otherwise be numbered around
    the gap it left."""
    year = at.astimezone(timezone.get_current_timezone()).year
    return f"SQ{year}-{_new_code()[:ANONYMOUS_NUMBER_LENGTH]}"


def _number_named(appeal: Appeal, at: datetime.datetime) -> None:
    """Give the saved named appeal its number: SQ, the year, and the year's next named
    number ("SQ2026000123")."""
    year = at.astimezone(timezone.get_current_timezone()).year
    taken = _take_named(appeal.pk, year)
    if taken is None:  # a year without a counter row: make it, then take from it
        _counter_create(year)
        taken = _take_named(appeal.pk, year)
        assert taken is not None  # the row exists now
    appeal.number = taken


def named_number(year: int, sequence: int) -> str:
    """The number of a year's `sequence`th named appeal: six digits, more when needed."""
    return f"SQ{year}{sequence:06d}"


def _take_named(appeal_id: int, year: int) -> str | None:
    """Take the year's next named number from its counter row and write it on the
    appeal, in the caller's transaction; None when the year has no row yet.

    The counter's UPDATE comes first, so that the row is locked (PostgreSQL) or the
    database reserved for writing (SQLite) before it is read: two appeals raised at once
    wait for each other and get consecutive numbers, and a rolled-back one gives its
    number back. On PostgreSQL the counter and the appeal are written in one statement
    (a data-modifying WITH), so that holding the row costs one round trip less; the
    number it writes is named_number's (the test suite checks both at the six-digit
    boundary)."""
    counter = connection.ops.quote_name(NumberCounter._meta.db_table)
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Appeal._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH taken AS (UPDATE {counter} SET last = last + 1 WHERE year = %s "  # noqa: S608 - table names only
                "RETURNING last) "
                f"UPDATE {table} SET number = %s || CASE WHEN taken.last < 1000000 "
                "THEN lpad(taken.last::text, 6, '0') ELSE taken.last::text END "
                f"FROM taken WHERE {table}.id = %s RETURNING {table}.number",
                [year, f"SQ{year}", appeal_id],
            )
            row = cursor.fetchone()
        return row[0] if row else None
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {counter} SET last = last + 1 WHERE year = %s RETURNING last",  # noqa: S608 - a table name only
            [year],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    number = named_number(year, row[0])
    Appeal.objects.filter(pk=appeal_id).update(number=number)
    return number


def _counter_create(year: int) -> None:
    """The year's counter row, starting after the highest named number it already has
    (none at the turn of the year; some when appeals were loaded without the counter).
    Two appeals may try at once: the second finds the row made and takes from it."""
    try:
        with transaction.atomic():
            NumberCounter.objects.create(year=year, last=_highest_named(year))
    except IntegrityError:
        pass


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


def _repeated(draft: AppealDraft) -> Submitted | None:
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
