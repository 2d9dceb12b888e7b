"""Reads for learning: the courses a person is in the audience of, a material's page,
and training hours (学时) computed from the records — study meetings attended,
courses completed, training elsewhere — never from time online."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, FilteredRelation, Prefetch, Q, QuerySet

from grassroots.core import parameters
from grassroots.core.tree import ancestor_paths, parent_path, within, within_any
from grassroots.learning import rule_parameters, rules
from grassroots.learning.models import (
    Course,
    CourseCompletion,
    CourseMaterial,
    ExternalTraining,
    HoursTally,
    Material,
    NamedLearner,
    Study,
)
from grassroots.learning.vocabulary import Audience, HoursSource
from grassroots.orglife import rules as orglife_rules
from grassroots.orglife import selectors as orglife
from grassroots.orgs import selectors as orgs
from grassroots.orgs.vocabulary import MemberStage, UnitKind

if TYPE_CHECKING:
    from grassroots.orgs.models import Member, OrgUnit

STUDY_KINDS = (orglife_rules.LECTURE, orglife_rules.THEMED_DAY, orglife_rules.CENTRE_STUDY)


def learner_of(user: object) -> Member | None:
    return orgs.active_member_of_user(user)


def audiences_of(member: Member, *, holds_committee_post: bool) -> list[str]:
    found = [Audience.EVERYONE.value]
    if member.stage in MemberStage.party_member_values():
        found.append(Audience.MEMBERS.value)
    if member.stage == MemberStage.PROBATIONARY:
        found.append(Audience.PROBATIONARY.value)
    if member.stage in (MemberStage.ACTIVIST, MemberStage.CANDIDATE):
        found.append(Audience.ACTIVISTS.value)
    if holds_committee_post:
        found.append(Audience.OFFICERS.value)
    return found


def _member_unit_paths(member: Member) -> list[str]:
    paths = [*ancestor_paths(member.branch.path), member.branch.path]
    if member.group is not None:
        paths.append(member.group.path)
    return paths


def courses_for(member: Member, *, today: datetime.date) -> QuerySet[Course]:
    """The courses whose audience this person is in, newest first, with their materials
    in order (three queries when listed, with the post check)."""
    holds = member.pk in orgs.committee_post_holders([member.pk], on=today)
    named = Q(
        audience=Audience.NAMED,
        pk__in=NamedLearner.objects.filter(member=member).values("course_id"),
    )
    return (
        Course.objects.filter(
            Q(audience__in=audiences_of(member, holds_committee_post=holds)) | named,
            unit__path__in=_member_unit_paths(member),
        )
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=CourseMaterial.objects.select_related("material").order_by("position"),
            )
        )
        .order_by("-created_at", "-pk")
    )


def in_audience_ids(course: Course, member_ids: Sequence[int], *, today: datetime.date) -> set[int]:
    """Which of these people a course is for (the rule of `courses_for`, for many people
    at once): active, in the course's organisation or one below it, and in its audience.
    Three queries however many people."""
    members = list(orgs.members_by_ids(member_ids).select_related("branch", "group").order_by())
    holders = orgs.committee_post_holders([member.pk for member in members], on=today)
    named = (
        set(course.named.values_list("member_id", flat=True))
        if course.audience == Audience.NAMED
        else set()
    )
    found: set[int] = set()
    for member in members:
        if not member.status_is_active or course.unit.path not in _member_unit_paths(member):
            continue
        if member.pk in named or course.audience in audiences_of(
            member, holds_committee_post=member.pk in holders
        ):
            found.add(member.pk)
    return found


def members_to_name(unit: OrgUnit, numbers: Sequence[str]) -> dict[str, Member]:
    """The member records (any stage, active) with these employee numbers in the unit or
    one below it, by number; numbers not found there are left out. One query."""
    members = (
        orgs.members_within(unit.path)
        if unit.kind != UnitKind.GROUP
        else orgs.members_within(parent_path(unit.path)).filter(group=unit)
    )
    found = members.filter(user__employee_number__in=list(numbers)).select_related(
        "user", "branch", "group"
    )
    return {member.user.employee_number: member for member in found if member.status_is_active}


def named_numbers(course: Course) -> list[str]:
    """The employee numbers of the people a named-people course is for, in order."""
    return list(
        course.named.order_by("member__user__employee_number").values_list(
            "member__user__employee_number", flat=True
        )
    )


@dataclass
class CourseProgress:
    course: Course
    materials: list[tuple[Material, bool]]  # in order, with whether studied
    completed: bool
    has_quiz: bool = False

    @property
    def studied(self) -> int:
        return sum(1 for _material, done in self.materials if done)

    @property
    def left(self) -> int:
        return len(self.materials) - self.studied


def studied_ids(member: Member, material_ids: Sequence[int]) -> set[int]:
    return set(
        Study.objects.filter(member=member, material_id__in=list(material_ids)).values_list(
            "material_id", flat=True
        )
    )


def my_courses(member: Member, *, today: datetime.date) -> list[CourseProgress]:
    """Every course assigned to this person, with what they studied. Four queries."""
    courses = list(courses_for(member, today=today).annotate(quiz_size=Count("questions")))
    material_ids = [item.material_id for course in courses for item in course.items.all()]
    done = studied_ids(member, material_ids)
    return [
        CourseProgress(
            course,
            [(item.material, item.material_id in done) for item in course.items.all()],
            completed=bool(course.items.all())
            and all(item.material_id in done for item in course.items.all()),
            has_quiz=course.quiz_size > 0,
        )
        for course in courses
    ]


def material_for_learner(
    member: Member | None, pk: int, *, today: datetime.date
) -> Material | None:
    """The material when it is in a course assigned to this person."""
    if member is None:
        return None
    courses = courses_for(member, today=today).filter(items__material_id=pk)
    if not courses.exists():
        return None
    return Material.objects.filter(pk=pk).first()


def material_by_id(pk: int) -> Material | None:
    return Material.objects.select_related("unit").filter(pk=pk).first()


def course_by_id(pk: int) -> Course | None:
    return (
        Course.objects.select_related("unit")
        .prefetch_related(
            Prefetch("items", queryset=CourseMaterial.objects.select_related("material"))
        )
        .filter(pk=pk)
        .first()
    )


def authored_courses(root_paths: Sequence[str], *, is_admin: bool) -> QuerySet[Course]:
    courses = Course.objects.select_related("unit").order_by("-created_at", "-pk")
    if is_admin:
        return courses
    condition = None
    for path in root_paths:
        condition = (
            within(path, "unit__path")
            if condition is None
            else condition | within(path, "unit__path")
        )
    return courses.filter(condition) if condition is not None else courses.none()


def authored_materials(root_paths: Sequence[str], *, is_admin: bool) -> QuerySet[Material]:
    materials = Material.objects.select_related("unit").order_by("-created_at", "-pk")
    if is_admin:
        return materials
    condition = None
    for path in root_paths:
        condition = (
            within(path, "unit__path")
            if condition is None
            else condition | within(path, "unit__path")
        )
    return materials.filter(condition) if condition is not None else materials.none()


def external_training_of(member: Member) -> QuerySet[ExternalTraining]:
    return ExternalTraining.objects.filter(member=member).order_by("-taken_on", "-pk")


def external_training_by_id(pk: int) -> ExternalTraining | None:
    return ExternalTraining.objects.select_related("member__branch").filter(pk=pk).first()


# --- training hours ---------------------------------------------------------------


@dataclass(frozen=True)
class HourRules:
    whole_day: int
    half_day: int
    per_hour: int
    member_target: int
    officer_target: int
    lengths: dict[str, str]

    def meeting_hours(self, kinds: Sequence[str]) -> Decimal:
        """A meeting held as several study kinds at once (a themed day with a lecture) is
        one sitting: it earns the hours of the longest of them, once."""
        return max(
            (
                rules.session_hours(
                    self.lengths.get(kind, "1"),
                    whole_day=self.whole_day,
                    half_day=self.half_day,
                    per_hour=self.per_hour,
                )
                for kind in kinds
            ),
            default=Decimal(0),
        )

    @property
    def key(self) -> str:
        """The rules hours are counted under (targets apart): names a tally's rules."""
        lengths = ",".join(f"{kind}={length}" for kind, length in sorted(self.lengths.items()))
        return f"{self.whole_day}/{self.half_day}/{self.per_hour}/{lengths}"[:100]


def hour_rules() -> HourRules:
    return HourRules(
        whole_day=parameters.value(rule_parameters.WHOLE_DAY.key),
        half_day=parameters.value(rule_parameters.HALF_DAY.key),
        per_hour=parameters.value(rule_parameters.PER_HOUR.key),
        member_target=parameters.value(rule_parameters.MEMBER_TARGET.key),
        officer_target=parameters.value(rule_parameters.OFFICER_TARGET.key),
        lengths={
            orglife_rules.LECTURE: parameters.value(rule_parameters.LECTURE_LENGTH.key),
            orglife_rules.THEMED_DAY: parameters.value(rule_parameters.THEMED_DAY_LENGTH.key),
            orglife_rules.CENTRE_STUDY: parameters.value(rule_parameters.CENTRE_STUDY_LENGTH.key),
        },
    )


@dataclass
class Hours:
    member_id: int
    target: int
    holds_post: bool = False
    lines: list[rules.HoursLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return rules.total(self.lines)

    @property
    def below(self) -> bool:
        return rules.is_below(self.total, self.target)

    @property
    def percent(self) -> int:
        if self.target <= 0:
            return 100
        return min(100, int(self.total * 100 / self.target))


def hours_of_many(
    member_ids: Sequence[int], *, year: int, today: datetime.date
) -> dict[int, Hours]:
    """Each member's training hours in a year and where they came from. A fixed number
    of queries however many members: posts, meetings attended, courses completed,
    training elsewhere."""
    ids = list(member_ids)
    found = hour_rules()
    holders = orgs.committee_post_holders(ids, on=today)
    result = {
        pk: Hours(
            pk,
            rules.target_for(
                holds_committee_post=pk in holders,
                member_target=found.member_target,
                officer_target=found.officer_target,
            ),
            pk in holders,
        )
        for pk in ids
    }
    lines: dict[int, list[rules.HoursLine]] = defaultdict(list)
    for meeting in orglife.meetings_attended(ids, year=year, kinds=STUDY_KINDS):
        lines[meeting.member_id].append(
            rules.HoursLine(
                HoursSource.MEETING,
                meeting.topic,
                meeting.held_on,
                found.meeting_hours(meeting.counted_kinds),
            )
        )
    completions = CourseCompletion.objects.filter(
        member_id__in=ids, completed_on__year=year
    ).values_list("member_id", "course__title", "completed_on", "hours")
    for member_id, title, on, hours in completions:
        lines[member_id].append(rules.HoursLine(HoursSource.COURSE, title, on, hours))
    external = ExternalTraining.objects.filter(member_id__in=ids, taken_on__year=year).values_list(
        "member_id", "title", "taken_on", "hours"
    )
    for member_id, title, on, hours in external:
        lines[member_id].append(rules.HoursLine(HoursSource.EXTERNAL, title, on, hours))
    for pk, person_lines in lines.items():
        result[pk].lines = rules.in_year(person_lines, year)
    return result


def hours_of(member: Member, *, year: int, today: datetime.date) -> Hours:
    return hours_of_many([member.pk], year=year, today=today)[member.pk]


@dataclass
class GroupCount:
    label: str
    people: int
    below: int


@dataclass
class UnitProgress:
    unit: OrgUnit
    year: int
    groups: list[GroupCount]
    below: list[tuple[Member, Hours]]  # by name, never by hours

    @property
    def below_count(self) -> int:
        return sum(group.below for group in self.groups)


@dataclass
class BranchCounts:
    """A branch's Party members and how many are below their target, in two groups."""

    members: int = 0
    members_below: int = 0
    officers: int = 0
    officers_below: int = 0

    @property
    def people(self) -> int:
        return self.members + self.officers

    @property
    def below(self) -> int:
        return self.members_below + self.officers_below


def counts_by_branch(
    root_paths: Sequence[str], *, year: int, today: datetime.date
) -> dict[str, BranchCounts]:
    """For every branch at or under these paths (keyed by its tree path): its Party
    members and those below target, secretaries and committee members apart. From the
    yearly tallies (models.HoursTally) in one grouped query however many members; were
    any of the year's tallies counted under other hour rules (an administrator changed
    one today), from the records instead until the nightly job has recounted them."""
    found = hour_rules()
    members = (
        orgs.party_members().filter(within_any(root_paths, "branch__path")).select_related(None)
    )
    counts: dict[str, BranchCounts] = defaultdict(BranchCounts)
    # "Counted under other rules" as two index ranges (below and above the key): a
    # not-equal would read every row of the year.
    other_rules = Q(rules__lt=found.key) | Q(rules__gt=found.key)
    if HoursTally.objects.filter(other_rules, year=year).exists():
        paths = dict(members.values_list("pk", "branch__path"))
        for pk, entry in hours_of_many(list(paths), year=year, today=today).items():
            branch = counts[paths[pk]]
            if entry.holds_post:
                branch.officers += 1
                branch.officers_below += entry.below
            else:
                branch.members += 1
                branch.members_below += entry.below
        return dict(counts)
    is_officer = Q(pk__in=orgs.committee_post_holder_ids(on=today))

    def reached(target: int) -> Q:
        # Without a tally a person has no hours: below any target above nought.
        return Q(tally__hours__gte=target) if target > 0 else Q(pk__isnull=False)

    rows = (
        members.alias(
            tally=FilteredRelation("hours_tallies", condition=Q(hours_tallies__year=year))
        )
        .order_by()
        .values("branch__path")
        .annotate(
            everyone=Count("pk"),
            officers=Count("pk", filter=is_officer),
            officers_reached=Count("pk", filter=is_officer & reached(found.officer_target)),
            members_reached=Count("pk", filter=~is_officer & reached(found.member_target)),
        )
    )
    for row in rows:
        branch = counts[row["branch__path"]]
        branch.officers = row["officers"]
        branch.officers_below = row["officers"] - row["officers_reached"]
        branch.members = row["everyone"] - row["officers"]
        branch.members_below = branch.members - row["members_reached"]
    return dict(counts)


def unit_progress(unit: OrgUnit, *, year: int, today: datetime.date) -> UnitProgress:
    """The Party members of a unit and those below it: how many are below their target,
    by group (members, and secretaries and committee members), and who, by name — only
    the unit's own members (its branch or group): an organisation above sees counts of
    the ones below it, never their names. The counts from `counts_by_branch` (one
    grouped query), the names from the records."""
    from django.utils.translation import gettext as _

    own = list(
        orgs.party_members().filter(Q(branch=unit) | Q(group=unit)).order_by("user__name", "pk")
    )
    own_hours = hours_of_many([member.pk for member in own], year=year, today=today)
    below = [(member, own_hours[member.pk]) for member in own if own_hours[member.pk].below]
    officers = GroupCount(_("Secretaries and committee members"), 0, 0)
    ordinary = GroupCount(_("Party members"), 0, 0)
    if unit.kind == UnitKind.GROUP:  # a group's members are its own: counted from them
        for entry in own_hours.values():
            group = officers if entry.holds_post else ordinary
            group.people += 1
            group.below += entry.below
        return UnitProgress(unit, year, [ordinary, officers], below)
    for branch in counts_by_branch([unit.path], year=year, today=today).values():
        officers.people += branch.officers
        officers.below += branch.officers_below
        ordinary.people += branch.members
        ordinary.below += branch.members_below
    return UnitProgress(unit, year, [ordinary, officers], below)


def courses_to_study_count(member: Member, *, today: datetime.date) -> int:
    """Courses assigned to this person that they have not completed. Two queries."""
    return (
        courses_for(member, today=today)
        .prefetch_related(None)
        .filter(items__isnull=False)
        .exclude(completions__member=member)
        .distinct()
        .count()
    )
