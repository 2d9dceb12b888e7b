"""Every write to activities and sign-ups. Places are handed out under a lock on the
activity row (and IMMEDIATE transactions on SQLite), so two people never get the last
place; a freed place goes to the head of the waitlist at once."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.notifications import kinds
from grassroots.notifications.services import notify
from grassroots.resources import selectors as resources
from grassroots.resources import services as bookings
from grassroots.service.activities import policy, rules
from grassroots.service.models import Activity, ServiceDomain, SignUp

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import OrgUnit
    from grassroots.resources.models import Venue

ACTIVITY_PLACE = kinds.define_kind(
    "service.place", gettext_lazy("Places in activities I signed up for")
)
ACTIVITY_FIELDS = (
    "unit",
    "title",
    "type",
    "partner",
    "services",
    "starts_at",
    "ends_at",
    "place",
    "description",
    "audience",
    "department",
    "capacity",
)


def activity_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values["ends_at"] < values["starts_at"]:
        errors["ends_at"] = _("The activity cannot end before it starts.")
    if values["audience"] == Activity.Audience.DEPARTMENT and values.get("department") is None:
        errors["department"] = _("Choose the department the activity is for.")
    if values["type"] == Activity.Type.JOINT and not str(values.get("partner", "")).strip():
        errors["partner"] = _("Name the unit this joint activity is held with.")
    if not values.get("services") or set(values["services"]) - set(ServiceDomain.values):
        errors["services"] = _("Tick at least one of the five services.")
    capacity = values.get("capacity")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("Give at least one place, or leave it empty for no limit.")
    return errors


@transaction.atomic
def activity_create(
    *, actor: User, unit: OrgUnit, venue: Venue | None = None, **values: Any
) -> Activity:
    """Open an activity for sign-up and book its venue (optional) in the same transaction:
    a refused booking saves nothing."""
    values = {
        "unit": unit,
        "partner": "",
        "description": "",
        "department": None,
        "capacity": None,
    } | values
    errors = activity_errors(values)
    if not str(values.get("place", "")).strip():
        if venue is None:
            errors["place"] = _("Say where the activity is, or book a venue.")
        values["place"] = resources.venue_place(venue) if venue is not None else ""
    if errors:
        raise ValidationError(errors)
    activity = Activity.objects.create(created_by=actor, **values)
    if venue is not None:
        try:
            activity.booking = bookings.booking_sync(
                actor=actor,
                current=None,
                venue=venue,
                starts_at=activity.starts_at,
                ends_at=activity.ends_at,
                purpose=bookings.record_purpose(
                    str(Activity.Type(activity.type).label), activity.title
                ),
                for_url=reverse("service:activity", args=[activity.pk]),
            )
        except ValidationError as error:
            raise ValidationError({"venue": error.messages}) from error
        activity.save(update_fields=["booking"])
    audit_record(
        actor=actor,
        action="activity.create",
        target=activity,
        after=snapshot(activity, ACTIVITY_FIELDS) | {"booking": activity.booking_id},
        org_path=unit.path,
    )
    return activity


# What every activity service reads with the locked row.
RELATED = ("unit", "department")


@transaction.atomic
def signup(*, user: User, activity: Activity) -> SignUp:
    """Take a place, or a place on the waitlist when the activity is full."""
    activity = locked(activity, related=RELATED)
    if activity.status != Activity.Status.PLANNED or activity.starts_at <= timezone.now():
        raise ValidationError(_("Sign-up is closed for this activity."))
    if not policy.may_join(user, activity):
        raise ValidationError(_("This activity is not open to you."))
    existing = (
        SignUp.objects.filter(activity=activity, user=user)
        .exclude(status=SignUp.Status.CANCELLED)
        .first()
    )
    if existing is not None:
        return existing  # a double click or a second tab: the same sign-up
    confirmed = SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED).count()
    status = (
        SignUp.Status.CONFIRMED
        if rules.seat_for(capacity=activity.capacity, confirmed=confirmed)
        else SignUp.Status.WAITING
    )
    return SignUp.objects.create(activity=activity, user=user, status=status)


@transaction.atomic
def signup_cancel(*, user: User, activity: Activity) -> SignUp | None:
    """Give up a place (or a place on the waitlist); the first in line moves up."""
    activity = locked(activity, related=RELATED)
    mine = (
        SignUp.objects.filter(activity=activity, user=user)
        .exclude(status=SignUp.Status.CANCELLED)
        .first()
    )
    if mine is None:
        return None
    if activity.status != Activity.Status.PLANNED:
        raise ValidationError(_("The activity is over: there is nothing to cancel."))
    mine.status = SignUp.Status.CANCELLED
    mine.save(update_fields=["status"])
    _promote(activity)
    return mine


def _promote(activity: Activity) -> list[SignUp]:
    confirmed = SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED).count()
    queue = SignUp.objects.filter(activity=activity, status=SignUp.Status.WAITING).order_by(
        "created_at", "pk"
    )
    moving = list(
        queue[
            : rules.promotions(
                capacity=activity.capacity, confirmed=confirmed, waiting=queue.count()
            )
        ]
    )
    for entry in moving:
        entry.status = SignUp.Status.CONFIRMED
    SignUp.objects.bulk_update(moving, ["status"])
    for entry in moving:
        notify(
            recipients=[entry.user],
            kind=ACTIVITY_PLACE.key,
            title=_("A place came free: you are now taking part in %(title)s")
            % {"title": activity.title},
            url=f"/service/activities/{activity.pk}/",
            event_key=f"activity:{activity.pk}:promoted:{entry.pk}",
        )
    return moving


@transaction.atomic
def activity_update_capacity(*, actor: User, activity: Activity, capacity: int | None) -> Activity:
    """More places move people up from the waitlist; fewer never take a place away."""
    activity = locked(activity, related=RELATED)
    confirmed = SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED).count()
    if capacity is not None and capacity < confirmed:
        raise ValidationError(
            {"capacity": _("%(n)s people already have a place.") % {"n": confirmed}}
        )
    before = {"capacity": activity.capacity}
    activity.capacity = capacity
    activity.save(update_fields=["capacity"])
    _promote(activity)
    audit_record(
        actor=actor,
        action="activity.capacity",
        target=activity,
        before=before,
        after={"capacity": capacity},
        org_path=activity.unit.path,
    )
    return activity


@transaction.atomic
def activity_record(
    *,
    actor: User,
    activity: Activity,
    attendance: Mapping[int, tuple[bool, Decimal]],
    summary: str,
    beneficiaries: int | None,
) -> Activity:
    """After the activity: who took part and their volunteer hours, a short summary and
    how many people it helped. Recording again corrects it (audited)."""
    activity = locked(activity, related=RELATED)
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("A cancelled activity cannot be recorded."))
    if activity.starts_at > timezone.now():
        raise ValidationError(_("The activity has not taken place yet."))
    rows = {
        s.pk: s for s in SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED)
    }
    if set(attendance) - set(rows):
        raise ValidationError(_("Some of these people have no place in this activity."))
    for pk, (attended, hours) in attendance.items():
        if not rules.hours_ok(hours):
            raise ValidationError(_("Volunteer hours go from 0 to 24, in half hours."))
        rows[pk].attended = attended
        rows[pk].hours = hours if attended else Decimal(0)
    SignUp.objects.bulk_update([rows[pk] for pk in attendance], ["attended", "hours"])
    before = snapshot(activity, ("status", "summary", "beneficiaries"))
    activity.status = Activity.Status.HELD
    activity.summary = summary.strip()
    activity.beneficiaries = beneficiaries
    activity.save(update_fields=["status", "summary", "beneficiaries"])
    audit_record(
        actor=actor,
        action="activity.record",
        target=activity,
        before=before,
        after=snapshot(activity, ("status", "summary", "beneficiaries"))
        | {"attended": sum(1 for a, _h in attendance.values() if a)},
        org_path=activity.unit.path,
    )
    return activity


@transaction.atomic
def confirm_presence(*, user: User, activity: Activity, code: str) -> SignUp:
    """A participant may confirm their own presence with the code the organiser shows —
    optional, never required."""
    activity = locked(activity, related=RELATED)
    mine = SignUp.objects.filter(
        activity=activity, user=user, status=SignUp.Status.CONFIRMED
    ).first()
    if mine is None:
        raise ValidationError(_("You have no place in this activity."))
    today = timezone.localdate()
    if not (
        timezone.localtime(activity.starts_at).date()
        <= today
        <= timezone.localtime(activity.ends_at).date()
    ):
        raise ValidationError(_("Presence can be confirmed on the day of the activity."))
    if code.strip() != activity.presence_code:
        raise ValidationError({"code": _("That is not the code shown at the activity.")})
    mine.attended = True
    mine.self_confirmed_at = timezone.now()
    mine.save(update_fields=["attended", "self_confirmed_at"])
    return mine


@transaction.atomic
def activity_cancel(*, actor: User, activity: Activity, reason: str) -> Activity:
    activity = locked(activity, related=RELATED)
    if activity.status != Activity.Status.PLANNED:
        raise ValidationError(_("Only an activity still open can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the activity is cancelled.")})
    activity.status = Activity.Status.CANCELLED
    activity.save(update_fields=["status"])
    booking = resources.booking_by_id(activity.booking_id)
    if booking is not None and not booking.cancelled:
        bookings.booking_cancel(actor=actor, booking=booking)
    people = [
        s.user
        for s in activity.signups.exclude(status=SignUp.Status.CANCELLED).select_related("user")
    ]
    notify(
        recipients=people,
        kind=ACTIVITY_PLACE.key,
        title=_("Cancelled: %(title)s") % {"title": activity.title},
        body=reason.strip(),
        url=f"/service/activities/{activity.pk}/",
        event_key=f"activity:{activity.pk}:cancelled",
    )
    audit_record(
        actor=actor,
        action="activity.cancel",
        target=activity,
        after={"reason": reason.strip()},
        org_path=activity.unit.path,
    )
    return activity
