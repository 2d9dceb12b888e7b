"""API tokens: "gr_<prefix>_<secret>". The prefix finds the row, the secret is checked
against its SHA-256 in constant time; revoked tokens and inactive people are refused."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from grassroots.accounts.models import ApiToken, User
from grassroots.core.audit import audit_record


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token; returns the row and the full token (shown once, never stored)."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(24)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:60] or "API", prefix=prefix, secret_hash=_digest(secret)
    )
    audit_record(actor=user, action="token.create", target=token)
    return token, f"gr_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=user, action="token.revoke", target=token)


def user_for_token(raw: str, *, touch: bool = True) -> User | None:
    """The active person the token belongs to, or None. `touch=False` leaves its "last
    used" time alone: an anonymous appeal raised with a token (Open311) must not leave
    the minute it came in beside its sender's token."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "gr":
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(parts[2])):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    if touch and (token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5)):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user
