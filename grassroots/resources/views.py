"""Venue pages: the list, a venue's week, booking, my bookings; officers create and edit
venues. Anyone a venue is not for gets 404 (policy)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.appeals.services import attachment_max_bytes
from grassroots.appeals.uploads import UploadError, check_upload
from grassroots.core.forms import add_service_errors
from grassroots.orgs.selectors import unit_from_parameter
from grassroots.resources import policy, selectors, services
from grassroots.resources.forms import (
    WEEKDAY_NAMES,
    BookingForm,
    EquipmentEditForm,
    EquipmentForm,
    FaultForm,
    VenueForm,
)
from grassroots.resources.models import VenuePhoto


def _crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"url": url, "label": label} for url, label in pairs]


@login_required
@require_GET
def venue_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    venues = list(selectors.venue_list(scope))
    return render(
        request,
        "resources/list.html",
        {"venues": venues, "may_create": policy.can_create_somewhere(scope)},
    )


def _monday(request: AuthenticatedRequest) -> datetime.date:
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = today
    return day - datetime.timedelta(days=day.weekday())


@login_required
@require_GET
def venue_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    venue = selectors.get_venue_for(scope, pk)
    monday = _monday(request)
    week = selectors.week_of(venue, monday)
    hours = [(WEEKDAY_NAMES[day], venue.hours_on(day)) for day in range(7)]
    return render(
        request,
        "resources/detail.html",
        {
            "venue": venue,
            "week": week,
            "hours": hours,
            "photos": list(venue.photos.all()),
            "equipment": [
                (item, policy.can_record_maintenance(scope, item))
                for item in selectors.equipment_of(venue)
            ],
            "today": timezone.localdate(),
            "previous_week": monday - datetime.timedelta(days=7),
            "next_week": monday + datetime.timedelta(days=7),
            "may_book": policy.can_book(scope, venue),
            "manages": policy.can_manage(scope, venue),
            "user_id": scope.user_id,
            "crumbs": _crumbs((reverse("resources:venues"), _("Venues")), ("", venue.name)),
        },
    )


@login_required
@require_GET
def venue_photo(request: AuthenticatedRequest, pk: int) -> FileResponse:
    photo = VenuePhoto.objects.select_related("venue", "venue__unit").filter(pk=pk).first()
    if photo is None or not policy.can_view(scope_for(request.user), photo.venue):
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def booking_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    venue = selectors.get_venue_for(scope, pk)
    if not policy.can_book(scope, venue):
        raise Http404
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.booking_make(
                actor=request.user,
                venue=venue,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                purpose=data["purpose"],
                idempotency_key=data.get("idempotency_key") or "",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The venue is booked."))
            return HttpResponseRedirect(reverse("resources:my_bookings"))
    return render(
        request,
        "resources/booking_form.html",
        {
            "venue": venue,
            "form": form,
            "hours": [(WEEKDAY_NAMES[day], venue.hours_on(day)) for day in range(7)],
            "crumbs": _crumbs(
                (reverse("resources:venues"), _("Venues")),
                (reverse("resources:venue", args=[venue.pk]), venue.name),
                ("", _("Book")),
            ),
        },
    )


@login_required
@require_GET
def my_bookings(request: AuthenticatedRequest) -> HttpResponse:
    since = timezone.now() - datetime.timedelta(days=1)
    return render(
        request,
        "resources/my_bookings.html",
        {"bookings": list(selectors.bookings_of(request.user.pk, since=since))},
    )


@login_required
@require_POST
def booking_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = selectors.get_booking_for(scope_for(request.user), pk)
    try:
        services.booking_cancel(actor=request.user, booking=booking)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The booking is cancelled."))
    target = request.POST.get("next", "")
    venue_url = reverse("resources:venue", args=[booking.venue_id])
    return HttpResponseRedirect(
        venue_url if target == "venue" else reverse("resources:my_bookings")
    )


def _venue_values(request: AuthenticatedRequest, form: VenueForm) -> dict[str, Any] | None:
    data = form.cleaned_data
    values = {
        field: data.get(field)
        for field in (
            "name", "kind", "place", "capacity", "step_free", "accessible_toilet",
            "hearing_loop", "accessibility_notes", "hours", "photo_description",
        )
    }  # fmt: skip
    values["place"] = values["place"] or ""
    values["accessibility_notes"] = values["accessibility_notes"] or ""
    values["photo_description"] = values["photo_description"] or ""
    values["photo"] = None
    upload = request.FILES.get("photo")
    if upload is not None:
        try:
            values["photo"] = check_upload(upload, max_bytes=attachment_max_bytes())
        except UploadError as error:
            form.add_error("photo", str(error))
            return None
    return values


@login_required
@require_http_methods(["GET", "POST"])
def venue_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.can_create_somewhere(scope):
        raise Http404
    units = policy.units_to_manage(scope)
    raw = request.GET.get("unit", "").strip()
    unit = unit_from_parameter(scope, raw, among=units) if raw else None
    if unit is None:
        return render(request, "resources/choose_unit.html", {"units": list(units)})
    form = VenueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = _venue_values(request, form)
        if values is not None:
            try:
                venue = services.venue_create(actor=request.user, unit=unit, **values)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The venue is saved."))
                return HttpResponseRedirect(reverse("resources:venue", args=[venue.pk]))
    return render(request, "resources/venue_form.html", {"form": form, "unit": unit, "venue": None})


@login_required
@require_http_methods(["GET", "POST"])
def venue_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    venue = selectors.get_managed_venue(scope, pk)
    form = VenueForm(
        request.POST or None, request.FILES or None, initial=VenueForm.initial_for(venue)
    )
    in_the_way: list[Any] = []
    is_active = venue.is_active
    if request.method == "POST":
        is_active = request.POST.get("is_active") == "1"
    if request.method == "POST" and form.is_valid():
        values = _venue_values(request, form)
        if values is not None:
            try:
                services.venue_update(
                    actor=request.user, venue=venue, is_active=is_active, **values
                )
            except services.BookingsInTheWayError as error:
                add_service_errors(form, error)
                in_the_way = error.bookings
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The venue is saved."))
                return HttpResponseRedirect(reverse("resources:venue", args=[venue.pk]))
    return render(
        request,
        "resources/venue_form.html",
        {
            "form": form,
            "unit": venue.unit,
            "venue": venue,
            "is_active": is_active,
            "in_the_way": in_the_way,
        },
    )


# --- Equipment -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def equipment_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = selectors.get_managed_venue(scope_for(request.user), pk)
    form = EquipmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.equipment_add(
                actor=request.user,
                venue=venue,
                name=data["name"],
                keeper=data["keeper"],
                maintain_every_days=data.get("maintain_every_days"),
                last_maintained_on=data.get("last_maintained_on"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The equipment is saved."))
            return HttpResponseRedirect(reverse("resources:venue", args=[venue.pk]))
    return render(request, "resources/equipment_form.html", {"form": form, "venue": venue})


@login_required
@require_http_methods(["GET", "POST"])
def equipment_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    equipment = selectors.get_equipment_for(scope, pk)
    if not policy.can_manage(scope, equipment.venue):
        raise Http404
    form = EquipmentEditForm(
        request.POST or None,
        venues=selectors.managed_venues(scope),
        initial={
            "name": equipment.name,
            "venue": equipment.venue_id,
            "keeper": equipment.keeper.employee_number,
            "maintain_every_days": equipment.maintain_every_days,
            "last_maintained_on": equipment.last_maintained_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.equipment_update(
                actor=request.user,
                equipment=equipment,
                venue=data["venue"],
                name=data["name"],
                keeper=data["keeper"],
                maintain_every_days=data.get("maintain_every_days"),
                last_maintained_on=data.get("last_maintained_on"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The equipment is saved."))
            return HttpResponseRedirect(reverse("resources:venue", args=[data["venue"].pk]))
    return render(
        request,
        "resources/equipment_form.html",
        {"form": form, "venue": equipment.venue, "equipment": equipment},
    )


@login_required
@require_POST
def equipment_maintained(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    equipment = selectors.get_equipment_for(scope, pk)
    if not policy.can_record_maintenance(scope, equipment):
        raise Http404
    services.equipment_maintained(actor=request.user, equipment=equipment, on=timezone.localdate())
    messages.success(request, _("The maintenance is recorded."))
    return HttpResponseRedirect(reverse("resources:venue", args=[equipment.venue_id]))


@login_required
@require_http_methods(["GET", "POST"])
def fault_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    equipment = selectors.get_equipment_for(scope_for(request.user), pk)
    form = FaultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.fault_report(
                actor=request.user,
                equipment=equipment,
                text=form.cleaned_data["text"],
                idempotency_key=form.cleaned_data.get("idempotency_key") or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The fault is reported as an appeal."))
            return HttpResponseRedirect(
                reverse("appeals:mine_detail", args=[result.appeal.public_id])
            )
    return render(request, "resources/fault_form.html", {"form": form, "equipment": equipment})
