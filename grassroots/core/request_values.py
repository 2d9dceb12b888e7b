"""Reading ids and numbers out of a request's parameters, safely.

A parameter is text a stranger typed. `"²".isdigit()` is true and `int("²")` raises;
`"-1"`, `"1e9"`, ten thousand digits and `"%00"` all reach views. Everything here
answers `None` for anything that is not a plain, in-range number, so the caller
decides between "not found" (404) and "use the default" — never a 500.
"""

from __future__ import annotations

import re

# The largest value every supported database stores in an integer key.
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def positive_int(raw: object, *, maximum: int = MAX_ID) -> int | None:
    """A whole number from 1 to `maximum` written in ASCII digits, or None."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= maximum else None


def object_id(raw: object) -> int | None:
    """A primary key from a parameter such as `?unit=12`, or None."""
    return positive_int(raw)
