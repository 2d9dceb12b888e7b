"""The hot topics pages: a committee's topics of a month, a fresh run, adopting one."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.core.forms import add_service_errors
from grassroots.insights.topics import policy, selectors, services
from grassroots.insights.topics.forms import THEMED_DAY, AdoptForm
from grassroots.orglife import policy as orglife_policy
from grassroots.service import selectors as service_selectors
from grassroots.service.deeds import policy as deeds_policy


def _month(value: str | None) -> datetime.date:
    """'YYYY-MM' from the address; this month when missing or malformed."""
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date().replace(day=1)  # noqa: DTZ007
    except ValueError:
        return timezone.localdate().replace(day=1)


def _page(unit_pk: int, month: datetime.date) -> str:
    return f"{reverse('insights:topics')}?unit={unit_pk}&month={month:%Y-%m}"


@login_required
@require_GET
def topics(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    committees = selectors.committees_for(scope)
    unit = selectors.committee_for(scope, committees, request.GET.get("unit"))
    month = _month(request.GET.get("month"))
    view = selectors.month_topics(unit, month)
    this_month = timezone.localdate().replace(day=1)
    months = sorted({this_month, services.previous_month(this_month), month, *view.months})
    return render(
        request,
        "insights/topics.html",
        {
            "view": view,
            "committees": committees,
            "months": list(reversed(months)),
            "may_adopt": policy.can_adopt(scope, unit) and view.adopted is None,
        },
    )


@login_required
@require_POST
def topics_run(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    committees = selectors.committees_for(scope)
    unit = selectors.committee_for(scope, committees, request.POST.get("unit"))
    if not policy.can_adopt(scope, unit):
        raise Http404
    month = _month(request.POST.get("month"))
    try:
        services.run_request(actor=request.user, unit=unit, month=month)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The grouping is queued; this page shows when it is done."))
    return redirect(_page(unit.pk, month))


@login_required
@require_http_methods(["GET", "POST"])
def topic_adopt(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    topic = selectors.get_topic_for(scope, pk)
    unit = topic.run.unit
    if not policy.can_adopt(scope, unit):
        raise Http404
    form = AdoptForm(
        request.POST or None,
        initial={"title": services.topic_title(topic)},
        branches=selectors.branch_choices(unit),
        services=service_selectors.service_domain_choices(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["into"] == THEMED_DAY:
                branch = selectors.branch_of(unit, data["branch"])
                if branch is None or not orglife_policy.can_manage_meetings(scope, branch):
                    raise ValidationError({"branch": _("Choose a branch of this committee.")})
                topic = services.topic_adopt_as_themed_day(
                    actor=request.user,
                    topic=topic,
                    branch=branch,
                    title=data["title"],
                    starts_at=data["starts_at"],
                    place=data["place"],
                )
            else:
                if not deeds_policy.can_manage_unit(scope, unit):
                    raise Http404
                topic = services.topic_adopt_as_deed(
                    actor=request.user,
                    topic=topic,
                    title=data["title"],
                    services=data["services"],
                    due_on=data["due_on"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Adopted as the month's theme."))
            return redirect(_page(unit.pk, topic.run.month))
    return render(request, "insights/topic_adopt.html", {"topic": topic, "form": form})
