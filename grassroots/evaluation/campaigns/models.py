"""campaigns: the tables.

The roll (`Elector`) says *who* has voted, and on which day; the ballot box (`Ballot`,
`Mark`, `Remark`) says *what* was voted, and carries no person, no time and no
insertion order: its keys are random, and the box is rewritten in random order when
the campaign closes (see `services.campaign_close`). Nothing links the two tables.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Ballot",
    "Campaign",
    "CampaignItem",
    "CampaignSubject",
    "Elector",
    "Mark",
    "Rectification",
    "Remark",
]


def random_key() -> str:
    """A key that says nothing of when its row was written."""
    return secrets.token_hex(16)


class Campaign(models.Model):
    class SubjectKind(models.TextChoices):
        BRANCHES = "branches", _("Branches")
        MEMBERS = "members", _("Named members (述职评议)")

    class Scale(models.TextChoices):
        FIVE = "five", _("Scores from 1 to 5")
        SATISFACTION = "satisfaction", _("满意 / 基本满意 / 不满意")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    organiser = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=100)
    subject_kind = models.CharField(
        _("who is evaluated"), max_length=16, choices=SubjectKind.choices
    )
    scale = models.CharField(_("answers"), max_length=16, choices=Scale.choices)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    period_first = models.DateField(_("period evaluated from"))
    period_last = models.DateField(_("period evaluated to"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # group -> weight as a string ("0.4"); frozen defaults from rules when created
    weights = models.JSONField(_("group weights"), default=dict)
    categories = models.ManyToManyField(
        "appeals.Category",
        verbose_name=_("related appeal categories"),
        blank=True,
        related_name="+",
    )
    # how many paper ballots were entered (once, as one batch); none is marked as such
    # Everyone but the full members answers as an employee (the employees' opinions of
    # a democratic appraisal); otherwise each member by their stage.
    others_as_employees = models.BooleanField(default=False, editable=False)
    paper_ballots = models.PositiveIntegerField(default=0, editable=False)
    opening_reminded_on = models.DateField(null=True, editable=False)
    closing_reminded = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Written anew each time the campaign opens: what the voting page keeps in the cache
    # is named by it, so an opening after a restore never finds an older one's questions.
    opened_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("evaluation campaign")
        verbose_name_plural = _("evaluation campaigns")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="campaign_closes_after_opening",
                condition=models.Q(closes_on__gte=models.F("opens_on")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def maximum(self) -> int:
        return 3 if self.scale == self.Scale.SATISFACTION else 5


class CampaignSubject(models.Model):
    """What is evaluated: a branch, or a named member (then `unit` is their branch)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="subjects")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "orgs.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"],
                condition=models.Q(member__isnull=True),
                name="campaign_subject_unit_once",
            ),
            models.UniqueConstraint(
                fields=["campaign", "member"],
                condition=models.Q(member__isnull=False),
                name="campaign_subject_member_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignItem(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=200)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Elector(models.Model):
    """A person on the frozen roll: their group, and whether (and on which day) they
    voted. Nothing here points to their ballot."""

    class Group(models.TextChoices):
        EMPLOYEES = "employees", _("Employees")
        FULL_MEMBERS = "full_members", _("Full members")
        PROBATIONARY = "probationary", _("Probationary members")
        ACTIVISTS = "activists", _("Activists")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="electors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    voted_on = models.DateField(_("voted on"), null=True, blank=True)
    on_paper = models.BooleanField(_("voted on paper"), default=False)
    reminders = models.BooleanField(_("remind me"), default=True)

    class Meta:
        ordering = ["group", "user__employee_number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="elector_once"),
        ]
        indexes = [models.Index(fields=["user", "campaign"], name="elector_user_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.user_id}"


class Ballot(models.Model):
    """One ballot in the box: the voter's group and a receipt code, nothing else (not
    even whether it came on paper: with one paper voter in a group, that alone would
    point to their ballot; the campaign keeps the count of paper ballots)."""

    id = models.CharField(primary_key=True, max_length=32, default=random_key, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ballots")
    group = models.CharField(max_length=16, choices=Elector.Group.choices)
    receipt = models.CharField(max_length=16, unique=True)

    class Meta:
        ordering = ["receipt"]

    def __str__(self) -> str:
        return self.receipt


class Mark(models.Model):
    id = models.CharField(primary_key=True, max_length=32, default=random_key, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    subject = models.ForeignKey(CampaignSubject, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(CampaignItem, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "subject", "item"], name="mark_once"),
        ]

    def __str__(self) -> str:
        return str(self.score)


class Remark(models.Model):
    """A ballot's optional comment on one subject."""

    id = models.CharField(primary_key=True, max_length=32, default=random_key, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="remarks")
    subject = models.ForeignKey(CampaignSubject, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=1000)

    def __str__(self) -> str:
        return self.text[:50]


class Rectification(models.Model):
    """An item of a subject's rectification plan (整改) after a campaign."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        UNDER_WAY = "under_way", _("Under way")
        DONE = "done", _("Done")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rectifications")
    subject = models.ForeignKey(
        CampaignSubject, on_delete=models.CASCADE, related_name="rectifications"
    )
    item = models.ForeignKey(
        CampaignItem,
        verbose_name=_("question it answers"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("what will be done"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due on"))
    deed = models.ForeignKey(
        "service.Deed",
        verbose_name=_("practical deed"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("appeal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("progress"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.TextField(_("progress so far"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.action
