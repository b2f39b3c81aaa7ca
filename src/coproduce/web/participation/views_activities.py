"""Pages for activities, attendance, decisions and the influence log ("you said, we did").

Every member sees activities, decisions and "you said, we did" (where contributors are
described by role only). Members who are not observers record, and see participants'
names; facilitators delete, and see what attendance is owed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.web.errors import ActionError
from coproduce.web.forms import save_or_show
from coproduce.web.projects.models import Project

from . import actions_activities as actions
from . import selectors
from . import selectors_activities as activity_selectors
from .actions_activities import AttendanceError
from .forms_activities import (
    ActivityForm,
    AttendanceForm,
    ContributionForm,
    DecisionForm,
    KindFilterForm,
    OutcomeFilterForm,
    ResponseForm,
)
from .models import Activity, ActivityKind, Contribution, Decision, Outcome
from .selectors_people import long_date
from .views import managed_project, project_of, recording_project, user_of

PER_PAGE = 25


def _page(request: HttpRequest, items: Any) -> Page[Any]:
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def _query(**params: str) -> str:
    """The query string that keeps a list's filter on its pagination links."""
    kept = {name: value for name, value in params.items() if value}
    return urlencode(kept) + "&" if kept else ""


def _confirm_delete(
    request: HttpRequest,
    *,
    project: Project,
    heading: str,
    explanation: str,
    button: str,
    cancel: str,
    delete: Any,
    done: str,
    next_url: str,
) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            delete()
        except ActionError as refusal:
            error = refusal.message
        else:
            messages.success(request, done)
            return redirect(next_url)
    return render(
        request,
        "participation/activities/confirm_delete.html",
        {
            "project": project,
            "heading": heading,
            "explanation": explanation,
            "button": button,
            "cancel": cancel,
            "error": error,
        },
    )


# -- activities ---------------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    filters = KindFilterForm(request.GET or None)
    kind = filters.cleaned_data["kind"] if filters.is_valid() else ""
    page = _page(request, activity_selectors.activities_of(project=project, kind=kind))
    return render(
        request,
        "participation/activities/list.html",
        {
            "project": project,
            "page": page,
            "filters": filters,
            "kind": kind,
            "kind_label": ActivityKind(kind).label if kind else "",
            "query": _query(kind=kind),
            **selectors.permissions(project=project, user=request.user),
        },
    )


def _activity_form_page(
    request: HttpRequest, project: Project, activity: Activity | None
) -> HttpResponse:
    form = ActivityForm(
        request.POST or None,
        initial=ActivityForm.initial_for(activity) if activity else {},
        groups=activity_selectors.groups_of(project=project),
        cycles=activity_selectors.pdsa_cycles_of(project=project),
    )
    if response := save_or_show(
        request,
        form,
        lambda: (
            actions.create_activity(project=project, by=user_of(request), **form.values())
            if activity is None
            else actions.update_activity(activity=activity, by=user_of(request), **form.values())
        ),
        done="Activity saved.",
        next_url=lambda saved: reverse("participation:activity", args=[project.pk, saved.pk]),
    ):
        return response
    return render(
        request,
        "participation/activities/activity_form.html",
        {"project": project, "form": form, "activity": activity},
    )


@login_required
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _activity_form_page(request, recording_project(request, pk), None)


@login_required
def activity_edit(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    project = recording_project(request, pk)
    activity = activity_selectors.activity_in(project=project, pk=activity_pk)
    return _activity_form_page(request, project, activity)


@login_required
def activity_detail(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    """The activity, who attended (names for recorders only), its decisions and
    contributions. Recorders record attendance here, in one form."""
    project = project_of(request, pk)
    activity = activity_selectors.activity_in(project=project, pk=activity_pk)
    permissions = selectors.permissions(project=project, user=request.user)
    if request.method == "POST" and not permissions["can_record"]:
        raise PermissionDenied("Observers can see participation but not record it.")
    attendance = list(activity_selectors.attendance_of(activity))
    form = None
    if permissions["can_record"]:
        form = AttendanceForm(
            request.POST or None,
            activity=activity,
            participants=activity_selectors.attendance_choices(activity=activity),
            attendance=attendance,
        )
        if request.method == "POST" and form.is_valid():
            try:
                saved = actions.record_attendance(
                    activity=activity, rows=form.rows(), by=user_of(request)
                )
            except AttendanceError as error:
                form.add_attendance_error(error)
            except ActionError as error:
                form.add_action_error(error)
            else:
                messages.success(
                    request,
                    f"Attendance saved: {len(saved)} {'person' if len(saved) == 1 else 'people'}.",
                )
                return redirect("participation:activity", pk=project.pk, activity_pk=activity.pk)
    contributions = list(activity_selectors.contributions_of(project=project, activity=activity))
    return render(
        request,
        "participation/activities/activity_detail.html",
        {
            "project": project,
            "activity": activity,
            "attendance": attendance,
            "attendance_phrase": activity_selectors.attendance_phrase(activity),
            "form": form,
            "decisions": activity_selectors.decision_rows(
                project=project,
                decisions=activity_selectors.decisions_of(project=project, activity=activity),
            ),
            "contributions": contributions,
            "rung_planned": activity_selectors.rung_of(activity.rung_planned),
            "rung_achieved": activity_selectors.rung_of(activity.rung_achieved),
            **permissions,
        },
    )


@login_required
def activity_delete(request: HttpRequest, pk: int, activity_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    activity = activity_selectors.activity_in(project=project, pk=activity_pk)
    count = activity.attendance.count()
    return _confirm_delete(
        request,
        project=project,
        heading=f"Delete the activity “{activity.title}”?",
        explanation=(
            f"Its attendance ({count} record{'' if count == 1 else 's'}) will be deleted too. "
            "Its decisions and contributions stay in the record, no longer linked to it. "
            "The audit log keeps a record."
        ),
        button="Delete activity",
        cancel=reverse("participation:activity", args=[project.pk, activity.pk]),
        delete=lambda: actions.delete_activity(activity=activity, by=user_of(request)),
        done="The activity was deleted.",
        next_url=reverse("participation:activities", args=[project.pk]),
    )


# -- decisions ----------------------------------------------------------------------------


@login_required
def decision_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    page = _page(request, activity_selectors.decisions_of(project=project))
    return render(
        request,
        "participation/activities/decision_list.html",
        {
            "project": project,
            "page": page,
            "rows": activity_selectors.decision_rows(project=project, decisions=page.object_list),
            "query": "",
            **selectors.permissions(project=project, user=request.user),
        },
    )


def _from_activity(request: HttpRequest, project: Project) -> Activity | None:
    """The activity named by ``?activity=`` (404 if not the project's), if any."""
    value = request.GET.get("activity", "")
    if not value.isdigit():
        return None
    return activity_selectors.activity_in(project=project, pk=int(value))


def _after(project: Project, activity: Activity | None, fallback: str) -> str:
    if activity is not None:
        return reverse("participation:activity", args=[project.pk, activity.pk])
    return reverse(fallback, args=[project.pk])


def _decision_form_page(
    request: HttpRequest, project: Project, decision: Decision | None
) -> HttpResponse:
    activity = _from_activity(request, project)
    if decision is not None:
        initial = DecisionForm.initial_for(decision)
    else:
        initial = {"activity": activity, "date": activity.date if activity else None}
        if activity is not None:
            initial["present"] = [
                row.participant for row in activity_selectors.attendance_of(activity)
            ]
    form = DecisionForm(
        request.POST or None,
        initial=initial,
        activities=activity_selectors.activities_of(project=project),
        participants=selectors.participants_of(project=project),
        change_ideas=activity_selectors.change_ideas_of(project=project),
    )

    def save() -> Decision:
        data = form.cleaned_data
        values = {**data, "present": list(data["present"])}
        if decision is None:
            return actions.create_decision(project=project, by=user_of(request), **values)
        return actions.update_decision(decision=decision, by=user_of(request), **values)

    if response := save_or_show(
        request,
        form,
        save,
        done="Decision saved.",
        next_url=lambda saved: _after(project, saved.activity, "participation:decisions"),
    ):
        return response
    back = activity or (decision.activity if decision else None)
    return render(
        request,
        "participation/activities/decision_form.html",
        {"project": project, "form": form, "decision": decision, "back_activity": back},
    )


@login_required
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision_form_page(request, recording_project(request, pk), None)


@login_required
def decision_edit(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    project = recording_project(request, pk)
    decision = activity_selectors.decision_in(project=project, pk=decision_pk)
    return _decision_form_page(request, project, decision)


@login_required
def decision_delete(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    decision = activity_selectors.decision_in(project=project, pk=decision_pk)
    url = reverse("participation:decisions", args=[project.pk])
    return _confirm_delete(
        request,
        project=project,
        heading=f"Delete the decision of {long_date(decision.date)}?",
        explanation="Contributions that led to it stay in the influence log, no longer "
        "linked to it. The audit log keeps a record.",
        button="Delete decision",
        cancel=url,
        delete=lambda: actions.delete_decision(decision=decision, by=user_of(request)),
        done="The decision was deleted.",
        next_url=url,
    )


# -- the influence log --------------------------------------------------------------------


@login_required
def influence_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The influence log for recorders: names, ages of pending items, overdue feedback."""
    project = recording_project(request, pk)
    filters = OutcomeFilterForm(request.GET or None)
    outcome = filters.cleaned_data["outcome"] if filters.is_valid() else ""
    page = _page(request, activity_selectors.contributions_of(project=project, outcome=outcome))
    return render(
        request,
        "participation/activities/influence_log.html",
        {
            "project": project,
            "page": page,
            "entries": activity_selectors.influence_log(
                project=project, contributions=page.object_list
            ),
            "filters": filters,
            "outcome": outcome,
            "counts": activity_selectors.outcome_counts(project=project),
            "feedback_days": activity_selectors.FEEDBACK_DAYS,
            "query": _query(outcome=outcome),
            **selectors.permissions(project=project, user=request.user),
        },
    )


def _contribution_form_page(
    request: HttpRequest, project: Project, contribution: Contribution | None
) -> HttpResponse:
    activity = _from_activity(request, project)
    if contribution is not None:
        initial = ContributionForm.initial_for(contribution)
    else:
        initial = {"activity": activity, "date": activity.date if activity else None}
    form = ContributionForm(
        request.POST or None,
        initial=initial,
        activities=activity_selectors.activities_of(project=project),
        participants=selectors.participants_of(project=project),
    )

    def save() -> Contribution:
        data = form.cleaned_data
        values = {**data, "contributors": list(data["contributors"])}
        if contribution is None:
            return actions.create_contribution(project=project, by=user_of(request), **values)
        return actions.update_contribution(contribution=contribution, by=user_of(request), **values)

    if response := save_or_show(
        request,
        form,
        save,
        done="Contribution saved.",
        next_url=lambda saved: _after(project, saved.activity, "participation:influence"),
    ):
        return response
    back = activity or (contribution.activity if contribution else None)
    return render(
        request,
        "participation/activities/contribution_form.html",
        {"project": project, "form": form, "contribution": contribution, "back_activity": back},
    )


@login_required
def contribution_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _contribution_form_page(request, recording_project(request, pk), None)


@login_required
def contribution_edit(request: HttpRequest, pk: int, contribution_pk: int) -> HttpResponse:
    project = recording_project(request, pk)
    contribution = activity_selectors.contribution_in(project=project, pk=contribution_pk)
    return _contribution_form_page(request, project, contribution)


@login_required
def contribution_respond(request: HttpRequest, pk: int, contribution_pk: int) -> HttpResponse:
    """ "We did": the outcome of a contribution, what changed or why not, and feedback."""
    project = recording_project(request, pk)
    contribution = activity_selectors.contribution_in(project=project, pk=contribution_pk)
    form = ResponseForm(
        request.POST or None,
        initial=ResponseForm.initial_for(contribution),
        change_ideas=activity_selectors.change_ideas_of(project=project),
        cycles=activity_selectors.pdsa_cycles_of(project=project),
        decisions=activity_selectors.decisions_of(project=project),
    )
    if response := save_or_show(
        request,
        form,
        lambda: actions.respond_to_contribution(
            contribution=contribution, by=user_of(request), **form.cleaned_data
        ),
        done="Response saved.",
        next_url=reverse("participation:influence", args=[project.pk]),
    ):
        return response
    return render(
        request,
        "participation/activities/contribution_respond.html",
        {
            "project": project,
            "form": form,
            "contribution": contribution,
            "entry": activity_selectors.influence_log(
                project=project, contributions=[contribution]
            )[0],
        },
    )


@login_required
@require_POST
def contribution_fed_back(request: HttpRequest, pk: int, contribution_pk: int) -> HttpResponse:
    """Mark a contribution as fed back to its contributors today."""
    project = recording_project(request, pk)
    contribution = activity_selectors.contribution_in(project=project, pk=contribution_pk)
    try:
        actions.mark_fed_back(contribution=contribution, by=user_of(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Marked as fed back today.")
    back = request.POST.get("next", "")
    if back.startswith(f"/projects/{project.pk}/participation/"):
        return redirect(back)
    return redirect("participation:influence", pk=project.pk)


@login_required
def contribution_delete(request: HttpRequest, pk: int, contribution_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    contribution = activity_selectors.contribution_in(project=project, pk=contribution_pk)
    url = reverse("participation:influence", args=[project.pk])
    return _confirm_delete(
        request,
        project=project,
        heading=f"Delete the contribution of {long_date(contribution.date)}?",
        explanation="It will no longer appear in the influence log or on “You said, we did”. "
        "The audit log keeps a record.",
        button="Delete contribution",
        cancel=url,
        delete=lambda: actions.delete_contribution(contribution=contribution, by=user_of(request)),
        done="The contribution was deleted.",
        next_url=url,
    )


@login_required
def you_said_we_did(request: HttpRequest, pk: int) -> HttpResponse:
    """ "You said, we did" for every member: contributors by role only, never names."""
    project = project_of(request, pk)
    filters = OutcomeFilterForm(request.GET or None)
    outcome = filters.cleaned_data["outcome"] if filters.is_valid() else ""
    page = _page(request, activity_selectors.contributions_of(project=project, outcome=outcome))
    return render(
        request,
        "participation/activities/you_said_we_did.html",
        {
            "project": project,
            "page": page,
            "items": activity_selectors.you_said_we_did(
                project=project, user=request.user, contributions=page.object_list
            ),
            "filters": filters,
            "outcome": outcome,
            "pending": Outcome.PENDING,
            "query": _query(outcome=outcome),
            **selectors.permissions(project=project, user=request.user),
        },
    )
