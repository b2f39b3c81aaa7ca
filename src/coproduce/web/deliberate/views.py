"""Deliberation pages (docs/adr/0022): conversations, moderation, voting, results, the live
screen and the Pol.is export.

Thin: parse with a form, call an action, render. Every page works without JavaScript; the
live screen refreshes itself with a small script (static/deliberate/live.js) when it runs.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.web.errors import ActionError
from coproduce.web.forms import form_page, save_or_show
from coproduce.web.participation.views import project_of, user_of
from coproduce.web.projects.models import Project
from coproduce.web.takepart.models import Voter
from coproduce.web.takepart.registry import OpenItem
from coproduce.web.takepart.views import require_voter

from . import actions, selectors
from .forms import ConversationForm, StatementForm
from .models import Conversation, StatementStatus, VoteValue

VOTE_CHOICES = {"agree": 1, "disagree": -1, "pass": 0}
LIVE_SECONDS = 5


def open_conversations(voter: Voter) -> list[OpenItem]:
    """The takepart home page's items: this project's open conversations."""
    return [
        OpenItem(
            title=c.topic,
            url=reverse("deliberate:vote", args=[voter.project_id, c.pk]),
            kind="Conversation",
        )
        for c in selectors.open_conversations(project_id=voter.project_id)
    ]


# --------------------------------------------------------------------------- helpers


def _managing(request: HttpRequest, pk: int) -> Project:
    project = project_of(request, pk)
    if not selectors.can_manage(project=project, user=request.user):
        raise PermissionDenied("Only the project's facilitators can do this.")
    return project


def _context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    return {
        "project": project,
        **selectors.permissions(project=project, user=request.user),
        **extra,
    }


def _form_page(
    request: HttpRequest,
    project: Project,
    form: Any,
    save: Callable[[], Any],
    *,
    done: str,
    next_url: str | Callable[[Any], str],
    **page: Any,
) -> HttpResponse:
    """A one-column form page of this app; ``page`` is the template's context: heading,
    button, back, back_label and, if wanted, intro and caption."""
    return form_page(
        request,
        form,
        save,
        done=done,
        next_url=next_url,
        template="deliberate/form.html",
        context=lambda: _context(request, project, **page),
    )


# --------------------------------------------------------------------------- conversations


@login_required
def index(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    return render(
        request,
        "deliberate/index.html",
        _context(request, project, conversations=selectors.conversations(project=project)),
    )


@login_required
def create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    form = ConversationForm(request.POST or None)
    return _form_page(
        request,
        project,
        form,
        lambda: actions.create_conversation(
            project=project, by=user_of(request), **form.cleaned_data
        ),
        heading="Start a conversation",
        button="Start the conversation",
        done="Conversation started.",
        next_url=lambda c: reverse("deliberate:detail", args=[project.pk, c.pk]),
        back=reverse("deliberate:index", args=[project.pk]),
        back_label="Conversations",
    )


@login_required
def edit(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    project = _managing(request, pk)
    conversation = selectors.conversation_for(project=project, pk=cid)
    initial = {
        "topic": conversation.topic,
        "description": conversation.description,
        "is_open": conversation.is_open,
        "participants_may_submit": conversation.participants_may_submit,
    }
    form = ConversationForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        project,
        form,
        lambda: actions.update_conversation(
            conversation=conversation, by=user_of(request), **form.cleaned_data
        ),
        heading="Edit the conversation",
        button="Save changes",
        done="Conversation saved.",
        next_url=lambda c: reverse("deliberate:detail", args=[project.pk, c.pk]),
        back=reverse("deliberate:detail", args=[project.pk, conversation.pk]),
        back_label=conversation.topic,
    )


@login_required
def detail(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    project = project_of(request, pk)
    conversation = selectors.conversation_for(project=project, pk=cid)
    return render(
        request,
        "deliberate/detail.html",
        _context(
            request,
            project,
            conversation=conversation,
            accepted=selectors.statements(
                conversation=conversation, status=StatementStatus.ACCEPTED
            ),
            pending=selectors.statements(
                conversation=conversation, status=StatementStatus.PENDING
            ).count(),
            stamp=selectors.stamp(conversation=conversation),
        ),
    )


@login_required
def seed(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    project = _managing(request, pk)
    conversation = selectors.conversation_for(project=project, pk=cid)
    form = StatementForm(request.POST or None)
    return _form_page(
        request,
        project,
        form,
        lambda: actions.seed_statement(
            conversation=conversation, by=user_of(request), text=form.cleaned_data["statement"]
        ),
        heading="Add a statement",
        intro="Statements you add are accepted at once and shown to people taking part.",
        button="Add statement",
        done="Statement added.",
        next_url=lambda s: reverse("deliberate:seed", args=[project.pk, conversation.pk]),
        back=reverse("deliberate:detail", args=[project.pk, conversation.pk]),
        back_label=conversation.topic,
    )


@login_required
def moderation(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    project = _managing(request, pk)
    conversation = selectors.conversation_for(project=project, pk=cid)
    return render(
        request,
        "deliberate/moderation.html",
        _context(
            request,
            project,
            conversation=conversation,
            pending=selectors.statements(conversation=conversation, status=StatementStatus.PENDING),
            rejected=selectors.statements(
                conversation=conversation, status=StatementStatus.REJECTED
            ),
        ),
    )


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int, cid: int, sid: int) -> HttpResponse:
    project = _managing(request, pk)
    conversation = selectors.conversation_for(project=project, pk=cid)
    statement = selectors.statement_for(conversation=conversation, pk=sid)
    decision = request.POST.get("decision")
    if decision not in ("accept", "reject"):
        messages.error(request, "Choose accept or reject.")
    else:
        actions.moderate_statement(
            statement=statement, by=user_of(request), accept=decision == "accept"
        )
        messages.success(
            request, "Statement accepted." if decision == "accept" else "Statement rejected."
        )
    return redirect("deliberate:moderation", project.pk, conversation.pk)


# --------------------------------------------------------------------------- voting


def _voter_conversation(request: HttpRequest, pk: int, cid: int) -> tuple[Voter, Conversation]:
    voter: Voter = request.voter  # type: ignore[attr-defined]
    return voter, selectors.conversation_for(project=voter.project, pk=cid)


def _cast(request: HttpRequest, voter: Voter, conversation: Conversation) -> str | None:
    """Record the posted vote; the error message, or None when it was saved."""
    choice = request.POST.get("vote", "")
    try:
        statement_id = int(request.POST.get("statement", ""))
    except ValueError:
        return "There is no such statement to vote on here."
    if choice not in VOTE_CHOICES:
        return "Choose agree, disagree or pass."
    try:
        actions.cast_vote(
            statement_id=statement_id,
            conversation_id=conversation.pk,
            voter=voter,
            value=VOTE_CHOICES[choice],
        )
    except ActionError as error:
        return error.message
    return None


@require_voter
def vote(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    voter, conversation = _voter_conversation(request, pk, cid)
    error = None
    if request.method == "POST":
        error = _cast(request, voter, conversation)
        if error is None:
            messages.success(request, "Vote saved.")
            return redirect("deliberate:vote", pk, conversation.pk)
    progress = selectors.voter_progress(conversation=conversation, voter=voter)
    return render(
        request,
        "deliberate/vote.html",
        {
            "conversation": conversation,
            "voter": voter,
            "progress": progress,
            "error": error,
            "labels": dict(VoteValue.choices),
        },
        status=400 if error else 200,
    )


@require_voter
def change_vote(request: HttpRequest, pk: int, cid: int, sid: int) -> HttpResponse:
    voter, conversation = _voter_conversation(request, pk, cid)
    statement = selectors.statement_for(conversation=conversation, pk=sid)
    if statement.status != StatementStatus.ACCEPTED:
        from django.http import Http404

        raise Http404("No such statement to vote on.")
    error = None
    if request.method == "POST":
        error = _cast(request, voter, conversation)
        if error is None:
            messages.success(request, "Vote changed.")
            return redirect(reverse("deliberate:vote", args=[pk, conversation.pk]) + "#your-votes")
    return render(
        request,
        "deliberate/change_vote.html",
        {
            "conversation": conversation,
            "statement": statement,
            "current": selectors.vote_of(voter=voter, statement=statement),
            "labels": dict(VoteValue.choices),
            "error": error,
        },
        status=400 if error else 200,
    )


@require_voter
def suggest(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    voter, conversation = _voter_conversation(request, pk, cid)
    form = StatementForm(request.POST or None)
    if response := save_or_show(
        request,
        form,
        lambda: actions.submit_statement(
            conversation=conversation, voter=voter, text=form.cleaned_data["statement"]
        ),
        done="Thank you: your statement will be shown once a facilitator has read it.",
        next_url=reverse("deliberate:vote", args=[pk, conversation.pk]),
    ):
        return response
    return render(
        request,
        "deliberate/suggest.html",
        {"conversation": conversation, "form": form},
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- results


def _analysis(request: HttpRequest, conversation: Conversation) -> tuple[Any, bool]:
    by = user_of(request)
    return actions.refresh_analysis(conversation=conversation, by=by)


@login_required
def results(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    project = project_of(request, pk)
    conversation = selectors.conversation_for(project=project, pk=cid)
    analysis, stale = _analysis(request, conversation)
    document = analysis.document if analysis is not None else {}
    return render(
        request,
        "deliberate/results.html",
        _context(
            request,
            project,
            conversation=conversation,
            analysis=analysis,
            stale=stale,
            results=selectors.results(conversation=conversation, document=document),
        ),
    )


def _live_context(request: HttpRequest, pk: int, cid: int) -> dict[str, Any]:
    project = _managing(request, pk)
    conversation = selectors.conversation_for(project=project, pk=cid)
    analysis, stale = _analysis(request, conversation)
    document = analysis.document if analysis is not None else {}
    res = selectors.results(conversation=conversation, document=document)
    return _context(
        request,
        project,
        conversation=conversation,
        results=res,
        bridging=res.bridging[:5],
        stale=stale,
        seconds=LIVE_SECONDS,
        votes=selectors.stamp(conversation=conversation).votes,
    )


@login_required
def live(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    return render(request, "deliberate/live.html", _live_context(request, pk, cid))


@login_required
def live_panel(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    return render(request, "deliberate/_live_panel.html", _live_context(request, pk, cid))


@login_required
def export(request: HttpRequest, pk: int, cid: int, kind: str) -> HttpResponse:
    from coproduce.deliberation import (
        COMMENTS_HEADER,
        VOTES_HEADER,
        polis_comments_rows,
        polis_participant_votes_rows,
        polis_votes_rows,
    )

    project = _managing(request, pk)
    conversation = selectors.conversation_for(project=project, pk=cid)
    statements, votes = selectors.export_data(conversation=conversation)
    if kind == "votes":
        header: tuple[str, ...] = VOTES_HEADER
        rows = polis_votes_rows(votes, statement_order=[s.id for s in statements])
    elif kind == "comments":
        header, rows = COMMENTS_HEADER, polis_comments_rows(statements, votes)
    elif kind == "participant-votes":
        analysis, _ = actions.refresh_analysis(
            conversation=conversation, by=user_of(request), background=False
        )
        groups = selectors.export_participants(
            conversation=conversation, document=analysis.document if analysis else {}
        )
        header, rows = polis_participant_votes_rows(statements, votes, groups)
    else:
        from django.http import Http404

        raise Http404("No such export.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="conversation-{conversation.pk}-{kind}.csv"'
    )
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return response
