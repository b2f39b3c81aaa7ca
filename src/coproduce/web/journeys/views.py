"""Journey pages: journeys, stages, touchpoints, emotions, themes, agency, the map, CSV.

Thin: reads through ``selectors``, writes through ``actions``. Outsiders get 404; observers
see everything but change nothing (403); facilitators alone delete.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from coproduce.experience import journey as core
from coproduce.web.errors import ActionError
from coproduce.web.forms import save_or_show
from coproduce.web.participation.views import (
    managed_project as _managed_project,
)
from coproduce.web.participation.views import (
    project_of,
    user_of,
)
from coproduce.web.projects.models import Project

from . import actions, charts, selectors
from .forms import AgencyForm, EmotionForm, JourneyForm, StageForm, ThemeMapForm, TouchpointForm
from .models import Journey

PER_PAGE = 25


def recording_project(request: HttpRequest, pk: int) -> Project:
    """The project if the user may build journeys and record (403 for observers)."""
    project = project_of(request, pk)
    if not selectors.can_record(project=project, user=request.user):
        raise PermissionDenied("Observers can see journeys but not change them.")
    return project


def managed_project(request: HttpRequest, pk: int) -> Project:
    """The project if the user is one of its facilitators (403 otherwise)."""
    return _managed_project(request, pk)


def _journey_url(project: Project, journey: Journey) -> str:
    return reverse("journeys:detail", args=[project.pk, journey.pk])


def _confirm(
    request: HttpRequest,
    *,
    project: Project,
    journey: Journey | None,
    heading: str,
    explanation: str,
    button: str,
    cancel: str,
    delete: Callable[[], Any],
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
        "journeys/confirm_delete.html",
        {
            "project": project,
            "journey": journey,
            "heading": heading,
            "explanation": explanation,
            "button": button,
            "cancel": cancel,
            "error": error,
        },
    )


# -- journeys ---------------------------------------------------------------------------------


@login_required
def journey_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    page = Paginator(selectors.journeys_of(project=project), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "journeys/list.html",
        {
            "project": project,
            "page": page,
            **selectors.permissions(project=project, user=request.user),
        },
    )


def _journey_form(request: HttpRequest, project: Project, journey: Journey | None) -> HttpResponse:
    form = JourneyForm(
        request.POST or None, initial=JourneyForm.initial_for(journey) if journey else {}
    )
    if response := save_or_show(
        request,
        form,
        lambda: (
            actions.create_journey(project=project, by=user_of(request), **form.cleaned_data)
            if journey is None
            else actions.update_journey(journey=journey, by=user_of(request), **form.cleaned_data)
        ),
        done="Journey saved.",
        next_url=lambda saved: _journey_url(project, saved),
    ):
        return response
    return render(
        request,
        "journeys/journey_form.html",
        {"project": project, "form": form, "journey": journey},
    )


@login_required
def journey_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _journey_form(request, recording_project(request, pk), None)


@login_required
def journey_edit(request: HttpRequest, pk: int, journey_pk: int) -> HttpResponse:
    project = recording_project(request, pk)
    return _journey_form(request, project, selectors.journey_in(project=project, pk=journey_pk))


@login_required
def journey_detail(request: HttpRequest, pk: int, journey_pk: int) -> HttpResponse:
    project = project_of(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    summary = selectors.journey_summary(journey=journey)
    stages = selectors.stages_of(journey=journey)
    summaries = {s.id: s for s in summary.stages}
    hot = {t.id for t in summary.hotspots}
    themes = selectors.themes_by_touchpoint(journey=journey)
    for stage in stages:
        for touchpoint in stage.touchpoints.all():
            touchpoint.theme_labels = themes.get(touchpoint.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "journeys/detail.html",
        {
            "project": project,
            "journey": journey,
            "stages": [(stage, summaries[stage.pk]) for stage in stages],
            "hotspot_ids": hot,
            **selectors.permissions(project=project, user=request.user),
        },
    )


@login_required
def journey_delete(request: HttpRequest, pk: int, journey_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    return _confirm(
        request,
        project=project,
        journey=None,
        heading=f"Delete the journey “{journey.title}”?",
        explanation="Its stages, touchpoints, emotion records and theme links are deleted "
        "with it. This cannot be undone.",
        button="Delete journey",
        cancel=_journey_url(project, journey),
        delete=lambda: actions.delete_journey(journey=journey, by=user_of(request)),
        done="Journey deleted.",
        next_url=reverse("journeys:list", args=[project.pk]),
    )


# -- stages -----------------------------------------------------------------------------------


def _stage_form(
    request: HttpRequest, project: Project, journey: Journey, stage_pk: int | None
) -> HttpResponse:
    stage = selectors.stage_in(journey=journey, pk=stage_pk) if stage_pk else None
    form = StageForm(request.POST or None, initial=StageForm.initial_for(stage) if stage else {})
    if response := save_or_show(
        request,
        form,
        lambda: (
            actions.add_stage(journey=journey, by=user_of(request), **form.cleaned_data)
            if stage is None
            else actions.update_stage(stage=stage, by=user_of(request), **form.cleaned_data)
        ),
        done="Stage saved.",
        next_url=_journey_url(project, journey),
    ):
        return response
    return render(
        request,
        "journeys/stage_form.html",
        {"project": project, "journey": journey, "form": form, "stage": stage},
    )


@login_required
def stage_create(request: HttpRequest, pk: int, journey_pk: int) -> HttpResponse:
    project = recording_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    return _stage_form(request, project, journey, None)


@login_required
def stage_edit(request: HttpRequest, pk: int, journey_pk: int, stage_pk: int) -> HttpResponse:
    project = recording_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    return _stage_form(request, project, journey, stage_pk)


@login_required
def stage_agency(request: HttpRequest, pk: int, journey_pk: int, stage_pk: int) -> HttpResponse:
    """Patient and professional agency and the stage's nature, with the methods suggested."""
    project = project_of(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    stage = selectors.stage_in(journey=journey, pk=stage_pk)
    perms = selectors.permissions(project=project, user=request.user)
    if request.method == "POST":
        recording_project(request, pk)
    form = AgencyForm(request.POST or None, initial=AgencyForm.initial_for(stage))
    if response := save_or_show(
        request,
        form,
        lambda: actions.set_stage_agency(stage=stage, by=user_of(request), **form.cleaned_data),
        done="Agency and nature saved.",
        next_url=_journey_url(project, journey),
    ):
        return response
    suggestion = core.suggest_methods(
        core.Nature(stage.nature), patient_agency=stage.patient_agency
    )
    return render(
        request,
        "journeys/agency_form.html",
        {
            "project": project,
            "journey": journey,
            "stage": stage,
            "form": form,
            "suggestion": suggestion,
            "all_suggestions": [
                core.suggest_methods(nature)
                for nature in (core.Nature.PRODUCT_LIKE, core.Nature.SERVICE_LIKE)
            ],
            **perms,
        },
    )


@login_required
@require_POST
def stage_move(request: HttpRequest, pk: int, journey_pk: int, stage_pk: int) -> HttpResponse:
    project = recording_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    stage = selectors.stage_in(journey=journey, pk=stage_pk)
    try:
        actions.move_stage(
            stage=stage, direction=request.POST.get("direction"), by=user_of(request)
        )
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(_journey_url(project, journey) + f"#stage-{stage.pk}")


@login_required
def stage_delete(request: HttpRequest, pk: int, journey_pk: int, stage_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    stage = selectors.stage_in(journey=journey, pk=stage_pk)
    return _confirm(
        request,
        project=project,
        journey=journey,
        heading=f"Delete the stage “{stage.name}”?",
        explanation="Its touchpoints and their emotion records are deleted with it. "
        "This cannot be undone.",
        button="Delete stage",
        cancel=_journey_url(project, journey),
        delete=lambda: actions.delete_stage(stage=stage, by=user_of(request)),
        done="Stage deleted.",
        next_url=_journey_url(project, journey),
    )


# -- touchpoints ------------------------------------------------------------------------------


@login_required
def touchpoint_create(
    request: HttpRequest, pk: int, journey_pk: int, stage_pk: int
) -> HttpResponse:
    project = recording_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    stage = selectors.stage_in(journey=journey, pk=stage_pk)
    form = TouchpointForm(request.POST or None)
    if response := save_or_show(
        request,
        form,
        lambda: actions.add_touchpoint(stage=stage, by=user_of(request), **form.cleaned_data),
        done="Touchpoint saved.",
        next_url=_journey_url(project, journey) + f"#stage-{stage.pk}",
    ):
        return response
    return render(
        request,
        "journeys/touchpoint_form.html",
        {"project": project, "journey": journey, "stage": stage, "form": form, "touchpoint": None},
    )


@login_required
def touchpoint_edit(
    request: HttpRequest, pk: int, journey_pk: int, touchpoint_pk: int
) -> HttpResponse:
    project = recording_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    touchpoint = selectors.touchpoint_in(journey=journey, pk=touchpoint_pk)
    form = TouchpointForm(request.POST or None, initial=TouchpointForm.initial_for(touchpoint))
    if response := save_or_show(
        request,
        form,
        lambda: actions.update_touchpoint(
            touchpoint=touchpoint, by=user_of(request), **form.cleaned_data
        ),
        done="Touchpoint saved.",
        next_url=reverse("journeys:touchpoint", args=[project.pk, journey.pk, touchpoint.pk]),
    ):
        return response
    return render(
        request,
        "journeys/touchpoint_form.html",
        {
            "project": project,
            "journey": journey,
            "stage": touchpoint.stage,
            "form": form,
            "touchpoint": touchpoint,
        },
    )


@login_required
@require_POST
def touchpoint_move(
    request: HttpRequest, pk: int, journey_pk: int, touchpoint_pk: int
) -> HttpResponse:
    project = recording_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    touchpoint = selectors.touchpoint_in(journey=journey, pk=touchpoint_pk)
    try:
        actions.move_touchpoint(
            touchpoint=touchpoint, direction=request.POST.get("direction"), by=user_of(request)
        )
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(_journey_url(project, journey) + f"#touchpoint-{touchpoint.pk}")


@login_required
def touchpoint_delete(
    request: HttpRequest, pk: int, journey_pk: int, touchpoint_pk: int
) -> HttpResponse:
    project = managed_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    touchpoint = selectors.touchpoint_in(journey=journey, pk=touchpoint_pk)
    return _confirm(
        request,
        project=project,
        journey=journey,
        heading=f"Delete the touchpoint “{touchpoint.name}”?",
        explanation="Its emotion records and theme links are deleted with it. "
        "This cannot be undone.",
        button="Delete touchpoint",
        cancel=reverse("journeys:touchpoint", args=[project.pk, journey.pk, touchpoint.pk]),
        delete=lambda: actions.delete_touchpoint(touchpoint=touchpoint, by=user_of(request)),
        done="Touchpoint deleted.",
        next_url=_journey_url(project, journey),
    )


@login_required
def touchpoint_detail(
    request: HttpRequest, pk: int, journey_pk: int, touchpoint_pk: int
) -> HttpResponse:
    """The touchpoint's emotion records and summary, its themes, and the theme form."""
    project = project_of(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    touchpoint = selectors.touchpoint_in(journey=journey, pk=touchpoint_pk)
    summary = selectors.journey_summary(journey=journey)
    mine = next(t for t in summary.touchpoints if t.id == touchpoint.pk)
    perms = selectors.permissions(project=project, user=request.user)
    links = selectors.theme_links_at(touchpoint=touchpoint)
    linked = {info.id for _, info in links}
    form = None
    if perms["can_record"]:
        form = ThemeMapForm(
            choices=[
                (str(info.id), info.choice_label)
                for info in selectors.themes_of(project=project)
                if info.id not in linked
            ]
        )
    page = Paginator(selectors.emotions_at(touchpoint=touchpoint), PER_PAGE).get_page(
        request.GET.get("page")
    )
    sees = selectors.sees_identifying(project=project, user=request.user)
    rows = [
        (
            record,
            selectors.comment_visible(record=record, sees_identifying=sees),
            selectors.excerpt_visible(record=record, sees_identifying=sees),
        )
        for record in page.object_list
    ]
    return render(
        request,
        "journeys/touchpoint_detail.html",
        {
            "project": project,
            "journey": journey,
            "touchpoint": touchpoint,
            "summary": mine,
            "rule": summary.rule.describe(),
            "page": page,
            "rows": rows,
            "links": links,
            "theme_form": form,
            **perms,
        },
    )


@login_required
@require_POST
def theme_map(request: HttpRequest, pk: int, journey_pk: int, touchpoint_pk: int) -> HttpResponse:
    project = recording_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    touchpoint = selectors.touchpoint_in(journey=journey, pk=touchpoint_pk)
    raw = request.POST.get("theme", "")
    theme = selectors.theme_in(project=project, pk=int(raw)) if raw.isdigit() else None
    try:
        actions.map_theme(touchpoint=touchpoint, theme=theme, by=user_of(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Theme mapped to the touchpoint.")
    return redirect("journeys:touchpoint", project.pk, journey.pk, touchpoint.pk)


@login_required
@require_POST
def theme_unmap(
    request: HttpRequest, pk: int, journey_pk: int, touchpoint_pk: int, link_pk: int
) -> HttpResponse:
    project = recording_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    touchpoint = selectors.touchpoint_in(journey=journey, pk=touchpoint_pk)
    link = selectors.theme_link_in(touchpoint=touchpoint, pk=link_pk)
    actions.unmap_theme(link=link, by=user_of(request))
    messages.success(request, "Theme taken off the touchpoint.")
    return redirect("journeys:touchpoint", project.pk, journey.pk, touchpoint.pk)


# -- emotions ---------------------------------------------------------------------------------


@login_required
def emotion_create(
    request: HttpRequest, pk: int, journey_pk: int, touchpoint_pk: int
) -> HttpResponse:
    project = recording_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    touchpoint = selectors.touchpoint_in(journey=journey, pk=touchpoint_pk)
    form = EmotionForm(request.POST or None)

    def save() -> object:
        values = dict(form.cleaned_data)
        number = values.pop("comment")
        comment = selectors.comment_in(project=project, pk=number) if number else None
        if number and comment is None:
            raise ActionError(
                "There is no comment with that number in this project", field="comment"
            )
        return actions.record_emotion(
            touchpoint=touchpoint, comment=comment, by=user_of(request), **values
        )

    if response := save_or_show(
        request,
        form,
        save,
        done="Emotion recorded.",
        next_url=reverse("journeys:touchpoint", args=[project.pk, journey.pk, touchpoint.pk]),
    ):
        return response
    return render(
        request,
        "journeys/emotion_form.html",
        {"project": project, "journey": journey, "touchpoint": touchpoint, "form": form},
    )


@login_required
def emotion_delete(request: HttpRequest, pk: int, journey_pk: int, emotion_pk: int) -> HttpResponse:
    project = managed_project(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    record = selectors.emotion_in(journey=journey, pk=emotion_pk)
    back = reverse("journeys:touchpoint", args=[project.pk, journey.pk, record.touchpoint_id])
    return _confirm(
        request,
        project=project,
        journey=journey,
        heading="Delete this emotion record?",
        explanation=f"The record made at “{record.touchpoint.name}” on "
        f"{record.created_at:%d %B %Y} is deleted. This cannot be undone.",
        button="Delete emotion record",
        cancel=back,
        delete=lambda: actions.delete_emotion(record=record, by=user_of(request)),
        done="Emotion record deleted.",
        next_url=back,
    )


# -- the map and the export -------------------------------------------------------------------


@login_required
def journey_map(request: HttpRequest, pk: int, journey_pk: int) -> HttpResponse:
    project = project_of(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    summary = selectors.journey_summary(journey=journey)
    return render(
        request,
        "journeys/map.html",
        {
            "project": project,
            "journey": journey,
            "summary": summary,
            "reading": core.read_journey(summary),
            "rule": summary.rule.describe(),
            "chart_svg": charts.journey_map(summary),
            **selectors.permissions(project=project, user=request.user),
        },
    )


CSV_COLUMNS = [
    "record_id",
    "stage_position",
    "stage",
    "touchpoint_position",
    "touchpoint",
    "valence",
    "intensity",
    "emotion_words",
    "source",
    "teller_role",
    "excerpt_redacted",
    "comment_id",
    "recorded_on",
]


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return (
        "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text) else text
    )


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@login_required
def emotions_csv(request: HttpRequest, pk: int, journey_pk: int) -> HttpResponse:
    """Every emotion record of the journey (excerpts are stored redacted)."""
    project = project_of(request, pk)
    journey = selectors.journey_in(project=project, pk=journey_pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(journey.title) or "journey"
    response["Content-Disposition"] = f'attachment; filename="{name}-emotions.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    sees = selectors.sees_identifying(project=project, user=request.user)
    for record in selectors.emotions_of(journey=journey):
        shown = selectors.comment_visible(record=record, sees_identifying=sees)
        excerpt = (
            record.excerpt
            if selectors.excerpt_visible(record=record, sees_identifying=sees)
            else selectors.HELD_BACK
        )
        writer.writerow(
            [
                _cell(v)
                for v in (
                    record.pk,
                    record.touchpoint.stage.position,
                    record.touchpoint.stage.name,
                    record.touchpoint.position,
                    record.touchpoint.name,
                    record.valence,
                    record.intensity,
                    "; ".join(record.emotion_words),
                    record.source,
                    record.teller_role,
                    excerpt,
                    record.comment_id if shown else "",
                    record.created_at.date().isoformat(),
                )
            ]
        )
    return response
