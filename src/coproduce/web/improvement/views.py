"""Pages of the Model for Improvement: aims, change ideas, PDSA ramps, progress scores and
driver diagrams.

Any member views; members who are not observers create and edit; facilitators delete.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from coproduce.improvement import drivers as core_drivers
from coproduce.web.accounts.models import User
from coproduce.web.errors import ActionError
from coproduce.web.forms import save_or_show
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Project

from . import actions, selectors
from .forms import (
    AimForm,
    ChangeIdeaForm,
    CycleForm,
    DiagramForm,
    DriverForm,
    LinkForm,
    PredictionFormSet,
    ProgressScoreForm,
)
from .models import Aim, ChangeIdea, Driver, DriverDiagram, DriverLevel, LinkStrength, PDSACycle


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _project(request: HttpRequest, pk: int) -> Project:
    return project_selectors.project_for_user(pk=pk, user=request.user)


def _editable_project(request: HttpRequest, pk: int) -> Project:
    project = _project(request, pk)
    if not selectors.can_edit(project=project, user=request.user):
        raise PermissionDenied("Observers can see the improvement work but not change it.")
    return project


def _facilitated_project(request: HttpRequest, pk: int) -> Project:
    project = _project(request, pk)
    if not selectors.can_delete(project=project, user=request.user):
        raise PermissionDenied("Only the project's facilitators can delete improvement work.")
    return project


def _permissions(request: HttpRequest, project: Project) -> dict[str, bool]:
    return {
        "can_edit": selectors.can_edit(project=project, user=request.user),
        "can_delete": selectors.can_delete(project=project, user=request.user),
    }


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    ramps = selectors.ramps_of(project=project)
    aims = [
        {
            "aim": aim,
            "statement": selectors.aim_statement(aim),
            "problems": selectors.aim_problems(aim),
        }
        for aim in selectors.aims_of(project=project)
    ]
    return render(
        request,
        "improvement/overview.html",
        {
            "project": project,
            "aims": aims,
            "ramps": ramps,
            "timeline": selectors.timeline_of(ramps),
            "progress": selectors.latest_progress_score(project=project),
            "diagrams": selectors.diagrams_of(project=project),
            **_permissions(request, project),
        },
    )


# -- aims --------------------------------------------------------------------------------


def _plain(number: float) -> str:
    """A number as typed back into a form, without losing digits: 1234567.0 is "1234567"
    (``:g`` would give "1.23457e+06"), 0.1 is "0.1"."""
    return format(number, ".15g")


def _aim_page(request: HttpRequest, project: Project, aim: Aim | None) -> HttpResponse:
    initial: dict[str, Any] = {}
    if aim is not None:
        initial = {
            "what": aim.what,
            "for_whom": aim.for_whom,
            "baseline": _plain(aim.baseline),
            "unit": aim.unit,
            "target": _plain(aim.target),
            "direction": aim.direction,
            "deadline": aim.deadline.isoformat(),
            "outcome_measure": aim.outcome_measure,
        }
    form = AimForm(
        request.POST or None, initial=initial, measures=selectors.measures_of(project=project)
    )
    if response := save_or_show(
        request,
        form,
        lambda: (
            actions.create_aim(project=project, by=_user(request), **form.cleaned_data)
            if aim is None
            else actions.update_aim(aim=aim, by=_user(request), **form.cleaned_data)
        ),
        done="Aim saved.",
        next_url=reverse("improvement:overview", args=[project.pk]),
    ):
        return response
    return render(
        request, "improvement/aim_form.html", {"project": project, "form": form, "aim": aim}
    )


@login_required
def aim_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _aim_page(request, _editable_project(request, pk), None)


@login_required
def aim_edit(request: HttpRequest, pk: int, aim_pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    return _aim_page(request, project, selectors.aim_in(project=project, pk=aim_pk))


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
        "improvement/confirm_delete.html",
        {
            "project": project,
            "heading": heading,
            "explanation": explanation,
            "button": button,
            "cancel": cancel,
            "error": error,
        },
    )


@login_required
def aim_delete(request: HttpRequest, pk: int, aim_pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    aim = selectors.aim_in(project=project, pk=aim_pk)
    overview_url = reverse("improvement:overview", args=[project.pk])
    return _confirm_delete(
        request,
        project=project,
        heading="Delete this aim?",
        explanation=selectors.aim_statement(aim),
        button="Delete aim",
        cancel=overview_url,
        delete=lambda: actions.delete_aim(aim=aim, by=_user(request)),
        done="The aim was deleted.",
        next_url=overview_url,
    )


# -- change ideas ------------------------------------------------------------------------


def _idea_page(request: HttpRequest, project: Project, idea: ChangeIdea | None) -> HttpResponse:
    initial = {"title": idea.title, "description": idea.description} if idea else {}
    form = ChangeIdeaForm(request.POST or None, initial=initial)
    if response := save_or_show(
        request,
        form,
        lambda: (
            actions.create_change_idea(project=project, by=_user(request), **form.cleaned_data)
            if idea is None
            else actions.update_change_idea(
                change_idea=idea, by=_user(request), **form.cleaned_data
            )
        ),
        done="Change idea saved.",
        next_url=lambda saved: reverse("improvement:idea", args=[project.pk, saved.pk]),
    ):
        return response
    return render(
        request, "improvement/idea_form.html", {"project": project, "form": form, "idea": idea}
    )


@login_required
def idea_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _idea_page(request, _editable_project(request, pk), None)


@login_required
def idea_edit(request: HttpRequest, pk: int, idea_pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    return _idea_page(request, project, selectors.change_idea_in(project=project, pk=idea_pk))


@login_required
def idea_detail(request: HttpRequest, pk: int, idea_pk: int) -> HttpResponse:
    project = _project(request, pk)
    idea = selectors.change_idea_in(project=project, pk=idea_pk)
    return render(
        request,
        "improvement/idea_detail.html",
        {"project": project, "ramp": selectors.ramp_of(idea), **_permissions(request, project)},
    )


@login_required
def idea_delete(request: HttpRequest, pk: int, idea_pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    idea = selectors.change_idea_in(project=project, pk=idea_pk)
    count = len(idea.cycles.all())
    return _confirm_delete(
        request,
        project=project,
        heading=f"Delete the change idea “{idea.title}”?",
        explanation=f"Its {count} PDSA cycle(s) will be deleted too, and any driver diagram "
        "will lose its links to it (the diagram's history keeps them). The audit log keeps a "
        "record.",
        button="Delete change idea",
        cancel=reverse("improvement:idea", args=[project.pk, idea.pk]),
        delete=lambda: actions.delete_change_idea(change_idea=idea, by=_user(request)),
        done="The change idea was deleted.",
        next_url=reverse("improvement:overview", args=[project.pk]),
    )


# -- PDSA cycles -------------------------------------------------------------------------


def _cycle_page(
    request: HttpRequest, project: Project, idea: ChangeIdea, cycle: PDSACycle | None
) -> HttpResponse:
    initial: dict[str, Any] = {"start_date": timezone.localdate(), "other_participants": 0}
    predictions_initial: list[dict[str, Any]] = []
    if cycle is not None:
        initial = {name: getattr(cycle, name) for name in actions.CYCLE_FIELDS}
        answer = cycle.carried_out_as_planned
        initial["carried_out_as_planned"] = "" if answer is None else ("yes" if answer else "no")
        initial["measures"] = list(cycle.measures.all())
        initial["participants"] = list(cycle.participants.all())
        predictions_initial = [
            {
                "pk": p.pk,
                "question": p.question,
                "prediction": p.prediction,
                "rationale": p.rationale,
                "result": p.result,
            }
            for p in selectors.predictions_of(cycle)
        ]
    form = CycleForm(
        request.POST or None,
        initial=initial,
        measures=selectors.measures_of(project=project),
        members=selectors.participants_choices(project=project),
    )
    formset = PredictionFormSet(
        request.POST or None, initial=predictions_initial, prefix="predictions"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [
            actions.PredictionData(
                question=f.cleaned_data["question"],
                prediction=f.cleaned_data["prediction"],
                rationale=f.cleaned_data["rationale"],
                result=f.cleaned_data["result"],
                pk=f.cleaned_data.get("pk"),
            )
            for f in formset.forms
            if not f.is_blank
        ]
        try:
            if cycle is None:
                cycle = actions.create_cycle(
                    change_idea=idea, predictions=rows, by=_user(request), **form.worksheet()
                )
            else:
                actions.update_cycle(
                    cycle=cycle, predictions=rows, by=_user(request), **form.worksheet()
                )
        except ActionError as error:
            form.add_action_error(error)
        else:
            messages.success(request, f"PDSA {cycle.number} saved.")
            return redirect("improvement:cycle", pk=project.pk, cycle_pk=cycle.pk)
    return render(
        request,
        "improvement/cycle_form.html",
        {
            "project": project,
            "idea": idea,
            "cycle": cycle,
            "form": form,
            "formset": formset,
            "prediction_errors": [(i, f) for i, f in enumerate(formset.forms, start=1) if f.errors],
        },
    )


@login_required
def cycle_create(request: HttpRequest, pk: int, idea_pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    idea = selectors.change_idea_in(project=project, pk=idea_pk)
    return _cycle_page(request, project, idea, None)


@login_required
def cycle_edit(request: HttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    cycle = selectors.cycle_in(project=project, pk=cycle_pk)
    return _cycle_page(request, project, cycle.change_idea, cycle)


@login_required
def cycle_detail(request: HttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    project = _project(request, pk)
    cycle = selectors.cycle_in(project=project, pk=cycle_pk)
    ramp = selectors.ramp_of(selectors.change_idea_in(project=project, pk=cycle.change_idea_id))
    return render(
        request,
        "improvement/cycle_detail.html",
        {
            "project": project,
            "cycle": cycle,
            "ramp": ramp,
            "predictions": selectors.predictions_of(cycle),
            **_permissions(request, project),
        },
    )


@login_required
def cycle_delete(request: HttpRequest, pk: int, cycle_pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    cycle = selectors.cycle_in(project=project, pk=cycle_pk)
    idea = cycle.change_idea
    return _confirm_delete(
        request,
        project=project,
        heading=f"Delete {cycle.label}?",
        explanation="Its worksheet and predictions will be deleted, and the later cycles "
        "of the ramp renumbered. The audit log keeps a record.",
        button="Delete cycle",
        cancel=reverse("improvement:cycle", args=[project.pk, cycle.pk]),
        delete=lambda: actions.delete_cycle(cycle=cycle, by=_user(request)),
        done="The cycle was deleted.",
        next_url=reverse("improvement:idea", args=[project.pk, idea.pk]),
    )


# -- progress scores ---------------------------------------------------------------------


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    permissions = _permissions(request, project)
    form = ProgressScoreForm(request.POST or None, initial={"recorded_on": timezone.localdate()})
    if request.method == "POST" and not permissions["can_edit"]:
        raise PermissionDenied("Observers can see progress scores but not record them.")
    if response := save_or_show(
        request,
        form,
        lambda: actions.record_progress_score(
            project=project, by=_user(request), **form.cleaned_data
        ),
        done="Progress score recorded.",
        next_url=reverse("improvement:progress", args=[project.pk]),
    ):
        return response
    page = Paginator(selectors.progress_scores_of(project=project), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "improvement/progress.html",
        {"project": project, "form": form, "page": page, **permissions},
    )


@login_required
def progress_delete(request: HttpRequest, pk: int, score_pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    score = selectors.progress_score_in(project=project, pk=score_pk)
    url = reverse("improvement:progress", args=[project.pk])
    return _confirm_delete(
        request,
        project=project,
        heading=f"Delete the progress score of {score.recorded_on:%d %B %Y}?",
        explanation=f"The score was {score.score}. The audit log keeps a record.",
        button="Delete score",
        cancel=url,
        delete=lambda: actions.delete_progress_score(progress_score=score, by=_user(request)),
        done="The progress score was deleted.",
        next_url=url,
    )


# -- driver diagrams ---------------------------------------------------------------------


def _drawing(diagram: core_drivers.Diagram, id_prefix: str) -> dict[str, Any]:
    """The SVG (its text escaped by the core) and its nested-list text alternative."""
    return {
        "svg": mark_safe(core_drivers.to_svg(diagram, id_prefix=id_prefix)),  # noqa: S308
        "outline": core_drivers.to_outline(diagram),
    }


def _diagram_page(
    request: HttpRequest, project: Project, diagram: DriverDiagram | None
) -> HttpResponse:
    initial: dict[str, Any] = {}
    if diagram is not None:
        initial = {"title": diagram.title, "aim": diagram.aim}
    form = DiagramForm(
        request.POST or None, initial=initial, aims=selectors.aims_of(project=project)
    )
    if response := save_or_show(
        request,
        form,
        lambda: (
            actions.create_diagram(project=project, by=_user(request), **form.cleaned_data)
            if diagram is None
            else actions.update_diagram(diagram=diagram, by=_user(request), **form.cleaned_data)
        ),
        done="Driver diagram saved.",
        next_url=lambda saved: reverse("improvement:diagram", args=[project.pk, saved.pk]),
    ):
        return response
    return render(
        request,
        "improvement/diagram_form.html",
        {"project": project, "form": form, "diagram": diagram},
    )


@login_required
def diagram_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _diagram_page(request, _editable_project(request, pk), None)


@login_required
def diagram_edit(request: HttpRequest, pk: int, diagram_pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    return _diagram_page(request, project, selectors.diagram_in(project=project, pk=diagram_pk))


@login_required
def diagram_detail(request: HttpRequest, pk: int, diagram_pk: int) -> HttpResponse:
    project = _project(request, pk)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    model = selectors.core_diagram(diagram)
    primary, secondary = selectors.driver_rows(diagram, model)
    return render(
        request,
        "improvement/diagram_detail.html",
        {
            "project": project,
            "diagram": diagram,
            "primary": primary,
            "secondary": secondary,
            "problems": core_drivers.problems(model),
            "version": selectors.latest_version(diagram),
            **_drawing(model, "driver-diagram"),
            **_permissions(request, project),
        },
    )


@login_required
def diagram_delete(request: HttpRequest, pk: int, diagram_pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    return _confirm_delete(
        request,
        project=project,
        heading=f"Delete the driver diagram “{diagram.title}”?",
        explanation="Its drivers, links and history will be deleted. The change ideas stay. "
        "The audit log keeps a record.",
        button="Delete driver diagram",
        cancel=reverse("improvement:diagram", args=[project.pk, diagram.pk]),
        delete=lambda: actions.delete_diagram(diagram=diagram, by=_user(request)),
        done="The driver diagram was deleted.",
        next_url=reverse("improvement:overview", args=[project.pk]),
    )


def _driver_page(
    request: HttpRequest,
    project: Project,
    diagram: DriverDiagram,
    driver: Driver | None,
    level: str,
) -> HttpResponse:
    initial = {"text": driver.text, "measure": driver.measure} if driver else {}
    form = DriverForm(
        request.POST or None, initial=initial, measures=selectors.measures_of(project=project)
    )
    if response := save_or_show(
        request,
        form,
        lambda: (
            actions.add_driver(diagram=diagram, level=level, by=_user(request), **form.cleaned_data)
            if driver is None
            else actions.update_driver(driver=driver, by=_user(request), **form.cleaned_data)
        ),
        done="Driver saved.",
        next_url=reverse("improvement:diagram", args=[project.pk, diagram.pk]),
    ):
        return response
    return render(
        request,
        "improvement/driver_form.html",
        {
            "project": project,
            "diagram": diagram,
            "driver": driver,
            "form": form,
            "level_label": DriverLevel(level).label.lower(),
        },
    )


@login_required
def driver_create(request: HttpRequest, pk: int, diagram_pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    level = request.GET.get("level", DriverLevel.PRIMARY)
    if level not in DriverLevel.values:
        raise Http404("No such level of driver.")
    return _driver_page(request, project, diagram, None, level)


@login_required
def driver_edit(request: HttpRequest, pk: int, diagram_pk: int, driver_pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    driver = selectors.driver_in(diagram=diagram, pk=driver_pk)
    return _driver_page(request, project, diagram, driver, driver.level)


@login_required
def driver_delete(request: HttpRequest, pk: int, diagram_pk: int, driver_pk: int) -> HttpResponse:
    project = _facilitated_project(request, pk)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    driver = selectors.driver_in(diagram=diagram, pk=driver_pk)
    url = reverse("improvement:diagram", args=[project.pk, diagram.pk])
    return _confirm_delete(
        request,
        project=project,
        heading=f"Delete the {driver.get_level_display().lower()} “{driver.text}”?",
        explanation="Its links will be removed too. The diagram's history keeps it.",
        button="Delete driver",
        cancel=url,
        delete=lambda: actions.delete_driver(driver=driver, by=_user(request)),
        done="The driver was deleted.",
        next_url=url,
    )


@login_required
@require_POST
def driver_move(request: HttpRequest, pk: int, diagram_pk: int, driver_pk: int) -> HttpResponse:
    """Move a driver up or down (a POST from the diagram page's Move buttons)."""
    project = _editable_project(request, pk)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    driver = selectors.driver_in(diagram=diagram, pk=driver_pk)
    direction = request.POST.get("direction", "")
    try:
        actions.move_driver(driver=driver, direction=direction, by=_user(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Driver moved {direction}.")
    url = reverse("improvement:diagram", args=[project.pk, diagram.pk])
    return redirect(f"{url}#driver-{driver.pk}")


@login_required
def driver_links(request: HttpRequest, pk: int, diagram_pk: int, driver_pk: int) -> HttpResponse:
    """A driver's links: to secondary drivers (from a primary) or change ideas (a secondary)."""
    project = _project(request, pk)
    permissions = _permissions(request, project)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    driver = selectors.driver_in(diagram=diagram, pk=driver_pk)
    primary = driver.level == DriverLevel.PRIMARY
    targets: Any
    if primary:
        targets = selectors.drivers_of(diagram, DriverLevel.SECONDARY)
        label = "Link to a secondary driver"
    else:
        targets = selectors.change_idea_choices(project=project)
        label = "Link to a change idea"
    form = LinkForm(request.POST or None, targets=targets, label=label)
    if request.method == "POST" and not permissions["can_edit"]:
        raise PermissionDenied("Observers can see the diagram but not change it.")

    def save() -> object:
        target = form.cleaned_data["target"]
        return actions.link(
            diagram=diagram,
            from_driver=driver,
            to_driver=target if primary else None,
            to_idea=None if primary else target,
            strength=form.cleaned_data["strength"],
            by=_user(request),
        )

    if response := save_or_show(
        request,
        form,
        save,
        done="Link saved.",
        next_url=reverse("improvement:driver_links", args=[project.pk, diagram.pk, driver.pk]),
    ):
        return response
    links_out = selectors.links_of(diagram).filter(from_driver=driver)
    links_in = selectors.links_of(diagram).filter(to_driver=driver)
    return render(
        request,
        "improvement/driver_links.html",
        {
            "project": project,
            "diagram": diagram,
            "driver": driver,
            "form": form,
            "links_out": links_out,
            "links_in": links_in,
            "strengths": LinkStrength.choices,
            "has_targets": targets.exists(),
            **permissions,
        },
    )


@login_required
@require_POST
def link_strength(request: HttpRequest, pk: int, diagram_pk: int, link_pk: int) -> HttpResponse:
    """Set a link's strength (a POST from the links page)."""
    project = _editable_project(request, pk)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    driver_link = selectors.link_in(diagram=diagram, pk=link_pk)
    try:
        actions.set_link_strength(
            driver_link=driver_link, strength=request.POST.get("strength", ""), by=_user(request)
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Link strength saved.")
    return redirect(
        "improvement:driver_links",
        pk=project.pk,
        diagram_pk=diagram.pk,
        driver_pk=driver_link.from_driver_id,
    )


@login_required
def link_delete(request: HttpRequest, pk: int, diagram_pk: int, link_pk: int) -> HttpResponse:
    project = _editable_project(request, pk)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    driver_link = selectors.link_in(diagram=diagram, pk=link_pk)
    target = driver_link.target_name
    back = reverse(
        "improvement:driver_links", args=[project.pk, diagram.pk, driver_link.from_driver_id]
    )
    return _confirm_delete(
        request,
        project=project,
        heading=f"Unlink “{driver_link.from_driver.text}” from “{target}”?",
        explanation="The diagram's history keeps the link.",
        button="Unlink",
        cancel=back,
        delete=lambda: actions.unlink(driver_link=driver_link, by=_user(request)),
        done="The link was removed.",
        next_url=back,
    )


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def diagram_history(request: HttpRequest, pk: int, diagram_pk: int) -> HttpResponse:
    """Every version, newest first, and what changed between any two of them."""
    project = _project(request, pk)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    versions = list(selectors.versions_of(diagram).order_by("-number"))
    by_number = {v.number: v for v in versions}
    older = _number(request.GET.get("from"))
    newer = _number(request.GET.get("to"))
    comparison = None
    if len(versions) > 1:
        newer = newer if newer in by_number else versions[0].number
        older = older if older in by_number else newer - 1
        if older in by_number and older != newer:
            before, after = by_number[older], by_number[newer]
            comparison = {
                "before": before,
                "after": after,
                "changes": core_drivers.diff(
                    selectors.version_diagram(before), selectors.version_diagram(after)
                ),
            }
    return render(
        request,
        "improvement/diagram_history.html",
        {
            "project": project,
            "diagram": diagram,
            "versions": versions,
            "comparison": comparison,
            "older": older,
            "newer": newer,
        },
    )


@login_required
def diagram_version(request: HttpRequest, pk: int, diagram_pk: int, number: int) -> HttpResponse:
    """A past version, drawn as the diagram is, with what changed from the one before."""
    project = _project(request, pk)
    diagram = selectors.diagram_in(project=project, pk=diagram_pk)
    version = selectors.version_in(diagram=diagram, number=number)
    model = selectors.version_diagram(version)
    changes: tuple[core_drivers.Change, ...] = ()
    if number > 1:
        previous = selectors.versions_of(diagram).filter(number=number - 1).first()
        if previous is not None:
            changes = core_drivers.diff(selectors.version_diagram(previous), model)
    latest = selectors.latest_version(diagram)
    return render(
        request,
        "improvement/diagram_version.html",
        {
            "project": project,
            "diagram": diagram,
            "version": version,
            "model": model,
            "changes": changes,
            "is_latest": latest is not None and latest.number == version.number,
            **_drawing(model, f"driver-diagram-v{version.number}"),
        },
    )
