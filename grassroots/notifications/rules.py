"""Pure rules for notifications: quiet hours, back-off, webhook addresses, payloads
and signatures of the three group-robot platforms."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import ipaddress
import urllib.parse
from typing import Any

MAX_URL_LENGTH = 500


# --- Quiet hours ------------------------------------------------------------------------


def in_quiet_hours(moment: datetime.time, start: datetime.time, end: datetime.time) -> bool:
    """Whether a local time of day falls in quiet hours (which may span midnight)."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def quiet_hours_end(
    local_now: datetime.datetime, start: datetime.time, end: datetime.time
) -> datetime.datetime:
    """When the quiet hours containing `local_now` end (aware, same zone); `local_now`
    itself when it is not in quiet hours."""
    if not in_quiet_hours(local_now.timetz().replace(tzinfo=None), start, end):
        return local_now
    candidate = local_now.replace(
        hour=end.hour, minute=end.minute, second=end.second, microsecond=end.microsecond
    )
    if candidate <= local_now:
        candidate += datetime.timedelta(days=1)
    return candidate


# --- Retries ----------------------------------------------------------------------------

FIRST_RETRY = datetime.timedelta(seconds=30)
# When the daily notices and emails go out (local time).
DAILY_AT = datetime.time(8, 0)


def next_daily_run(moment: datetime.datetime, zone: datetime.tzinfo) -> datetime.datetime:
    """The first daily run after `moment` (aware): today's at DAILY_AT, or tomorrow's."""
    local = moment.astimezone(zone)
    run = datetime.datetime.combine(local.date(), DAILY_AT, tzinfo=zone)
    return run if local < run else run + datetime.timedelta(days=1)


LONGEST_RETRY = datetime.timedelta(hours=6)


def retry_delay(attempts: int) -> datetime.timedelta:
    """Wait before the next attempt: 30 s, 2 min, 8 min, 32 min, … at most 6 h."""
    if attempts < 1:
        return datetime.timedelta(0)
    exponent = min(attempts - 1, 10)  # 30 s × 4^10 is far past the cap already
    return min(FIRST_RETRY * (4**exponent), LONGEST_RETRY)


# --- Webhook addresses ------------------------------------------------------------------


def webhook_url_problem(url: str, *, allow_loopback: bool = False) -> str | None:
    """Why an address cannot be used for a group robot, or None when it can.

    Returns a short code the form turns into a sentence: "too_long", "scheme", "host",
    "not_routable". Private intranet addresses are allowed (air-gapped deployments run
    their own relays); addresses that can never be a robot are not.
    """
    if len(url) > MAX_URL_LENGTH:
        return "too_long"
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "host"
    if parts.scheme not in ("http", "https"):
        return "scheme"
    host = parts.hostname
    if not host or parts.username or parts.password:
        return "host"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host in ("localhost", "localhost.localdomain") and not allow_loopback:
            return "not_routable"
        return None
    if address.is_loopback and allow_loopback:
        return None
    if (
        address.is_link_local
        or address.is_loopback
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
    ):
        return "not_routable"
    return None


# --- Payloads and signatures ------------------------------------------------------------


def message_text(title: str, body: str, link: str) -> str:
    lines = [title]
    if body:
        lines.append(body)
    if link:
        lines.append(link)
    return "\n".join(lines)


def wecom_payload(title: str, body: str, link: str) -> dict[str, Any]:
    """WeCom group robot: markdown message (qyapi.weixin.qq.com/cgi-bin/webhook/send)."""
    content = f"**{title}**"
    if body:
        content += f"\n{body}"
    if link:
        content += f"\n[{link}]({link})"
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_payload(title: str, body: str, link: str) -> dict[str, Any]:
    """DingTalk custom robot: markdown with a title (oapi.dingtalk.com/robot/send)."""
    text = f"### {title}\n\n{body}" if body else f"### {title}"
    if link:
        text += f"\n\n[{link}]({link})"
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def feishu_payload(
    title: str, body: str, link: str, *, timestamp: int | None = None, secret: str = ""
) -> dict[str, Any]:
    """Feishu custom bot: a text message, signed in the body when a secret is set."""
    payload: dict[str, Any] = {
        "msg_type": "text",
        "content": {"text": message_text(title, body, link)},
    }
    if secret and timestamp is not None:
        payload["timestamp"] = str(timestamp)
        payload["sign"] = feishu_sign(secret, timestamp)
    return payload


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret, base64 (not yet quoted)."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp_ms))
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def feishu_sign(secret: str, timestamp: int) -> str:
    """Feishu: HMAC-SHA256 keyed with "timestamp\\nsecret" over an empty message, base64."""
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def platform_accepted(platform: str, response: dict[str, Any]) -> bool:
    """Each platform answers HTTP 200 with its own success code in the body."""
    if platform == "feishu":
        return response.get("code", response.get("StatusCode", -1)) == 0
    return response.get("errcode", -1) == 0
