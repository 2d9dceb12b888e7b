"""Public ids: what addresses, the API, notices and the audit log call a row by, instead
of its primary key.

A primary key counts up: whoever sees two of them knows which row came first and how
many came between, and can place an anonymous appeal between its sender's named ones.
A public id is 16 characters drawn at random with `secrets` from a 32-letter lowercase
alphabet without look-alikes (Crockford's base 32: no i, l, o, u), 80 random bits: too
many to guess one that exists, and nothing about the order of the rows. It is not a
key to the row: who may see it is still decided by each app's policy.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
LENGTH = 16
PATTERN = f"[{ALPHABET}]{{{LENGTH}}}"
_WHOLE = re.compile(f"{PATTERN}\\Z")


def new_public_id() -> str:
    """A fresh public id (the model fields' default)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def is_public_id(value: object) -> bool:
    """Whether `value` has the shape of a public id: anything else is a 404 before it
    reaches the database (a NUL byte, say, which PostgreSQL refuses)."""
    return isinstance(value, str) and _WHOLE.match(value) is not None


def public_key(obj: object) -> str:
    """How the audit log and notices name a row: its public id where it has one, its
    primary key otherwise."""
    public_id = getattr(obj, "public_id", None)
    return str(public_id) if public_id else str(getattr(obj, "pk", obj))


class PublicIdConverter:
    """`<public_id:name>` in a URL pattern: only the shape of a public id matches, so a
    row's old integer address and anything malformed answer 404."""

    regex = PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        text = str(value)
        if not is_public_id(text):
            raise ValueError(f"not a public id: {text!r}")
        return text
