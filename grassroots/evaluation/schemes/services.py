"""Every write to indicator schemes: define (or copy) a scheme, publish it, score it,
judge by hand, release the results, lodge and answer objections.

Each write is atomic; a refused one saves nothing and says what is wrong on the field
concerned (a ValidationError keyed by field). Every change of a unit's score made by a
person — or by a later computation, once results are out — is written to the audit log
with the score before and after.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.accounts.roles import Role
from grassroots.accounts.selectors import holders
from grassroots.core import workcalendar
from grassroots.core.audit import audit_entry, audit_record
from grassroots.core.locking import locked
from grassroots.core.models import AuditEntry
from grassroots.core.periods import Period
from grassroots.evaluation import rules as evaluation_rules
from grassroots.evaluation import sources
from grassroots.evaluation.schemes import policy, rules
from grassroots.evaluation.schemes.models import (
    HAND,
    Assessment,
    Dimension,
    Indicator,
    IndicatorScheme,
    IndicatorScore,
    Objection,
    ScoringRun,
)
from grassroots.notifications import kinds
from grassroots.notifications.services import notify
from grassroots.orgs import selectors as orgs

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.appeals.uploads import CheckedFile
    from grassroots.orgs.models import OrgUnit

UPDATE_BATCH = 100
OBJECTION_NEWS = kinds.define_kind(
    "evaluation.objection", gettext_lazy("Objections to evaluation scores and their answers")
)
BATCH = 500  # units scored together: each source reads a fixed number of queries per batch
UNIT_KINDS = tuple(str(kind) for kind in policy.SCORED_KINDS)


# --- Defining a scheme ------------------------------------------------------------------


def scheme_create(*, actor: User, unit: OrgUnit, year: int, title: str) -> IndicatorScheme:
    """A new, empty draft scheme of `unit` for `year` (one per unit and year)."""
    if IndicatorScheme.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(
            {
                "year": _("%(unit)s already has a scheme for %(year)s.")
                % {"unit": unit.name, "year": year}
            }
        )
    try:
        with transaction.atomic():
            scheme = IndicatorScheme.objects.create(
                unit=unit, year=year, title=title.strip(), created_by=actor
            )
            audit_record(
                actor=actor, action="evaluation.scheme_create", target=scheme, org_path=unit.path
            )
    except IntegrityError:  # the same scheme created twice at once
        raise ValidationError(
            {
                "year": _("%(unit)s already has a scheme for %(year)s.")
                % {"unit": unit.name, "year": year}
            }
        ) from None
    return scheme


def scheme_copy(*, actor: User, scheme: IndicatorScheme, year: int) -> IndicatorScheme:
    """Last year's scheme as this year's draft in one step: dimensions, indicators,
    points, kinds, sources and curves, nothing of the scores."""
    with transaction.atomic():
        copy = scheme_create(
            actor=actor,
            unit=scheme.unit,
            year=year,
            title=_title_for(scheme, year),
        )
        copy.copied_from = scheme
        copy.save(update_fields=["copied_from"])
        for dimension in scheme.dimensions.prefetch_related("indicators"):
            new = Dimension.objects.create(
                scheme=copy, name=dimension.name, position=dimension.position
            )
            Indicator.objects.bulk_create(
                Indicator(
                    dimension=new,
                    name=indicator.name,
                    points=indicator.points,
                    applies_to=list(indicator.applies_to),
                    source=indicator.source,
                    curve=dict(indicator.curve),
                    position=indicator.position,
                )
                for indicator in dimension.indicators.all()
            )
    return copy


def _title_for(scheme: IndicatorScheme, year: int) -> str:
    """Last year's title with this year's number ("2025年度考核" → "2026年度考核")."""
    if str(scheme.year) in scheme.title:
        return scheme.title.replace(str(scheme.year), str(year))
    return _("%(year)s: %(title)s") % {"year": year, "title": scheme.title}


def _editable(scheme: IndicatorScheme) -> None:
    if scheme.is_published:
        raise ValidationError(_("The scheme is published: its indicators no longer change."))


def dimension_add(*, actor: User, scheme: IndicatorScheme, name: str) -> Dimension:
    with transaction.atomic():
        scheme = locked(scheme)
        _editable(scheme)
        position = scheme.dimensions.count()
        return Dimension.objects.create(scheme=scheme, name=name.strip(), position=position)


def indicator_errors(
    *, points: Decimal | None, applies_to: Sequence[str], source: str, curve: dict[str, Any]
) -> dict[str, str]:
    """What is wrong with an indicator, field by field (empty when valid)."""
    errors: dict[str, str] = {}
    if points is None or points <= 0:
        errors["points"] = _("An indicator is worth more than 0 points.")
    elif points > evaluation_rules.SCHEME_TOTAL:
        errors["points"] = _("An indicator is worth at most 100 points.")
    if not applies_to or any(kind not in UNIT_KINDS for kind in applies_to):
        errors["applies_to"] = _("Choose the kinds of organisation the indicator applies to.")
    if source != HAND and source not in sources.SOURCES:
        errors["source"] = _("Choose where the figure comes from.")
    if source == HAND or "points" in errors or "source" in errors:
        return errors
    try:
        evaluation_rules.curve_from_config(curve, points=points or Decimal(1))
    except evaluation_rules.CurveError as error:
        errors["curve"] = str(error)
        return errors
    higher_is_better = sources.SOURCES[source].higher_is_better
    steps = rules.curve_steps_error(curve, higher_is_better=higher_is_better)
    if steps == "direction":
        errors["descending"] = (
            _("For this figure more is better: leave “Lower values are better” unticked.")
            if higher_is_better
            else _("For this figure less is better: tick “Lower values are better”.")
        )
    elif steps == "falling":
        errors["thresholds"] = _(
            "The points fall as the figure improves: a better threshold must earn at least "
            "as many points as a worse one."
        )
    direction = rules.curve_floor_error(curve, higher_is_better=higher_is_better)
    if direction == "higher":
        errors["floor"] = _(
            "The floor is above the target: for this figure more is better, so the floor must be below the target."
        )
    elif direction == "lower":
        errors["floor"] = _(
            "The floor is below the target: for this figure less is better, so the floor must be above the target."
        )
    return errors


def indicator_save(
    *,
    actor: User,
    dimension: Dimension,
    name: str,
    points: Decimal,
    applies_to: Sequence[str],
    source: str,
    curve: dict[str, Any],
    indicator: Indicator | None = None,
) -> Indicator:
    """Add an indicator to a draft scheme's dimension, or change one."""
    errors = indicator_errors(points=points, applies_to=applies_to, source=source, curve=curve)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _editable(locked(dimension.scheme))
        if indicator is None:
            indicator = Indicator(dimension=dimension, position=dimension.indicators.count())
        indicator.name = name.strip()
        indicator.points = points
        indicator.applies_to = list(applies_to)
        indicator.source = source
        indicator.curve = {} if source == HAND else dict(curve)
        indicator.save()
    return indicator


def indicator_delete(*, actor: User, indicator: Indicator) -> None:
    with transaction.atomic():
        _editable(locked(indicator.dimension.scheme))
        indicator.delete()


def dimension_delete(*, actor: User, dimension: Dimension) -> None:
    with transaction.atomic():
        _editable(locked(dimension.scheme))
        dimension.delete()


def scheme_publish(*, actor: User, scheme: IndicatorScheme) -> IndicatorScheme:
    """Publish a draft: refused unless its indicators add up to 100 points and every
    curve can score. Nothing changes when refused."""
    with transaction.atomic():
        scheme = locked(scheme)
        if scheme.is_published:
            return scheme  # a second click changes nothing
        indicators = list(Indicator.objects.filter(dimension__scheme=scheme))
        if not indicators:
            raise ValidationError({"points": _("Add indicators before publishing.")})
        if error := evaluation_rules.scheme_total_error([each.points for each in indicators]):
            raise ValidationError({"points": error})
        for each in indicators:
            errors = indicator_errors(
                points=each.points, applies_to=each.applies_to, source=each.source, curve=each.curve
            )
            if errors:
                raise ValidationError(
                    {
                        "curve": _("“%(name)s”: %(error)s")
                        % {"name": each.name, "error": " ".join(errors.values())}
                    }
                )
        scheme.status = IndicatorScheme.Status.PUBLISHED
        scheme.published_at = timezone.now()
        scheme.save(update_fields=["status", "published_at"])
        audit_record(
            actor=actor,
            action="evaluation.scheme_publish",
            target=scheme,
            org_path=scheme.unit.path,
        )
    return scheme


# --- Scoring ----------------------------------------------------------------------------


def scored_units(scheme: IndicatorScheme) -> list[OrgUnit]:
    """The active organisations below the scheme's owner that any indicator applies to."""
    kinds = {
        kind
        for each in Indicator.objects.filter(dimension__scheme=scheme)
        for kind in each.applies_to
    }
    return [
        unit
        for unit in orgs.units_within(scheme.unit.path, kinds=kinds, active_only=True).only(
            "pk", "path", "kind", "name"
        )
        if unit.pk != scheme.unit_id
    ]


def run_request(*, actor: User | None, scheme: IndicatorScheme) -> ScoringRun:
    """Queue a computation of the scheme's scores (the page polls its progress). A
    request while one is queued or running returns that one."""
    from grassroots.evaluation.schemes import tasks

    with transaction.atomic():
        scheme = locked(scheme)
        if not scheme.is_published:
            raise ValidationError(_("Publish the scheme before scoring it."))
        _refuse_if_final(scheme, timezone.localdate())
        active = scheme.runs.filter(
            status__in=[ScoringRun.Status.QUEUED, ScoringRun.Status.RUNNING]
        ).first()
        if active is not None:
            return active
        run = ScoringRun.objects.create(scheme=scheme, requested_by=actor)
    transaction.on_commit(lambda: tasks.score_scheme.enqueue(run.pk))
    return run


def run_perform(*, run: ScoringRun, today: datetime.date | None = None) -> ScoringRun:
    """Compute a queued run, recording its progress as it goes."""
    run.status = ScoringRun.Status.RUNNING
    run.save(update_fields=["status"])
    try:
        scheme_score(scheme=run.scheme, today=today or timezone.localdate(), run=run)
    except Exception as error:
        run.status = ScoringRun.Status.FAILED
        run.error = str(error)[:500]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.status = ScoringRun.Status.DONE
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run


def scheme_score(
    *, scheme: IndicatorScheme, today: datetime.date, run: ScoringRun | None = None
) -> int:
    """Compute and store every applicable unit's indicator scores and totals, with the
    figures (value, basis) that produced them. Hand-judged scores and scores changed
    after an objection are kept. Units are scored in batches; each source reads a fixed
    number of queries per batch. Returns the number of units scored. Refused once the
    scores are final (released, and the objection window over)."""
    _refuse_if_final(scheme, today)
    period = Period.year(scheme.year)
    indicators = list(
        Indicator.objects.filter(dimension__scheme=scheme).order_by(
            "dimension__position", "position", "pk"
        )
    )
    units = scored_units(scheme)
    if run is not None:
        run.units_total = len(units)
        run.save(update_fields=["units_total"])
    for start in range(0, len(units), BATCH):
        batch = units[start : start + BATCH]
        _score_batch(scheme, indicators, batch, period, today)
        if run is not None:
            run.units_done = start + len(batch)
            run.save(update_fields=["units_done"])
    return len(units)


def _score_batch(
    scheme: IndicatorScheme,
    indicators: list[Indicator],
    units: list[OrgUnit],
    period: Period,
    today: datetime.date,
) -> None:
    figures: dict[str, dict[int, sources.Figure]] = {}
    for indicator in indicators:
        if indicator.by_hand or indicator.source in figures:
            continue
        kinds = {
            kind
            for each in indicators
            if each.source == indicator.source
            for kind in each.applies_to
        }
        applicable = [unit for unit in units if unit.kind in kinds]
        figures[indicator.source] = sources.figures_for(
            indicator.source, applicable, period, today=today
        )
    now = timezone.now()
    unit_ids = [unit.pk for unit in units]
    with transaction.atomic():
        known = set(
            Assessment.objects.filter(scheme=scheme, unit_id__in=unit_ids).values_list(
                "unit_id", flat=True
            )
        )
        Assessment.objects.bulk_create(
            [
                Assessment(scheme=scheme, unit=unit, computed_at=now)
                for unit in units
                if unit.pk not in known
            ],
            ignore_conflicts=True,  # another run created it meanwhile
        )
        # The batch's assessments locked (in one order, against deadlocks) before their
        # scores are read: a judgement or an answered objection made meanwhile waits
        # for this run and then counts in the total, instead of being overwritten by
        # what this run read before it.
        existing = {
            assessment.unit_id: assessment
            for assessment in Assessment.objects.select_for_update()
            .filter(scheme=scheme, unit_id__in=unit_ids)
            .order_by("pk")
        }
        scores = {
            (score.assessment_id, score.indicator_id): score
            for score in IndicatorScore.objects.filter(assessment__in=list(existing.values()))
        }
        to_create: list[IndicatorScore] = []
        to_update: list[IndicatorScore] = []
        history: list[AuditEntry] = []
        totals: dict[int, list[tuple[Decimal, Decimal | None]]] = {}
        for unit in units:
            assessment = existing[unit.pk]
            for indicator in indicators:
                if unit.kind not in indicator.applies_to:
                    continue
                score = scores.get((assessment.pk, indicator.pk))
                if score is None:
                    score = IndicatorScore(
                        assessment=assessment, indicator=indicator, updated_at=now
                    )
                    to_create.append(score)
                if not (indicator.by_hand or score.overridden):
                    figure = figures[indicator.source][unit.pk]
                    earned = rules.earned(indicator.curve, indicator.points, figure.value)
                    unchanged = (score.value, score.basis, score.earned) == (
                        figure.value,
                        figure.basis,
                        earned,
                    )
                    if score.pk and not unchanged:
                        to_update.append(score)
                    if score.pk and scheme.results_published_on and earned != score.earned:
                        history.append(
                            audit_entry(
                                actor=None,
                                action="evaluation.score_recompute",
                                target=score,
                                before={"earned": _text(score.earned), "value": _text(score.value)},
                                after={"earned": _text(earned), "value": _text(figure.value)},
                                org_path=unit.path,
                            )
                        )
                    score.value = figure.value
                    score.basis = figure.basis
                    score.earned = earned
                    score.updated_at = now
                totals.setdefault(assessment.pk, []).append((indicator.points, score.earned))
        IndicatorScore.objects.bulk_create(to_create, batch_size=1000)
        # Small batches: an UPDATE … CASE grows with the square of its rows.
        IndicatorScore.objects.bulk_update(
            to_update, ["value", "basis", "earned", "updated_at"], batch_size=UPDATE_BATCH
        )
        AuditEntry.objects.bulk_create(history)
        changed = []
        for assessment in existing.values():
            total = evaluation_rules.unit_total(totals.get(assessment.pk, []))
            if total != assessment.total:
                assessment.total = total
                changed.append(assessment)
        Assessment.objects.bulk_update(changed, ["total"], batch_size=UPDATE_BATCH)
        Assessment.objects.filter(pk__in=[a.pk for a in existing.values()]).update(computed_at=now)


def _text(value: Decimal | None) -> str | None:
    """Points as the audit log keeps them (JSON has no decimals)."""
    return None if value is None else str(value)


def _lock_assessment(pk: int) -> None:
    """Lock an assessment before changing one of its scores, as a scoring run does
    before reading them: the two wait for each other instead of losing a change."""
    list(Assessment.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def _retotal(assessment: Assessment) -> None:
    pairs = [
        (score.indicator.points, score.earned)
        for score in assessment.scores.select_related("indicator")
    ]
    assessment.total = evaluation_rules.unit_total(pairs)
    assessment.save(update_fields=["total"])


# --- Judging, results, objections -------------------------------------------------------


def score_judge(
    *,
    actor: User,
    score: IndicatorScore,
    earned: Decimal,
    reason: str,
    evidence: CheckedFile | None = None,
) -> IndicatorScore:
    """The assessor's score for a hand-judged indicator, with a written reason and an
    optional evidence file. The change is audited with the score before and after."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why: a judged score needs a written reason.")})
    with transaction.atomic():
        _lock_assessment(score.assessment_id)
        score = locked(score, related=("indicator", "assessment__unit"))
        if not score.indicator.by_hand:
            raise ValidationError(
                {
                    "earned": _(
                        "This score is computed from the records; answer an objection to change it."
                    )
                }
            )
        if not Decimal(0) <= earned <= score.indicator.points:
            raise ValidationError(
                {
                    "earned": _("Give between 0 and %(points)s points.")
                    % {"points": score.indicator.points}
                }
            )
        before = {"earned": _text(score.earned), "reason": score.reason}
        score.earned = earned
        score.reason = reason.strip()
        score.judged_by = actor
        score.updated_at = timezone.now()
        fields = ["earned", "reason", "judged_by", "updated_at"]
        if evidence is not None:
            score.evidence = evidence.content
            score.evidence_name = evidence.name
            fields += ["evidence", "evidence_name"]
        score.save(update_fields=fields)
        _retotal(score.assessment)
        audit_record(
            actor=actor,
            action="evaluation.score_judge",
            target=score,
            before=before,
            after={"earned": _text(score.earned), "reason": score.reason},
            org_path=score.assessment.unit.path,
        )
    return score


def results_publish(
    *, actor: User, scheme: IndicatorScheme, today: datetime.date
) -> IndicatorScheme:
    """Release the scores to the units: each unit's officers see their breakdown, and
    the objection window (working days) runs from today. Refused while any hand-judged
    score has not been judged (the total would silently leave it out)."""
    with transaction.atomic():
        scheme = locked(scheme)
        if not scheme.is_published:
            raise ValidationError(_("Publish the scheme before releasing its results."))
        if scheme.results_published_on is not None:
            return scheme
        if not scheme.assessments.exists():
            raise ValidationError(_("Score the scheme before releasing its results."))
        if unjudged := _unjudged(scheme):
            raise ValidationError(
                _(
                    "Judge every hand-judged score before releasing the results: "
                    "%(indicators)s still have organisations without a score."
                )
                % {"indicators": "、".join(f"“{name}”" for name in unjudged)}
            )
        scheme.results_published_on = today
        scheme.save(update_fields=["results_published_on"])
        audit_record(
            actor=actor,
            action="evaluation.results_publish",
            target=scheme,
            org_path=scheme.unit.path,
        )
    return scheme


def _unjudged(scheme: IndicatorScheme) -> list[str]:
    """The hand-judged indicators some unit still has no score for: a total without
    them would quietly be scaled up from the rest."""
    pending = IndicatorScore.objects.filter(
        assessment__scheme=scheme, indicator__source=HAND, earned__isnull=True
    ).values("indicator_id")
    return list(
        Indicator.objects.filter(pk__in=pending)
        .order_by("dimension__position", "position", "pk")
        .values_list("name", flat=True)
    )


def objection_deadline(scheme: IndicatorScheme) -> datetime.date | None:
    if scheme.results_published_on is None:
        return None
    return rules.objection_deadline(scheme.results_published_on, is_workday=workcalendar.is_workday)


def scores_final(scheme: IndicatorScheme, today: datetime.date) -> bool:
    """Released results whose objection window is over are final: no computation
    changes them any more (an objection lodged in time may still be answered)."""
    deadline = objection_deadline(scheme)
    return deadline is not None and today > deadline


def _refuse_if_final(scheme: IndicatorScheme, today: datetime.date) -> None:
    if scores_final(scheme, today):
        raise ValidationError(
            _(
                "The results were released on %(day)s and objections closed on "
                "%(deadline)s: the scores are final and are not computed again."
            )
            % {
                "day": scheme.results_published_on.isoformat()
                if scheme.results_published_on
                else "",
                "deadline": (objection_deadline(scheme) or today).isoformat(),
            }
        )


def objection_lodge(
    *,
    actor: User,
    assessment: Assessment,
    indicator: Indicator | None,
    text: str,
    today: datetime.date,
) -> Objection:
    """A unit's officer objects to a score (or to the whole result) within the window."""
    deadline = objection_deadline(assessment.scheme)
    if deadline is None:
        raise ValidationError(_("The results have not been released yet."))
    if today > deadline:
        raise ValidationError(
            _(
                "Objections were open until %(day)s (5 working days after the results were "
                "released); that time is over."
            )
            % {"day": deadline.isoformat()}
        )
    if not text.strip():
        raise ValidationError({"text": _("Say what is wrong with the score.")})
    if indicator is not None and indicator.dimension.scheme_id != assessment.scheme_id:
        raise ValidationError({"indicator": _("Choose an indicator of this scheme.")})
    with transaction.atomic():
        assessment = locked(assessment)
        duplicate = assessment.objections.filter(
            indicator=indicator, text=text.strip(), answered_at__isnull=True
        ).first()
        if duplicate is not None:
            return duplicate  # a double submit lodges one objection
        objection = Objection.objects.create(
            assessment=assessment, indicator=indicator, text=text.strip(), lodged_by=actor
        )
        scheme = assessment.scheme
        transaction.on_commit(
            lambda: notify(
                recipients=holders(roles=[Role.COMMITTEE_OFFICER], unit_ids=[scheme.unit_id]),
                kind=OBJECTION_NEWS.key,
                title=_("%(unit)s objects to its score under “%(scheme)s”: an answer is due")
                % {"unit": assessment.unit.name, "scheme": scheme.title},
                event_key=f"evaluation-objection:{objection.pk}",
                url=reverse("evaluation:assessment", args=[assessment.pk]) + "#objections",
            )
        )
        audit_record(
            actor=actor,
            action="evaluation.objection_lodge",
            target=objection,
            org_path=assessment.unit.path,
        )
    return objection


def objection_answer(
    *,
    actor: User,
    objection: Objection,
    answer: str,
    new_score: Decimal | None = None,
) -> Objection:
    """The assessor answers; with `new_score` the objected indicator's score changes
    (kept from then on by later computations), with its history in the audit log."""
    if not answer.strip():
        raise ValidationError({"answer": _("Write an answer.")})
    with transaction.atomic():
        objection = locked(objection, related=("assessment__unit", "indicator"))
        _lock_assessment(objection.assessment_id)
        if objection.answered:
            return objection
        fields = ["answer", "answered_by", "answered_at"]
        if new_score is not None:
            if objection.indicator is None:
                raise ValidationError(
                    {"new_score": _("Only an objection to one indicator can change a score.")}
                )
            if not Decimal(0) <= new_score <= objection.indicator.points:
                raise ValidationError(
                    {
                        "new_score": _("Give between 0 and %(points)s points.")
                        % {"points": objection.indicator.points}
                    }
                )
            score = (
                IndicatorScore.objects.select_for_update()
                .filter(assessment=objection.assessment, indicator=objection.indicator)
                .first()
            )
            if score is None:
                raise ValidationError(
                    {"new_score": _("This organisation has no score for that indicator.")}
                )
            before = score.earned
            score.earned = new_score
            score.overridden = True
            score.reason = answer.strip()
            score.judged_by = actor
            score.updated_at = timezone.now()
            score.save(update_fields=["earned", "overridden", "reason", "judged_by", "updated_at"])
            _retotal(objection.assessment)
            audit_record(
                actor=actor,
                action="evaluation.score_change",
                target=score,
                before={"earned": _text(before)},
                after={"earned": _text(new_score)},
                org_path=objection.assessment.unit.path,
                extra={"objection": objection.pk},
            )
            objection.score_before = before
            objection.score_after = new_score
            fields += ["score_before", "score_after"]
        objection.answer = answer.strip()
        objection.answered_by = actor
        objection.answered_at = timezone.now()
        objection.save(update_fields=fields)
        lodger = objection.lodged_by
        if lodger is not None:
            transaction.on_commit(
                lambda: notify(
                    recipients=[lodger],
                    kind=OBJECTION_NEWS.key,
                    title=_("Your objection to the score of %(unit)s is answered")
                    % {"unit": objection.assessment.unit.name},
                    event_key=f"evaluation-objection-answer:{objection.pk}",
                    url=reverse("evaluation:assessment", args=[objection.assessment_id])
                    + "#objections",
                )
            )
        audit_record(
            actor=actor,
            action="evaluation.objection_answer",
            target=objection,
            org_path=objection.assessment.unit.path,
        )
    return objection
