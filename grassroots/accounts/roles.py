"""The roles a person can hold over a scope (the vocabulary of the access layer)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BRANCH_OFFICER = "branch_officer", _("Branch officer")
    COMMITTEE_OFFICER = "committee_officer", _("Committee officer")
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")
    DISCIPLINE_OFFICER = "discipline_officer", _("Discipline officer")


ORG_ROLES = (Role.BRANCH_OFFICER, Role.COMMITTEE_OFFICER, Role.DISCIPLINE_OFFICER)
