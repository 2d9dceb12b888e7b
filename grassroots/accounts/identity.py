"""Pure rules for how people identify themselves: employee numbers and phone numbers."""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EMPLOYEE_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9_\-]{0,31}$")


def normalise_employee_number(raw: str) -> str:
    """Employee numbers are compared without surrounding space, case or full-width forms."""
    return unicodedata.normalize("NFKC", raw).strip().upper()


def is_valid_employee_number(value: str) -> bool:
    return bool(_EMPLOYEE_NUMBER.fullmatch(value))


def normalise_phone(raw: str) -> str:
    """Digits only, without a +86 / 0086 country prefix."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", raw))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return digits[len(prefix) :]
    return digits


def is_valid_mobile(value: str) -> bool:
    return bool(_MOBILE.fullmatch(value))
