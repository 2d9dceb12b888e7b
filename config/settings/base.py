"""Settings shared by every environment.

Everything an operator may change is read from the environment here, in one place
(see docs/operations.md for the list). The other modules in this package only pick
different defaults for local use, production and tests.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# Everything the product writes at run time (SQLite file, uploads, collected static
# files, caches) lives under one folder so that a backup is one folder.
DATA_DIR = Path(env("GRASSROOTS_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-local-key-change-me-for-any-real-deployment")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "grassroots.core",
    "grassroots.accounts",
    "grassroots.orgs",
    "grassroots.notifications",
    "grassroots.appeals",
    "grassroots.orglife",
    "grassroots.service",
    "grassroots.evaluation",
    "grassroots.learning",
    "grassroots.resources",
    "grassroots.openness",
    "grassroots.plans",
    "grassroots.integrations",
    "grassroots.insights",
    "grassroots.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a NUL in the session cookie reached the database too.
    "grassroots.core.middleware.RefuseNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "grassroots.accounts.middleware.IdleTimeoutMiddleware",
    "grassroots.accounts.middleware.DisplayPreferencesMiddleware",
    # After the language is chosen (its sign-out message is in the person's language).
    "grassroots.integrations.messenger.middleware.MessengerSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "grassroots.core.forms.GrassrootsFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "grassroots.accounts.context_processors.navigation_context",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    },
]

# --- Database ----------------------------------------------------------------------------
# SQLite in the data folder by default; PostgreSQL (or any dj-database-url URL) when
# DATABASE_URL is set.
SQLITE_PATH = DATA_DIR / "grassroots.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and the scheduler read while one of them
    # writes; IMMEDIATE transactions take the write lock up front so that two
    # writers queue behind busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Covering indexes (INCLUDE, for the appeal queue and rates on PostgreSQL) are
    # plain indexes on SQLite, which is all a small installation needs: no warning.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer at all (rather than refusing) must not hold
    # a page or the readiness check for the system's two-minute TCP timeout: give up
    # after a few seconds and answer 503.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "grassroots.accounts.backends.EmployeeNumberOrPhoneBackend",
    # Sign-in through WeCom / DingTalk / Feishu: the person the messenger vouched for.
    "grassroots.integrations.messenger.backends.MessengerBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Argon2id at Django's parameters (100 MiB, two passes): a third of PBKDF2's CPU per
# sign-in at a larger margin over the OWASP minimum, and memory-hard against GPUs
# (docs/benchmarks.md, "Sign-in: password hashers"). Passwords stored under the others
# verify and are rehashed with Argon2id on the next successful sign-in.
PASSWORD_HASHERS = [
    "grassroots.accounts.hashers.Argon2idHasher",  # Argon2id, OWASP's 46 MiB / 1 pass
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "grassroots.appeals.hashers.PinHasher",  # anonymous appeals' PINs only
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("employee_number", "name", "phone")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle timeout: a session ends after this long without a request (shared terminals in
# workshops are common). The cookie is refreshed at most once a minute.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("GRASSROOTS_IDLE_MINUTES", 30))
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# With Redis (GRASSROOTS_CACHE_URL), sessions are read from it (CACHES["sessions"],
# shared by every web process) and written through to the database: a signed-in request
# no longer reads its session row. Signing out deletes both; a session the cache dropped,
# or a cache that cannot be reached, means the database (grassroots.accounts.sessions).
# Without Redis they stay in the database: the file cache lists its whole folder on every
# write (30 ms with 20,000 files), and a local database answers a session read cheaply.
SESSION_ENGINE = (
    "grassroots.accounts.sessions"
    if env("GRASSROOTS_CACHE_URL")
    else "django.contrib.sessions.backends.db"
)
SESSION_CACHE_ALIAS = "sessions"

# Lockout after repeated failures, per (account, client address) so that nobody can
# lock another person out from elsewhere. The account, not the name typed: employee
# number and mobile number count together (grassroots.accounts.lockout).
AXES_FAILURE_LIMIT = env_int("GRASSROOTS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("GRASSROOTS_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "grassroots.accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "grassroots.accounts.lockout.lockout_name"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_PROXY_COUNT = env_int("GRASSROOTS_PROXY_COUNT", 0)
# Sign-in records (who signed in or failed, from which address, when) are kept this many
# days, then deleted by a daily job (accounts.sign_in_records_prune); administrators
# only may read them.
SIGN_IN_RECORD_DAYS = env_int("GRASSROOTS_SIGN_IN_RECORD_DAYS", 30)

# --- Language and time -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [Path(env("GRASSROOTS_LOCALE_DIR", str(BASE_DIR / "locale")))]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "grassroots_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files and uploads ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "grassroots.core.staticfinders.NodeModulesFinder",
]
NODE_MODULES_DIR = BASE_DIR / "node_modules"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Request bodies, capped in the application and not only by the proxy:
# - everything but files (form fields, JSON): no form or API call comes near 2.5 MB;
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 // 2
# - a request up to this size is kept in memory, a larger one goes to a temporary file;
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 // 2
# - files: no form takes more than 20 (appeals.max_attachments at most), and each file
#   is read only up to the limit of the view it is sent to (core/upload_limits.py), or
#   GRASSROOTS_UPLOAD_MAX_BYTES for a view that states none.
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_HANDLERS = [
    "grassroots.core.upload_limits.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
GRASSROOTS_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("GRASSROOTS_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("GRASSROOTS_IMPORT_MAX_ROWS", 50_000)

# --- Security headers --------------------------------------------------------------------
# No inline script or style anywhere: every script is a static file and data reaches
# it through json_script blocks.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    # The installable app: its service worker (/sw.js) and manifest, from this site only.
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"

# --- Cache (rate limits, sessions; shared by all web processes) ---------------------------
# A folder in the data directory by default; Redis when GRASSROOTS_CACHE_URL is set.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("GRASSROOTS_CACHE_URL"),
        }
        if env("GRASSROOTS_CACHE_URL")
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            # Django's default of 300 files would drop a third of them at random once the
            # committees' figures worked out ahead (two per committee: core.published)
            # pass it; a group has about 150 committees.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    ),
}
if env("GRASSROOTS_CACHE_URL"):
    # Sessions (see SESSION_ENGINE) under a prefix of their own in the same Redis.
    CACHES["sessions"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("GRASSROOTS_CACHE_URL"),
        "KEY_PREFIX": "session",
    }

# --- Background work ---------------------------------------------------------------------
# Embedded: tasks in the database. Scale-out: GRASSROOTS_TASK_BACKEND=
# grassroots.core.redis_tasks.RedisTaskBackend with GRASSROOTS_REDIS_URL (see operations.md).
TASKS = {
    "default": {
        "BACKEND": env("GRASSROOTS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "OPTIONS": {
            key: value
            for key, value in {
                "URL": env("GRASSROOTS_REDIS_URL"),
                "PREFIX": env("GRASSROOTS_REDIS_PREFIX"),
            }.items()
            if value
        },
    }
}

# --- Mail (Django 6.1 MAILERS) -----------------------------------------------------------
# Seconds an SMTP connection may wait on the server (per operation) before the send fails
# and is retried later: a send must never hang, or its claim would go stale and another
# worker could send it again (grassroots/notifications/services/deliveries.py).
GRASSROOTS_SMTP_TIMEOUT = env_int("GRASSROOTS_SMTP_TIMEOUT", 10)
_MAIL_BACKEND = env("GRASSROOTS_MAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": {
            key: value
            for key, value in {
                "host": env("GRASSROOTS_SMTP_HOST"),
                "timeout": GRASSROOTS_SMTP_TIMEOUT
                if _MAIL_BACKEND.endswith("smtp.EmailBackend")
                else None,
                "port": env_int("GRASSROOTS_SMTP_PORT", 0) or None,
                "username": env("GRASSROOTS_SMTP_USER"),
                "password": env("GRASSROOTS_SMTP_PASSWORD"),
                "use_tls": env_bool("GRASSROOTS_SMTP_TLS", False) or None,
            }.items()
            if value
        },
    }
}
DEFAULT_FROM_EMAIL = env("GRASSROOTS_FROM_EMAIL", "grassroots@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging -----------------------------------------------------------------------------
# Request logs never include query strings or bodies (see docs/architecture.md: appeals
# may be anonymous; nothing a visitor typed is written to a log).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # The level on the handler as well: Django's own loggers (django.tasks logs every
    # task at INFO) pass records up past the root's level.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "level": env("GRASSROOTS_LOG_LEVEL", "INFO"),
        }
    },
    "root": {"handlers": ["console"], "level": env("GRASSROOTS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Product settings --------------------------------------------------------------------
GRASSROOTS_SITE_NAME = _("Grassroots Party–Masses Service Platform")
# The address people use, for links in emails and group-chat messages.
GRASSROOTS_BASE_URL = env("GRASSROOTS_BASE_URL", "http://127.0.0.1:8000")
# The key messenger app secrets are encrypted with (a Fernet key); empty: derived from
# DJANGO_SECRET_KEY (docs/operations.md, "Connecting a messenger").
GRASSROOTS_MESSENGER_KEY = env("GRASSROOTS_MESSENGER_KEY", "")
# Notices to people's own WeCom / DingTalk / Feishu apps ("you have a new notice" and
# its link go to the vendor's servers): off unless the deployment turns it on.
GRASSROOTS_MESSENGER_MESSAGES = env_bool("GRASSROOTS_MESSENGER_MESSAGES", False)
# A messenger's API address must use https; plain http to this machine's own address
# only with this on (tests, a local fake vendor) or with DEBUG.
GRASSROOTS_MESSENGER_ALLOW_HTTP_LOOPBACK = env_bool(
    "GRASSROOTS_MESSENGER_ALLOW_HTTP_LOOPBACK", False
)
# Group robots on this machine's own address are refused, except in tests and demos
# that run a local receiver.
GRASSROOTS_WEBHOOK_ALLOW_LOOPBACK = env_bool("GRASSROOTS_WEBHOOK_ALLOW_LOOPBACK", False)
# How often the scheduler sweeps deadlines and due deliveries (every minute by default).
GRASSROOTS_SWEEP_SECONDS = env_int("GRASSROOTS_SWEEP_SECONDS", 60)
# Finished background tasks are kept this many days, then pruned by a daily job.
GRASSROOTS_TASKS_KEEP_DAYS = env_int("GRASSROOTS_TASKS_KEEP_DAYS", 7)
# A worker whose heartbeat is older than this is taken for dead and its task requeued.
GRASSROOTS_WORKER_STALE_SECONDS = env_int("GRASSROOTS_WORKER_STALE_SECONDS", 30)
PAGE_SIZE = 50
# /healthz/ready answers 503 when the oldest task a worker could start has waited longer
# than this: no worker is taking tasks (see docs/operations.md, "Health checks").
GRASSROOTS_READY_MAX_TASK_AGE_SECONDS = env_int("GRASSROOTS_READY_MAX_TASK_AGE_SECONDS", 300)
