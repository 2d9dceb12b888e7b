"""Every write of the appeal loop: raise → route → accept → handle → answer → rate.

Each step locks the appeal, checks the state machine (rules.TRANSITIONS), saves with
update_fields, records a timeline event and an audit entry, moves the deadlines, and
tells the right people after commit. Steps take `at` so that the demo can replay a year.

Anonymity: an anonymous appeal is written with no submitter, no recorder, no actor on
its own events and no actor in the audit log; the tracking code and the hashed PIN are
the only way back to it. Nothing here logs who sent it, because nothing here knows.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.models import Role, RoleAssignment, User
from grassroots.appeals import routing, rules, similarity
from grassroots.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    Attachment,
    Category,
    CategoryDeadline,
    CoHandling,
    MeToo,
    Rating,
    Satisfaction,
    Urgency,
)
from grassroots.appeals.uploads import CheckedFile
from grassroots.core import parameters, workcalendar
from grassroots.core.audit import audit_record
from grassroots.core.deadlines import deadline_set, deadlines_cancel
from grassroots.core.models import Deadline
from grassroots.notifications import kinds
from grassroots.notifications.services import notify
from grassroots.orgs.models import Department, Member, OrgUnit

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
DEFAULT_MINUTES = {  # RULES.md: accept within / answer within, in working minutes
    Urgency.URGENT: (120, 450),
    Urgency.NORMAL: (450, 5 * 450),
    Urgency.COMPLEX: (450, 15 * 450),
}
CO_HANDLING_MINUTES = 3 * 450

NEW_APPEAL = kinds.define_kind("appeals.new", gettext_lazy("New appeals for my organisation"))
APPEAL_UPDATE = kinds.define_kind("appeals.update", gettext_lazy("Progress on my appeals"))
APPEAL_WARNING = kinds.define_kind(
    "appeals.warning", gettext_lazy("Appeal deadlines close or passed")
)
APPEAL_ESCALATED = kinds.define_kind(
    "appeals.escalated", gettext_lazy("Appeals escalated to my organisation")
)
APPEAL_ASSIGNED = kinds.define_kind("appeals.assigned", gettext_lazy("Appeals assigned to me"))
CO_HANDLING = kinds.define_kind(
    "appeals.co_handling", gettext_lazy("Appeals my department is asked to help with")
)


# --- Helpers ----------------------------------------------------------------------------------


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def _lock(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("category", "unit", "department")
        .get(pk=appeal.pk)
    )


def _check(action: str, appeal: Appeal) -> str:
    try:
        return rules.next_status(action, appeal.status)
    except ValueError:
        raise ValidationError(
            _("This cannot be done now: the appeal is “%(status)s”.")
            % {"status": appeal.get_status_display()}
        ) from None


def _event(
    appeal: Appeal,
    kind: str,
    *,
    actor: User | None,
    at: datetime.datetime,
    text: str = "",
    public: bool = True,
    data: dict[str, Any] | None = None,
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        kind=kind,
        actor=actor,
        actor_label=actor.name if actor is not None else "",
        is_public=public,
        text=text,
        data=data or {},
        created_at=at,
    )


def _audit(actor: User | None, action: str, appeal: Appeal, **extra: Any) -> None:
    audit_record(
        actor=actor,
        action=f"appeal.{action}",
        target=appeal,
        org_path=appeal.unit.path,
        extra=extra or None,
    )


def _deadline_minutes(category: Category, urgency: str) -> tuple[int, int]:
    row = CategoryDeadline.objects.filter(category=category, urgency=urgency).first()
    if row is not None:
        return row.accept_minutes, row.answer_minutes
    return DEFAULT_MINUTES[Urgency(urgency)]


def _shares() -> tuple[float, ...]:
    try:
        return rules.warning_shares(parameters.value("appeals.warning_percentages"))
    except ValueError:
        return (0.5, 0.8, 1.0)


def _set_warnings(appeal: Appeal, stage: str, start: datetime.datetime, minutes: int) -> None:
    """Deadlines at each warning share of the time allowed; 100 % escalates."""
    _replace_warnings(
        appeal, stage, {share: max(1, round(minutes * share)) for share in _shares()}, start
    )


def _replace_warnings(
    appeal: Appeal, stage: str, minutes_by_share: dict[float, int], start: datetime.datetime
) -> None:
    """The stage's warning deadlines, replaced in two statements."""
    _cancel_warnings(appeal, stage)
    subject_type = ContentType.objects.get_for_model(Appeal)
    Deadline.objects.bulk_create(
        [
            Deadline(
                kind=f"appeals.{stage}.{round(share * 100)}",
                subject_type=subject_type,
                subject_id=str(appeal.pk),
                due_at=workcalendar.add_working(start, minutes),
                payload={"share": share, "stage": stage},
            )
            for share, minutes in minutes_by_share.items()
        ]
    )


def _cancel_warnings(appeal: Appeal, stage: str) -> None:
    deadlines_cancel(subject=appeal, kinds=[f"appeals.{stage}.{round(s * 100)}" for s in _shares()])


def handlers_of(appeal: Appeal) -> list[User]:
    """Who is told about a new appeal: the receiving organisation's officers (its
    discipline officers for conduct complaints), and the assignee."""
    role = Role.DISCIPLINE_OFFICER if appeal.category.to_discipline else None
    assignments = RoleAssignment.objects.current().filter(org_unit_id=appeal.unit_id)
    assignments = (
        assignments.filter(role=role) if role else assignments.exclude(role=Role.DISCIPLINE_OFFICER)
    )
    people = set(assignments.values_list("user_id", flat=True))
    if appeal.assignee_id:
        people.add(appeal.assignee_id)
    return list(User.objects.filter(pk__in=people, is_active=True))


def _officers_above(appeal: Appeal) -> list[User]:
    parent_id = appeal.unit.parent_id or appeal.unit_id
    role = Role.DISCIPLINE_OFFICER if appeal.category.to_discipline else Role.COMMITTEE_OFFICER
    ids = (
        RoleAssignment.objects.current().filter(org_unit_id=parent_id, role=role).values("user_id")
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _tell_submitter(
    appeal: Appeal, title: str, at: datetime.datetime, key: str, body: str = ""
) -> None:
    """Named submitters are told in their inbox; anonymous ones read their timeline."""
    if appeal.submitter_id is None:
        return
    notify(
        recipients=[appeal.submitter] if appeal.submitter else [],
        kind=APPEAL_UPDATE.key,
        title=title,
        body=body,
        url=f"/appeals/mine/{appeal.pk}/",
        event_key=f"appeal:{appeal.pk}:{key}",
        now=at,
    )


def _tell_handlers(
    appeal: Appeal,
    kind: str,
    title: str,
    at: datetime.datetime,
    key: str,
    people: Iterable[User] | None = None,
) -> None:
    notify(
        recipients=list(people) if people is not None else handlers_of(appeal),
        kind=kind,
        title=title,
        url=f"/appeals/handle/{appeal.pk}/",
        event_key=f"appeal:{appeal.pk}:{key}",
        now=at,
    )


# --- Raising ------------------------------------------------------------------------------------


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


def appeal_submit(
    *,
    category: Category,
    title: str,
    description: str,
    channel: str,
    submitter: User | None = None,
    recorded_by: User | None = None,
    anonymous: bool = False,
    department: Department | None = None,
    place: str = "",
    urgency: str = Urgency.NORMAL,
    consent_publish: bool = False,
    idempotency_key: str | None = None,
    files: Sequence[CheckedFile] = (),
    at: datetime.datetime | None = None,
) -> Submitted:
    """Raise an appeal: named, anonymous, or recorded on behalf of a worker."""
    at = _now(at)
    errors = appeal_errors(title=title, description=description, category=category)
    if anonymous and (submitter is not None or recorded_by is not None):
        raise ValueError("an anonymous appeal cannot name a person")  # a programming error
    if not anonymous and submitter is None:
        errors["submitter"] = _("Say who the appeal is for.")
    if errors:
        raise ValidationError(errors)
    if idempotency_key:
        earlier = Appeal.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            # A key someone else used is refused, so a copied form cannot show another's appeal.
            named_by_other = not anonymous and earlier.submitter_id != submitter.pk  # type: ignore[union-attr]
            if named_by_other or (anonymous and not earlier.is_anonymous):
                raise ValidationError(
                    _("This form was already used. Reload the page and try again.")
                )
            return Submitted(earlier, repeated=True)
    unit = routing.receiving_unit(category, department)
    accept_minutes, answer_minutes = _deadline_minutes(category, urgency)
    code, pin = (_new_code(), _new_pin()) if anonymous else ("", "")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                number=f"tmp-{secrets.token_hex(6)}",
                category=category,
                title=title.strip(),
                description=description.strip(),
                department=department,
                place=place.strip()[:100],
                urgency=urgency,
                channel=channel,
                is_anonymous=anonymous,
                submitter=None if anonymous else submitter,
                recorded_by=None if anonymous else recorded_by,
                tracking_code=code or None,
                pin_hash=make_password(pin, hasher="pbkdf2_sha256_pin") if anonymous else "",
                consent_publish=consent_publish,
                idempotency_key=idempotency_key or None,
                unit=unit,
                first_unit=unit,
                created_at=at,
                accept_due_at=workcalendar.add_working(at, accept_minutes),
                answer_due_at=workcalendar.add_working(at, answer_minutes),
                tokens=similarity.tokenize(f"{title} {description}"),
            )
            appeal.number = f"SQ{at.astimezone(timezone.get_current_timezone()):%Y}{appeal.pk:06d}"
            appeal.current_due_at = appeal.accept_due_at
            if category.to_discipline:
                appeal.assignee = routing.discipline_officer(unit)
            appeal.save(update_fields=["number", "current_due_at", "assignee"])
            event = _event(
                appeal,
                AppealEvent.Kind.SUBMITTED,
                actor=None if anonymous else (recorded_by or submitter),
                at=at,
                data={"on_behalf": True} if recorded_by else {},
            )
            _attach(appeal, event, files, at)
            _set_warnings(appeal, "accept", at, accept_minutes)
            _audit(
                None if anonymous else (recorded_by or submitter), "submit", appeal, channel=channel
            )
            _tell_handlers(
                appeal,
                NEW_APPEAL.key,
                _("New appeal %(number)s: %(title)s")
                % {"number": appeal.number, "title": appeal.title},
                at,
                "new",
            )
            _tell_submitter(
                appeal,
                _("Your appeal %(number)s has been received") % {"number": appeal.number},
                at,
                "received",
            )
    except IntegrityError:
        # Two copies of one form raced: the first one won; give it back.
        earlier = (
            Appeal.objects.filter(idempotency_key=idempotency_key).first()
            if idempotency_key
            else None
        )
        if earlier is None:
            raise
        return Submitted(earlier, repeated=True)
    return Submitted(appeal, tracking_code=code, pin=pin)


def _attach(
    appeal: Appeal, event: AppealEvent | None, files: Sequence[CheckedFile], at: datetime.datetime
) -> None:
    limit = parameters.value("appeals.max_attachments")
    if len(files) > limit:
        raise ValidationError({"files": _("Attach at most %(count)s files.") % {"count": limit}})
    for checked in files:
        Attachment.objects.create(
            appeal=appeal,
            event=event,
            file=checked.content,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            created_at=at,
        )


def anonymous_find(*, tracking_code: str, pin: str) -> Appeal | None:
    """The appeal for a code and PIN, or None. Checks the PIN even for unknown codes,
    so that timing does not reveal which codes exist."""
    code = tracking_code.strip().upper().replace("-", "").replace(" ", "")
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
    at = _now(at)
    appeal = _lock(appeal)
    _check("supplement", appeal)
    if not text.strip():
        raise ValidationError({"text": _("Write what you want to add.")})
    event = _event(
        appeal,
        AppealEvent.Kind.SUPPLEMENTED,
        actor=None if appeal.is_anonymous else actor,
        at=at,
        text=text.strip()[:5000],
    )
    _attach(appeal, event, files, at)
    _tell_handlers(
        appeal,
        APPEAL_UPDATE.key,
        _("More information on appeal %(number)s") % {"number": appeal.number},
        at,
        f"supplement:{event.pk}",
    )
    return event


@transaction.atomic
def metoo_add(*, appeal: Appeal, user: User, at: datetime.datetime | None = None) -> bool:
    """附议: add one's voice to an open appeal. False when already added (or one's own)."""
    appeal = _lock(appeal)
    _check("me_too", appeal)
    if appeal.submitter_id == user.pk:
        return False
    _obj, created = MeToo.objects.get_or_create(
        appeal=appeal, user=user, defaults={"created_at": _now(at)}
    )
    return created


# --- Handling --------------------------------------------------------------------------------


@transaction.atomic
def appeal_accept(
    *,
    appeal: Appeal,
    actor: User,
    note: str = "",
    urgency: str | None = None,
    at: datetime.datetime | None = None,
) -> Appeal:
    """受理. The handler may set the urgency, which fixes the answer deadline."""
    at = _now(at)
    appeal = _lock(appeal)
    appeal.status = _check("accept", appeal)
    if urgency and urgency != appeal.urgency:
        appeal.urgency = urgency
        _accept, answer = _deadline_minutes(appeal.category, urgency)
        appeal.answer_due_at = workcalendar.add_working(appeal.created_at, answer)
    appeal.responded_at = appeal.responded_at or at
    appeal.current_due_at = appeal.answer_due_at
    appeal.save(
        update_fields=["status", "urgency", "answer_due_at", "responded_at", "current_due_at"]
    )
    _cancel_warnings(appeal, "accept")
    answer_minutes = _deadline_minutes(appeal.category, appeal.urgency)[1]
    remaining = max(1, round(workcalendar.working_between(at, appeal.answer_due_at)))
    _set_warnings_until(appeal, "answer", at, remaining, answer_minutes)
    _event(appeal, AppealEvent.Kind.ACCEPTED, actor=actor, at=at, text=note.strip()[:2000])
    _audit(actor, "accept", appeal)
    _tell_submitter(
        appeal,
        _("Your appeal %(number)s has been accepted") % {"number": appeal.number},
        at,
        "accepted",
    )
    return appeal


def _set_warnings_until(
    appeal: Appeal, stage: str, at: datetime.datetime, remaining: int, total: int
) -> None:
    """Warnings for the rest of a window that started earlier (shares of the total)."""
    used = max(0, total - remaining)
    _replace_warnings(
        appeal, stage, {share: max(1, round(total * share) - used) for share in _shares()}, at
    )


@transaction.atomic
def appeal_decline(
    *,
    appeal: Appeal,
    actor: User,
    reason: str,
    go_to: str = "",
    at: datetime.datetime | None = None,
) -> Appeal:
    """不予受理, always with a reason and, where there is one, where to go instead."""
    at = _now(at)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the appeal is declined.")})
    appeal = _lock(appeal)
    appeal.status = _check("decline", appeal)
    appeal.responded_at = appeal.responded_at or at
    appeal.closed_at = at
    appeal.current_due_at = None
    appeal.save(update_fields=["status", "responded_at", "closed_at", "current_due_at"])
    deadlines_cancel(subject=appeal)
    text = reason.strip()[:2000] + (
        ("\n" + _("Where to go instead: %(place)s") % {"place": go_to.strip()[:200]})
        if go_to.strip()
        else ""
    )
    _event(appeal, AppealEvent.Kind.DECLINED, actor=actor, at=at, text=text)
    _audit(actor, "decline", appeal)
    _tell_submitter(
        appeal,
        _("Your appeal %(number)s was declined") % {"number": appeal.number},
        at,
        "declined",
        text,
    )
    return appeal


@transaction.atomic
def appeal_transfer(
    *,
    appeal: Appeal,
    actor: User,
    to_unit: OrgUnit,
    reason: str,
    at: datetime.datetime | None = None,
) -> Appeal:
    """转办 to another organisation, with a reason; counted, and the clock runs on."""
    at = _now(at)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the appeal goes to another organisation.")})
    appeal = _lock(appeal)
    _check("transfer", appeal)
    if to_unit.pk == appeal.unit_id:
        raise ValidationError({"to_unit": _("The appeal is already with this organisation.")})
    if to_unit.kind == OrgUnit.Kind.GROUP:
        raise ValidationError(
            {"to_unit": _("Transfer to a branch or a committee, not a Party group.")}
        )
    appeal.unit = to_unit
    appeal.transfers += 1
    appeal.assignee = routing.discipline_officer(to_unit) if appeal.category.to_discipline else None
    appeal.save(update_fields=["unit", "transfers", "assignee"])
    _event(
        appeal,
        AppealEvent.Kind.TRANSFERRED,
        actor=actor,
        at=at,
        text=reason.strip()[:2000],
        data={"to": to_unit.name},
    )
    _audit(actor, "transfer", appeal, to=to_unit.pk)
    _tell_handlers(
        appeal,
        NEW_APPEAL.key,
        _("Appeal %(number)s transferred to you: %(title)s")
        % {"number": appeal.number, "title": appeal.title},
        at,
        f"transfer:{appeal.transfers}",
    )
    return appeal


def assignable_members(appeal: Appeal) -> Any:
    """People an appeal may be assigned to: Party members of the handling subtree."""
    return User.objects.filter(
        member__branch__path__startswith=appeal.unit.path,
        member__stage__in=Member.Stage.party_member_values(),
        member__status__in=Member.Status.active_values(),
        is_active=True,
    ).order_by("employee_number")


@transaction.atomic
def appeal_assign(
    *, appeal: Appeal, actor: User, assignee: User, at: datetime.datetime | None = None
) -> Appeal:
    at = _now(at)
    appeal = _lock(appeal)
    appeal.status = _check("assign", appeal)
    if not assignable_members(appeal).filter(pk=assignee.pk).exists():
        raise ValidationError(
            {"assignee": _("Assign to a Party member of the organisation handling the appeal.")}
        )
    appeal.assignee = assignee
    appeal.save(update_fields=["status", "assignee"])
    _event(
        appeal,
        AppealEvent.Kind.ASSIGNED,
        actor=actor,
        at=at,
        data={"assignee": assignee.name},
        text=_("Handled by %(name)s") % {"name": assignee.name},
    )
    _audit(actor, "assign", appeal, assignee=assignee.pk)
    _tell_handlers(
        appeal,
        APPEAL_ASSIGNED.key,
        _("Appeal %(number)s is assigned to you") % {"number": appeal.number},
        at,
        f"assigned:{assignee.pk}",
        [assignee],
    )
    return appeal


@transaction.atomic
def followup_add(
    *,
    appeal: Appeal,
    actor: User,
    text: str,
    public: bool,
    files: Sequence[CheckedFile] = (),
    at: datetime.datetime | None = None,
) -> AppealEvent:
    at = _now(at)
    if not text.strip():
        raise ValidationError({"text": _("Write what happened.")})
    appeal = _lock(appeal)
    new_status = _check("follow_up", appeal)
    if appeal.status != new_status:
        appeal.status = new_status
        appeal.save(update_fields=["status"])
    event = _event(
        appeal,
        AppealEvent.Kind.FOLLOW_UP,
        actor=actor,
        at=at,
        text=text.strip()[:5000],
        public=public,
    )
    _attach(appeal, event, files, at)
    if public:
        _tell_submitter(
            appeal,
            _("News on your appeal %(number)s") % {"number": appeal.number},
            at,
            f"follow:{event.pk}",
            text.strip()[:200],
        )
    return event


@transaction.atomic
def cohandling_open(
    *,
    appeal: Appeal,
    actor: User,
    department: Department,
    request: str,
    at: datetime.datetime | None = None,
) -> CoHandling:
    """协同办理: ask an administrative department to handle a part, with its own deadline."""
    at = _now(at)
    if not request.strip():
        raise ValidationError({"request": _("Say what the department is asked to do.")})
    appeal = _lock(appeal)
    new_status = _check("co_handle", appeal)
    task = CoHandling.objects.create(
        appeal=appeal,
        department=department,
        request=request.strip()[:2000],
        due_at=workcalendar.add_working(at, CO_HANDLING_MINUTES),
        created_at=at,
    )
    if appeal.status != new_status:
        appeal.status = new_status
        appeal.save(update_fields=["status"])
    _event(
        appeal,
        AppealEvent.Kind.CO_HANDLING,
        actor=actor,
        at=at,
        data={"department": department.name},
        text=_("%(department)s is asked to help") % {"department": department.name},
    )
    _audit(actor, "co_handle", appeal, department=department.pk)
    liaisons = User.objects.filter(
        pk__in=RoleAssignment.objects.current()
        .filter(role=Role.DEPARTMENT_LIAISON, department__path__in=[*_ancestors(department)])
        .values("user_id")
    )
    notify(
        recipients=liaisons,
        kind=CO_HANDLING.key,
        title=_("Your department is asked to help with appeal %(number)s")
        % {"number": appeal.number},
        url=f"/appeals/handle/{appeal.pk}/",
        event_key=f"appeal:{appeal.pk}:co:{task.pk}",
        now=at,
    )
    return task


def _ancestors(department: Department) -> list[str]:
    from grassroots.core.tree import ancestor_paths

    return [*ancestor_paths(department.path), department.path]


@transaction.atomic
def cohandling_reply(
    *, task: CoHandling, actor: User, reply: str, at: datetime.datetime | None = None
) -> CoHandling:
    at = _now(at)
    if not reply.strip():
        raise ValidationError({"reply": _("Write the department's reply.")})
    task = (
        CoHandling.objects.select_for_update()
        .select_related("appeal__unit", "appeal__category", "department")
        .get(pk=task.pk)
    )
    if task.replied_at is not None:
        raise ValidationError(_("This request has been answered already."))
    task.reply = reply.strip()[:2000]
    task.replied_at = at
    task.replied_by = actor
    task.save(update_fields=["reply", "replied_at", "replied_by"])
    appeal = task.appeal
    _event(
        appeal,
        AppealEvent.Kind.CO_HANDLING_REPLY,
        actor=actor,
        at=at,
        public=False,
        text=task.reply,
        data={"department": task.department.name},
    )
    _audit(actor, "co_handling_reply", appeal, department=task.department_id)
    _tell_handlers(
        appeal,
        APPEAL_UPDATE.key,
        _("%(department)s replied on appeal %(number)s")
        % {"department": task.department.name, "number": appeal.number},
        at,
        f"co-reply:{task.pk}",
    )
    return task


@transaction.atomic
def appeal_merge(
    *, appeal: Appeal, actor: User, into: Appeal, at: datetime.datetime | None = None
) -> Appeal:
    """A duplicate joins the appeal it repeats; its submitter follows that one instead."""
    at = _now(at)
    appeal = _lock(appeal)
    appeal.status = _check("merge", appeal)
    target = _lock(into)
    if target.pk == appeal.pk or target.status not in OPEN_STATUSES:
        raise ValidationError({"into": _("Merge into another appeal that is still open.")})
    appeal.merged_into = target
    appeal.closed_at = at
    appeal.current_due_at = None
    appeal.save(update_fields=["status", "merged_into", "closed_at", "current_due_at"])
    deadlines_cancel(subject=appeal)
    if appeal.submitter_id and appeal.submitter_id != target.submitter_id:
        MeToo.objects.get_or_create(
            appeal=target, user_id=appeal.submitter_id, defaults={"created_at": at}
        )
    _event(
        appeal,
        AppealEvent.Kind.MERGED,
        actor=actor,
        at=at,
        text=_("Handled together with appeal %(number)s") % {"number": target.number},
        data={"into": target.number},
    )
    _audit(actor, "merge", appeal, into=target.pk)
    _tell_submitter(
        appeal,
        _("Your appeal %(number)s is handled together with %(other)s")
        % {"number": appeal.number, "other": target.number},
        at,
        "merged",
    )
    return appeal


@transaction.atomic
def appeal_answer(
    *,
    appeal: Appeal,
    actor: User,
    text: str,
    files: Sequence[CheckedFile] = (),
    at: datetime.datetime | None = None,
) -> Appeal:
    """答复: the handler's answer; the submitter is asked to rate it (回访)."""
    at = _now(at)
    if not text.strip():
        raise ValidationError({"text": _("Write the answer to the submitter.")})
    appeal = _lock(appeal)
    appeal.status = _check("answer", appeal)
    appeal.answered_at = appeal.answered_at or at
    appeal.current_due_at = None
    appeal.save(update_fields=["status", "answered_at", "current_due_at"])
    _cancel_warnings(appeal, "answer")
    deadline_set(
        kind="appeals.callback",
        subject=appeal,
        due_at=at + datetime.timedelta(days=parameters.value("appeals.callback_days")),
    )
    event = _event(appeal, AppealEvent.Kind.ANSWERED, actor=actor, at=at, text=text.strip()[:5000])
    _attach(appeal, event, files, at)
    _audit(actor, "answer", appeal)
    _tell_submitter(
        appeal,
        _("Your appeal %(number)s has been answered: please say if it was resolved")
        % {"number": appeal.number},
        at,
        f"answered:{appeal.reopened}",
        text.strip()[:200],
    )
    return appeal


@transaction.atomic
def appeal_rate(
    *,
    appeal: Appeal,
    resolved: bool,
    satisfaction: str,
    comment: str = "",
    rater: User | None = None,
    at: datetime.datetime | None = None,
) -> Appeal:
    """The submitter's call-back answer. Not satisfied reopens once and escalates."""
    at = _now(at)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose how satisfied you are.")})
    appeal = _lock(appeal)
    _check("rate", appeal)
    round_number = appeal.ratings.count() + 1
    Rating.objects.create(
        appeal=appeal,
        round=round_number,
        resolved=resolved,
        satisfaction=satisfaction,
        comment=comment.strip()[:1000],
        created_at=at,
    )
    appeal.resolved = resolved
    appeal.satisfaction = satisfaction
    appeal.status = rules.after_rating(
        satisfaction=satisfaction,
        times_reopened=appeal.reopened,
        max_reopen=parameters.value("appeals.max_reopen"),
    )
    deadlines_cancel(subject=appeal, kinds=["appeals.callback"])
    fields = ["resolved", "satisfaction", "status"]
    actor = None if appeal.is_anonymous else rater
    _event(
        appeal,
        AppealEvent.Kind.RATED,
        actor=actor,
        at=at,
        text=comment.strip()[:1000],
        data={"resolved": resolved, "satisfaction": satisfaction},
    )
    if appeal.status == rules.REOPENED:
        appeal.reopened += 1
        answer_minutes = _deadline_minutes(appeal.category, appeal.urgency)[1]
        appeal.current_due_at = workcalendar.add_working(at, answer_minutes)
        appeal.escalated_at = at
        fields += ["reopened", "current_due_at", "escalated_at"]
        _set_warnings(appeal, "answer", at, answer_minutes)
        _event(
            appeal,
            AppealEvent.Kind.REOPENED,
            actor=None,
            at=at,
            text=_("Not satisfied: the appeal is reopened and the level above supervises it."),
        )
        _tell_handlers(
            appeal,
            APPEAL_WARNING.key,
            _("Appeal %(number)s reopened: the submitter is not satisfied")
            % {"number": appeal.number},
            at,
            f"reopened:{appeal.reopened}",
        )
        _tell_handlers(
            appeal,
            APPEAL_ESCALATED.key,
            _("Supervise appeal %(number)s: reopened after a not-satisfied rating")
            % {"number": appeal.number},
            at,
            f"escalated:reopen:{appeal.reopened}",
            _officers_above(appeal),
        )
    else:
        appeal.closed_at = at
        fields.append("closed_at")
    appeal.save(update_fields=fields)
    _audit(actor, "rate", appeal, satisfaction=satisfaction)
    return appeal


@transaction.atomic
def appeal_close_unrated(*, appeal: Appeal, at: datetime.datetime | None = None) -> Appeal:
    """No call-back answer in time: closed, unrated (not counted as satisfied)."""
    at = _now(at)
    appeal = _lock(appeal)
    appeal.status = _check("close_unrated", appeal)
    appeal.closed_at = at
    appeal.save(update_fields=["status", "closed_at"])
    _event(appeal, AppealEvent.Kind.CLOSED, actor=None, at=at, text=_("Closed without a rating."))
    _audit(None, "close_unrated", appeal)
    return appeal


@transaction.atomic
def appeal_withdraw(
    *, appeal: Appeal, by: User | None, reason: str = "", at: datetime.datetime | None = None
) -> Appeal:
    """The submitter takes the appeal back (anonymous: `by` is None)."""
    at = _now(at)
    appeal = _lock(appeal)
    appeal.status = _check("withdraw", appeal)
    appeal.closed_at = at
    appeal.current_due_at = None
    appeal.save(update_fields=["status", "closed_at", "current_due_at"])
    deadlines_cancel(subject=appeal)
    actor = None if appeal.is_anonymous else by
    _event(appeal, AppealEvent.Kind.WITHDRAWN, actor=actor, at=at, text=reason.strip()[:1000])
    _audit(actor, "withdraw", appeal)
    _tell_handlers(
        appeal,
        APPEAL_UPDATE.key,
        _("Appeal %(number)s was withdrawn") % {"number": appeal.number},
        at,
        "withdrawn",
    )
    return appeal


@transaction.atomic
def appeal_escalate(*, appeal: Appeal, stage: str, at: datetime.datetime | None = None) -> Appeal:
    """督办: an overdue appeal goes to the officers of the level above."""
    at = _now(at)
    appeal = _lock(appeal)
    if not rules.can("escalate", appeal.status):
        return appeal
    appeal.escalated_at = at
    appeal.save(update_fields=["escalated_at"])
    what = _("acceptance") if stage == "accept" else _("the answer")
    _event(
        appeal,
        AppealEvent.Kind.ESCALATED,
        actor=None,
        at=at,
        text=_("Overdue (%(what)s): the level above supervises it.") % {"what": what},
    )
    _audit(None, "escalate", appeal, stage=stage)
    _tell_handlers(
        appeal,
        APPEAL_ESCALATED.key,
        _("Supervise appeal %(number)s: %(what)s is overdue")
        % {"number": appeal.number, "what": what},
        at,
        f"escalated:{stage}:{appeal.reopened}",
        _officers_above(appeal),
    )
    return appeal


def appeal_warn(*, appeal: Appeal, stage: str, share: float, at: datetime.datetime) -> None:
    """Tell the handlers that a share of the time allowed is used."""
    if not rules.can("escalate", appeal.status):
        return
    what = _("acceptance") if stage == "accept" else _("the answer")
    _event(
        appeal,
        AppealEvent.Kind.WARNING,
        actor=None,
        at=at,
        public=False,
        text=_("%(percent)s%% of the time for %(what)s is used.")
        % {"percent": round(share * 100), "what": what},
    )
    _tell_handlers(
        appeal,
        APPEAL_WARNING.key,
        _("Appeal %(number)s: %(percent)s%% of the time for %(what)s is used")
        % {"number": appeal.number, "percent": round(share * 100), "what": what},
        at,
        f"warn:{stage}:{round(share * 100)}:{appeal.reopened}",
    )


# --- Showing -------------------------------------------------------------------------------------


@transaction.atomic
def appeal_publish(
    *, appeal: Appeal, actor: User, summary: str, at: datetime.datetime | None = None
) -> Appeal:
    """Put a resolved appeal on the outcome wall, with the summary the handler checked."""
    at = _now(at)
    appeal = _lock(appeal)
    if not appeal.consent_publish:
        raise ValidationError(_("The submitter did not agree to publish this appeal."))
    if appeal.status != Appeal.Status.CLOSED or not appeal.resolved:
        raise ValidationError(_("Only appeals closed as resolved are published."))
    if not summary.strip():
        raise ValidationError({"summary": _("Write the public summary.")})
    appeal.public_summary = summary.strip()[:2000]
    appeal.published_at = at
    appeal.save(update_fields=["public_summary", "published_at"])
    _event(appeal, AppealEvent.Kind.PUBLISHED, actor=actor, at=at, public=True)
    _audit(actor, "publish", appeal)
    return appeal


@transaction.atomic
def appeal_unpublish(*, appeal: Appeal, actor: User) -> Appeal:
    appeal = _lock(appeal)
    appeal.published_at = None
    appeal.save(update_fields=["published_at"])
    _audit(actor, "unpublish", appeal)
    return appeal
