"""The words of the organisation: kinds of unit and department, a member's stage and
status, the posts held, a transfer's status.

Public: other apps use these choices in their queries, forms and models instead of
reaching into `orgs.models` (which is private to this app). The models take their
choices from here, so a value means the same thing everywhere.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    COMPANY = "company", _("Company")
    WORKSHOP = "workshop", _("Workshop")
    OFFICE = "office", _("Office")
    TEAM = "team", _("Team")


class UnitKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    GROUP = "group", _("Party group")


class MemberStage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    CANDIDATE = "candidate", _("Candidate")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")

    @classmethod
    def party_member_values(cls) -> list[str]:
        return [cls.PROBATIONARY.value, cls.FULL.value]

    @classmethod
    def pipeline_values(cls) -> list[str]:
        return [cls.APPLICANT.value, cls.ACTIVIST.value, cls.CANDIDATE.value]


class MemberStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    RETAINED = "retained", _("Retained")
    RESTORED = "restored", _("Restored")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left the Party")

    @property
    def is_active(self) -> bool:
        return self.value in MemberStatus.active_values()

    @classmethod
    def active_values(cls) -> list[str]:
        return [cls.NORMAL.value, cls.RETAINED.value, cls.RESTORED.value]


class LeavingReason(models.TextChoices):
    """Why a record stopped being active (the annual statistics count deaths apart)."""

    DEATH = "death", _("Died")
    EXPELLED = "expelled", _("Expelled (开除党籍)")
    STRUCK_OFF = "struck_off", _("Struck off or withdrew (除名、退党)")
    SUSPENDED = "suspended", _("Membership suspended (停止党籍)")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class Education(models.TextChoices):
    # Ordered from highest to lowest, as the annual statistics tables list them.
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("Bachelor's degree")
    COLLEGE = "college", _("College diploma (大专)")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational")
    HIGH_SCHOOL = "high_school", _("Senior high school")
    JUNIOR_OR_BELOW = "junior_or_below", _("Junior high school or below")


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANISATION = "organisation", _("Organisation committee member")
    PROPAGANDA = "propaganda", _("Propaganda committee member")
    DISCIPLINE = "discipline", _("Discipline committee member")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    GROUP_LEADER = "group_leader", _("Group leader")

    @classmethod
    def committee_values(cls) -> list[str]:
        """Posts that make up an elected committee (支部委员会 / 党委)."""
        return [kind.value for kind in cls if kind != cls.GROUP_LEADER]


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving branch")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
