"""The one place that changes aims, change ideas, PDSA cycles, progress scores and driver
diagrams.

Every function is keyword-only, atomic, takes the acting user as ``by`` and writes an
audit event (docs/adr/0004). Audit summaries name things by id, number and field names
only: never the free text people typed.

Members who are not observers create and edit; only facilitators delete.

A driver diagram shows its aim and the change ideas it links to, so editing or deleting those
records a new version of each diagram that shows them (docs/adr/0007).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from coproduce.improvement import aims as core_aims
from coproduce.improvement import drivers as core_drivers
from coproduce.improvement import pdsa as core_pdsa
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.measures.models import Measure
from coproduce.web.projects.models import Project, ProjectMembership

from . import selectors
from .models import (
    PROGRESS_SCORES,
    Aim,
    ChangeIdea,
    Decision,
    DiagramVersion,
    Driver,
    DriverDiagram,
    DriverLevel,
    DriverLink,
    LinkStrength,
    PDSACycle,
    Prediction,
    PredictionResult,
    ProgressScore,
    Purpose,
)


def _require_editor(*, project: Project, user: User) -> None:
    if not selectors.can_edit(project=project, user=user):
        raise NotAllowed("Observers can see the project's improvement work but not change it.")


def _require_facilitator(*, project: Project, user: User) -> None:
    if not selectors.can_delete(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can delete improvement work.")


def _changed(obj: Any, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


def _assign(obj: Any, values: dict[str, Any], *, by: User | None = None) -> list[str]:
    """Set ``values`` on ``obj`` (stamping who and when if ``by`` is given), save it, and
    return the names of the fields that changed."""
    changed = _changed(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    if by is not None:
        obj.updated_by = by
        obj.updated_at = timezone.now()
    obj.save()
    return changed


# -- aims --------------------------------------------------------------------------------


def _clean_aim(
    *,
    project: Project,
    what: str,
    for_whom: str,
    baseline: object,
    unit: str,
    target: object,
    direction: str,
    deadline: object,
    outcome_measure: Measure | None,
    check_deadline_passed: bool,
) -> dict[str, Any]:
    problems = core_aims.check_aim(
        what=what,
        for_whom=for_whom,
        baseline=baseline,
        target=target,
        direction=direction,
        deadline=deadline,
        today=timezone.localdate() if check_deadline_passed else None,
    )
    if problems:
        raise ActionError(problems[0].message, field=problems[0].field)
    for name, text, label, limit in (
        ("what", what, "What will improve", 300),
        ("for_whom", for_whom, "Who it is for", 300),
        ("unit", unit, "The unit", 60),
    ):
        if len(text.strip()) > limit:
            raise ActionError(f"{label} must be {limit} characters or fewer", field=name)
    if outcome_measure is not None and outcome_measure.project_id != project.pk:
        raise ActionError("Choose one of this project's measures", field="outcome_measure")
    return {
        "what": what.strip(),
        "for_whom": for_whom.strip(),
        "baseline": core_aims.as_number(baseline),
        "unit": unit.strip(),
        "target": core_aims.as_number(target),
        "direction": direction,
        "deadline": core_aims.as_date(deadline),
        "outcome_measure": outcome_measure,
    }


@transaction.atomic
def create_aim(
    *,
    project: Project,
    what: str,
    for_whom: str,
    baseline: object,
    target: object,
    direction: str,
    deadline: object,
    unit: str = "",
    outcome_measure: Measure | None = None,
    by: User,
) -> Aim:
    """State an aim: how much, by when, for whom. Its deadline must be in the future."""
    _require_editor(project=project, user=by)
    values = _clean_aim(
        project=project,
        what=what,
        for_whom=for_whom,
        baseline=baseline,
        unit=unit,
        target=target,
        direction=direction,
        deadline=deadline,
        outcome_measure=outcome_measure,
        check_deadline_passed=True,
    )
    aim = Aim.objects.create(project=project, created_by=by, updated_by=by, **values)
    audit.record(
        action="aim.created",
        by=by,
        project=project,
        target=aim,
        summary=f"Stated aim {aim.pk}",
    )
    return aim


@transaction.atomic
def update_aim(
    *,
    aim: Aim,
    what: str,
    for_whom: str,
    baseline: object,
    target: object,
    direction: str,
    deadline: object,
    unit: str = "",
    outcome_measure: Measure | None = None,
    by: User,
) -> Aim:
    """Change an aim. A deadline already passed may stay, but not be newly set."""
    _require_editor(project=aim.project, user=by)
    values = _clean_aim(
        project=aim.project,
        what=what,
        for_whom=for_whom,
        baseline=baseline,
        unit=unit,
        target=target,
        direction=direction,
        deadline=deadline,
        outcome_measure=outcome_measure,
        check_deadline_passed=core_aims.as_date(deadline) != aim.deadline,
    )
    changed = _assign(aim, values, by=by)
    versions = _redraw_diagrams(diagram_ids=_diagrams_showing(aim=aim), by=by)
    audit.record(
        action="aim.updated",
        by=by,
        project=aim.project,
        target=aim,
        summary=f"Updated aim {aim.pk} ({', '.join(changed) or 'no changes'})",
        data={"fields": changed, "diagram_versions": versions},
    )
    return aim


@transaction.atomic
def delete_aim(*, aim: Aim, by: User) -> None:
    """Delete an aim. Its driver diagrams stay, with no aim linked."""
    _require_facilitator(project=aim.project, user=by)
    pk = aim.pk
    diagram_ids = _diagrams_showing(aim=aim)
    aim.delete()
    versions = _redraw_diagrams(diagram_ids=diagram_ids, by=by)
    audit.record(
        action="aim.deleted",
        by=by,
        project=aim.project,
        summary=f"Deleted aim {pk}",
        data={"aim": pk, "diagram_versions": versions},
    )


# -- change ideas ------------------------------------------------------------------------


def _clean_title(*, project: Project, title: str, exclude: int | None = None) -> str:
    title = title.strip()
    if not title:
        raise ActionError("Enter a short title for the change idea", field="title")
    if len(title) > 200:
        raise ActionError("The title must be 200 characters or fewer", field="title")
    clash = ChangeIdea.objects.filter(project=project, title__iexact=title)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ActionError(f"There is already a change idea called {title}", field="title")
    return title


@transaction.atomic
def create_change_idea(
    *, project: Project, title: str, description: str = "", by: User
) -> ChangeIdea:
    _require_editor(project=project, user=by)
    title = _clean_title(project=project, title=title)
    try:
        with transaction.atomic():
            idea = ChangeIdea.objects.create(
                project=project,
                title=title,
                description=description.strip(),
                created_by=by,
                updated_by=by,
            )
    except IntegrityError:
        raise ActionError(f"There is already a change idea called {title}", field="title") from None
    audit.record(
        action="change_idea.created",
        by=by,
        project=project,
        target=idea,
        summary=f"Added change idea {idea.pk}",
    )
    return idea


@transaction.atomic
def update_change_idea(
    *, change_idea: ChangeIdea, title: str, description: str = "", by: User
) -> ChangeIdea:
    _require_editor(project=change_idea.project, user=by)
    values = {
        "title": _clean_title(project=change_idea.project, title=title, exclude=change_idea.pk),
        "description": description.strip(),
    }
    changed = _assign(change_idea, values, by=by)
    versions = _redraw_diagrams(diagram_ids=_diagrams_showing(change_idea=change_idea), by=by)
    audit.record(
        action="change_idea.updated",
        by=by,
        project=change_idea.project,
        target=change_idea,
        summary=f"Updated change idea {change_idea.pk} ({', '.join(changed) or 'no changes'})",
        data={"fields": changed, "diagram_versions": versions},
    )
    return change_idea


@transaction.atomic
def delete_change_idea(*, change_idea: ChangeIdea, by: User) -> None:
    """Delete a change idea and its whole ramp of cycles; driver diagrams lose their links to it."""
    _require_facilitator(project=change_idea.project, user=by)
    pk = change_idea.pk
    cycles = change_idea.cycles.count()
    diagram_ids = _diagrams_showing(change_idea=change_idea)
    change_idea.delete()
    versions = _redraw_diagrams(diagram_ids=diagram_ids, by=by)
    audit.record(
        action="change_idea.deleted",
        by=by,
        project=change_idea.project,
        summary=f"Deleted change idea {pk} and its {cycles} PDSA cycle(s)",
        data={"change_idea": pk, "cycles": cycles, "diagram_versions": versions},
    )


# -- PDSA cycles -------------------------------------------------------------------------


@dataclass(frozen=True)
class PredictionData:
    """One row of a cycle's predictions. ``pk`` names an existing prediction to keep."""

    question: str
    prediction: str
    rationale: str = ""
    result: str = ""
    pk: int | None = None


#: The worksheet's fields that are plain values, with their defaults.
CYCLE_FIELDS: dict[str, Any] = {
    "purpose": "",
    "start_date": None,
    "end_date": None,
    "objective": "",
    "plan_who": "",
    "plan_what": "",
    "plan_when": "",
    "plan_where": "",
    "scale": "",
    "data_plan": "",
    "other_participants": 0,
    "carried_out_as_planned": None,
    "observations": "",
    "learning": "",
    "decision": "",
    "next_steps": "",
}


def _clean_cycle(values: dict[str, Any], predictions: Sequence[PredictionData]) -> dict[str, Any]:
    cleaned = dict(values)
    for name, value in cleaned.items():
        if isinstance(value, str):
            cleaned[name] = value.strip()
    start = cleaned["start_date"]
    if not isinstance(start, datetime.date):
        raise ActionError("Enter the date the cycle starts", field="start_date")
    end = cleaned["end_date"]
    if end is not None and not isinstance(end, datetime.date):
        raise ActionError("The end date must be a date", field="end_date")
    if not cleaned["objective"]:
        raise ActionError("Say what this cycle is for: its objective", field="objective")
    if len(cleaned["scale"]) > 200:
        raise ActionError("The scale must be 200 characters or fewer", field="scale")
    if cleaned["purpose"] not in ("", *Purpose.values):
        raise ActionError("Choose a purpose from the list", field="purpose")
    if cleaned["decision"] is None:
        cleaned["decision"] = ""
    if cleaned["decision"] not in ("", *Decision.values):
        raise ActionError("Choose adopt, adapt or abandon", field="decision")
    other = cleaned["other_participants"]
    if not isinstance(other, int) or isinstance(other, bool) or other < 0:
        raise ActionError(
            "Other participants must be a whole number, 0 or more", field="other_participants"
        )
    problem = core_pdsa.dates_problem(start_date=start, end_date=end)
    if problem:
        raise ActionError(problem, field="end_date")
    for row in predictions:
        if not row.question.strip() or not row.prediction.strip():
            raise ActionError(
                "Each prediction needs a question and what you predict", field="predictions"
            )
        if row.result not in ("", *PredictionResult.values):
            raise ActionError("Choose how each prediction turned out", field="predictions")
    problem = core_pdsa.decision_problem(
        decision=cleaned["decision"],
        learning=cleaned["learning"],
        results=[row.result for row in predictions],
    )
    if problem:
        raise ActionError(problem, field="decision")
    return cleaned


def _check_links(
    *,
    project: Project,
    measures: Iterable[Measure],
    participants: Iterable[ProjectMembership],
) -> tuple[list[Measure], list[ProjectMembership]]:
    measures = list(measures)
    participants = list(participants)
    if any(measure.project_id != project.pk for measure in measures):
        raise ActionError("Choose measures from this project", field="measures")
    if any(member.project_id != project.pk for member in participants):
        raise ActionError("Choose participants from this project's members", field="participants")
    return measures, participants


def _prediction_values(cycle: PDSACycle) -> list[tuple[Any, ...]]:
    """The cycle's predictions as stored (not as prefetched), to see whether they changed."""
    return list(
        Prediction.objects.filter(cycle=cycle)
        .order_by("pk")
        .values_list("pk", "question", "prediction", "rationale", "result")
    )


def _save_predictions(cycle: PDSACycle, predictions: Sequence[PredictionData]) -> None:
    existing = {p.pk: p for p in cycle.predictions.all()}
    keep: set[int] = set()
    for row in predictions:
        values = {
            "question": row.question.strip(),
            "prediction": row.prediction.strip(),
            "rationale": row.rationale.strip(),
            "result": row.result,
        }
        if row.pk is not None and row.pk in existing:
            prediction = existing[row.pk]
            for name, value in values.items():
                setattr(prediction, name, value)
            prediction.save()
            keep.add(row.pk)
        else:
            Prediction.objects.create(cycle=cycle, **values)
    for pk, prediction in existing.items():
        if pk not in keep:
            prediction.delete()


@transaction.atomic
def create_cycle(
    *,
    change_idea: ChangeIdea,
    start_date: datetime.date,
    objective: str,
    predictions: Sequence[PredictionData] = (),
    measures: Iterable[Measure] = (),
    participants: Iterable[ProjectMembership] = (),
    by: User,
    **fields: Any,
) -> PDSACycle:
    """Add the next cycle to a change idea's ramp. ``fields`` are the other worksheet fields."""
    project = change_idea.project
    _require_editor(project=project, user=by)
    unknown = set(fields) - set(CYCLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown cycle fields: {', '.join(sorted(unknown))}")
    values = {**CYCLE_FIELDS, **fields, "start_date": start_date, "objective": objective}
    values = _clean_cycle(values, predictions)
    measure_list, member_list = _check_links(
        project=project, measures=measures, participants=participants
    )
    number = core_pdsa.next_number(change_idea.cycles.values_list("number", flat=True))
    try:
        with transaction.atomic():
            cycle = PDSACycle.objects.create(
                change_idea=change_idea, number=number, created_by=by, updated_by=by, **values
            )
    except IntegrityError:
        raise ActionError("Someone else added a cycle at the same time. Try again.") from None
    cycle.measures.set(measure_list)
    cycle.participants.set(member_list)
    _save_predictions(cycle, predictions)
    audit.record(
        action="pdsa.created",
        by=by,
        project=project,
        target=cycle,
        summary=f"Added PDSA {number} to change idea {change_idea.pk}",
        data={"change_idea": change_idea.pk, "number": number},
    )
    return cycle


@transaction.atomic
def update_cycle(
    *,
    cycle: PDSACycle,
    predictions: Sequence[PredictionData] | None = None,
    measures: Iterable[Measure] | None = None,
    participants: Iterable[ProjectMembership] | None = None,
    by: User,
    **fields: Any,
) -> PDSACycle:
    """Change a cycle's worksheet. Only the fields given change; ``None`` lists stay."""
    project = cycle.change_idea.project
    _require_editor(project=project, user=by)
    unknown = set(fields) - set(CYCLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown cycle fields: {', '.join(sorted(unknown))}")
    current = {name: getattr(cycle, name) for name in CYCLE_FIELDS}
    values = {**current, **fields}
    if predictions is None:
        rows = [
            PredictionData(p.question, p.prediction, p.rationale, p.result, pk=p.pk)
            for p in cycle.predictions.all()
        ]
    else:
        rows = list(predictions)
    values = _clean_cycle(values, rows)
    measure_list, member_list = _check_links(
        project=project, measures=measures or (), participants=participants or ()
    )
    changed = _assign(cycle, values, by=by)
    if measures is not None:
        if {m.pk for m in cycle.measures.all()} != {m.pk for m in measure_list}:
            changed.append("measures")
        cycle.measures.set(measure_list)
    if participants is not None:
        if {m.pk for m in cycle.participants.all()} != {m.pk for m in member_list}:
            changed.append("participants")
        cycle.participants.set(member_list)
    if predictions is not None:
        before = _prediction_values(cycle)
        _save_predictions(cycle, rows)
        if _prediction_values(cycle) != before:
            changed.append("predictions")
    audit.record(
        action="pdsa.updated",
        by=by,
        project=project,
        target=cycle,
        summary=(
            f"Updated PDSA {cycle.number} of change idea {cycle.change_idea_id} "
            f"({', '.join(changed) or 'no changes'})"
        ),
        data={"fields": changed, "decision": cycle.decision},
    )
    return cycle


@transaction.atomic
def delete_cycle(*, cycle: PDSACycle, by: User) -> None:
    """Delete a cycle; the later cycles of its ramp are renumbered to close the gap."""
    idea = cycle.change_idea
    _require_facilitator(project=idea.project, user=by)
    pk, number = cycle.pk, cycle.number
    cycle.delete()
    for later in idea.cycles.filter(number__gt=number).order_by("number"):
        later.number -= 1
        later.save(update_fields=["number"])
    audit.record(
        action="pdsa.deleted",
        by=by,
        project=idea.project,
        summary=f"Deleted PDSA {number} of change idea {idea.pk}",
        data={"change_idea": idea.pk, "cycle": pk, "number": number},
    )


# -- progress scores ---------------------------------------------------------------------


def _check_score(*, score: object, recorded_on: object) -> Decimal:
    try:
        value = Decimal(str(score))
    except InvalidOperation:
        value = Decimal("NaN")
    if value.is_nan() or value not in PROGRESS_SCORES:
        raise ActionError("A progress score is from 0.5 to 5.0 in steps of 0.5", field="score")
    if not isinstance(recorded_on, datetime.date):
        raise ActionError("Enter the date of the score", field="recorded_on")
    if recorded_on > timezone.localdate():
        raise ActionError("The date of the score cannot be in the future", field="recorded_on")
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def record_progress_score(
    *,
    project: Project,
    score: object,
    recorded_on: datetime.date,
    note: str = "",
    by: User,
) -> ProgressScore:
    """Record the IHI progress score (0.5 to 5.0 in steps of 0.5) on a date."""
    _require_editor(project=project, user=by)
    value = _check_score(score=score, recorded_on=recorded_on)
    progress = ProgressScore.objects.create(
        project=project,
        score=value,
        recorded_on=recorded_on,
        note=note.strip(),
        created_by=by,
    )
    audit.record(
        action="progress_score.recorded",
        by=by,
        project=project,
        target=progress,
        summary=f"Recorded progress score {progress.score} for {recorded_on.isoformat()}",
        data={"score": str(progress.score), "recorded_on": recorded_on.isoformat()},
    )
    return progress


@transaction.atomic
def delete_progress_score(*, progress_score: ProgressScore, by: User) -> None:
    _require_facilitator(project=progress_score.project, user=by)
    pk = progress_score.pk
    progress_score.delete()
    audit.record(
        action="progress_score.deleted",
        by=by,
        project=progress_score.project,
        summary=f"Deleted progress score {pk}",
        data={"progress_score": pk},
    )


@transaction.atomic
def update_progress_score(
    *,
    progress_score: ProgressScore,
    score: object,
    recorded_on: datetime.date,
    note: str = "",
    by: User,
) -> ProgressScore:
    """Correct a recorded progress score."""
    project = progress_score.project
    _require_editor(project=project, user=by)
    value = _check_score(score=score, recorded_on=recorded_on)
    values = {"score": value, "recorded_on": recorded_on, "note": note.strip()}
    changed = _assign(progress_score, values)
    audit.record(
        action="progress_score.updated",
        by=by,
        project=project,
        target=progress_score,
        summary=(
            f"Updated progress score {progress_score.pk} ({', '.join(changed) or 'no changes'})"
        ),
        data={"fields": changed, "score": str(value)},
    )
    return progress_score


# -- driver diagrams ---------------------------------------------------------------------
#
# Every change to a diagram, its drivers or its links saves a new numbered version: a JSON
# snapshot of the whole diagram and a description of what changed (docs/adr/0007).


def _new_version(*, diagram: DriverDiagram, by: User) -> DiagramVersion | None:
    """Snapshot the diagram as it is now, if it differs from its latest version."""
    current = selectors.core_diagram(diagram)
    latest = selectors.latest_version(diagram)
    if latest is None:
        number, description = 1, "Started the diagram"
    else:
        changes = core_drivers.diff(selectors.version_diagram(latest), current)
        if not changes:
            return None
        number, description = latest.number + 1, core_drivers.describe(changes)
    try:
        with transaction.atomic():
            return DiagramVersion.objects.create(
                diagram=diagram,
                number=number,
                description=description,
                snapshot=core_drivers.snapshot(current),
                created_by=by,
            )
    except IntegrityError:
        raise ActionError("Someone else changed the diagram at the same time. Try again.") from None


def _touch(diagram: DriverDiagram, by: User) -> None:
    diagram.updated_by = by
    diagram.updated_at = timezone.now()
    diagram.save(update_fields=["updated_by", "updated_at"])


def _diagrams_showing(
    *, aim: Aim | None = None, change_idea: ChangeIdea | None = None
) -> list[int]:
    """The ids of the driver diagrams that draw this aim, or that link to this change idea."""
    if aim is not None:
        diagrams = DriverDiagram.objects.filter(aim=aim)
    else:
        diagrams = DriverDiagram.objects.filter(links__to_idea=change_idea)
    return sorted(set(diagrams.values_list("pk", flat=True)))


def _redraw_diagrams(*, diagram_ids: Iterable[int], by: User) -> dict[str, int]:
    """A new version of each diagram whose drawing changed because its aim or a change idea was
    edited or deleted (by their own actions). Returns the version numbers, by diagram id."""
    made: dict[str, int] = {}
    for diagram in DriverDiagram.objects.filter(pk__in=list(diagram_ids)).order_by("pk"):
        version = _new_version(diagram=diagram, by=by)
        if version is not None:
            _touch(diagram, by)
            made[str(diagram.pk)] = version.number
    return made


def _clean_diagram(*, project: Project, title: str, aim: Aim | None) -> dict[str, Any]:
    title = title.strip()
    if not title:
        raise ActionError("Enter a title for the driver diagram", field="title")
    if len(title) > 200:
        raise ActionError("The title must be 200 characters or fewer", field="title")
    if aim is not None and aim.project_id != project.pk:
        raise ActionError("Choose one of this project's aims", field="aim")
    return {"title": title, "aim": aim}


@transaction.atomic
def create_diagram(
    *, project: Project, title: str, aim: Aim | None = None, by: User
) -> DriverDiagram:
    """Start a driver diagram, usually for one of the project's aims."""
    _require_editor(project=project, user=by)
    values = _clean_diagram(project=project, title=title, aim=aim)
    diagram = DriverDiagram.objects.create(project=project, created_by=by, updated_by=by, **values)
    _new_version(diagram=diagram, by=by)
    audit.record(
        action="driver_diagram.created",
        by=by,
        project=project,
        target=diagram,
        summary=f"Started driver diagram {diagram.pk}",
        data={"aim": diagram.aim_id},
    )
    return diagram


@transaction.atomic
def update_diagram(
    *, diagram: DriverDiagram, title: str, aim: Aim | None = None, by: User
) -> DriverDiagram:
    _require_editor(project=diagram.project, user=by)
    values = _clean_diagram(project=diagram.project, title=title, aim=aim)
    changed = _assign(diagram, values, by=by)
    version = _new_version(diagram=diagram, by=by)
    audit.record(
        action="driver_diagram.updated",
        by=by,
        project=diagram.project,
        target=diagram,
        summary=f"Updated driver diagram {diagram.pk} ({', '.join(changed) or 'no changes'})",
        data={"fields": changed, "version": version.number if version else None},
    )
    return diagram


@transaction.atomic
def delete_diagram(*, diagram: DriverDiagram, by: User) -> None:
    """Delete a diagram with its drivers, links and history. Change ideas stay."""
    _require_facilitator(project=diagram.project, user=by)
    pk = diagram.pk
    drivers = diagram.drivers.count()
    diagram.delete()
    audit.record(
        action="driver_diagram.deleted",
        by=by,
        project=diagram.project,
        summary=f"Deleted driver diagram {pk} and its {drivers} driver(s)",
        data={"diagram": pk, "drivers": drivers},
    )


def _clean_driver(*, diagram: DriverDiagram, text: str, measure: Measure | None) -> dict[str, Any]:
    text = text.strip()
    if not text:
        raise ActionError("Say what the driver is", field="text")
    if len(text) > 300:
        raise ActionError("A driver must be 300 characters or fewer", field="text")
    if measure is not None and measure.project_id != diagram.project_id:
        raise ActionError("Choose one of this project's measures", field="measure")
    return {"text": text, "measure": measure}


@transaction.atomic
def add_driver(
    *,
    diagram: DriverDiagram,
    level: str,
    text: str,
    measure: Measure | None = None,
    by: User,
) -> Driver:
    """Add a primary or secondary driver at the end of its column."""
    _require_editor(project=diagram.project, user=by)
    if level not in DriverLevel.values:
        raise ActionError("Choose primary or secondary", field="level")
    values = _clean_driver(diagram=diagram, text=text, measure=measure)
    last = diagram.drivers.filter(level=level).order_by("-position").first()
    driver = Driver.objects.create(
        diagram=diagram,
        level=level,
        position=(last.position + 1) if last else 1,
        created_by=by,
        **values,
    )
    _touch(diagram, by)
    version = _new_version(diagram=diagram, by=by)
    audit.record(
        action="driver.created",
        by=by,
        project=diagram.project,
        target=driver,
        summary=f"Added {level} driver {driver.pk} to driver diagram {diagram.pk}",
        data={
            "diagram": diagram.pk,
            "level": level,
            "version": version.number if version else None,
        },
    )
    return driver


@transaction.atomic
def update_driver(*, driver: Driver, text: str, measure: Measure | None = None, by: User) -> Driver:
    """Reword a driver or attach (or detach) its measure."""
    diagram = driver.diagram
    _require_editor(project=diagram.project, user=by)
    values = _clean_driver(diagram=diagram, text=text, measure=measure)
    changed = _assign(driver, values)
    _touch(diagram, by)
    version = _new_version(diagram=diagram, by=by)
    audit.record(
        action="driver.updated",
        by=by,
        project=diagram.project,
        target=driver,
        summary=f"Updated driver {driver.pk} ({', '.join(changed) or 'no changes'})",
        data={"fields": changed, "version": version.number if version else None},
    )
    return driver


@transaction.atomic
def delete_driver(*, driver: Driver, by: User) -> None:
    """Delete a driver and its links. The history keeps it."""
    diagram = driver.diagram
    _require_facilitator(project=diagram.project, user=by)
    pk, level = driver.pk, driver.level
    links = DriverLink.objects.filter(Q(from_driver=driver) | Q(to_driver=driver)).count()
    driver.delete()
    _touch(diagram, by)
    version = _new_version(diagram=diagram, by=by)
    audit.record(
        action="driver.deleted",
        by=by,
        project=diagram.project,
        summary=f"Deleted {level} driver {pk} and its {links} link(s) from diagram {diagram.pk}",
        data={
            "diagram": diagram.pk,
            "driver": pk,
            "links": links,
            "version": version.number if version else None,
        },
    )


MOVES = ("up", "down")


@transaction.atomic
def move_driver(*, driver: Driver, direction: str, by: User) -> Driver:
    """Move a driver up or down among its siblings: a primary driver among the primary
    drivers; a secondary driver among those drawn under the same primary driver."""
    # Lock the diagram, so two moves at once cannot interleave their renumbering.
    diagram = DriverDiagram.objects.select_for_update().get(pk=driver.diagram_id)
    _require_editor(project=diagram.project, user=by)
    if direction not in MOVES:
        raise ActionError("Choose up or down", field="direction")
    key = core_drivers.driver_key(driver.pk)
    try:
        moved = core_drivers.move(selectors.core_diagram(diagram), key, up=direction == "up")
    except core_drivers.CannotMove:
        where = "first" if direction == "up" else "last"
        raise ActionError(f"This driver is already {where}", field="direction") from None
    except KeyError:
        raise ActionError("Choose a driver of this diagram", field="driver") from None
    order = moved.primary if driver.level == DriverLevel.PRIMARY else moved.secondary
    level = {
        core_drivers.driver_key(d.pk): d
        for d in Driver.objects.filter(diagram=diagram, level=driver.level)
    }
    # Number the whole column afresh (1, 2, 3…), so equal or missing positions cannot linger.
    for position, node in enumerate(order, start=1):
        row = level[node.key]
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    driver.position = level[key].position
    _touch(diagram, by)
    version = _new_version(diagram=diagram, by=by)
    audit.record(
        action="driver.moved",
        by=by,
        project=diagram.project,
        target=driver,
        summary=f"Moved {driver.level} driver {driver.pk} {direction} in diagram {diagram.pk}",
        data={
            "diagram": diagram.pk,
            "direction": direction,
            "position": driver.position,
            "version": version.number if version else None,
        },
    )
    return driver


def _check_strength(strength: str) -> str:
    if strength not in LinkStrength.values:
        raise ActionError("Choose strong or weak", field="strength")
    return strength


@transaction.atomic
def link(
    *,
    diagram: DriverDiagram,
    from_driver: Driver,
    to_driver: Driver | None = None,
    to_idea: ChangeIdea | None = None,
    strength: str = LinkStrength.STRONG,
    by: User,
) -> DriverLink:
    """Link a primary driver to a secondary one, or a secondary driver to a change idea.

    Linking a pair that is already linked sets the link's strength.
    """
    _require_editor(project=diagram.project, user=by)
    strength = _check_strength(strength)
    if from_driver.diagram_id != diagram.pk:
        raise ActionError("Choose a driver of this diagram", field="from_driver")
    if (to_driver is None) == (to_idea is None):
        raise ActionError("Choose one driver or change idea to link to", field="target")
    existing: DriverLink | None
    if to_driver is not None:
        if to_driver.diagram_id != diagram.pk:
            raise ActionError("Choose a driver of this diagram", field="target")
        if (from_driver.level, to_driver.level) != (DriverLevel.PRIMARY, DriverLevel.SECONDARY):
            raise ActionError(
                "A primary driver links to secondary drivers; a secondary driver to change ideas",
                field="target",
            )
        existing = DriverLink.objects.filter(from_driver=from_driver, to_driver=to_driver).first()
    else:
        assert to_idea is not None
        if to_idea.project_id != diagram.project_id:
            raise ActionError("Choose one of this project's change ideas", field="target")
        if from_driver.level != DriverLevel.SECONDARY:
            raise ActionError("Only secondary drivers link to change ideas", field="target")
        existing = DriverLink.objects.filter(from_driver=from_driver, to_idea=to_idea).first()
    if existing is not None:
        return set_link_strength(driver_link=existing, strength=strength, by=by)
    try:
        with transaction.atomic():
            created = DriverLink.objects.create(
                diagram=diagram,
                from_driver=from_driver,
                to_driver=to_driver,
                to_idea=to_idea,
                strength=strength,
            )
    except IntegrityError:
        raise ActionError("Someone else made this link at the same time.") from None
    _touch(diagram, by)
    version = _new_version(diagram=diagram, by=by)
    target = (
        f"driver {to_driver.pk}" if to_driver else f"change idea {to_idea.pk if to_idea else ''}"
    )
    audit.record(
        action="driver_link.created",
        by=by,
        project=diagram.project,
        target=created,
        summary=f"Linked driver {from_driver.pk} to {target} ({strength})",
        data={
            "diagram": diagram.pk,
            "strength": strength,
            "version": version.number if version else None,
        },
    )
    return created


@transaction.atomic
def set_link_strength(*, driver_link: DriverLink, strength: str, by: User) -> DriverLink:
    diagram = driver_link.diagram
    _require_editor(project=diagram.project, user=by)
    strength = _check_strength(strength)
    was = driver_link.strength
    if strength == was:
        return driver_link
    driver_link.strength = strength
    driver_link.save(update_fields=["strength"])
    _touch(diagram, by)
    version = _new_version(diagram=diagram, by=by)
    audit.record(
        action="driver_link.updated",
        by=by,
        project=diagram.project,
        target=driver_link,
        summary=f"Set link {driver_link.pk} to {strength} (was {was})",
        data={"strength": strength, "was": was, "version": version.number if version else None},
    )
    return driver_link


@transaction.atomic
def unlink(*, driver_link: DriverLink, by: User) -> None:
    """Remove a link. Members who edit may unlink: the history keeps the link."""
    diagram = driver_link.diagram
    _require_editor(project=diagram.project, user=by)
    pk = driver_link.pk
    driver_link.delete()
    _touch(diagram, by)
    version = _new_version(diagram=diagram, by=by)
    audit.record(
        action="driver_link.deleted",
        by=by,
        project=diagram.project,
        summary=f"Removed link {pk} from driver diagram {diagram.pk}",
        data={"diagram": diagram.pk, "link": pk, "version": version.number if version else None},
    )
