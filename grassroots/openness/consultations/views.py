"""The consultations pages: the list, one consultation (read the draft, comment), the
form that opens one, the consulting officers' page (moderate, answer, close, record the
decision) and the files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.accounts.selectors import user_by_employee_number
from grassroots.core.forms import add_service_errors
from grassroots.core.request_values import object_id
from grassroots.core.upload_limits import upload_limit
from grassroots.openness import policy
from grassroots.openness import selectors as openness
from grassroots.openness.consultations import selectors, services
from grassroots.openness.consultations.forms import (
    AnswerForm,
    CloseForm,
    CommentForm,
    ConsultationForm,
    DecisionForm,
    DeedForm,
    HideForm,
)
from grassroots.openness.models import Attachment, Comment, CommentAnswer, Consultation
from grassroots.openness.vocabulary import Audience, Outcome
from grassroots.orgs import policy as orgs_policy

LIST_LIMIT = 100


def _consultation_or_404(request: HttpRequest, public_id: str) -> Consultation:
    scope = scope_for(request.user)
    found = openness.consultation_for(openness.reach_of(scope, request.user), public_id)
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def consultation_list(request: AuthenticatedRequest) -> HttpResponse:
    """The consultations a person is asked in or runs, open ones first; ?view= narrows
    it to what the home page's to-dos count."""
    scope = scope_for(request.user)
    reach = openness.reach_of(scope, request.user)
    view = request.GET.get("view", "")
    if view not in selectors.VIEWS:
        view = selectors.ALL
    rows = selectors.consultation_rows(
        reach, scope, request.user.pk, view=view, today=timezone.localdate(), limit=LIST_LIMIT
    )
    return render(
        request,
        "openness/consultations/list.html",
        {
            "rows": rows,
            "view": view,
            "views": [
                (selectors.ALL, _("All")),
                (selectors.TO_COMMENT, _("Waiting for my opinion")),
                *(
                    [
                        (selectors.TO_ANSWER, _("Comments to answer")),
                        (selectors.OVERDUE, _("Answers overdue")),
                    ]
                    if scope.is_officer
                    else []
                ),
            ],
            "may_open": policy.can_publish(scope),
        },
    )


def _report_url(consultation: Consultation) -> str:
    if consultation.report_id is None:
        return ""
    try:
        return reverse("openness:notice", args=[consultation.report_id])
    except NoReverseMatch:  # the notices' pages are not there yet
        return ""


@require_http_methods(["GET", "POST"])
def consultation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """A consultation: the draft, its files and questions; those asked comment, named or
    anonymously; their own named comments with the answers; the others' comments when
    the consultation shows them (moderated, without names); the report and decision."""
    scope = scope_for(request.user)
    reach = openness.reach_of(scope, request.user)
    consultation = openness.consultation_for(reach, public_id)
    if consultation is None:
        if not scope.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    today = timezone.localdate()
    is_open = services.is_open(consultation, today=today)
    may_comment = policy.can_comment(scope, reach, consultation)
    form = CommentForm(questions=list(consultation.questions or []), prefix="comment")
    if request.method == "POST":
        if not scope.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_comment:
            raise Http404
        form = CommentForm(
            request.POST, questions=list(consultation.questions or []), prefix="comment"
        )
        if form.is_valid():
            anonymous = form.cleaned_data["anonymous"]
            try:
                services.comment_submit(
                    actor=request.user,
                    consultation=consultation,
                    text=form.cleaned_data["text"],
                    replies=form.replies(),
                    anonymous=anonymous,
                    idempotency_key=form.cleaned_data.get("idempotency_key") or None,
                    today=today,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your comment is recorded anonymously. Its answer will be in the "
                        "adoption report."
                    )
                    if anonymous
                    else _("Your comment is recorded. It will be answered."),
                )
                return HttpResponseRedirect(
                    reverse("openness:consultation", args=[consultation.public_id])
                )
    files = list(Attachment.objects.filter(consultation=consultation).order_by("pk"))
    context: dict[str, Any] = {
        "consultation": consultation,
        "is_open": is_open,
        "may_comment": may_comment and is_open,
        "signed_in": scope.is_authenticated,
        "form": form,
        "draft_files": [f for f in files if not f.is_decision],
        "decision_files": [f for f in files if f.is_decision],
        "mine": list(openness.comments_by(consultation, scope.user_id))
        if scope.user_id is not None
        else [],
        "shown": list(openness.shown_comments(consultation)) if consultation.comments_shown else [],
        "handles": policy.can_handle_consultation(scope, consultation),
        "report_url": _report_url(consultation),
        "meeting_url": reverse("orglife:meeting", args=[consultation.meeting_id])
        if consultation.meeting_id
        else "",
    }
    return render(request, "openness/consultations/detail.html", context)


@login_required
@upload_limit(services.attachment_max_bytes)
@require_http_methods(["GET", "POST"])
def consultation_new(request: AuthenticatedRequest) -> HttpResponse:
    """Open a consultation: the officers of an organisation (or one above it)."""
    scope = scope_for(request.user)
    if not policy.can_publish(scope):
        raise Http404
    units = orgs_policy.units_in_oversight(scope).filter(is_active=True).order_by("path")
    form = ConsultationForm(units=units, initial={"audience": Audience.ENTERPRISE})
    if request.method == "POST":
        form = ConsultationForm(request.POST, request.FILES, units=units)
        if form.is_valid():
            data = form.cleaned_data
            if not policy.can_publish_for(scope, data["unit"]):
                raise Http404
            try:
                consultation = services.consultation_open(
                    actor=request.user,
                    unit=data["unit"],
                    title=data["title"],
                    draft=data["draft"],
                    matter=data["matter"],
                    audience=data["audience"],
                    working_days=data["working_days"],
                    questions=form.question_list(),
                    comments_shown=data["comments_shown"],
                    files=data["attachments"],
                    idempotency_key=data.get("idempotency_key") or None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The consultation is open."))
                return HttpResponseRedirect(
                    reverse("openness:consultation_handle", args=[consultation.public_id])
                )
    return render(request, "openness/consultations/new.html", {"form": form})


def _handle_context(
    request: AuthenticatedRequest, consultation: Consultation, forms: dict[str, Form]
) -> dict[str, Any]:
    """Every comment, the waiting ones in groups of similar ones, the answered ones by
    their answer; each with its own small forms (a failed one keeps what was typed)."""
    comments = list(openness.comments_of(consultation))
    closed = consultation.status == Consultation.Status.CLOSED

    def hide_form(comment: Comment) -> Form | None:
        if closed or comment.hidden:
            return None
        prefix = f"hide-{comment.public_id}"
        failed = forms.get("hide")
        return failed if failed is not None and failed.prefix == prefix else HideForm(prefix=prefix)

    groups = [
        [(comment, hide_form(comment)) for comment in group]
        for group in selectors.similar_groups(comments)
    ]
    answered: dict[int, dict[str, Any]] = {}
    for comment in comments:
        if comment.answer is None:
            continue
        entry = answered.setdefault(comment.answer.pk, {"answer": comment.answer, "comments": []})
        entry["comments"].append((comment, hide_form(comment)))
    for entry in answered.values():
        answer = entry["answer"]
        if answer.deed_id is None and answer.outcome in (Outcome.ADOPTED, Outcome.PARTLY):
            prefix = f"deed-{answer.pk}"
            failed = forms.get("deed")
            entry["deed_form"] = (
                failed
                if failed is not None and failed.prefix == prefix
                else DeedForm(prefix=prefix, initial={"services": ["masses"]})
            )
    today = timezone.localdate()
    return {
        "consultation": consultation,
        "total": len(comments),
        "groups": groups,
        "answered": list(answered.values()),
        "waiting": sum(len(group) for group in groups),
        "counts": selectors.report_counts(consultation),
        "is_closed": closed,
        "ended": consultation.closes_on < today,
        "answer_form": forms.get("answer") or AnswerForm(prefix="answer"),
        "ticked": request.POST.getlist("comments") if "answer" in forms else [],
        "close_form": forms.get("close") or CloseForm(prefix="close"),
        "decision_form": forms.get("decision")
        or DecisionForm(
            prefix="decision",
            meetings=selectors.meeting_choices(consultation.unit, today=today),
            initial={"decided_on": today},
        ),
        "report_url": _report_url(consultation),
        "failed": next(iter(forms), ""),
    }


@login_required
@upload_limit(services.attachment_max_bytes)
@require_http_methods(["GET", "POST"])
def consultation_handle(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    """The consulting officers' page: every comment at once (hidden ones too), hide with
    a reason, answer one or several together, make a deed of an adopted suggestion,
    close with what changed, record the decision."""
    scope = scope_for(request.user)
    consultation = _consultation_or_404(request, public_id)
    if not policy.can_handle_consultation(scope, consultation):
        raise Http404
    url = reverse("openness:consultation_handle", args=[consultation.public_id])
    forms: dict[str, Form] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        done = _act(request, consultation, action, forms)
        if done is not None:
            messages.success(request, done)
            return HttpResponseRedirect(url)
    context = _handle_context(request, consultation, forms)
    return render(request, "openness/consultations/handle.html", context)


def _comment_of(consultation: Consultation, public_id: Any) -> Comment:
    comment = (
        Comment.objects.filter(consultation=consultation, public_id=str(public_id or ""))
        .only("pk", "consultation_id", "public_id", "hidden", "answer_id")
        .first()
    )
    if comment is None:
        raise Http404
    return comment


def _act(
    request: AuthenticatedRequest,
    consultation: Consultation,
    action: str | None,
    forms: dict[str, Form],
) -> str | None:
    """Do one of the page's actions; the message to show, or None when its form
    (kept in `forms`) says what was wrong."""
    actor = request.user
    if action == "hide":
        comment = _comment_of(consultation, request.POST.get("comment"))
        form: Form = HideForm(request.POST, prefix=f"hide-{comment.public_id}")
        forms["hide"] = form
        if form.is_valid():
            try:
                services.comment_hide(actor, comment, form.cleaned_data["reason"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _("The comment is hidden from those asked. It still needs an answer.")
        return None
    if action == "answer":
        ids = request.POST.getlist("comments")[:500]
        chosen = list(
            Comment.objects.filter(consultation=consultation, public_id__in=[str(i) for i in ids])
        )
        form = AnswerForm(request.POST, prefix="answer")
        forms["answer"] = form
        if form.is_valid():
            try:
                services.comments_answer(
                    actor,
                    consultation,
                    chosen,
                    form.cleaned_data["outcome"],
                    form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _("The answer is recorded.")
        return None
    if action == "deed":
        answer = CommentAnswer.objects.filter(
            consultation=consultation, pk=object_id(request.POST.get("answer")) or 0
        ).first()
        if answer is None:
            raise Http404
        form = DeedForm(request.POST, prefix=f"deed-{answer.pk}")
        forms["deed"] = form
        if form.is_valid():
            data = form.cleaned_data
            owner: Any = actor
            if data["owner"]:
                owner = user_by_employee_number(data["owner"])
                if owner is None:
                    form.add_error("owner", _("No employee has this number."))
                    return None
            try:
                services.answer_to_deed(
                    actor,
                    answer,
                    title=data["title"],
                    description=data["description"],
                    owner=owner,
                    services=data["services"],
                    due_on=data["due_on"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _("The suggestion is on the practical-deed list.")
        return None
    if action == "close":
        form = CloseForm(request.POST, prefix="close")
        forms["close"] = form
        if form.is_valid():
            try:
                services.consultation_close(actor, consultation, form.cleaned_data["changes"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _("The consultation is closed and its adoption report is published.")
        return None
    if action == "decision":
        form = DecisionForm(
            request.POST,
            request.FILES,
            prefix="decision",
            meetings=selectors.meeting_choices(consultation.unit, today=timezone.localdate()),
        )
        forms["decision"] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decision_record(
                    actor,
                    consultation,
                    data["decision"],
                    data["decided_on"],
                    meeting_id=data["meeting"],
                    files=data["attachments"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return _("The decision is recorded.")
        return None
    raise Http404


@require_GET
def consultation_attachment(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """A file of a consultation's draft or decision, for whoever may read it."""
    item = (
        Attachment.objects.select_related("consultation__unit")
        .filter(public_id=public_id, consultation__isnull=False)
        .first()
    )
    scope = scope_for(request.user)
    reach = openness.reach_of(scope, request.user)
    if (
        item is None
        or item.consultation is None
        or not policy.can_see_consultation(reach, item.consultation)
    ):
        if not scope.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
