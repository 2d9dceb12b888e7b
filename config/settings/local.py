"""Local and embedded use: the README run command and development.

Runs on the SQLite file in the data folder unless DATABASE_URL says otherwise.
"""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
# Static files straight from the finders when DEBUG is on, so that a change to a CSS
# file shows without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
