"""Every write to consultations and their comments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from grassroots.accounts import selectors as accounts
from grassroots.accounts.roles import Role
from grassroots.appeals import services as appeal_services
from grassroots.appeals.deidentify import scrub
from grassroots.appeals.services import uploads as appeal_uploads
from grassroots.appeals.similarity import tokenize
from grassroots.appeals.uploads import CheckedFile
from grassroots.core.audit import audit_entry, audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.core.workcalendar import is_workday
from grassroots.notifications.services import notify
from grassroots.openness import kinds
from grassroots.openness.consultations.selectors import meeting_choices, report_counts
from grassroots.openness.models import (
    BODY_MAX,
    COMMENT_MAX,
    REASON_MAX,
    TITLE_MAX,
    Attachment,
    Comment,
    CommentAnswer,
    Consultation,
    Notice,
)
from grassroots.openness.vocabulary import Audience, CommenterGroup, Matter, NoticeKind, Outcome
from grassroots.orgs import selectors as orgs
from grassroots.orgs.publicity.rules import notice_period
from grassroots.orgs.vocabulary import MemberStage
from grassroots.service.deeds import services as deed_services

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit

_GROUP_OF_STAGE: dict[str, str] = {
    MemberStage.FULL: CommenterGroup.MEMBER,
    MemberStage.PROBATIONARY: CommenterGroup.PROBATIONARY,
    MemberStage.CANDIDATE: CommenterGroup.ACTIVIST,
    MemberStage.ACTIVIST: CommenterGroup.ACTIVIST,
    MemberStage.APPLICANT: CommenterGroup.ACTIVIST,
}


def commenter_group(user: Any) -> str:
    """The group a person is counted in: their member record's stage, else employee."""
    member = orgs.active_member_of_user(user)
    if member is None:
        return CommenterGroup.EMPLOYEE.value
    return _GROUP_OF_STAGE.get(member.stage, CommenterGroup.EMPLOYEE.value)


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def is_open(consultation: Consultation, *, today: datetime.date) -> bool:
    return (
        consultation.status == Consultation.Status.OPEN
        and consultation.opens_on <= today <= consultation.closes_on
    )


@transaction.atomic
def comment_submit(
    *,
    actor: Any,
    consultation: Consultation,
    text: str,
    replies: Sequence[str] = (),
    anonymous: bool = False,
    idempotency_key: str | None = None,
    today: datetime.date | None = None,
) -> Comment:
    """Comment on an open consultation. The caller checks `policy.can_comment`.

    `replies` answer the consultation's questions in order (blank ones allowed); the
    comment needs its text or at least one reply. An anonymous comment keeps no link to
    `actor`, only the day, and its audit entry names nobody. The same form sent twice
    (`idempotency_key`) makes one comment. Nothing is saved when anything is wrong.
    """
    today = today or timezone.localdate()
    if idempotency_key:
        earlier = Comment.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None and earlier.consultation_id == consultation.pk:
            return earlier
    text = (text or "").strip()
    questions = list(consultation.questions or [])
    answers = [str(reply or "").strip() for reply in replies]
    errors: dict[str, str] = {}
    if len(answers) > len(questions):
        errors["replies"] = _("This consultation asks %(count)s questions.") % {
            "count": len(questions)
        }
    answers += [""] * (len(questions) - len(answers))
    if not text and not any(answers):
        errors["text"] = _("Write your opinion, or answer at least one of the questions.")
    elif len(text) > COMMENT_MAX:
        errors["text"] = _("Keep your opinion to 2,000 characters.")
    if any(len(answer) > COMMENT_MAX for answer in answers):
        errors["replies"] = _("Keep each answer to 2,000 characters.")
    if errors:
        raise ValidationError(errors)
    consultation = locked(consultation, related=("unit",))
    if not is_open(consultation, today=today):
        raise ValidationError(
            _("Comments are taken only while the consultation is open (%(first)s to %(last)s).")
            % {
                "first": consultation.opens_on.isoformat(),
                "last": consultation.closes_on.isoformat(),
            }
        )
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                consultation=consultation,
                author=None if anonymous else actor,
                is_anonymous=anonymous,
                # an anonymous comment keeps no group: counted by group, the officers
                # who see the named ones could tell it apart
                group="" if anonymous else commenter_group(actor),
                text=text,
                replies=answers,
                tokens=tokenize(" ".join([text, *answers])),
                created_on=today,
                idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        # The same key again, for another consultation: not a double submit of this form.
        raise ValidationError(_("This form was already sent. Open the page again.")) from None
    # The consulting officers hear of new comments once a day per consultation; nothing
    # names the person, and nothing tells the minute of an anonymous one: the notice is
    # dated the start of the day (as the comment is) and its e-mails and chat messages
    # wait for the day's end, whoever commented first that day.
    day_starts = _start_of(today)
    notify(
        recipients=accounts.holders(
            roles=[Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER], unit_ids=[consultation.unit_id]
        ),
        kind=kinds.COMMENT.key,
        title=_("New comments on “%(title)s”") % {"title": consultation.title[:120]},
        url=reverse("openness:consultation_handle", args=[consultation.public_id]),
        event_key=f"consultation_comment:{consultation.pk}:{today.isoformat()}",
        org_unit=consultation.unit,
        now=day_starts,
        not_before=_start_of(today + datetime.timedelta(days=1)),
    )
    entry = audit_entry(
        actor=None if anonymous else actor,
        action="consultation.comment",
        target=consultation,
        org_path=consultation.unit.path,
        extra={"comment": comment.public_id, "anonymous": anonymous},
    )
    if anonymous:
        # The day only, as the comment keeps: an exact time could be matched against
        # the person's other traces.
        entry.at = day_starts
    entry.save()
    return comment


# --- Opening ------------------------------------------------------------------------------

MAX_QUESTIONS = 5
QUESTION_MAX = 300
MAX_FILES = 10
MAX_WORKING_DAYS = 60
HIDE_REASON_MAX = 200
CHANGES_MAX = 5_000
DECISION_MAX = 20_000


def attachment_max_bytes() -> int:
    """The largest file a consultation takes: the same limit as an appeal's."""
    return appeal_uploads.attachment_max_bytes()


def _checked_files(files: Iterable[Any], *, field: str = "attachments") -> list[CheckedFile]:
    """Every upload read, identified and cleaned (appeals' check), or a ValidationError
    naming each file refused: a refused file refuses the whole form."""
    return appeal_services.files_check(files, limit=MAX_FILES, field=field)


def _keep_files(
    consultation: Consultation, files: Sequence[CheckedFile], *, decision: bool
) -> None:
    for checked in files:
        Attachment.objects.create(
            consultation=consultation,
            is_decision=decision,
            file=checked.content,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
        )


def _text_errors(
    errors: dict[str, str], field: str, text: str, *, limit: int, empty: str, long: str
) -> None:
    if not text:
        errors[field] = empty
    elif len(text) > limit:
        errors[field] = long


@transaction.atomic
def consultation_open(
    *,
    actor: Any,
    unit: OrgUnit,
    title: str,
    draft: str,
    matter: str,
    audience: str,
    working_days: int,
    questions: Sequence[str] = (),
    comments_shown: bool = False,
    files: Iterable[Any] = (),
    idempotency_key: str | None = None,
    published_on: datetime.date | None = None,
) -> Consultation:
    """Open a consultation on a draft for `working_days` working days of the work
    calendar from `published_on` (today). The caller checks `policy.can_publish_for`.
    The same form sent twice (`idempotency_key`) opens one consultation; nothing is
    saved when anything is wrong (a refused file included)."""
    if idempotency_key:
        earlier = Consultation.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None and earlier.unit_id == unit.pk:
            return earlier
    title, draft = (title or "").strip(), (draft or "").strip()
    asked = [str(q or "").strip() for q in questions]
    asked = [q for q in asked if q]
    errors: dict[str, str] = {}
    _text_errors(
        errors,
        "title",
        title,
        limit=TITLE_MAX,
        empty=_("Give the consultation a title."),
        long=_("Keep the title to 200 characters."),
    )
    _text_errors(
        errors,
        "draft",
        draft,
        limit=BODY_MAX,
        empty=_("Write the draft people are asked about."),
        long=_("Keep the draft to 20,000 characters."),
    )
    if matter not in Matter.values:
        errors["matter"] = _("Choose what the consultation is about.")
    if audience not in Audience.values:
        errors["audience"] = _("Choose who is asked.")
    if not isinstance(working_days, int) or not 1 <= working_days <= MAX_WORKING_DAYS:
        errors["working_days"] = _("A consultation runs for 1 to 60 working days.")
    if len(asked) > MAX_QUESTIONS:
        errors["questions"] = _("Ask at most 5 questions.")
    elif any(len(q) > QUESTION_MAX for q in asked):
        errors["questions"] = _("Keep each question to 300 characters.")
    if errors:
        raise ValidationError(errors)
    checked = _checked_files(files)
    first, last = notice_period(
        published_on or timezone.localdate(), working_days, is_workday=is_workday
    )
    try:
        with transaction.atomic():
            consultation = Consultation.objects.create(
                unit=unit,
                title=title,
                draft=draft,
                matter=matter,
                audience=audience,
                questions=asked,
                comments_shown=bool(comments_shown),
                working_days=working_days,
                opens_on=first,
                closes_on=last,
                opened_by=actor,
                idempotency_key=idempotency_key or None,
            )
    except IntegrityError:
        raise ValidationError(_("This form was already sent. Open the page again.")) from None
    _keep_files(consultation, checked, decision=False)
    audit_record(
        actor=actor,
        action="consultation.open",
        target=consultation,
        after=snapshot(consultation, CONSULTATION_FIELDS),
        org_path=unit.path,
        extra={"files": len(checked)},
    )
    return consultation


CONSULTATION_FIELDS = (
    "unit",
    "title",
    "matter",
    "audience",
    "questions",
    "comments_shown",
    "working_days",
    "opens_on",
    "closes_on",
)


# --- Moderation and answers -------------------------------------------------------------


def _require_not_closed(consultation: Consultation) -> None:
    if consultation.status == Consultation.Status.CLOSED:
        raise ValidationError(_("This consultation is closed: its answers are published."))


@transaction.atomic
def comment_hide(actor: Any, comment: Comment, reason: str) -> Comment:
    """Hide a comment from those asked, with a recorded reason. It still counts and
    still needs an answer; the consulting officers still read it. The caller checks
    `policy.can_handle_consultation`."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the comment is hidden.")})
    if len(reason) > HIDE_REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason to 200 characters.")})
    consultation = locked(comment.consultation, related=("unit",))
    _require_not_closed(consultation)
    comment = locked(comment)
    if comment.hidden:
        raise ValidationError(_("This comment is already hidden."))
    comment.hidden, comment.hidden_reason, comment.hidden_by = True, reason, actor
    comment.save(update_fields=["hidden", "hidden_reason", "hidden_by"])
    audit_record(
        actor=actor,
        action="consultation.comment_hide",
        target=consultation,
        org_path=consultation.unit.path,
        extra={"comment": comment.public_id, "reason": reason},
    )
    return comment


@transaction.atomic
def comments_answer(
    actor: Any,
    consultation: Consultation,
    comments: Iterable[Comment],
    outcome: str,
    reason: str,
) -> CommentAnswer:
    """One answer to one comment or to several similar ones together: adopted, partly
    adopted or not, with its reason. Refuses comments already answered (the same form
    sent twice answers once) and a closed consultation; nothing is saved then."""
    reason = (reason or "").strip()
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = _("Choose what became of the suggestion.")
    _text_errors(
        errors,
        "reason",
        reason,
        limit=REASON_MAX,
        empty=_("Give the reason: those who commented read it."),
        long=_("Keep the reason to 2,000 characters."),
    )
    ids = sorted({comment.pk for comment in comments})
    if not ids:
        errors["comments"] = _("Tick the comments this answer is for.")
    if errors:
        raise ValidationError(errors)
    consultation = locked(consultation, related=("unit",))
    _require_not_closed(consultation)
    rows = list(
        Comment.objects.select_for_update()
        .filter(consultation=consultation, pk__in=ids)
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise ValidationError({"comments": _("Answer only comments on this consultation.")})
    if any(row.answer_id is not None for row in rows):
        raise ValidationError(
            {"comments": _("Some of these comments are already answered. Open the page again.")}
        )
    answer = CommentAnswer.objects.create(
        consultation=consultation, outcome=outcome, reason=reason, answered_by=actor
    )
    Comment.objects.filter(pk__in=ids).update(answer=answer)
    audit_record(
        actor=actor,
        action="consultation.answer",
        target=consultation,
        org_path=consultation.unit.path,
        extra={
            "answer": answer.pk,
            "outcome": outcome,
            "comments": [row.public_id for row in rows],
        },
    )
    return answer


@transaction.atomic
def answer_to_deed(
    actor: Any,
    answer: CommentAnswer,
    *,
    title: str,
    description: str,
    owner: Any,
    services: Sequence[str],
    due_on: datetime.date | None,
) -> Any:
    """An adopted (or partly adopted) suggestion becomes a practical deed of the
    consulting organisation in one step, linked both ways: the deed says where it came
    from, the answer names its deed. The caller checks `policy.can_handle_consultation`
    (and the deed's own rules are service's: a Party group promises no deed)."""
    answer = locked(answer)
    if answer.outcome not in (Outcome.ADOPTED, Outcome.PARTLY):
        raise ValidationError(_("Only an adopted suggestion becomes a practical deed."))
    if answer.deed_id is not None:
        raise ValidationError(_("This suggestion is already a practical deed."))
    consultation = Consultation.objects.select_related("unit").get(pk=answer.consultation_id)
    deed = deed_services.deed_create(
        actor=actor,
        unit=consultation.unit,
        title=title,
        description=description,
        owner=owner,
        services=services,
        due_on=due_on,  # type: ignore[arg-type]
        # A deed's page is public: it names the consultation only when that is public
        # too (the link leads those it reaches to it; the others get a 404).
        origin=(
            _("Consultation: %(title)s") % {"title": consultation.title}
            if consultation.audience == Audience.PUBLIC
            else _("A suggestion made in a consultation"),
            reverse("openness:consultation", args=[consultation.public_id]),
        ),
    )
    answer.deed = deed
    answer.save(update_fields=["deed"])
    audit_record(
        actor=actor,
        action="consultation.answer_deed",
        target=consultation,
        org_path=consultation.unit.path,
        extra={"answer": answer.pk, "deed": deed.pk},
    )
    return deed


# --- Closing: the adoption report -----------------------------------------------------


@transaction.atomic
def consultation_close(actor: Any, consultation: Consultation, changes: str) -> Consultation:
    """Close a consultation whose every comment (hidden ones too) has its answer, and
    publish its adoption report (采纳情况反馈) to the same audience, as a notice of the
    consulting organisation. `changes` says what changed in the decision."""
    changes = (changes or "").strip()
    if not changes:
        raise ValidationError(
            {"changes": _("Say what changed in the decision (or that nothing did, and why).")}
        )
    if len(changes) > CHANGES_MAX:
        raise ValidationError({"changes": _("Keep this to 5,000 characters.")})
    consultation = locked(consultation, related=("unit",))
    _require_not_closed(consultation)
    waiting = consultation.comments.filter(answer__isnull=True).count()
    if waiting:
        raise ValidationError(
            ngettext(
                "%(count)s comment has no answer yet: every comment is answered before "
                "the consultation closes.",
                "%(count)s comments have no answer yet: every comment is answered before "
                "the consultation closes.",
                waiting,
            )
            % {"count": waiting}
        )
    now = timezone.now()
    consultation.status = Consultation.Status.CLOSED
    consultation.closed_by, consultation.closed_at, consultation.changes = actor, now, changes
    report = Notice.objects.create(
        unit=consultation.unit,
        kind=NoticeKind.ADOPTION,
        title=(_("Adoption report: %(title)s") % {"title": consultation.title})[:TITLE_MAX],
        body=adoption_report_text(consultation)[:BODY_MAX],
        audience=consultation.audience,
        published_by=actor,
        published_at=now,
        updated_at=now,
    )
    consultation.report = report
    consultation.save(update_fields=["status", "closed_by", "closed_at", "changes", "report"])
    audit_record(
        actor=actor,
        action="consultation.close",
        target=consultation,
        org_path=consultation.unit.path,
        extra={"report": report.pk},
    )
    audit_record(
        actor=actor,
        action="notice.publish",
        target=report,
        after=snapshot(report, ("unit", "kind", "title", "audience")),
        org_path=consultation.unit.path,
        extra={"consultation": consultation.public_id},
    )
    return consultation


def adoption_report_text(consultation: Consultation) -> str:
    """The adoption report's text, from the answers: what was asked, how many took part
    (by group, counts only), how many suggestions were adopted, each answered suggestion
    with its outcome and reason (texts de-identified; never an author), and what changed
    in the decision."""
    counts = report_counts(consultation)
    comments = list(consultation.comments.select_related("author").order_by("pk"))
    names = {c.author.name for c in comments if c.author is not None}
    numbers = {c.author.employee_number for c in comments if c.author is not None}
    lines = [
        _("From %(first)s to %(last)s, %(unit)s asked for opinions on “%(title)s”.")
        % {
            "first": consultation.opens_on.isoformat(),
            "last": consultation.closes_on.isoformat(),
            "unit": consultation.unit.name,
            "title": consultation.title,
        },
    ]
    if consultation.questions:
        lines.append(_("The questions asked:"))
        lines += [f"{i}. {q}" for i, q in enumerate(consultation.questions, start=1)]
    lines.append("")
    parts = [f"{label} {n}" for _v, label, n in counts["groups"] if n]
    if counts["anonymous"]:
        parts.append(_("anonymous %(count)s") % {"count": counts["anonymous"]})
    lines.append(
        ngettext(
            "%(count)s comment was received (%(groups)s).",
            "%(count)s comments were received (%(groups)s).",
            counts["total"],
        )
        % {"count": counts["total"], "groups": _(", ").join(parts) or "0"}
    )
    lines.append(
        _("Adopted: %(adopted)s; partly adopted: %(partly)s; not adopted: %(not)s.")
        % {
            "adopted": counts["outcomes"][0][2],
            "partly": counts["outcomes"][1][2],
            "not": counts["outcomes"][2][2],
        }
    )
    by_answer: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.answer_id is not None:
            by_answer.setdefault(comment.answer_id, []).append(comment)
    answers = {a.pk: a for a in consultation.answers.all()}
    if by_answer:
        lines += ["", _("The suggestions and their answers:")]
    for number, (answer_id, grouped) in enumerate(sorted(by_answer.items()), start=1):
        answer = answers[answer_id]
        shown = [c for c in grouped if not c.hidden]
        if consultation.comments_shown:
            texts = [
                scrub(_comment_summary(c), names=names, employee_numbers=numbers) for c in shown
            ]
        else:
            # The comments were for the officers only: the report says how many, not what.
            texts = (
                [
                    ngettext("%(count)s comment", "%(count)s comments", len(shown))
                    % {"count": len(shown)}
                ]
                if shown
                else []
            )
        if len(grouped) > len(shown):
            texts.append(
                ngettext(
                    "%(count)s comment withheld by moderation",
                    "%(count)s comments withheld by moderation",
                    len(grouped) - len(shown),
                )
                % {"count": len(grouped) - len(shown)}
            )
        lines.append(f"{number}. {texts[0]}")
        lines += [f"   {text}" for text in texts[1:]]
        lines.append(
            "   "
            + _("Answer (%(outcome)s): %(reason)s")
            % {
                "outcome": answer.get_outcome_display(),
                "reason": scrub(answer.reason, names=names, employee_numbers=numbers),
            }
        )
    lines += ["", _("What changed in the decision:"), consultation.changes]
    return "\n".join(lines)


def _comment_summary(comment: Comment, limit: int = 200) -> str:
    text = " ".join([comment.text, *(r for r in (comment.replies or []) if r)]).strip()
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- The decision -----------------------------------------------------------------------


@transaction.atomic
def decision_record(
    actor: Any,
    consultation: Consultation,
    decision: str,
    decided_on: datetime.date | None,
    meeting_id: int | None = None,
    files: Iterable[Any] = (),
) -> Consultation:
    """Record the decision taken after a closed consultation: its text, its files and
    the meeting (orglife) of the consulting organisation that took it. Recorded once."""
    decision = (decision or "").strip()
    errors: dict[str, str] = {}
    _text_errors(
        errors,
        "decision",
        decision,
        limit=DECISION_MAX,
        empty=_("Write the decision taken."),
        long=_("Keep the decision to 20,000 characters."),
    )
    today = timezone.localdate()
    if decided_on is None:
        errors["decided_on"] = _("Give the day it was decided.")
    elif decided_on > today:
        errors["decided_on"] = _("The decision cannot be dated in the future.")
    elif decided_on < consultation.opens_on:
        errors["decided_on"] = _("The decision cannot come before the consultation.")
    meeting_label = ""
    if meeting_id is not None:
        choice = dict(meeting_choices(consultation.unit, today=today)).get(meeting_id)
        if choice is None:
            errors["meeting"] = _("Choose a meeting of the consulting organisation.")
        else:
            meeting_label = choice
    if errors:
        raise ValidationError(errors)
    checked = _checked_files(files)
    consultation = locked(consultation, related=("unit",))
    if consultation.status != Consultation.Status.CLOSED:
        raise ValidationError(_("Close the consultation before recording the decision."))
    if consultation.decision:
        raise ValidationError(_("The decision is already recorded."))
    consultation.decision, consultation.decided_on = decision, decided_on
    consultation.meeting_id, consultation.meeting_label = meeting_id, meeting_label[:200]
    consultation.save(update_fields=["decision", "decided_on", "meeting_id", "meeting_label"])
    _keep_files(consultation, checked, decision=True)
    audit_record(
        actor=actor,
        action="consultation.decision",
        target=consultation,
        after=snapshot(consultation, ("decided_on", "meeting_id", "meeting_label")),
        org_path=consultation.unit.path,
        extra={"files": len(checked)},
    )
    return consultation
