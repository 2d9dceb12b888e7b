"""The notices pages: what I may read, one organisation's notices (public), one notice
with its files and its 公示, and the officers' publish and edit forms."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import Scope, scope_for
from grassroots.appeals.services import attachment_max_bytes
from grassroots.core.forms import add_service_errors
from grassroots.core.pagination import CappedPaginator
from grassroots.core.periods import Period
from grassroots.core.request_values import object_id
from grassroots.core.upload_limits import upload_limit
from grassroots.openness import policy, selectors
from grassroots.openness.catalogue import selectors as catalogue_selectors
from grassroots.openness.models import Notice
from grassroots.openness.notices import drafts, services
from grassroots.openness.notices import selectors as notice_selectors
from grassroots.openness.notices.forms import PUBLISHED_KINDS, NoticeEditForm, NoticeForm
from grassroots.openness.vocabulary import Audience, NoticeKind
from grassroots.orgs import policy as orgs_policy
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import UnitKind

PER_PAGE = 20
LIST_CAP = 1000


def _reach(request: HttpRequest) -> tuple[Scope, selectors.Reach]:
    scope = scope_for(request.user)
    return scope, selectors.reach_of(scope, request.user)


@login_required
@require_GET
def notice_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every notice this person may read, newest first; "new for me" narrows it to what
    they have not opened lately (the home page's to-do links here)."""
    scope, reach = _reach(request)
    notices = selectors.notices_for(reach).defer("body")
    kind = request.GET.get("kind", "")
    if kind not in NoticeKind.values:
        kind = ""
    if kind:
        notices = notices.filter(kind=kind)
    unit = orgs.unit_by_id(object_id(request.GET.get("unit")))
    if unit is not None:
        notices = notices.filter(unit=unit)
    unread = request.GET.get("unread") == "1"
    now = timezone.now()
    if unread:
        notices = notice_selectors.new_notices(reach, request.user, now=now, notices=notices)
    page = CappedPaginator(notices, PER_PAGE, cap=LIST_CAP).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    seen = notice_selectors.read_ids(request.user, [notice.pk for notice in rows])
    since = now - datetime.timedelta(days=notice_selectors.NEW_DAYS)
    units = list(
        orgs.active_units(exclude_kinds=[UnitKind.GROUP]).order_by("path").values_list("pk", "name")
    )
    return render(
        request,
        "openness/notices/list.html",
        {
            "page_obj": page,
            "rows": [
                (
                    notice,
                    notice.pk not in seen
                    and notice.published_at >= since
                    and notice.published_by_id != request.user.pk,
                )
                for notice in rows
            ],
            "kind": kind,
            "kinds": NoticeKind.choices,
            "unit": unit,
            "units": units,
            "unread": unread,
            "new_days": notice_selectors.NEW_DAYS,
            "can_publish": policy.can_publish(scope),
        },
    )


@require_GET
def unit_notices(request: HttpRequest, unit_id: int) -> HttpResponse:
    """One organisation's notices the visitor may read: without signing in, those to
    the public. A fixed number of queries however many notices the unit has."""
    unit = orgs.unit_by_id(unit_id)
    if unit is None:
        raise Http404
    scope, reach = _reach(request)
    notices = selectors.notices_of_unit(unit, reach).defer("body")
    page = CappedPaginator(notices, PER_PAGE, cap=LIST_CAP).get_page(request.GET.get("page"))
    return render(
        request,
        "openness/notices/unit.html",
        {
            "unit": unit,
            "page_obj": page,
            "rows": list(page.object_list),
            "can_publish": policy.can_publish_for(scope, unit) and unit.is_active,
        },
    )


def _period_label(key: str) -> str:
    if not key:
        return ""
    try:
        return Period.parse(key, default=Period.year(2000)).label
    except ValueError:
        return key


@require_GET
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice for whoever it reaches (a missing one and one out of reach are the same
    404). Opening it marks it read for a signed-in person; its officers see the read
    total — never who has or has not read it."""
    scope, reach = _reach(request)
    notice = selectors.notice_for(reach, pk)
    if notice is None:
        raise Http404
    if request.user.is_authenticated:
        services.notice_read(request.user, notice)
    today = timezone.localdate()
    state = (
        orgs.public_notice_state(services.PUBLICITY_KIND, notice.pk, today=today)
        if notice.publicity_days
        else None
    )
    manages = policy.can_manage_notice(scope, notice)
    if manages:
        notice.refresh_from_db(fields=["read_count"])
    return render(
        request,
        "openness/notices/detail.html",
        {
            "notice": notice,
            "attachments": notice_selectors.attachments_of(notice),
            "period_label": _period_label(notice.period_key),
            "state": state,
            "manages": manages,
            "editable": policy.can_edit_notice(scope, notice),
        },
    )


@require_GET
def notice_attachment(request: HttpRequest, public_id: str) -> FileResponse:
    """A notice's file, for whoever the notice reaches."""
    item = notice_selectors.notice_attachment(public_id)
    if item is None or item.notice is None:
        raise Http404
    _scope, reach = _reach(request)
    if not policy.can_read_notice(reach, item.notice):
        raise Http404
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _units_to_publish_for(scope: Scope) -> Any:
    return (
        orgs_policy.units_in_oversight(scope)
        .filter(is_active=True)
        .exclude(kind=UnitKind.GROUP)
        .order_by("path")
    )


def _prefill(request: HttpRequest, units: Any) -> dict[str, Any]:
    """What `?unit=&kind=&period=` asks for (the catalogue links here), with the draft
    written from the records when there is one."""
    # Unless a link says otherwise, a notice of an event, to every employee: a catalogue
    # item is published from the catalogue's link, with its kind and period.
    initial: dict[str, Any] = {"audience": Audience.ENTERPRISE, "kind": NoticeKind.OTHER}
    wanted = object_id(request.GET.get("unit"))
    unit = units.filter(pk=wanted).first() if wanted is not None else None
    if unit is not None:
        initial["unit"] = unit.pk
    kind = request.GET.get("kind", "")
    if kind not in {value for value, _label in PUBLISHED_KINDS}:
        kind = ""
    if kind:
        initial["kind"] = kind
    period: Period | None = None
    raw = (request.GET.get("period") or "").strip()
    if raw:
        try:
            period = Period.parse(raw, default=Period.year(2000))
        except ValueError:
            period = None  # a mistyped link: the form starts without a period
    if period is not None:
        initial["period_key"] = period.key
    if unit is not None and kind:
        item = catalogue_selectors.item_for(unit.kind, kind)
        if item is not None:
            initial["audience"] = item.audience  # to whom the catalogue says
        draft = drafts.draft_for(unit, kind, period)
        if draft is not None:
            initial["title"], initial["body"] = draft.title, draft.body
    return initial


@upload_limit(attachment_max_bytes)
@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.can_publish(scope):
        raise Http404
    units = _units_to_publish_for(scope)
    if not units.exists():
        raise Http404
    today = timezone.localdate()
    initial = _prefill(request, units) if request.method == "GET" else {}
    form = NoticeForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        today=today,
        period=initial.get("period_key", ""),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not policy.can_publish_for(scope, data["unit"]):
            raise Http404
        try:
            notice = services.notice_publish(
                actor=request.user,
                unit=data["unit"],
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                audience=data["audience"],
                period_key=data.get("period_key") or "",
                publicity_days=data.get("publicity_days"),
                files=data.get("attachments") or [],
                idempotency_key=data.get("idempotency_key") or None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The notice is published."))
            return HttpResponseRedirect(reverse("openness:notice", args=[notice.pk]))
    return render(request, "openness/notices/form.html", {"form": form, "notice": None})


def _managed_notice(request: AuthenticatedRequest, pk: int) -> Notice:
    scope, reach = _reach(request)
    notice = selectors.notice_for(reach, pk)
    if notice is None or not policy.can_manage_notice(scope, notice):
        raise Http404
    return notice


@login_required
@require_http_methods(["GET", "POST"])
def notice_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = _managed_notice(request, pk)
    if not policy.can_edit_notice(scope_for(request.user), notice):
        raise Http404
    form = NoticeEditForm(
        request.POST or None, initial={"title": notice.title, "body": notice.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_edit(
                actor=request.user,
                notice=notice,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The notice is updated."))
            return HttpResponseRedirect(reverse("openness:notice", args=[notice.pk]))
    return render(request, "openness/notices/form.html", {"form": form, "notice": notice})
