"""Every write to practical deeds (办实事清单): create, edit, report progress, tick
milestones, declare done or drop, follow, rate.

The public list reads one row per deed, so the services keep its counters (followers,
ratings) in step with the rows they count: under a lock on the deed and with F()
expressions, in the same transaction as the row they add or remove.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.selectors import all_users
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.core.satisfaction import Satisfaction
from grassroots.notifications import kinds
from grassroots.notifications.services import notify
from grassroots.orgs.vocabulary import UnitKind
from grassroots.service.deeds import rules, selectors
from grassroots.service.models import (
    Deed,
    DeedFollow,
    DeedMilestone,
    DeedRating,
    DeedUpdate,
    PostVisit,
    Visit,
)

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.appeals.models import Appeal
    from grassroots.orgs.models import OrgUnit

DEED_NEWS = kinds.define_kind("service.deed", gettext_lazy("Practical deeds I follow"))

DEED_FIELDS = (
    "unit",
    "title",
    "description",
    "owner",
    "services",
    "due_on",
    "progress",
    "status",
    "done_on",
    "outcome",
    "drop_reason",
)
TITLE_MAX = 200
MILESTONE_TITLE_MAX = 200


def _deed_url(deed: Deed) -> str:
    return reverse("service:deed", args=[deed.pk])


def deed_errors(
    *,
    unit: OrgUnit,
    title: str,
    owner: User | None,
    services: Sequence[str],
    due_on: datetime.date | None,
    today: datetime.date,
    check_due: bool = True,
) -> dict[str, str]:
    """What is wrong with a deed's main fields, field by field (empty when valid)."""
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Say in one line what will be done.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep the title to 200 characters.")
    if unit.kind == UnitKind.GROUP:
        errors["unit"] = _("Deeds are promised by a branch or a committee, not a Party group.")
    if due_on is None:
        errors["due_on"] = _("Give the date by which it will be done.")
    elif check_due and not rules.due_date_ok(due_on, today=today):
        errors["due_on"] = _("The date it will be done by cannot be in the past.")
    if not rules.services_ok(services):
        errors["services"] = _("Tick at least one of the five services.")
    if owner is None:
        errors["owner"] = _("Name the person responsible.")
    elif not selectors.eligible_owners(unit).filter(pk=owner.pk).exists():
        errors["owner"] = _(
            "The person responsible must be an active member of this organisation "
            "(or of one below it) or one of its officers."
        )
    return errors


def _milestone_rows(
    milestones: Iterable[tuple[str, datetime.date]], *, today: datetime.date
) -> list[tuple[str, datetime.date]]:
    rows: list[tuple[str, datetime.date]] = []
    for title, due_on in milestones:
        title = (title or "").strip()
        if not title or len(title) > MILESTONE_TITLE_MAX or due_on is None:
            raise ValidationError(
                {"milestones": _("Each milestone needs a title (up to 200 characters) and a date.")}
            )
        rows.append((title, due_on))
    return rows


@transaction.atomic
def deed_create(
    *,
    actor: User,
    unit: OrgUnit,
    title: str,
    description: str,
    owner: User,
    services: Sequence[str],
    due_on: datetime.date,
    milestones: Iterable[tuple[str, datetime.date]] = (),
    appeals: Iterable[Appeal] = (),
    post_visits: Iterable[PostVisit] = (),
    visits: Iterable[Visit] = (),
    origin: tuple[str, str] | None = None,
) -> Deed:
    """Put a practical deed on the unit's public list.

    `origin` is (label, address) of what another part of the product made it from (an
    adopted suggestion of a consultation): the deed's page links back to it.

    The caller checks that `actor` may act for `unit` (`policy.can_manage_unit`). The
    responsible person is an active member of the unit's subtree or an officer of the
    unit (or of an organisation above it); the due date is today or later; at least one
    of the five services is ticked. Nothing is saved when anything is wrong.
    """
    today = timezone.localdate()
    services = list(dict.fromkeys(services))
    errors = deed_errors(
        unit=unit, title=title, owner=owner, services=services, due_on=due_on, today=today
    )
    if errors:
        raise ValidationError(errors)
    if len(description) > 5000:
        raise ValidationError({"description": _("Keep the details to 5,000 characters.")})
    rows = _milestone_rows(milestones, today=today)
    now = timezone.now()
    deed = Deed.objects.create(
        unit=unit,
        title=title.strip(),
        description=description.strip(),
        owner=owner,
        services=services,
        due_on=due_on,
        created_by=actor,
        created_at=now,
        updated_at=now,
        origin_label=(origin[0] if origin else "")[:200],
        origin_url=(origin[1] if origin else "")[:300],
    )
    DeedMilestone.objects.bulk_create(
        [DeedMilestone(deed=deed, title=name, due_on=when) for name, when in rows]
    )
    appeal_list, post_visit_list, visit_list = list(appeals), list(post_visits), list(visits)
    if appeal_list:
        deed.appeals.add(*appeal_list)
    if post_visit_list:
        deed.post_visits.add(*post_visit_list)
    if visit_list:
        deed.visits.add(*visit_list)
    audit_record(
        actor=actor,
        action="deed.create",
        target=deed,
        after=snapshot(deed, DEED_FIELDS),
        org_path=unit.path,
        extra={
            "milestones": len(rows),
            "appeals": [a.public_id for a in appeal_list],
            "post_visits": [v.pk for v in post_visit_list],
            "visits": [v.pk for v in visit_list],
            **({"origin": origin[1]} if origin else {}),
        },
    )
    return deed


def _require_open(deed: Deed) -> None:
    if deed.status != Deed.Status.OPEN:
        raise ValidationError(_("This deed is closed: it was declared done or dropped."))


def _followers(deed: Deed, *, exclude: Any = None) -> list[User]:
    users = all_users().filter(
        pk__in=DeedFollow.objects.filter(deed=deed).values("user_id"), is_active=True
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users)


@transaction.atomic
def deed_update(
    *,
    actor: User,
    deed: Deed,
    title: str,
    description: str,
    owner: User,
    services: Sequence[str],
    due_on: datetime.date,
) -> Deed:
    """Edit an open deed. A due date may move (a delay is announced as a progress
    report); it may stay in the past only if it already was."""
    deed = locked(deed, related=("unit",))
    _require_open(deed)
    services = list(dict.fromkeys(services))
    today = timezone.localdate()
    errors = deed_errors(
        unit=deed.unit,
        title=title,
        owner=owner,
        services=services,
        due_on=due_on,
        today=today,
        check_due=due_on != deed.due_on,
    )
    if errors:
        raise ValidationError(errors)
    if len(description) > 5000:
        raise ValidationError({"description": _("Keep the details to 5,000 characters.")})
    before = snapshot(deed, DEED_FIELDS)
    deed.title = title.strip()
    deed.description = description.strip()
    deed.owner = owner
    deed.services = services
    deed.due_on = due_on
    deed.updated_at = timezone.now()
    deed.save(update_fields=["title", "description", "owner", "services", "due_on", "updated_at"])
    audit_record(
        actor=actor,
        action="deed.update",
        target=deed,
        before=before,
        after=snapshot(deed, DEED_FIELDS),
        org_path=deed.unit.path,
    )
    return deed


@transaction.atomic
def deed_report_progress(*, actor: User, deed: Deed, progress: int, text: str) -> DeedUpdate:
    """Post a progress report (a percentage and what happened); followers are told."""
    deed = locked(deed, related=("unit",))
    _require_open(deed)
    errors: dict[str, str] = {}
    if not rules.progress_ok(progress):
        errors["progress"] = _("Progress is a percentage from 0 to 100.")
    if not text.strip():
        errors["text"] = _("Say what happened since the last report.")
    elif len(text) > 2000:
        errors["text"] = _("Keep the report to 2,000 characters.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    report = DeedUpdate.objects.create(
        deed=deed, progress=progress, text=text.strip(), actor=actor, created_at=now
    )
    before = deed.progress
    deed.progress = progress
    deed.updated_at = now
    deed.save(update_fields=["progress", "updated_at"])
    audit_record(
        actor=actor,
        action="deed.progress",
        target=deed,
        before={"progress": before},
        after={"progress": progress},
        org_path=deed.unit.path,
        extra={"update": report.pk},
    )
    notify(
        recipients=_followers(deed, exclude=actor),
        kind=DEED_NEWS.key,
        title=_("Progress on “%(title)s”: %(progress)s%%")
        % {"title": deed.title, "progress": progress},
        body=report.text[:500],
        event_key=f"deed:{deed.pk}:update:{report.pk}",
        url=_deed_url(deed),
    )
    return report


@transaction.atomic
def milestone_tick(
    *, actor: User, milestone: DeedMilestone, done: bool = True, on: datetime.date | None = None
) -> DeedMilestone:
    """Mark a milestone reached (or not reached after all) on an open deed."""
    deed = locked(milestone.deed, related=("unit",))
    _require_open(deed)
    milestone = locked(milestone)
    if milestone.deed_id != deed.pk:
        raise DeedMilestone.DoesNotExist
    today = timezone.localdate()
    reached = (on or today) if done else None
    if reached is not None and reached > today:
        raise ValidationError({"done_on": _("A milestone cannot be reached in the future.")})
    before = milestone.done_on
    if before == reached:
        return milestone  # a second click: nothing changes
    milestone.done_on = reached
    milestone.save(update_fields=["done_on"])
    deed.updated_at = timezone.now()
    deed.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action="deed.milestone",
        target=deed,
        before={"milestone": milestone.pk, "done_on": before.isoformat() if before else None},
        after={"milestone": milestone.pk, "done_on": reached.isoformat() if reached else None},
        org_path=deed.unit.path,
    )
    return milestone


@transaction.atomic
def deed_declare_done(
    *, actor: User, deed: Deed, outcome: str, done_on: datetime.date | None = None
) -> Deed:
    """Declare the deed delivered: progress 100, what was delivered, the day; followers
    are told and rating opens."""
    deed = locked(deed, related=("unit",))
    _require_open(deed)
    today = timezone.localdate()
    done_on = done_on or today
    errors: dict[str, str] = {}
    if not outcome.strip():
        errors["outcome"] = _("Say what was delivered.")
    elif len(outcome) > 5000:
        errors["outcome"] = _("Keep it to 5,000 characters.")
    if done_on > today:
        errors["done_on"] = _("A deed cannot be done on a day still to come.")
    elif done_on < deed.created_at.date() - datetime.timedelta(days=1):
        errors["done_on"] = _("It cannot have been done before it was promised.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(deed, DEED_FIELDS)
    deed.status = Deed.Status.DONE
    deed.progress = 100
    deed.outcome = outcome.strip()
    deed.done_on = done_on
    deed.updated_at = timezone.now()
    deed.save(update_fields=["status", "progress", "outcome", "done_on", "updated_at"])
    audit_record(
        actor=actor,
        action="deed.done",
        target=deed,
        before=before,
        after=snapshot(deed, DEED_FIELDS),
        org_path=deed.unit.path,
    )
    notify(
        recipients=_followers(deed, exclude=actor),
        kind=DEED_NEWS.key,
        title=_("“%(title)s” was declared done: was it delivered?") % {"title": deed.title},
        body=deed.outcome[:500],
        event_key=f"deed:{deed.pk}:done",
        url=_deed_url(deed),
    )
    return deed


@transaction.atomic
def deed_drop(*, actor: User, deed: Deed, reason: str) -> Deed:
    """Drop an open deed, saying why (the reason stays on the public page)."""
    deed = locked(deed, related=("unit",))
    _require_open(deed)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"drop_reason": _("Say why the deed is dropped.")})
    if len(reason) > 500:
        raise ValidationError({"drop_reason": _("Keep the reason to 500 characters.")})
    before = snapshot(deed, DEED_FIELDS)
    deed.status = Deed.Status.DROPPED
    deed.drop_reason = reason
    deed.updated_at = timezone.now()
    deed.save(update_fields=["status", "drop_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="deed.drop",
        target=deed,
        before=before,
        after=snapshot(deed, DEED_FIELDS),
        org_path=deed.unit.path,
    )
    notify(
        recipients=_followers(deed, exclude=actor),
        kind=DEED_NEWS.key,
        title=_("“%(title)s” was dropped") % {"title": deed.title},
        body=reason,
        event_key=f"deed:{deed.pk}:dropped",
        url=_deed_url(deed),
    )
    return deed


@transaction.atomic
def deed_follow(*, user: User, deed: Deed) -> bool:
    """Follow a deed (its progress reports and its end). True when newly followed."""
    deed = locked(deed, related=("unit",))
    if DeedFollow.objects.filter(deed=deed, user=user).exists():
        return False  # a double click or a second tab
    DeedFollow.objects.create(deed=deed, user=user)
    Deed.objects.filter(pk=deed.pk).update(followers=F("followers") + 1)
    return True


@transaction.atomic
def deed_unfollow(*, user: User, deed: Deed) -> bool:
    deed = locked(deed, related=("unit",))
    removed, _detail = DeedFollow.objects.filter(deed=deed, user=user).delete()
    if not removed:
        return False
    Deed.objects.filter(pk=deed.pk, followers__gt=0).update(followers=F("followers") - 1)
    return True


RATING_COUNTER = {
    Satisfaction.SATISFIED: "rated_satisfied",
    Satisfaction.FAIRLY: "rated_fairly",
    Satisfaction.NOT: "rated_not",
}


@transaction.atomic
def deed_rate(*, user: User, deed: Deed, delivered: str, comment: str = "") -> DeedRating:
    """Answer "was it delivered?" once, after the deed was declared done.

    The person responsible and the officers who answer for the deed do not rate their
    own work (the caller checks `policy.can_rate`; checked again here for the owner).
    """
    deed = locked(deed, related=("unit",))
    if deed.status != Deed.Status.DONE:
        raise ValidationError(_("A deed can be rated once it is declared done."))
    if delivered not in RATING_COUNTER:
        raise ValidationError({"delivered": _("Choose delivered, partly delivered or not.")})
    if deed.owner_id == user.pk:
        raise ValidationError(_("The person responsible does not rate their own deed."))
    comment = comment.strip()
    if len(comment) > 500:
        raise ValidationError({"comment": _("Keep the comment to 500 characters.")})
    if DeedRating.objects.filter(deed=deed, user=user).exists():
        raise ValidationError(_("You have already said whether this deed was delivered."))
    try:
        with transaction.atomic():
            rating = DeedRating.objects.create(
                deed=deed, user=user, delivered=delivered, comment=comment
            )
    except IntegrityError as error:  # pragma: no cover - the lock makes this a race-only path
        raise ValidationError(
            _("You have already said whether this deed was delivered.")
        ) from error
    counter = RATING_COUNTER[Satisfaction(delivered)]
    Deed.objects.filter(pk=deed.pk).update(**{counter: F(counter) + 1})
    return rating
