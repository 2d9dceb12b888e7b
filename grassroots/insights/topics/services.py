"""Every write of the hot topics: queue a run, perform it, adopt a topic as the month's
theme (每月一题).

The texts are read through the appeals', openness' and service's selectors; a themed
Party day or a practical deed is made through orglife's and service's services, in the
adoption's own transaction (a refusal there saves nothing here either)."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.appeals import selectors as appeals
from grassroots.core.audit import audit_record
from grassroots.core.periods import Period
from grassroots.insights.topics import clustering
from grassroots.insights.topics.models import HotTopic, TopicRun
from grassroots.openness import selectors as openness
from grassroots.orglife import rules as orglife_rules
from grassroots.orglife.services import meeting_plan
from grassroots.orgs import selectors as orgs
from grassroots.orgs.services import orgunit_lock
from grassroots.orgs.vocabulary import UnitKind
from grassroots.service.deeds.services import deed_create
from grassroots.service.pairings import selectors as pairings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from grassroots.accounts.models import User
    from grassroots.orgs.models import OrgUnit

logger = logging.getLogger(__name__)

EXAMPLES = 3
STALE_AFTER = datetime.timedelta(hours=1)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def run_request(*, actor: User | None, unit: OrgUnit, month: datetime.date) -> TopicRun:
    """Queue a grouping of the committee's texts of the month (a worker performs it; the
    page shows its status). A request while one is queued or running returns that one.
    Refused once a topic of the month has been adopted: the month's theme is chosen and
    the topics it was chosen from stay as they were."""
    from grassroots.insights.topics import tasks

    month = month_start(month)
    with transaction.atomic():
        orgunit_lock(unit)  # one committee's requests and adoptions queue here
        _refuse_if_adopted(unit, month)
        # a run started over STALE_AFTER ago died with its worker: a new one may be asked
        active = TopicRun.objects.filter(
            unit=unit,
            month=month,
            status__in=[TopicRun.Status.QUEUED, TopicRun.Status.RUNNING],
            created_at__gte=timezone.now() - STALE_AFTER,
        ).first()
        if active is not None:
            return active
        run = TopicRun.objects.create(unit=unit, month=month, requested_by=actor)
    transaction.on_commit(lambda: tasks.perform_topic_run.enqueue(run.pk))
    return run


def _refuse_if_adopted(unit: OrgUnit, month: datetime.date) -> None:
    if HotTopic.objects.filter(run__unit=unit, run__month=month).exclude(adopted_as="").exists():
        raise ValidationError(
            _("A topic of this month has been adopted already; its topics are kept as they are.")
        )


def run_perform(*, run: TopicRun) -> TopicRun:
    """Group the run's texts into topics and store them, with their change from the
    previous month's latest finished run."""
    run.status = TopicRun.Status.RUNNING
    run.save(update_fields=["status"])
    try:
        _perform(run)
    except Exception as error:
        run.status = TopicRun.Status.FAILED
        run.error = str(error)[:500]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    return run


def _perform(run: TopicRun) -> None:
    period = Period.month(run.month.year, run.month.month)
    path = run.unit.path
    appeal_rows = appeals.appeal_words_in_period(path, period)
    comment_words = openness.comment_words_in_period(path, period)
    visit_words = pairings.visit_note_words_in_period(path, period)
    # topics are about matters, not people: names are no keywords, nor group texts
    words = appeals.words_without_names(
        [w for _pk, w, _q in appeal_rows] + comment_words + visit_words
    )
    grouping = clustering.group_texts(words, examples=len(words))
    # Examples are appeals only, de-identified as on the outcome wall: comments and
    # visit notes (often about illness or hardship) count towards a topic, never quoted;
    # nor is an anonymous appeal, unless a handler wrote its public summary.
    quotable = [pk if ok else None for pk, _w, ok in appeal_rows]
    # a few more candidates than shown, so that repeated texts are shown once
    chosen = [
        [q for q in (quotable[i] for i in topic.examples if i < len(quotable)) if q][: EXAMPLES * 4]
        for topic in grouping.topics
    ]
    texts = appeals.deidentified_texts([pk for ids in chosen for pk in ids])
    before = _previous_topics(run.unit, run.month)
    with transaction.atomic():
        HotTopic.objects.bulk_create(
            HotTopic(
                run=run,
                rank=rank,
                size=topic.size,
                keywords=list(topic.keywords),
                examples=list(dict.fromkeys(texts[pk] for pk in ids if pk in texts))[:EXAMPLES],
                previous_size=_previous_size(topic.keywords, before),
            )
            for rank, (topic, ids) in enumerate(zip(grouping.topics, chosen, strict=True), 1)
        )
        run.status = TopicRun.Status.DONE
        run.finished_at = timezone.now()
        run.texts = len(words)
        run.appeals = len(appeal_rows)
        run.comments = len(comment_words)
        run.visit_notes = len(visit_words)
        run.silhouette = grouping.silhouette
        run.save(
            update_fields=[
                "status",
                "finished_at",
                "texts",
                "appeals",
                "comments",
                "visit_notes",
                "silhouette",
            ]
        )


def _previous_topics(unit: OrgUnit, month: datetime.date) -> list[tuple[list[str], int]]:
    last = (
        TopicRun.objects.filter(unit=unit, month=previous_month(month), status=TopicRun.Status.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if last is None:
        return []
    return [(t.keywords, t.size) for t in last.topics.order_by("rank")]


def _previous_size(keywords: Sequence[str], before: list[tuple[list[str], int]]) -> int | None:
    index = clustering.matched_previous(keywords, [k for k, _size in before])
    return None if index is None else before[index][1]


def monthly_runs(*, today: datetime.date) -> int:
    """Group last month's texts for every active committee that has no finished run of
    that month made after it ended yet (a missed day catches up the next; a run asked
    for while the month was still going grouped only part of it), unless a topic of the
    month has been adopted. A committee that fails is logged, its run recorded as failed
    (and tried again the next night), and the others go on. Returns the runs performed."""
    month = previous_month(month_start(today))
    ended = Period.month(month.year, month.month).ends
    done = set(
        TopicRun.objects.filter(
            Q(status=TopicRun.Status.DONE, created_at__gte=ended)
            | Q(topics__adopted_at__isnull=False),
            month=month,
        ).values_list("unit_id", flat=True)
    )
    performed = 0
    for unit in _committees():
        if unit.pk in done:
            continue
        try:
            run_perform(run=TopicRun.objects.create(unit=unit, month=month))
        except Exception:  # recorded as failed on the run; not the other committees' problem
            logger.exception("hot topics of %s for %s could not be grouped", month, unit.pk)
        else:
            performed += 1
    return performed


def months_group(*, today: datetime.date, months: int) -> int:
    """Group every active committee's last `months` months (this one so far included)
    now, oldest first so that each shows its change from the one before. Returns the
    runs made."""
    wanted = [month_start(today)]
    for _step in range(months - 1):
        wanted.insert(0, previous_month(wanted[0]))
    made = 0
    for month in wanted:
        for unit in _committees():
            run_perform(run=TopicRun.objects.create(unit=unit, month=month))
            made += 1
    return made


def _committees() -> list[OrgUnit]:
    return [
        unit
        for root in orgs.root_units()
        for unit in orgs.units_within(root.path, kinds=[UnitKind.COMMITTEE], active_only=True)
    ]


# --- Adoption (每月一题) -------------------------------------------------------------


def topic_title(topic: HotTopic) -> str:
    """The theme's working title: its first keywords."""
    return _("Monthly theme: %(words)s") % {"words": "、".join(topic.keywords[:3])}


def _locked_topic(topic: HotTopic) -> HotTopic:
    """The topic, its committee's row locked: adoptions of the committee's topics (of
    any run of the month) and its requests for runs queue here, so one theme a month
    holds."""
    unit = TopicRun.objects.select_related("unit").get(pk=topic.run_id).unit
    orgunit_lock(unit)
    fresh = HotTopic.objects.select_related("run__unit").get(pk=topic.pk)
    if fresh.adopted_as:
        raise ValidationError(_("This topic has been adopted already."))
    _refuse_if_adopted(fresh.run.unit, fresh.run.month)
    return fresh


def _back(topic: HotTopic) -> str:
    """The month's topics page, from what a topic became."""
    return f"{reverse('insights:topics')}?unit={topic.run.unit_id}&month={topic.run.month:%Y-%m}"


def _agenda(topic: HotTopic, title: str) -> str:
    """What the themed day's agenda or the deed's description says: the title the
    officer gave and the way back, never the keywords (read by whoever the meeting or
    deed is shown to, they were checked by nobody)."""
    lines = [
        _("The month's theme (每月一题): %(title)s") % {"title": title},
        _("From the hot topics of %(month)s: %(url)s")
        % {"month": f"{topic.run.month:%Y-%m}", "url": _back(topic)},
    ]
    return "\n".join(lines)


def _adopted(
    *, actor: User, topic: HotTopic, kind: str, title: str, url: str, target_pk: int
) -> HotTopic:
    topic.adopted_as = kind
    topic.adopted_title = title[:200]
    topic.adopted_url = url[:300]
    topic.adopted_by = actor
    topic.adopted_at = timezone.now()
    topic.save(
        update_fields=["adopted_as", "adopted_title", "adopted_url", "adopted_by", "adopted_at"]
    )
    audit_record(
        actor=actor,
        action=f"hot_topic.adopt_{kind}",
        target=topic,
        after={"keywords": topic.keywords, "month": f"{topic.run.month:%Y-%m}", "as": kind},
        org_path=topic.run.unit.path,
        extra={"url": url, "id": target_pk},
    )
    return topic


@transaction.atomic
def topic_adopt_as_themed_day(
    *,
    actor: User,
    topic: HotTopic,
    branch: OrgUnit,
    title: str,
    starts_at: datetime.datetime,
    place: str,
) -> HotTopic:
    """Make the topic the month's theme: a themed Party day of a branch of the committee,
    planned through orglife (who is expected is told there). The caller checks that the
    actor may plan the branch's meetings."""
    topic = _locked_topic(topic)
    if not branch.path.startswith(topic.run.unit.path) or branch.kind != UnitKind.BRANCH:
        raise ValidationError({"branch": _("Choose a branch of this committee.")})
    title = title.strip() or topic_title(topic)
    meeting = meeting_plan(
        actor=actor,
        unit=branch,
        kind=orglife_rules.THEMED_DAY,
        topic=title[:200],
        starts_at=starts_at,
        place=place,
        agenda=_agenda(topic, title[:200]),
    )
    url = reverse("orglife:meeting", args=[meeting.pk])
    return _adopted(
        actor=actor,
        topic=topic,
        kind=HotTopic.AdoptedAs.THEMED_DAY,
        title=title,
        url=url,
        target_pk=meeting.pk,
    )


@transaction.atomic
def topic_adopt_as_deed(
    *,
    actor: User,
    topic: HotTopic,
    title: str,
    services: Sequence[str],
    due_on: datetime.date | None,
) -> HotTopic:
    """Make the topic the month's theme: a practical deed of the committee, the officer
    adopting it responsible, put on the public list through service. The deed's page
    links back to the month's topics. The caller checks that the actor may manage the
    committee's deeds."""
    topic = _locked_topic(topic)
    unit = topic.run.unit
    title = title.strip() or topic_title(topic)
    deed = deed_create(
        actor=actor,
        unit=unit,
        title=title,
        description=_agenda(topic, title),
        owner=actor,
        services=services,
        due_on=due_on,  # type: ignore[arg-type]  # deed_create says when it is missing
        origin=(_("The month's hot topics (每月一题)"), _back(topic)),
    )
    return _adopted(
        actor=actor,
        topic=topic,
        kind=HotTopic.AdoptedAs.DEED,
        title=deed.title,
        url=reverse("service:deed", args=[deed.pk]),
        target_pk=deed.pk,
    )
