"""Every write to pairings (结对帮扶) and their visits (走访).

Privacy: the kind of difficulty, its details, the visit notes and the reason a pairing
ended are never written to the audit log (read by committee officers, who may not see
them) nor to any notice: the log says who paired whom, when, and that a visit was made.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.appeals.intake import AppealDraft, Channel
from grassroots.appeals.services import appeal_submit
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.notifications import kinds
from grassroots.notifications.services import notify
from grassroots.orgs.selectors import member_of_user
from grassroots.orgs.vocabulary import UnitKind
from grassroots.service.deeds.services import deed_create
from grassroots.service.models import Deed, Pairing, Visit
from grassroots.service.pairings import rules

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.appeals.models import Appeal, Category
    from grassroots.orgs.models import OrgUnit

PAIRING_NEWS = kinds.define_kind(
    "service.pairing", gettext_lazy("Pairings with colleagues in difficulty")
)
# What the audit log may show of a pairing: never the reason or its details.
PUBLIC_FIELDS = ("unit", "member", "employee", "started_on")
DETAIL_MAX = 2000
END_REASON_MAX = 500


def pairing_url(pairing: Pairing) -> str:
    return reverse("service:pairing", args=[pairing.pk])


# What every pairing service reads with the locked row.
RELATED = ("unit", "member", "employee")


def pairing_errors(
    *,
    unit: OrgUnit,
    member: User | None,
    employee: User | None,
    reason: str,
    reason_detail: str,
    started_on: datetime.date | None,
    today: datetime.date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if unit.kind != UnitKind.BRANCH:
        errors["unit"] = _("Pairings are made by a branch.")
    if member is None:
        errors["member"] = _("Choose the member.")
    else:
        record = member_of_user(member)
        if record is None or not record.is_party_member or record.branch_id != unit.pk:
            errors["member"] = _("The member must be a Party member of this branch.")
    if employee is None:
        errors["employee"] = _("Give the employee number of the colleague to be helped.")
    elif not employee.is_active:
        errors["employee"] = _("This employee's account is no longer active.")
    elif member is not None and employee.pk == member.pk:
        errors["employee"] = _("A member cannot be paired with themself.")
    if reason not in Pairing.Reason.values:
        errors["reason"] = _("Choose the kind of difficulty.")
    if len(reason_detail.strip()) > DETAIL_MAX:
        errors["reason_detail"] = _("Keep the details to 2,000 characters.")
    if started_on is None or started_on > today:
        errors["started_on"] = _("Give the date the pairing started: today or earlier.")
    return errors


@transaction.atomic
def pairing_create(
    *,
    actor: User,
    unit: OrgUnit,
    member: User,
    employee: User,
    reason: str,
    reason_detail: str,
    started_on: datetime.date,
) -> Pairing:
    """A branch officer pairs a member of the branch with a colleague in difficulty.
    The caller checks `policy.can_pair_in`. One live pairing per pair (in the database too)."""
    errors = pairing_errors(
        unit=unit,
        member=member,
        employee=employee,
        reason=reason,
        reason_detail=reason_detail,
        started_on=started_on,
        today=timezone.localdate(),
    )
    if (
        not errors
        and Pairing.objects.filter(member=member, employee=employee, ended_on__isnull=True).exists()
    ):
        errors["employee"] = _("These two are already paired.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(
                unit=unit,
                member=member,
                employee=employee,
                reason=reason,
                reason_detail=reason_detail.strip(),
                started_on=started_on,
                created_by=actor,
            )
    except IntegrityError:  # two officers at once: the database keeps one live pairing
        raise ValidationError({"employee": _("These two are already paired.")}) from None
    audit_record(
        actor=actor,
        action="pairing.create",
        target=pairing,
        after=snapshot(pairing, PUBLIC_FIELDS),
        org_path=unit.path,
    )
    notify(
        recipients=[member],
        kind=PAIRING_NEWS.key,
        title=_("You are paired with %(name)s: please visit them") % {"name": employee.name},
        url=pairing_url(pairing),
        event_key=f"pairing:{pairing.pk}:created",
    )
    return pairing


@transaction.atomic
def pairing_end(*, actor: User, pairing: Pairing, on: datetime.date, reason: str) -> Pairing:
    """End a pairing; the reason is required (and, like the difficulty, private)."""
    reason = reason.strip()
    pairing = locked(pairing, related=RELATED)
    if pairing.ended_on is not None:
        raise ValidationError(_("This pairing has already ended."))
    errors: dict[str, str] = {}
    if not reason:
        errors["end_reason"] = _(
            "Say why the pairing ends (for example: the difficulty is resolved)."
        )
    elif len(reason) > END_REASON_MAX:
        errors["end_reason"] = _("Keep the reason to 500 characters.")
    if not rules.end_date_ok(on, started_on=pairing.started_on, today=timezone.localdate()):
        errors["ended_on"] = _("The end date lies between the start of the pairing and today.")
    if errors:
        raise ValidationError(errors)
    pairing.ended_on = on
    pairing.end_reason = reason
    pairing.save(update_fields=["ended_on", "end_reason"])
    audit_record(
        actor=actor,
        action="pairing.end",
        target=pairing,
        before={"ended_on": None},
        after={"ended_on": on.isoformat()},
        org_path=pairing.unit.path,
    )
    return pairing


@transaction.atomic
def visit_record(
    *,
    actor: User,
    pairing: Pairing,
    on: datetime.date,
    help_given: str,
    needs_heard: str,
    idempotency_key: str | None = None,
) -> Visit:
    """A visit by the member (or an officer) to the colleague: what help was given and
    what needs were heard. Keeps the pairing's last visit date. The same form sent again
    (`idempotency_key`: a retry, a double tap, the offline queue) gives back the first
    visit."""
    help_given, needs_heard = help_given.strip(), needs_heard.strip()
    pairing = locked(pairing, related=RELATED)
    if idempotency_key:
        sent = Visit.objects.filter(recorded_by=actor, idempotency_key=idempotency_key).first()
        if sent is not None:
            if sent.pairing_id != pairing.pk:
                raise ValidationError(
                    _("This form was already used. Reload the page and try again.")
                )
            return sent
    if pairing.ended_on is not None:
        raise ValidationError(_("This pairing has ended: no more visits are recorded."))
    errors: dict[str, str] = {}
    if not rules.visit_date_ok(
        on, started_on=pairing.started_on, ended_on=pairing.ended_on, today=timezone.localdate()
    ):
        errors["date"] = _("The visit date lies between the start of the pairing and today.")
    if not help_given and not needs_heard:
        errors["help_given"] = _("Write the help given or the needs heard (or both).")
    if len(help_given) > DETAIL_MAX:
        errors["help_given"] = _("Keep it to 2,000 characters.")
    if len(needs_heard) > DETAIL_MAX:
        errors["needs_heard"] = _("Keep it to 2,000 characters.")
    if errors:
        raise ValidationError(errors)
    earlier = pairing.visits.filter(date=on, help_given=help_given, needs_heard=needs_heard).first()
    if earlier is not None:
        return earlier  # the same form sent twice (the pairing's lock orders the two)
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                pairing=pairing,
                date=on,
                help_given=help_given,
                needs_heard=needs_heard,
                recorded_by=actor,
                idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        # The same key on another pairing's form, sent at this very moment.
        raise ValidationError(
            _("This form was already used. Reload the page and try again.")
        ) from None
    if pairing.last_visit_on is None or on > pairing.last_visit_on:
        pairing.last_visit_on = on
        pairing.save(update_fields=["last_visit_on"])
    audit_record(
        actor=actor,
        action="pairing.visit",
        target=pairing,
        extra={"visit": visit.pk, "date": on},
        org_path=pairing.unit.path,
    )
    return visit


@dataclass(frozen=True)
class FromVisit:
    visit: Visit
    appeal: Appeal | None = None
    deed: Deed | None = None
    repeated: bool = False


@transaction.atomic
def visit_to_appeal(
    *,
    actor: User,
    visit: Visit,
    category: Category,
    title: str,
    description: str,
    idempotency_key: str | None = None,
    at: datetime.datetime | None = None,
) -> FromVisit:
    """A need heard on a visit becomes an appeal of the colleague, recorded on their
    behalf by the visitor and linked to the visit — one step, all or nothing. The same
    form sent twice gives back the first appeal. `at` lets the demo replay history."""
    pairing = locked(visit.pairing, related=RELATED)  # a visit's writes are ordered by its pairing
    visit = Visit.objects.get(pk=visit.pk)
    employee = pairing.employee
    submitted = appeal_submit(
        draft=AppealDraft(
            channel=Channel.VISIT,
            category=category,
            title=title,
            description=description,
            submitter=employee,
            recorded_by=actor,
            department=employee.department,
            idempotency_key=idempotency_key or None,
        ),
        at=at,
    )
    if submitted.repeated and not visit.appeals.filter(pk=submitted.appeal.pk).exists():
        # The key was used by another form (the colleague's own appeal, say): linking
        # that appeal here would show it on the pairing's page.
        raise ValidationError(_("This form was already used. Reload the page and try again."))
    visit.appeals.add(submitted.appeal)
    if not submitted.repeated:
        audit_record(
            actor=actor,
            action="pairing.visit_appeal",
            target=pairing,
            extra={"visit": visit.pk, "appeal": submitted.appeal.public_id},
            org_path=pairing.unit.path,
        )
    return FromVisit(visit=visit, appeal=submitted.appeal, repeated=submitted.repeated)


@transaction.atomic
def visit_to_deed(
    *,
    actor: User,
    visit: Visit,
    title: str,
    description: str,
    owner: User,
    services: Sequence[str],
    due_on: datetime.date,
) -> FromVisit:
    """A need heard on a visit becomes a practical deed of the pairing's branch, linked to
    the visit. The caller checks `policy.can_make_deed`. A second copy of the same form
    (same title, same visit) gives back the first deed."""
    pairing = locked(visit.pairing, related=RELATED)  # a visit's writes are ordered by its pairing
    visit = Visit.objects.get(pk=visit.pk)
    earlier = visit.deeds.filter(title=title.strip()).first()
    if earlier is not None:
        return FromVisit(visit=visit, deed=earlier, repeated=True)
    deed = deed_create(
        actor=actor,
        unit=pairing.unit,
        title=title,
        description=description,
        owner=owner,
        services=services,
        due_on=due_on,
        visits=[visit],
    )
    return FromVisit(visit=visit, deed=deed)
