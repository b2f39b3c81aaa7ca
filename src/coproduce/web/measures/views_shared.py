"""What the measures app's pages share: the signed-in user, running an action from a form, and
the Server-Timing header."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError, NotAllowed

T = TypeVar("T")


class ActionForm(Protocol):
    """A bound form that shows an action's refusal (``coproduce.web.forms.NhsForm``)."""

    cleaned_data: dict[str, Any]

    def is_valid(self) -> bool: ...

    def add_action_error(self, error: ActionError) -> None: ...


def user_of(request: HttpRequest) -> User:
    """The signed-in user (every page of the app is behind ``login_required``)."""
    assert isinstance(request.user, User)
    return request.user


def submit(
    request: HttpRequest, form: ActionForm, action: Callable[[dict[str, Any]], T]
) -> T | None:
    """On a POST of a valid ``form``, call ``action`` with its cleaned data and return what it
    returns. ``None`` when there was nothing to do or the action refused: its
    :class:`ActionError` is then shown on the form, against its field; :class:`NotAllowed` is
    a 403, as it would have been before the form was shown."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except NotAllowed as refused:
        raise PermissionDenied(refused.message) from None
    except ActionError as error:
        form.add_action_error(error)
        return None


def timed(response: HttpResponse, started: float) -> HttpResponse:
    """Add the view's own time (since ``started``, a ``perf_counter``) as ``Server-Timing``."""
    response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response
