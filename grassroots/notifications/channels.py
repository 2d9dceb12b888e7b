"""Channel adapters: each sends one delivery or raises ChannelError.

All adapters share one interface, `send(delivery)`. The in-app inbox is not an adapter:
an inbox notification is a row written in the same transaction as the change.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage, mailers

from grassroots.notifications import rules
from grassroots.notifications.models import Delivery

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


CHANNELS: dict[str, Channel] = {
    Delivery.Channel.EMAIL: EmailChannel(),
    Delivery.Channel.WECOM: WebhookChannel(),
    Delivery.Channel.DINGTALK: WebhookChannel(),
    Delivery.Channel.FEISHU: WebhookChannel(),
}
