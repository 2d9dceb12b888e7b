from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.accounts.identity import normalise_employee_number
from grassroots.accounts.roles import ORG_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(employee_number=normalise_employee_number(username or ""))

    def create_user(
        self, employee_number: str, name: str, password: str | None = None, **extra: Any
    ) -> User:
        user = self.model(
            employee_number=normalise_employee_number(employee_number), name=name, **extra
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, employee_number: str, name: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(employee_number, name, password, **extra)


class PoliticalStatus(models.TextChoices):
    """Derived from the member record, never stored on the user."""

    MASSES = "masses", _("Masses (not in the Party pipeline)")
    APPLICANT = "applicant", _("Applicant for Party membership")
    ACTIVIST = "activist", _("Activist")
    CANDIDATE = "candidate", _("Candidate for membership")
    PROBATIONARY = "probationary", _("Probationary Party member")
    FULL = "full", _("Party member")


class User(AbstractBaseUser, PermissionsMixin):
    """Every user is an employee (职工). Signs in with employee number or phone."""

    employee_number = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(pgettext_lazy("a person's name", "name"), max_length=64)
    phone = models.CharField(_("mobile phone"), max_length=20, unique=True, null=True, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    has_disability = models.BooleanField(_("has a disability"), default=False)
    prefers_large_text = models.BooleanField(_("large text"), default=False)
    prefers_high_contrast = models.BooleanField(_("high contrast"), default=False)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("created"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "employee_number"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["employee_number"]
        indexes = [models.Index(fields=["department"], name="user_department_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.employee_number}）"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def political_status(self) -> PoliticalStatus:
        member = getattr(self, "member", None)
        if member is None or not member.status_is_active:
            return PoliticalStatus.MASSES
        return PoliticalStatus(member.stage)


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def current(self, on: Any = None) -> RoleAssignmentQuerySet:
        today = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today), starts_on__lte=today)


class RoleAssignment(models.Model):
    """A role held over a scope: a Party organisation (and its subtree) or a department.

    Rows created for a post held (`post`) follow that post: ending the post ends them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("Party organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    post = models.ForeignKey(
        "orgs.OrgPost",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(_("until"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(
                        role__in=[r.value for r in ORG_ROLES],
                        org_unit__isnull=False,
                        department__isnull=True,
                    )
                    | Q(
                        role=Role.DEPARTMENT_LIAISON,
                        department__isnull=False,
                        org_unit__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                name="role_ends_after_start",
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            ),
        ]
        indexes = [models.Index(fields=["user", "ends_on"], name="role_user_idx")]

    def __str__(self) -> str:
        scope = self.org_unit or self.department
        return f"{self.user} · {self.get_role_display()} · {scope}"


class ApiToken(models.Model):
    """A key for integrations calling the JSON API as a person. Only a hash is kept;
    the full token is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"
