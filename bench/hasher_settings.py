"""Settings for bench/hashers.py's server: the local settings with the hasher under test
preferred (BENCH_PREFERRED_HASHER, a dotted path), so that a sign-in neither verifies
nor rehashes with any other. Never used outside the benchmark."""

from __future__ import annotations

import os

from config.settings.local import *  # noqa: F403
from config.settings.local import PASSWORD_HASHERS as _HASHERS

_PREFERRED = os.environ.get("BENCH_PREFERRED_HASHER", _HASHERS[0])
PASSWORD_HASHERS = [_PREFERRED, *(path for path in _HASHERS if path != _PREFERRED)]
