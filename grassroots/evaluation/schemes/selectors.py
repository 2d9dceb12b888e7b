"""Reads for indicator-scheme pages: scoped (404 for out of scope, as for missing), with
a fixed number of queries per page."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, Max, QuerySet, Sum
from django.http import Http404

from grassroots.accounts.scope import Scope
from grassroots.core.tree import within_any
from grassroots.evaluation import sources
from grassroots.evaluation.schemes import policy
from grassroots.evaluation.schemes.models import (
    Assessment,
    Dimension,
    Indicator,
    IndicatorScheme,
    IndicatorScore,
    Objection,
    ScoringRun,
)
from grassroots.orgs import selectors as orgs

if TYPE_CHECKING:
    from grassroots.orgs.models import OrgUnit


def owners_to_manage(scope: Scope) -> QuerySet[OrgUnit]:
    """The committees and general branches whose schemes the person may define."""
    units = orgs.active_units().filter(kind__in=policy.SCHEME_OWNERS)
    if not scope.is_admin:
        units = (
            units.filter(within_any(scope.committee_paths))
            if scope.committee_paths
            else units.none()
        )
    return units.order_by("path")


def schemes_for(scope: Scope) -> QuerySet[IndicatorScheme]:
    schemes = IndicatorScheme.objects.select_related("unit")
    if scope.is_admin:
        return schemes
    if not scope.committee_paths:
        return schemes.none()
    return schemes.filter(within_any(scope.committee_paths, field="unit__path"))


def get_scheme_for(scope: Scope, pk: int) -> IndicatorScheme:
    scheme = IndicatorScheme.objects.select_related("unit").filter(pk=pk).first()
    if scheme is None or not policy.can_manage(scope, scheme):
        raise Http404
    return scheme


def scheme_dimensions(scheme: IndicatorScheme) -> list[Dimension]:
    return list(scheme.dimensions.prefetch_related("indicators"))


def latest_run(scheme: IndicatorScheme) -> ScoringRun | None:
    return scheme.runs.first()


def last_scored(scheme: IndicatorScheme) -> datetime.datetime | None:
    """When the scheme's scores were last computed (the nightly job or a run)."""
    return scheme.assessments.aggregate(at=Max("computed_at"))["at"]


def previous_scheme(scheme: IndicatorScheme) -> IndicatorScheme | None:
    return IndicatorScheme.objects.filter(unit_id=scheme.unit_id, year=scheme.year - 1).first()


@dataclass(frozen=True)
class ResultRow:
    assessment: Assessment
    unit: OrgUnit
    total: Decimal | None
    dimensions: tuple[Decimal | None, ...]
    last_year: Decimal | None
    open_objections: int


def results_in_order(scheme: IndicatorScheme) -> QuerySet[Assessment]:
    """The scheme's assessments, highest total first (those without a total last), then
    in the order of the tree: the committee's ordered list, to be paged."""
    return scheme.assessments.select_related("unit").order_by(
        F("total").desc(nulls_last=True), "unit__path"
    )


def result_rows(
    scheme: IndicatorScheme, dimensions: list[Dimension], assessments: list[Assessment]
) -> list[ResultRow]:
    """The rows of these assessments (a page of `results_in_order`), in their order: the
    points per dimension added up in the database, last year's totals and the open
    objections of these units only. Three queries, four with last year's scheme."""
    ids = [assessment.pk for assessment in assessments]
    sums: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for entry in (
        IndicatorScore.objects.filter(assessment_id__in=ids, earned__isnull=False)
        .values("assessment_id", "indicator__dimension_id")
        .annotate(earned=Sum("earned"))
        .order_by()
    ):
        sums[entry["assessment_id"]][entry["indicator__dimension_id"]] = entry["earned"]
    objections = dict(
        Objection.objects.filter(assessment_id__in=ids, answered_at__isnull=True)
        .values("assessment_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("assessment_id", "n")
    )
    previous = previous_scheme(scheme)
    last_year: dict[int, Decimal | None] = {}
    if previous is not None:
        last_year = dict(
            previous.assessments.filter(
                unit_id__in=[assessment.unit_id for assessment in assessments]
            ).values_list("unit_id", "total")
        )
    return [
        ResultRow(
            assessment=assessment,
            unit=assessment.unit,
            total=assessment.total,
            dimensions=tuple(sums[assessment.pk].get(d.pk) for d in dimensions),
            last_year=last_year.get(assessment.unit_id),
            open_objections=objections.get(assessment.pk, 0),
        )
        for assessment in assessments
    ]


RESULTS_CHUNK = 1000


def scheme_results(scheme: IndicatorScheme) -> tuple[list[Dimension], list[ResultRow]]:
    """Every scored unit with its total, its points per dimension and last year's
    total, highest first (for the committee's officers only; the export). Read in
    chunks of `RESULTS_CHUNK` units, four or five queries each."""
    dimensions = list(scheme.dimensions.all())
    assessments = list(results_in_order(scheme))
    rows: list[ResultRow] = []
    for start in range(0, len(assessments), RESULTS_CHUNK):
        rows += result_rows(scheme, dimensions, assessments[start : start + RESULTS_CHUNK])
    return dimensions, rows


def get_assessment_for(scope: Scope, pk: int) -> Assessment:
    """A unit's result: for the assessor at any time, for the unit's officers and those
    above once the results are released."""
    assessment = Assessment.objects.select_related("scheme__unit", "unit").filter(pk=pk).first()
    if assessment is None:
        raise Http404
    if policy.can_manage(scope, assessment.scheme):
        return assessment
    if assessment.scheme.results_published_on is None or not policy.can_view_result(
        scope, assessment.unit
    ):
        raise Http404
    return assessment


@dataclass(frozen=True)
class BreakdownRow:
    indicator: Indicator
    score: IndicatorScore | None
    last_year: Decimal | None

    @property
    def unit(self) -> str:
        """ "%" after a share, nothing after a count."""
        source = sources.SOURCES.get(self.indicator.source)
        return source.unit if source else ""


@dataclass(frozen=True)
class BreakdownDimension:
    dimension: Dimension
    rows: tuple[BreakdownRow, ...]
    earned: Decimal | None
    last_year: Decimal | None


def _sum(values: list[Decimal | None]) -> Decimal | None:
    known = [value for value in values if value is not None]
    return sum(known, Decimal(0)) if known else None


def breakdown(assessment: Assessment) -> list[BreakdownDimension]:
    """The unit's scores per dimension and indicator, beside last year's score of the
    indicator of the same name (when last year's scheme had one). Five queries."""
    scores = {score.indicator_id: score for score in assessment.scores.all()}
    previous = previous_scheme(assessment.scheme)
    last: dict[tuple[str, str], Decimal | None] = {}
    if previous is not None:
        last = {
            (dimension, name): earned
            for dimension, name, earned in IndicatorScore.objects.filter(
                assessment__scheme=previous, assessment__unit_id=assessment.unit_id
            ).values_list("indicator__dimension__name", "indicator__name", "earned")
        }
    result = []
    for dimension in assessment.scheme.dimensions.prefetch_related("indicators"):
        rows = tuple(
            BreakdownRow(
                indicator,
                scores.get(indicator.pk),
                last.get((dimension.name, indicator.name)),
            )
            for indicator in dimension.indicators.all()
            if assessment.unit.kind in indicator.applies_to
        )
        if not rows:
            continue
        result.append(
            BreakdownDimension(
                dimension,
                rows,
                _sum([row.score.earned if row.score else None for row in rows]),
                _sum([row.last_year for row in rows]),
            )
        )
    return result


def last_year_total(assessment: Assessment) -> Decimal | None:
    previous = previous_scheme(assessment.scheme)
    if previous is None:
        return None
    return (
        previous.assessments.filter(unit_id=assessment.unit_id)
        .values_list("total", flat=True)
        .first()
    )


def objections_of(assessment: Assessment) -> list[Objection]:
    return list(assessment.objections.select_related("indicator", "lodged_by", "answered_by"))


def get_score_for(scope: Scope, assessment: Assessment, indicator_pk: int) -> IndicatorScore:
    score = (
        IndicatorScore.objects.select_related("indicator__dimension")
        .filter(assessment=assessment, indicator_id=indicator_pk)
        .first()
    )
    if score is None:
        raise Http404
    return score


def my_results(scope: Scope) -> QuerySet[Assessment]:
    """Released results of the units the person is an officer of (their own, and those
    below them), newest first."""
    if not scope.officer_paths and not scope.is_admin:
        return Assessment.objects.none()
    assessments = Assessment.objects.select_related("scheme", "unit").filter(
        scheme__results_published_on__isnull=False
    )
    if not scope.is_admin:
        assessments = assessments.filter(within_any(scope.officer_paths, field="unit__path"))
    return assessments.order_by("-scheme__year", "unit__path")


def with_open_objections(schemes: QuerySet[IndicatorScheme]) -> QuerySet[IndicatorScheme]:
    """The schemes among these with an objection waiting for an answer (one subquery)."""
    waiting = Objection.objects.filter(answered_at__isnull=True).values("assessment__scheme_id")
    return schemes.filter(pk__in=waiting)


def open_objections(scheme: IndicatorScheme) -> list[Objection]:
    return list(
        Objection.objects.filter(
            assessment__scheme=scheme, answered_at__isnull=True
        ).select_related("assessment__unit", "indicator")
    )
