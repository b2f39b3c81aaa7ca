"""The voter cookie: a random key per project seat; only its SHA-256 is stored.

The cookie is named per project (``coproduce_voter_<project id>``) so that seats in several
projects coexist in one browser. HttpOnly, SameSite=Lax, Secure when the site runs over HTTPS,
kept for 180 days.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE_PREFIX = "coproduce_voter_"
COOKIE_AGE = 60 * 60 * 24 * 180


def cookie_name(project_pk: int) -> str:
    return f"{COOKIE_PREFIX}{project_pk}"


def new_key() -> str:
    return secrets.token_urlsafe(32)


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def key_from(request: HttpRequest, project_pk: int) -> str | None:
    raw = request.COOKIES.get(cookie_name(project_pk), "")
    return raw if 20 <= len(raw) <= 200 else None


def set_voter_cookie(response: HttpResponse, *, project_pk: int, raw_key: str) -> None:
    response.set_cookie(
        cookie_name(project_pk),
        raw_key,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        path="/",
    )


def clear_voter_cookie(response: HttpResponse, *, project_pk: int) -> None:
    response.delete_cookie(cookie_name(project_pk), path="/", samesite="Lax")
