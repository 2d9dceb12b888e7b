"""JSON endpoints of the appeal loop: the same services and policy as the pages.

Callers sign in with a session or an API token (Authorization: Bearer gr_…). An
appeal the caller may not see is 404, like a missing one.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime
from typing import TYPE_CHECKING, Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from grassroots.accounts.scope import scope_for
from grassroots.appeals import policy, selectors, services
from grassroots.appeals.intake import AppealDraft, Channel
from grassroots.appeals.models import Appeal, Urgency
from grassroots.core.api_errors import errors
from grassroots.core.api_paging import BoundedPaging
from grassroots.core.public_ids import is_public_id
from grassroots.core.satisfaction import Satisfaction
from grassroots.orgs.selectors import department_by_code

if TYPE_CHECKING:
    from grassroots.accounts.models import User

router = Router(tags=["appeals"])


class CategoryOut(Schema):
    id: int
    code: str
    name: str


class AppealIn(Schema):
    category_id: int
    title: str
    description: str
    department_code: str = ""
    place: str = ""
    urgency: Urgency = Urgency.NORMAL
    consent_publish: bool = False
    idempotency_key: str = ""


class AppealOut(Schema):
    # The appeal's public id (16 characters), never its row number: a row number
    # counts up, and would place an anonymous appeal between its sender's named ones.
    id: str = Field(
        description="The appeal's public id: 16 random characters, as in its web address."
    )
    number: str
    title: str
    category: str
    status: str
    created_at: datetime.datetime
    accept_due_at: datetime.datetime
    answer_due_at: datetime.datetime


class EventOut(Schema):
    kind: str
    text: str
    by: str
    at: datetime.datetime
    public: bool


class RatingIn(Schema):
    resolved: bool
    satisfaction: Satisfaction
    comment: str = ""


def _out(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.public_id,
        "number": appeal.number,
        "title": appeal.title,
        "category": str(appeal.category),
        "status": appeal.status,
        "created_at": appeal.created_at,
        "accept_due_at": appeal.accept_due_at,
        "answer_due_at": appeal.answer_due_at,
    }


def _user(request: HttpRequest) -> "User":
    user = request.user
    assert user.is_authenticated  # the router's auth guarantees it
    return user


def _unprocessable(error: ValidationError) -> HttpError:
    return HttpError(422, "; ".join(error.messages))


@router.get("/appeals/categories", response={200: list[CategoryOut], **errors(401)})
def list_categories(request: HttpRequest) -> Any:
    return [{"id": c.pk, "code": c.code, "name": str(c)} for c in selectors.categories()]


@router.post("/appeals", response={201: AppealOut, **errors(400, 401, 403, 422)})
def submit(request: HttpRequest, payload: AppealIn) -> Any:
    """Raise a named appeal as the caller (channel "api")."""
    category = selectors.active_category(payload.category_id)
    if category is None:
        raise HttpError(422, "category_id: no such category")
    department = None
    if payload.department_code:
        department = department_by_code(payload.department_code)
        if department is None:
            raise HttpError(422, "department_code: no such department")
    draft = AppealDraft(
        channel=Channel.API,
        category=category,
        title=payload.title,
        description=payload.description,
        submitter=_user(request),
        department=department,
        place=payload.place,
        urgency=payload.urgency,
        consent_publish=payload.consent_publish,
        idempotency_key=payload.idempotency_key[:64] or None,
    )
    try:
        result = services.appeal_submit(draft=draft)
    except ValidationError as error:
        raise _unprocessable(error) from None
    return Status(201, _out(result.appeal))


@router.get("/appeals/mine", response={200: list[AppealOut], **errors(401, 422)})
@paginate(BoundedPaging)
def mine(request: HttpRequest) -> Any:
    return [_out(appeal) for appeal in selectors.my_appeals(_user(request))]


def _appeal(appeal_id: str, *related: str) -> Appeal:
    """The appeal with this public id; 404 for anything else, malformed ids included
    (they never reach the database)."""
    if not is_public_id(appeal_id):
        raise Http404
    appeals = Appeal.objects.filter(public_id=appeal_id)
    appeal = (appeals.select_related(*related) if related else appeals).first()
    if appeal is None:
        raise Http404
    return appeal


AppealId = Annotated[
    str, Path(description="The appeal's public id (the `id` of an appeal), 16 characters.")
]


def _visible(request: HttpRequest, appeal_id: str) -> tuple[Appeal, bool]:
    """The appeal and whether the caller sees it as a handler (all steps)."""
    scope = scope_for(request.user)
    appeal = _appeal(appeal_id, "category", "unit")
    if policy.can_view_as_handler(scope, appeal):
        return appeal, True
    if policy.is_submitter(scope, appeal):
        return appeal, False
    raise Http404


@router.get(
    "/appeals/{appeal_id}/timeline", response={200: list[EventOut], **errors(401, 404, 422)}
)
def timeline(request: HttpRequest, appeal_id: AppealId) -> Any:
    appeal, handler = _visible(request, appeal_id)
    return [
        {
            "kind": e.kind,
            "text": e.text,
            "by": e.actor_label,
            "at": e.created_at,
            "public": e.is_public,
        }
        for e in selectors.timeline(appeal, public_only=not handler)
    ]


@router.post(
    "/appeals/{appeal_id}/rating", response={200: AppealOut, **errors(400, 401, 403, 404, 422)}
)
def rate(request: HttpRequest, appeal_id: AppealId, payload: RatingIn) -> Any:
    scope = scope_for(request.user)
    appeal = _appeal(appeal_id)
    if not policy.is_submitter(scope, appeal):
        raise Http404
    try:
        appeal = services.appeal_rate(
            appeal=appeal,
            resolved=payload.resolved,
            satisfaction=payload.satisfaction,
            comment=payload.comment,
            rater=_user(request),
        )
    except ValidationError as error:
        raise _unprocessable(error) from None
    return _out(appeal)
