"""Reads of multi-party campaigns: lists, the voting page, results (only after close),
the low-score cause analysis, the tally of receipt codes. Each reads a fixed number of
queries however many ballots there are."""

from __future__ import annotations

import functools
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from grassroots.accounts.scope import Scope
from grassroots.appeals.selectors import AppealLine, appeals_of_units_in_period
from grassroots.appeals.similarity import tokenize
from grassroots.core import parameters
from grassroots.core.periods import Period
from grassroots.evaluation import rules as evaluation_rules
from grassroots.evaluation.campaigns import models as models_module
from grassroots.evaluation.campaigns import policy, rule_parameters, rules
from grassroots.evaluation.campaigns.models import (
    Ballot,
    Campaign,
    CampaignItem,
    CampaignSubject,
    Elector,
    Mark,
    Rectification,
    Remark,
)

logger = logging.getLogger(__name__)

# --- Lists --------------------------------------------------------------------------------


def managed_campaigns(scope: Scope) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.select_related("organiser").annotate(
        roll=Count("electors", distinct=True),
        voted=Count("electors", filter=Q(electors__voted_on__isnull=False), distinct=True),
    )
    if not scope.is_admin and not scope.officer_paths:
        return campaigns.none()
    return campaigns.filter(policy.managed(scope))


def campaign_for(pk: int) -> Campaign | None:
    return Campaign.objects.select_related("organiser").filter(pk=pk).first()


def my_roll(user: Any) -> list[Elector]:
    """The campaigns the person is on the roll of (open and closed), newest first."""
    return list(
        Elector.objects.filter(user=user)
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .select_related("campaign")
        .order_by("-campaign__opens_on", "-campaign_id")[:50]
    )


def elector_of(user: Any, campaign: Campaign) -> Elector | None:
    return Elector.objects.filter(user=user, campaign=campaign).first()


def my_place_on_roll(user: Any, pk: int) -> Elector | None:
    """The person's row of the roll of campaign `pk` with the campaign read alongside (one
    query for the voting page), or None when the campaign does not exist, is still a
    draft or has no such person on its roll: all three are "not found" to the voter."""
    return (
        Elector.objects.select_related("campaign")
        .filter(user=user, campaign_id=pk)
        .exclude(campaign__status=Campaign.Status.DRAFT)
        .order_by()  # one row at most (one per person): no join for the roll's ordering
        .first()
    )


def subjects_for(scope: Scope, user: Any) -> QuerySet[CampaignSubject]:
    """Subjects of closed campaigns whose results the person may read."""
    subjects = CampaignSubject.objects.filter(
        policy.seen_subjects(scope, user), campaign__status=Campaign.Status.CLOSED
    )
    return subjects.select_related("campaign", "unit", "member").order_by(
        "-campaign__closes_on", "campaign_id", "name"
    )


def subject_for(campaign: Campaign, pk: int) -> CampaignSubject | None:
    return (
        CampaignSubject.objects.select_related("unit", "member", "campaign__organiser")
        .filter(campaign=campaign, pk=pk)
        .first()
    )


# --- The roll and the ballot --------------------------------------------------------------


@dataclass(frozen=True)
class RollCount:
    group: str
    label: str
    people: int
    voted: int
    on_paper: int
    weight: Decimal


def roll_counts(campaign: Campaign) -> list[RollCount]:
    rows: dict[str, dict[str, Any]] = {
        group: {"people": people, "voted": voted, "paper": paper}
        for group, people, voted, paper in Elector.objects.filter(campaign=campaign)
        .order_by()
        .values_list("group")
        .annotate(
            people=Count("pk"),
            voted=Count("pk", filter=Q(voted_on__isnull=False)),
            paper=Count("pk", filter=Q(on_paper=True)),
        )
    }
    weights = {group: Decimal(campaign.weights.get(group, "0")) for group in rules.GROUPS}
    return [
        RollCount(
            group,
            str(Elector.Group(group).label),
            rows.get(group, {}).get("people", 0),
            rows.get(group, {}).get("voted", 0),
            rows.get(group, {}).get("paper", 0),
            weights[group],
        )
        for group in rules.GROUPS
    ]


def paper_roll(campaign: Campaign, *, limit: int = 2000) -> list[Elector]:
    return list(
        Elector.objects.filter(campaign=campaign)
        .select_related("user")
        .order_by("user__employee_number")[:limit]
    )


def questionnaire(campaign: Campaign) -> tuple[list[CampaignSubject], list[CampaignItem]]:
    return list(campaign.subjects.all()), list(campaign.items.all())


FROZEN_KEPT = 24 * 3600  # seconds
# Bumped when what is kept changes in a way the fingerprint below cannot see.
FROZEN_VERSION = 1


@functools.cache
def fingerprint(*files: str) -> str:
    """A short hash of the source files that shape something kept in the cache (the
    models pickled, the form whose fields a ballot posts, the template drawn), read once
    per process: a release that changes any of them names new keys, so a file or Redis
    cache that outlives an upgrade is never read as this release's."""
    digest = hashlib.sha256()
    for name in files:
        digest.update(Path(name).read_bytes())
    return digest.hexdigest()[:16]


def frozen_key(campaign: Campaign, what: str, *, shaped_by: Iterable[str] = ()) -> str | None:
    """A cache key for something drawn from an open or closed campaign's questions (which
    never change while it is open), or None for a campaign never opened (nothing of it is
    kept). Named by the time it opened, written anew at each opening, so the key names
    this opening only: an id used again, or a campaign restored from a backup, set back
    to draft, changed and opened again, never finds what was kept before; and by the
    version and the fingerprint of the code that shaped it (this module's models and
    `shaped_by`)."""
    if campaign.opened_at is None:
        return None
    code = fingerprint(models_module.__file__ or "", *shaped_by)
    opened = campaign.opened_at.timestamp()
    return f"evaluation:{FROZEN_VERSION}:{code}:{what}:{campaign.pk}:{opened}"


def voting_questionnaire(
    campaign: Campaign,
) -> tuple[list[CampaignSubject], list[CampaignItem]]:
    """The questionnaire of the voting page: read once, then from the cache, shared by
    the web processes (two queries fewer for every ballot). Only for campaigns that are
    open or closed: a draft's questions are still being changed."""
    if campaign.status == Campaign.Status.DRAFT:
        return questionnaire(campaign)
    key = frozen_key(campaign, "questionnaire")
    kept = cache_read(key)
    if not isinstance(kept, tuple):
        kept = questionnaire(campaign)
        cache_write(key, kept)
    return kept


def cache_read(key: str | None) -> Any:
    """What the cache keeps under `key`, or None when it keeps nothing or cannot be read
    (a Redis gone away, a full disk): the voting page then reads the database and draws
    the questions itself, as if nothing had been kept — a vote never waits on the cache."""
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # any cache backend's error
        logger.warning("evaluation: the cache could not be read (%s)", key)
        return None


def cache_write(key: str | None, value: Any) -> None:
    """Keep `value` for `FROZEN_KEPT`; a cache that cannot be written is only logged."""
    if key is None:
        return
    try:
        cache.set(key, value, FROZEN_KEPT)
    except Exception:  # any cache backend's error
        logger.warning("evaluation: the cache could not be written (%s)", key)


def receipts(campaign: Campaign) -> list[str]:
    """Every counted receipt code, paper ballots' too, in the code's own order (not the
    order of voting)."""
    return list(
        Ballot.objects.filter(campaign=campaign)
        .order_by("receipt")
        .values_list("receipt", flat=True)
    )


def receipt_counted(campaign: Campaign, code: str) -> bool:
    return Ballot.objects.filter(campaign=campaign, receipt=rules.normal_receipt(code)).exists()


# --- Results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupLine:
    group: str
    label: str
    ballots: int
    mean: Decimal | None  # None: too few to show
    weight: Decimal
    distribution: tuple[tuple[str, int], ...]  # (answer, how many) when shown


@dataclass(frozen=True)
class ItemLine:
    item_id: int
    text: str
    score: Decimal | None
    low: bool


@dataclass(frozen=True)
class SubjectResult:
    subject: CampaignSubject
    groups: tuple[GroupLine, ...]
    score: Decimal | None
    left_out: bool  # a weighted group had too few ballots and was left out
    low: bool
    items: tuple[ItemLine, ...]
    maximum: int

    @property
    def items_low(self) -> tuple[ItemLine, ...]:
        return tuple(item for item in self.items if item.low)


def _answer_label(scale: str, value: int) -> str:
    if scale == rules.SATISFACTION:
        return str(dict(rules.SATISFACTION_CHOICES)[value])
    return str(value)


def low_shares() -> tuple[Decimal, Decimal]:
    """(item share, subject share) of the maximum under which a result is flagged."""
    item = Decimal(parameters.value(rule_parameters.ITEM_LOW_PERCENT.key)) / 100
    subject = Decimal(parameters.value(rule_parameters.SUBJECT_LOW_PERCENT.key)) / 100
    return item, subject


def results(campaign: Campaign, subjects: Iterable[CampaignSubject]) -> list[SubjectResult]:
    """Per subject and group: ballots, mean and distribution; the weighted score over the
    groups shown; questions and subjects flagged low. Four queries."""
    subjects = list(subjects)
    ids = [subject.pk for subject in subjects]
    weights = {group: Decimal(campaign.weights.get(group, "0")) for group in rules.GROUPS}
    items = list(campaign.items.all())
    maximum = Decimal(rules.maximum(campaign.scale))
    item_share, subject_share = low_shares()
    marks = Mark.objects.filter(subject_id__in=ids).order_by()
    # Summed in the database: one row per subject and group, then per subject, question,
    # group and answer (never one per ballot).
    ballots: dict[tuple[int, str], int] = {
        (subject_id, group): n
        for subject_id, group, n in marks.values_list("subject_id", "ballot__group").annotate(
            n=Count("ballot_id", distinct=True)
        )
    }
    spread: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    sums: dict[tuple[int, str], tuple[int, int]] = {}
    item_sums: dict[tuple[int, int, str], tuple[int, int]] = {}
    for subject_id, item_id, group, score, n in marks.values_list(
        "subject_id", "item_id", "ballot__group", "score"
    ).annotate(n=Count("pk")):
        key = (subject_id, group)
        spread[key][score] = spread[key].get(score, 0) + n
        total, count = sums.get(key, (0, 0))
        sums[key] = (total + score * n, count + n)
        total, count = item_sums.get((subject_id, item_id, group), (0, 0))
        item_sums[(subject_id, item_id, group)] = (total + score * n, count + n)
    out = []
    for subject in subjects:
        group_results = [
            rules.group_result_from_sums(
                group, ballots.get((subject.pk, group), 0), *sums.get((subject.pk, group), (0, 0))
            )
            for group in rules.GROUPS
        ]
        score, left_out = evaluation_rules.weighted_score(group_results, weights)
        lines = tuple(
            GroupLine(
                result.group,
                str(Elector.Group(result.group).label),
                result.ballots,
                result.mean,
                weights[result.group],
                tuple(
                    (
                        _answer_label(campaign.scale, value),
                        spread[(subject.pk, result.group)].get(value, 0),
                    )
                    for value in rules.allowed_scores(campaign.scale)
                )
                if result.shown
                else (),
            )
            for result in group_results
        )
        item_lines = []
        for item in items:
            item_groups = []
            for result in group_results:
                total, count = item_sums.get((subject.pk, item.pk, result.group), (0, 0))
                mean = (
                    (Decimal(total) / count).quantize(evaluation_rules.TWO_PLACES)
                    if result.shown and count
                    else None
                )
                item_groups.append(evaluation_rules.GroupResult(result.group, result.ballots, mean))
            item_score, _left = evaluation_rules.weighted_score(item_groups, weights)
            item_lines.append(
                ItemLine(
                    item.pk,
                    item.text,
                    item_score,
                    item_score is not None
                    and evaluation_rules.is_low(item_score, maximum, share=item_share),
                )
            )
        out.append(
            SubjectResult(
                subject=subject,
                groups=lines,
                score=score,
                left_out=left_out,
                low=score is not None
                and evaluation_rules.is_low(score, maximum, share=subject_share),
                items=tuple(item_lines),
                maximum=int(maximum),
            )
        )
    return out


def member_results(campaign: Campaign) -> dict[int, SubjectResult]:
    """member id → result for a campaign evaluating named members, once it has closed
    (nothing before: results are read only after close). Five queries."""
    if campaign.status != Campaign.Status.CLOSED:
        return {}
    subjects = [s for s in campaign.subjects.all() if s.member_id is not None]
    return {
        result.subject.member_id: result  # type: ignore[misc]
        for result in results(campaign, subjects)
    }


# --- Low-score cause analysis -------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    keyword_groups: list[rules.KeywordGroup]
    other_comments: tuple[tuple[str, int], ...]
    appeals: list[AppealLine]  # empty when only the count may be shown
    period: Period
    appeal_count: int


def _words(text: str) -> list[str]:
    return tokenize(text).split()


def analysis(subject: CampaignSubject, *, titles: bool = True) -> Analysis:
    """The subject's comments grouped by keywords, beside the appeals its organisation
    handled in the campaign's period in the related categories (all when none is named);
    without `titles`, only their count."""
    campaign = subject.campaign
    comments = list(
        Remark.objects.filter(subject=subject).order_by("text").values_list("text", flat=True)
    )
    groups, others = rules.group_comments(comments, _words)
    period = Period(campaign.period_first, campaign.period_last)
    category_ids = list(campaign.categories.values_list("pk", flat=True))
    appeals = appeals_of_units_in_period(
        [subject.unit_id], period, category_ids=category_ids or None
    )
    return Analysis(groups, others, appeals if titles else [], period, len(appeals))


# --- Rectification ------------------------------------------------------------------------


def plan_of(subject: CampaignSubject) -> list[Rectification]:
    return list(
        Rectification.objects.filter(subject=subject).select_related(
            "owner", "item", "deed", "appeal"
        )
    )


def plan_item_for(subject: CampaignSubject, pk: int) -> Rectification | None:
    return (
        Rectification.objects.filter(subject=subject, pk=pk).select_related("owner", "item").first()
    )


@dataclass(frozen=True)
class BeforeAfter:
    plan: Rectification
    earlier: Campaign
    before: Decimal | None
    after: Decimal | None


def before_and_after(
    subject: CampaignSubject, current: SubjectResult | None, *, seen: Q
) -> list[BeforeAfter]:
    """The plan items written after earlier campaigns about the same branch or member,
    with their question's score then (before) and in this campaign (after, by the same
    question's wording) — only those of earlier subjects the reader may see (`seen`,
    `policy.seen_subjects`): a branch's officers reading their own campaign about a
    member do not read the committee's earlier review of that member."""
    same = (
        Q(subject__member=subject.member)
        if subject.member_id
        else Q(subject__unit=subject.unit, subject__member__isnull=True)
    )
    plans = list(
        Rectification.objects.filter(
            same,
            campaign__closes_on__lt=subject.campaign.opens_on,
            subject__in=CampaignSubject.objects.filter(seen).values("pk"),
        )
        .select_related("campaign", "subject", "item", "owner")
        .order_by("-campaign__closes_on", "due_on", "pk")[:50]
    )
    now = {line.text: line.score for line in current.items} if current else {}
    earlier: dict[int, dict[str, Decimal | None]] = {}
    for plan in plans:
        if plan.campaign_id not in earlier:
            (result,) = results(plan.campaign, [plan.subject])
            earlier[plan.campaign_id] = {line.text: line.score for line in result.items}
    return [
        BeforeAfter(
            plan,
            plan.campaign,
            earlier[plan.campaign_id].get(plan.item.text) if plan.item else None,
            now.get(plan.item.text) if plan.item else None,
        )
        for plan in plans
    ]
