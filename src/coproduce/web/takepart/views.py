"""Pages for taking part without an account (issue 7; docs/adr/0021).

Voters: the event-code page, one-time links, the voter's home page (pseudonym, leave).
Facilitators: invitation links (shown once, CSV for a mail merge), event codes, assisted mode.
Every page works without JavaScript. ``require_voter`` is the decorator other apps use for
the pages voters see.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.forms import save_or_show
from coproduce.web.projects.models import Project

from . import actions, ratelimit, registry, selectors
from .cookies import clear_voter_cookie, cookie_name, hash_key, key_from, set_voter_cookie
from .forms import AssistedForm, CodeForm, EventCodeForm, JoinForm, LinksForm, PseudonymForm
from .models import Voter

View = Callable[..., HttpResponseBase]


# --------------------------------------------------------------------------- for other apps


def join_url(next_url: str = "") -> str:
    url = reverse("takepart:code")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def require_voter(view: View) -> View:
    """For views taking ``(request, pk, ...)``: sets ``request.voter`` or sends to the join page.

    A project that does not exist and one where this browser has no seat look the same (the
    join page), so the decorator reveals nothing. Observers are refused (403): they may see
    the project but not vote.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponseBase:
        project = Project.objects.filter(pk=pk).select_related("organisation").first()
        voter = selectors.voter_for(request, project) if project is not None else None
        if voter is None:
            if project is not None and selectors.is_observer(project=project, user=request.user):
                raise PermissionDenied("Observers can see the project but cannot vote.")
            return redirect(join_url(request.get_full_path()))
        request.voter = voter  # type: ignore[attr-defined]
        return view(request, pk, *args, **kwargs)

    return wrapper


def _safe_next(request: HttpRequest, candidate: str) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# --------------------------------------------------------------------------- joining


def code(request: HttpRequest) -> HttpResponse:
    """Type the event code; then say who you speak as (if the code does not) and a pseudonym."""
    next_url = request.POST.get("next") or request.GET.get("next", "")
    context: dict[str, Any] = {"next": _safe_next(request, next_url) or ""}
    if request.method != "POST":
        context["form"] = CodeForm()
        return render(request, "takepart/code.html", context)
    if ratelimit.blocked(request):
        form = CodeForm(request.POST)
        form.is_valid()
        form.add_error("code", "Too many wrong codes. Wait a minute, then try again.")
        context["form"] = form
        return render(request, "takepart/code.html", context, status=429)
    step = request.POST.get("step", "code")
    if step == "code":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                event_code = actions.open_code(form.cleaned_data["code"])
            except ActionError as error:
                ratelimit.count_failure(request)
                form.add_action_error(error)
            else:
                join_form = JoinForm(
                    initial={"code": event_code.code},
                    fixed_constituency=event_code.constituency,
                )
                context.update(form=join_form, event_code=event_code)
                return render(request, "takepart/join.html", context)
        context["form"] = form
        return render(request, "takepart/code.html", context)
    # step 2: the details
    try:
        event_code = actions.open_code(request.POST.get("code", ""))
    except ActionError as error:
        ratelimit.count_failure(request)
        form = CodeForm(request.POST)
        form.is_valid()
        form.add_action_error(error)
        context["form"] = form
        return render(request, "takepart/code.html", context)
    join_form = JoinForm(request.POST, fixed_constituency=event_code.constituency)
    if join_form.is_valid():
        try:
            voter, raw = actions.join_by_code(
                raw_code=event_code.code,
                constituency=join_form.cleaned_data.get("constituency", ""),
                pseudonym=join_form.cleaned_data["pseudonym"],
            )
        except ActionError as error:
            join_form.add_action_error(error)
        else:
            target = context["next"] or reverse("takepart:home", args=[voter.project_id])
            response = redirect(target)
            set_voter_cookie(response, project_pk=voter.project_id, raw_key=raw)
            return response
    context.update(form=join_form, event_code=event_code)
    return render(request, "takepart/join.html", context)


def link(request: HttpRequest, token: str) -> HttpResponse:
    """A one-time invitation link: the first open takes the seat and sets the cookie."""
    try:
        voter, raw = actions.claim_link(raw_token=token)
    except actions.LinkRefused as refusal:
        invitation = refusal.link
        if invitation is not None and refusal.reason == "used" and invitation.voter_id:
            held = key_from(request, invitation.project_id)
            if (
                held
                and Voter.objects.filter(pk=invitation.voter_id, key_hash=hash_key(held)).exists()
            ):
                return redirect("takepart:home", invitation.project_id)
        status = 404 if refusal.reason == "unknown" else 410
        return render(
            request,
            "takepart/link_refused.html",
            {"reason": refusal.reason, "message": refusal.message},
            status=status,
        )
    response = redirect("takepart:home", voter.project_id)
    set_voter_cookie(response, project_pk=voter.project_id, raw_key=raw)
    return response


# --------------------------------------------------------------------------- the voter's pages


@require_voter
def home(request: HttpRequest, pk: int) -> HttpResponse:
    voter: Voter = request.voter  # type: ignore[attr-defined]
    return render(
        request,
        "takepart/home.html",
        {"voter": voter, "project": voter.project, "items": registry.open_items(voter)},
    )


@require_voter
def pseudonym(request: HttpRequest, pk: int) -> HttpResponse:
    voter: Voter = request.voter  # type: ignore[attr-defined]
    form = PseudonymForm(request.POST or None, initial={"pseudonym": voter.pseudonym})
    if response := save_or_show(
        request,
        form,
        lambda: actions.set_pseudonym(voter=voter, pseudonym=form.cleaned_data["pseudonym"]),
        done="Your name has been saved.",
        next_url=reverse("takepart:home", args=[pk]),
    ):
        return response
    return render(request, "takepart/pseudonym.html", {"form": form, "voter": voter})


@require_voter
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    voter: Voter = request.voter  # type: ignore[attr-defined]
    if voter.user_id is not None:
        messages.info(request, "You take part with your account, so there is nothing to forget.")
        return redirect("takepart:home", pk)
    if request.method == "POST":
        actions.forget_key(voter=voter)
        request.voter = None  # type: ignore[attr-defined]
        response = render(request, "takepart/left.html", {})
        clear_voter_cookie(response, project_pk=pk)
        return response
    return render(request, "takepart/leave.html", {"voter": voter})


# --------------------------------------------------------------------------- facilitators


def _managing(request: HttpRequest, pk: int) -> Project:
    try:
        return selectors.managed_project(pk=pk, user=request.user)
    except NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from None


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    return render(
        request,
        "takepart/manage.html",
        {
            "project": project,
            "links": selectors.links_of(project=project),
            "codes": [(c, selectors.code_status(c)) for c in selectors.codes_of(project=project)],
            "assisted": selectors.assisted_voters_of(project=project),
            "acting": selectors.assisted_voter_in_session(request, project),
            "counts": selectors.seat_counts(project=project),
        },
    )


def _links_csv(request: HttpRequest, made: list[actions.NewLink]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="take-part-links.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(["label", "constituency", "link", "expires"])
    for new in made:
        writer.writerow(
            [
                new.link.label,
                new.link.constituency,
                request.build_absolute_uri(reverse("takepart:link", args=[new.raw_token])),
                timezone.localtime(new.link.expires_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return response


@login_required
def links_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    form = LinksForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = actions.create_links(project=project, by=_user(request), **form.cleaned_data)
        except ActionError as error:
            form.add_action_error(error)
        else:
            if request.POST.get("as") == "csv":
                return _links_csv(request, made)
            rows = [
                (
                    new.link,
                    request.build_absolute_uri(reverse("takepart:link", args=[new.raw_token])),
                )
                for new in made
            ]
            response = render(
                request, "takepart/links_made.html", {"project": project, "rows": rows}
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "takepart/links_new.html", {"project": project, "form": form})


@login_required
@require_POST
def link_revoke(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    invitation = selectors.link_in(project=project, pk=link_pk)
    try:
        actions.revoke_link(link=invitation, by=_user(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The link has been withdrawn.")
    return redirect("takepart:manage", pk)


@login_required
def code_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    form = EventCodeForm(request.POST or None)
    if response := save_or_show(
        request,
        form,
        lambda: actions.create_event_code(project=project, by=_user(request), **form.cleaned_data),
        done=lambda event_code: f"Event code {event_code.code} is ready.",
        next_url=reverse("takepart:manage", args=[pk]),
    ):
        return response
    return render(
        request,
        "takepart/form.html",
        {
            "project": project,
            "form": form,
            "heading": "Make an event code",
            "intro": "Show the code at your event. Anyone who types it while it is open can "
            "take part, without an account.",
            "button": "Make the code",
        },
    )


@login_required
@require_POST
def code_close(request: HttpRequest, pk: int, code_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    event_code = selectors.code_in(project=project, pk=code_pk)
    actions.close_event_code(event_code=event_code, by=_user(request))
    messages.success(request, f"Event code {event_code.code} is closed.")
    return redirect("takepart:manage", pk)


@login_required
def assisted_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    form = AssistedForm(request.POST or None, project=project)
    if response := save_or_show(
        request,
        form,
        lambda: actions.assisted_voter(project=project, by=_user(request), **form.cleaned_data),
        done=lambda voter: f"Seat recorded for {voter}.",
        next_url=reverse("takepart:manage", args=[pk]),
    ):
        return response
    return render(
        request,
        "takepart/form.html",
        {
            "project": project,
            "form": form,
            "heading": "Record a seat for someone",
            "intro": "For someone who takes part with your help. Everything recorded for "
            "them is marked as assisted.",
            "button": "Record the seat",
        },
    )


@login_required
@require_POST
def assist_start(request: HttpRequest, pk: int, voter_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    voter = selectors.assisted_voter_in(project=project, pk=voter_pk)
    actions.record_acting_as(voter=voter, by=_user(request), start=True)
    request.session[selectors.assist_session_key(pk)] = voter.pk
    return redirect("takepart:home", pk)


@login_required
@require_POST
def assist_stop(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    voter = selectors.assisted_voter_in_session(request, project)
    request.session.pop(selectors.assist_session_key(pk), None)
    if voter is not None:
        actions.record_acting_as(voter=voter, by=_user(request), start=False)
        messages.success(request, f"You have stopped recording answers for {voter}.")
    return redirect("takepart:manage", pk)


__all__ = ["cookie_name", "join_url", "require_voter"]
