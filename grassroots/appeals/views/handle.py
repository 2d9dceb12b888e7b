"""The handlers' side: the queue, an appeal with its actions, co-handling replies,
attachments (for everyone allowed to see them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.appeals import deidentify, exporting, policy, rules, selectors, services
from grassroots.appeals.forms import (
    AcceptForm,
    AnswerForm,
    AssignForm,
    CoHandlingForm,
    CoReplyForm,
    DeclineForm,
    FollowUpForm,
    MergeForm,
    PublishForm,
    QueueFilterForm,
    TransferForm,
)
from grassroots.appeals.intake_form import with_empty_choice
from grassroots.appeals.models import Appeal, CoHandling
from grassroots.appeals.views.submit import followed_public_id
from grassroots.core.downloads import xlsx_response
from grassroots.core.forms import add_service_errors
from grassroots.core.pagination import CappedPaginator
from grassroots.core.periods import Period
from grassroots.core.upload_limits import upload_limit
from grassroots.orgs.selectors import active_units, department_choices, unit_from_parameter
from grassroots.orgs.vocabulary import UnitKind

if TYPE_CHECKING:
    from django.db.models import QuerySet


def _queue_filters(request: AuthenticatedRequest) -> tuple[QueueFilterForm, Any]:
    form = QueueFilterForm(request.GET or None)
    filters = selectors.QueueFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilters(
            view=data["view"] or "open",
            q=data["q"],
            category=data["category"],
            **_drill_down(request, data),
        )
    return form, filters


def _drill_down(request: AuthenticatedRequest, data: dict[str, Any]) -> dict[str, Any]:
    """A dashboard's drill-down narrows the queue to a subtree and a period: an
    organisation the person may not see is 404 (as anywhere else), a period that is
    not one is 404 too. The queue stays the person's own: nothing is added to it."""
    found: dict[str, Any] = {}
    if data.get("unit"):
        unit = unit_from_parameter(scope_for(request.user), data["unit"])
        if unit is not None:
            found["unit_path"] = unit.path
    if data.get("submitted"):
        try:
            found["submitted"] = Period.parse(data["submitted"], default=Period.year(2000))
        except ValueError:
            raise Http404 from None
    return found


@login_required
@require_GET
def queue_export(request: AuthenticatedRequest) -> HttpResponse:
    """The same list as the page, with the same filters, as an Excel file."""
    scope = scope_for(request.user)
    _form, filters = _queue_filters(request)
    appeals = selectors.handler_queue(scope, filters).select_related("submitter")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        exporting.appeals_workbook(appeals.iterator(chunk_size=2000)), f"appeals-{stamp}.xlsx"
    )


QUEUE_COUNT_CAP = 5000


@login_required
@require_GET
def queue(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    form, filters = _queue_filters(request)
    # The category select drawn from the list kept per process and language; the
    # field's queryset still checks a category sent.
    category = form.fields["category"]
    category.widget.choices = with_empty_choice(category, selectors.every_category_option)
    # An exact count of a committee's "all" view scans every appeal it ever had (a
    # million in a large group): count up to the cap, as the member list does.
    page = CappedPaginator(
        selectors.handler_queue(scope, filters), settings.PAGE_SIZE, cap=QUEUE_COUNT_CAP
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "appeals/queue.html",
        {
            "form": form,
            "page_obj": page,
            "rows": selectors.queue_rows(
                cast("QuerySet[Appeal]", page.object_list), now=timezone.now()
            ),
            "view": filters.view,
            "export_query": request.GET.urlencode(),
            # Department liaisons see co-handling tasks here but neither record nor rate.
            "can_record": policy.can_record_on_behalf(scope),
            "can_see_rates": scope.is_admin or scope.is_officer,
        },
    )


def _action_forms(
    appeal: Appeal, scope: Any, data: Any = None, files: Any = None, only: str | None = None
) -> dict[str, Any]:
    """The forms for the steps this person may take now (bound only for the one sent)."""

    def bind(name: str) -> tuple[Any, Any]:
        return (data, files) if only == name else (None, None)

    forms: dict[str, Any] = {}
    handle = policy.can_handle(scope, appeal)
    work = policy.can_work_on(scope, appeal)
    status = appeal.status
    if handle and rules.can("accept", status):
        forms["accept"] = AcceptForm(
            bind("accept")[0], prefix="accept", initial={"urgency": appeal.urgency}
        )
        forms["decline"] = DeclineForm(bind("decline")[0], prefix="decline")
        units = active_units(exclude_kinds=[UnitKind.GROUP]).exclude(pk=appeal.unit_id)
        forms["transfer"] = TransferForm(bind("transfer")[0], prefix="transfer", units=units)
    if handle and rules.can("assign", status):
        forms["assign"] = AssignForm(
            bind("assign")[0], prefix="assign", people=selectors.assignable_members(appeal)
        )
        forms["co_handle"] = CoHandlingForm(
            bind("co_handle")[0], prefix="co", departments=department_choices()
        )
    if work and rules.can("follow_up", status):
        forms["follow_up"] = FollowUpForm(*bind("follow_up"), prefix="follow")
        forms["answer"] = AnswerForm(*bind("answer"), prefix="answer")
    if handle and rules.can("merge", status):
        forms["merge"] = MergeForm(bind("merge")[0], prefix="merge")
    if (
        handle
        and appeal.status == Appeal.Status.CLOSED
        and appeal.resolved
        and appeal.consent_publish
    ):
        people = [
            p for p in (appeal.submitter, appeal.assignee, appeal.recorded_by) if p is not None
        ]
        suggestion = appeal.public_summary or deidentify.scrub(
            f"{appeal.title}\n{appeal.description}",
            names=[p.name for p in people],
            employee_numbers=[p.employee_number for p in people],
        )
        forms["publish"] = PublishForm(
            bind("publish")[0], prefix="publish", initial={"summary": suggestion}
        )
    return forms


@login_required
@require_GET
def detail(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    scope = scope_for(request.user)
    try:
        appeal = selectors.get_handled_appeal(scope, public_id)
    except Http404:
        # A link from the inbox to an appeal transferred away since: say where it went
        # (only to whoever was told of it; everyone else gets the same 404).
        moved = selectors.moved_appeal(request.user, public_id)
        if moved is None:
            raise
        return render(request, "appeals/moved.html", {"moved": moved})
    return _render_detail(request, appeal, _action_forms(appeal, scope))


def _render_detail(
    request: HttpRequest, appeal: Appeal, forms: dict[str, Any], status: int = 200
) -> HttpResponse:
    scope = scope_for(request.user)
    liaison = policy.liaison_departments(scope, appeal)
    return render(
        request,
        "appeals/handle_detail.html",
        {
            "appeal": appeal,
            "events": selectors.timeline(appeal, public_only=False),
            "forms": forms,
            "can_handle": policy.can_handle(scope, appeal),
            "me_too_count": appeal.me_toos.count(),
            "co_tasks": [
                {
                    "task": task,
                    "form": CoReplyForm(prefix=f"reply-{task.public_id}")
                    if task.department_id in liaison and task.replied_at is None
                    else None,
                }
                for task in appeal.co_handlings.all()
            ],
        },
        status=status,
    )


@upload_limit(services.attachment_max_bytes)
@login_required
@require_POST
def act(request: AuthenticatedRequest, public_id: str, action: str) -> HttpResponse:
    """One step on an appeal; the form decides what, the service checks whether."""
    scope = scope_for(request.user)
    appeal = selectors.get_handled_appeal(scope, public_id)
    forms = _action_forms(appeal, scope, request.POST, request.FILES, only=action)
    form = forms.get(action)
    if form is None:
        raise Http404
    actor = request.user
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "accept":
                services.appeal_accept(
                    appeal=appeal, actor=actor, note=data["note"], urgency=data["urgency"]
                )
            elif action == "decline":
                services.appeal_decline(
                    appeal=appeal, actor=actor, reason=data["reason"], go_to=data["go_to"]
                )
            elif action == "transfer":
                services.appeal_transfer(
                    appeal=appeal, actor=actor, to_unit=data["to_unit"], reason=data["reason"]
                )
            elif action == "assign":
                services.appeal_assign(appeal=appeal, actor=actor, assignee=data["assignee"])
            elif action == "co_handle":
                services.cohandling_open(
                    appeal=appeal,
                    actor=actor,
                    department=data["department"],
                    request=data["request"],
                )
            elif action in ("follow_up", "answer"):
                try:
                    files = services.files_check(data.get("attachments") or [])
                except ValidationError as refused:
                    add_service_errors(form, refused)
                    raise ValidationError("") from None
                if action == "follow_up":
                    services.followup_add(
                        appeal=appeal,
                        actor=actor,
                        text=data["text"],
                        public=data["public"],
                        files=files,
                    )
                else:
                    services.appeal_answer(
                        appeal=appeal, actor=actor, text=data["text"], files=files
                    )
            elif action == "merge":
                target = Appeal.objects.filter(number__iexact=data["into"].strip()).first()
                if target is None or not policy.can_handle(scope, target):
                    form.add_error("into", _("No open appeal you handle has this number."))
                    raise ValidationError("")
                services.appeal_merge(appeal=appeal, actor=actor, into=target)
            elif action == "publish":
                services.appeal_publish(appeal=appeal, actor=actor, summary=data["summary"])
        except ValidationError as error:
            if error.messages and any(error.messages):
                form.add_error(None, error)
        else:
            messages.success(
                request, _("Done: %(step)s.") % {"step": ACTION_NAMES.get(action, action)}
            )
            return HttpResponseRedirect(reverse("appeals:handle_detail", args=[appeal.public_id]))
    return _render_detail(request, appeal, forms, status=200)


ACTION_NAMES = {
    "accept": gettext_lazy("accepted"),
    "decline": gettext_lazy("declined"),
    "transfer": gettext_lazy("transferred"),
    "assign": gettext_lazy("assigned"),
    "co_handle": gettext_lazy("department asked to help"),
    "follow_up": gettext_lazy("progress recorded"),
    "answer": gettext_lazy("answer sent"),
    "merge": gettext_lazy("merged"),
    "publish": gettext_lazy("published"),
}


@login_required
@require_POST
def co_reply(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    scope = scope_for(request.user)
    task = (
        CoHandling.objects.select_related("appeal__unit", "appeal__category", "department")
        .filter(public_id=public_id)
        .first()
    )
    if task is None or task.department_id not in policy.liaison_departments(scope, task.appeal):
        raise Http404
    form = CoReplyForm(request.POST, prefix=f"reply-{task.public_id}")
    if form.is_valid():
        try:
            services.cohandling_reply(
                task=task, actor=request.user, reply=form.cleaned_data["reply"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The reply has been sent."))
    else:
        messages.error(request, _("Write the department's reply."))
    return HttpResponseRedirect(reverse("appeals:handle_detail", args=[task.appeal.public_id]))


@require_http_methods(["GET"])
def attachment(request: HttpRequest, public_id: str) -> FileResponse:
    """A file, for whoever may see its appeal (handlers, the submitter, the anonymous
    submitter in their session); private handling files only for handlers."""
    item = selectors.attachment_for(public_id)
    appeal = item.appeal
    scope = scope_for(request.user)
    handler = policy.can_view_as_handler(scope, appeal)
    public = item.event is None or item.event.is_public
    submitter = policy.is_submitter(scope, appeal) or (
        appeal.is_anonymous and followed_public_id(request) == appeal.public_id
    )
    if not (handler or (submitter and public)):
        raise Http404
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
