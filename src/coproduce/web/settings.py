"""Django settings for coproduce, read from the environment.

Every setting that differs between a laptop and a trust's server comes from an
environment variable (see ``.env.example``). Missing or malformed values fail
fast with a message that says what to set.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Set the environment variable {name} (see .env.example).")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


DATA_DIR = Path(env_str("COPRODUCE_DATA_DIR", str(Path.cwd() / "data"))).resolve()

DEBUG = env_bool("COPRODUCE_DEBUG", False)
# HTTPS: on behind a TLS-terminating proxy in production; off for the local
# `coproduce serve`, which speaks plain HTTP on 127.0.0.1.
HTTPS = env_bool("COPRODUCE_HTTPS", False)


def _secret_key() -> str:
    configured = os.environ.get("COPRODUCE_SECRET_KEY")
    if configured:
        return configured
    if HTTPS:
        raise ImproperlyConfigured(
            "Set COPRODUCE_SECRET_KEY to a long random string when COPRODUCE_HTTPS is on."
        )
    # Local use: one random key kept in the data directory, so sessions
    # survive a restart without anyone having to invent a secret.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("COPRODUCE_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("COPRODUCE_CSRF_TRUSTED_ORIGINS", " ")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "coproduce.web.accounts",
    "coproduce.web.audit",
    "coproduce.web.projects",
    "coproduce.web.measures",
    "coproduce.web.improvement",
    "coproduce.web.participation",
    "django_tasks",
    "django_tasks_db",
    "coproduce.web.jobs",
    "coproduce.web.experience",
    "coproduce.web.themes",
    "coproduce.web.journeys",
    "coproduce.web.ebcd",
    "coproduce.web.takepart",
    "coproduce.web.deliberate",
    "coproduce.web.kanosurvey",
    "coproduce.web.decide",
    "coproduce.web.api",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "coproduce.web.api.nul.RefuseNulInApi",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "coproduce.web.urls"
WSGI_APPLICATION = "coproduce.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

_default_db = f"sqlite:///{DATA_DIR / 'coproduce.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Each server thread keeps its connection (measured: opening one per request, with its
    # PRAGMAs, held vote submission to ~170/s against ~480/s kept; benchmarks/vote_load.py).
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while one writer commits; IMMEDIATE takes
        # the write lock at BEGIN so concurrent writers queue instead of failing.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Background work (docs/adr/0014): django-tasks. "database" (the default) queues tasks in the
# database for `coproduce worker`, or for the worker that `coproduce serve` runs beside the app;
# "immediate" runs each task in the process that queues it, once the transaction that queued it
# has committed (for tests and one-off scripts).
_TASK_BACKENDS = {
    "database": "django_tasks_db.backend.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = env_str("COPRODUCE_TASKS_BACKEND", "database")
if _tasks_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"COPRODUCE_TASKS_BACKEND must be database or immediate, not {_tasks_backend!r}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks_backend]}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "projects:list"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the package's static folders: no collectstatic step for
# a local install. A production install may run collectstatic into the data
# directory and set COPRODUCE_STATIC_FROM_PACKAGE=false.
WHITENOISE_USE_FINDERS = env_bool("COPRODUCE_STATIC_FROM_PACKAGE", True)
STATIC_ROOT = None if WHITENOISE_USE_FINDERS else DATA_DIR / "static"
WHITENOISE_AUTOREFRESH = DEBUG

# Email: printed to the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("COPRODUCE_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env_str("COPRODUCE_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("COPRODUCE_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("COPRODUCE_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("COPRODUCE_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("COPRODUCE_FROM_EMAIL", "coproduce <noreply@localhost>")

# Security headers and cookies.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("COPRODUCE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("COPRODUCE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

INVITATION_DAYS = int(env_str("COPRODUCE_INVITATION_DAYS", "14"))

# Caches. "default" is per process. Chart drawings (SVG and PNG, keyed by a hash of what they
# show, so never stale: coproduce.web.measures.selectors_chart) are kept on disk under the data
# directory, so they outlive a restart and are shared by every app process, with a small
# per-process memory cache in front. The disk cache holds zlib-compressed entries (an SVG of
# 200 points is about 10 KB there, a PNG export about 170 KB) and drops a quarter of them, at
# random, when it is full.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "charts": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "charts"),
        "TIMEOUT": 60 * 60 * 24 * 30,
        "OPTIONS": {"MAX_ENTRIES": 3000, "CULL_FREQUENCY": 4},
    },
    "charts_memory": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "coproduce-charts",
        "TIMEOUT": 60 * 60 * 24,
        "OPTIONS": {"MAX_ENTRIES": 200, "CULL_FREQUENCY": 4},
    },
}


def _max_upload_mb() -> int:
    raw = env_str("COPRODUCE_MAX_UPLOAD_MB", "50")
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ImproperlyConfigured(
            f"COPRODUCE_MAX_UPLOAD_MB must be a whole number of megabytes, 1 or more, not {raw!r}."
        )
    return value


# Uploads of measure data: the largest file accepted (the form says so in words). Files are
# staged under DATA_DIR / "uploads" between the preview and the import, for a day at most.
MAX_UPLOAD_MB = _max_upload_mb()
# A file bigger than this is streamed to a temporary file while its request runs, not held in
# memory (Django's default is 2.5 MB).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Form fields and JSON bodies (not files): the API's bulk upsert of data points may send as
# much as a file upload would. Django refuses bigger bodies with 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
# The data grid posts about 7 fields a row for up to 2,000 rows (Django's default is 1,000
# fields, which a grid of 150 rows exceeds).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 16_000

# Logging: requests and errors, never request bodies. Patient free text must
# not reach logs, so nothing here logs POST data or form values.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("COPRODUCE_LOG_LEVEL", "WARNING")},
}
CSRF_FAILURE_VIEW = "coproduce.web.views.csrf_failure"
