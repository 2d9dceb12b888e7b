"""The six haves' one write: an officer's statement of whether a branch has a service
place that works (read only where no venue serving the branch is recorded)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.core.periods import EARLIEST_YEAR
from grassroots.evaluation.sixhaves.models import SixHavesPlace
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import OrgUnit

NOTE_MAX = 1000
PLACE_FIELDS = ("has_place", "note")


def place_errors(
    *, branch: OrgUnit, year: int, has_place: bool | None, note: str, today: datetime.date
) -> dict[str, str]:
    """What is wrong with a place entry, field by field (empty when valid)."""
    errors: dict[str, str] = {}
    if branch.kind != UnitKind.BRANCH or not branch.is_active:
        errors["__all__"] = _("The place is recorded for an active branch only.")
    if not EARLIEST_YEAR <= year <= today.year:
        errors["year"] = _("Record the place for this year or an earlier one.")
    if has_place is None:
        errors["has_place"] = _("Say whether the branch has a service place that works.")
    if not note.strip():
        errors["note"] = _(
            "Write a note: where the place is and what it offers, or what is missing."
        )
    elif len(note.strip()) > NOTE_MAX:
        errors["note"] = _("Keep the note to 1,000 characters.")
    return errors


def place_record(
    *, actor: User, branch: OrgUnit, year: int, has_place: bool | None, note: str
) -> SixHavesPlace:
    """Record (or correct) the branch's place for the year, with the officer's note.

    The caller checks that `actor` may (`policy.can_record_place`). One entry per branch
    and year: a second entry replaces the first, and the audit log keeps both; the same
    entry sent twice changes nothing the second time. Nothing is saved when anything is
    wrong."""
    errors = place_errors(
        branch=branch, year=year, has_place=has_place, note=note, today=timezone.localdate()
    )
    if errors:
        raise ValidationError(errors)
    note = note.strip()
    with transaction.atomic():
        record = SixHavesPlace.objects.filter(unit=branch, year=year).first()
        if record is None:
            try:
                # Two officers at once: the second insert fails and updates instead.
                with transaction.atomic():
                    record = SixHavesPlace.objects.create(
                        unit=branch,
                        year=year,
                        has_place=bool(has_place),
                        note=note,
                        recorded_by=actor,
                    )
            except IntegrityError:
                record = SixHavesPlace.objects.get(unit=branch, year=year)
            else:
                audit_record(
                    actor=actor,
                    action="sixhaves.place_record",
                    target=record,
                    after=snapshot(record, PLACE_FIELDS),
                    org_path=branch.path,
                    extra={"year": year},
                )
                return record
        record = locked(record)
        before = snapshot(record, PLACE_FIELDS)
        if record.has_place == has_place and record.note == note:
            return record
        record.has_place = bool(has_place)
        record.note = note
        record.recorded_by = actor
        record.recorded_at = timezone.now()
        record.save(update_fields=["has_place", "note", "recorded_by", "recorded_at"])
        audit_record(
            actor=actor,
            action="sixhaves.place_record",
            target=record,
            before=before,
            after=snapshot(record, PLACE_FIELDS),
            org_path=branch.path,
            extra={"year": year},
        )
        return record
