"""Writes of work plans: atomic, under a lock where state is checked, audited. The
caller asks `policy` first; services check the data."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.core.periods import EARLIEST_YEAR, LATEST_YEAR
from grassroots.openness.notices import services as notices
from grassroots.plans import rules, selectors
from grassroots.plans.models import DETAILS_MAX, GOAL_MAX, WHAT_MAX, PlanItem, PlanLink, WorkPlan

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

ITEM_FIELDS = ("what", "details", "due_on", "owner_id", "goal")


def plan_create(*, actor: Any, unit: OrgUnit, year: int, quarter: int | None = None) -> WorkPlan:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(
            {
                "year": _("Choose a year between %(first)s and %(last)s.")
                % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
            }
        )
    if quarter is not None and not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("Choose a quarter from 1 to 4, or none for the year.")})
    with transaction.atomic():
        if WorkPlan.objects.filter(unit=unit, year=year, quarter=quarter).exists():
            raise ValidationError({"year": _("This organisation already has this plan.")})
        try:
            with transaction.atomic():
                plan = WorkPlan.objects.create(
                    unit=unit, year=year, quarter=quarter, created_by=actor
                )
        except IntegrityError as error:  # the same plan made at the same moment
            raise ValidationError(
                {"year": _("This organisation already has this plan.")}
            ) from error
        audit_record(
            actor=actor,
            action="plans.plan_create",
            target=plan,
            after={"year": year, "quarter": quarter},
            org_path=unit.path,
        )
    return plan


def plan_publish(*, actor: Any, plan: WorkPlan) -> WorkPlan:
    with transaction.atomic():
        plan = locked(plan, related=("unit",))
        if plan.status == WorkPlan.Status.PUBLISHED:
            return plan
        plan.status = WorkPlan.Status.PUBLISHED
        plan.published_at = timezone.now()
        plan.save(update_fields=["status", "published_at"])
        audit_record(actor=actor, action="plans.plan_publish", target=plan, org_path=plan.unit.path)
    return plan


def _item_values(plan: WorkPlan, values: dict[str, Any]) -> dict[str, Any]:
    """The item's fields, cleaned, or a ValidationError naming every problem."""
    what = (values.get("what") or "").strip()
    details = (values.get("details") or "").strip()
    goal = (values.get("goal") or "").strip()
    due_on = values.get("due_on")
    owner = values.get("owner")
    errors: dict[str, str] = {}
    if not what:
        errors["what"] = _("Say what is planned.")
    elif len(what) > WHAT_MAX:
        errors["what"] = _("At most %(n)s characters.") % {"n": WHAT_MAX}
    if len(details) > DETAILS_MAX:
        errors["details"] = _("At most %(n)s characters.") % {"n": DETAILS_MAX}
    if len(goal) > GOAL_MAX:
        errors["goal"] = _("At most %(n)s characters.") % {"n": GOAL_MAX}
    first, last = rules.period_bounds(plan.year, plan.quarter)
    if not isinstance(due_on, datetime.date):
        errors["due_on"] = _("Give the date it is due.")
    elif not first <= due_on <= last:
        errors["due_on"] = _(
            "The date must lie within the plan's period (%(first)s to %(last)s)."
        ) % {
            "first": first.isoformat(),
            "last": last.isoformat(),
        }
    if owner is None or not getattr(owner, "is_active", False):
        errors["owner"] = _("Name the person responsible.")
    if errors:
        raise ValidationError(errors)
    return {"what": what, "details": details, "goal": goal, "due_on": due_on, "owner": owner}


def item_add(
    *, actor: Any, plan: WorkPlan, idempotency_key: str | None = None, **values: Any
) -> PlanItem:
    if idempotency_key:
        earlier = PlanItem.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None and earlier.plan_id == plan.pk:
            return earlier
    cleaned = _item_values(plan, values)
    with transaction.atomic():
        plan = locked(plan, related=("unit",))
        position = (
            PlanItem.objects.filter(plan=plan).aggregate(top=Max("position"))["top"] or 0
        ) + 1
        item = PlanItem.objects.create(
            plan=plan, position=position, idempotency_key=idempotency_key or None, **cleaned
        )
        audit_record(
            actor=actor,
            action="plans.item_add",
            target=item,
            after=snapshot(item, ITEM_FIELDS),
            org_path=plan.unit.path,
        )
    return item


def item_edit(*, actor: Any, item: PlanItem, **values: Any) -> PlanItem:
    with transaction.atomic():
        item = locked(item, related=("plan", "plan__unit"))
        cleaned = _item_values(item.plan, values)
        before = snapshot(item, ITEM_FIELDS)
        for name, value in cleaned.items():
            setattr(item, name, value)
        item.save()
        audit_record(
            actor=actor,
            action="plans.item_edit",
            target=item,
            before=before,
            after=snapshot(item, ITEM_FIELDS),
            org_path=item.plan.unit.path,
        )
    return item


def item_remove(*, actor: Any, item: PlanItem) -> None:
    with transaction.atomic():
        item = locked(item, related=("plan", "plan__unit"))
        audit_record(
            actor=actor,
            action="plans.item_remove",
            target=item,
            before=snapshot(item, ITEM_FIELDS),
            org_path=item.plan.unit.path,
        )
        item.delete()


def link_add(*, actor: Any, item: PlanItem, kind: str, object_id: int | None) -> PlanLink:
    """Link a record of the plan's organisation (its subtree; meetings its own) of the
    plan's year to the item. A record of another organisation, an unknown one or one
    linked already is refused."""
    with transaction.atomic():
        item = locked(item, related=("plan", "plan__unit"))
        plan = item.plan
        record = None
        if object_id is not None:
            record = selectors.candidates(plan.unit, plan.year).get((kind, object_id))
        if record is None:
            raise ValidationError(
                {"record": _("Choose a record of this organisation from the plan's year.")}
            )
        if PlanLink.objects.filter(item=item, kind=kind, object_id=record.pk).exists():
            raise ValidationError({"record": _("This record is linked to the item already.")})
        try:
            with transaction.atomic():
                link = PlanLink.objects.create(
                    item=item,
                    kind=kind,
                    object_id=record.pk,
                    label=record.label,
                    url=record.url,
                    linked_by=actor,
                )
        except IntegrityError as error:
            raise ValidationError(
                {"record": _("This record is linked to the item already.")}
            ) from error
        audit_record(
            actor=actor,
            action="plans.link_add",
            target=item,
            extra={"kind": kind, "object_id": record.pk},
            org_path=plan.unit.path,
        )
    return link


def link_remove(*, actor: Any, link: PlanLink) -> None:
    with transaction.atomic():
        link = locked(link, related=("item", "item__plan", "item__plan__unit"))
        audit_record(
            actor=actor,
            action="plans.link_remove",
            target=link.item,
            extra={"kind": link.kind, "object_id": link.object_id},
            org_path=link.item.plan.unit.path,
        )
        link.delete()


def summary_publish(
    *, actor: Any, plan: WorkPlan, title: str, body: str, idempotency_key: str | None = None
) -> Any:
    """Publish the year's summary, as the officer edited it, as openness's notice of the
    kind "work summary" for the plan's year, to every employee."""
    return notices.notice_publish(
        actor=actor,
        unit=plan.unit,
        kind="work_summary",
        title=title,
        body=body,
        audience="enterprise",
        period_key=str(plan.year),
        idempotency_key=idempotency_key,
    )
