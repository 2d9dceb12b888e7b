"""Reads for organisation and member pages, already scoped and prefetched."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from grassroots.accounts import selectors as accounts
from grassroots.accounts.roles import Role
from grassroots.accounts.scope import Membership, Scope
from grassroots.core.option_lists import OptionList
from grassroots.core.published import Published
from grassroots.core.request_values import object_id
from grassroots.core.tree import parent_path, within
from grassroots.orgs import health, member_order, policy
from grassroots.orgs.models import (
    Department,
    Member,
    MemberStatusChange,
    OrgPost,
    OrgUnit,
    Transfer,
)
from grassroots.orgs.publicity import selectors as publicity
from grassroots.orgs.publicity.selectors import NoticeState as NoticeState
from grassroots.orgs.vocabulary import (
    MemberStage,
    MemberStatus,
    PostKind,
    TransferStatus,
    UnitKind,
)


def get_unit_for(scope: Scope, pk: int) -> OrgUnit:
    """The unit, or 404 when it does not exist or the user may not see it."""
    unit = OrgUnit.objects.select_related("parent").filter(pk=pk).first()
    if unit is None or not policy.can_view_unit(scope, unit):
        raise Http404
    return unit


def get_member_for(scope: Scope, pk: int) -> Member:
    """The member record, or 404 when missing or out of the user's scope."""
    member = (
        Member.objects.select_related("user", "user__department", "branch", "group")
        .filter(pk=pk)
        .first()
    )
    if member is None or not policy.can_view_member(scope, member):
        raise Http404
    return member


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    stage: str = ""
    status: str = ""
    unit: OrgUnit | None = None
    cohort: int | None = None
    education: str = ""

    def as_query(self) -> dict[str, Any]:
        query: dict[str, Any] = {}
        for name in ("q", "stage", "status", "education"):
            if getattr(self, name):
                query[name] = getattr(self, name)
        if self.unit is not None:
            query["unit"] = self.unit.pk
        if self.cohort is not None:
            query["cohort"] = self.cohort
        return query


# The member list's order: branch path, employee number (both in `Member.list_key`), and
# the primary key to make it unique, which keyset pagination needs.
MEMBER_LIST_ORDER = ("list_key", "pk")


def member_list(scope: Scope, filters: MemberFilters) -> QuerySet[Member]:
    """Member records the user may list, filtered; three related rows joined, no N+1.
    Ordered by `MEMBER_LIST_ORDER`, which one index serves."""
    members = policy.listable_members(scope).select_related("user", "branch", "group")
    # The keys of a subtree's records form a range: tell the database, so that it reads
    # only that stretch of the index (a branch secretary's list, a committee chosen in
    # the filter) instead of walking the index from the start. Scope is still decided
    # by the branch path above.
    unit = filters.unit
    # A group's members are listed under their branch (the list key is the branch's
    # path), so a group is searched within its branch's stretch, by its own id.
    is_group = unit is not None and unit.kind == UnitKind.GROUP
    paths = [parent_path(unit.path) if is_group else unit.path] if unit is not None else []
    if not paths and not scope.is_admin:
        paths = list(scope.officer_paths)
    bounds = member_order.key_range(paths)
    if bounds is not None:
        low, high = bounds
        members = members.filter(list_key__gte=low)
        if high is not None:
            members = members.filter(list_key__lt=high)
    if filters.q:
        term = filters.q.strip()
        members = members.filter(
            Q(user__name__icontains=term) | Q(user__employee_number__iexact=term)
        )
    if filters.stage:
        members = members.filter(stage=filters.stage)
    if filters.status:
        members = members.filter(status=filters.status)
    else:
        members = members.filter(status__in=Member.Status.active_values())
    if unit is not None and is_group:
        members = members.filter(group=unit)
    elif unit is not None:
        members = members.filter(within(unit.path, "branch__path"))
    if filters.cohort is not None:
        if filters.cohort <= 1950:
            members = members.filter(birth_date__lt=datetime.date(1960, 1, 1))
        else:
            members = members.filter(
                birth_date__gte=datetime.date(filters.cohort, 1, 1),
                birth_date__lt=datetime.date(filters.cohort + 10, 1, 1),
            )
    if filters.education:
        members = members.filter(education=filters.education)
    return members.order_by(*MEMBER_LIST_ORDER)


# What the member list page shows of each row, and its order's fields: the page's 50 rows
# are read without the other 45 columns of the record, its user and its units.
MEMBER_LIST_COLUMNS = (
    "list_key",
    "stage",
    "status",
    "birth_date",
    "education",
    "user",
    "user__name",
    "user__employee_number",
    "branch",
    "branch__name",
    "group",
    "group__name",
)


def member_list_page(scope: Scope, filters: MemberFilters) -> QuerySet[Member]:
    """`member_list` reading only `MEMBER_LIST_COLUMNS`: for the list page, which
    shows nothing else (the export reads whole records)."""
    return member_list(scope, filters).only(*MEMBER_LIST_COLUMNS)


UNIT_CHOICES_LIMIT = 300
# What a large scope's picker offers: the levels above the branches (their groups are
# reached from the branch too).
_ABOVE_BRANCHES = (OrgUnit.Kind.COMMITTEE, OrgUnit.Kind.GENERAL_BRANCH)


def _offered_units(units: QuerySet[OrgUnit]) -> tuple[QuerySet[OrgUnit], bool]:
    """The units a picker offers, and whether that is only part of `units`.

    Both queries stay cheap in a large scope: the count stops one past the limit (rather
    than counting 5,000 branches), and the units above branch level are asked for by
    kind, which the (kind, path) index answers (0.4 ms instead of 3.3 ms walking all
    11,000 units in path order for 150)."""
    if units.order_by()[: UNIT_CHOICES_LIMIT + 1].count() <= UNIT_CHOICES_LIMIT:
        return units.order_by("path"), False
    return units.filter(kind__in=_ABOVE_BRANCHES).order_by("path")[:UNIT_CHOICES_LIMIT], True


def unit_choices(units: QuerySet[OrgUnit], selected: OrgUnit | None = None) -> list[OrgUnit]:
    """Units to offer in a picker. A small scope lists all of them; a large one (an
    enterprise group with thousands of branches) lists the committees and general
    branches, and the unit already chosen: branches are reached from their parent's
    page. A select with 5,000 options helps nobody and costs every page load."""
    offered, partial = _offered_units(units)
    chosen = list(offered)
    if partial and selected is not None and selected not in chosen:
        chosen.append(selected)
        chosen.sort(key=lambda unit: unit.path)
    return chosen


class UnitChoice(NamedTuple):
    pk: int
    name: str
    kind: str
    depth: int
    path: str


def unit_choice_rows(units: QuerySet[OrgUnit], selected: OrgUnit | None = None) -> list[UnitChoice]:
    """`unit_choices` as plain rows, for a picker that needs only the labels: making
    150 model instances was 1.7 ms of every member-list page."""
    offered, partial = _offered_units(units)
    chosen = [UnitChoice(*row) for row in offered.values_list(*UnitChoice._fields)]
    if partial and selected is not None and selected.pk not in {row.pk for row in chosen}:
        chosen.append(UnitChoice(*(getattr(selected, name) for name in UnitChoice._fields)))
        chosen.sort(key=lambda row: row.path)
    return chosen


def department_label(depth: int, name: str) -> str:
    """A department in a picker, indented by its depth so that the tree reads."""
    return "　" * depth + name


class DepartmentOption(NamedTuple):
    pk: int
    label: str
    path: str

    @classmethod
    def of(cls, pk: int, depth: int, name: str, path: str) -> DepartmentOption:
        return cls(pk, department_label(depth, name), path)


@dataclass(frozen=True)
class _DepartmentOffer:
    options: tuple[DepartmentOption, ...]
    partial: bool  # only the top levels: the enterprise has too many to list


def _department_offer(_key: None) -> _DepartmentOffer:
    departments = Department.objects.filter(is_active=True).order_by("path")
    partial = departments.order_by()[: UNIT_CHOICES_LIMIT + 1].count() > UNIT_CHOICES_LIMIT
    if partial:
        departments = departments.filter(depth__lte=1)
    rows = departments.values_list("pk", "depth", "name", "path")
    return _DepartmentOffer(tuple(DepartmentOption.of(*row) for row in rows), partial)


# Departments change a few times a year; every appeal form shows them.
_department_offers = OptionList("orgs.departments", _department_offer, models=[Department])


def _department_option(pk: int) -> DepartmentOption | None:
    row = (
        Department.objects.filter(pk=pk, is_active=True)
        .values_list("pk", "depth", "name", "path")
        .first()
    )
    return DepartmentOption.of(*row) if row is not None else None


# In a group too large to list every department, a form adds the person's own deeper
# one: kept the same way, per department, so that drawing the form reads nothing.
_department_option_of = OptionList("orgs.department", _department_option, models=[Department])


def department_choices(selected: Department | int | None = None) -> QuerySet[Department]:
    """Departments to offer in a form: all of them in a factory, the top levels (and the
    one already chosen, given as itself or its id) in a group with thousands."""
    departments = Department.objects.filter(is_active=True).order_by("path")
    if not _department_offers(None).partial:
        return departments
    condition = Q(depth__lte=1)
    if selected is not None:
        condition |= Q(pk=selected if isinstance(selected, int) else selected.pk)
    return departments.filter(condition)


def department_options(selected: Department | int | None = None) -> list[tuple[int, str]]:
    """`department_choices(selected)` as the (id, label) pairs a form shows, without a
    query: the list is kept per process (core.option_lists) and built again when a
    department is saved or deleted, or after a minute. A department given by its id that
    the list does not hold (a group's deeper levels) is read once and kept the same way."""
    offer = _department_offers(None)
    options = list(offer.options)
    selected_id = selected if isinstance(selected, int) else getattr(selected, "pk", None)
    if offer.partial and selected_id is not None and selected_id not in {o.pk for o in options}:
        if isinstance(selected, int):
            extra = _department_option_of(selected_id)
        elif selected is not None and selected.is_active:
            extra = DepartmentOption.of(selected.pk, selected.depth, selected.name, selected.path)
        else:
            extra = None
        if extra is not None:
            options.append(extra)
            options.sort(key=lambda option: option.path)
    return [(option.pk, option.label) for option in options]


def filterable_units(scope: Scope) -> QuerySet[OrgUnit]:
    """Units offered in the member filter: those whose members the user may list."""
    return (
        policy.units_in_oversight(scope)
        .exclude(kind=OrgUnit.Kind.GROUP)
        .only("pk", "name", "kind", "path", "depth")
    )


def unit_tree(scope: Scope) -> list[dict[str, Any]]:
    """The whole Party tree as nested nodes (names are public within the enterprise),
    each saying whether this user may open it. Two queries."""
    units = OrgUnit.objects.filter(is_active=True).only(
        "pk", "name", "kind", "path", "depth", "parent_id", "is_joint", "is_temporary"
    )
    openable = set(policy.visible_units(scope).values_list("pk", flat=True))
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for unit in units:  # ordered by path: parents come before their children
        node = {"unit": unit, "can_open": unit.pk in openable, "children": []}
        nodes[unit.pk] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent["children"] if parent else roots).append(node)
    return roots


def department_tree() -> list[dict[str, Any]]:
    """Every active department with its employee count and the branches covering it."""
    departments = (
        Department.objects.filter(is_active=True)
        .annotate(employee_count=Count("employees", filter=Q(employees__is_active=True)))
        .prefetch_related(
            Prefetch(
                "org_units",
                queryset=OrgUnit.objects.filter(is_active=True).only("pk", "name", "kind"),
            )
        )
    )
    return [{"department": d, "branches": list(d.org_units.all())} for d in departments]


POST_ORDER = {kind.value: index for index, kind in enumerate(OrgPost.Kind)}
STAGE_ORDER = {stage.value: index for index, stage in enumerate(reversed(Member.Stage))}


def unit_posts(unit: OrgUnit) -> list[OrgPost]:
    """Current posts, secretary first, in the order the Kind lists them."""
    posts = OrgPost.objects.filter(unit=unit, ends_on__isnull=True).select_related("member__user")
    return sorted(posts, key=lambda post: (POST_ORDER[post.kind], post.starts_on))


def unit_children(unit: OrgUnit) -> list[OrgUnit]:
    return list(unit.children.filter(is_active=True).order_by("path"))


def unit_stage_counts(unit: OrgUnit) -> dict[str, int]:
    """Active member records per stage within the unit's subtree."""
    rows = (
        Member.objects.filter(within(unit.path, "branch__path"))
        .filter(status__in=Member.Status.active_values())
        .values_list("stage")
        .annotate(count=Count("pk"))
        # Member's default ordering would join the users table (a million rows) into
        # this count even though the ORDER BY itself is dropped from a GROUP BY.
        .order_by()
    )
    counts = {stage.value: 0 for stage in Member.Stage}
    counts.update(dict(rows))
    return counts


@dataclass(frozen=True)
class Oversight:
    """What an officer's home shows of the subtree they oversee: how many organisations,
    the health warnings (dangers first, tree order within each severity) and the people
    per stage."""

    unit_count: int
    found: tuple[tuple[int, health.HealthWarning], ...]  # (unit id, warning)
    stage_counts: dict[str, int]
    as_of: datetime.datetime | None = None  # worked out ahead by the scheduler, at


def _oversight(key: tuple[str, datetime.date]) -> Oversight:
    path, today = key
    units, warnings_by_unit = health.subtree_health(path, today=today)
    found = [(each.pk, warning) for each in units for warning in warnings_by_unit[each.pk]]
    found.sort(key=lambda pair: pair[1].severity != "danger")  # stable: tree order kept
    root = OrgUnit(path=path)
    return Oversight(len(units), tuple(found), unit_stage_counts(root))


# A group committee's subtree holds 11,000 organisations and 100,000 member records:
# reading its health takes about half a second. Worked out every few minutes by the
# scheduler for the organisations committee officers oversee (`oversight_publish`); for
# any other organisation, or when nothing fresh was published, kept per process until a
# member record, post, organisation or department is saved or deleted (a signal), ten
# minutes at most (imports that write in bulk send no signal; the day is in the key).
_oversight_kept = OptionList(
    "orgs.oversight", _oversight, models=[Member, OrgPost, OrgUnit, Department], max_age=600
)
_oversight_published = Published(
    "orgs.oversight",
    _oversight,
    key_text=lambda key: f"{key[0]}:{key[1].isoformat()}",
    fresh_for=datetime.timedelta(minutes=10),
)
OVERSIGHT_PUBLISH_EVERY = datetime.timedelta(minutes=5)


def oversight(unit: OrgUnit, *, today: datetime.date) -> Oversight:
    published = _oversight_published.read((unit.path, today))
    if published is not None:
        return dataclasses.replace(published.value, as_of=published.at)
    return _oversight_kept((unit.path, today))


def oversight_publish(*, now: datetime.datetime) -> int:
    """Work out the oversight of every organisation a committee officer holds (the group
    committee, the second-level committees, the general branches) for the home pages to
    read. Returns how many."""
    paths = sorted(
        set(
            accounts.current_assignments()
            .filter(role=Role.COMMITTEE_OFFICER, org_unit__isnull=False)
            .values_list("org_unit__path", flat=True)
        )
    )
    today = timezone.localdate(now)
    return _oversight_published.publish_each([(path, today) for path in paths], now=now)


def group_of_members(unit: OrgUnit) -> list[Member]:
    """Members of a branch or group for the unit page: full members first, then the
    probationary, then the pipeline."""
    field = "group" if unit.kind == OrgUnit.Kind.GROUP else "branch"
    members = Member.objects.filter(
        **{field: unit}, status__in=Member.Status.active_values()
    ).select_related("user", "group")
    return sorted(members, key=lambda m: (STAGE_ORDER[m.stage], m.user.employee_number))


def membership_of(user_id: int) -> Membership | None:
    """The access layer's view of a person's active member record (see accounts.scope)."""
    row = (
        Member.objects.filter(user_id=user_id)
        .values_list("pk", "branch_id", "branch__path", "group_id", "status", "stage")
        .first()
    )
    if row is None or not Member.Status(row[4]).is_active:
        return None
    return Membership(
        member_id=row[0],
        branch_id=row[1],
        branch_path=row[2] or "",
        group_id=row[3],
        is_party_member=row[5] in MemberStage.party_member_values(),
    )


def profile_membership(user: Any) -> dict[str, Any]:
    """What a person's profile page shows of their member record and posts held."""
    member = Member.objects.select_related("branch", "group").filter(user=user).first()
    posts = (
        list(
            OrgPost.objects.filter(member=member, ends_on__isnull=True)
            .select_related("unit")
            .order_by("starts_on")
        )
        if member
        else []
    )
    return {"member": member, "posts": posts}


@dataclass(frozen=True)
class RecordSection:
    """A part of a member's or an organisation's record kept by an app above orgs (e.g.
    evaluation's honours), as plain lines the record page lists under a heading."""

    key: str
    title: str
    lines: tuple[str, ...]


RecordSource = Callable[[int], "RecordSection | None"]
_member_record_sources: dict[str, RecordSource] = {}
_unit_record_sources: dict[str, RecordSource] = {}


def register_record_source(
    name: str, *, member: RecordSource | None = None, unit: RecordSource | None = None
) -> None:
    """An app above orgs adds a section to member records (called with the member's
    user id) or to organisation pages (called with the unit's id), without orgs
    importing it; a source returns None when it has nothing to show."""
    if member is not None:
        _member_record_sources[name] = member
    if unit is not None:
        _unit_record_sources[name] = unit


def member_record_sections(member: Member) -> list[RecordSection]:
    sections = (source(member.user_id) for source in _member_record_sources.values())
    return [section for section in sections if section is not None]


def unit_record_sections(unit: OrgUnit) -> list[RecordSection]:
    sections = (source(unit.pk) for source in _unit_record_sources.values())
    return [section for section in sections if section is not None]


# --- The read contract for other apps ------------------------------------------------------
# Other apps read units, members, posts and departments through these functions (querysets
# of this app's models, to be filtered further by the caller) instead of `orgs.models`.
# The choices (kinds, stages, statuses, posts) are in `orgs.vocabulary`.


def public_notice_state(kind: str, subject_id: int, *, today: datetime.date) -> NoticeState | None:
    """The state of a subject's public notice (公示), or None: published by
    `orgs.services.notice_publish` (see `orgs.publicity`). One query."""
    return publicity.notice_state(kind, subject_id, today=today)


def public_notice_states(
    kind: str, subject_ids: Iterable[int], *, today: datetime.date
) -> dict[int, NoticeState]:
    """The states of many subjects' public notices, by subject id. One query."""
    return publicity.notice_states(kind, subject_ids, today=today)


def unit_from_parameter(
    scope: Scope,
    raw: str | None,
    *,
    default: OrgUnit | None = None,
    among: QuerySet[OrgUnit] | Sequence[OrgUnit] | None = None,
) -> OrgUnit | None:
    """The unit a `?unit=` parameter names: `default` when the parameter is absent or
    empty; 404 when it is not a valid id (`²`, `-1`, ten thousand digits, `%00`), names
    no unit, or a unit the person may not see — or, with `among`, a unit not in that
    set (the units a page offers, e.g. those the person manages). Every unit picker
    reads its parameter here."""
    if raw is None or not raw.strip():
        return default
    pk = object_id(raw)
    if pk is None:
        raise Http404
    if among is None:
        return get_unit_for(scope, pk)
    if isinstance(among, QuerySet):
        unit = among.filter(pk=pk).first()
    else:
        unit = next((candidate for candidate in among if candidate.pk == pk), None)
    if unit is None:
        raise Http404
    return unit


def no_units() -> QuerySet[OrgUnit]:
    """An empty queryset of units (a form field's queryset before it is filled in)."""
    return OrgUnit.objects.none()


def unit_by_id(pk: int | None) -> OrgUnit | None:
    """The unit with this id (active or not), or None."""
    return OrgUnit.objects.filter(pk=pk).first() if pk is not None else None


def units_by_ids(ids: Iterable[int]) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(pk__in=list(ids))


def root_units() -> QuerySet[OrgUnit]:
    """The active units at the top of the tree (the enterprise's Party committees)."""
    return OrgUnit.objects.filter(parent__isnull=True, is_active=True)


def units_at_paths(paths: Iterable[str]) -> QuerySet[OrgUnit]:
    """The active units at exactly these tree paths (a person's own units)."""
    return OrgUnit.objects.filter(path__in=list(paths), is_active=True)


def units_within(
    path: str, *, kinds: Iterable[str] | None = None, active_only: bool = False
) -> QuerySet[OrgUnit]:
    """The unit at `path` and every unit under it, in tree order."""
    units = OrgUnit.objects.filter(within(path))
    if kinds is not None:
        units = units.filter(kind__in=list(kinds))
    if active_only:
        units = units.filter(is_active=True)
    return units.order_by("path")


def groups_of_branch(branch: OrgUnit) -> QuerySet[OrgUnit]:
    """The active Party groups of a branch, in tree order."""
    return OrgUnit.objects.filter(parent=branch, kind=UnitKind.GROUP, is_active=True).order_by(
        "path"
    )


def no_members() -> QuerySet[Member]:
    return Member.objects.none()


def member_by_id(pk: int | None) -> Member | None:
    """The member record with this id (with its user and branch), or None."""
    if pk is None:
        return None
    return Member.objects.select_related("user", "branch").filter(pk=pk).first()


def members_by_ids(ids: Iterable[int]) -> QuerySet[Member]:
    return Member.objects.filter(pk__in=list(ids))


def party_members() -> QuerySet[Member]:
    """Active Party members (probationary and full), with their users."""
    return Member.objects.filter(
        stage__in=MemberStage.party_member_values(), status__in=MemberStatus.active_values()
    ).select_related("user")


def members_of_branch(branch: OrgUnit) -> QuerySet[Member]:
    """Every member record of a branch, whatever its stage or status."""
    return Member.objects.filter(branch=branch)


def members_of_branches(branch_ids: Iterable[int]) -> QuerySet[Member]:
    """`members_of_branch` for many branches at once (a batch of them)."""
    return Member.objects.filter(branch_id__in=list(branch_ids))


def party_members_of_unit(unit: OrgUnit) -> QuerySet[Member]:
    """The active Party members of a branch, or of a Party group."""
    field = "group" if unit.kind == UnitKind.GROUP else "branch"
    return party_members().filter(**{field: unit})


def members_within(path: str) -> QuerySet[Member]:
    """Member records (every stage and status) of the branches at or under `path`."""
    return Member.objects.filter(within(path, "branch__path"))


def member_of_user(user: Any) -> Member | None:
    """A person's member record (active or not), with its branch and group, or None."""
    return Member.objects.select_related("branch", "group").filter(user=user).first()


def committee_member_ids(unit: OrgUnit, *, on: datetime.date) -> QuerySet[OrgPost, Any]:
    """The member ids (a subquery, for `pk__in=`) holding a committee post of the unit
    on the day."""
    return (
        OrgPost.objects.filter(unit=unit, kind__in=PostKind.committee_values(), starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .values("member_id")
    )


def committee_post_counts(
    *, on: datetime.date, unit_ids: Iterable[int] | None = None, within_path: str | None = None
) -> dict[int, int]:
    """Unit id → committee posts held on the day, for the units given by id or for the
    branches under a path (selected by the path, not by a list of thousands of ids)."""
    posts = OrgPost.objects.filter(kind__in=PostKind.committee_values(), starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    if unit_ids is not None:
        posts = posts.filter(unit_id__in=list(unit_ids))
    if within_path is not None:
        posts = posts.filter(within(within_path, "unit__path"), unit__kind=UnitKind.BRANCH)
    rows = posts.order_by().values("unit_id").annotate(n=Count("id"))
    return {row["unit_id"]: row["n"] for row in rows}


@dataclass(frozen=True)
class BranchLeadership:
    """A branch's leadership on a day, as the organisation rules judge it: a secretary
    in post; the committee of at least `committee_min_size` posts that a branch with
    `committee_threshold` or more full members elects (`committee_required`); and its
    term (`term_ends_on`, None when not recorded). Full members are counted as they
    stand now (stages keep no history)."""

    unit_id: int
    has_secretary: bool
    committee_posts: int
    full_members: int
    committee_required: bool
    committee_threshold: int  # full members from which a committee is elected
    committee_min_size: int
    term_ends_on: datetime.date | None

    @property
    def committee_complete(self) -> bool:
        return not self.committee_required or self.committee_posts >= self.committee_min_size


def branch_leadership(root: OrgUnit, *, on: datetime.date) -> dict[int, BranchLeadership]:
    """Branch id → its leadership on the day, for every active branch at or under
    `root`. Three queries whatever the size of the subtree (and the rule parameters)."""
    limits = health.current_limits()
    branches = list(
        units_within(root.path, kinds=[UnitKind.BRANCH], active_only=True).values_list(
            "pk", "term_ends_on"
        )
    )
    held = (
        OrgPost.objects.filter(within(root.path, "unit__path"), starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .order_by()
        .values_list("unit_id")
        .annotate(
            committee=Count("pk", filter=Q(kind__in=PostKind.committee_values())),
            secretary=Count("pk", filter=Q(kind=PostKind.SECRETARY)),
        )
    )
    posts = {unit_id: (committee, secretary) for unit_id, committee, secretary in held}
    full = dict(
        Member.objects.filter(
            within(root.path, "branch__path"),
            stage=MemberStage.FULL,
            # in good standing, as the health checks count them (retained members not)
            status__in=[MemberStatus.NORMAL, MemberStatus.RESTORED],
        )
        .order_by()  # the default ordering would join the users table into the count
        .values_list("branch_id")
        .annotate(n=Count("pk"))
    )
    result = {}
    for pk, term_ends_on in branches:
        committee, secretary = posts.get(pk, (0, 0))
        result[pk] = BranchLeadership(
            unit_id=pk,
            has_secretary=secretary > 0,
            committee_posts=committee,
            full_members=full.get(pk, 0),
            committee_required=full.get(pk, 0) >= limits.committee_threshold,
            committee_threshold=limits.committee_threshold,
            committee_min_size=limits.committee_min_size,
            term_ends_on=term_ends_on,
        )
    return result


def current_posts_of(member: Member) -> QuerySet[OrgPost]:
    """The posts a member holds now, with their units, oldest first."""
    return (
        OrgPost.objects.filter(member=member, ends_on__isnull=True)
        .select_related("unit")
        .order_by("starts_on")
    )


def posts_giving_access(user_id: int, *, on: datetime.date) -> QuerySet[OrgPost]:
    """The posts of this person that still give them access on a day, for checks that
    must not miss an office: every post but a group leader's (which brings no role) that
    has begun and has not ended before that day. A post's last day counts: the dues
    offices still hold on it (`dues.selectors.dues_offices`), though the roles the post
    brought are no longer current that day (`RoleAssignment.objects.current`)."""
    return (
        OrgPost.objects.filter(member__user_id=user_id, starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .exclude(kind=PostKind.GROUP_LEADER)
    )


def no_departments() -> QuerySet[Department]:
    return Department.objects.none()


def department_by_code(code: str) -> Department | None:
    """The active department with this code, or None."""
    return Department.objects.filter(code=code, is_active=True).first() if code else None


def departments_listed(q: str = "") -> QuerySet[Department]:
    """Active departments in tree order, those whose name or code contains `q` when
    given (what an API client needs to fill `department_code`)."""
    departments = Department.objects.filter(is_active=True).select_related("parent")
    if q.strip():
        term = q.strip()
        departments = departments.filter(Q(name__icontains=term) | Q(code__icontains=term))
    return departments.order_by("path")


def unit_paths_by_id() -> dict[int, str]:
    """Every unit's tree path by its id, active or not (for rollups that add each
    unit's counts to the units above it). One query."""
    return dict(OrgUnit.objects.values_list("pk", "path"))


def unit_ids_within_any(paths: Iterable[str]) -> QuerySet[OrgUnit, Any]:
    """The ids (a subquery, for `unit__in=`) of the units at or under any of `paths`."""
    from grassroots.core.tree import within_any

    return OrgUnit.objects.filter(within_any(tuple(paths))).values("pk")


def active_units(*, exclude_kinds: Iterable[str] = ()) -> QuerySet[OrgUnit]:
    """Every active unit, but those of the kinds left out."""
    return OrgUnit.objects.filter(is_active=True).exclude(kind__in=list(exclude_kinds))


def units_at_paths_any(paths: Iterable[str]) -> QuerySet[OrgUnit]:
    """The units at exactly these tree paths, active or not (labels for old records)."""
    return OrgUnit.objects.filter(path__in=list(paths))


def departments_by_ids(ids: Iterable[int]) -> QuerySet[Department]:
    return Department.objects.filter(pk__in=list(ids))


def branch_covering(department: Department | None) -> OrgUnit | None:
    """The active branch covering the department, or else the one covering the nearest
    department above it (the deepest department wins; then the first branch by path)."""
    from grassroots.core.tree import ancestor_paths

    if department is None:
        return None
    paths = [*ancestor_paths(department.path), department.path]
    candidates = (
        OrgUnit.departments.through.objects.filter(
            department__path__in=paths, orgunit__kind=UnitKind.BRANCH, orgunit__is_active=True
        )
        .select_related("orgunit", "department")
        .order_by("-department__depth", "orgunit__path")
    )
    first = candidates.first()
    return first.orgunit if first else None


def member_user_ids(unit: OrgUnit) -> QuerySet[Member, Any]:
    """The user ids (a subquery) of the active member records of a Party group, or of
    the branches at or under any other unit."""
    members = Member.objects.filter(status__in=MemberStatus.active_values())
    if unit.kind == UnitKind.GROUP:
        members = members.filter(group=unit)
    else:
        members = members.filter(within(unit.path, "branch__path"))
    return members.order_by().values("user_id")


def active_member_stages(branch_ids: Iterable[int]) -> dict[int, str]:
    """User id → stage of the active member records (every stage) of these branches:
    one query (an evaluation campaign's roll is drawn from it)."""
    return dict(
        Member.objects.filter(
            branch_id__in=list(branch_ids), status__in=MemberStatus.active_values()
        )
        .order_by()
        .values_list("user_id", "stage")
    )


def covered_department_paths(unit_ids: Iterable[int]) -> list[str]:
    """The tree paths of the active departments these Party organisations cover (each
    with the departments under it, for `within_any`): one query."""
    return sorted(
        set(
            OrgUnit.departments.through.objects.filter(
                orgunit_id__in=list(unit_ids), department__is_active=True
            ).values_list("department__path", flat=True)
        )
    )


def active_departments() -> QuerySet[Department]:
    """Every active department in tree order (a form's full list; pickers that must stay
    short in a large group use `department_choices`)."""
    return Department.objects.filter(is_active=True).order_by("path")


def active_member_of_user(user: Any) -> Member | None:
    """A person's member record (with its branch and group) when its status is active
    (normal, retained, restored), else None."""
    member = member_of_user(user)
    return member if member is not None and member.status_is_active else None


def departments_within(path: str) -> QuerySet[Department]:
    """The active department at `path` and every active department under it, in tree order."""
    return Department.objects.filter(within(path), is_active=True).order_by("path")


def unit_ids_covering_department(department_path: str) -> list[int]:
    """The ids of the Party organisations that cover a department, directly or by
    covering a department above it: one query."""
    from grassroots.core.tree import ancestor_paths

    if not department_path:
        return []
    return list(
        OrgUnit.departments.through.objects.filter(
            department__path__in=[*ancestor_paths(department_path), department_path]
        ).values_list("orgunit_id", flat=True)
    )


def unit_ids_at_paths(paths: Iterable[str]) -> dict[str, int]:
    """Tree path → id of the units at exactly these paths (active or not): one query."""
    return dict(OrgUnit.objects.filter(path__in=list(paths)).values_list("path", "pk"))


def committee_post_holder_ids(*, on: datetime.date) -> QuerySet[OrgPost, int]:
    """The members holding a committee post of any organisation on the day, as a query
    to filter by (`pk__in=`), not run on its own."""
    return (
        OrgPost.objects.filter(kind__in=PostKind.committee_values(), starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .values_list("member_id", flat=True)
    )


def committee_post_holders(member_ids: Iterable[int], *, on: datetime.date) -> set[int]:
    """Which of these members hold a committee post (secretary, committee member …) of
    any organisation on the day. One query."""
    return set(
        OrgPost.objects.filter(
            member_id__in=list(member_ids),
            kind__in=PostKind.committee_values(),
            starts_on__lte=on,
        )
        .exclude(ends_on__lt=on)
        .values_list("member_id", flat=True)
    )


# --- The records as they were on a past day (the annual statistics) -----------------
#
# A change recorded after 31 December must not alter that year's tables. The stage on a
# day follows from the stage dates; the branch from the confirmed transfers (each has
# its effective day); leaving from `left_on`; an organisation's existence from
# `founded_on` and `dissolved_on`. Personal attributes (gender, education, ethnicity,
# birth date) are read as recorded now: a change there is a correction.


def _day(day: datetime.date | str) -> Any:
    """A fixed day, or the name of a date field of the member row (OuterRef)."""
    return OuterRef(day) if isinstance(day, str) else day


def branch_path_on(day: datetime.date | str) -> Coalesce:
    """SQL: the path of the member's branch on `day` — the branch they moved away from
    by the first confirmed transfer effective after that day (the lower pk first on
    the same day, as in _within_on), else their branch now.
    `day` is a date or the name of one of the member's date fields ("admitted_on")."""
    moved_later = (
        Transfer.objects.filter(
            member=OuterRef("pk"),
            status=TransferStatus.CONFIRMED,
            effective_on__gt=_day(day),
        )
        .order_by("effective_on", "pk")
        .values("from_branch__path")[:1]
    )
    return Coalesce(Subquery(moved_later), F("branch__path"))


def stage_on(day: datetime.date) -> Case:
    """SQL: the member's stage on `day` from the stage dates; NULL when the record had
    not reached any stage by then (an applicant without an application day counts
    from the day the record was opened)."""
    opened_by = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )
    return Case(
        When(full_on__lte=day, then=Value(MemberStage.FULL.value)),
        When(admitted_on__lte=day, then=Value(MemberStage.PROBATIONARY.value)),
        When(candidate_on__lte=day, then=Value(MemberStage.CANDIDATE.value)),
        When(activist_on__lte=day, then=Value(MemberStage.ACTIVIST.value)),
        When(applied_on__lte=day, then=Value(MemberStage.APPLICANT.value)),
        When(
            applied_on__isnull=True,
            stage=MemberStage.APPLICANT,
            created_at__lt=opened_by,
            then=Value(MemberStage.APPLICANT.value),
        ),
        default=None,
        output_field=CharField(),
    )


def _history_rows_then(day: datetime.date) -> QuerySet[MemberStatusChange]:
    """Status history rows on or before `day`, corrected rows aside."""
    return MemberStatusChange.objects.filter(on__lte=day).exclude(
        Exists(MemberStatusChange.objects.filter(corrects=OuterRef("pk")))
    )


def status_rows_in_force(day: datetime.date) -> QuerySet[MemberStatusChange]:
    """Each member's row of the status history in force on `day`: the last on or before
    it (corrected rows skipped; of two on the same day the one recorded later). Read as
    a set — rows with no later row of the same member — so that the statistics join it
    once rather than look it up per member."""
    then = _history_rows_then(day)
    later = then.filter(member=OuterRef("member")).filter(
        Q(on__gt=OuterRef("on")) | Q(on=OuterRef("on"), pk__gt=OuterRef("pk"))
    )
    return then.exclude(Exists(later))


def active_on(day: datetime.date) -> Q:
    """Records in good standing on `day`: by the status history's row in force then,
    else (no row on or before the day) by what the record says — in good standing while
    its leaving day is after the day, or with no leaving day when its status now is (a
    record made inactive without a leaving day counts as gone on every day). Two
    semi-joins, no lookup per record."""
    active = MemberStatus.active_values()
    in_good_standing = status_rows_in_force(day).filter(to_status__in=active)
    with_history = _history_rows_then(day)
    from_record = Q(left_on__gt=day) | Q(left_on__isnull=True, status__in=active)
    return Q(pk__in=in_good_standing.values("member_id")) | (
        ~Q(pk__in=with_history.values("member_id")) & from_record
    )


def _confirmed_after(day: datetime.date) -> QuerySet[Transfer]:
    return Transfer.objects.filter(status=TransferStatus.CONFIRMED, effective_on__gt=day)


def _within_on(path: str, day: datetime.date | str) -> QuerySet[Member]:
    """Member records whose branch on `day` lay within `path`."""
    if isinstance(day, str):
        # A day per member (admission, leaving): few rows pass the date filters the
        # caller adds, so the branch on that day is looked up per row. Candidates by
        # index: in the subtree now, or moved out of it at some time.
        moved_out = Transfer.objects.filter(
            within(path, "from_branch__path"), status=TransferStatus.CONFIRMED
        ).values("member_id")
        return (
            Member.objects.filter(within(path, "branch__path") | Q(pk__in=moved_out))
            .annotate(branch_then=branch_path_on(day))
            .filter(within(path, "branch_then"))
        )
    # One day for every row (31 December): no lookup per member, which would cost
    # seconds over 100,000 records. Those who have not moved since the day are where
    # they are now; of those who have, the branch they left by their first move after
    # the day is the one they were in.
    later = _confirmed_after(day)
    # Ties on the same effective day are broken by pk, as in branch_path_on.
    earlier_than_this = Q(effective_on__lt=OuterRef("effective_on")) | Q(
        effective_on=OuterRef("effective_on"), pk__lt=OuterRef("pk")
    )
    first_later = later.filter(within(path, "from_branch__path")).exclude(
        Exists(later.filter(earlier_than_this, member=OuterRef("member")))
    )
    return Member.objects.filter(
        (within(path, "branch__path") & ~Q(pk__in=later.values("member_id")))
        | Q(pk__in=first_later.values("member_id"))
    )


def members_on(path: str, *, on: datetime.date) -> QuerySet[Member]:
    """Member records (every stage) of the subtree at `path` on the day, as the records
    say they were then, annotated with `stage_then`. Aggregates must end with
    .order_by() (see grassroots.insights.structure)."""
    return (
        _within_on(path, on)
        .annotate(stage_then=stage_on(on))
        .filter(active_on(on), stage_then__isnull=False)
    )


def party_members_by_branch_on(path: str, *, on: datetime.date) -> dict[str, int]:
    """Party members on the day per branch (by its path) of the subtree at `path`,
    each placed by branch_path_on rather than by members_on's set logic: the annual
    statistics check one against the other. One query; the branch on the day is looked
    up per record of the subtree (now, or moved out of it at some time)."""
    moved_out = Transfer.objects.filter(
        within(path, "from_branch__path"), status=TransferStatus.CONFIRMED
    ).values("member_id")
    return dict(
        Member.objects.filter(within(path, "branch__path") | Q(pk__in=moved_out))
        .annotate(stage_then=stage_on(on), branch_then=branch_path_on(on))
        .filter(
            active_on(on),
            within(path, "branch_then"),
            stage_then__in=MemberStage.party_member_values(),
        )
        .values_list("branch_then")
        .annotate(people=Count("pk"))
        .order_by()
    )


def members_admitted_between(
    path: str, *, after: datetime.date, on: datetime.date
) -> QuerySet[Member]:
    """Records admitted as probationary members in (after, on], in the subtree on the
    day of admission, whatever became of them since."""
    return _within_on(path, "admitted_on").filter(admitted_on__gt=after, admitted_on__lte=on)


PIPELINE_STEPS = {
    "applied": "applied_on",
    "activists_named": "activist_on",
    "candidates_named": "candidate_on",
    "made_full": "full_on",
}


def pipeline_steps_between(path: str, *, after: datetime.date, on: datetime.date) -> dict[str, int]:
    """The steps of the development pipeline taken in (after, on] in the subtree: per
    step (`PIPELINE_STEPS`), the records whose day of that step lies in the period and
    whose branch on that day lay within `path` — whatever became of them by the end
    (left, moved, gone on). One query; the branch is looked up per row only for the
    few records with a step in the period."""

    def during(field_name: str) -> Q:
        return Q(**{f"{field_name}__gt": after, f"{field_name}__lte": on})

    moved_out = Transfer.objects.filter(
        within(path, "from_branch__path"), status=TransferStatus.CONFIRMED
    ).values("member_id")
    any_step = Q()
    for field_name in PIPELINE_STEPS.values():
        any_step |= during(field_name)
    return (
        Member.objects.filter(within(path, "branch__path") | Q(pk__in=moved_out))
        .filter(any_step)
        .annotate(
            **{
                f"branch_{key}": branch_path_on(field_name)
                for key, field_name in PIPELINE_STEPS.items()
            }
        )
        .aggregate(
            **{
                key: Count("pk", filter=during(field_name) & within(path, f"branch_{key}"))
                for key, field_name in PIPELINE_STEPS.items()
            }
        )
    )


STATUS_LEFT = "left"
STATUS_RESTORED = "restored"
UNDATED = "undated"


def _undated_records(path: str) -> list[QuerySet[Any, Any]]:
    """(UNDATED, "members" | "units", count): records of the subtree out of good
    standing with no leaving day, organisations inactive with no dissolution day. The
    statistics count them as gone on every day until an officer fills the day in."""
    members = (
        Member.objects.filter(within(path, "branch__path"), left_on__isnull=True)
        .exclude(status__in=MemberStatus.active_values())
        .annotate(
            record_kind=Value(UNDATED, output_field=CharField()),
            records_of=Value("members", output_field=CharField()),
        )
        .values_list("record_kind", "records_of")
        .annotate(records=Count("pk"))
        .order_by()
    )
    units = (
        OrgUnit.objects.filter(within(path), is_active=False, dissolved_on__isnull=True)
        .annotate(
            record_kind=Value(UNDATED, output_field=CharField()),
            records_of=Value("units", output_field=CharField()),
        )
        .values_list("record_kind", "records_of")
        .annotate(records=Count("pk"))
        .order_by()
    )
    return [members, units]


def party_status_changes_between(
    path: str, *, after: datetime.date, on: datetime.date
) -> dict[tuple[str, str], int]:
    """Party members (admitted by then) of the subtree who stopped being in good
    standing (STATUS_LEFT, by reason) or were restored to it (STATUS_RESTORED) in
    (after, on], each counted on the day of the change in the subtree they were in that
    day: from the status history, and for records without one from the leaving day.
    With them, in the same query (the statistics page holds a fixed number), the
    records that lack the day they left or were dissolved: (UNDATED, "members") and
    (UNDATED, "units")."""
    active = MemberStatus.active_values()
    moved_out = Transfer.objects.filter(
        within(path, "from_branch__path"), status=TransferStatus.CONFIRMED
    ).values("member_id")
    moved_later = (
        Transfer.objects.filter(
            member=OuterRef("member"),
            status=TransferStatus.CONFIRMED,
            effective_on__gt=OuterRef("on"),
        )
        .order_by("effective_on", "pk")
        .values("from_branch__path")[:1]
    )
    changes = (
        MemberStatusChange.objects.filter(
            on__gt=after,
            on__lte=on,
            corrections__isnull=True,
        )
        .filter(
            Q(member__in=Member.objects.filter(within(path, "branch__path")))
            | Q(member__in=moved_out)
        )
        .alias(
            admission=Coalesce("member__admitted_on", "member__full_on"),
            branch_then=Coalesce(Subquery(moved_later), F("member__branch__path")),
        )
        .filter(within(path, "branch_then"), admission__lte=F("on"))
        .annotate(
            kind=Case(
                When(
                    Q(from_status__in=active) & ~Q(to_status__in=active),
                    then=Value(STATUS_LEFT),
                ),
                When(
                    ~Q(from_status__in=[*active, ""]) & Q(to_status__in=active),
                    then=Value(STATUS_RESTORED),
                ),
                default=None,
                output_field=CharField(),
            )
        )
        .filter(kind__isnull=False)
        .values_list("kind", "reason")
        .annotate(people=Count("pk"))
        .order_by()
    )
    without_history = (
        _within_on(path, "left_on")
        .alias(admission=Coalesce("admitted_on", "full_on"))
        .filter(left_on__gt=after, left_on__lte=on, admission__lte=F("left_on"))
        .exclude(Exists(MemberStatusChange.objects.filter(member=OuterRef("pk"))))
        .annotate(kind=Value(STATUS_LEFT, output_field=CharField()))
        .values_list("kind", "leaving_reason")
        .annotate(people=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[str, str], int] = {(UNDATED, "members"): 0, (UNDATED, "units"): 0}
    figures = changes.union(without_history, *_undated_records(path), all=True).order_by()
    for kind, reason, people in figures:
        counts[(kind, reason)] = counts.get((kind, reason), 0) + people
    return counts


def party_transfers_between(
    path: str, *, after: datetime.date, on: datetime.date
) -> dict[str, int]:
    """Confirmed transfers of Party members effective in (after, on] into the subtree
    from outside it ("in") and out of it to elsewhere ("out")."""
    inside_from, inside_to = within(path, "from_branch__path"), within(path, "to_branch__path")
    return (
        Transfer.objects.filter(
            status=TransferStatus.CONFIRMED, effective_on__gt=after, effective_on__lte=on
        )
        .alias(admission=Coalesce("member__admitted_on", "member__full_on"))
        .filter(admission__lte=F("effective_on"))
        .filter(inside_from | inside_to)
        .aggregate(
            moved_in=Count("pk", filter=inside_to & ~inside_from),
            moved_out=Count("pk", filter=inside_from & ~inside_to),
        )
    )


def units_on(path: str, *, on: datetime.date, year_start: datetime.date) -> QuerySet[OrgUnit]:
    """The organisations of the subtree at `path` that existed on the day (founded by
    then, not dissolved by then), with `committee_posts` (committee posts held that
    day) and `elected_in_year` (secretaries whose post began after `year_start`)."""
    held = Q(
        posts__kind__in=PostKind.committee_values(),
        posts__starts_on__lte=on,
    ) & (Q(posts__ends_on__isnull=True) | Q(posts__ends_on__gte=on))
    return (
        OrgUnit.objects.filter(within(path))
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=on))
        .filter(Q(dissolved_on__gt=on) | Q(dissolved_on__isnull=True, is_active=True))
        .annotate(
            committee_posts=Count("posts", filter=held),
            elected_in_year=Count(
                "posts",
                filter=held & Q(posts__kind=PostKind.SECRETARY, posts__starts_on__gt=year_start),
            ),
        )
        .order_by()
    )


def department_rows_with_code_prefix(prefix: str) -> list[dict[str, Any]]:
    """Code, name, parent's code and whether active, of every department whose code starts
    with `prefix` (those a messenger's contact sync keeps)."""
    return [
        {"code": code, "name": name, "parent": parent or "", "is_active": is_active}
        for code, name, parent, is_active in Department.objects.filter(
            code__startswith=prefix
        ).values_list("code", "name", "parent__code", "is_active")
    ]
