"""The header navigation: the links this person has a use for, and nothing else."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from grassroots.accounts.models import Role
from grassroots.accounts.scope import scope_for
from grassroots.notifications.selectors import unread_count
from grassroots.orgs import policy as orgs_policy


def navigation(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {
        "site_name": settings.GRASSROOTS_SITE_NAME,
        "display": getattr(request, "display", {"large_text": False, "high_contrast": False}),
    }
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    scope = scope_for(user)
    context["unread_count"] = unread_count(user)
    items: list[tuple[str, str]] = [
        (reverse("home"), _("Home")),
        (reverse("appeals:mine"), _("My appeals")),
    ]
    if (
        scope.is_admin
        or scope.is_officer
        or scope.department_paths
        or scope.paths_for(Role.DISCIPLINE_OFFICER)
    ):
        items.append((reverse("appeals:queue"), _("Appeals to handle")))
    if scope.is_member or scope.is_officer or scope.is_admin:
        items.append((reverse("orglife:mine"), _("Organisational life")))
    items.append((reverse("service:home"), _("Service")))
    items.append((reverse("orgs:tree"), _("Party organisations")))
    if orgs_policy.can_list_members(scope):
        items.append((reverse("orgs:member_list"), _("Members")))
        items.append((reverse("insights:structure"), _("Structure analysis")))
    if scope.is_officer or scope.is_admin:
        items.append((reverse("orgs:transfer_list"), _("Transfers")))
    items.append((reverse("orgs:department_tree"), _("Departments")))
    if any(orgs_policy.can_import(scope, kind) for kind in ("members", "employees")):
        items.append((reverse("orgs:import"), _("Import")))
    if scope.is_admin or scope.is_committee_officer:
        items.append((reverse("core:audit_log"), _("Audit log")))
    if scope.is_admin:
        items.append((reverse("notifications:delivery_log"), _("Delivery log")))
    if user.is_staff:
        items.append((reverse("admin:index"), _("Administration")))
    # The current item is the one whose address is the longest prefix of this page's.
    path = request.path
    matches = [url for url, _label in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len) if matches else None
    context["nav_items"] = [
        {"url": url, "label": label, "current": url == current} for url, label in items
    ]
    return context
