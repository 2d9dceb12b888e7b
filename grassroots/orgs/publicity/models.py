"""Public notices (公示) and the objections lodged against them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["NoticeObjection", "PublicNotice"]


class PublicNotice(models.Model):
    """A notice put up by a Party organisation for a number of working days. Its subject
    lives elsewhere (a commendation, a development step): kind, id and label only."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="public_notices",
    )
    subject_kind = models.CharField(_("kind of subject"), max_length=60)
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    subject_label = models.CharField(_("subject"), max_length=200)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["ends_on", "starts_on"], name="public_notice_days")]
        constraints = [
            # One notice per subject: a second publication (a double submit) is refused.
            models.UniqueConstraint(
                fields=["subject_kind", "subject_id"], name="public_notice_one_per_subject"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="public_notice_days_order"
            ),
            models.CheckConstraint(condition=Q(working_days__gte=1), name="public_notice_days_min"),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeObjection(models.Model):
    """An objection (异议) to a public notice. An anonymous one stores no link to the
    person who lodged it, as anonymous appeals do."""

    notice = models.ForeignKey(
        PublicNotice,
        verbose_name=_("public notice"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lodged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    text = models.TextField(_("objection"))
    lodged_on = models.DateField(_("lodged on"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection to a public notice")
        verbose_name_plural = _("objections to public notices")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False, author__isnull=False)
                | Q(is_anonymous=True, author__isnull=True),
                name="notice_objection_anonymous_has_no_author",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="notice_objection_answered_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.pk}"
