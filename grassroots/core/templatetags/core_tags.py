from __future__ import annotations

import re
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    request = context["request"]
    query = request.GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def query_string(values: dict[str, Any]) -> str:
    return urlencode({key: value for key, value in values.items() if value not in (None, "")})


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.4567 → 45.7%; None (nothing to divide by) → —."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


# An address in plain text: up to a space, a quote or an angle bracket, or Chinese
# punctuation (which writers put straight before and after an address, with no space).
_ADDRESS = re.compile(r"https?://[^\s<>\"'，。；：、！？（）【】《》“”‘’]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]"


@register.filter(needs_autoescape=True)
def links(text: str, autoescape: bool = True) -> SafeString:
    """Plain text, escaped, with its web addresses made links (opening in the same tab,
    `rel="nofollow noopener"`). Django's `urlize` finds addresses only between spaces,
    which Chinese text does not put around them ("留言：https://…")."""
    escape = conditional_escape if autoescape else str
    text = str(text)
    pieces: list[str] = []
    last = 0
    for match in _ADDRESS.finditer(text):
        address = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(address)
        pieces.append(str(escape(text[last : match.start()])))
        shown = escape(address)
        pieces.append(f'<a href="{shown}" rel="nofollow noopener">{shown}</a>')
        last = end
    pieces.append(str(escape(text[last:])))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


@register.simple_tag(takes_context=True)
def device_owner(context: template.Context) -> str:
    """Who the open page belongs to, as the offline script needs it: an opaque value, the
    same for one person on every page, "" for a visitor. The script forgets the kept
    pages when it changes (another person signed in, or nobody), and sends a queued form
    only for the person who filled it in. Keyed with the server's secret, so it says
    nothing about the person to anyone reading the device."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("grassroots.webapp.owner", str(user.pk), algorithm="sha256").hexdigest()[:24]


@register.simple_tag
def page_max_age() -> int:
    """How long, in seconds, a page may serve offline: as long as a session lasts without
    a request. A kept page older than this is not shown, and a form on a page older than
    this is not kept for sending (its session has ended; the next person may hold it)."""
    return int(settings.SESSION_IDLE_TIMEOUT.total_seconds())


# Drawn fragments of {% unchanging %}, by (template, language).
_UNCHANGING: dict[tuple[str, str | None], SafeString] = {}


@register.simple_tag
def unchanging(template_name: str) -> SafeString:
    """A part of every page that depends on nothing but the language (texts, the
    addresses of static files and of fixed pages): drawn once per language in each
    process, then reused. Every page has two (the head's files, the offline script's
    texts), about a third of a light page's drawing. Rendered without the request: a
    value of the person or the request cannot get in (nor a CSP nonce, which the policy
    does not use). Drawn afresh on each page while DEBUG is on (templates being edited)
    and after a setting changes (tests)."""
    key = (template_name, get_language())
    drawn = None if settings.DEBUG else _UNCHANGING.get(key)
    if drawn is None:
        drawn = mark_safe(render_to_string(template_name).strip())  # noqa: S308  (our own template's output, escaped when drawn)
        _UNCHANGING[key] = drawn
    return drawn


@receiver(setting_changed)
def _forget_unchanging(**_kwargs: Any) -> None:
    _UNCHANGING.clear()
