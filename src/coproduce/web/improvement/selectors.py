"""Reads for aims, change ideas, PDSA cycles, progress scores and driver diagrams, scoped to a
project.

Callers first get the project through ``projects.selectors.project_for_user`` (404 for
outsiders); lookups here are then confined to that project, so another project's objects
are 404 too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from coproduce.improvement import aims as core_aims
from coproduce.improvement import drivers as core_drivers
from coproduce.improvement import pdsa as core_pdsa
from coproduce.web.measures.models import Measure
from coproduce.web.projects.models import ProjectMembership, Role

from .models import (
    Aim,
    ChangeIdea,
    DiagramVersion,
    Driver,
    DriverDiagram,
    DriverLevel,
    DriverLink,
    PDSACycle,
    Prediction,
    ProgressScore,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project


# -- permissions -------------------------------------------------------------------------


def can_edit(*, project: Project, user: User | AnonymousUser) -> bool:
    """Members who are not observers create and edit: patients are equals here."""
    if not user.is_authenticated:
        return False
    return (
        ProjectMembership.objects.filter(project=project, user=user)
        .exclude(role=Role.OBSERVER)
        .exists()
    )


def can_delete(*, project: Project, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return ProjectMembership.objects.filter(
        project=project, user=user, role=Role.FACILITATOR
    ).exists()


# -- aims --------------------------------------------------------------------------------


def aims_of(*, project: Project) -> QuerySet[Aim]:
    return Aim.objects.filter(project=project).select_related("outcome_measure")


def aim_in(*, project: Project, pk: int) -> Aim:
    try:
        return aims_of(project=project).get(pk=pk)
    except Aim.DoesNotExist:
        raise Http404("No such aim.") from None


def aim_statement(aim: Aim) -> str:
    return core_aims.aim_statement(
        what=aim.what,
        for_whom=aim.for_whom,
        baseline=aim.baseline,
        target=aim.target,
        unit=aim.unit,
        direction=aim.direction,
        deadline=aim.deadline,
    )


def aim_problems(aim: Aim, *, today: datetime.date | None = None) -> list[str]:
    problems = core_aims.check_aim(
        what=aim.what,
        for_whom=aim.for_whom,
        baseline=aim.baseline,
        target=aim.target,
        direction=aim.direction,
        deadline=aim.deadline,
        today=today or timezone.localdate(),
    )
    messages = [problem.message for problem in problems]
    if aim.outcome_measure_id is None:
        messages.append("Link the aim to an outcome measure, so progress can be charted")
    return messages


def measures_of(*, project: Project) -> QuerySet[Measure]:
    return Measure.objects.filter(project=project).order_by("kind", "title")


# -- change ideas and ramps --------------------------------------------------------------


def change_ideas_of(*, project: Project) -> QuerySet[ChangeIdea]:
    return (
        ChangeIdea.objects.filter(project=project)
        .prefetch_related(
            Prefetch(
                "cycles",
                queryset=PDSACycle.objects.order_by("number").prefetch_related("predictions"),
            )
        )
        .order_by("title")
    )


def change_idea_choices(*, project: Project) -> QuerySet[ChangeIdea]:
    """The project's change ideas, to choose from (without their cycles)."""
    return ChangeIdea.objects.filter(project=project).order_by("title")


def change_idea_in(*, project: Project, pk: int) -> ChangeIdea:
    try:
        return change_ideas_of(project=project).get(pk=pk)
    except ChangeIdea.DoesNotExist:
        raise Http404("No such change idea.") from None


def core_cycle(cycle: PDSACycle) -> core_pdsa.Cycle:
    return core_pdsa.Cycle(
        number=cycle.number,
        start_date=cycle.start_date,
        end_date=cycle.end_date,
        decision=core_pdsa.Decision(cycle.decision) if cycle.decision else None,
        learning=cycle.learning,
        results=tuple(
            core_pdsa.Result(p.result) if p.result else None for p in cycle.predictions.all()
        ),
    )


@dataclass(frozen=True)
class Ramp:
    idea: ChangeIdea
    cycles: list[PDSACycle]
    status: core_pdsa.RampStatus
    problems: list[str]

    @property
    def status_label(self) -> str:
        return core_pdsa.RAMP_STATUS_LABELS[self.status]


def ramp_of(idea: ChangeIdea) -> Ramp:
    cycles = sorted(idea.cycles.all(), key=lambda cycle: cycle.number)
    return Ramp(
        idea=idea,
        cycles=cycles,
        status=core_pdsa.ramp_status([cycle.decision or None for cycle in cycles]),
        problems=core_pdsa.ramp_problems([core_cycle(cycle) for cycle in cycles]),
    )


def ramps_of(*, project: Project) -> list[Ramp]:
    return [ramp_of(idea) for idea in change_ideas_of(project=project)]


def _cycles_with_worksheets() -> QuerySet[PDSACycle]:
    return PDSACycle.objects.select_related("change_idea").prefetch_related(
        "predictions", "measures", "participants__user"
    )


def cycles_of(idea: ChangeIdea) -> QuerySet[PDSACycle]:
    """A change idea's ramp with each cycle's predictions, measures and participants."""
    return _cycles_with_worksheets().filter(change_idea=idea).order_by("number")


def cycle_in(*, project: Project, pk: int) -> PDSACycle:
    try:
        return _cycles_with_worksheets().filter(change_idea__project=project).get(pk=pk)
    except PDSACycle.DoesNotExist:
        raise Http404("No such PDSA cycle.") from None


def predictions_of(cycle: PDSACycle) -> QuerySet[Prediction]:
    return Prediction.objects.filter(cycle=cycle).order_by("pk")


def cycle_url(cycle: PDSACycle) -> str:
    return reverse(
        "improvement:cycle", kwargs={"pk": cycle.change_idea.project_id, "cycle_pk": cycle.pk}
    )


def cycle_annotations(measure: Measure) -> list[tuple[datetime.date, str, str]]:
    """For each PDSA cycle drawn on ``measure``: its start date, short label and page URL.

    E.g. ``(date(2026, 3, 2), "PDSA 2: Text reminders", "/projects/1/improvement/cycles/7/")``,
    in start-date order. Cycles of other projects are never included.
    """
    cycles = (
        PDSACycle.objects.filter(measures=measure, change_idea__project_id=measure.project_id)
        .select_related("change_idea")
        .order_by("start_date", "change_idea__title", "number")
    )
    return [
        (
            cycle.start_date,
            core_pdsa.label(number=cycle.number, title=cycle.change_idea.title),
            cycle_url(cycle),
        )
        for cycle in cycles
    ]


# -- timeline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    cycle: PDSACycle
    start: datetime.date
    end: datetime.date
    ongoing: bool
    x: float  # percent of the timeline's width
    width: float
    y: int


@dataclass(frozen=True)
class Timeline:
    start: datetime.date
    end: datetime.date
    rows: list[tuple[Ramp, list[Bar]]]
    height: int


ROW_HEIGHT = 28


def timeline_of(ramps: list[Ramp], *, today: datetime.date | None = None) -> Timeline | None:
    """Cycles as bars from start to end (or today, if still running) across the project."""
    today = today or timezone.localdate()
    spans: list[tuple[PDSACycle, datetime.date, datetime.date, bool]] = []
    for ramp in ramps:
        for cycle in ramp.cycles:
            ongoing = cycle.end_date is None
            end = cycle.end_date or max(today, cycle.start_date)
            spans.append((cycle, cycle.start_date, end, ongoing))
    if not spans:
        return None
    first = min(span[1] for span in spans)
    last = max(span[2] for span in spans)
    days = max((last - first).days + 1, 1)
    rows: list[tuple[Ramp, list[Bar]]] = []
    y = 0
    for ramp in ramps:
        if not ramp.cycles:
            continue
        bars = []
        for cycle, start, end, ongoing in spans:
            if cycle.change_idea_id != ramp.idea.pk:
                continue
            x = 100 * (start - first).days / days
            width = max(100 * ((end - start).days + 1) / days, 0.8)
            bars.append(Bar(cycle, start, end, ongoing, round(x, 2), round(width, 2), y))
        rows.append((ramp, bars))
        y += ROW_HEIGHT
    return Timeline(start=first, end=last, rows=rows, height=y)


# -- progress scores ---------------------------------------------------------------------


def progress_scores_of(*, project: Project) -> QuerySet[ProgressScore]:
    return (
        ProgressScore.objects.filter(project=project)
        .select_related("created_by")
        .order_by("-recorded_on", "-pk")
    )


def latest_progress_score(*, project: Project) -> ProgressScore | None:
    return progress_scores_of(project=project).first()


def progress_score_in(*, project: Project, pk: int) -> ProgressScore:
    try:
        return progress_scores_of(project=project).get(pk=pk)
    except ProgressScore.DoesNotExist:
        raise Http404("No such progress score.") from None


def participants_choices(*, project: Project) -> QuerySet[ProjectMembership]:
    return (
        ProjectMembership.objects.filter(project=project)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


# -- driver diagrams ---------------------------------------------------------------------


def diagrams_of(*, project: Project) -> QuerySet[DriverDiagram]:
    """The project's driver diagrams, each with ``latest_number``: its latest version's number."""
    return (
        DriverDiagram.objects.filter(project=project)
        .select_related("aim")
        .annotate(latest_number=Max("versions__number"))
    )


def diagram_in(*, project: Project, pk: int) -> DriverDiagram:
    try:
        return diagrams_of(project=project).get(pk=pk)
    except DriverDiagram.DoesNotExist:
        raise Http404("No such driver diagram.") from None


def drivers_of(diagram: DriverDiagram, level: str | None = None) -> QuerySet[Driver]:
    drivers = Driver.objects.filter(diagram=diagram).select_related("measure")
    if level is not None:
        drivers = drivers.filter(level=level)
    return drivers.order_by("level", "position", "pk")


def driver_in(*, diagram: DriverDiagram, pk: int) -> Driver:
    try:
        return drivers_of(diagram).get(pk=pk)
    except Driver.DoesNotExist:
        raise Http404("No such driver.") from None


def driver_in_project(*, project: Project, pk: int) -> Driver:
    try:
        return (
            Driver.objects.filter(diagram__project=project)
            .select_related("diagram", "measure")
            .get(pk=pk)
        )
    except Driver.DoesNotExist:
        raise Http404("No such driver.") from None


def links_of(diagram: DriverDiagram) -> QuerySet[DriverLink]:
    return (
        DriverLink.objects.filter(diagram=diagram)
        .select_related("from_driver", "to_driver", "to_idea")
        .order_by("pk")
    )


def link_in(*, diagram: DriverDiagram, pk: int) -> DriverLink:
    try:
        return links_of(diagram).get(pk=pk)
    except DriverLink.DoesNotExist:
        raise Http404("No such link.") from None


def link_in_project(*, project: Project, pk: int) -> DriverLink:
    try:
        return (
            DriverLink.objects.filter(diagram__project=project)
            .select_related("diagram", "from_driver", "to_driver", "to_idea")
            .get(pk=pk)
        )
    except DriverLink.DoesNotExist:
        raise Http404("No such link.") from None


def link_target_key(link: DriverLink) -> str:
    if link.to_driver_id is not None:
        return core_drivers.driver_key(link.to_driver_id)
    assert link.to_idea_id is not None
    return core_drivers.idea_key(link.to_idea_id)


def core_diagram(diagram: DriverDiagram) -> core_drivers.Diagram:
    """The diagram as the pure core's frozen model, as it is now."""

    def node(driver: Driver) -> core_drivers.Node:
        return core_drivers.Node(
            core_drivers.driver_key(driver.pk),
            driver.text,
            driver.measure.title if driver.measure else None,
        )

    drivers = list(drivers_of(diagram))
    links = list(links_of(diagram))
    ideas: dict[int, ChangeIdea] = {}
    for link in links:
        if link.to_idea is not None:
            ideas[link.to_idea.pk] = link.to_idea
    return core_drivers.Diagram(
        title=diagram.title,
        aim=aim_statement(diagram.aim) if diagram.aim else "",
        primary=tuple(node(d) for d in drivers if d.level == DriverLevel.PRIMARY),
        secondary=tuple(node(d) for d in drivers if d.level == DriverLevel.SECONDARY),
        ideas=tuple(
            core_drivers.Node(core_drivers.idea_key(idea.pk), idea.title)
            for idea in sorted(ideas.values(), key=lambda idea: idea.title.lower())
        ),
        links=tuple(
            core_drivers.Link(
                core_drivers.driver_key(link.from_driver_id),
                link_target_key(link),
                core_drivers.Strength(link.strength),
            )
            for link in links
        ),
    )


@dataclass(frozen=True)
class DriverRow:
    """A driver as listed under the drawing: in the drawing's order, with where it can move."""

    driver: Driver
    drawn_under: str | None  # a secondary driver's first primary driver (None if not linked)
    can_move_up: bool
    can_move_down: bool

    @property
    def moves(self) -> tuple[tuple[str, bool], tuple[str, bool]]:
        return (("up", self.can_move_up), ("down", self.can_move_down))


def driver_rows(
    diagram: DriverDiagram, model: core_drivers.Diagram
) -> tuple[list[DriverRow], list[DriverRow]]:
    """The primary and the secondary drivers, in the order ``model`` (the diagram as it is
    now, from ``core_diagram``) draws them."""
    drivers = {core_drivers.driver_key(d.pk): d for d in drivers_of(diagram)}
    primary, secondary, _ = core_drivers.drawing_order(model)
    under = core_drivers.drawn_under(model)

    def row(node: core_drivers.Node) -> DriverRow:
        group = core_drivers.siblings(model, node.key)
        parent = under.get(node.key)
        return DriverRow(
            driver=drivers[node.key],
            drawn_under=drivers[parent].text if parent is not None else None,
            can_move_up=group[0] != node.key,
            can_move_down=group[-1] != node.key,
        )

    return [row(node) for node in primary], [row(node) for node in secondary]


def versions_of(diagram: DriverDiagram) -> QuerySet[DiagramVersion]:
    return DiagramVersion.objects.filter(diagram=diagram).select_related("created_by")


def latest_version(diagram: DriverDiagram) -> DiagramVersion | None:
    return versions_of(diagram).order_by("-number").first()


def version_in(*, diagram: DriverDiagram, number: int) -> DiagramVersion:
    try:
        return versions_of(diagram).get(number=number)
    except DiagramVersion.DoesNotExist:
        raise Http404("No such version.") from None


def version_diagram(version: DiagramVersion) -> core_drivers.Diagram:
    return core_drivers.from_snapshot(version.snapshot)
