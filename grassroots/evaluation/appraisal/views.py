"""Pages of the democratic appraisal: the list, a branch's appraisal (officers) or one's
own part (members), the self-assessment, the mutual suggestions, the committee's
proposal, the assembly's decision, and one member's year of records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.forms import add_service_errors
from grassroots.core.pagination import CappedPaginator
from grassroots.evaluation.appraisal import policy, selectors, services
from grassroots.evaluation.appraisal.forms import (
    GradesForm,
    OpenForm,
    OpinionsForm,
    SelfAssessmentForm,
    SuggestionsForm,
)
from grassroots.evaluation.appraisal.models import Appraisal, AppraisalParticipant
from grassroots.evaluation.campaigns import services as campaign_services

PER_PAGE = 50
LIST_CAP = 5000


@login_required
@require_GET
def appraisal_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    page = CappedPaginator(selectors.appraisal_list(scope), PER_PAGE, cap=LIST_CAP).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "evaluation/appraisal/list.html",
        {
            "appraisals": list(page.object_list),
            "page_obj": page,
            "can_open": policy.can_open_any(scope),
            "member_id": scope.member_id,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appraisal_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.can_open_any(scope):
        raise Http404
    branches = policy.branches_to_run(scope)
    form = OpenForm(
        request.POST or None,
        branches=branches,
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            appraisal = services.appraisal_open(
                actor=request.user,
                branch=form.cleaned_data["branch"],
                year=form.cleaned_data["year"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The appraisal is open: members can write their self-assessments.")
            )
            return HttpResponseRedirect(reverse("evaluation:appraisal", args=[appraisal.pk]))
    return render(request, "evaluation/appraisal/new.html", {"form": form})


def _rows(
    appraisal: Appraisal,
    people: list[AppraisalParticipant],
    opinions: selectors.Opinions | None,
) -> list[dict[str, Any]]:
    counts = selectors.suggestion_counts(appraisal)
    evidence = selectors.evidence(appraisal, people)
    by_member = opinions.by_member if opinions is not None else {}
    return [
        {
            "person": p,
            "counts": counts.get(p.pk),
            "evidence": evidence[p.pk],
            "opinion": by_member.get(p.member_id),
        }
        for p in people
    ]


@login_required
@require_GET
def appraisal_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Officers: the whole branch. A member: their own part only."""
    scope = scope_for(request.user)
    appraisal = selectors.get_appraisal_for(scope, pk)
    mine = selectors.own_participant(scope, appraisal)
    context: dict[str, Any] = {"appraisal": appraisal, "mine": mine}
    if policy.can_manage(scope, appraisal):
        people = selectors.participants(appraisal)
        opinions = selectors.opinions(appraisal)
        context.update(
            officer=True,
            opinions=opinions,
            rows=_rows(appraisal, people, opinions),
            graded=sum(p.is_graded for p in people),
            meeting=selectors.decided_meeting(appraisal),
        )
    elif mine is None:
        raise Http404
    return render(request, "evaluation/appraisal/detail.html", context)


def _own(request: AuthenticatedRequest, pk: int) -> tuple[Appraisal, AppraisalParticipant]:
    scope = scope_for(request.user)
    appraisal = selectors.get_appraisal_for(scope, pk)
    mine = selectors.own_participant(scope, appraisal)
    if mine is None:
        raise Http404
    return appraisal, mine


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appraisal, mine = _own(request, pk)
    if not appraisal.is_open:
        raise Http404
    form = SelfAssessmentForm(request.POST or None, initial={"text": mine.self_assessment})
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_write(
                actor=request.user, participant=mine, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your self-assessment is saved."))
            return HttpResponseRedirect(reverse("evaluation:appraisal", args=[appraisal.pk]))
    return render(request, "evaluation/appraisal/self.html", {"appraisal": appraisal, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def suggestions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    appraisal, mine = _own(request, pk)
    if not appraisal.is_open or not mine.is_graded:
        raise Http404
    if selectors.suggestions_closed(appraisal):
        messages.info(
            request,
            _("The suggestions are closed: the branch committee has proposed the grades."),
        )
        return HttpResponseRedirect(reverse("evaluation:appraisal", args=[appraisal.pk]))
    others = [p for p in selectors.participants(appraisal) if p.is_graded and p.pk != mine.pk]
    initial = {f"grade_{k}": v for k, v in selectors.suggestions_by(mine).items()}
    form = SuggestionsForm(request.POST or None, others=others, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestions_save(actor=request.user, assessor=mine, grades=form.grades())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your suggestions are saved. Only their counts are shown, to the branch "
                    "committee, once the suggestions close."
                ),
            )
            return HttpResponseRedirect(reverse("evaluation:appraisal", args=[appraisal.pk]))
    return render(
        request, "evaluation/appraisal/suggestions.html", {"appraisal": appraisal, "form": form}
    )


def _managed(request: AuthenticatedRequest, pk: int) -> Appraisal:
    scope = scope_for(request.user)
    appraisal = selectors.get_appraisal_for(scope, pk)
    if not policy.can_manage(scope, appraisal):
        raise Http404
    return appraisal


def _initial(people: list[AppraisalParticipant], *, decided: bool) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for p in people:
        initial[f"grade_{p.pk}"] = p.grade if decided else p.proposed_grade
        initial[f"measure_{p.pk}"] = p.measure
        initial[f"due_{p.pk}"] = p.measure_due_on
    return initial


def _meeting_label(meeting: Any) -> str:
    day = meeting.held_on or timezone.localtime(meeting.starts_at).date()
    state = _("held") if meeting.is_held else _("planned")
    quorum = _("%(present)s of %(entitled)s full members present") % {
        "present": meeting.present,
        "entitled": meeting.entitled,
    }
    return f"{day:%Y-%m-%d} {meeting.topic} ({state}; {quorum})"


def _grades_page(request: AuthenticatedRequest, pk: int, *, deciding: bool) -> HttpResponse:
    """The committee's proposal or the assembly's decision: one grade per full member,
    the same form and checks; deciding also names the meeting."""
    appraisal = _managed(request, pk)
    if not appraisal.is_open:
        raise Http404
    graded = [p for p in selectors.participants(appraisal) if p.is_graded]
    meetings = selectors.appraisal_meetings(appraisal) if deciding else None
    form = GradesForm(
        request.POST or None,
        graded=graded,
        meetings=[(m.pk, _meeting_label(m)) for m in meetings] if meetings is not None else None,
        initial=_initial(graded, decided=False),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if deciding:
                services.appraisal_decide(
                    actor=request.user,
                    appraisal=appraisal,
                    meeting_id=form.cleaned_data["meeting"],
                    entries=form.entries(),
                )
            else:
                services.grades_propose(
                    actor=request.user, appraisal=appraisal, entries=form.entries()
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The assembly's decision is recorded.")
                if deciding
                else _("The branch committee's proposed grades are saved."),
            )
            return HttpResponseRedirect(reverse("evaluation:appraisal", args=[appraisal.pk]))
    opinions = selectors.opinions(appraisal)
    rows = {row["person"].pk: row for row in _rows(appraisal, graded, opinions)}
    return render(
        request,
        "evaluation/appraisal/grades.html",
        {
            "appraisal": appraisal,
            "form": form,
            "rows": [(rows[p.pk], fields) for p, fields in form.rows()],
            "deciding": deciding,
            "meetings": meetings,
            "opinions": opinions,
            "allowed": len(graded) // 3,
            "graded": len(graded),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _grades_page(request, pk, deciding=False)


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _grades_page(request, pk, deciding=True)


@login_required
@require_http_methods(["GET", "POST"])
def opinions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The branch asks the employees of its departments for their opinion of each full
    member: a campaign, opened at once, that the appraisal links."""
    appraisal = _managed(request, pk)
    if not appraisal.is_open or appraisal.campaign_id is not None:
        raise Http404
    today = timezone.localdate()
    form = OpinionsForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            asked = services.opinions_ask(
                actor=request.user,
                appraisal=appraisal,
                request=services.OpinionsRequest(
                    opens_on=form.cleaned_data["opens_on"],
                    closes_on=form.cleaned_data["closes_on"],
                    scale=form.cleaned_data["scale"],
                    items=form.cleaned_data["items"],
                ),
                today=today,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if asked.campaign is not None and asked.campaign.opens_on <= today:
                campaign_services.send_reminders(asked.campaign, today=today)
            messages.success(
                request,
                _(
                    "The employees are asked: each finds the questions on their evaluation "
                    "page, and the results are shown here once it closes."
                ),
            )
            return HttpResponseRedirect(reverse("evaluation:appraisal", args=[appraisal.pk]))
    return render(
        request,
        "evaluation/appraisal/opinions.html",
        {
            "appraisal": appraisal,
            "form": form,
            "members": len(selectors.graded_members_in_branch(appraisal)),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def person(request: AuthenticatedRequest, pk: int, person_pk: int) -> HttpResponse:
    """One member's part with the year's records: officers of the branch, or the member."""
    scope = scope_for(request.user)
    appraisal = selectors.get_appraisal_for(scope, pk)
    participant = selectors.get_participant_for(scope, appraisal, person_pk)
    officer = policy.can_manage(scope, appraisal)
    evidence = selectors.evidence(appraisal, [participant])[participant.pk]
    counts = selectors.suggestion_counts(appraisal).get(participant.pk) if officer else None
    # The employees' opinions of a graded member: for the branch's officers and for the
    # member themself, as the campaign shows a named member their own result.
    opinions = selectors.opinions(appraisal) if participant.is_graded else None
    return render(
        request,
        "evaluation/appraisal/person.html",
        {
            "appraisal": appraisal,
            "person": participant,
            "evidence": evidence,
            "counts": counts,
            "officer": officer,
            "opinions": opinions,
            "opinion": opinions.by_member.get(participant.member_id) if opinions else None,
        },
    )
