"""Production: PostgreSQL, HTTPS behind a reverse proxy, secrets from the environment.

`manage.py check --deploy` reports nothing when the variables documented in
docs/operations.md are set; tests/test_deploy_check.py proves it.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import GRASSROOTS_SMTP_TIMEOUT, MAILERS, SECRET_KEY, SECURE_CSP, env, env_bool, env_int

DEBUG = False

if not env("DJANGO_SECRET_KEY") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters "
        "in production (see docs/operations.md)."
    )

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-grassroots-session"
CSRF_COOKIE_NAME = "__Host-grassroots-csrftoken"

# Nothing frames the product: it opens as a page of its own, also inside WeCom/DingTalk.
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {**SECURE_CSP, "frame-ancestors": ["'none'"]}

# Real mail in production: SMTP unless the operator names another backend.
_PRODUCTION_MAIL_BACKEND = env(
    "GRASSROOTS_MAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
MAILERS = {
    "default": {
        **MAILERS["default"],
        "BACKEND": _PRODUCTION_MAIL_BACKEND,
        "OPTIONS": {
            **MAILERS["default"]["OPTIONS"],
            # a send never hangs (GRASSROOTS_SMTP_TIMEOUT, base.py)
            **(
                {"timeout": GRASSROOTS_SMTP_TIMEOUT}
                if _PRODUCTION_MAIL_BACKEND.endswith("smtp.EmailBackend")
                else {}
            ),
        },
    }
}
