"""JSON endpoints of openness: the notices and consultations a caller may read, and
commenting on a consultation — the same selectors, policy and service as the pages.

A notice or consultation the caller may not read is 404, like a missing one. No answer
names the author of a comment: the comments shown to those asked carry no author (named
ones neither), and a caller's own comments are listed back only when named (an anonymous
comment keeps no link to anyone).
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.

import datetime
import hashlib
import hmac
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from grassroots.accounts.scope import scope_for
from grassroots.core.api_errors import errors
from grassroots.core.api_paging import BoundedPaging
from grassroots.core.public_ids import is_public_id
from grassroots.core.request_values import MAX_ID
from grassroots.openness import policy, selectors
from grassroots.openness.consultations.services import comment_submit, is_open
from grassroots.openness.models import Comment, Consultation
from grassroots.openness.selectors import Reach
from grassroots.openness.vocabulary import NoticeKind

router = Router(tags=["openness"])

UnitFilter = Field(None, ge=1, le=MAX_ID, description="Only this organisation's (its id).")


class NoticeOut(Schema):
    id: int
    unit_id: int
    unit: str = Field(description="The publishing organisation's name.")
    kind: str
    title: str
    audience: str
    period_key: str
    publicity_days: int | None
    published_at: datetime.datetime

    @staticmethod
    def resolve_unit(notice: Any) -> str:
        return notice.unit.name


class NoticeDetailOut(NoticeOut):
    body: str


class NoticeQuery(Schema):
    unit: int | None = UnitFilter
    kind: NoticeKind | None = None


class ConsultationOut(Schema):
    id: str = Field(description="The consultation's public id: 16 characters.")
    unit_id: int
    unit: str = Field(description="The consulting organisation's name.")
    title: str
    matter: str
    audience: str
    status: str
    opens_on: datetime.date
    closes_on: datetime.date
    is_open: bool = Field(description="Whether it takes comments today.")

    @staticmethod
    def resolve_id(consultation: Any) -> str:
        return consultation.public_id

    @staticmethod
    def resolve_unit(consultation: Any) -> str:
        return consultation.unit.name

    @staticmethod
    def resolve_is_open(consultation: Any) -> bool:
        return is_open(consultation, today=timezone.localdate())


class AnswerOut(Schema):
    outcome: str
    reason: str


class CommentOut(Schema):
    id: str = Field(description="The comment's public id: 16 characters.")
    text: str
    replies: list[str]
    created_on: datetime.date
    answer: AnswerOut | None


class OwnCommentOut(CommentOut):
    anonymous: bool
    hidden: bool


class ConsultationDetailOut(ConsultationOut):
    draft: str
    questions: list[str]
    comments_shown: bool
    changes: str
    decision: str
    decided_on: datetime.date | None
    report_id: int | None = Field(description="The adoption report: a notice's id.")
    comments: list[CommentOut] = Field(
        description="The comments shown to those asked (when the consultation shows "
        "them): moderated, without their authors."
    )

    @staticmethod
    def resolve_questions(consultation: Any) -> list[str]:
        return [str(question) for question in consultation.questions or []]

    @staticmethod
    def resolve_comments(consultation: Any) -> list[dict[str, Any]]:
        return consultation.comments_out


class ConsultationQuery(Schema):
    unit: int | None = UnitFilter
    status: Consultation.Status | None = None


class CommentIn(Schema):
    text: str = ""
    replies: list[str] = Field(default_factory=list, description="Answers to the questions.")
    anonymous: bool = False
    idempotency_key: str = Field("", max_length=64)


NoticeId = Annotated[int, Path(description="The notice's id.")]
ConsultationId = Annotated[
    str, Path(description="The consultation's public id (its `id`), 16 characters.")
]


def _reach(request: HttpRequest) -> Reach:
    return selectors.reach_of(scope_for(request.user), request.user)


def _user_id(request: HttpRequest) -> int:
    user_id = request.user.pk
    assert user_id is not None  # the router's auth guarantees a signed-in caller
    return int(user_id)


def _comment_out(comment: Comment, *, own: bool = False) -> dict[str, Any]:
    answer = comment.answer
    out: dict[str, Any] = {
        "id": comment.public_id,
        "text": comment.text,
        "replies": [str(reply) for reply in comment.replies or []],
        "created_on": comment.created_on,
        "answer": {"outcome": answer.outcome, "reason": answer.reason} if answer else None,
    }
    if own:
        out |= {"anonymous": comment.is_anonymous, "hidden": comment.hidden}
    return out


def _consultation(request: HttpRequest, consultation_id: str) -> Consultation:
    if not is_public_id(consultation_id):
        raise Http404
    consultation = selectors.consultation_for(_reach(request), consultation_id)
    if consultation is None:
        raise Http404
    return consultation


ANONYMOUS_KEY_MIN = 22  # a random key of 128 bits or more: a UUID's 32 hex digits


def _caller_key(
    request: HttpRequest, consultation: Consultation, key: str, *, anonymous: bool
) -> str | None:
    """The stored form of a client's idempotency key, keyed with the server's secret.
    A named comment's key is the caller's own: the same key from the same caller on the
    same consultation is the same comment. An anonymous comment's key leaves the caller
    out (with the secret, a caller in the hash could be found again by trying every
    person), so it must be a long random key that only its sender knows."""
    if not key:
        return None
    if anonymous and len(key) < ANONYMOUS_KEY_MIN:
        raise HttpError(
            422,
            _(
                "An anonymous comment's idempotency_key must be random and %(n)s characters "
                "or longer (a UUID)."
            )
            % {"n": ANONYMOUS_KEY_MIN},
        )
    who = "anonymous" if anonymous else str(_user_id(request))
    message = f"{who}:{consultation.pk}:{key}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()
    return "api:" + digest[:60]  # the column holds 64 characters


@router.get("/notices", response={200: list[NoticeOut], **errors(400, 401, 422)})
@paginate(BoundedPaging)
def list_notices(request: HttpRequest, filters: Query[NoticeQuery]) -> Any:
    """The notices the caller may read, newest first."""
    notices = selectors.notices_for(_reach(request)).defer("body")
    if filters.unit is not None:
        notices = notices.filter(unit_id=filters.unit)
    if filters.kind is not None:
        notices = notices.filter(kind=filters.kind)
    return notices


@router.get("/notices/{notice_id}", response={200: NoticeDetailOut, **errors(400, 401, 404, 422)})
def get_notice(request: HttpRequest, notice_id: NoticeId) -> Any:
    # An id no row can have (past what the database holds) is as missing as any other.
    notice = selectors.notice_for(_reach(request), notice_id if 1 <= notice_id <= MAX_ID else None)
    if notice is None:
        raise Http404
    return notice


@router.get("/consultations", response={200: list[ConsultationOut], **errors(400, 401, 422)})
@paginate(BoundedPaging)
def list_consultations(request: HttpRequest, filters: Query[ConsultationQuery]) -> Any:
    """The consultations the caller is asked in (or oversees), newest first."""
    consultations = selectors.consultations_for(_reach(request)).defer(
        "draft", "changes", "decision"
    )
    if filters.unit is not None:
        consultations = consultations.filter(unit_id=filters.unit)
    if filters.status is not None:
        consultations = consultations.filter(status=filters.status)
    return consultations


@router.get(
    "/consultations/{consultation_id}",
    response={200: ConsultationDetailOut, **errors(400, 401, 404, 422)},
)
def get_consultation(request: HttpRequest, consultation_id: ConsultationId) -> Any:
    consultation = _consultation(request, consultation_id)
    shown = selectors.shown_comments(consultation) if consultation.comments_shown else []
    consultation.comments_out = [_comment_out(comment) for comment in shown]  # type: ignore[attr-defined]
    return consultation


@router.post(
    "/consultations/{consultation_id}/comments",
    response={201: OwnCommentOut, **errors(400, 401, 403, 404, 422)},
)
def submit_comment(
    request: HttpRequest, consultation_id: ConsultationId, payload: CommentIn
) -> Any:
    """Comment on an open consultation the caller is asked in, named or anonymous.
    Sending the same `idempotency_key` again gives back the comment the first call
    made."""
    scope = scope_for(request.user)
    consultation = _consultation(request, consultation_id)
    if not policy.can_comment(scope, _reach(request), consultation):
        raise Http404
    try:
        comment = comment_submit(
            actor=request.user,
            consultation=consultation,
            text=payload.text,
            replies=payload.replies,
            anonymous=payload.anonymous,
            idempotency_key=_caller_key(
                request, consultation, payload.idempotency_key, anonymous=payload.anonymous
            ),
        )
    except ValidationError as error:
        raise HttpError(422, "; ".join(error.messages)) from None
    return Status(201, _comment_out(comment, own=True))


@router.get(
    "/consultations/{consultation_id}/comments/mine",
    response={200: list[OwnCommentOut], **errors(400, 401, 404, 422)},
)
def my_comments(request: HttpRequest, consultation_id: ConsultationId) -> Any:
    """The caller's own named comments on the consultation (an anonymous comment is
    nobody's, so it is not listed: it keeps no link to its author)."""
    consultation = _consultation(request, consultation_id)
    return [
        _comment_out(comment, own=True)
        for comment in selectors.comments_by(consultation, _user_id(request))
    ]
