"""The submitter's side: raise (named, anonymous, on behalf, from a QR poster), follow,
add information, rate, withdraw, me-too; the outcome wall."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts import navigation
from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.accounts.selectors import user_by_employee_number
from grassroots.appeals import policy, selectors, services
from grassroots.appeals.forms import (
    AppealForm,
    FollowForm,
    OnBehalfForm,
    RatingForm,
    SupplementForm,
    WithdrawForm,
)
from grassroots.appeals.models import Appeal
from grassroots.core import parameters, ratelimit
from grassroots.core.forms import add_service_errors
from grassroots.core.public_ids import is_public_id
from grassroots.core.request_values import object_id
from grassroots.core.upload_limits import upload_limit
from grassroots.orgs.selectors import (
    department_by_code,
    department_choices,
    department_options,
    no_departments,
)

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import Department

# The appeal an anonymous submitter follows is remembered in a signed cookie in their own
# browser, not in the server-side session: a signed-in employee's session row holds their
# user id, and the two must never be stored together.
FOLLOW_COOKIE = "followed_appeal"
FOLLOW_SALT = "grassroots.appeals.follow"
FOLLOW_SECONDS = 2 * 3600

_UNGUESSABLE_KEY = re.compile(r"[0-9A-Fa-f-]{32,64}")


def followed_public_id(request: HttpRequest) -> str | None:
    """The public id of the anonymous appeal followed in this browser, if any. (The
    cookie is signed, not encrypted: it holds the public id, which says nothing of how
    many appeals were raised before or after.)"""
    try:
        value = request.get_signed_cookie(FOLLOW_COOKIE, salt=FOLLOW_SALT, max_age=FOLLOW_SECONDS)
    except (KeyError, signing.BadSignature):
        return None
    return value if is_public_id(value) else None


def _remember_followed(response: HttpResponse, public_id: str) -> None:
    response.set_signed_cookie(
        FOLLOW_COOKIE,
        public_id,
        salt=FOLLOW_SALT,
        max_age=FOLLOW_SECONDS,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Strict",
    )


def _department_from_query(request: HttpRequest) -> Department | None:
    return department_by_code(request.GET.get("department", "")[:32])


def _similar(form: AppealForm) -> list[Appeal]:
    data = form.data
    cleaned = getattr(form, "cleaned_data", {})
    # a validated form has read its category already (the same active ones): no second query
    category = (
        cleaned["category"]
        if "category" in cleaned
        else selectors.active_category(object_id(data.get("category")))
    )
    text = f"{data.get('title', '')} {data.get('description', '')}"[:5100]
    return selectors.similar_open(category=category, text=text)


def _submit(form: AppealForm, **who: Any) -> services.Submitted | None:
    """The valid form, its files checked, through the one intake; None (with what was
    wrong on the form) when refused."""
    try:
        files = services.files_check(form.cleaned_data.get("attachments") or [])
        return services.appeal_submit(draft=form.draft(files=files, **who))
    except ValidationError as error:
        add_service_errors(form, error)
        return None


@upload_limit(services.attachment_max_bytes)
@login_required
@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in form; ?department=<code> comes from a QR poster."""
    preset = _department_from_query(request)
    # the id is enough: the field reads the department sent, the options list holds the
    # person's own (a group's deeper department is read only to be drawn)
    department = preset.pk if preset else request.user.department_id
    form = AppealForm(
        request.POST or None,
        request.FILES or None,
        initial={"department": department},
        departments=department_choices(department),
        department_options=lambda: department_options(department),
    )
    # "check": show the similar ones and any problems, submit nothing
    if request.method == "POST" and form.is_valid() and "check" not in request.POST:
        channel = Appeal.Channel.QR if request.POST.get("from_qr") else Appeal.Channel.WEB
        result = _submit(form, channel=channel, submitter=request.user)
        if result is not None:
            if result.repeated:
                messages.info(request, _("This appeal was already sent; here it is."))
                return HttpResponseRedirect(
                    reverse("appeals:mine_detail", args=[result.appeal.public_id])
                )
            return HttpResponseRedirect(reverse("appeals:received", args=[result.appeal.public_id]))
    # Only a form drawn again shows the similar ones: an appeal sent is not held back by
    # them (the panel, /appeals/new/similar/, showed them while the person typed).
    similar = _similar(form) if request.method == "POST" else []
    return render(
        request,
        "appeals/new.html",
        {
            "form": form,
            "similar": similar,
            "from_qr": bool(preset) or bool(request.POST.get("from_qr")),
            "my_me_toos": selectors.me_too_ids(request.user, similar),
        },
    )


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """The similar-appeals panel, refreshed by htmx while typing."""
    if not request.user.is_authenticated:
        return HttpResponse("")
    form = AppealForm(request.GET, departments=no_departments())
    found = _similar(form)
    return render(
        request,
        "appeals/similar.html",
        {"similar": found, "my_me_toos": selectors.me_too_ids(request.user, found)},
    )


@upload_limit(services.attachment_max_bytes)
@require_http_methods(["GET", "POST"])
def anonymous(request: HttpRequest) -> HttpResponse:
    """The anonymous form. Nothing about the visitor is stored with the appeal; only a
    keyed hash of the address is counted in the cache, to slow down floods."""
    preset = _department_from_query(request)
    form = AppealForm(
        request.POST or None,
        request.FILES or None,
        initial={"department": preset},
        departments=department_choices(preset),
        department_options=lambda: department_options(preset),
    )
    if request.method == "POST" and form.is_valid():
        client = ratelimit.client_key(request)
        limit = parameters.value("appeals.anonymous_per_hour")
        if ratelimit.too_many("anonymous-submit", client, limit=limit, count=False):
            form.add_error(
                None,
                _(
                    "Too many anonymous appeals from this device in the last hour. "
                    "Please wait an hour, or sign in and send it in your name."
                ),
            )
        else:
            result = _submit(form, channel=Appeal.Channel.ANONYMOUS, anonymous=True)
            if result is not None:
                if result.repeated:
                    # The first answer may have been lost on its way (the device sent the
                    # form again with its one-time key): nobody saw that PIN, give a new one.
                    # Only for a key nobody could guess (the page's own: 32 hex digits, or
                    # the offline queue's UUID), since the key alone earns the new PIN.
                    key = form.cleaned_data.get("idempotency_key") or ""
                    again = (
                        services.anonymous_receipt_again(appeal=result.appeal)
                        if _UNGUESSABLE_KEY.fullmatch(key)
                        else None
                    )
                    if again is None:
                        return render(
                            request, "appeals/anonymous_repeated.html", {"appeal": result.appeal}
                        )
                    result = again
                if not result.repeated:
                    ratelimit.too_many("anonymous-submit", client, limit=limit)
                response = render(request, "appeals/anonymous_receipt.html", {"result": result})
                response["Cache-Control"] = "no-store"
                return response
    return render(request, "appeals/anonymous.html", {"form": form})


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """Code and PIN are typed in (never put in an address); guessing is rate-limited per
    tracking code and for the whole site, not per address: the workers of one factory
    share an address, and another address must not buy more guesses at one PIN."""
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = services.tracking_code_normalise(form.cleaned_data["tracking_code"])
        per_code = ("follow-code", ratelimit.hashed(code))
        per_code_limit = parameters.value("appeals.code_tries_per_hour")
        site = ("follow-all", "site")
        site_limit = parameters.value("appeals.code_tries_all_per_minute")
        if ratelimit.too_many(*site, limit=site_limit, window_seconds=60, count=False):
            form.add_error(
                None,
                _(
                    "Too many wrong tries on this site just now. Please wait a minute and try again."
                ),
            )
        elif ratelimit.too_many(*per_code, limit=per_code_limit, count=False):
            form.add_error(
                None,
                _(
                    "Too many wrong tries with this tracking code. Please wait an hour and try "
                    "again."
                ),
            )
        else:
            appeal = services.anonymous_find(tracking_code=code, pin=form.cleaned_data["pin"])
            if appeal is None:
                ratelimit.too_many(*per_code, limit=per_code_limit)
                ratelimit.too_many(*site, limit=site_limit, window_seconds=60)
                form.add_error(
                    None,
                    _(
                        "The tracking code and PIN do not match an appeal. Check them and try again."
                    ),
                )
            else:
                response = HttpResponseRedirect(reverse("appeals:followed"))
                _remember_followed(response, appeal.public_id)
                return response
    return render(request, "appeals/follow.html", {"form": form})


def _followed_appeal(request: HttpRequest) -> Appeal:
    public_id = followed_public_id(request)
    appeal = (
        Appeal.objects.select_related("category", "unit")
        .filter(public_id=public_id, is_anonymous=True)
        .first()
        if public_id
        else None
    )
    if appeal is None:
        raise Http404
    return appeal


@upload_limit(services.attachment_max_bytes)
@require_http_methods(["GET", "POST"])
def followed(request: HttpRequest) -> HttpResponse:
    """The anonymous submitter's view of their appeal, reached through the cookie."""
    if followed_public_id(request) is None:
        return HttpResponseRedirect(reverse("appeals:follow"))
    appeal = _followed_appeal(request)
    forms = _submitter_actions(request, appeal, rater=None)
    if isinstance(forms, HttpResponse):
        return forms
    events = selectors.timeline(appeal, public_only=True)
    response = render(
        request,
        "appeals/submitter_detail.html",
        {
            "appeal": appeal,
            "events": events,
            "answer": selectors.latest_answer(events),
            "anonymous": True,
            **forms,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def stop_following(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(reverse("appeals:follow"))
    response.delete_cookie(FOLLOW_COOKIE, samesite="Strict")
    return response


def _submitter_actions(
    request: HttpRequest, appeal: Appeal, *, rater: User | None
) -> dict[str, Any] | HttpResponse:
    """The rating, supplement and withdraw forms, and their handling on POST."""
    action = request.POST.get("action") if request.method == "POST" else None
    rating = RatingForm(request.POST if action == "rate" else None, prefix="rate")
    supplement = SupplementForm(
        request.POST if action == "supplement" else None,
        request.FILES if action == "supplement" else None,
        prefix="more",
    )
    withdraw = WithdrawForm(request.POST if action == "withdraw" else None, prefix="withdraw")
    here = request.get_full_path()
    try:
        if action == "rate" and rating.is_valid():
            services.appeal_rate(appeal=appeal, rater=rater, **rating.cleaned_data)
            messages.success(request, _("Thank you: your rating is recorded."))
            return HttpResponseRedirect(here)
        if action == "supplement" and supplement.is_valid():
            try:
                files = services.files_check(supplement.cleaned_data.get("attachments") or [])
            except ValidationError as error:
                add_service_errors(supplement, error)
            else:
                services.appeal_supplement(
                    appeal=appeal, text=supplement.cleaned_data["text"], actor=rater, files=files
                )
                messages.success(request, _("Your information has been added."))
                return HttpResponseRedirect(here)
        if action == "withdraw" and withdraw.is_valid():
            services.appeal_withdraw(
                appeal=appeal, by=rater, reason=withdraw.cleaned_data["reason"]
            )
            messages.success(request, _("The appeal has been withdrawn."))
            return HttpResponseRedirect(here)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return {"rating_form": rating, "supplement_form": supplement, "withdraw_form": withdraw}


@login_required
@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    to_rate = request.GET.get("view") == "to_rate"
    page = Paginator(
        selectors.my_appeals(request.user, to_rate=to_rate), settings.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "appeals/mine.html", {"page_obj": page, "to_rate": to_rate})


@login_required
@require_GET
def received(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    """Straight after sending: the number, who handles it and by when, and where to go
    next — a light page, so that sending costs the person (and the server) little: its
    header without the navigation and the unread count (the page offers its own way
    on; home, the inbox and signing out stay in the header)."""
    appeal = selectors.get_received_appeal(scope_for(request.user), public_id)
    navigation.keep_header_light(request)
    return render(request, "appeals/received.html", {"appeal": appeal})


@upload_limit(services.attachment_max_bytes)
@login_required
@require_http_methods(["GET", "POST"])
def mine_detail(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    appeal = selectors.get_own_appeal(scope_for(request.user), public_id)
    forms = _submitter_actions(request, appeal, rater=request.user)
    if isinstance(forms, HttpResponse):
        return forms
    events = selectors.timeline(appeal, public_only=True)
    return render(
        request,
        "appeals/submitter_detail.html",
        {
            "appeal": appeal,
            "events": events,
            "answer": selectors.latest_answer(events),
            "anonymous": False,
            **forms,
        },
    )


@login_required
@require_POST
def me_too(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    appeal = Appeal.objects.filter(
        public_id=public_id, status__in=("submitted", "accepted", "in_progress", "reopened")
    ).first()
    if appeal is None:
        raise Http404
    if services.metoo_add(appeal=appeal, user=request.user):
        messages.success(
            request,
            _("You have joined appeal %(number)s; you will not need to send your own.")
            % {"number": appeal.number},
        )
    else:
        messages.info(
            request, _("You are already part of appeal %(number)s.") % {"number": appeal.number}
        )
    return HttpResponseRedirect(reverse("appeals:new"))


@upload_limit(services.attachment_max_bytes)
@login_required
@require_http_methods(["GET", "POST"])
def on_behalf(request: AuthenticatedRequest) -> HttpResponse:
    """代为登记: staff record an appeal for a worker who cannot use the system."""
    if not policy.can_record_on_behalf(scope_for(request.user)):
        raise Http404
    form = OnBehalfForm(
        request.POST or None,
        request.FILES or None,
        departments=department_choices(),
        department_options=department_options,
    )
    if request.method == "POST" and form.is_valid():
        worker = user_by_employee_number(form.cleaned_data["employee_number"])
        if worker is None:
            form.add_error("employee_number", _("No employee has this number."))
        else:
            result = _submit(
                form,
                channel=Appeal.Channel.ON_BEHALF,
                submitter=worker,
                recorded_by=request.user,
            )
            if result is not None:
                messages.success(
                    request,
                    _("Appeal %(number)s recorded for %(name)s.")
                    % {"number": result.appeal.number, "name": worker.name},
                )
                return HttpResponseRedirect(
                    reverse("appeals:handle_detail", args=[result.appeal.public_id])
                    if policy.can_view_as_handler(scope_for(request.user), result.appeal)
                    else reverse("appeals:on_behalf")
                )
    return render(request, "appeals/on_behalf.html", {"form": form})


@require_GET
def wall(request: HttpRequest) -> HttpResponse:
    """The outcome wall: resolved appeals whose submitters agreed, de-identified."""
    from django.core.paginator import Paginator

    page = Paginator(selectors.outcome_wall(), 20).get_page(request.GET.get("page"))
    return render(request, "appeals/wall.html", {"page_obj": page})


@login_required
@require_GET
def qr_poster(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """A printable poster for a department: a QR code that opens the form, filled in."""
    department = department_by_code(code)
    if department is None or not policy.can_print_poster(scope_for(request.user), department):
        raise Http404
    import segno

    base = settings.GRASSROOTS_BASE_URL.rstrip("/")
    named = f"{base}{reverse('appeals:new')}?department={department.code}"
    anonymous_url = f"{base}{reverse('appeals:anonymous')}?department={department.code}"
    return render(
        request,
        "appeals/qr_poster.html",
        {
            "department": department,
            "named_url": named,
            "anonymous_url": anonymous_url,
            "named_svg": segno.make(named, error="m").svg_inline(scale=6, omitsize=True),
            "anonymous_svg": segno.make(anonymous_url, error="m").svg_inline(
                scale=4, omitsize=True
            ),
        },
    )
