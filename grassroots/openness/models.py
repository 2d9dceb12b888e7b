"""Notices, the openness catalogue, consultations, their comments and the answers.

An anonymous comment stores no link to its author, as anonymous appeals and objections
do, and the day only, not the time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.public_ids import LENGTH as PUBLIC_ID_LENGTH
from grassroots.core.public_ids import new_public_id
from grassroots.openness.vocabulary import (
    Audience,
    CommenterGroup,
    Frequency,
    Matter,
    NoticeKind,
    Outcome,
    Timing,
)

__all__ = [
    "Attachment",
    "CatalogueItem",
    "Comment",
    "CommentAnswer",
    "Consultation",
    "Notice",
    "NoticeRead",
]

TITLE_MAX = 200
BODY_MAX = 20_000
COMMENT_MAX = 2_000
REASON_MAX = 2_000


class Notice(models.Model):
    """A notice a Party organisation publishes to an audience (党务公开). A notice that is
    also a 公示 has a public notice in `orgs.publicity` (subject kind `openness.notice`),
    which runs its working days and takes the objections."""

    Kind = NoticeKind

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("text"))
    audience = models.CharField(_("who may read it"), max_length=16, choices=Audience.choices)
    # The period it covers, for the catalogue: a core.periods key ("2026", "2026-Q3",
    # "2026-H2"), empty for a notice of an event.
    period_key = models.CharField(_("period covered"), max_length=16, blank=True)
    publicity_days = models.PositiveSmallIntegerField(
        _("public notice for (working days)"), null=True, blank=True
    )
    # Kept by the services so that lists read one row per notice; shown as a total only.
    read_count = models.PositiveIntegerField(default=0, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    # The form's one-time key: the same form sent twice makes one row (a double submit).
    idempotency_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["unit", "audience", "-published_at", "-id"], name="notice_unit_list"
            ),
            models.Index(fields=["audience", "-published_at", "-id"], name="notice_audience_list"),
            models.Index(fields=["unit", "kind", "period_key"], name="notice_catalogue"),
            # One kind to one audience, newest first: the public adoption reports that
            # the "you said, we did" page reads for a subtree.
            models.Index(
                fields=["kind", "audience", "-published_at", "-id"], name="notice_kind_list"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(publicity_days__isnull=True)
                | Q(publicity_days__gte=1, audience__in=[Audience.PUBLIC, Audience.ENTERPRISE]),
                name="notice_publicity_reaches_everyone",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeRead(models.Model):
    """That a person opened a notice: what is new for them, and the read total. Nobody
    is shown who has not read (RULES: no forced reading)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "notice"], name="notice_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.user_id}"


class CatalogueItem(models.Model):
    """One line of the openness catalogue (公开目录) for a kind of Party organisation:
    what must be published, to whom and how often."""

    unit_kind = models.CharField(_("kind of organisation"), max_length=16)
    notice_kind = models.CharField(_("what"), max_length=16, choices=NoticeKind.choices)
    audience = models.CharField(_("to whom"), max_length=16, choices=Audience.choices)
    frequency = models.CharField(_("how often"), max_length=8, choices=Frequency.choices)
    timing = models.CharField(
        _("when"), max_length=8, choices=Timing.choices, default=Timing.WITHIN
    )
    # Days after the period starts (within) or ends (after) before the item is overdue.
    grace_days = models.PositiveSmallIntegerField(_("days allowed"), default=30)
    note = models.CharField(_("what it contains"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("openness catalogue item")
        verbose_name_plural = _("openness catalogue")
        ordering = ["unit_kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_kind", "notice_kind"], name="catalogue_one_item_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_kind}: {self.get_notice_kind_display()}"


class Consultation(models.Model):
    """A consultation on a draft decision (征求意见): open for a number of working days,
    closed only when every comment has an answer."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for comments")
        CLOSED = "closed", pgettext_lazy("consultation status", "Closed")

    Matter = Matter

    public_id = models.CharField(max_length=PUBLIC_ID_LENGTH, default=new_public_id, editable=False)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("consulting organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    draft = models.TextField(_("the draft"))
    matter = models.CharField(_("matter"), max_length=16, choices=Matter.choices)
    audience = models.CharField(_("who is asked"), max_length=16, choices=Audience.choices)
    # Optional questions, each answered in a comment beside its free text.
    questions = models.JSONField(_("questions"), default=list, blank=True)
    comments_shown = models.BooleanField(
        _("show comments to those asked (after moderation)"), default=False
    )
    working_days = models.PositiveSmallIntegerField(_("working days"))
    opens_on = models.DateField(_("first day"))
    closes_on = models.DateField(_("last day"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    # The form's one-time key: the same form sent twice makes one row (a double submit).
    idempotency_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    changes = models.TextField(_("what changed in the decision"), blank=True)
    decision = models.TextField(_("the decision taken"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # The meeting that took the decision (orglife), by id with its label as it was.
    meeting_id = models.PositiveBigIntegerField(null=True, blank=True)
    meeting_label = models.CharField(max_length=200, blank=True)
    report = models.ForeignKey(
        Notice,
        verbose_name=_("adoption report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "status", "closes_on"], name="consultation_unit"),
            models.Index(fields=["audience", "status", "closes_on"], name="consultation_audience"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["public_id"], name="consultation_public_id_unique"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="consultation_days_order"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | Q(status="closed", closed_at__isnull=False),
                name="consultation_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CommentAnswer(models.Model):
    """The answer to one comment, or to several similar ones together (采纳情况)."""

    Outcome = Outcome

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="answers")
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)
    # The practical deed an adopted suggestion became (service), linked both ways.
    deed = models.ForeignKey(
        "service.Deed", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="comment_answer_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}:{self.outcome}"


class Comment(models.Model):
    """An opinion on a consultation's draft."""

    Group = CommenterGroup

    public_id = models.CharField(max_length=PUBLIC_ID_LENGTH, default=new_public_id, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    # The group of a named comment's author when they commented ("" for anonymous ones).
    group = models.CharField(max_length=16, choices=CommenterGroup.choices, blank=True)
    text = models.TextField(_("your opinion"))
    # Answers to the consultation's questions, in their order ("" where left blank).
    replies = models.JSONField(default=list, blank=True)
    tokens = models.TextField(blank=True, editable=False)
    created_on = models.DateField(default=timezone.localdate)
    # The form's one-time key: the same form sent twice makes one row (a double submit).
    idempotency_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(_("why it is hidden"), max_length=200, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.ForeignKey(
        CommentAnswer, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["consultation", "answer"], name="comment_answered"),
            models.Index(fields=["author", "consultation"], name="comment_author"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["public_id"], name="comment_public_id_unique"),
            models.CheckConstraint(
                condition=Q(is_anonymous=False, author__isnull=False)
                | Q(is_anonymous=True, author__isnull=True),
                name="comment_anonymous_has_no_author",
            ),
            models.CheckConstraint(
                condition=Q(hidden=False) | ~Q(hidden_reason=""), name="comment_hidden_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.public_id


class Attachment(models.Model):
    """A file with a notice, a consultation's draft or its decision: checked by content as
    appeals' files are (images re-encoded without metadata, PDFs cleaned)."""

    public_id = models.CharField(max_length=PUBLIC_ID_LENGTH, default=new_public_id, editable=False)
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    consultation = models.ForeignKey(
        Consultation, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    is_decision = models.BooleanField(default=False)
    file = models.FileField(upload_to="openness/%Y/%m/")
    name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["public_id"], name="openness_attachment_public_id"),
            models.CheckConstraint(
                condition=Q(notice__isnull=False, consultation__isnull=True)
                | Q(notice__isnull=True, consultation__isnull=False),
                name="openness_attachment_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.name
