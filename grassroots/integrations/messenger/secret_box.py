"""Messenger app secrets, encrypted at rest.

The key is GRASSROOTS_MESSENGER_KEY (a Fernet key) when set, otherwise one derived from
DJANGO_SECRET_KEY: a copy of the database alone does not reveal the secrets, and rotating
the Django secret key means entering the messenger secrets again (the pages say so).
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadableError(Exception):
    """The stored secret was encrypted under another key."""


def _fernet() -> Fernet:
    key = getattr(settings, "GRASSROOTS_MESSENGER_KEY", "")
    if not key:
        digest = hashlib.sha256(b"grassroots-messenger:" + settings.SECRET_KEY.encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadableError from None
