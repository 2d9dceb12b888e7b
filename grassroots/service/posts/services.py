"""Every write to service posts and the visits of mobile posts.

A post is run by the officers of its branch; its holders are the branch's active Party
members. An appeal addressed to a post, or heard on a visit, is raised through the
appeals service and linked to the post (or visit) in the same transaction, so that a
failure leaves neither the appeal nor the link behind.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.appeals.intake import AppealDraft, Channel, Urgency
from grassroots.appeals.services import Submitted, appeal_submit
from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.notifications import kinds
from grassroots.notifications.services import notify
from grassroots.orgs.vocabulary import UnitKind
from grassroots.service.models import PostVisit, ServiceDomain, ServicePost
from grassroots.service.posts import selectors

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.appeals.models import Appeal, Category
    from grassroots.orgs.models import Department, OrgUnit

POST_APPEAL = kinds.define_kind(
    "service.post_appeal", gettext_lazy("Appeals raised to a service post I hold")
)
POST_FIELDS = ("kind", "name", "department", "place", "promise", "services", "is_active")
VISIT_FIELDS = ("date", "department", "status", "heard", "done")


# --- Posts ----------------------------------------------------------------------------


def post_errors(
    *,
    unit: OrgUnit,
    kind: str,
    name: str,
    promise: str,
    services: Sequence[str],
    holders: Iterable[User],
    post: ServicePost | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if unit.kind != UnitKind.BRANCH:
        errors["unit"] = _("A post belongs to a Party branch.")
    if kind not in ServicePost.Kind.values:
        errors["kind"] = _("Choose the kind of post.")
    same_name = ServicePost.objects.filter(unit=unit, name=name.strip(), is_active=True)
    if post is not None:
        same_name = same_name.exclude(pk=post.pk)
    if not name.strip():
        errors["name"] = _("Give the post a name employees will recognise.")
    elif same_name.exists():
        # Two posts of one name confuse employees; it also stops a double-clicked form.
        errors["name"] = _("The branch already has an active post of this name.")
    if not promise.strip():
        errors["promise"] = _("Say what the post promises the employees.")
    if not services or set(services) - set(ServiceDomain.values):
        errors["services"] = _("Tick at least one of the five services.")
    chosen = {user.pk for user in holders}
    if not chosen:
        errors["holders"] = _("Choose at least one member who holds the post.")
    elif chosen - set(selectors.eligible_holders(unit).values_list("pk", flat=True)):
        errors["holders"] = _("Holders must be active Party members of the branch.")
    return errors


def _holder_ids(post: ServicePost) -> list[int]:
    return sorted(post.holders.values_list("pk", flat=True))


@transaction.atomic
def post_create(
    *,
    actor: User,
    unit: OrgUnit,
    kind: str,
    name: str,
    holders: Sequence[User],
    promise: str,
    services: Sequence[str],
    department: Department | None = None,
    place: str = "",
) -> ServicePost:
    """A new post for a branch, held by some of its Party members. The branch's row is
    locked so that a form sent twice at once finds the first post by its name."""
    locked(unit)
    errors = post_errors(
        unit=unit, kind=kind, name=name, promise=promise, services=services, holders=holders
    )
    if errors:
        raise ValidationError(errors)
    post = ServicePost.objects.create(
        unit=unit,
        kind=kind,
        name=name.strip(),
        department=department,
        place=place.strip(),
        promise=promise.strip(),
        services=list(services),
        created_by=actor,
    )
    post.holders.set(holders)
    audit_record(
        actor=actor,
        action="post.create",
        target=post,
        after=snapshot(post, POST_FIELDS) | {"holders": _holder_ids(post)},
        org_path=unit.path,
    )
    return post


# What the services read with a locked post or post visit.
POST_RELATED = ("unit", "department")
VISIT_RELATED = ("post", "post__unit", "department")


@transaction.atomic
def post_update(
    *,
    actor: User,
    post: ServicePost,
    kind: str,
    name: str,
    holders: Sequence[User],
    promise: str,
    services: Sequence[str],
    department: Department | None = None,
    place: str = "",
) -> ServicePost:
    """Change what a post is and who holds it (it stays with its branch)."""
    post = locked(post, related=POST_RELATED)
    if not post.is_active:
        raise ValidationError(_("This post has been deactivated."))
    errors = post_errors(
        unit=post.unit,
        kind=kind,
        name=name,
        promise=promise,
        services=services,
        holders=holders,
        post=post,
    )
    if errors:
        raise ValidationError(errors)
    before = snapshot(post, POST_FIELDS) | {"holders": _holder_ids(post)}
    post.kind = kind
    post.name = name.strip()
    post.department = department
    post.place = place.strip()
    post.promise = promise.strip()
    post.services = list(services)
    post.save(update_fields=["kind", "name", "department", "place", "promise", "services"])
    post.holders.set(holders)
    audit_record(
        actor=actor,
        action="post.update",
        target=post,
        before=before,
        after=snapshot(post, POST_FIELDS) | {"holders": _holder_ids(post)},
        org_path=post.unit.path,
    )
    return post


@transaction.atomic
def post_deactivate(*, actor: User, post: ServicePost) -> ServicePost:
    """Take a post off the public list; its history (visits, appeals) stays."""
    post = locked(post, related=POST_RELATED)
    if not post.is_active:
        return post  # a second click: nothing more to do
    post.is_active = False
    post.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="post.deactivate",
        target=post,
        before={"is_active": True},
        after={"is_active": False},
        org_path=post.unit.path,
    )
    return post


# --- Appeals addressed to a post ------------------------------------------------------


def _tell_holders(post: ServicePost, appeal: Appeal, *, submitter: User) -> None:
    """After commit, so that a rolled-back appeal tells nobody."""
    if appeal.category.to_discipline:
        return  # a complaint about members' conduct is not for the members concerned
    holders = [user for user in post.holders.filter(is_active=True) if user.pk != submitter.pk]
    if not holders:
        return
    title = _("Appeal %(number)s was raised to your post “%(name)s”") % {
        "number": appeal.number,
        "name": post.name,
    }
    url = reverse("service:post", args=[post.pk])
    key = f"post:{post.pk}:appeal:{appeal.public_id}"
    transaction.on_commit(
        lambda: notify(
            recipients=holders, kind=POST_APPEAL.key, title=title, url=url, event_key=key
        )
    )


@transaction.atomic
def post_appeal_submit(
    *, post: ServicePost, draft: AppealDraft, at: datetime.datetime | None = None
) -> Submitted:
    """Raise a named appeal addressed to a post (the appeals intake's draft) and link it
    to the post. The same form sent twice gives back the first appeal, linked once.
    (`at` lets the demo replay.)"""
    post = locked(post, related=POST_RELATED)
    if not post.is_active:
        raise ValidationError(_("This post has been deactivated."))
    result = appeal_submit(draft=draft, at=at)
    if result.repeated:
        _check_repeat(result.appeal, linked=post.appeals)
        return result
    post.appeals.add(result.appeal)
    assert draft.submitter is not None  # appeal_submit refuses a named draft without one
    _tell_holders(post, result.appeal, submitter=draft.submitter)
    return result


def _check_repeat(appeal: Appeal, *, linked: Any) -> None:
    """A repeated form key gives back the first appeal only when the first sending of
    this form linked it here (the post or visit lock makes that so before a second
    sending is read). Any other appeal under that key came from another form: linking
    it would show its title to the holders and officers."""
    if not linked.filter(pk=appeal.pk).exists():
        raise ValidationError(_("This form was already used. Reload the page and try again."))


# --- Visits of a mobile post ----------------------------------------------------------


def _check_mobile(post: ServicePost) -> None:
    if not post.is_active or post.kind != ServicePost.Kind.MOBILE:
        raise ValidationError(_("Only an active mobile service post has a rota of visits."))


def _members_errors(post: ServicePost, members: Sequence[User]) -> dict[str, str]:
    chosen = {user.pk for user in members}
    if not chosen:
        return {"members": _("Choose at least one member who goes.")}
    if chosen - set(selectors.visit_people(post).values_list("pk", flat=True)):
        return {"members": _("Only the branch's Party members and the post's holders can go.")}
    return {}


def _audit_visit(actor: User, action: str, visit: PostVisit, before: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=f"post.visit_{action}",
        target=visit,
        before=before,
        after=snapshot(visit, VISIT_FIELDS)
        | {"members": sorted(visit.members.values_list("pk", flat=True))},
        org_path=visit.post.unit.path,
    )


@transaction.atomic
def post_visit_plan(
    *,
    actor: User,
    post: ServicePost,
    date: datetime.date,
    department: Department,
    members: Sequence[User],
    today: datetime.date | None = None,
) -> PostVisit:
    """Put a visit to a department on the rota."""
    post = locked(post, related=POST_RELATED)
    _check_mobile(post)
    today = today or timezone.localdate()
    errors = _members_errors(post, members)
    if date < today:
        errors["date"] = _("A visit is planned for today or a later day.")
    if errors:
        raise ValidationError(errors)
    planned = post.visits.filter(
        status=PostVisit.Status.PLANNED, date=date, department=department
    ).first()
    if planned is not None:
        return planned  # already on the rota (or the form was sent twice)
    visit = PostVisit.objects.create(post=post, date=date, department=department)
    visit.members.set(members)
    _audit_visit(actor, "plan", visit, {})
    return visit


@transaction.atomic
def post_visit_cancel(*, actor: User, visit: PostVisit) -> PostVisit:
    visit = locked(visit, related=VISIT_RELATED)
    if visit.status == PostVisit.Status.CANCELLED:
        return visit
    if visit.status != PostVisit.Status.PLANNED:
        raise ValidationError(_("Only a planned visit can be cancelled."))
    before = snapshot(visit, VISIT_FIELDS)
    visit.status = PostVisit.Status.CANCELLED
    visit.save(update_fields=["status"])
    _audit_visit(actor, "cancel", visit, before)
    return visit


def _record_errors(
    *, date: datetime.date, heard: str, done: str, today: datetime.date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if date > today:
        errors["date"] = _("A visit can be recorded on its day or later.")
    if not heard.strip() and not done.strip():
        errors["done"] = _("Write what was heard, what was done, or both.")
    return errors


@transaction.atomic
def post_visit_record(
    *,
    actor: User,
    visit: PostVisit,
    heard: str,
    done: str,
    members: Sequence[User] | None = None,
    today: datetime.date | None = None,
) -> PostVisit:
    """Record a planned visit as held: who went, what was heard, what was done on the
    spot. Recording it again corrects it (audited)."""
    visit = locked(visit, related=VISIT_RELATED)
    _check_mobile(visit.post)
    if visit.status == PostVisit.Status.CANCELLED:
        raise ValidationError(_("A cancelled visit cannot be recorded."))
    errors = _record_errors(
        date=visit.date, heard=heard, done=done, today=today or timezone.localdate()
    )
    if members is not None:
        errors |= _members_errors(visit.post, members)
    if errors:
        raise ValidationError(errors)
    before = snapshot(visit, VISIT_FIELDS)
    visit.status = PostVisit.Status.HELD
    visit.heard = heard.strip()
    visit.done = done.strip()
    visit.recorded_by = actor
    visit.save(update_fields=["status", "heard", "done", "recorded_by"])
    if members is not None:
        visit.members.set(members)
    _audit_visit(actor, "record", visit, before)
    return visit


@transaction.atomic
def post_visit_add(
    *,
    actor: User,
    post: ServicePost,
    date: datetime.date,
    department: Department,
    members: Sequence[User],
    heard: str,
    done: str,
    today: datetime.date | None = None,
) -> PostVisit:
    """Record a visit that was not on the rota (the holders went when they were asked)."""
    post = locked(post, related=POST_RELATED)
    _check_mobile(post)
    errors = _members_errors(post, members) | _record_errors(
        date=date, heard=heard, done=done, today=today or timezone.localdate()
    )
    if errors:
        raise ValidationError(errors)
    recorded = post.visits.filter(
        status=PostVisit.Status.HELD,
        date=date,
        department=department,
        heard=heard.strip(),
        done=done.strip(),
    ).first()
    if recorded is not None:
        return recorded  # the same record sent twice
    visit = PostVisit.objects.create(
        post=post,
        date=date,
        department=department,
        status=PostVisit.Status.HELD,
        heard=heard.strip(),
        done=done.strip(),
        recorded_by=actor,
    )
    visit.members.set(members)
    _audit_visit(actor, "record", visit, {})
    return visit


@transaction.atomic
def post_visit_appeal_submit(
    *,
    actor: User,
    visit: PostVisit,
    category: Category,
    title: str,
    description: str,
    urgency: str = Urgency.NORMAL,
    worker: User | None = None,
    idempotency_key: str | None = None,
    at: datetime.datetime | None = None,
) -> Submitted:
    """Turn something heard on a visit into an appeal, linked to the visit. The worker
    who raised it is the submitter when named (the member is recorded as who entered
    it); otherwise the member who heard it raises it in their own name."""
    visit = locked(visit, related=VISIT_RELATED)
    if visit.status != PostVisit.Status.HELD:
        raise ValidationError(_("Record the visit as held first."))
    if worker is not None and not worker.is_active:
        raise ValidationError({"employee_number": _("No employee has this number.")})
    draft = AppealDraft(
        channel=Channel.VISIT,
        category=category,
        title=title,
        description=description,
        submitter=worker or actor,
        recorded_by=actor if worker is not None and worker.pk != actor.pk else None,
        department=visit.department,
        urgency=urgency,
        idempotency_key=idempotency_key,
    )
    result = appeal_submit(draft=draft, at=at)
    if result.repeated:
        _check_repeat(result.appeal, linked=visit.appeals)
    else:
        visit.appeals.add(result.appeal)
    return result
