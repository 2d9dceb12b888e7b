"""Reads for appeal pages: scoped, prefetched, a fixed number of queries per page."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from grassroots.accounts.roles import Role
from grassroots.accounts.scope import Scope
from grassroots.accounts.selectors import all_users, holder_ids
from grassroots.appeals import policy, rate_facts, rates, similar_index, similarity
from grassroots.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    Attachment,
    Category,
    MeToo,
)
from grassroots.appeals.rules import RateCounts, Rates
from grassroots.core import parameters
from grassroots.core.option_lists import OptionList
from grassroots.core.tree import ancestor_paths, child_path_expression, summed_per_subtree, within
from grassroots.notifications import selectors as notifications
from grassroots.orgs.selectors import members_within, unit_ids_within_any
from grassroots.orgs.vocabulary import MemberStage, MemberStatus

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.core.periods import Period
    from grassroots.orgs.models import Department, OrgUnit


def categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True).order_by("position", "pk")


def _category_options(language: str | None) -> tuple[tuple[int, str], ...]:
    with translation.override(language):
        return tuple((category.pk, str(category)) for category in categories())


# Categories change a few times a year; every appeal form shows them.
_category_options_kept = OptionList("appeals.categories", _category_options, models=[Category])


def category_options() -> tuple[tuple[int, str], ...]:
    """The active categories as the (id, label) pairs a form shows, in the language in
    use, without a query: kept per process and language (core.option_lists) and built
    again when a category is saved or deleted, or after a minute."""
    return _category_options_kept(translation.get_language())


def _every_category_option(language: str | None) -> tuple[tuple[int, str], ...]:
    with translation.override(language):
        return tuple((category.pk, str(category)) for category in Category.objects.all())


# The queue's filter offers every category, retired ones too (old appeals keep them).
_every_category_option_kept = OptionList(
    "appeals.categories.every", _every_category_option, models=[Category]
)


def every_category_option() -> tuple[tuple[int, str], ...]:
    """Every category, active or not, as (id, label) pairs in the language in use and
    the model's order: the queue filter's options, kept as `category_options` is."""
    return _every_category_option_kept(translation.get_language())


def active_category(pk: int | None) -> Category | None:
    """The category an appeal may be raised in, by id (from a form or the API)."""
    return Category.objects.filter(pk=pk, is_active=True).first() if pk is not None else None


def _me_too_count() -> Coalesce:
    """The me-toos of each listed appeal as a correlated subquery. A join with GROUP BY
    would group every appeal in the queue before the page is cut (for a committee's
    queue over a million appeals, all of them); PostgreSQL evaluates this subquery
    after ORDER BY … LIMIT, for the rows of the page only, and leaves it out of the
    paginator's count."""
    per_appeal = (
        MeToo.objects.filter(appeal=OuterRef("pk"))
        .order_by()
        .values("appeal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_appeal), 0)


def _with_related(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    return appeals.select_related("category", "unit", "assignee", "department").annotate(
        me_too_count=_me_too_count()
    )


def my_appeals(user: User, *, to_rate: bool = False) -> QuerySet[Appeal]:
    """The person's named appeals, newest first; `to_rate`: only the answered ones
    waiting for their rating (the home page's to-do links here)."""
    appeals = Appeal.objects.filter(submitter=user, is_anonymous=False)
    if to_rate:
        appeals = appeals.filter(status=Appeal.Status.ANSWERED)
    return appeals.select_related("category", "unit").order_by("-created_at", "-id")


RECEIVED_FIELDS = (
    "public_id",
    "number",
    "title",
    "status",
    "is_anonymous",
    "submitter",
    "accept_due_at",
    "answer_due_at",
    "current_due_at",
    "unit__name",
)


def _submitters(appeals: QuerySet[Appeal], scope: Scope, public_id: str) -> Appeal:
    """The appeal `public_id` of `appeals` if this person sent it under their name; 404
    for anyone else's, as for one that does not exist."""
    appeal = appeals.filter(public_id=public_id).first()
    if appeal is None or not policy.is_submitter(scope, appeal):
        raise Http404
    return appeal


def get_received_appeal(scope: Scope, public_id: str) -> Appeal:
    """The person's own appeal as the page after sending shows it (RECEIVED_FIELDS: its
    number, title, handling organisation and deadlines)."""
    return _submitters(
        Appeal.objects.select_related("unit").only(*RECEIVED_FIELDS), scope, public_id
    )


def get_own_appeal(scope: Scope, public_id: str) -> Appeal:
    return _submitters(
        Appeal.objects.select_related("category", "unit", "department", "assignee"),
        scope,
        public_id,
    )


def get_handled_appeal(scope: Scope, public_id: str) -> Appeal:
    appeal = (
        Appeal.objects.select_related(
            "category", "unit", "department", "assignee", "submitter", "recorded_by", "merged_into"
        )
        .prefetch_related("co_handlings__department")
        .filter(public_id=public_id)
        .first()
    )
    if appeal is None or not policy.can_view_as_handler(scope, appeal):
        raise Http404
    return appeal


def readable_appeals(scope: Scope) -> QuerySet[Appeal]:
    """Every appeal this person may read outside the pages (the Open311 interface), newest
    first: their own named appeals and those they handle, as `policy.handling_filter`
    draws them (officers, discipline officers, the assignee, liaisons); everything for an
    administrator. An anonymous appeal is read only by its handlers: nobody is its
    submitter. Keeps the single-appeal checks of the JSON API for lists."""
    if scope.is_admin:
        appeals = Appeal.objects.all()
    else:
        own = (
            Q(submitter_id=scope.user_id, is_anonymous=False)
            if scope.user_id is not None
            else Q(pk__in=[])
        )
        appeals = Appeal.objects.filter(own | policy.handling_filter(scope))
        appeals = appeals.filter(_narrow_readable(scope))
    return appeals.select_related("category", "unit", "department").order_by("-created_at", "-id")


NARROW_UNITS = 300  # more organisations in scope than this: the newest-first scan is quick


def _narrow_readable(scope: Scope) -> Q:
    """A condition every readable appeal meets anyway (the policy's, loosened), written
    so that PostgreSQL can collect a branch officer's few appeals from the indexes on
    organisation, submitter and assignee: the policy's `unit IN (subquery)` makes it
    read the newest-first index instead and throw away every other branch's rows
    (110,000 of them for 90 days at a million appeals). Empty (no narrowing) for a wide
    scope, where that scan fills a page at once, and for a liaison (co-handling tasks)."""
    if scope.department_paths:
        return Q()
    paths = scope.officer_paths + scope.paths_for(Role.DISCIPLINE_OFFICER)
    unit_ids = list(unit_ids_within_any(paths).values_list("pk", flat=True)[: NARROW_UNITS + 1])
    if len(unit_ids) > NARROW_UNITS:
        return Q()
    condition = Q(unit_id__in=unit_ids) if unit_ids else Q(pk__in=[])
    if scope.user_id is not None:
        condition |= Q(submitter_id=scope.user_id) | Q(assignee_id=scope.user_id)
    return condition


def open_statuses() -> tuple[str, ...]:
    """The statuses of an appeal still being worked on (an answered one waits for its
    call-back and is no longer open; a reopened one is open again)."""
    return tuple(str(status) for status in OPEN_STATUSES)


@dataclass(frozen=True)
class MovedAppeal:
    """What someone told of an appeal may still learn once it is no longer theirs to
    handle: its number (it was in their notice) and who handles it now. Never its
    title, text, submitter or steps."""

    number: str
    unit_name: str


def moved_appeal(user: User, public_id: str) -> MovedAppeal | None:
    """The appeal the person was notified of as a handler and can no longer open
    (transferred to another organisation, or assigned to someone else), or None:
    not found and not theirs to know about look the same."""
    appeal = (
        Appeal.objects.select_related("unit")
        .only("number", "unit__name")
        .filter(public_id=public_id)
        .first()
    )
    if appeal is None or not notifications.was_told_of(
        user, url=reverse("appeals:handle_detail", args=[public_id])
    ):
        return None
    return MovedAppeal(number=appeal.number, unit_name=appeal.unit.name)


def timeline(appeal: Appeal, *, public_only: bool) -> list[AppealEvent]:
    events = appeal.events.prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    if public_only:
        events = events.filter(is_public=True)
    return list(events.order_by("created_at", "id"))


def latest_answer(events: list[AppealEvent]) -> AppealEvent | None:
    """The last answer in a timeline (after a reopening, the second round's)."""
    return next((e for e in reversed(events) if e.kind == AppealEvent.Kind.ANSWERED), None)


@dataclass(frozen=True)
class QueueFilters:
    view: str = "open"  # open | to_accept | overdue | at_risk | escalated | mine | all
    q: str = ""
    category: Category | None = None
    # A dashboard's drill-down: handled in this subtree, raised in this period.
    unit_path: str = ""
    submitted: Period | None = None


def handler_queue(
    scope: Scope, filters: QueueFilters, *, now: datetime.datetime | None = None
) -> QuerySet[Appeal]:
    """Appeals this person handles, filtered, soonest deadline first."""
    now = now or timezone.now()
    appeals = policy.handled_appeals(scope)
    if filters.view == "overdue":
        appeals = appeals.filter(status__in=OPEN_STATUSES, current_due_at__lt=now)
    elif filters.view == "at_risk":
        appeals = appeals.filter(
            status__in=OPEN_STATUSES,
            current_due_at__gte=now,
            current_due_at__lt=now + datetime.timedelta(days=1),
        )
    elif filters.view == "to_accept":
        appeals = appeals.filter(status=Appeal.Status.SUBMITTED)
    elif filters.view == "escalated":
        appeals = appeals.filter(status__in=OPEN_STATUSES, escalated_at__isnull=False)
    elif filters.view == "mine":  # work to do: the open ones ("all" keeps the history)
        appeals = appeals.filter(status__in=OPEN_STATUSES, assignee_id=scope.user_id)
    elif filters.view == "open":
        appeals = appeals.filter(status__in=OPEN_STATUSES)
    if filters.category is not None:
        appeals = appeals.filter(category=filters.category)
    if filters.unit_path:
        appeals = appeals.filter(unit__path__startswith=filters.unit_path)
    if filters.submitted is not None:
        appeals = appeals.filter(
            created_at__gte=filters.submitted.starts, created_at__lt=filters.submitted.ends
        )
    if filters.q:
        term = filters.q.strip()
        appeals = appeals.filter(Q(number__iexact=term) | Q(title__icontains=term))
    order = ["current_due_at", "-created_at"] if filters.view != "all" else ["-created_at"]
    return _with_related(appeals).order_by(*order, "-id")


class QueueRow(TypedDict):
    """One row of the queue page: what it shows, worked out here rather than per row
    in the template (the link, the status in words, the deadline as shown and whether
    it passed). A dict, which the template reads at its first lookup."""

    number: str
    title: str
    href: str
    is_anonymous: bool
    supervised: bool
    category: str
    status: str
    due: str  # "m-d H:i" in the current time zone; "" when no deadline is shown
    overdue: bool
    unit: str
    assigned: bool
    assignee: str  # the assignee's name
    me_too_count: int


def queue_due(due_at: datetime.datetime | None, *, is_open: bool, now_ts: int) -> tuple[str, bool]:
    """The deadline as the queue shows it (month-day hour:minute, local time) and
    whether it has passed, in whole seconds as `{% now "U" %}` compares; nothing for a
    closed appeal or one without a deadline."""
    if not is_open or due_at is None:
        return "", False
    return timezone.localtime(due_at).strftime("%m-%d %H:%M"), int(due_at.timestamp()) < now_ts


_PLACEHOLDER_ID = "0" * 16  # a public id's shape (core.public_ids), to reverse once
_QUEUE_COLUMNS = (
    "public_id",
    "number",
    "title",
    "is_anonymous",
    "escalated_at",
    "category__name",
    "category__name_en",
    "status",
    "current_due_at",
    "unit__name",
    "assignee_id",
    "assignee__name",
    "me_too_count",
)


def queue_rows(appeals: QuerySet[Appeal], *, now: datetime.datetime) -> list[QueueRow]:
    """The page's appeals (a page of `handler_queue`) as rows, read as values rather
    than four model instances each: one `reverse()` for every link (a public id is
    letters and digits of one alphabet, put in the address as it is), the status labels
    translated once, the category named in the reader's language as `Category` does."""
    before, _, after = reverse("appeals:handle_detail", args=[_PLACEHOLDER_ID]).rpartition(
        _PLACEHOLDER_ID
    )
    labels = {value: str(label) for value, label in Appeal.Status.choices}
    language = translation.get_language()
    now_ts = int(now.timestamp())
    rows: list[QueueRow] = []
    for (
        public_id,
        number,
        title,
        is_anonymous,
        escalated_at,
        category,
        category_en,
        status,
        due_at,
        unit,
        assignee_id,
        assignee,
        me_too_count,
    ) in appeals.values_list(*_QUEUE_COLUMNS):
        due, overdue = queue_due(due_at, is_open=status in OPEN_STATUSES, now_ts=now_ts)
        rows.append(
            {
                "number": number,
                "title": title,
                "href": f"{before}{public_id}{after}",
                "is_anonymous": is_anonymous,
                "supervised": escalated_at is not None,
                "category": Category.label(category or "", category_en or "", language),
                "status": labels.get(status, status),
                "due": due,
                "overdue": overdue,
                "unit": unit or "",
                "assigned": assignee_id is not None,
                "assignee": assignee or "",
                "me_too_count": me_too_count,
            }
        )
    return rows


def similar_open(
    *, category: Category | None, text: str, exclude: int | None = None
) -> list[Appeal]:
    """Open appeals like the text, in the same category and recent months: the
    category's warm index (similar_index), then the few found read whole."""
    if category is None or len(text.strip()) < 4:
        return []
    query = similarity.tokenize(text)
    if not query:
        return []
    index, since = similar_index.warm_index(
        category.pk,
        months=parameters.value("appeals.similar_months"),
        load=partial(_similar_candidates, category.pk),
    )
    ranked = index.ranked(query, since=since, exclude=exclude)
    # only what the panel shows (and its "me too" form's address)
    by_pk = (
        Appeal.objects.only("public_id", "number", "title", "status")
        .annotate(me_too_count=Count("me_toos"))
        .in_bulk([pk for pk, _score in ranked])
    )
    return [by_pk[pk] for pk, _score in ranked if pk in by_pk]


def _similar_candidates(
    category_id: int, since: datetime.datetime
) -> list[tuple[int, str, datetime.datetime]]:
    """The newest open appeals of the category in the window, with their tokens; one
    more than a check takes, so that leaving one out (`exclude`) still leaves enough."""
    return list(
        Appeal.objects.filter(
            category_id=category_id, status__in=OPEN_STATUSES, created_at__gte=since
        )
        .exclude(tokens="")
        .order_by("-created_at", "-pk")
        .values_list("pk", "tokens", "created_at")[: similarity.CANDIDATES + 1]
    )


def outcome_wall() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(published_at__isnull=False)
        .select_related("category", "unit")
        .only("number", "public_summary", "published_at", "category__name", "unit__name", "title")
        .order_by("-published_at")
    )


def wall_within(
    path: str, *, older_than: tuple[datetime.datetime, int] | None = None, broad: bool = False
) -> QuerySet[Appeal]:
    """The outcome wall's appeals of the organisation at `path` and those under it,
    newest first, with what the wall shows and nothing more (category, organisation,
    public summary, day published: never a title, a person or the text). `older_than`
    (published_at, id) continues the list after the row it names: keyset paging.

    `broad` (a committee, many organisations below): read along the wall's newest-first
    index, keeping the rows of the subtree, which fills a page after a few rows; else (a
    branch) look its few rows up by organisation, which SQLite otherwise scans the whole
    wall for."""
    appeals = Appeal.objects.filter(published_at__isnull=False)
    in_subtree = within(path, "unit__path") if broad else Q(unit_id__in=unit_ids_within_any([path]))
    appeals = appeals.filter(in_subtree)
    if older_than is not None:
        moment, pk = older_than
        appeals = appeals.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
    return (
        appeals.select_related("category", "unit")
        .only("public_summary", "published_at", "category__name", "category__name_en", "unit__name")
        .order_by("-published_at", "-pk")
    )


def attachment_for(public_id: str) -> Attachment:
    attachment = (
        Attachment.objects.select_related("appeal__unit", "appeal__category")
        .filter(public_id=public_id)
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment


def me_too_ids(user: Any, appeals: list[Appeal]) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        MeToo.objects.filter(user=user, appeal__in=appeals).values_list("appeal_id", flat=True)
    )


# --- Who is told, who may be assigned ------------------------------------------------------


def handlers_of(appeal: Appeal) -> list[User]:
    """Who is told about a new appeal: the receiving organisation's officers (its
    discipline officers for conduct complaints), and the assignee. One query."""
    if appeal.category.to_discipline:
        roles = [Role.DISCIPLINE_OFFICER]
    else:
        roles = [role for role in Role if role != Role.DISCIPLINE_OFFICER]
    officers = Q(pk__in=holder_ids(roles=roles, unit_ids=[appeal.unit_id]))
    if appeal.assignee_id:
        officers |= Q(pk=appeal.assignee_id)
    return list(all_users().filter(officers, is_active=True))


def officers_above(appeal: Appeal) -> list[User]:
    """Who supervises an overdue or reopened appeal (督办): the committee officers of the
    level above (its discipline officers, for conduct complaints)."""
    parent_id = appeal.unit.parent_id or appeal.unit_id
    role = Role.DISCIPLINE_OFFICER if appeal.category.to_discipline else Role.COMMITTEE_OFFICER
    return list(
        all_users().filter(pk__in=holder_ids(roles=[role], unit_ids=[parent_id]), is_active=True)
    )


def department_liaisons(department: Department) -> QuerySet[User]:
    """The liaisons of a department and of the departments above it (co-handling)."""
    paths = [*ancestor_paths(department.path), department.path]
    return all_users().filter(
        pk__in=holder_ids(roles=[Role.DEPARTMENT_LIAISON]).filter(department__path__in=paths)
    )


def assignable_members(appeal: Appeal) -> QuerySet[User]:
    """People an appeal may be assigned to: Party members of the handling subtree."""
    members = members_within(appeal.unit.path).filter(
        stage__in=MemberStage.party_member_values(), status__in=MemberStatus.active_values()
    )
    return (
        all_users()
        .filter(pk__in=members.values("user_id"), is_active=True)
        .order_by("employee_number")
    )


# --- Read contract for evaluation: a unit's subtree over a period --------------------------


@dataclass(frozen=True)
class AppealFigures:
    """What the appeals of a unit's subtree came to over a period.

    `received`: raised in the period with an organisation of the subtree as first
    receiver (首接). `accepted` / `declined`: accepted or declined in the period by an
    organisation of the subtree handling it; `answered`: answered in the period.
    `counts` and `rates`: the three rates, counted as rate_facts defines them (by the
    deadline that falls in the period), the same numbers as the rates page;
    `overdue`: acceptance deadlines of the period that were missed (responded to late,
    or not at all by `now`). A rate is None when there are too few to judge,
    including when there is nothing to divide by."""

    unit_id: int
    period: Period
    received: int
    accepted: int
    declined: int
    answered: int
    overdue: int
    counts: RateCounts
    rates: Rates


def appeal_figures(
    unit: OrgUnit, period: Period, *, now: datetime.datetime | None = None
) -> AppealFigures:
    """The figures of `unit` and everything under it for `period` (three queries, or
    five when the period reaches past the rate rollup)."""
    now = now or timezone.now()
    path = unit.path
    first_received = Q(first_unit__path__startswith=path)
    handled = Q(unit__path__startswith=path)
    in_period = {"gte": period.starts, "lt": period.ends}
    responded = Q(responded_at__gte=in_period["gte"], responded_at__lt=in_period["lt"])
    row = Appeal.objects.filter(first_received | handled).aggregate(
        received=Count(
            "pk",
            filter=first_received
            & Q(created_at__gte=in_period["gte"], created_at__lt=in_period["lt"]),
        ),
        accepted=Count("pk", filter=handled & responded & ~Q(status=Appeal.Status.DECLINED)),
        declined=Count("pk", filter=handled & responded & Q(status=Appeal.Status.DECLINED)),
        answered=Count(
            "pk",
            filter=handled & Q(answered_at__gte=in_period["gte"], answered_at__lt=in_period["lt"]),
        ),
    )
    counts = rates.rate_counts(Appeal.objects.all(), period=period, now=now, unit_path=path).get(
        None, RateCounts()
    )
    return AppealFigures(
        unit_id=unit.pk,
        period=period,
        received=row["received"],
        accepted=row["accepted"],
        declined=row["declined"],
        answered=row["answered"],
        overdue=counts.due - counts.responded_in_time,
        counts=counts,
        rates=rates.rates_for(counts),
    )


@dataclass(frozen=True)
class UnitRates:
    """The three rates of one unit's subtree over a period, and the counts behind them:
    the same numbers `appeal_figures` gives for the unit (a test holds them together)."""

    unit_id: int
    period: Period
    counts: RateCounts
    rates: Rates


def appeal_rates_of(
    units: Sequence[OrgUnit],
    period: Period,
    *,
    within: OrgUnit,
    now: datetime.datetime | None = None,
) -> dict[int, UnitRates]:
    """Unit id → the three rates of its subtree, for many units at once (a committee's
    branches): the appeals are selected by `within`'s subtree, which holds `units`, and
    each unit gets the counts of the organisations at or under it, by the one
    definition (`rate_facts`). Two queries whatever the number of units."""
    now = now or timezone.now()
    units = list(units)
    totals = {unit.pk: dict.fromkeys(rate_facts.COUNT_FIELDS, 0) for unit in units}
    subtree = Appeal.objects.order_by()
    readings = (
        (
            rate_facts.responses(
                subtree.filter(first_unit__path__startswith=within.path),
                start=period.starts,
                end=period.ends,
                now=now,
            ),
            "first_unit__path",
            rate_facts.response_counts(),
        ),
        (
            rate_facts.answers(
                subtree.filter(unit__path__startswith=within.path),
                start=period.starts,
                end=period.ends,
            ),
            "unit__path",
            rate_facts.answer_counts(),
        ),
    )
    for rows, field, counts in readings:
        summed = summed_per_subtree(
            units, rows.values(field).annotate(**counts), field, tuple(counts)
        )
        for pk, values in summed.items():
            totals[pk].update(values)
    result = {}
    for pk, values in totals.items():
        counted = rate_facts.counts_of(values)
        result[pk] = UnitRates(pk, period, counted, rates.rates_for(counted))
    return result


def rate_breakdown(
    unit: OrgUnit, period: Period, *, dimension: str, now: datetime.datetime | None = None
) -> rates.RateBreakdown:
    """The rates page's reading: the subtree's counts as a whole and by `dimension`
    (organisations below, categories, departments, members handling) at once."""
    return rates.rate_breakdown(
        period=period, now=now or timezone.now(), unit_path=unit.path, dimension=dimension
    )


def appeal_counts_below(
    unit: OrgUnit, period: Period, *, now: datetime.datetime | None = None
) -> dict[str, AppealRates]:
    """The three rates of each organisation directly below `unit` (keyed by its tree
    path, everything under it included) over `period`, from one reading of the rate
    rollup (the rates page's "by organisation below"): a fixed number of queries for
    any number of organisations below, so that evaluation scores many at once."""
    breakdown = rates.rate_breakdown(
        period=period, now=now or timezone.now(), unit_path=unit.path, dimension="unit"
    )
    return {
        str(path): AppealRates(counts, rates.rates_for(counts))
        for path, counts in breakdown.groups.items()
        if path
    }


@dataclass(frozen=True)
class AppealRates:
    counts: RateCounts
    rates: Rates

    @classmethod
    def empty(cls) -> AppealRates:
        """An organisation with no appeal due: every rate too few to judge."""
        return cls(RateCounts(), rates.rates_for(RateCounts()))


@dataclass(frozen=True)
class LateAppeal:
    """An appeal whose acceptance deadline in the period was missed (late or not yet).
    `public_id` is what its address takes (appeals:handle_detail)."""

    public_id: str
    number: str
    accept_due_at: datetime.datetime
    responded_at: datetime.datetime | None


def late_appeals(
    unit: OrgUnit, period: Period, *, now: datetime.datetime | None = None, limit: int = 200
) -> list[LateAppeal]:
    """The appeals counted as overdue in `appeal_figures` (the same rule), earliest
    deadline first. One query."""
    now = now or timezone.now()
    rows = (
        rate_facts.responses(
            Appeal.objects.filter(first_unit__path__startswith=unit.path),
            start=period.starts,
            end=period.ends,
            now=now,
        )
        .exclude(responded_at__lte=F("accept_due_at"))
        .order_by("accept_due_at", "pk")
        .values_list("public_id", "number", "accept_due_at", "responded_at")[:limit]
    )
    return [LateAppeal(*row) for row in rows]


# --- For the service carriers (coverage, practical deeds) ----------------------------------


def received_count(unit_ids: Any, period: Period) -> int:
    """How many appeals the given units received first (as first receiver) in the
    period, leaving out those withdrawn or merged into another. `unit_ids` may be a
    subquery of unit ids."""
    return (
        Appeal.objects.filter(
            first_unit_id__in=unit_ids, created_at__gte=period.starts, created_at__lt=period.ends
        )
        .exclude(status__in=[Appeal.Status.WITHDRAWN, Appeal.Status.MERGED])
        .count()
    )


@dataclass(frozen=True)
class AppealLine:
    """An appeal as another app lists it: its number, title, category and status; `pk`
    for a link from another app's row, `public_id` for addresses and forms."""

    pk: int
    public_id: str
    number: str
    title: str
    category_id: int
    category: str
    status: str
    status_label: str
    submitted_on: datetime.date


def appeals_of_units_in_period(
    unit_ids: Any, period: Period, *, category_ids: Any = None, limit: int = 200
) -> list[AppealLine]:
    """The appeals handled by these organisations and submitted in the period, in the
    given categories (None: all), newest first, withdrawn and merged ones left out: one
    query. `unit_ids` and `category_ids` may be lists or subqueries."""
    appeals = (
        Appeal.objects.filter(
            unit_id__in=unit_ids, created_at__gte=period.starts, created_at__lt=period.ends
        )
        .exclude(status__in=[Appeal.Status.WITHDRAWN, Appeal.Status.MERGED])
        .select_related("category")
        .only("public_id", "number", "title", "status", "created_at", "category__name", "unit_id")
        .order_by("-created_at", "-id")
    )
    if category_ids is not None:
        appeals = appeals.filter(category_id__in=category_ids)
    return [
        AppealLine(
            pk=appeal.pk,
            public_id=appeal.public_id,
            number=appeal.number,
            title=appeal.title,
            category_id=appeal.category_id,
            category=appeal.category.name,
            status=appeal.status,
            status_label=str(Appeal.Status(appeal.status).label),
            submitted_on=timezone.localtime(appeal.created_at).date(),
        )
        for appeal in appeals[:limit]
    ]


def received_counts_within(root: OrgUnit, period: Period) -> dict[str, int]:
    """`received_count` for every organisation at or under `root`, keyed by its tree
    path (only those that received any). One query."""
    rows = (
        Appeal.objects.filter(
            first_unit__path__startswith=root.path,
            created_at__gte=period.starts,
            created_at__lt=period.ends,
        )
        .exclude(status__in=[Appeal.Status.WITHDRAWN, Appeal.Status.MERGED])
        .order_by()
        .values_list("first_unit__path")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def appeals_handled_within(paths: tuple[str, ...] | None) -> QuerySet[Appeal]:
    """Appeals handled by the organisations at or under `paths` (None: everywhere),
    reading their numbers (and public ids, for the audit log) only: for linking appeals
    to a deed by number."""
    from grassroots.core.tree import within_any

    appeals = Appeal.objects.only("number", "public_id")
    if paths is None:
        return appeals
    return appeals.filter(within_any(paths, field="unit__path"))


def status_label(status: str) -> str:
    """An appeal status in words (for pages that show a linked appeal's status only)."""
    return str(Appeal.Status(status).label)


# --- For the dashboards (insights): counts as the person's own queue would list them -----


def received_by_month(
    scope: Scope, unit: OrgUnit, period: Period
) -> dict[tuple[datetime.date, int], int]:
    """(first day of the month, category id) → how many appeals handled in `unit`'s
    subtree were raised in that month of `period`: only those the person's queue lists
    (policy.handled_appeals, so conduct complaints only for discipline officers), so
    that a count's drill-down (`handler_queue` with the same unit, month and category)
    lists exactly the appeals counted. One query."""
    rows = (
        policy.handled_appeals(scope)
        .filter(
            unit__path__startswith=unit.path,
            created_at__gte=period.starts,
            created_at__lt=period.ends,
        )
        .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_default_timezone()))
        .order_by()
        .values_list("month", "category_id")
        .annotate(n=Count("pk"))
    )
    found: dict[tuple[datetime.date, int], int] = {}
    for month, category_id, n in rows:
        day = timezone.localtime(month).date() if isinstance(month, datetime.datetime) else month
        found[(day, category_id)] = n
    return found


def overdue_below(
    scope: Scope, unit: OrgUnit, *, now: datetime.datetime | None = None
) -> dict[str, tuple[int, int]]:
    """Open appeals handled in `unit`'s subtree as the person's queue lists them, and
    of those the ones past their current deadline (the queue's "overdue"): child
    organisation's path (the unit's own path for its own) → (overdue, open). One query,
    along the open-queue index."""
    now = now or timezone.now()
    rows = (
        policy.handled_appeals(scope)
        .filter(unit__path__startswith=unit.path, status__in=OPEN_STATUSES)
        .annotate(key=child_path_expression(unit.path, "unit__path"))
        .order_by()
        .values_list("key")
        .annotate(overdue=Count("pk", filter=Q(current_due_at__lt=now)), n=Count("pk"))
    )
    return {str(key): (overdue, n) for key, overdue, n in rows}


def rates_of(counts: RateCounts) -> Rates:
    """The three rates of these counts, with the configured weights and minimum."""
    return rates.rates_for(counts)


def appeal_rates_by_month(
    unit: OrgUnit, period: Period, *, now: datetime.datetime | None = None
) -> dict[tuple[datetime.date, str], AppealRates]:
    """(first day of the month, child organisation's path; the unit's own path for its
    own appeals) → the three rates of that month, by the one definition, from the rate
    rollup where it holds the month and live otherwise: four queries however long the
    period (rates.rate_counts_by_month)."""
    counted = rates.rate_counts_by_month(
        period=period, now=now or timezone.now(), unit_path=unit.path
    )
    return {key: AppealRates(counts, rates.rates_for(counts)) for key, counts in counted.items()}


def min_answers() -> int:
    """Below this many answers a rate is "too few to judge" (appeals.min_answers)."""
    return int(parameters.value("appeals.min_answers"))


def words_of(text: str) -> str:
    """A text's words as the similar-appeal check stores them (jieba, the appeals'
    stop-words left out), space-separated: for other apps that group texts the same way."""
    return similarity.tokenize(text)


def words_without_names(texts: Sequence[str]) -> list[str]:
    """The texts (space-separated words, as `words_of` gives them) without the words
    jieba tags as personal names, nor the given names cut out of them: for other apps
    that show the words of many texts (deidentify.words_without_names)."""
    from grassroots.appeals import deidentify

    return deidentify.words_without_names(texts)


def appeal_words_in_period(path: str, period: Period) -> list[tuple[int, str, bool]]:
    """(id, stored words, quotable) of the appeals handled at or under `path` and
    submitted in the period, withdrawn and merged ones left out, oldest first: one query,
    no names. Conduct complaints (作风问题, categories sent to the discipline officers)
    are left out entirely: only discipline officers see them, and the topics are read by
    every officer of the committee. Quotable: named, or on the outcome wall now with a
    summary a handler wrote — an anonymous appeal's own text may name its sender, and no
    scrubbing knows whom to look for, so it is never quoted unread (nor once it is taken
    off the wall: unpublishing keeps the summary)."""
    quotable = Q(is_anonymous=False) | (Q(published_at__isnull=False) & ~Q(public_summary=""))
    return list(
        Appeal.objects.filter(
            within(path, field="unit__path"),
            created_at__gte=period.starts,
            created_at__lt=period.ends,
            category__in=Category.objects.filter(to_discipline=False).values("pk"),
        )
        .exclude(status__in=[Appeal.Status.WITHDRAWN, Appeal.Status.MERGED])
        .exclude(tokens="")
        .order_by("created_at", "pk")
        .annotate(quotable=ExpressionWrapper(quotable, output_field=BooleanField()))
        .values_list("pk", "tokens", "quotable")
    )


def deidentified_texts(ids: Sequence[int]) -> dict[int, str]:
    """The appeals' texts de-identified as the outcome wall shows them: the handler's
    public summary while it is on the wall, else title and description scrubbed of phone, ID
    and employee numbers, the names of the people on the appeal and words tagged as
    names. An anonymous appeal has no person on it to name. One query."""
    from grassroots.appeals import deidentify

    appeals = Appeal.objects.filter(pk__in=list(ids)).select_related(
        "submitter", "assignee", "recorded_by"
    )
    texts: dict[int, str] = {}
    for appeal in appeals:
        if appeal.public_summary and appeal.published_at is not None:
            texts[appeal.pk] = appeal.public_summary
            continue
        people = [p for p in (appeal.submitter, appeal.assignee, appeal.recorded_by) if p]
        texts[appeal.pk] = deidentify.scrub(
            f"{appeal.title}：{appeal.description}",
            names=[p.name for p in people],
            employee_numbers=[p.employee_number for p in people],
        )
    return texts
