"""``save_or_show``: the POST → action → refusal on the form, else redirect step of the views."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.test import RequestFactory
from django.urls import reverse

from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.forms import NhsForm, save_or_show


class TitleForm(NhsForm):
    title = forms.CharField(max_length=20)


class Recorder:
    """A ``save`` that records its calls and returns, or raises, what it is given."""

    def __init__(self, result: Any = None, error: Exception | None = None) -> None:
        self.result = result
        self.error = error
        self.calls = 0

    def __call__(self) -> Any:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.result


def _request(method: str, data: dict[str, str] | None = None) -> HttpRequest:
    factory = RequestFactory()
    request = factory.post("/x/", data or {}) if method == "POST" else factory.get("/x/")
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _flashed(request: HttpRequest) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in messages.get_messages(request)]


def test_a_get_neither_validates_nor_saves() -> None:
    request = _request("GET")
    form = TitleForm(None)
    save = Recorder("saved")
    assert save_or_show(request, form, save, done="Done.", next_url="/next/") is None
    assert save.calls == 0
    assert not form.is_bound
    assert _flashed(request) == []


def test_an_invalid_form_is_shown_again_without_saving() -> None:
    request = _request("POST", {"title": ""})
    form = TitleForm(request.POST)
    save = Recorder("saved")
    assert save_or_show(request, form, save, done="Done.", next_url="/next/") is None
    assert save.calls == 0
    assert form.errors["title"] == ["This field is required."]
    assert _flashed(request) == []


def test_success_flashes_the_message_and_redirects() -> None:
    request = _request("POST", {"title": "Falls"})
    form = TitleForm(request.POST)
    save = Recorder("saved")
    response = save_or_show(request, form, save, done="Idea added.", next_url="/ideas/7/")
    assert response is not None
    assert response.status_code == 302
    assert response["Location"] == "/ideas/7/"
    assert save.calls == 1
    assert _flashed(request) == [(messages.SUCCESS, "Idea added.")]


def test_message_and_next_url_can_come_from_what_was_saved() -> None:
    request = _request("POST", {"title": "Falls"})
    form = TitleForm(request.POST)
    state = {"title": "before"}

    def save() -> int:
        state["title"] = form.cleaned_data["title"]
        return 42

    response = save_or_show(
        request,
        form,
        save,
        # Called after ``save``: they see what it changed, not what was there before.
        done=lambda pk: f"“{state['title']}” saved as {pk}.",
        next_url=lambda pk: f"/ideas/{pk}/",
    )
    assert response is not None
    assert response["Location"] == "/ideas/42/"
    assert _flashed(request) == [(messages.SUCCESS, "“Falls” saved as 42.")]


def test_next_url_may_be_a_url_name_as_for_redirect() -> None:
    request = _request("POST", {"title": "Falls"})
    response = save_or_show(
        request, TitleForm(request.POST), Recorder(), done="Saved.", next_url="accounts:profile"
    )
    assert response is not None
    assert response["Location"] == reverse("accounts:profile")


def test_a_refusal_about_a_field_is_shown_against_that_field() -> None:
    request = _request("POST", {"title": "Falls"})
    form = TitleForm(request.POST)
    save = Recorder(error=ActionError("That title is taken.", field="title"))
    assert save_or_show(request, form, save, done="Done.", next_url="/next/") is None
    assert save.calls == 1
    assert form.errors["title"] == ["That title is taken."]
    assert form.non_field_errors() == []
    assert _flashed(request) == []


@pytest.mark.parametrize("field", [None, "no_such_field"])
def test_a_refusal_about_the_whole_form_is_shown_above_it(field: str | None) -> None:
    request = _request("POST", {"title": "Falls"})
    form = TitleForm(request.POST)
    save = Recorder(error=NotAllowed("Only facilitators can do this.", field=field))
    assert save_or_show(request, form, save, done="Done.", next_url="/next/") is None
    assert form.non_field_errors() == ["Only facilitators can do this."]
    assert "title" not in form.errors
    assert _flashed(request) == []


def test_other_errors_are_not_swallowed() -> None:
    request = _request("POST", {"title": "Falls"})
    form = TitleForm(request.POST)
    save = Recorder(error=PermissionDenied("no"))
    with pytest.raises(PermissionDenied):
        save_or_show(request, form, save, done="Done.", next_url="/next/")
    assert _flashed(request) == []


def test_a_refused_field_is_marked_in_error_like_an_invalid_one() -> None:
    """The input points at its error message and has the error style (NHS.UK error pattern),
    whether the error came from validation or from the action's refusal."""
    refused = TitleForm({"title": "Taken"})
    save_or_show(
        _request("POST", {"title": "Taken"}),
        refused,
        Recorder(error=ActionError("That title is taken", field="title")),
        done="Done.",
        next_url="/next/",
    )
    invalid = TitleForm({"title": "x" * 21})
    assert not invalid.is_valid()
    for form in (refused, invalid):
        html = str(form["title"])
        assert 'aria-describedby="id_title-error"' in html
        assert "nhsuk-input--error" in html
    # Marking twice does not repeat the class.
    refused.add_action_error(ActionError("Still taken", field="title"))
    assert str(refused["title"]).count("nhsuk-input--error") == 1
