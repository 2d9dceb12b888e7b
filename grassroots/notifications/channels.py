"""Channel adapters: each sends one delivery or raises ChannelError.

All adapters share one interface, `send(delivery)`. The in-app inbox is not an adapter:
an inbox notification is a row written in the same transaction as the change.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage, mailers

from grassroots.notifications import rules
from grassroots.notifications.models import Delivery

if TYPE_CHECKING:
    from grassroots.accounts.models import User

TIMEOUT_SECONDS = 5


class ChannelError(Exception):
    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class Channel(Protocol):
    def send(self, delivery: Delivery) -> None: ...


def absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.GRASSROOTS_BASE_URL.rstrip("/") + link


class EmailChannel:
    def send(self, delivery: Delivery) -> None:
        recipient = delivery.recipient
        if recipient is None or not recipient.email:
            raise ChannelError("no email address", retryable=False)
        message = EmailMessage(
            subject=delivery.title,
            body=rules.message_text(delivery.title, delivery.body, absolute(delivery.url)),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
        )
        try:
            mailers.default.send_messages([message])
        except OSError as error:
            raise ChannelError(f"mail server: {error}") from error


class WebhookChannel:
    """WeCom, DingTalk and Feishu group robots: JSON over HTTP POST."""

    def send(self, delivery: Delivery) -> None:
        webhook = delivery.webhook
        if webhook is None:
            raise ChannelError("no robot", retryable=False)
        link = absolute(delivery.url)
        url = webhook.url
        payload: dict[str, Any]
        if webhook.platform == "wecom":
            payload = rules.wecom_payload(delivery.title, delivery.body, link)
        elif webhook.platform == "dingtalk":
            payload = rules.dingtalk_payload(delivery.title, delivery.body, link)
            if webhook.secret:
                url = rules.dingtalk_signed_url(url, webhook.secret, int(time.time() * 1000))
        else:
            payload = rules.feishu_payload(
                delivery.title,
                delivery.body,
                link,
                timestamp=int(time.time()),
                secret=webhook.secret,
            )
        request = urllib.request.Request(  # noqa: S310 - the address was validated on entry
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                raw = response.read(65536)
        except urllib.error.HTTPError as error:
            raise ChannelError(
                f"HTTP {error.code}", retryable=error.code >= 500 or error.code == 429
            ) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ChannelError(f"network: {getattr(error, 'reason', error)}") from error
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise ChannelError("the robot's answer was not JSON") from None
        if not isinstance(body, dict) or not rules.platform_accepted(webhook.platform, body):
            raise ChannelError(f"refused: {str(body)[:200]}")


class PersonalApps(Protocol):
    """A person's own WeCom / DingTalk / Feishu app (not a group robot), which the
    integrations app provides: notifications cannot import it (it sits above)."""

    def channels_of(self, user_ids: Sequence[int]) -> dict[int, list[str]]:
        """Person → the channels (platform names) they chose for their notices."""
        ...

    def send(self, *, channel: str, user: User, title: str, body: str, url: str) -> None:
        """Send one message or raise ChannelError."""
        ...


_PERSONAL_APPS: list[PersonalApps] = []


def register_personal_apps(source: PersonalApps) -> None:
    _PERSONAL_APPS[:] = [source]


def personal_apps() -> PersonalApps | None:
    return _PERSONAL_APPS[0] if _PERSONAL_APPS else None


class RobotOrAppChannel:
    """A platform's deliveries: to a group robot (`webhook`) or to one person's app."""

    def __init__(self) -> None:
        self.robot = WebhookChannel()

    def send(self, delivery: Delivery) -> None:
        if delivery.webhook_id is not None or delivery.recipient is None:
            self.robot.send(delivery)
            return
        source = personal_apps()
        if source is None:
            raise ChannelError("no messenger app is connected", retryable=False)
        source.send(
            channel=delivery.channel,
            user=delivery.recipient,
            title=delivery.title,
            body=delivery.body,
            url=absolute(delivery.url),
        )


CHANNELS: dict[str, Channel] = {
    Delivery.Channel.EMAIL: EmailChannel(),
    Delivery.Channel.WECOM: RobotOrAppChannel(),
    Delivery.Channel.DINGTALK: RobotOrAppChannel(),
    Delivery.Channel.FEISHU: RobotOrAppChannel(),
}
