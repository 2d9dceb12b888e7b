from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.public_ids import LENGTH as PUBLIC_ID_LENGTH
from grassroots.core.public_ids import new_public_id
from grassroots.core.satisfaction import Satisfaction


def public_id_field() -> models.CharField:
    """A row's public id (core.public_ids): in its addresses, the API, notices and the
    audit log instead of its primary key, which counts up and shows what came first.
    Unique by a constraint of the model (one index; `unique=True` would add a second,
    for LIKE, on PostgreSQL)."""
    return models.CharField(max_length=PUBLIC_ID_LENGTH, default=new_public_id, editable=False)


class Urgency(models.TextChoices):
    URGENT = "urgent", pgettext_lazy("urgency", "Urgent")
    NORMAL = "normal", pgettext_lazy("urgency", "Normal")
    COMPLEX = "complex", pgettext_lazy("urgency", "Complex")


class Category(models.Model):
    """What an appeal is about (RULES.md's default list), with its deadlines."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=80, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # 作风问题反映 goes to the discipline officer of the level above, never to the
    # branch concerned.
    to_discipline = models.BooleanField(
        _("goes to the discipline officer one level up"), default=False
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("appeal category")
        verbose_name_plural = _("appeal categories")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.label(self.name, self.name_en, get_language())

    @staticmethod
    def label(name: str, name_en: str, language: str | None) -> str:
        """A category's name in `language`: the English one where there is one and the
        language is English, else the Chinese (also for rows read as values)."""
        if name_en and (language or "").startswith("en"):
            return name_en
        return name


class CategoryDeadline(models.Model):
    """Working minutes allowed to accept and to answer, per category and urgency."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="deadlines")
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    accept_minutes = models.PositiveIntegerField(_("accept within (working minutes)"))
    answer_minutes = models.PositiveIntegerField(_("answer within (working minutes)"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency"], name="category_deadline_once"),
            models.CheckConstraint(
                name="category_deadline_positive",
                condition=Q(accept_minutes__gt=0, answer_minutes__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.get_urgency_display()}"


class Appeal(models.Model):
    """An employee's need, opinion or complaint (诉求), from raising to rating.

    An anonymous appeal stores no link to its submitter: `submitter` and
    `recorded_by` stay empty and the tracking code and PIN are the only way back.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        REOPENED = "reopened", _("Reopened")
        CLOSED = "closed", _("Closed")
        DECLINED = "declined", _("Declined")
        MERGED = "merged", _("Merged into another")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Channel(models.TextChoices):
        WEB = "web", _("Web or phone")
        ANONYMOUS = "anonymous", _("Anonymous form")
        ON_BEHALF = "on_behalf", _("Recorded on behalf")
        QR = "qr", _("QR poster")
        API = "api", _("API")
        VISIT = "visit", _("Heard on a visit")

    public_id = public_id_field()
    number = models.CharField(_("number"), max_length=20, unique=True)
    # db_index=False here and on submitter, unit and assignee: a composite index in Meta
    # starts with each (appeal_category_idx, appeal_submitter_idx, appeal_unit_status_idx,
    # appeal_assignee_idx) and serves every look-up by it, foreign-key checks included;
    # a single-column copy would only be one more entry to write per appeal
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, db_index=False
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=5000)
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("department concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
        db_index=False,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tracking_code = models.CharField(max_length=16, unique=True, null=True, blank=True)
    pin_hash = models.CharField(max_length=128, blank=True)
    consent_publish = models.BooleanField(_("may be published de-identified"), default=False)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,
    )
    first_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", help_text="first receiver"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_appeals",
        db_index=False,
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    transfers = models.PositiveSmallIntegerField(_("transfers"), default=0)
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # The deadline the handlers work to now (acceptance, then the answer, then a
    # reopened appeal's new answer); drives the overdue and at-risk lists.
    current_due_at = models.DateTimeField(_("due"), null=True, blank=True)

    # The facts the three rates are computed from; set once, never rewritten.
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    accept_due_at = models.DateTimeField(_("accept by"))
    answer_due_at = models.DateTimeField(_("answer by"))
    responded_at = models.DateTimeField(_("accepted or declined at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolved = models.BooleanField(_("resolved (call-back)"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=16, blank=True)

    tokens = models.TextField(blank=True, help_text="jieba tokens of title and description")
    public_summary = models.TextField(_("public summary"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("published on the outcome wall"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status", "-created_at"], name="appeal_unit_status_idx"),
            # Newest first (the queue's "all" view, the default order): the first page
            # is read from the index instead of sorting every appeal in scope.
            models.Index(fields=["-created_at", "-id"], name="appeal_newest_idx"),
            models.Index(fields=["submitter", "-created_at"], name="appeal_submitter_idx"),
            models.Index(fields=["assignee", "status"], name="appeal_assignee_idx"),
            models.Index(fields=["category", "status", "-created_at"], name="appeal_category_idx"),
            # The handlers' queue: open appeals, soonest deadline first. Partial, so it
            # holds the open few thousand rather than every appeal ever raised (the
            # deadline is empty once an appeal is answered or closed); with the columns
            # policy.handling_filter tests, the queue is counted from the index alone.
            models.Index(
                fields=["current_due_at"],
                include=["unit", "category", "assignee"],
                condition=Q(status__in=["submitted", "accepted", "in_progress", "reopened"]),
                name="appeal_open_due_idx",
            ),
            # The three rates read a period's appeals by deadline; with the columns they
            # count included, PostgreSQL answers from the index alone (rates.py).
            models.Index(
                fields=["accept_due_at"],
                include=["first_unit", "status", "responded_at"],
                name="appeal_accept_rate_idx",
            ),
            models.Index(
                fields=["answer_due_at"],
                include=["unit", "status", "satisfaction", "resolved"],
                name="appeal_answer_rate_idx",
            ),
            models.Index(
                fields=["-published_at"],
                condition=Q(published_at__isnull=False),
                name="appeal_wall_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["public_id"], name="appeal_public_id_unique"),
            models.CheckConstraint(
                name="appeal_anonymous_has_no_person",
                condition=Q(is_anonymous=False)
                | Q(submitter__isnull=True, recorded_by__isnull=True, tracking_code__isnull=False),
            ),
            models.CheckConstraint(
                name="appeal_named_has_submitter",
                condition=Q(is_anonymous=True) | Q(submitter__isnull=False),
            ),
            models.CheckConstraint(
                name="appeal_merged_has_target",
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
            ),
            models.CheckConstraint(
                name="appeal_satisfaction_value",
                condition=Q(satisfaction__in=["", "satisfied", "fairly", "not"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


OPEN_STATUSES = (
    Appeal.Status.SUBMITTED,
    Appeal.Status.ACCEPTED,
    Appeal.Status.IN_PROGRESS,
    Appeal.Status.REOPENED,
)


class RateMonth(models.Model):
    """The counts behind the three rates for one organisation with everything below
    it, and one calendar month (Asia/Shanghai) that has ended: the response counts of
    the appeals first received in the subtree whose acceptance deadline fell in the
    month, the answer counts of those handled in it whose answer deadline did.
    Counted as rate_facts defines the rates, rebuilt by the scheduler
    (rate_months.rate_months_refresh); rates.rate_counts reads them for the ended months of a period and counts the rest
    live, so that a committee's year is a few hundred rows instead of hundreds of
    thousands of appeals."""

    month = models.DateField()  # the first day
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    due = models.PositiveIntegerField(default=0)
    responded_in_time = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    fairly = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "unit"], name="rate_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.unit_id}"


class AppealEvent(models.Model):
    """One step on an appeal's timeline. Public steps are shown to the submitter;
    internal ones only to those handling it. The submitter of an anonymous appeal is
    never an actor: their steps have no actor."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SUPPLEMENTED = "supplemented", _("More information added")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        TRANSFERRED = "transferred", _("Transferred")
        ASSIGNED = "assigned", _("Assigned")
        FOLLOW_UP = "follow_up", _("Progress")
        CO_HANDLING = "co_handling", _("Department asked to help")
        CO_HANDLING_REPLY = "co_handling_reply", _("Department replied")
        ANSWERED = "answered", _("Answered")
        RATED = "rated", _("Rated")
        REOPENED = "reopened", _("Reopened")
        ESCALATED = "escalated", _("Escalated")
        WARNING = "warning", _("Deadline warning")
        MERGED = "merged", _("Merged")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Published")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("step"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("by"), max_length=100, blank=True)
    is_public = models.BooleanField(_("shown to the submitter"), default=True)
    text = models.TextField(_("text"), max_length=5000, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["appeal", "created_at"], name="appeal_event_idx")]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


class CoHandling(models.Model):
    """A part of an appeal referred to an administrative department (协同办理)."""

    public_id = public_id_field()
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="co_handlings")
    department = models.ForeignKey(
        "orgs.Department", verbose_name=_("department"), on_delete=models.PROTECT
    )
    request = models.TextField(_("what is asked"), max_length=2000)
    due_at = models.DateTimeField(_("reply by"))
    reply = models.TextField(_("reply"), max_length=2000, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["public_id"], name="cohandling_public_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} → {self.department}"


class Rating(models.Model):
    """The submitter's call-back answer (回访): resolved? how satisfied?"""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(default=1)
    resolved = models.BooleanField(_("resolved"))
    satisfaction = models.CharField(_("satisfaction"), max_length=16, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "round"], name="rating_once_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.satisfaction}"


class MeToo(models.Model):
    """附议: an employee adds their voice to an open appeal instead of a duplicate."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="me_toos")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "user"], name="metoo_once")]

    def __str__(self) -> str:
        return f"{self.appeal_id} +1"


class Attachment(models.Model):
    """A file sent with an appeal or a step of it, checked by content, images re-encoded."""

    public_id = public_id_field()
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        AppealEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="appeals/%Y/%m/")
    name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["public_id"], name="attachment_public_id_unique")
        ]

    def __str__(self) -> str:
        return self.name


class NumberCounter(models.Model):
    """The last named appeal number given in a year ("SQ2026000123" is 123 of 2026).

    Named appeals are numbered from this row, taken under a row lock in the transaction
    that raises the appeal (services.intake), so their numbers are dense and in order;
    anonymous appeals get a random number and leave no gap in the sequence, so the
    numbers of a sender's named appeals do not show that an anonymous one came between."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
