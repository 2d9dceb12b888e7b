"""The Open311 GeoReport v2 endpoints: parse, ask who calls, one selector or service, answer.

The caller is known only by the `api_key` (a parameter, a field of the POST, or an
`Authorization: Bearer` header): a browser's session is never read, so a forged
cross-site POST can do nothing in anybody's name, and these views need no CSRF token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from grassroots.accounts.scope import scope_for
from grassroots.accounts.tokens import user_for_token
from grassroots.appeals import selectors, services
from grassroots.appeals.intake import AppealDraft, Channel, Urgency
from grassroots.core import parameters, ratelimit
from grassroots.core.public_ids import is_public_id
from grassroots.integrations.open311 import formats, representation, rules
from grassroots.orgs.selectors import department_by_code, root_units
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from grassroots.accounts.models import User

PAGE_SIZE = 50
MOST_PER_PAGE = 200
MOST_PAGES = 10_000
MOST_IDS = 200


def _jurisdiction_refused(
    request: HttpRequest, fields: dict[str, str], fmt: str
) -> HttpResponse | None:
    """jurisdiction_id is optional (this endpoint serves one enterprise); given, it is
    the code of the enterprise's Party committee at the top of the tree."""
    given = (fields.get("jurisdiction_id") or request.GET.get("jurisdiction_id", "")).strip()
    if not given:
        return None
    top = root_units().filter(kind=UnitKind.COMMITTEE).order_by("path").first()
    if top is not None and given.lower() == top.code.lower():
        return None
    return formats.error(fmt, 404, "jurisdiction_id: this endpoint serves no such jurisdiction")


def _api_key(request: HttpRequest, fields: dict[str, str]) -> str:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return (fields.get("api_key") or request.GET.get("api_key", "")).strip()


def _caller(request: HttpRequest, fields: dict[str, str], *, touch: bool = True) -> User | None:
    raw = _api_key(request, fields)
    return user_for_token(raw, touch=touch) if raw else None


def _touch(request: HttpRequest) -> None:
    """Note the token's use once a read found something. A read that finds nothing
    leaves no trace: a client's usual follow-up of an anonymous POST (GET requests/{id}
    or tokens/{token}, both 404 to its sender) would otherwise mark that minute."""
    user_for_token(_api_key(request, {}))


@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    """No such endpoint: the specification's 404, XML when the path ends in .xml."""
    fmt = formats.XML if request.path.lower().endswith(".xml") else formats.JSON
    return formats.error(fmt, 404, "no such endpoint (paths end in .json or .xml)")


def _refuse_key(fmt: str, request: HttpRequest, fields: dict[str, str]) -> HttpResponse:
    if _api_key(request, fields):
        return formats.error(
            fmt, 403, "api_key: not a valid API token (revoked, or its owner left)"
        )
    return formats.error(
        fmt, 403, "api_key: required (a personal API token, made on your profile page)"
    )


def _method_not_allowed(fmt: str, allowed: str) -> HttpResponse:
    response = formats.error(fmt, 405, f"method not allowed here; use {allowed}")
    response["Allow"] = allowed
    return response


@csrf_exempt
def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """The appeal categories. Open to anyone: they are configuration, not records."""
    if request.method != "GET":
        return _method_not_allowed(fmt, "GET")
    refused = _jurisdiction_refused(request, {}, fmt)
    if refused is not None:
        return refused
    return formats.render(
        fmt, "services", [representation.service(c) for c in selectors.categories()]
    )


@csrf_exempt
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if request.method != "GET":
        return _method_not_allowed(fmt, "GET")
    refused = _jurisdiction_refused(request, {}, fmt)
    if refused is not None:
        return refused
    category = selectors.categories().filter(code=code).first()
    if category is None:
        return formats.error(fmt, 404, "service_code: no such service")
    return formats.render(fmt, "service_definition", representation.definition(category))


@csrf_exempt
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _submit(request, fmt)
    if request.method == "GET":
        return _search(request, fmt)
    return _method_not_allowed(fmt, "GET, POST")


def _search(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET requests: the appeals the caller may read (own named ones, those they
    handle), filtered as the specification says, newest first, a page at a time."""
    refused = _jurisdiction_refused(request, {}, fmt)
    if refused is not None:
        return refused
    user = _caller(request, {})
    if user is None:
        return _refuse_key(fmt, request, {})
    query = request.GET
    try:
        ids = rules.listed(query.get("service_request_id", ""), "service_request_id", most=MOST_IDS)
        codes = rules.codes(query.get("service_code", ""))
        wanted = rules.statuses_wanted(query.get("status", ""))
        zone = timezone.get_current_timezone()
        start = rules.moment(query.get("start_date", ""), "start_date", zone)
        end = rules.moment(query.get("end_date", ""), "end_date", zone)
        size = rules.bounded_int(
            query.get("page_size", ""), "page_size", default=PAGE_SIZE, low=1, high=MOST_PER_PAGE
        )
        page = rules.bounded_int(query.get("page", ""), "page", default=1, low=1, high=MOST_PAGES)
        since, until = rules.window(start, end, now=timezone.now())
    except rules.ParameterError as problem:
        return formats.error(fmt, 400, str(problem))
    appeals = selectors.readable_appeals(scope_for(user))
    open_statuses = selectors.open_statuses()
    if ids:
        # The specification: a list of ids overrides every other filter, the page too:
        # every readable one of the (at most 200) ids comes back.
        appeals = appeals.filter(public_id__in=[i for i in ids if is_public_id(i)])
        rows = list(appeals)
    else:
        appeals = appeals.filter(created_at__gte=since, created_at__lte=until)
        if codes:
            appeals = appeals.filter(category__code__in=codes)
        if wanted == {rules.OPEN}:
            appeals = appeals.filter(status__in=open_statuses)
        elif wanted == {rules.CLOSED}:
            appeals = appeals.exclude(status__in=open_statuses)
        rows = list(appeals[(page - 1) * size : page * size])
    return formats.render(
        fmt, "service_requests", [representation.request(a, open_statuses) for a in rows]
    )


def _reader(request: HttpRequest, fmt: str) -> User | HttpResponse:
    """The caller of a GET that reads one record by its id or token, or the answer that
    turns them away (another method, another jurisdiction, no valid key). The token's
    use is noted only once the read finds something (_touch)."""
    if request.method != "GET":
        return _method_not_allowed(fmt, "GET")
    refused = _jurisdiction_refused(request, {}, fmt)
    if refused is not None:
        return refused
    user = _caller(request, {}, touch=False)
    if user is None:
        return _refuse_key(fmt, request, {})
    return user


@csrf_exempt
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    """One request, as a list of one (the specification's shape); 404 alike for a
    missing appeal and for one the caller may not read."""
    user = _reader(request, fmt)
    if isinstance(user, HttpResponse):
        return user
    appeal = (
        selectors.readable_appeals(scope_for(user)).filter(public_id=request_id).first()
        if is_public_id(request_id)
        else None
    )
    if appeal is None:
        return formats.error(fmt, 404, "service_request_id: no such request")
    _touch(request)
    return formats.render(
        fmt, "service_requests", [representation.request(appeal, selectors.open_statuses())]
    )


@csrf_exempt
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """The request a POST's token (its idempotency key) made, for a client that lost
    the answer. Only the caller's readable appeals: an anonymous one is followed with
    its tracking code and PIN, never through a token."""
    user = _reader(request, fmt)
    if isinstance(user, HttpResponse):
        return user
    appeal = (
        selectors.readable_appeals(scope_for(user))
        .filter(
            idempotency_key=rules.stored_key(token, user.pk),
            is_anonymous=False,
            submitter_id=user.pk,
        )
        .first()
        if rules.IDEMPOTENCY_KEY.match(token)
        else None
    )
    if appeal is None:
        return formats.error(fmt, 404, "token: no request was made with this token")
    _touch(request)
    return formats.render(
        fmt, "service_requests", [{"service_request_id": appeal.public_id, "token": token}]
    )


def _submit(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST requests: an appeal through the one intake (routing, deadlines, similar-
    appeal tokens, audit), named as the key's owner or anonymous."""
    # A body over the upload limit never gets here: the middleware that reads bodies
    # first answers 413 in this format (grassroots.core.middleware).
    try:
        fields = formats.body_fields(request)
    except formats.BodyError as problem:
        return formats.error(fmt, 400, str(problem))
    refused = _jurisdiction_refused(request, fields, fmt)
    if refused is not None:
        return refused
    anonymous = rules.truthy(fields.get("attribute[anonymous]", ""))
    # An anonymous appeal leaves no "last used" time on its sender's token.
    user = _caller(request, fields, touch=not anonymous)
    if user is None:
        return _refuse_key(fmt, request, fields)
    draft_or_error = _draft(request, fields, fmt, user, anonymous)
    if isinstance(draft_or_error, HttpResponse):
        return draft_or_error
    draft, key = draft_or_error
    client = ratelimit.client_key(request)
    limit = parameters.value("appeals.anonymous_per_hour")
    if anonymous and ratelimit.too_many("anonymous-submit", client, limit=limit, count=False):
        return formats.error(
            fmt, 429, _("Too many anonymous appeals from this device in the last hour.")
        )
    try:
        result = services.appeal_submit(draft=draft)
    except ValidationError as problem:
        return formats.error(fmt, 400, " ".join(problem.messages))
    answer: dict[str, Any] = {
        # An anonymous repeat names no appeal: its key may have come from someone else.
        "service_request_id": None if anonymous and result.repeated else result.appeal.public_id,
        "service_notice": _notice(result),
        "account_id": None,
    }
    if key:
        answer["token"] = key
    if anonymous and not result.repeated:
        ratelimit.too_many("anonymous-submit", client, limit=limit)
        answer["tracking_code"] = result.tracking_code
        answer["pin"] = result.pin
    return formats.render(fmt, "service_requests", [answer], status=200 if result.repeated else 201)


def _notice(result: services.Submitted) -> str:
    appeal = result.appeal
    if result.repeated:
        if appeal.is_anonymous:
            return _(
                "This appeal was already received. Follow it with the tracking code and PIN "
                "you were given the first time."
            )
        return _("This appeal was already received as %(number)s.") % {"number": appeal.number}
    if appeal.is_anonymous:
        return _(
            "Your anonymous appeal was received. Tracking code %(code)s, PIN %(pin)s: keep "
            "them, they are shown only once and are the only way to follow it."
        ) % {"code": result.tracking_code, "pin": result.pin}
    return _("Your appeal %(number)s has been received") % {"number": appeal.number}


def _draft(
    request: HttpRequest, fields: dict[str, str], fmt: str, user: User, anonymous: bool
) -> tuple[AppealDraft, str] | HttpResponse:
    """The appeal to raise and the idempotency key as sent, or the error answer."""
    code = fields.get("service_code", "").strip()
    category = selectors.categories().filter(code=code).first() if code else None
    if category is None:
        return formats.error(
            fmt, 400, "service_code: required, one of the codes GET services lists"
        )
    description = fields.get("description", "")
    title = fields.get("attribute[title]", "").strip()
    if not title and anonymous:
        # A title cut from the description would mark the appeal as Open311's (the
        # anonymous form has its title typed): the sender types it here too.
        return formats.error(fmt, 400, "attribute[title]: required for an anonymous request")
    title = title or rules.title_from(description)
    urgency = fields.get("attribute[urgency]", "").strip() or Urgency.NORMAL
    if urgency not in Urgency.values:
        return formats.error(fmt, 400, f"attribute[urgency]: one of {', '.join(Urgency.values)}")
    department = None
    address_id = fields.get("address_id", "").strip()
    if address_id:
        department = department_by_code(address_id[:32])
        if department is None:
            return formats.error(fmt, 400, "address_id: no department has this code")
    place = fields.get("address_string", "").strip()
    if not place and (fields.get("lat") or fields.get("long")):
        try:
            lat, long = float(fields.get("lat", "")), float(fields.get("long", ""))
        except ValueError:
            return formats.error(fmt, 400, "lat, long: give both, as decimal degrees")
        if not (-90 <= lat <= 90 and -180 <= long <= 180):
            return formats.error(fmt, 400, "lat, long: out of range")
        # An anonymous request's position is not kept: six decimals are the sender's
        # desk, and a place in coordinates marks the appeal as Open311's.
        place = "" if anonymous else f"{lat:.6f}, {long:.6f}"
    if len(place) > 100:
        return formats.error(fmt, 400, _("The place has at most 100 characters."))
    key = (request.headers.get("Idempotency-Key") or fields.get("idempotency_key", "")).strip()
    if key and not rules.IDEMPOTENCY_KEY.match(key):
        return formats.error(
            fmt, 400, "idempotency_key: 16 to 64 characters, without spaces, '/' or '.'"
        )
    # first_name, last_name, email, phone, device_id, account_id and media_url are not
    # kept: the appeal is the key owner's (or nobody's), and no outside file is fetched.
    draft = AppealDraft(
        channel=Channel.ANONYMOUS if anonymous else Channel.API,
        category=category,
        title=title,
        description=description,
        submitter=None if anonymous else user,
        anonymous=anonymous,
        department=department,
        place=place,
        urgency=urgency,
        consent_publish=rules.truthy(fields.get("attribute[consent_publish]", "")),
        idempotency_key=rules.stored_key(key, None if anonymous else user.pk) if key else None,
    )
    return draft, key
