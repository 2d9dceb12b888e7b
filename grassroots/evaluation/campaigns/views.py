"""Pages of multi-party campaigns: the officers' list and preparation, the voting page,
paper ballots, the public tally, results after close, the low-score analysis and the
rectification plan."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts import navigation
from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.accounts.selectors import users_with_employee_numbers
from grassroots.appeals.selectors import appeals_of_units_in_period, categories
from grassroots.core.forms import add_service_errors
from grassroots.core.periods import Period
from grassroots.evaluation import todos
from grassroots.evaluation.campaigns import forms as vote_forms
from grassroots.evaluation.campaigns import policy, rules, selectors, services
from grassroots.evaluation.campaigns.forms import (
    CampaignForm,
    PaperBatchForm,
    PaperMarkForm,
    ProgressForm,
    ReceiptForm,
    RectificationForm,
    RemindersForm,
    VoteForm,
)
from grassroots.evaluation.campaigns.models import Campaign, CampaignSubject
from grassroots.orgs.selectors import no_units, units_within
from grassroots.orgs.vocabulary import UnitKind
from grassroots.service.selectors import deeds_of_unit


@login_required
@require_GET
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if request.GET.get("show") in _SHOWN:
        return _todo_list(request, request.GET["show"])
    managed: list[Campaign] = []
    for_branches: list[Campaign] = []
    if policy.can_create(scope):
        runs = selectors.managed_campaigns(scope)
        # The committee's own campaigns; the branches' appraisal opinions apart, and
        # only while open (the committee enters their paper ballots), so that hundreds
        # of branches never crowd the committee's own out of its list.
        managed = list(runs.exclude(organiser__kind=UnitKind.BRANCH)[:100])
        for_branches = list(
            runs.filter(organiser__kind=UnitKind.BRANCH, status=Campaign.Status.OPEN)[:100]
        )
    return render(
        request,
        "evaluation/campaigns/list.html",
        {
            "managed": managed,
            "for_branches": for_branches,
            "can_create": policy.can_create(scope),
            "my_roll": selectors.my_roll(request.user),
            "subjects": list(selectors.subjects_for(scope, request.user)[:100]),
            "today": timezone.localdate(),
        },
    )


_SHOWN = (todos.SHOW_BALLOTS, todos.SHOW_MY_OVERDUE, todos.SHOW_MANAGED_OVERDUE)


def _todo_list(request: AuthenticatedRequest, show: str) -> HttpResponse:
    """The campaigns list filtered to one kind of thing the home page counts: exactly the
    ballots, or the overdue rectification items, it counted (two queries)."""
    scope = scope_for(request.user)
    today = timezone.localdate()
    electors: list[Any] = []
    items: list[tuple[Any, bool]] = []
    if show == todos.SHOW_BALLOTS:
        electors = list(
            todos.ballots_waiting(request.user, today=today)
            .select_related("campaign")
            .order_by("campaign__closes_on", "campaign_id")
        )
    else:
        overdue = (
            todos.my_overdue_rectifications(request.user, today=today)
            if show == todos.SHOW_MY_OVERDUE
            else todos.managed_overdue_rectifications(scope, request.user, today=today)
        )
        rows = overdue.select_related(
            "owner", "subject__unit", "subject__member", "campaign__organiser"
        ).order_by("due_on", "pk")
        # The subject's row reads its campaign through the one already joined.
        for row in rows:
            row.subject.campaign = row.campaign
            items.append((row, policy.can_plan(scope, request.user, row.subject)))
    return render(
        request,
        "evaluation/campaigns/todo_list.html",
        {"show": show, "electors": electors, "items": items, "today": today},
    )


def _branches_for(organisers: Any) -> Any:
    paths = [unit.path for unit in organisers]
    if not paths:
        return no_units()
    from grassroots.core.tree import within_any

    return (
        units_within("", kinds=[UnitKind.BRANCH], active_only=True)
        .filter(within_any(paths))
        .order_by("path")
    )


def _campaign_form(request: AuthenticatedRequest, **kwargs: Any) -> CampaignForm:
    organisers = policy.organisers(scope_for(request.user))
    return CampaignForm(
        request.POST or None,
        organisers=organisers,
        branches=_branches_for(list(organisers)),
        categories=categories(),
        **kwargs,
    )


def _draft(form: CampaignForm) -> services.Draft:
    data = form.cleaned_data
    return services.Draft(
        title=data["title"],
        subject_kind=data["subject_kind"],
        scale=data["scale"],
        opens_on=data["opens_on"],
        closes_on=data["closes_on"],
        period_first=data["period_first"],
        period_last=data["period_last"],
        items=data["items"],
        weights=form.weights(),
        category_ids=[category.pk for category in data["categories"]],
    )


def _subjects_of(form: CampaignForm) -> dict[str, Any]:
    data = form.cleaned_data
    if data["subject_kind"] == Campaign.SubjectKind.BRANCHES:
        return {"units": list(data["branches"]), "members": []}
    return {"units": [], "members": data["members"]}


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.can_create(scope_for(request.user)):
        raise Http404
    form = _campaign_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                actor=request.user,
                organiser=form.cleaned_data["organiser"],
                draft=_draft(form),
                **_subjects_of(form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The campaign is prepared. Open it when it is ready."))
            return HttpResponseRedirect(reverse("evaluation:campaign", args=[campaign.pk]))
    return render(request, "evaluation/campaigns/form.html", {"form": form, "campaign": None})


def _managed(request: AuthenticatedRequest, pk: int) -> Campaign:
    campaign = selectors.campaign_for(pk)
    if campaign is None or not policy.can_manage(scope_for(request.user), campaign):
        raise Http404
    return campaign


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _managed(request, pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise Http404
    subjects, items = selectors.questionnaire(campaign)
    initial = {
        "organiser": campaign.organiser_id,
        "title": campaign.title,
        "subject_kind": campaign.subject_kind,
        "scale": campaign.scale,
        "items": "\n".join(item.text for item in items),
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "period_first": campaign.period_first,
        "period_last": campaign.period_last,
        "branches": [s.unit_id for s in subjects if s.member_id is None],
        "members": " ".join(s.member.user.employee_number for s in subjects if s.member),
        "categories": list(campaign.categories.values_list("pk", flat=True)),
    } | {f"weight_{group}": campaign.weights.get(group, "0") for group in rules.GROUPS}
    form = _campaign_form(request, initial=initial)
    form.fields["organiser"].disabled = True
    form.fields["subject_kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                actor=request.user, campaign=campaign, draft=_draft(form), **_subjects_of(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The campaign is updated."))
            return HttpResponseRedirect(reverse("evaluation:campaign", args=[campaign.pk]))
    return render(request, "evaluation/campaigns/form.html", {"form": form, "campaign": campaign})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An officer's page of a campaign: its roll by group, opening and closing."""
    campaign = _managed(request, pk)
    conducts = policy.can_conduct(scope_for(request.user), campaign)
    today = timezone.localdate()
    error = None
    if request.method == "POST":
        if not conducts:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "open":
                people = services.campaign_open(actor=request.user, campaign=campaign, today=today)
                campaign.refresh_from_db()  # open now: the reminder reads its status
                if campaign.opens_on <= today:
                    services.send_reminders(campaign, today=today)
                messages.success(
                    request,
                    _("The campaign is open: %(count)s people are on the roll.")
                    % {"count": people},
                )
            elif action == "close":
                if not services.campaign_close(actor=request.user, campaign=campaign, today=today):
                    raise ValidationError(_("This campaign is not open."))
                messages.success(request, _("The campaign is closed: the results can be read."))
            else:
                raise Http404
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            return HttpResponseRedirect(reverse("evaluation:campaign", args=[campaign.pk]))
    subjects, items = selectors.questionnaire(campaign)
    return render(
        request,
        "evaluation/campaigns/detail.html",
        {
            "campaign": campaign,
            "roll": selectors.roll_counts(campaign),
            "subjects": subjects,
            "items": items,
            "error": error,
            "conducts": conducts,
            "categories": list(campaign.categories.all()),
        },
        status=400 if error else 200,
    )


def _elector(request: AuthenticatedRequest, pk: int) -> tuple[Campaign, Any]:
    elector = selectors.my_place_on_roll(request.user, pk)
    if elector is None:
        raise Http404
    return elector.campaign, elector


@login_required
@require_http_methods(["GET", "POST"])
def campaign_vote(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The voting page: every question for every subject, then a receipt code. The
    receipt is shown in the answer to the vote itself and kept nowhere with the person."""
    campaign, elector = _elector(request, pk)
    today = timezone.localdate()
    refusal = services.voting_error(campaign, today)
    if refusal is None and elector.voted_on is not None:
        refusal = (
            _("You voted on paper: a ballot is final.")
            if elector.on_paper
            else _("You have already voted in this campaign: a ballot is final.")
        )
    form = None
    problem = None
    status = 200
    if request.method == "POST":
        if refusal is not None:
            status = 409
        else:
            subjects, items = selectors.voting_questionnaire(campaign)
            questionnaire = ([s.pk for s in subjects], [i.pk for i in items])
            # Read by a pure rule, not a form of 30 fields: the form only draws a
            # ballot sent back with its errors.
            ballot = rules.parse_ballot(
                dict(request.POST.lists()),
                subject_ids=questionnaire[0],
                item_ids=questionnaire[1],
                scale=campaign.scale,
            )
            if ballot.problem is None:
                try:
                    receipt = services.ballot_cast(
                        user=request.user,
                        campaign=campaign,
                        answers=ballot.answers,
                        remarks=ballot.remarks,
                        today=today,
                        elector=elector,
                        questionnaire=questionnaire,
                    )
                except ValidationError as error:
                    refusal = " ".join(error.messages)
                    status = 409
                else:
                    # The receipt is in this answer only (never in the session or the
                    # address); its header is drawn light: no navigation, no counts.
                    navigation.keep_header_light(request)
                    return render(
                        request,
                        "evaluation/campaigns/receipt.html",
                        {"campaign": campaign, "receipt": rules.shown_receipt(receipt)},
                    )
            else:
                status = 400
                problem = ballot.problem
                form = VoteForm(request.POST, subjects=subjects, items=items, scale=campaign.scale)
                form.is_valid()  # marks the fields in error where the page draws them
    # Light like the receipt's: the voting page is where a whole workshop arrives at
    # once, and the navigation (roles, membership, unread count) was a third of its CPU.
    # The header keeps the way home, the notices, the profile and signing out; the page
    # its own way back to the campaigns.
    navigation.keep_header_light(request)
    return render(
        request,
        "evaluation/campaigns/vote.html",
        {
            "campaign": campaign,
            "elector": elector,
            # a refusal is shown without the questions
            "questions": "" if refusal is not None else _drawn_questions(campaign, form),
            "problem": problem,
            "refusal": refusal,
            "reminders_form": RemindersForm(initial={"reminders": elector.reminders}),
        },
        status=status,
    )


QUESTIONS_TEMPLATE = "evaluation/campaigns/vote_questions.html"


@functools.cache
def _questions_drawn_by() -> tuple[str, ...]:
    """The files that shape the kept questions (the template, and the form whose field
    names a ballot posts back): a change to either names new cache keys."""
    template: Any = get_template(QUESTIONS_TEMPLATE)
    return (template.origin.name, vote_forms.__file__ or "")


def questions_key(campaign: Campaign) -> str | None:
    """Where the blank questions are kept, in the current language (None: not kept)."""
    key = selectors.frozen_key(campaign, "vote-questions", shaped_by=_questions_drawn_by())
    return None if key is None else f"{key}:{translation.get_language()}"


def _drawn_questions(campaign: Campaign, form: VoteForm | None) -> str:
    """The voting page's questions, as HTML: with the answers and errors of `form` (an
    incomplete ballot), or blank. The blank ones are the same for everyone in a language
    and never change once the campaign is open (its questions and subjects are frozen;
    drafts have no voting page), so they are drawn once and then taken from the cache:
    without it, drawing 30 radio groups cost a voter more CPU than casting the ballot.
    Rendered without the request, so nothing of the person (the CSRF token, the
    session) gets into what is kept."""
    if form is not None:
        return render_to_string(QUESTIONS_TEMPLATE, {"form": form})
    key = questions_key(campaign)
    drawn = selectors.cache_read(key)
    if not isinstance(drawn, str):
        subjects, items = selectors.voting_questionnaire(campaign)
        blank = VoteForm(subjects=subjects, items=items, scale=campaign.scale)
        drawn = str(render_to_string(QUESTIONS_TEMPLATE, {"form": blank}))
        selectors.cache_write(key, drawn)
    return mark_safe(drawn)  # noqa: S308  (our own template's output, escaped when drawn)


@login_required
@require_POST
def campaign_reminders(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign, _elector_row = _elector(request, pk)
    form = RemindersForm(request.POST)
    form.is_valid()
    wanted = bool(form.cleaned_data.get("reminders"))
    services.reminders_set(user=request.user, campaign=campaign, wanted=wanted)
    messages.success(
        request,
        _("You will be reminded of this campaign.")
        if wanted
        else _("No more reminders of this campaign."),
    )
    return HttpResponseRedirect(reverse("evaluation:campaign_vote", args=[campaign.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_paper(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Paper ballots: mark who voted on paper, then enter every paper ballot at once."""
    campaign = _managed(request, pk)
    if campaign.status == Campaign.Status.DRAFT or not policy.can_conduct(
        scope_for(request.user), campaign
    ):
        raise Http404
    today = timezone.localdate()
    subjects, items = selectors.questionnaire(campaign)
    action = request.POST.get("action") if request.method == "POST" else None
    mark_form = PaperMarkForm(request.POST if action == "mark" else None)
    batch_form = PaperBatchForm(
        request.POST if action == "enter" else None,
        subjects=subjects,
        items=items,
        scale=campaign.scale,
    )
    if action == "mark" and mark_form.is_valid():
        numbers = mark_form.cleaned_data["numbers"]
        users = list(users_with_employee_numbers(numbers))
        try:
            marked = services.paper_mark(
                actor=request.user, campaign=campaign, user_ids=[u.pk for u in users], today=today
            )
        except ValidationError as error:
            add_service_errors(mark_form, error)
        else:
            if marked < len(numbers):
                messages.warning(
                    request,
                    _(
                        "%(marked)s of %(given)s marked: the others are not on the roll or have "
                        "voted already."
                    )
                    % {"marked": marked, "given": len(numbers)},
                )
            else:
                messages.success(
                    request, _("%(marked)s marked as voted on paper.") % {"marked": marked}
                )
            return HttpResponseRedirect(reverse("evaluation:campaign_paper", args=[campaign.pk]))
    elif action == "enter" and batch_form.is_valid():
        try:
            entered = services.paper_enter(
                actor=request.user, campaign=campaign, ballots=batch_form.cleaned_data["ballots"]
            )
        except ValidationError as error:
            add_service_errors(batch_form, error)
        else:
            messages.success(
                request, _("%(count)s paper ballots are in the box.") % {"count": entered}
            )
            return HttpResponseRedirect(reverse("evaluation:campaign", args=[campaign.pk]))
    elif action not in (None, "mark", "enter"):
        raise Http404
    return render(
        request,
        "evaluation/campaigns/paper.html",
        {
            "campaign": campaign,
            "roll": selectors.roll_counts(campaign),
            "mark_form": mark_form,
            "batch_form": batch_form,
            "subjects": subjects,
            "items": items,
        },
        status=400 if action else 200,
    )


def _closed(pk: int) -> Campaign:
    campaign = selectors.campaign_for(pk)
    if campaign is None or campaign.status == Campaign.Status.DRAFT:
        raise Http404
    return campaign


@login_required
@require_http_methods(["GET", "POST"])
def campaign_tally(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The public tally: after close, every receipt code counted, and a check of one.
    The check is a POST: a code in the address would be kept by access logs, the
    browser's history and Referer headers (the query string is never read)."""
    if not policy.can_see_tally(scope_for(request.user)):
        raise Http404
    campaign = _closed(pk)
    closed = campaign.status == Campaign.Status.CLOSED
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    found = None
    if closed and form.is_valid():
        found = selectors.receipt_counted(campaign, form.cleaned_data["code"])
    codes = [rules.shown_receipt(code) for code in selectors.receipts(campaign)] if closed else []
    return render(
        request,
        "evaluation/campaigns/tally.html",
        {"campaign": campaign, "closed": closed, "form": form, "found": found, "codes": codes},
        status=400 if form.is_bound and found is None else 200,
    )


@login_required
@require_GET
def campaign_results(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The results the person may read: every subject for the organiser's officers, their
    own for the others; in the subjects' name order, never as a ranking."""
    campaign = _closed(pk)
    scope = scope_for(request.user)
    subjects = [
        s
        for s in campaign.subjects.select_related("unit", "member")
        if policy.can_see_subject(scope, request.user, s)
    ]
    if not subjects:
        raise Http404
    if campaign.status != Campaign.Status.CLOSED:
        return render(request, "evaluation/campaigns/not_yet.html", {"campaign": campaign})
    return render(
        request,
        "evaluation/campaigns/results.html",
        {"campaign": campaign, "results": selectors.results(campaign, subjects)},
    )


def _subject(
    request: AuthenticatedRequest, pk: int, subject_pk: int
) -> tuple[Campaign, CampaignSubject]:
    campaign = _closed(pk)
    subject = selectors.subject_for(campaign, subject_pk)
    if subject is None or not policy.can_see_subject(
        scope_for(request.user), request.user, subject
    ):
        raise Http404
    return campaign, subject


@login_required
@require_http_methods(["GET", "POST"])
def subject_result(request: AuthenticatedRequest, pk: int, subject: int) -> HttpResponse:
    """One subject: its results, the low-score cause analysis, the rectification plan."""
    campaign, subject_row = _subject(request, pk, subject)
    if campaign.status != Campaign.Status.CLOSED:
        return render(request, "evaluation/campaigns/not_yet.html", {"campaign": campaign})
    scope = scope_for(request.user)
    can_plan = policy.can_plan(scope, request.user, subject_row)
    appeal_titles = policy.can_read_appeals(scope, subject_row)
    (result,) = selectors.results(campaign, [subject_row])
    found = selectors.analysis(subject_row, titles=appeal_titles)
    form = None
    if can_plan:
        form = RectificationForm(
            request.POST or None,
            items=campaign.items.all(),
            deeds=deeds_of_unit(subject_row.unit, since=campaign.period_first),
            appeals=appeals_of_units_in_period(
                [subject_row.unit_id], Period(campaign.period_first, timezone.localdate())
            )
            if appeal_titles
            else None,
        )
    elif request.method == "POST":
        raise Http404
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            services.rectification_add(
                actor=request.user,
                subject=subject_row,
                action=data["action"],
                owner=data["owner"],
                due_on=data["due_on"],
                item=data["item"],
                deed_id=data["deed"],
                appeal_id=data.get("appeal"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The item is in the rectification plan."))
            return HttpResponseRedirect(
                reverse("evaluation:campaign_subject", args=[campaign.pk, subject_row.pk])
            )
    return render(
        request,
        "evaluation/campaigns/subject.html",
        {
            "campaign": campaign,
            "subject": subject_row,
            "result": result,
            "analysis": found,
            "plan": selectors.plan_of(subject_row),
            "before_after": selectors.before_and_after(
                subject_row, result, seen=policy.seen_subjects(scope, request.user)
            ),
            "form": form,
            "can_plan": can_plan,
            "appeal_titles": appeal_titles,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_progress(request: AuthenticatedRequest, pk: int, subject: int, plan: int) -> HttpResponse:
    campaign, subject_row = _subject(request, pk, subject)
    if not policy.can_plan(scope_for(request.user), request.user, subject_row):
        raise Http404
    item = selectors.plan_item_for(subject_row, plan)
    if item is None:
        raise Http404
    form = ProgressForm(
        request.POST or None, initial={"status": item.status, "progress": item.progress}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rectification_progress(
                actor=request.user,
                plan=item,
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The progress is recorded."))
            return HttpResponseRedirect(
                reverse("evaluation:campaign_subject", args=[campaign.pk, subject_row.pk])
            )
    return render(
        request,
        "evaluation/campaigns/plan_item.html",
        {"campaign": campaign, "subject": subject_row, "item": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )
