"""Organisational life: meetings (三会一课, 主题党日, 组织生活会, 民主评议) and who attended."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.orglife import rules


class Meeting(models.Model):
    class Kind(models.TextChoices):
        BRANCH_ASSEMBLY = rules.ASSEMBLY, _("Branch member assembly (支部党员大会)")
        COMMITTEE = rules.COMMITTEE, _("Branch committee meeting (支委会)")
        GROUP = rules.GROUP, _("Party group meeting (党小组会)")
        LECTURE = rules.LECTURE, _("Party lecture (党课)")
        THEMED_DAY = rules.THEMED_DAY, _("Themed Party day (主题党日)")
        LIFE_MEETING = rules.LIFE_MEETING, _("Organisational life meeting (组织生活会)")
        APPRAISAL = rules.APPRAISAL, _("Democratic appraisal of members (民主评议党员)")
        CENTRE_STUDY = rules.CENTRE_STUDY, _("Centre-group study (理论学习中心组学习)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("Party organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Other kinds this meeting also counts for, as the organiser marked it (e.g. a themed
    # day held together with the group meeting).
    also_counts_as = models.JSONField(_("also counts as"), default=list, blank=True)
    topic = models.CharField(_("topic"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    agenda = models.TextField(_("agenda"), max_length=5000, blank=True)
    lecturer = models.CharField(_("lecturer"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    resolutions = models.TextField(_("resolutions"), max_length=5000, blank=True)
    # For the assembly and the committee: whether more than half of those entitled came.
    is_quorate = models.BooleanField(null=True, blank=True)
    held_on = models.DateField(
        null=True, blank=True, editable=False
    )  # date of starts_at, once held
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The venue booked in the same form (resources): made, moved and cancelled with the
    # meeting by resources.services.booking_sync; the booking links back by its for_url.
    booking = models.OneToOneField(
        "resources.Booking", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["unit", "starts_at"], name="meeting_unit_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="meeting_held_has_date",
                condition=~Q(status="held") | Q(held_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.starts_at:%Y-%m-%d})"

    @property
    def needs_quorum(self) -> bool:
        return self.kind in rules.QUORUM_KINDS

    @property
    def counted_kinds(self) -> list[str]:
        return sorted({self.kind, *self.also_counts_as})

    @property
    def counts(self) -> bool:
        """Whether it counts towards compliance: held, and quorate where a quorum applies."""
        return self.status == self.Status.HELD and (not self.needs_quorum or bool(self.is_quorate))


class MeetingCount(models.Model):
    """One kind a held meeting counts for (a themed day combined with a group meeting counts
    for both, when the organiser marks it so). Kept in step by the services; compliance
    reads only this table."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="counted_as")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Meeting.Kind.choices)
    held_on = models.DateField()
    planned = models.BooleanField(default=False)  # planned, not yet held

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind"], name="meeting_counted_once"),
        ]
        indexes = [models.Index(fields=["unit", "held_on"], name="meetingcount_unit_day_idx")]

    def __str__(self) -> str:
        return f"{self.meeting_id} → {self.kind}"


def month_bit(month: int) -> int:
    """The bit of a month (1–12) in `MeetingMonths`' masks."""
    return 1 << (month - 1)


class MeetingMonths(models.Model):
    """A rollup of MeetingCount for the committee overview: for one unit, kind and
    year, the months with a held meeting of that kind and the months with one held or
    planned, as 12-bit masks (bit 0 = January). A period of any frequency is a set of
    months, so compliance for the year follows from one small row per unit and kind
    instead of a year of meetings (about 36,000 rows instead of 187,000 for 5,000
    branches). Rewritten from MeetingCount by the services whenever they rewrite a
    meeting's rows (services.counts.sync_counts), and rebuilt nightly."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Meeting.Kind.choices)
    year = models.PositiveSmallIntegerField()
    held = models.PositiveIntegerField(default=0)  # months with a held, valid meeting
    booked = models.PositiveIntegerField(default=0)  # months with one held or planned

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year"], name="meeting_months_once"),
        ]
        indexes = [models.Index(fields=["year", "unit"], name="meeting_months_year_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.year}: {self.held:012b} / {self.booked:012b}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        EXPECTED = "expected", _("Not recorded yet")
        PRESENT = "present", _("Present")
        LEAVE = "leave", _("On leave")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(
        _("attendance"), max_length=16, choices=Status.choices, default=Status.EXPECTED
    )
    reason = models.CharField(_("reason for leave"), max_length=200, blank=True)
    # Entitled to vote (full members) or, for a committee meeting, a committee member;
    # probationary members attend the assembly without a vote.
    counts_for_quorum = models.BooleanField(default=True)
    leave_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
        ]
        indexes = [models.Index(fields=["member", "status"], name="attendance_member_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.meeting_id}: {self.status}"


class AttendanceMark(models.Model):
    """One sending of the attendance form, by its one-time key: the same form sent again
    (a retry, a double tap, the offline queue, a second tab) changes nothing the second
    time, even if someone corrected the attendance in between."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance form sent")
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="attendance_mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} @ {self.meeting_id}: {self.key}"


class DevelopmentStep(models.Model):
    """The wording of one of the 25 development steps, as the enterprise uses it. The
    order and the checks are fixed by the rules (development/rules.py); administrators
    may rename a step and add guidance."""

    number = models.PositiveSmallIntegerField(_("step"), unique=True)
    stage = models.PositiveSmallIntegerField(_("stage"))
    name = models.CharField(_("name"), max_length=100)
    guidance = models.TextField(_("guidance"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("development step")
        verbose_name_plural = _("development steps")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class DevelopmentRecord(models.Model):
    """One step taken by one person in the development pipeline."""

    member = models.ForeignKey(
        "orgs.Member", on_delete=models.CASCADE, related_name="development_records"
    )
    step = models.PositiveSmallIntegerField(_("step"))
    done_on = models.DateField(_("date"))
    people = models.ManyToManyField(
        "orgs.Member", blank=True, related_name="+", verbose_name=_("people involved")
    )
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    training_days = models.DecimalField(
        _("training days"), max_digits=5, decimal_places=1, default=0
    )
    training_hours = models.DecimalField(
        _("class hours"), max_digits=5, decimal_places=1, default=0
    )
    notice_from = models.DateField(_("public notice from"), null=True, blank=True)
    notice_to = models.DateField(_("public notice until"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    warnings = models.JSONField(default=list, blank=True)  # what was late, kept with it
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("development record")
        constraints = [
            models.UniqueConstraint(fields=["member", "step"], name="development_step_once"),
            models.CheckConstraint(
                name="development_step_in_range", condition=Q(step__gte=1, step__lte=25)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: step {self.step} on {self.done_on}"


class ProbationExtension(models.Model):
    """The one extension of a probation (at most a year), decided by a branch assembly."""

    member = models.OneToOneField(
        "orgs.Member", on_delete=models.CASCADE, related_name="probation_extension"
    )
    months = models.PositiveSmallIntegerField(_("months"))
    decided_on = models.DateField(_("decided on"))
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("probation extension")
        constraints = [
            models.CheckConstraint(
                name="extension_at_most_a_year", condition=Q(months__gte=1, months__lte=12)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: +{self.months} months"


class Talk(models.Model):
    """谈心谈话: a one-to-one talk between a branch committee member and another member
    (or two committee members). The notes are for the branch's officers only."""

    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    talker = models.ForeignKey(
        "orgs.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("talker")
    )
    talkee = models.ForeignKey(
        "orgs.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("talked with")
    )
    held_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("one-to-one talk")
        indexes = [models.Index(fields=["unit", "held_on"], name="talk_unit_day_idx")]
        constraints = [
            models.CheckConstraint(
                name="talk_between_two_people", condition=~Q(talker=models.F("talkee"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.talker_id} ↔ {self.talkee_id} {self.held_on}"
