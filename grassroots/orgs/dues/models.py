"""Party dues (党费): each member's monthly base, the month's bills, and an append-only
ledger of payments. A correction is a reversing entry with a reason, never an edit; a
branch's month, once closed, takes no more entries."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grassroots.orgs.dues import rules

__all__ = [
    "DuesArrearsReason",
    "DuesBase",
    "DuesBill",
    "DuesMonthClose",
    "DuesPayment",
    "DuesQuarterly",
]


class DuesBase(models.Model):
    """A member's monthly base from a month on: after-tax fixed pay (employees), the
    pension (retirees), or for farmers the monthly amount the branch fixed. Students,
    the laid-off and those on relief pay a fixed 0.20 元 whatever the base. Sensitive:
    only the member, their branch's dues officers and the committee's organisation
    officers see it (policy.can_see_base)."""

    class Kind(models.TextChoices):
        EMPLOYEE = rules.EMPLOYEE, _("Employee (after-tax fixed pay)")
        RETIREE = rules.RETIREE, _("Retiree (pension)")
        STUDENT = rules.STUDENT, _("Student")
        LAID_OFF = rules.LAID_OFF, _("Laid off")
        RELIEF = rules.RELIEF, _("On relief (低保)")
        FARMER = rules.FARMER, _("Farmer")

    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("monthly base"), max_digits=12, decimal_places=2)
    from_month = models.DateField(_("from month"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("dues base")
        verbose_name_plural = _("dues bases")
        constraints = [
            models.UniqueConstraint(fields=["member", "from_month"], name="dues_base_one_a_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_base_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.from_month:%Y-%m}"


class DuesBill(models.Model):
    """What a member owes for one month, made on the 1st by the scheduler from the base
    in force, with the branch they belonged to then."""

    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    base = models.ForeignKey(DuesBase, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("dues bill")
        verbose_name_plural = _("dues bills")
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_bill_one_a_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="dues_bill_not_negative"),
        ]
        indexes = [models.Index(fields=["branch", "month"], name="dues_bill_branch_month")]

    def __str__(self) -> str:
        # No amount: an audit page or a log line must not let anyone work out a base.
        return f"{self.month:%Y-%m} #{self.pk}"


class AppendOnly(models.Model):
    """Rows written once: saving one again is refused (a correction is a new row)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("ledger entries are never edited: record a reversal")
        super().save(*args, **kwargs)


class DuesPayment(AppendOnly):
    """One ledger entry. A payment pays one bill in full; a reversal cancels one payment
    (negative amount, with a reason); a voluntary payment (≥ 1,000 元) pays no bill and
    is kept apart. The entry is booked in the month of `paid_on`."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("Payment")
        REVERSAL = "reversal", _("Reversal")
        VOLUNTARY = "voluntary", _("Voluntary payment")

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        PAYROLL = "payroll", _("Payroll deduction")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    bill = models.ForeignKey(
        DuesBill, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("how it was paid"), max_length=16, choices=Method.choices)
    paid_on = models.DateField(_("paid on"))
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        indexes = [models.Index(fields=["branch", "paid_on"], name="dues_payment_branch_day")]
        constraints = [
            models.CheckConstraint(
                name="dues_payment_shape",
                condition=(
                    Q(kind="payment", amount__gt=0, bill__isnull=False, reverses__isnull=True)
                    | Q(kind="reversal", amount__lt=0, reverses__isnull=False)
                    | Q(
                        kind="voluntary",
                        amount__gte=rules.VOLUNTARY_MIN,
                        bill__isnull=True,
                        reverses__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                name="dues_reversal_has_reason", condition=~Q(kind="reversal") | ~Q(reason="")
            ),
        ]

    def __str__(self) -> str:
        # No amount: an audit page or a log line must not let anyone work out a base.
        return f"{self.get_kind_display()} #{self.pk}"


class DuesMonthClose(AppendOnly):
    """The dues officer closed the branch's month: no entry is booked in it any more."""

    branch = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("closed dues month")
        verbose_name_plural = _("closed dues months")
        constraints = [
            models.UniqueConstraint(fields=["branch", "month"], name="dues_month_closed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.month:%Y-%m}"


class DuesArrearsReason(AppendOnly):
    """The dues officer's record of a proper reason (RULES: "without a proper reason")
    why a member is behind with the dues, e.g. a long illness: it silences the flag at
    six months for this run of arrears — the one whose oldest unpaid month is `oldest`;
    once paid up, a new run is flagged again. Never a removal, never an edit: a new
    reason is a new row."""

    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="+")
    oldest = models.DateField(_("oldest unpaid month"))
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("reason for dues arrears")
        verbose_name_plural = _("reasons for dues arrears")
        indexes = [models.Index(fields=["member", "oldest"], name="dues_reason_member")]
        constraints = [
            models.CheckConstraint(name="dues_reason_not_empty", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.oldest:%Y-%m}"


class DuesQuarterly(AppendOnly):
    """The branch approved (or revoked) quarterly payment for a member from a month on
    (RULES: pay monthly, quarterly with the branch's approval): who, from which month,
    the day of the decision and who took it (e.g. the branch committee's meeting). Never
    edited: a revocation is a new row. For a month, the latest row from that month or
    before (by month, then as recorded) says whether the approval is in force."""

    class Kind(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REVOKED = "revoked", _("Revoked")

    member = models.ForeignKey("orgs.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("decision"), max_length=16, choices=Kind.choices)
    from_month = models.DateField(_("from month"))
    decided_on = models.DateField(_("day of the decision"))
    decided_by = models.CharField(_("decided by"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("quarterly dues payment decision")
        verbose_name_plural = _("quarterly dues payment decisions")
        indexes = [models.Index(fields=["member", "from_month"], name="dues_quarterly_member")]
        constraints = [
            models.CheckConstraint(name="dues_quarterly_decided_by", condition=~Q(decided_by="")),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.from_month:%Y-%m}"
