"""Pages of indicator schemes: thin — parse, one access check, one service or selector,
render. Out of scope answers 404 exactly as a missing object does."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from grassroots.accounts.requests import AuthenticatedRequest
from grassroots.accounts.scope import scope_for
from grassroots.appeals.uploads import UploadError, check_upload
from grassroots.core.downloads import xlsx_response
from grassroots.core.periods import Period
from grassroots.core.upload_limits import upload_limit
from grassroots.evaluation import sources, todos
from grassroots.evaluation.schemes import forms, policy, selectors, services
from grassroots.evaluation.schemes.models import (
    Assessment,
    Indicator,
    IndicatorScheme,
    IndicatorScore,
)

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _apply_errors(form: Any, error: ValidationError, mapping: dict[str, str] | None = None) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            name = (mapping or {}).get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- Schemes --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scheme_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not policy.may_open_schemes(scope):
        raise Http404
    owners = selectors.owners_to_manage(scope)
    schemes = selectors.schemes_for(scope)
    # `?objections=open`: only the schemes with objections waiting for an answer (the
    # home page's to-do links here when they are spread over several schemes).
    only_objected = request.GET.get("objections") == todos.OPEN_OBJECTIONS
    listed = selectors.with_open_objections(schemes) if only_objected else schemes
    today = timezone.localdate()
    create = forms.SchemeForm(None, units=owners, initial={"year": today.year}, prefix="new")
    copy = forms.CopyForm(None, schemes=schemes, initial={"year": today.year}, prefix="copy")
    if request.method == "POST":
        if request.POST.get("action") == "copy":
            copy = forms.CopyForm(request.POST, schemes=schemes, prefix="copy")
            if copy.is_valid():
                try:
                    scheme = services.scheme_copy(
                        actor=request.user,
                        scheme=copy.cleaned_data["scheme"],
                        year=copy.cleaned_data["year"],
                    )
                except ValidationError as error:
                    _apply_errors(copy, error)
                else:
                    messages.success(
                        request, _("The scheme is copied as a draft: check it and publish it.")
                    )
                    return HttpResponseRedirect(reverse("evaluation:scheme", args=[scheme.pk]))
        else:
            create = forms.SchemeForm(request.POST, units=owners, prefix="new")
            if create.is_valid():
                try:
                    scheme = services.scheme_create(actor=request.user, **create.cleaned_data)
                except ValidationError as error:
                    _apply_errors(create, error)
                else:
                    return HttpResponseRedirect(reverse("evaluation:scheme", args=[scheme.pk]))
    return render(
        request,
        "evaluation/schemes/list.html",
        {
            "schemes": list(listed),
            "only_objected": only_objected,
            "create": create,
            "copy": copy,
            "can_create": owners.exists(),
        },
    )


def _scheme_page(
    request: AuthenticatedRequest, scheme: IndicatorScheme, **extra: Any
) -> HttpResponse:
    dimensions = selectors.scheme_dimensions(scheme)
    total = sum((i.points for d in dimensions for i in d.indicators.all()), start=0)
    context: dict[str, Any] = {
        "scheme": scheme,
        "dimensions": dimensions,
        "total": total,
        "run": selectors.latest_run(scheme),
        "scored_at": selectors.last_scored(scheme),
        "dimension_form": forms.DimensionForm(prefix="dimension"),
        "indicator_form": forms.IndicatorForm(
            dimensions=scheme.dimensions.all(), prefix="indicator"
        ),
        "objection_deadline": services.objection_deadline(scheme),
        "scores_final": services.scores_final(scheme, timezone.localdate()),
        "labels": {key: source.label for key, source in sources.SOURCES.items()},
    }
    if scheme.is_published:
        # The ordered list runs to every branch below the committee (5,000 in a large
        # group): a page at a time; the export has them all.
        page = Paginator(selectors.results_in_order(scheme), settings.PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        result_dimensions = list(scheme.dimensions.all())
        context["result_dimensions"] = result_dimensions
        context["results"] = selectors.result_rows(scheme, result_dimensions, list(page))
        context["page_obj"] = page
        context["open_objections"] = selectors.open_objections(scheme)
    context.update(extra)
    return render(request, "evaluation/schemes/detail.html", context)


@login_required
@require_GET
def scheme_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for(scope_for(request.user), pk)
    return _scheme_page(request, scheme)


@login_required
@require_POST
def dimension_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for(scope_for(request.user), pk)
    form = forms.DimensionForm(request.POST, prefix="dimension")
    if form.is_valid():
        try:
            services.dimension_add(
                actor=request.user, scheme=scheme, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("evaluation:scheme", args=[scheme.pk]))
    return _scheme_page(request, scheme, dimension_form=form)


def _save_indicator(
    request: AuthenticatedRequest,
    scheme: IndicatorScheme,
    form: forms.IndicatorForm,
    indicator: Indicator | None,
) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.indicator_save(
            actor=request.user,
            dimension=data["dimension"],
            name=data["name"],
            points=data["points"],
            applies_to=data["applies_to"],
            source=data["source"],
            curve=form.curve(),
            indicator=indicator,
        )
    except ValidationError as error:
        _apply_errors(form, error, forms.CURVE_FIELD)
        return False
    return True


@login_required
@require_POST
def indicator_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for(scope_for(request.user), pk)
    form = forms.IndicatorForm(request.POST, dimensions=scheme.dimensions.all(), prefix="indicator")
    if _save_indicator(request, scheme, form, None):
        return HttpResponseRedirect(reverse("evaluation:scheme", args=[scheme.pk]) + "#indicators")
    return _scheme_page(request, scheme, indicator_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: AuthenticatedRequest, pk: int, indicator_pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for(scope_for(request.user), pk)
    indicator = Indicator.objects.filter(pk=indicator_pk, dimension__scheme=scheme).first()
    if indicator is None:
        raise Http404
    dimensions = scheme.dimensions.all()
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            services.indicator_delete(actor=request.user, indicator=indicator)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("evaluation:scheme", args=[scheme.pk]))
    if request.method == "POST":
        form = forms.IndicatorForm(request.POST, dimensions=dimensions)
        if _save_indicator(request, scheme, form, indicator):
            return HttpResponseRedirect(reverse("evaluation:scheme", args=[scheme.pk]))
    else:
        form = forms.IndicatorForm(
            dimensions=dimensions, initial=forms.IndicatorForm.initial_for(indicator)
        )
    return render(
        request,
        "evaluation/schemes/indicator_form.html",
        {"scheme": scheme, "indicator": indicator, "form": form},
    )


@login_required
@require_POST
def scheme_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for(scope_for(request.user), pk)
    try:
        services.scheme_publish(actor=request.user, scheme=scheme)
    except ValidationError as error:
        return _scheme_page(request, scheme, publish_errors=error.messages)
    messages.success(request, _("The scheme is published."))
    return HttpResponseRedirect(reverse("evaluation:scheme", args=[scheme.pk]))


@login_required
@require_POST
def run_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for(scope_for(request.user), pk)
    try:
        services.run_request(actor=request.user, scheme=scheme)
    except ValidationError as error:
        if request.htmx:  # type: ignore[attr-defined]
            return _progress(request, scheme, refused=" ".join(error.messages))
        messages.error(request, " ".join(error.messages))
    if request.htmx:  # type: ignore[attr-defined]
        return _progress(request, scheme)
    return HttpResponseRedirect(reverse("evaluation:scheme", args=[scheme.pk]) + "#scoring")


@login_required
@require_GET
def run_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress of the latest scoring run (polled by htmx while it runs; a plain
    refresh of the scheme page shows the same)."""
    return _progress(request, selectors.get_scheme_for(scope_for(request.user), pk))


def _progress(
    request: AuthenticatedRequest, scheme: IndicatorScheme, *, refused: str = ""
) -> HttpResponse:
    return render(
        request,
        "evaluation/schemes/progress.html",
        {
            "scheme": scheme,
            "run": selectors.latest_run(scheme),
            "scored_at": selectors.last_scored(scheme),
            "refused": refused,
        },
    )


@login_required
@require_POST
def results_release(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for(scope_for(request.user), pk)
    try:
        services.results_publish(actor=request.user, scheme=scheme, today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The results are released to the organisations."))
    return HttpResponseRedirect(reverse("evaluation:scheme", args=[scheme.pk]) + "#results")


@login_required
@require_GET
def results_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scheme = selectors.get_scheme_for(scope_for(request.user), pk)
    dimensions, rows = selectors.scheme_results(scheme)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Results"))
    sheet.append(
        [
            _("Organisation"),
            _("Total"),
            *[d.name for d in dimensions],
            _("Last year"),
            _("Open objections"),
        ]
    )
    for row in rows:
        sheet.append(
            [
                row.unit.name,
                _number(row.total),
                *[_number(value) for value in row.dimensions],
                _number(row.last_year),
                row.open_objections,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return xlsx_response(buffer.getvalue(), f"scheme-{scheme.year}-{scheme.pk}.xlsx")


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


# --- A unit's result ------------------------------------------------------------------


@login_required
@require_GET
def my_results(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not (scope.is_admin or scope.is_officer):
        raise Http404
    return render(
        request,
        "evaluation/schemes/mine.html",
        {"assessments": list(selectors.my_results(scope)[:200])},
    )


def _assessment_page(request: AuthenticatedRequest, pk: int, **extra: Any) -> HttpResponse:
    scope = scope_for(request.user)
    assessment = selectors.get_assessment_for(scope, pk)
    scheme = assessment.scheme
    assessor = policy.can_manage(scope, scheme)
    can_object = (
        policy.can_object(scope, assessment.unit) and scheme.results_published_on is not None
    )
    deadline = services.objection_deadline(scheme)
    today = timezone.localdate()
    applicable = Indicator.objects.filter(dimension__scheme=scheme)
    context: dict[str, Any] = {
        "assessment": assessment,
        "scheme": scheme,
        "unit": assessment.unit,
        "dimensions": selectors.breakdown(assessment),
        "last_year_total": selectors.last_year_total(assessment),
        "objections": selectors.objections_of(assessment),
        "assessor": assessor,
        "can_object": can_object,
        "window_open": deadline is not None and today <= deadline,
        "deadline": deadline,
        "labels": {key: source.label for key, source in sources.SOURCES.items()},
        "objection_form": forms.ObjectionForm(indicators=applicable),
        "answer_form": forms.AnswerForm(),
    }
    context.update(extra)
    return render(request, "evaluation/schemes/assessment.html", context)


@login_required
@require_GET
def assessment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _assessment_page(request, pk)


@login_required
@require_GET
def score_detail(request: AuthenticatedRequest, pk: int, indicator_pk: int) -> HttpResponse:
    """One score: the figure, the counts behind it, the curve, and the records."""
    scope = scope_for(request.user)
    assessment = selectors.get_assessment_for(scope, pk)
    score = selectors.get_score_for(scope, assessment, indicator_pk)
    source = sources.SOURCES.get(score.indicator.source)
    records = None
    if source is not None:
        records = sources.records_of(
            score.indicator.source,
            assessment.unit,
            Period.year(assessment.scheme.year),
            today=timezone.localdate(),
        )
    return _score_page(
        request,
        assessment,
        score,
        source=source,
        records=records,
        assessor=policy.can_manage(scope, assessment.scheme),
        judge_form=forms.JudgeForm(initial={"earned": score.earned, "reason": score.reason}),
    )


def _score_page(
    request: AuthenticatedRequest,
    assessment: Assessment,
    score: IndicatorScore,
    *,
    source: sources.Source | None,
    records: Any,
    assessor: bool,
    judge_form: forms.JudgeForm,
) -> HttpResponse:
    return render(
        request,
        "evaluation/schemes/score.html",
        {
            "assessment": assessment,
            "scheme": assessment.scheme,
            "unit": assessment.unit,
            "score": score,
            "indicator": score.indicator,
            "source": source,
            "records": records,
            "basis": [
                (sources.BASIS_LABELS.get(name, name), count) for name, count in score.basis.items()
            ],
            "assessor": assessor,
            "judge_form": judge_form,
        },
    )


@upload_limit(lambda: EVIDENCE_MAX_BYTES)
@login_required
@require_POST
def score_judge(request: AuthenticatedRequest, pk: int, indicator_pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    assessment = selectors.get_assessment_for(scope, pk)
    if not policy.can_manage(scope, assessment.scheme):
        raise Http404
    score = selectors.get_score_for(scope, assessment, indicator_pk)
    form = forms.JudgeForm(request.POST, request.FILES)
    if form.is_valid():
        evidence = None
        upload = form.cleaned_data.get("evidence")
        try:
            if upload:
                evidence = check_upload(upload, max_bytes=EVIDENCE_MAX_BYTES)
            services.score_judge(
                actor=request.user,
                score=score,
                earned=form.cleaned_data["earned"],
                reason=form.cleaned_data["reason"],
                evidence=evidence,
            )
        except UploadError as error:
            form.add_error("evidence", str(error))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The score is saved."))
            return HttpResponseRedirect(reverse("evaluation:assessment", args=[assessment.pk]))
    score.refresh_from_db()
    return _score_page(
        request, assessment, score, source=None, records=None, assessor=True, judge_form=form
    )


@login_required
@require_GET
def score_evidence(request: AuthenticatedRequest, pk: int, indicator_pk: int) -> FileResponse:
    scope = scope_for(request.user)
    assessment = selectors.get_assessment_for(scope, pk)
    score = selectors.get_score_for(scope, assessment, indicator_pk)
    if not score.evidence:
        raise Http404
    response = FileResponse(
        score.evidence.open("rb"), as_attachment=True, filename=score.evidence_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def objection_lodge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    assessment = selectors.get_assessment_for(scope, pk)
    if not policy.can_object(scope, assessment.unit):
        raise Http404
    form = forms.ObjectionForm(
        request.POST, indicators=Indicator.objects.filter(dimension__scheme=assessment.scheme)
    )
    if form.is_valid():
        try:
            services.objection_lodge(
                actor=request.user,
                assessment=assessment,
                indicator=form.cleaned_data["indicator"],
                text=form.cleaned_data["text"],
                today=timezone.localdate(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your objection is lodged; the assessor must answer it."))
            return HttpResponseRedirect(
                reverse("evaluation:assessment", args=[assessment.pk]) + "#objections"
            )
    return _assessment_page(request, pk, objection_form=form)


@login_required
@require_POST
def objection_answer(request: AuthenticatedRequest, pk: int, objection_pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    assessment = selectors.get_assessment_for(scope, pk)
    if not policy.can_manage(scope, assessment.scheme):
        raise Http404
    objection = assessment.objections.filter(pk=objection_pk).first()
    if objection is None:
        raise Http404
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.objection_answer(
                actor=request.user,
                objection=objection,
                answer=form.cleaned_data["answer"],
                new_score=form.cleaned_data.get("new_score"),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The objection is answered."))
            return HttpResponseRedirect(
                reverse("evaluation:assessment", args=[assessment.pk]) + "#objections"
            )
    return _assessment_page(request, pk, answer_form=form, answering=objection.pk)
