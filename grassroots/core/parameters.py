"""Rule parameters: the numbers in RULES.md, as data an administrator can change.

Each app defines its parameters at import time with `define(...)`; `value(key)` returns
the value in force. Values are read from the database at most every
`_REFRESH_SECONDS` per process, so an administrator's change reaches every web
process and worker within that time without a shared cache.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

_REFRESH_SECONDS = 30.0


@dataclass(frozen=True)
class Parameter:
    key: str
    default: Any
    label: str | Promise
    kind: type = int
    minimum: float | None = None
    maximum: float | None = None
    extra_check: Callable[[Any], None] | None = field(default=None, compare=False)

    def clean(self, raw: Any) -> Any:
        """Return the value converted to this parameter's kind, or raise ValidationError."""
        try:
            if self.kind is bool:
                if not isinstance(raw, bool):
                    raise TypeError
                value: Any = raw
            elif self.kind is int:
                if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                    raise TypeError
                value = int(raw)
            elif self.kind is float:
                if isinstance(raw, bool):
                    raise TypeError
                value = float(raw)
            else:
                value = self.kind(raw)
        except (TypeError, ValueError):
            raise ValidationError(
                _("“%(value)s” is not a valid value for this rule.") % {"value": raw}
            ) from None
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(_("The value must be at least %(min)s.") % {"min": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(_("The value must be at most %(max)s.") % {"max": self.maximum})
        if self.extra_check is not None:
            self.extra_check(value)
        return value


REGISTRY: dict[str, Parameter] = {}
_cache: dict[str, Any] = {}
_cache_loaded_at = 0.0
_lock = threading.Lock()


def define(
    key: str,
    default: Any,
    label: str | Promise,
    *,
    kind: type = int,
    minimum: float | None = None,
    maximum: float | None = None,
    extra_check: Callable[[Any], None] | None = None,
) -> Parameter:
    parameter = Parameter(key, default, label, kind, minimum, maximum, extra_check)
    parameter.clean(default)  # a wrong default is a programming error: fail at import
    REGISTRY[key] = parameter
    return parameter


def value(key: str) -> Any:
    """The value in force for a defined parameter."""
    parameter = REGISTRY[key]
    values = _current_values()
    return values.get(key, parameter.default)


def forget_cached_values() -> None:
    """Make the next `value()` call read the database again (tests, after a change)."""
    global _cache_loaded_at
    with _lock:
        _cache_loaded_at = 0.0


def _current_values() -> dict[str, Any]:
    global _cache, _cache_loaded_at
    now = time.monotonic()
    if now - _cache_loaded_at < _REFRESH_SECONDS:
        return _cache
    from grassroots.core.models import RuleParameter

    with _lock:
        loaded: dict[str, Any] = {}
        for key, raw in RuleParameter.objects.values_list("key", "value"):
            parameter = REGISTRY.get(key)
            if parameter is None:
                continue
            try:
                loaded[key] = parameter.clean(raw)
            except ValidationError:
                # A value edited into something invalid falls back to the default
                # rather than breaking every page; the admin form refuses such values.
                continue
        _cache = loaded
        _cache_loaded_at = now
    return _cache


def parameters_sync() -> int:
    """Create a row, holding the default, for every defined parameter that has none."""
    from grassroots.core.models import RuleParameter

    existing = set(RuleParameter.objects.values_list("key", flat=True))
    missing = [
        RuleParameter(key=key, value=parameter.default)
        for key, parameter in REGISTRY.items()
        if key not in existing
    ]
    RuleParameter.objects.bulk_create(missing)
    forget_cached_values()
    return len(missing)


def parameters_sync_after_migrate(**kwargs: Any) -> None:
    using = kwargs.get("using", "default")
    with transaction.atomic(using=using):
        parameters_sync()
