"""commendations: the tables. A committee's round of commendations (两优一先) for a year,
the branches' nominations, and the decision on each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["CommendationRound", "Nomination"]


class CommendationRound(models.Model):
    """A committee's commendations for one year. Its nominations go into one public
    notice (公示) together; the notice's id is kept, not a link, since notices belong to
    orgs."""

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    notice_id = models.PositiveBigIntegerField(_("public notice"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"))

    class Meta:
        verbose_name = _("commendation round")
        verbose_name_plural = _("commendation rounds")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="commendation_round_one_a_year")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def accepts_nominations(self) -> bool:
        return self.notice_id is None


class Nomination(models.Model):
    """A branch's nomination of a member (优秀共产党员, 优秀党务工作者) or of a Party
    organisation (先进基层党组织), and what became of it."""

    class Kind(models.TextChoices):
        OUTSTANDING_MEMBER = "member", _("Outstanding Communist Party member (优秀共产党员)")
        PARTY_WORKER = "worker", _("Outstanding Party worker (优秀党务工作者)")
        ADVANCED_ORGANISATION = (
            "organisation",
            _("Advanced grassroots Party organisation (先进基层党组织)"),
        )

        @classmethod
        def for_members(cls) -> list[str]:
            return [cls.OUTSTANDING_MEMBER.value, cls.PARTY_WORKER.value]

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        IN_NOTICE = "in_notice", _("In public notice")
        NOT_CHOSEN = "not_chosen", _("Not put into public notice")
        COMMENDED = "commended", _("Commended")
        NOT_COMMENDED = "not_commended", _("Not commended")

    round = models.ForeignKey(
        CommendationRound,
        verbose_name=_("commendation round"),
        on_delete=models.CASCADE,
        related_name="nominations",
    )
    kind = models.CharField(_("honour"), max_length=16, choices=Kind.choices)
    branch = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("nominated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    member = models.ForeignKey(
        "orgs.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOMINATED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    nominated_at = models.DateTimeField(_("nominated at"))
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["kind", "pk"]
        constraints = [
            # A member is nominated for an honour once a round; an organisation once.
            models.UniqueConstraint(
                fields=["round", "kind", "member"],
                condition=Q(member__isnull=False),
                name="nomination_member_once",
            ),
            models.UniqueConstraint(
                fields=["round", "branch"],
                condition=Q(kind="organisation"),
                name="nomination_organisation_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="organisation", member__isnull=True)
                | (Q(kind__in=["member", "worker"]) & Q(member__isnull=False)),
                name="nomination_member_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.pk}"
