"""Counting failed event-code guesses, per IP address and per browser, in the cache.

The default cache is per process (LocMem), so with several app processes each counts on its
own; a shared cache (Redis, database) makes the limit exact.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token

WINDOW_SECONDS = 60
MAX_FAILURES_PER_BROWSER = 10
# Many people at one event share a hospital's Wi-Fi address: allow a room's worth of typos.
MAX_FAILURES_PER_IP = 30


def _keys(request: HttpRequest) -> list[tuple[str, int]]:
    keys = [(f"takepart:code-ip:{request.META.get('REMOTE_ADDR', '')}", MAX_FAILURES_PER_IP)]
    # The browser is known by its CSRF secret (set on the first page it loads, and from
    # this response on if it had none), so voters need no session.
    get_token(request)
    browser = request.META.get("CSRF_COOKIE", "")
    if browser:
        digest = hashlib.sha256(browser.encode()).hexdigest()[:32]
        keys.append((f"takepart:code-browser:{digest}", MAX_FAILURES_PER_BROWSER))
    return keys


def blocked(request: HttpRequest) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request))


def count_failure(request: HttpRequest) -> None:
    for key, _limit in _keys(request):
        if cache.add(key, 1, WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, WINDOW_SECONDS)
