"""Refuse API requests that carry the NUL character in their text.

PostgreSQL text columns cannot store NUL (U+0000), so such a value would fail deep in the
database as a server error (schemathesis found this). Django's form fields already refuse it
on the pages; this does the same for the API, before any view runs, with a 400 that says why.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

MESSAGE = "Text may not contain the NUL character (U+0000)."


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class RefuseNulInApi:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and self._carries_nul(request):
            return JsonResponse({"detail": MESSAGE}, status=400)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any(
            _has_nul(k) or _has_nul(v) for k, v in request.GET.lists()
        ):
            return True
        if request.method in ("POST", "PUT", "PATCH") and request.body:
            if b"\x00" in request.body:
                return True
            if b"\\u0000" in request.body:  # the JSON escape; confirm on the parsed value
                try:
                    return _has_nul(json.loads(request.body))
                except ValueError:
                    return False  # not JSON: the API's own parser answers 400
        return False
