"""Pages for groups and their stage (anonymous pulses, the facilitator's log, the chart), and
the self-assessments: nef's six principles (the project's) and Sharma et al.'s four
capabilities (the organisation's).

* Every member sees the groups, their stage chart and pulse results (shown only for closed
  rounds with at least 5 answers), and the assessments. Members who record activities see
  group members' names; others see how many, with fewer than 5 shown as such.
* Facilitators manage groups, open and close pulse rounds, and keep the stage log.
* Current group members linked to an account answer a pulse, once, anonymously.
* Members who record activities record principles assessments; facilitators of any of the
  organisation's projects (or its admins) record capability assessments.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coproduce.participation import ladders
from coproduce.web.errors import ActionError
from coproduce.web.forms import save_or_show
from coproduce.web.projects.models import Project

from . import actions_team as actions
from . import selectors
from . import selectors_team as team
from .forms_team import AssessmentForm, GroupForm, PulseForm, StageLogForm
from .models import Group
from .views import managed_project, project_of, recording_project, user_of
from .views_money import confirm_page


def _context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    return {
        "project": project,
        **selectors.permissions(project=project, user=request.user),
        **extra,
    }


def _group_url(project: Project, group: Group) -> str:
    return reverse("participation:group", args=[project.pk, group.pk])


# -- groups ---------------------------------------------------------------------------------


@login_required
def groups(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    rows = list(team.groups_of(project=project))
    latest = team.latest_logs(rows)
    return render(
        request,
        "participation/team/groups.html",
        _context(
            request,
            project,
            rows=[
                {
                    "group": group,
                    "latest": latest.get(group.pk),
                    "stage": team.stage_of(latest[group.pk].stage) if group.pk in latest else None,
                    "size": team.member_count_phrase(team.size_of(group)),
                }
                for group in rows
            ],
            waiting=team.open_rounds_for(groups=rows, user=request.user),
        ),
    )


def _group_form_page(request: HttpRequest, project: Project, group: Group | None) -> HttpResponse:
    form = GroupForm(
        request.POST or None,
        initial=GroupForm.initial_for(group) if group else {},
        participants=selectors.participants_of(project=project),
    )

    def save() -> Group:
        data = form.cleaned_data
        values = {**data, "members": list(data["members"])}
        if group is None:
            return actions.create_group(project=project, by=user_of(request), **values)
        return actions.update_group(group=group, by=user_of(request), **values)

    if response := save_or_show(
        request,
        form,
        save,
        done="Group saved.",
        next_url=lambda saved: _group_url(project, saved),
    ):
        return response
    return render(
        request,
        "participation/team/group_form.html",
        _context(request, project, form=form, group=group),
    )


@login_required
def group_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _group_form_page(request, managed_project(request, pk), None)


@login_required
def group_edit(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    return _group_form_page(request, project, team.group_in(project=project, pk=group_pk))


@login_required
def group_detail(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    project = project_of(request, pk)
    group = team.group_in(project=project, pk=group_pk)
    pulse = team.open_round(group)
    member = team.member_for(group=group, user=request.user)
    log = [(entry, team.stage_of(entry.stage)) for entry in team.stage_log_of(group)]
    return render(
        request,
        "participation/team/group_detail.html",
        _context(
            request,
            project,
            group=group,
            size=team.member_count_phrase(team.size_of(group)),
            rounds=team.rounds_of(group),
            open_round=pulse,
            can_answer=(
                pulse is not None and member is not None and not team.has_answered(pulse, member)
            ),
            answered=pulse is not None and member is not None and team.has_answered(pulse, member),
            chart=team.stage_chart(group),
            log=log,
            pulse_members=team.pulse_members(group).count(),
            threshold=team.THRESHOLD,
            stages=list(ladders.Stage),
        ),
    )


@login_required
def group_delete(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    group = team.group_in(project=project, pk=group_pk)
    rounds = group.pulse_rounds.count()
    logged = group.stage_log.count()
    return confirm_page(
        request,
        project=project,
        heading=f"Delete the group “{group.name}”?",
        explanation=(
            f"Its {rounds} pulse round{'' if rounds == 1 else 's'} and {logged} stage log "
            f"entr{'y' if logged == 1 else 'ies'} will be deleted too. Its members stay in the "
            "project, and its activities stay in the record, no longer linked to it. The audit "
            "log keeps a record."
        ),
        button="Delete group",
        cancel=_group_url(project, group),
        act=lambda: actions.delete_group(group=group, by=user_of(request)),
        done="The group was deleted.",
        next_url=reverse("participation:groups", args=[project.pk]),
    )


# -- the stage log ----------------------------------------------------------------------------


@login_required
def stage_log_add(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    group = team.group_in(project=project, pk=group_pk)
    form = StageLogForm(request.POST or None, initial={"date": timezone.localdate()})
    if response := save_or_show(
        request,
        form,
        lambda: actions.log_stage(group=group, by=user_of(request), **form.cleaned_data),
        done="Stage logged.",
        next_url=_group_url(project, group),
    ):
        return response
    return render(
        request,
        "participation/team/stage_form.html",
        _context(request, project, form=form, group=group),
    )


@login_required
def stage_log_delete(request: HttpRequest, pk: int, group_pk: int, entry_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    group = team.group_in(project=project, pk=group_pk)
    entry = team.stage_log_in(group=group, pk=entry_pk)
    url = _group_url(project, group)
    return confirm_page(
        request,
        project=project,
        heading=f"Delete the stage logged on {entry.date.day} {entry.date:%B %Y}?",
        explanation="The chart will no longer show it. The audit log keeps a record.",
        button="Delete entry",
        cancel=url,
        act=lambda: actions.delete_stage_log(entry=entry, by=user_of(request)),
        done="The stage log entry was deleted.",
        next_url=url,
    )


# -- pulses -------------------------------------------------------------------------------------


@login_required
@require_POST
def pulse_open(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    group = team.group_in(project=project, pk=group_pk)
    try:
        actions.open_pulse(group=group, by=user_of(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "The pulse round is open. Members of the group can now answer it."
        )
    return redirect(_group_url(project, group) + "#pulse")


@login_required
@require_POST
def pulse_close(request: HttpRequest, pk: int, group_pk: int, round_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    group = team.group_in(project=project, pk=group_pk)
    pulse = team.round_in(group=group, pk=round_pk)
    try:
        actions.close_pulse(pulse=pulse, by=user_of(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The pulse round is closed.")
    return redirect(_group_url(project, group) + "#pulse")


@login_required
def pulse_answer(request: HttpRequest, pk: int, group_pk: int, round_pk: int) -> HttpResponse:
    project = project_of(request, pk)
    group = team.group_in(project=project, pk=group_pk)
    pulse = team.round_in(group=group, pk=round_pk)
    member = team.member_for(group=group, user=request.user)
    if member is None:
        raise PermissionDenied("Only current members of the group who have an account answer.")
    if pulse.closed_on is not None or team.has_answered(pulse, member):
        messages.error(
            request,
            "This round is closed."
            if pulse.closed_on is not None
            else "You have already answered this round: each member answers once.",
        )
        return redirect(_group_url(project, group))
    form = PulseForm(request.POST or None)
    if response := save_or_show(
        request,
        form,
        lambda: actions.answer_pulse(
            pulse=pulse, stage=form.cleaned_data["stage"], by=user_of(request)
        ),
        done="Thank you: your answer was saved, without your name.",
        next_url=_group_url(project, group),
    ):
        return response
    return render(
        request,
        "participation/team/pulse_answer.html",
        _context(request, project, form=form, group=group, pulse=pulse),
    )


# -- self-assessments -----------------------------------------------------------------------------


@login_required
def principles(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    view = team.assessment_view(
        list(team.principles_of(project=project)),
        ladders.NefPrinciple,
        title="nef's six principles of co-production over time",
    )
    return render(
        request,
        "participation/team/assessments.html",
        _context(
            request,
            project,
            view=view,
            kind="principles",
            heading="Six principles of co-production",
            caption=project.title,
            can_assess=selectors.can_record(project=project, user=request.user),
            can_delete=selectors.can_manage(project=project, user=request.user),
            new_url=reverse("participation:principles_assess", args=[project.pk]),
        ),
    )


@login_required
def principles_assess(request: HttpRequest, pk: int) -> HttpResponse:
    project = recording_project(request, pk)
    form = AssessmentForm(
        request.POST or None,
        framework=ladders.NefPrinciple,
        initial={"date": timezone.localdate()},
    )
    if response := save_or_show(
        request,
        form,
        lambda: actions.record_principles(project=project, by=user_of(request), **form.values()),
        done="Assessment saved.",
        next_url=reverse("participation:principles", args=[project.pk]),
    ):
        return response
    return render(
        request,
        "participation/team/assessment_form.html",
        _context(
            request,
            project,
            form=form,
            kind="principles",
            heading="Assess the project against the six principles",
            back=reverse("participation:principles", args=[project.pk]),
            back_label="Six principles",
        ),
    )


@login_required
def principles_delete(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    assessment = team.principles_in(project=project, pk=assessment_pk)
    url = reverse("participation:principles", args=[project.pk])
    return confirm_page(
        request,
        project=project,
        heading=f"Delete the assessment of {assessment.date.day} {assessment.date:%B %Y}?",
        explanation="Its scores and evidence will be deleted, and the chart will no longer "
        "show it. The audit log keeps a record.",
        button="Delete assessment",
        cancel=url,
        act=lambda: actions.delete_principles(assessment=assessment, by=user_of(request)),
        done="The assessment was deleted.",
        next_url=url,
    )


@login_required
def capabilities(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    organisation = project.organisation
    can_assess = team.can_record_capabilities(organisation=organisation, user=request.user)
    view = team.assessment_view(
        list(team.capabilities_of(organisation=organisation)),
        ladders.Capability,
        title="Organisational capabilities for co-production over time",
    )
    return render(
        request,
        "participation/team/assessments.html",
        _context(
            request,
            project,
            view=view,
            kind="capabilities",
            heading="Organisational capabilities",
            caption=organisation.name,
            can_assess=can_assess,
            can_delete=can_assess,
            new_url=reverse("participation:capabilities_assess", args=[project.pk]),
        ),
    )


def _capability_project(request: HttpRequest, pk: int) -> Project:
    project = project_of(request, pk)
    if not team.can_record_capabilities(organisation=project.organisation, user=request.user):
        raise PermissionDenied(
            "Only facilitators of the organisation's projects, or its admins, record its "
            "capability assessments."
        )
    return project


@login_required
def capabilities_assess(request: HttpRequest, pk: int) -> HttpResponse:
    project = _capability_project(request, pk)
    form = AssessmentForm(
        request.POST or None,
        framework=ladders.Capability,
        initial={"date": timezone.localdate()},
    )
    if response := save_or_show(
        request,
        form,
        lambda: actions.record_capabilities(
            organisation=project.organisation, by=user_of(request), **form.values()
        ),
        done="Assessment saved.",
        next_url=reverse("participation:capabilities", args=[project.pk]),
    ):
        return response
    return render(
        request,
        "participation/team/assessment_form.html",
        _context(
            request,
            project,
            form=form,
            kind="capabilities",
            heading=f"Assess {project.organisation.name}’s capabilities",
            back=reverse("participation:capabilities", args=[project.pk]),
            back_label="Organisational capabilities",
        ),
    )


@login_required
def capabilities_delete(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    project = _capability_project(request, pk)
    assessment = team.capabilities_in(organisation=project.organisation, pk=assessment_pk)
    url = reverse("participation:capabilities", args=[project.pk])
    return confirm_page(
        request,
        project=project,
        heading=f"Delete the assessment of {assessment.date.day} {assessment.date:%B %Y}?",
        explanation="Its scores and evidence will be deleted for every project of the "
        "organisation, and the chart will no longer show it. The audit log keeps a record.",
        button="Delete assessment",
        cancel=url,
        act=lambda: actions.delete_capabilities(assessment=assessment, by=user_of(request)),
        done="The assessment was deleted.",
        next_url=url,
    )
