from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.core.tree import TreeNode
from grassroots.orgs.dues.models import *  # noqa: F403  (Party dues, 党费)
from grassroots.orgs.ethnic_groups import DEFAULT_ETHNIC_GROUP, ETHNIC_GROUPS
from grassroots.orgs.publicity.models import *  # noqa: F403  (public notices, 公示)
from grassroots.orgs.vocabulary import (
    DepartmentKind,
    Education,
    Gender,
    LeavingReason,
    MemberStage,
    MemberStatus,
    PostKind,
    TransferStatus,
    UnitKind,
)


class Department(TreeNode):
    """The enterprise's administrative tree: company → workshop/office → team."""

    Kind = DepartmentKind

    code = models.CharField(_("department code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OFFICE)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["path"], condition=~Q(path=""), name="department_path_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrgUnit(TreeNode):
    """A Party organisation: committee → general branch → branch → group."""

    Kind = UnitKind

    code = models.CharField(_("organisation code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("departments covered"),
        blank=True,
        related_name="org_units",
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    is_joint = models.BooleanField(_("joint branch"), default=False)
    is_temporary = models.BooleanField(_("temporary branch"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # The day it stopped existing (撤销): the annual statistics count an organisation
    # on 31 December when founded by then and not dissolved by then. Filled by
    # orgunit_update when the organisation is made inactive.
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Party organisation")
        verbose_name_plural = _("Party organisations")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["path"], condition=~Q(path=""), name="orgunit_path_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "path"], name="orgunit_kind_path_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.kind == self.Kind.BRANCH

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP

    @property
    def has_term(self) -> bool:
        """Groups have leaders, not elected committees with terms."""
        return self.kind != self.Kind.GROUP


LIST_KEY_SEPARATOR = "/"  # sorts before every character of a path segment


def member_list_key(*, branch_id: Any, user_id: Any) -> Concat:
    """SQL for a member's list key, read from the database as the row is written: the
    branch's tree path, "/", the employee number."""
    user_model = Member._meta.get_field("user").related_model
    return Concat(
        Subquery(OrgUnit.objects.filter(pk=branch_id).values("path")[:1]),
        Value(LIST_KEY_SEPARATOR),
        Subquery(user_model._default_manager.filter(pk=user_id).values("employee_number")[:1]),
        output_field=models.CharField(),
    )


class MemberListKeyField(models.CharField):
    """The member list's order kept on the record (see `Member.list_key`). Every insert
    (save, create, bulk_create) and every save that names the field writes it from the
    branch path and the employee number as they are in the database at that moment.
    save() reads the value written back (RETURNING); objects given to bulk_create keep
    the default — read it from the database."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        return member_list_key(
            branch_id=model_instance.branch_id,  # type: ignore[attr-defined]
            user_id=model_instance.user_id,  # type: ignore[attr-defined]
        )


class MemberQuerySet(models.QuerySet["Member"]):
    def party_members(self) -> MemberQuerySet:
        """Probationary and full members in good standing (counted in a branch's size)."""
        return self.filter(
            stage__in=Member.Stage.party_member_values(),
            status__in=Member.Status.active_values(),
        )

    def in_pipeline(self) -> MemberQuerySet:
        return self.filter(
            stage__in=Member.Stage.pipeline_values(), status__in=Member.Status.active_values()
        )


class Member(models.Model):
    """A person in the development pipeline or a Party member: one per user."""

    Stage = MemberStage
    Status = MemberStatus
    LeavingReason = LeavingReason
    Gender = Gender
    Education = Education

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="member",
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    status = models.CharField(
        _("membership status"), max_length=16, choices=Status.choices, default=Status.NORMAL
    )
    branch = models.ForeignKey(
        OrgUnit,
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind": OrgUnit.Kind.BRANCH},
    )
    group = models.ForeignKey(
        OrgUnit,
        verbose_name=_("Party group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_members",
        limit_choices_to={"kind": OrgUnit.Kind.GROUP},
    )
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    activist_on = models.DateField(_("became activist on"), null=True, blank=True)
    candidate_on = models.DateField(_("became candidate on"), null=True, blank=True)
    admitted_on = models.DateField(_("admitted as probationary member on"), null=True, blank=True)
    full_on = models.DateField(_("became full member on"), null=True, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(
        _("ethnic group"),
        max_length=16,
        choices=[(name, name) for name in ETHNIC_GROUPS],
        default=DEFAULT_ETHNIC_GROUP,
    )
    education = models.CharField(
        _("education"), max_length=24, choices=Education.choices, blank=True
    )
    # When and why the status stopped being active (left, died, suspended): a table
    # as of a past day still counts the member when this is after that day. Filled by
    # member_update when the status changes to an inactive one; cleared when restored.
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leaving_reason = models.CharField(
        _("reason for leaving"), max_length=16, choices=LeavingReason.choices, blank=True
    )
    is_mobile = models.BooleanField(_("mobile member (流动党员)"), default=False)
    is_lost_contact = models.BooleanField(_("out of contact (失联)"), default=False)
    id_card_number = models.CharField(_("ID card number"), max_length=18, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The member list's order, "<branch path>/<employee number>", kept here so that one
    # index hands out any page of the list in order, the filters read from the index too
    # (keyset pagination: grassroots.core.pagination.SeekPaginator). A branch path
    # starts every key of its members, so a subtree is also a range of keys. Written on
    # insert; services that move a member or a branch rewrite it
    # (grassroots.orgs.member_order), and a nightly job repairs what changed elsewhere
    # (an employee number edited in the admin).
    list_key = MemberListKeyField(max_length=300, editable=False, default="")

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member record")
        verbose_name_plural = _("member records")
        ordering = ["user__employee_number"]
        indexes = [
            models.Index(fields=["branch", "stage"], name="member_branch_stage_idx"),
            models.Index(fields=["stage", "status"], name="member_stage_status_idx"),
            models.Index(fields=["birth_date"], name="member_birth_idx"),
            # The member list: rows in order with the filtered columns alongside, so a
            # page (and the rows skipped to reach it) is read from the index alone on
            # PostgreSQL. SQLite ignores INCLUDE (models.W040 is silenced there).
            models.Index(
                fields=["list_key", "id"],
                include=["branch", "stage", "status", "birth_date", "education"],
                name="member_list_order_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="member_group_differs_from_branch",
                condition=Q(group__isnull=True) | ~Q(group=models.F("branch")),
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def status_is_active(self) -> bool:
        return self.status in Member.Status.active_values()

    @property
    def is_party_member(self) -> bool:
        return self.stage in Member.Stage.party_member_values() and self.status_is_active


class StatusChangeSource(models.TextChoices):
    RECORDED = "recorded", _("Recorded when it was made")
    AUDIT_LOG = "audit_log", _("Rebuilt from the audit log")
    RECORD = "record", _("Inferred from the member record")


class MemberStatusChange(models.Model):
    """One change of a member's membership status (停止党籍, 恢复党籍 …), with the day it
    took effect: the annual statistics read the status on a past day from these rows
    (the last one on or before the day). Append-only: a wrong day is put right by a new
    row that `corrects` it, and readers skip corrected rows. Written by one function,
    grassroots.orgs.status_history, for every service that changes a status."""

    Source = StatusChangeSource

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("member")
    )
    # "" for the row that opens the history (the record was opened with `to_status`).
    from_status = models.CharField(
        _("from"), max_length=16, choices=MemberStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=MemberStatus.choices)
    on = models.DateField(_("effective from"))
    # Why a member stopped being in good standing; empty for other changes.
    reason = models.CharField(_("reason"), max_length=16, choices=LeavingReason.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.RECORDED
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects"),
    )

    class Meta:
        verbose_name = _("membership status change")
        verbose_name_plural = _("membership status changes")
        ordering = ["member", "on", "pk"]
        indexes = [
            models.Index(fields=["member", "on"], name="status_change_member_on_idx"),
            models.Index(fields=["on"], name="status_change_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="status_change_changes_or_corrects",
                condition=~Q(from_status=models.F("to_status")) | Q(corrects__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_status or '—'} → {self.to_status} ({self.on})"


class OrgPost(models.Model):
    """A post held in a Party organisation (书记, 副书记, 委员, 党小组组长) with its term."""

    Kind = PostKind

    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("Party organisation"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    member = models.ForeignKey(
        Member, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField(_("post"), max_length=24, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("post held")
        verbose_name_plural = _("posts held")
        ordering = ["unit", "kind", "starts_on"]
        constraints = [
            models.CheckConstraint(
                name="orgpost_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
            # One secretary and one leader at a time; others (委员) may be several.
            models.UniqueConstraint(
                fields=["unit", "kind"],
                condition=Q(ends_on__isnull=True, kind__in=["secretary", "group_leader"]),
                name="orgpost_one_current_head",
            ),
            models.UniqueConstraint(
                fields=["unit", "member", "kind"],
                condition=Q(ends_on__isnull=True),
                name="orgpost_no_duplicate_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_kind_display()} · {self.member}"

    @property
    def is_current(self) -> bool:
        return self.ends_on is None or self.ends_on > timezone.localdate()


class ImportBatch(models.Model):
    """One spreadsheet import: who, what kind, how many rows, and every row-level error."""

    class Kind(models.TextChoices):
        DEPARTMENTS = "departments", _("Departments")
        EMPLOYEES = "employees", _("Employees")
        MEMBERS = "members", _("Member records")

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Imported")
        REJECTED = "rejected", _("Rejected: nothing imported")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    filename = models.CharField(_("file"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.filename}"

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "outcome": self.outcome, "rows": self.row_count}


class Transfer(models.Model):
    """A member's move to another branch (and group) within the enterprise. The sending
    branch stays responsible until the receiving branch confirms (回执)."""

    Status = TransferStatus

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_branch = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    from_group = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_branch = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("to branch")
    )
    to_group = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("to Party group"),
    )
    effective_on = models.DateField(_("effective from"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    answer = models.CharField(_("answer"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The month the member's Party dues were paid up to when the transfer was asked,
    # refreshed at confirmation: the letter prints it, not today's (which would show the
    # receiving branch's record to the old branch). None: no month paid, or a transfer
    # from before it was kept.
    dues_paid_up_to = models.DateField(_("Party dues paid up to"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_member",
            ),
            models.CheckConstraint(
                name="transfer_to_another_branch", condition=~Q(from_branch=models.F("to_branch"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.from_branch_id} → {self.to_branch_id}"

    @classmethod
    def recorded_move(
        cls,
        *,
        member: Member,
        from_branch: OrgUnit,
        from_group: OrgUnit | None,
        actor: Any,
        on: datetime.date,
        reason: str,
    ) -> Transfer:
        """An unsaved, already confirmed transfer for a branch changed on the record
        itself (the member form, the import) rather than asked and answered: the
        annual statistics read a member's past branch from the confirmed transfers, so
        without it the move would rewrite the years before. The member's new branch and
        group are read from `member`."""
        return cls(
            member=member,
            from_branch=from_branch,
            from_group=from_group,
            to_branch_id=member.branch_id,
            to_group_id=member.group_id,
            effective_on=on,
            reason=reason[:500],
            status=cls.Status.CONFIRMED,
            requested_by=actor,
            decided_by=actor,
            decided_at=timezone.now(),
        )
