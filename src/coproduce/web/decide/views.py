"""Decision pages (docs/adr/0024). Thin: parse with a form, call an action, render.

Members see the list, each decision and its results; facilitators create, close, reopen,
resolve objections and record outcomes. Voters (with or without an account) respond on a
lean, phone-first page. Everything works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.web.errors import ActionError
from coproduce.web.forms import save_or_show
from coproduce.web.participation.models import Outcome as InfluenceOutcome
from coproduce.web.participation.views import project_of, user_of
from coproduce.web.projects.models import Project
from coproduce.web.takepart.models import Voter
from coproduce.web.takepart.views import require_voter

from . import actions, selectors
from .forms import DecisionForm, OutcomeForm, ResponseForm
from .models import GroupDecision, Kind, Response


def _managing(request: HttpRequest, pk: int) -> Project:
    project = project_of(request, pk)
    if not selectors.can_manage(project=project, user=request.user):
        raise PermissionDenied("Only the project's facilitators can do this.")
    return project


def _context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    return {
        "project": project,
        "can_manage": selectors.can_manage(project=project, user=request.user),
        **extra,
    }


def _detail_url(project_pk: int, decision_pk: int) -> str:
    return reverse("decide:detail", args=[project_pk, decision_pk])


@login_required
def index(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    return render(
        request,
        "decide/list.html",
        _context(request, project, decisions=selectors.decisions_of(project=project)),
    )


@login_required
def create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    form = DecisionForm(request.POST or None, project=project)

    def save() -> GroupDecision:
        data = form.cleaned_data
        return actions.create_decision(
            project=project,
            question=data["question"],
            details=data["details"],
            kind=data["kind"],
            options=form.option_lines(),
            dots=data["dots"] or 3,
            score_max=data["score_max"] or 5,
            group=data["group"],
            by=user_of(request),
        )

    if response := save_or_show(
        request,
        form,
        save,
        done="Decision opened: people can respond now.",
        next_url=lambda decision: _detail_url(project.pk, decision.pk),
    ):
        return response
    return render(request, "decide/form.html", _context(request, project, form=form))


@login_required
def detail(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    project = project_of(request, pk)
    decision = selectors.decision_in(project=project, pk=decision_pk)
    return render(
        request,
        "decide/detail.html",
        _context(
            request,
            project,
            decision=decision,
            results=selectors.results(decision),
            objections=selectors.objections_of(decision=decision)
            if decision.kind == Kind.CONSENT
            else [],
        ),
    )


def _toggle(request: HttpRequest, pk: int, decision_pk: int, *, close: bool) -> HttpResponse:
    project = _managing(request, pk)
    decision = selectors.decision_in(project=project, pk=decision_pk)
    if close:
        actions.close_decision(decision=decision, by=user_of(request))
        messages.success(request, "Decision closed: responses can no longer be changed.")
    else:
        actions.reopen_decision(decision=decision, by=user_of(request))
        messages.success(request, "Decision reopened: people can respond again.")
    return redirect(_detail_url(project.pk, decision.pk))


@login_required
@require_POST
def close(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    return _toggle(request, pk, decision_pk, close=True)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    return _toggle(request, pk, decision_pk, close=False)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int, decision_pk: int, response_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    decision = selectors.decision_in(project=project, pk=decision_pk)
    response = Response.objects.filter(decision=decision, pk=response_pk).first()
    if response is None:
        return redirect(_detail_url(project.pk, decision.pk))
    try:
        actions.resolve_objection(
            response=response, resolved=request.POST.get("resolved") != "no", by=user_of(request)
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Objection updated.")
    return redirect(_detail_url(project.pk, decision.pk))


def _outcome_message(decision: GroupDecision) -> str:
    if decision.contribution_id is None:
        return (
            "Outcome recorded. Nobody who responded has a participation record with consent "
            "to take part, so it is not in the influence log."
        )
    return "Outcome recorded and added to the influence log."


@login_required
def outcome(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    decision = selectors.decision_in(project=project, pk=decision_pk)
    initial = {
        "outcome": decision.outcome,
        "change_idea": decision.change_idea,
        "influence_outcome": decision.contribution.outcome
        if decision.contribution
        else InfluenceOutcome.CHANGED,
    }
    form = OutcomeForm(request.POST or None, project=project, initial=initial)

    def save() -> GroupDecision:
        data = form.cleaned_data
        return actions.record_outcome(
            decision=decision,
            outcome=data["outcome"],
            change_idea=data["change_idea"],
            new_change_idea=data["new_change_idea"],
            influence_outcome=data["influence_outcome"] or InfluenceOutcome.CHANGED,
            by=user_of(request),
        )

    if response := save_or_show(
        request,
        form,
        save,
        done=_outcome_message,
        next_url=_detail_url(project.pk, decision.pk),
    ):
        return response
    return render(
        request,
        "decide/outcome.html",
        _context(
            request,
            project,
            decision=decision,
            form=form,
            back_url=_detail_url(project.pk, decision.pk),
        ),
    )


@require_voter
def respond(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    voter: Voter = request.voter  # type: ignore[attr-defined]
    decision = selectors.decision_in(project=voter.project, pk=decision_pk)
    existing = selectors.response_of(decision=decision, voter=voter)
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {f"option-{c.option_id}": c.value for c in existing.choices.all()}
        initial.update(answer=existing.answer, reason=existing.reason)
    form = ResponseForm(request.POST or None, decision=decision, initial=initial)
    status = 200
    if request.method == "POST":
        if not decision.is_open:
            messages.error(request, "This decision has closed: responses can no longer be changed.")
            return redirect(reverse("decide:respond", args=[pk, decision.pk]))
        if form.is_valid():
            try:
                actions.respond(
                    decision=decision,
                    voter=voter,
                    values=form.values(),
                    answer=form.cleaned_data.get("answer", ""),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ActionError as error:
                form.add_action_error(error)
            else:
                messages.success(
                    request, "Your response is saved. You can change it until the decision closes."
                )
                return redirect(reverse("decide:respond", args=[pk, decision.pk]))
        status = 400
    return render(
        request,
        "decide/respond.html",
        {"decision": decision, "form": form, "existing": existing, "voter": voter},
        status=status,
    )
