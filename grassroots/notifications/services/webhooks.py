"""Group-chat robots of an organisation: register, pause, resume, delete, test."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.core.audit import audit_record, snapshot
from grassroots.core.locking import locked
from grassroots.notifications import kinds, rules
from grassroots.notifications.models import Delivery, Webhook
from grassroots.notifications.services.inbox import notify, send_soon

if TYPE_CHECKING:
    from grassroots.accounts.models import User
    from grassroots.orgs.models import OrgUnit

URL_PROBLEMS = {
    "too_long": lambda: (
        _("The address is too long (at most %(max)s characters).") % {"max": rules.MAX_URL_LENGTH}
    ),
    "scheme": lambda: _("The address must start with http:// or https://."),
    "host": lambda: _("The address has no valid host name."),
    "not_routable": lambda: _(
        "The address points at this machine or a link-local address, which cannot be a group robot."
    ),
}
WEBHOOK_FIELDS = ("org_unit", "platform", "name", "is_active")


def webhook_check_url(url: str) -> None:
    problem = rules.webhook_url_problem(
        url, allow_loopback=settings.GRASSROOTS_WEBHOOK_ALLOW_LOOPBACK
    )
    if problem is not None:
        raise ValidationError({"url": URL_PROBLEMS[problem]()})


@transaction.atomic
def webhook_create(
    *, actor: User, org_unit: OrgUnit, platform: str, name: str, url: str, secret: str = ""
) -> Webhook:
    """Register an organisation's group-chat robot (address checked, secret kept)."""
    url = url.strip()
    webhook_check_url(url)
    webhook = Webhook.objects.create(
        org_unit=org_unit,
        platform=platform,
        name=name.strip(),
        url=url,
        secret=secret.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="webhook.create",
        target=webhook,
        after=snapshot(webhook, WEBHOOK_FIELDS),
        org_path=org_unit.path,
    )
    return webhook


@transaction.atomic
def webhook_pause(*, actor: User | None, webhook: Webhook, reason: str = "") -> Webhook:
    """Stop sending to a robot; when the system pauses it, its owner is told."""
    webhook = locked(webhook, related=("org_unit",))
    if not webhook.is_active:
        return webhook
    webhook.is_active = False
    webhook.paused_at = timezone.now()
    webhook.save(update_fields=["is_active", "paused_at"])
    audit_record(
        actor=actor,
        action="webhook.pause",
        target=webhook,
        extra={"reason": reason},
        org_path=webhook.org_unit.path,
    )
    if actor is None:
        owners = [webhook.created_by] if webhook.created_by else []
        notify(
            recipients=owners,
            kind=kinds.WEBHOOK_PAUSED.key,
            title=_("The group-chat robot “%(name)s” was paused") % {"name": webhook.name},
            body=_(
                "Sending failed %(count)s times in a row (%(reason)s). "
                "Check the address, then resume it."
            )
            % {"count": webhook.failure_count, "reason": reason},
            url=f"/notifications/robots/{webhook.org_unit_id}/",
            event_key=f"webhook-paused:{webhook.pk}:{webhook.paused_at:%Y%m%d%H%M%S}",
            urgent=True,
        )
    return webhook


@transaction.atomic
def webhook_resume(*, actor: User, webhook: Webhook) -> Webhook:
    webhook = locked(webhook, related=("org_unit",))
    webhook.is_active = True
    webhook.paused_at = None
    webhook.failure_count = 0
    webhook.save(update_fields=["is_active", "paused_at", "failure_count"])
    audit_record(
        actor=actor, action="webhook.resume", target=webhook, org_path=webhook.org_unit.path
    )
    return webhook


@transaction.atomic
def webhook_delete(*, actor: User, webhook: Webhook) -> None:
    audit_record(
        actor=actor,
        action="webhook.delete",
        target=webhook,
        before=snapshot(webhook, WEBHOOK_FIELDS),
        org_path=webhook.org_unit.path,
    )
    webhook.delete()


@transaction.atomic
def webhook_test(*, actor: User, webhook: Webhook) -> Delivery:
    """Queue a test message to a robot, so its owner sees it arrive in the group."""
    delivery = Delivery.objects.create(
        channel=webhook.platform,
        kind="test",
        webhook=webhook,
        title=_("Test message from the Grassroots platform"),
        body=_("If you can read this, the robot for %(unit)s works.")
        % {"unit": webhook.org_unit.name},
        dedupe_key=f"webhook-test:{webhook.pk}:{timezone.now().timestamp()}",
        urgent=True,
    )
    transaction.on_commit(send_soon)
    return delivery
