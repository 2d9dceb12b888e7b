"""Pages of organisational life: my meetings, a unit's compliance calendar, planning and
recording a meeting, the printable sign-in sheet, and the committee's overview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core import parameters
from grassroots.core.forms import add_service_errors
from grassroots.orglife import policy, rules, selectors, services
from grassroots.orglife.forms import (
    AttendanceForm,
    CancelForm,
    HoldForm,
    LeaveForm,
    MeetingForm,
    TalkForm,
    YearForm,
    default_start,
)
from grassroots.orglife.models import Attendance, Meeting
from grassroots.orgs import selectors as orgs
from grassroots.orgs.selectors import get_unit_for
from grassroots.orgs.vocabulary import UnitKind
from grassroots.resources import selectors as resources

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

PAGE_SIZE = 50
# A committee holds its centre-group study; branches and groups their own meetings.
MEETING_UNITS = (UnitKind.BRANCH, UnitKind.GROUP, UnitKind.COMMITTEE)


def _meeting_for(request: AuthenticatedRequest, pk: int) -> tuple[Meeting, Any, bool]:
    """The meeting, the person's scope and whether they manage it; 404 when out of scope."""
    scope = scope_for(request.user)
    meeting = Meeting.objects.select_related("unit", "organiser").filter(pk=pk).first()
    if meeting is None or not policy.can_view_meeting(scope, meeting):
        raise Http404
    return meeting, scope, policy.can_manage_meetings(scope, meeting.unit)


def _managed_unit(request: AuthenticatedRequest, pk: int) -> OrgUnit:
    scope = scope_for(request.user)
    unit = get_unit_for(scope, pk)
    if unit.kind not in MEETING_UNITS:
        raise Http404
    if not policy.can_manage_meetings(scope, unit):
        raise Http404
    return unit


@login_required
@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """My meetings (upcoming and past), and the units whose meetings I look after."""
    scope = scope_for(request.user)
    if not (scope.is_member or scope.is_officer or scope.is_admin):
        raise Http404  # an employee who is not in the Party has no organisational life here
    now = timezone.now()
    upcoming: list[Meeting] = []
    past: list[Meeting] = []
    member = orgs.member_by_id(scope.member_id)
    if member is not None:
        meetings = selectors.my_meetings(member)
        upcoming = list(
            meetings.filter(starts_at__gte=now, status=Meeting.Status.PLANNED).order_by("starts_at")
        )
        past = list(meetings.filter(starts_at__lt=now)[:20])
    in_charge = sorted(_units_in_charge(scope), key=lambda unit: unit.path)
    managed = [u for u in in_charge if u.kind in MEETING_UNITS]
    committees = [u for u in in_charge if policy.can_view_overview(scope, u)]
    return render(
        request,
        "orglife/mine.html",
        {"upcoming": upcoming, "past": past, "managed": managed, "committees": committees},
    )


def _units_in_charge(scope: Any) -> list[OrgUnit]:
    """The units at the top of each subtree the person oversees (their own units)."""
    if scope.is_admin:
        return list(orgs.root_units())
    return list(orgs.units_at_paths(scope.officer_paths))


@login_required
@require_GET
def unit_calendar(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A branch's or group's year: what the rules require per period and what was held."""
    scope = scope_for(request.user)
    unit = get_unit_for(scope, pk)
    if unit.kind not in MEETING_UNITS:
        raise Http404
    if not policy.can_view_compliance(scope, unit):
        raise Http404
    today = timezone.localdate()
    year = YearForm(request.GET).year_or(today.year)
    rows = selectors.unit_compliance(unit, year=year, today=today)
    inactive = []
    if unit.kind == UnitKind.BRANCH and year == today.year:
        inactive = selectors.inactive_members(
            unit, today=today, months=parameters.value("orglife.inactive_months")
        )
    meetings = Paginator(selectors.unit_meetings(unit, year=year), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    groups = list(orgs.groups_of_branch(unit))
    return render(
        request,
        "orglife/unit_calendar.html",
        {
            "unit": unit,
            "year": year,
            "years": [today.year - 1, today.year, today.year + 1],
            "rows": rows,
            "gaps": sum(row.gaps for row in rows),
            "page_obj": meetings,
            "inactive": inactive,
            "inactive_months": parameters.value("orglife.inactive_months"),
            "groups": groups,
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    initial: dict[str, Any] = {"starts_at": default_start()}
    kind = request.GET.get("kind", "")
    if kind in Meeting.Kind.values:
        initial["kind"] = kind
        initial["topic"] = Meeting.Kind(kind).label
    venues = resources.bookable_venues(scope_for(request.user))
    form = MeetingForm(request.POST or None, unit=unit, venues=venues, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_plan(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The meeting is planned and the people expected have been told.")
            )
            return HttpResponseRedirect(reverse("orglife:meeting", args=[meeting.pk]))
    return render(
        request,
        "orglife/meeting_form.html",
        {"form": form, "unit": unit, "places": selectors.places_used(unit), "meeting": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting, scope, manages = _meeting_for(request, pk)
    if not manages or meeting.status == Meeting.Status.CANCELLED:
        raise Http404
    is_held = meeting.status == Meeting.Status.HELD
    booking = resources.booking_by_id(meeting.booking_id)
    live = booking if booking is not None and not booking.cancelled else None
    initial = {
        "kind": meeting.kind,
        "also_counts_as": meeting.also_counts_as,
        "topic": meeting.topic,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "place": meeting.place,
        "agenda": meeting.agenda,
        "lecturer": meeting.lecturer,
        "venue": live.venue_id if live else None,
        "venue_until": timezone.localtime(live.ends_at).strftime("%H:%M") if live else None,
    }
    venues = (
        None if is_held else resources.bookable_venues(scope, also=live.venue_id if live else None)
    )
    form = MeetingForm(request.POST or None, unit=meeting.unit, venues=venues, initial=initial)
    hold = HoldForm(
        request.POST or None,
        prefix="record",
        initial={"minutes": meeting.minutes, "resolutions": meeting.resolutions},
    )
    if request.method == "POST" and form.is_valid() and (not is_held or hold.is_valid()):
        changes = dict(form.cleaned_data)
        if is_held:
            changes |= hold.cleaned_data
        try:
            services.meeting_update(actor=request.user, meeting=meeting, **changes)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting has been changed."))
            return HttpResponseRedirect(reverse("orglife:meeting", args=[meeting.pk]))
    return render(
        request,
        "orglife/meeting_form.html",
        {
            "form": form,
            "hold_form": hold if is_held else None,
            "unit": meeting.unit,
            "places": selectors.places_used(meeting.unit),
            "meeting": meeting,
        },
    )


def _attendances(meeting: Meeting) -> list[Attendance]:
    return list(
        meeting.attendances.select_related("member__user").order_by(
            "-counts_for_quorum", "member__user__employee_number"
        )
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    meeting, scope, manages = _meeting_for(request, pk)
    if meeting.status == Meeting.Status.PLANNED:
        services.attendance_refresh(meeting=meeting)  # people who joined or left since
    attendances = _attendances(meeting)
    action = request.POST.get("action") if request.method == "POST" else None
    if action and not manages and action != "leave":
        raise Http404
    attendance_form = AttendanceForm(
        request.POST if action == "attendance" else None,
        attendances=attendances,
        prefix="att",
    )
    hold_form = HoldForm(request.POST if action == "hold" else None, prefix="hold")
    cancel_form = CancelForm(request.POST if action == "cancel" else None, prefix="cancel")
    leave_form = LeaveForm(request.POST if action == "leave" else None, prefix="leave")
    here = reverse("orglife:meeting", args=[meeting.pk])
    try:
        if action == "attendance" and attendance_form.is_valid():
            changed_since = services.attendance_record(
                actor=request.user,
                meeting=meeting,
                statuses=attendance_form.statuses(),
                rest_present="all_present" in request.POST,
                idempotency_key=attendance_form.cleaned_data["key"] or None,
                shown=attendance_form.shown(),
            )
            messages.success(request, _("Attendance recorded."))
            if changed_since:
                names = {a.member_id: a.member.user.name for a in attendances}
                messages.warning(
                    request,
                    _(
                        "Not changed, because someone changed them after this form was "
                        "opened: %(names)s. Check them and correct them if needed."
                    )
                    % {"names": "、".join(names.get(pk, str(pk)) for pk in changed_since)},
                )
            return HttpResponseRedirect(here + "#attendance")
        if action == "hold" and hold_form.is_valid():
            meeting = services.meeting_hold(
                actor=request.user, meeting=meeting, **hold_form.cleaned_data
            )
            if meeting.counts:
                messages.success(request, _("The meeting is recorded as held."))
            else:
                messages.warning(
                    request,
                    _(
                        "The meeting is recorded, but without a quorum it does not count as "
                        "held. Plan it again."
                    ),
                )
            return HttpResponseRedirect(here)
        if action == "cancel" and cancel_form.is_valid():
            services.meeting_cancel(
                actor=request.user, meeting=meeting, reason=cancel_form.cleaned_data["reason"]
            )
            messages.success(request, _("The meeting is cancelled and the people expected told."))
            return HttpResponseRedirect(here)
        if action == "leave" and leave_form.is_valid():
            member = orgs.member_by_id(scope.member_id)
            if member is None:
                raise Http404
            services.leave_request(
                meeting=meeting, member=member, reason=leave_form.cleaned_data["reason"]
            )
            messages.success(request, _("Your request for leave has been sent to the organiser."))
            return HttpResponseRedirect(here)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    present, entitled = selectors.quorum(meeting)
    mine = next((a for a in attendances if a.member_id == scope.member_id), None)
    return render(
        request,
        "orglife/meeting_detail.html",
        {
            "meeting": meeting,
            "manages": manages,
            "attendances": attendances,
            "attendance_form": attendance_form,
            "hold_form": hold_form,
            "cancel_form": cancel_form,
            "leave_form": leave_form,
            "present": present,
            "entitled": entitled,
            "needed": rules.quorum_needed(entitled),
            "quorate": rules.quorum_met(present, entitled),
            "leave_requests": [a for a in attendances if a.leave_requested_at],
            "recorded": sum(a.status != Attendance.Status.EXPECTED for a in attendances),
            "mine": mine,
            "has_started": meeting.starts_at <= timezone.now(),
            "counted_labels": [Meeting.Kind(k).label for k in meeting.counted_kinds],
            "booked": resources.booked_venue(meeting.booking_id, scope_for(request.user)),
        },
    )


@login_required
@require_GET
def meeting_print(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A printable agenda and sign-in sheet."""
    meeting, _scope, manages = _meeting_for(request, pk)
    if not manages:
        raise Http404
    return render(
        request,
        "orglife/meeting_print.html",
        {"meeting": meeting, "attendances": _attendances(meeting)},
    )


@login_required
@require_GET
def overview(request: AuthenticatedRequest) -> HttpResponse:
    """A committee's subtree: each branch's and group's gaps this year, for its officers
    only, in tree order (not ranked)."""
    scope = scope_for(request.user)
    root = orgs.unit_from_parameter(scope, request.GET.get("unit"))
    if root is None:
        roots = [u for u in _units_in_charge(scope) if policy.can_view_overview(scope, u)]
        if not roots:
            raise Http404
        root = roots[0]
    if not policy.can_view_overview(scope, root):
        raise Http404
    today = timezone.localdate()
    year = YearForm(request.GET).year_or(today.year)
    # missed=1 (the home page's to-do links so): periods already over only, as it counts.
    missed_only = request.GET.get("missed") == "1"
    summaries = selectors.subtree_gaps(
        root, year=year, today=today, soon_days=0 if missed_only else None
    )
    only_gaps = request.GET.get("gaps") == "1"
    shown = [s for s in summaries if s.gaps] if only_gaps else summaries
    kinds = list(rules.KINDS)
    labels = dict(Meeting.Kind.choices)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orglife/overview.html",
        {
            "root": root,
            "year": year,
            "years": [today.year - 1, today.year],
            "page_obj": page,
            "kinds": [(k, labels[k]) for k in kinds],
            "rows": [(s, [s.gaps_of(k) for k in kinds]) for s in page.object_list],
            "units_total": len(summaries),
            "units_with_gaps": sum(1 for s in summaries if s.gaps),
            "only_gaps": only_gaps,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def talks(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """谈心谈话 in a branch this year: who has not yet talked with whom, and recording one."""
    unit = _managed_unit(request, pk)
    if unit.kind != UnitKind.BRANCH:
        raise Http404
    today = timezone.localdate()
    year = YearForm(request.GET).year_or(today.year)
    status = selectors.talk_status(unit, year=year, on=today)
    members = list(orgs.party_members_of_unit(unit).order_by("user__employee_number"))
    form = TalkForm(
        request.POST or None,
        committee=status.committee,
        members=members,
        initial={"held_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.talk_record(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The talk is recorded."))
            return HttpResponseRedirect(reverse("orglife:talks", args=[unit.pk]))
    return render(
        request,
        "orglife/talks.html",
        {"unit": unit, "year": year, "status": status, "form": form},
    )
