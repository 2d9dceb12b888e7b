"""Service carriers (issue 6): activities with sign-up and volunteer hours, tagged with
the five services."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.satisfaction import Satisfaction
from grassroots.service import rules


class ServiceDomain(models.TextChoices):
    MASSES = rules.MASSES, _("Serving the masses (服务群众)")
    REFORM = rules.REFORM, _("Serving reform (服务改革)")
    DEVELOPMENT = rules.DEVELOPMENT, _("Serving development (服务发展)")
    MEMBERS = rules.MEMBERS, _("Serving members (服务党员)")
    SOCIETY = rules.SOCIETY, _("Serving society (服务社会)")


def _presence_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Activity(models.Model):
    class Type(models.TextChoices):
        INNOVATION = "innovation", _("Innovation and development (创新发展型)")
        QUALITY = "quality", _("Quality and efficiency (质量效益型)")
        LEAN = "lean", _("Lean management (精益管理型)")
        RELIEF = "relief", _("Helping those in difficulty (扶贫帮困型)")
        SUPPORT = "support", _("Service and support (服务保障型)")
        QC = "qc", _("QC group (质量控制小组)")
        PARTY_RELIEF = "party_relief", _("Party poverty relief (党建扶贫)")
        VOLUNTEER = "volunteer", _("Volunteering (志愿服务)")
        JOINT = "joint", _("Joint activity with another unit (互联互建)")

    class Audience(models.TextChoices):
        MEMBERS = "members", pgettext_lazy("audience", "Party members")
        EVERYONE = "everyone", _("All employees")
        DEPARTMENT = "department", _("One department")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Open for sign-up")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices)
    partner = models.CharField(_("partner unit"), max_length=200, blank=True)
    services = models.JSONField(_("five services"), default=list)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("what it is"), max_length=5000, blank=True)
    audience = models.CharField(_("open to"), max_length=16, choices=Audience.choices)
    department = models.ForeignKey(
        "orgs.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    beneficiaries = models.PositiveIntegerField(_("people helped"), null=True, blank=True)
    presence_code = models.CharField(max_length=6, default=_presence_code, editable=False)
    # The venue booked in the same form (resources), cancelled with the activity.
    booking = models.OneToOneField(
        "resources.Booking", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["starts_at"], name="activity_start_idx")]
        constraints = [
            models.CheckConstraint(
                name="activity_ends_after_start", condition=Q(ends_at__gte=models.F("starts_at"))
            ),
            models.CheckConstraint(
                name="activity_department_audience",
                condition=~Q(audience="department") | Q(department__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SignUp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Has a place")
        WAITING = "waiting", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    hours = models.DecimalField(_("volunteer hours"), max_digits=4, decimal_places=1, default=0)
    self_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sign-up")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=~Q(status="cancelled"),
                name="one_live_signup_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "status", "created_at"], name="signup_queue_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.activity_id}: {self.status}"


# --- Posts, commitments, pairings, practical deeds (issue 6) -------------------------


class ServicePost(models.Model):
    """A member's post that employees can find: 示范岗, 责任区 or 流动服务岗."""

    class Kind(models.TextChoices):
        DEMONSTRATION = "demonstration", _("Demonstration post (党员示范岗)")
        AREA = "area", _("Responsibility area (党员责任区)")
        MOBILE = "mobile", _("Mobile service post (党员流动服务岗)")

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of post"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name of the post"), max_length=100)
    holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("held by"), related_name="service_posts"
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("department served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("where to find it"), max_length=200, blank=True)
    promise = models.TextField(_("what it promises"), max_length=2000)
    services = models.JSONField(_("five services"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    appeals = models.ManyToManyField(
        "appeals.Appeal", blank=True, related_name="+", help_text="appeals raised to this post"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        indexes = [models.Index(fields=["unit", "is_active"], name="post_unit_idx")]

    def __str__(self) -> str:
        return self.name


class PostVisit(models.Model):
    """One round of a mobile service post (科室上门服务): planned on the rota, then recorded
    with what was heard and what was done."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    post = models.ForeignKey(ServicePost, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(_("date"))
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("department visited"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members going"), related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    heard = models.TextField(_("what was heard"), max_length=5000, blank=True)
    done = models.TextField(_("what was done on the spot"), max_length=5000, blank=True)
    appeals = models.ManyToManyField("appeals.Appeal", blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("service post visit")
        indexes = [models.Index(fields=["post", "date"], name="postvisit_post_date_idx")]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.date}"


class Commitment(models.Model):
    """A member's (or a post's) commitment for a year (承诺践诺): drafted by the member,
    approved by the branch, then published to the employees of the member's department."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the branch")
        RETURNED = "returned", _("Returned for changes")
        PUBLISHED = "published", _("Published")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitments"
    )
    post = models.ForeignKey(
        ServicePost, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("approving branch"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("published to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("what I commit to"), max_length=2000)
    services = models.JSONField(_("five services"), default=list)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.CharField(_("why it was returned"), max_length=500, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    self_assessment = models.TextField(_("self-assessment"), max_length=2000, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        indexes = [
            models.Index(fields=["department", "year", "status"], name="commitment_dept_idx"),
            models.Index(fields=["unit", "year", "status"], name="commitment_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"


class CommitmentProgress(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="progress")
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("commitment progress note")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.date}"


class CommitmentRating(models.Model):
    """An employee's year-end judgement of a published commitment (one each), on the
    one satisfaction scale; the page words it as kept / partly kept / not kept."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.CharField(_("rating"), max_length=16, choices=Satisfaction.choices)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("commitment rating")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "user"], name="one_rating_per_commitment")
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.score}"


class Pairing(models.Model):
    """A member paired with an employee in difficulty (结对帮扶). The reason is private:
    only the branch's officers and the member see it."""

    class Reason(models.TextChoices):
        ILLNESS = "illness", _("Illness")
        DISABILITY = "disability", _("Disability")
        FAMILY = "family", _("Family hardship")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee helped"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("kind of difficulty"), max_length=16, choices=Reason.choices)
    reason_detail = models.TextField(_("about the difficulty"), max_length=2000, blank=True)
    started_on = models.DateField(_("paired since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=500, blank=True)
    last_visit_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pairing")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "employee"],
                condition=Q(ended_on__isnull=True),
                name="one_live_pairing_per_pair",
            ),
            models.CheckConstraint(
                name="pairing_ended_with_reason",
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
            ),
        ]
        indexes = [models.Index(fields=["unit", "ended_on"], name="pairing_unit_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} ↔ {self.employee_id}"


class Visit(models.Model):
    """A visit within a pairing (走访): the help given and the needs heard."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField(_("date of the visit"))
    help_given = models.TextField(_("help given"), max_length=2000, blank=True)
    needs_heard = models.TextField(_("needs heard"), max_length=2000, blank=True)
    appeals = models.ManyToManyField("appeals.Appeal", blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The form's one-time key (a page or the offline queue may send it again): one visit
    # per key and person who recorded it.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - NULL: no key, never "the same key"

    class Meta:
        verbose_name = _("visit")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_by", "idempotency_key"], name="visit_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pairing_id} @ {self.date}"


class Deed(models.Model):
    """A practical deed a branch promises employees (办实事清单), followed in public."""

    class Status(models.TextChoices):
        OPEN = "open", _("Under way")
        DONE = "done", _("Declared done")
        DROPPED = "dropped", _("Dropped")

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("promised by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("what will be done"), max_length=200)
    description = models.TextField(_("details"), max_length=5000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    services = models.JSONField(_("five services"), default=list)
    due_on = models.DateField(_("due by"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(_("what was delivered"), max_length=5000, blank=True)
    drop_reason = models.CharField(_("why it was dropped"), max_length=500, blank=True)
    # Where the deed came from when another part made it (an adopted suggestion of a
    # consultation): its label and address, shown on the deed's page.
    origin_label = models.CharField(max_length=200, blank=True, editable=False)
    origin_url = models.CharField(max_length=300, blank=True, editable=False)
    # Kept by the services so that the public list reads one row per deed.
    followers = models.PositiveIntegerField(default=0, editable=False)
    # Answers to "was it delivered?" per value of the satisfaction scale.
    rated_satisfied = models.PositiveIntegerField(default=0, editable=False)
    rated_fairly = models.PositiveIntegerField(default=0, editable=False)
    rated_not = models.PositiveIntegerField(default=0, editable=False)
    appeals = models.ManyToManyField("appeals.Appeal", blank=True, related_name="+")
    post_visits = models.ManyToManyField(PostVisit, blank=True, related_name="deeds")
    visits = models.ManyToManyField(Visit, blank=True, related_name="deeds")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("practical deed")
        verbose_name_plural = _("practical deeds")
        constraints = [
            models.CheckConstraint(name="deed_progress_percent", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="deed_done_has_date", condition=~Q(status="done") | Q(done_on__isnull=False)
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on", "id"], name="deed_public_idx"),
            models.Index(fields=["unit", "status", "due_on"], name="deed_unit_idx"),
            # Deeds delivered, the most recently done first (the "you said, we did" page
            # of openness): a page is read from the index instead of sorting every one.
            models.Index(fields=["status", "-done_on", "-id"], name="deed_done_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class DeedMilestone(models.Model):
    deed = models.ForeignKey(Deed, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due by"))
    done_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class DeedUpdate(models.Model):
    """A progress report on a deed, shown on its public page."""

    deed = models.ForeignKey(Deed, on_delete=models.CASCADE, related_name="updates")
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("what happened"), max_length=2000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("deed progress report")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.deed_id}: {self.progress}%"


class DeedFollow(models.Model):
    deed = models.ForeignKey(Deed, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deed", "user"], name="one_follow_per_deed")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.deed_id}"


class DeedRating(models.Model):
    """An employee's answer to "was it delivered?" once the deed is declared done, on the
    one satisfaction scale (the page words it as delivered / partly / not delivered)."""

    deed = models.ForeignKey(Deed, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    delivered = models.CharField(
        _("was it delivered?"), max_length=16, choices=Satisfaction.choices
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("deed rating")
        constraints = [models.UniqueConstraint(fields=["deed", "user"], name="one_rating_per_deed")]

    def __str__(self) -> str:
        return f"{self.deed_id}: {self.delivered}"
