"""Form helpers that give Django forms the NHS.UK frontend's markup and error pattern."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coproduce.web.errors import ActionError

T = TypeVar("T")

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "nhsuk-textarea",
    forms.Select: "nhsuk-select",
    forms.RadioSelect: "nhsuk-radios__input",
    forms.CheckboxInput: "nhsuk-checkboxes__input",
    forms.PasswordInput: "nhsuk-input",
    forms.EmailInput: "nhsuk-input",
    forms.TextInput: "nhsuk-input",
    forms.NumberInput: "nhsuk-input",
}


class NhsFormMixin:
    """Adds NHS.UK classes, error states and ``aria-describedby`` to every widget."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"
            for widget_type, css in _WIDGET_CLASSES.items():
                if isinstance(widget, widget_type):
                    widget.attrs["class"] = " ".join(
                        filter(None, [css, widget.attrs.get("class", "")])
                    )
                    break

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors: dict[str, Any] = self.errors  # type: ignore[attr-defined]
        for name in errors:
            self._mark_error(name)

    def _mark_error(self, name: str | None) -> None:
        """Point the field's input at its error message and give it the error style."""
        if name is None or name not in self.fields:
            return
        field = self.fields[name]
        widget = field.widget
        described = [f"id_{name}-error"]
        if field.help_text:
            described.insert(0, f"id_{name}-hint")
        widget.attrs["aria-describedby"] = " ".join(described)
        if isinstance(widget, forms.Textarea):
            error_class = "nhsuk-textarea--error"
        elif isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            error_class = "nhsuk-select--error"
        elif isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
            return
        else:
            error_class = "nhsuk-input--error"
        classes = widget.attrs.get("class", "").split()
        if error_class not in classes:
            widget.attrs["class"] = " ".join([*classes, error_class])

    def add_action_error(self, error: ActionError) -> None:
        """Show an action's refusal against its field (marked as in error, as a validation
        error would be), or above the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)  # type: ignore[attr-defined]
        self._mark_error(field)


class NhsForm(NhsFormMixin, forms.Form):
    pass


class ActionForm(Protocol):
    """A form that shows an action's refusal: any :class:`NhsFormMixin` form."""

    def is_valid(self) -> bool: ...

    def add_action_error(self, error: ActionError) -> None: ...


def save_or_show(
    request: HttpRequest,
    form: ActionForm,
    save: Callable[[], T],
    *,
    done: str | Callable[[T], str],
    next_url: str | Callable[[T], str],
) -> HttpResponse | None:
    """On a POST of a valid ``form``, call ``save``; if it succeeds, flash ``done`` and return
    the redirect to ``next_url`` (either may be a function of what ``save`` returned, called
    after it, and ``next_url`` may be a URL name without arguments, as for ``redirect``).

    Returns ``None`` for a GET, an invalid form, or an :class:`ActionError` from ``save``
    (``NotAllowed`` included), which is then shown on the form, against its field or above the
    form: the view goes on to render the page with the form. Other exceptions propagate.
    Usage::

        form = ThingForm(request.POST or None)
        if response := save_or_show(request, form, lambda: actions.add(**form.cleaned_data),
                                    done="Thing added.", next_url=reverse("things:list")):
            return response
        return render(request, "things/form.html", {"form": form})
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save()
    except ActionError as error:
        form.add_action_error(error)
        return None
    messages.success(request, done(saved) if callable(done) else done)
    return redirect(next_url(saved) if callable(next_url) else next_url)


def form_page(
    request: HttpRequest,
    form: ActionForm,
    save: Callable[[], T],
    *,
    done: str | Callable[[T], str],
    next_url: str | Callable[[T], str],
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """:func:`save_or_show`, else the page: ``template`` rendered with ``context()`` (built
    only when the page is shown) and the form."""
    if response := save_or_show(request, form, save, done=done, next_url=next_url):
        return response
    return render(request, template, {**context(), "form": form})
