"""The one place that writes journeys, stages, touchpoints, emotion records and theme links.

Every function is keyword-only, atomic, takes the acting user as ``by`` and writes an audit
event (docs/adr/0004). Audit summaries name things by id and field names only: never an
excerpt, emotion words or anything else people said. Excerpts are redacted with
``coproduce.experience.redact.redact`` before they are stored.

Members who are not observers build journeys and record; facilitators delete.
Values out of range are refused with the core's reason (``coproduce.experience.journey``),
naming the field; nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.experience import journey as core
from coproduce.experience.redact import redact
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed, clean_text
from coproduce.web.experience.models import Comment
from coproduce.web.projects.models import Project
from coproduce.web.themes.models import Theme

from . import selectors
from .models import (
    EmotionRecord,
    EmotionSource,
    Journey,
    Stage,
    StageNature,
    TellerRole,
    Touchpoint,
    TouchpointTheme,
)

Direction = Literal["up", "down"]

MAX_WORDS = 12
MAX_WORD_LENGTH = 40
MAX_EXCERPT = 4000


def _require_recorder(*, project: Project, user: User) -> None:
    if not selectors.can_record(project=project, user=user):
        raise NotAllowed("Observers can see journeys but not change them.")


def _require_facilitator(*, project: Project, user: User) -> None:
    if not selectors.can_manage(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can delete from a journey.")


def _whole(value: object, *, field: str, name: str) -> int:
    if isinstance(value, bool):
        raise ActionError(f"Enter the {name} as a whole number", field=field)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip().replace("\u2212", "-"))
        except ValueError:
            pass
    raise ActionError(f"Enter the {name} as a whole number", field=field)


def _agency(value: object, *, field: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value) if not isinstance(value, bool) else float("nan")  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = float("nan")
    try:
        return core.check_agency(number, field=field)
    except core.JourneyInputError as error:
        raise ActionError(error.reason, field=field) from None


def _words(value: object) -> list[str]:
    """Emotion words from a list or a comma-separated string, normalised, each once."""
    if value is None:
        items: Iterable[object] = ()
    elif isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise ActionError("Enter the emotion words separated by commas", field="emotion_words")
    words: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ActionError("Emotion words must be text", field="emotion_words")
        word = core.normalise_word(item)
        if not word:
            continue
        if len(word) > MAX_WORD_LENGTH:
            raise ActionError(
                f"Each emotion word must be {MAX_WORD_LENGTH} characters or fewer",
                field="emotion_words",
            )
        if word not in words:
            words.append(word)
    if len(words) > MAX_WORDS:
        raise ActionError(f"Choose at most {MAX_WORDS} emotion words", field="emotion_words")
    return words


def _project_of_journey(journey: Journey) -> Project:
    return journey.project


def _next_position(rows: Any) -> int:
    top = rows.aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def _move(obj: Stage | Touchpoint, siblings: Any, direction: object) -> bool:
    """Swap ``obj`` with its neighbour; positions are renumbered 1..n first. False at an end."""
    if direction not in ("up", "down"):
        raise ActionError("Choose up or down", field="direction")
    ordered = list(siblings.select_for_update().order_by("position", "pk"))
    for index, row in enumerate(ordered, start=1):
        if row.position != index:
            row.position = index
            row.save(update_fields=["position"])
    index = next(i for i, row in enumerate(ordered) if row.pk == obj.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ordered):
        return False
    mine, theirs = ordered[index], ordered[other]
    mine.position, theirs.position = theirs.position, mine.position
    mine.save(update_fields=["position"])
    theirs.save(update_fields=["position"])
    obj.position = mine.position
    return True


# -- journeys ---------------------------------------------------------------------------------


def _clean_journey(
    *, project: Project, title: object, pathway: object, description: object, pk: int | None
) -> dict[str, str]:
    values = {
        "title": clean_text(
            title, field="title", required="Enter a title for the journey", limit=200
        ),
        "pathway": clean_text(pathway, field="pathway", limit=200),
        "description": clean_text(description, field="description", limit=5000),
    }
    clash = Journey.objects.filter(project=project, title=values["title"])
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ActionError("This project already has a journey with that title", field="title")
    return values


@transaction.atomic
def create_journey(
    *, project: Project, title: object, pathway: object = "", description: object = "", by: User
) -> Journey:
    _require_recorder(project=project, user=by)
    values = _clean_journey(
        project=project, title=title, pathway=pathway, description=description, pk=None
    )
    journey = Journey.objects.create(project=project, created_by=by, **values)
    audit.record(
        action="journeys.journey.create",
        by=by,
        summary=f"Journey {journey.pk} created",
        target=journey,
        project=project,
    )
    return journey


@transaction.atomic
def update_journey(
    *, journey: Journey, title: object, pathway: object = "", description: object = "", by: User
) -> Journey:
    project = _project_of_journey(journey)
    _require_recorder(project=project, user=by)
    values = _clean_journey(
        project=project, title=title, pathway=pathway, description=description, pk=journey.pk
    )
    changed = [name for name, value in values.items() if getattr(journey, name) != value]
    for name, value in values.items():
        setattr(journey, name, value)
    journey.updated_at = timezone.now()
    journey.save()
    audit.record(
        action="journeys.journey.update",
        by=by,
        summary=f"Journey {journey.pk} changed",
        target=journey,
        project=project,
        data={"fields": changed},
    )
    return journey


@transaction.atomic
def delete_journey(*, journey: Journey, by: User) -> None:
    project = _project_of_journey(journey)
    _require_facilitator(project=project, user=by)
    pk = journey.pk
    audit.record(
        action="journeys.journey.delete",
        by=by,
        summary=f"Journey {pk} deleted",
        target=journey,
        project=project,
    )
    journey.delete()


# -- stages -----------------------------------------------------------------------------------


@transaction.atomic
def add_stage(*, journey: Journey, name: object, description: object = "", by: User) -> Stage:
    project = _project_of_journey(journey)
    _require_recorder(project=project, user=by)
    stage = Stage.objects.create(
        journey=journey,
        position=_next_position(Stage.objects.filter(journey=journey)),
        name=clean_text(name, field="name", required="Enter the name of the stage", limit=200),
        description=clean_text(description, field="description", limit=5000),
    )
    audit.record(
        action="journeys.stage.create",
        by=by,
        summary=f"Stage {stage.pk} added to journey {journey.pk}",
        target=stage,
        project=project,
    )
    return stage


@transaction.atomic
def update_stage(*, stage: Stage, name: object, description: object = "", by: User) -> Stage:
    project = _project_of_journey(stage.journey)
    _require_recorder(project=project, user=by)
    stage.name = clean_text(name, field="name", required="Enter the name of the stage", limit=200)
    stage.description = clean_text(description, field="description", limit=5000)
    stage.save()
    audit.record(
        action="journeys.stage.update",
        by=by,
        summary=f"Stage {stage.pk} changed",
        target=stage,
        project=project,
    )
    return stage


@transaction.atomic
def set_stage_agency(
    *,
    stage: Stage,
    patient_agency: object,
    professional_agency: object,
    agency_note: object = "",
    nature: object = StageNature.UNCLASSIFIED,
    nature_note: object = "",
    by: User,
) -> Stage:
    """Patient and professional agency (each 0–1, or empty) and Batalden's nature of a stage."""
    project = _project_of_journey(stage.journey)
    _require_recorder(project=project, user=by)
    patient = _agency(patient_agency, field="patient_agency")
    professional = _agency(professional_agency, field="professional_agency")
    if nature not in StageNature.values:
        raise ActionError(
            "Choose product-like, service-like, mixed or not yet classified", field="nature"
        )
    stage.patient_agency = patient
    stage.professional_agency = professional
    stage.agency_note = clean_text(agency_note, field="agency_note", limit=2000)
    stage.nature = str(nature)
    stage.nature_note = clean_text(nature_note, field="nature_note", limit=2000)
    stage.save()
    audit.record(
        action="journeys.stage.agency",
        by=by,
        summary=f"Agency and nature of stage {stage.pk} set",
        target=stage,
        project=project,
        data={"patient_agency": patient, "professional_agency": professional, "nature": nature},
    )
    return stage


@transaction.atomic
def move_stage(*, stage: Stage, direction: object, by: User) -> bool:
    project = _project_of_journey(stage.journey)
    _require_recorder(project=project, user=by)
    moved = _move(stage, Stage.objects.filter(journey_id=stage.journey_id), direction)
    if moved:
        audit.record(
            action="journeys.stage.move",
            by=by,
            summary=f"Stage {stage.pk} moved {direction}",
            target=stage,
            project=project,
        )
    return moved


@transaction.atomic
def delete_stage(*, stage: Stage, by: User) -> None:
    project = _project_of_journey(stage.journey)
    _require_facilitator(project=project, user=by)
    audit.record(
        action="journeys.stage.delete",
        by=by,
        summary=f"Stage {stage.pk} deleted from journey {stage.journey_id}",
        target=stage,
        project=project,
    )
    stage.delete()


# -- touchpoints ------------------------------------------------------------------------------


@transaction.atomic
def add_touchpoint(
    *,
    stage: Stage,
    name: object,
    description: object = "",
    marked_hotspot: bool = False,
    by: User,
) -> Touchpoint:
    project = _project_of_journey(stage.journey)
    _require_recorder(project=project, user=by)
    touchpoint = Touchpoint.objects.create(
        stage=stage,
        position=_next_position(Touchpoint.objects.filter(stage=stage)),
        name=clean_text(name, field="name", required="Enter the name of the touchpoint", limit=200),
        description=clean_text(description, field="description", limit=5000),
        marked_hotspot=bool(marked_hotspot),
    )
    audit.record(
        action="journeys.touchpoint.create",
        by=by,
        summary=f"Touchpoint {touchpoint.pk} added to stage {stage.pk}",
        target=touchpoint,
        project=project,
    )
    return touchpoint


@transaction.atomic
def update_touchpoint(
    *,
    touchpoint: Touchpoint,
    name: object,
    description: object = "",
    marked_hotspot: bool = False,
    by: User,
) -> Touchpoint:
    project = _project_of_journey(touchpoint.stage.journey)
    _require_recorder(project=project, user=by)
    touchpoint.name = clean_text(
        name, field="name", required="Enter the name of the touchpoint", limit=200
    )
    touchpoint.description = clean_text(description, field="description", limit=5000)
    touchpoint.marked_hotspot = bool(marked_hotspot)
    touchpoint.save()
    audit.record(
        action="journeys.touchpoint.update",
        by=by,
        summary=f"Touchpoint {touchpoint.pk} changed",
        target=touchpoint,
        project=project,
        data={"marked_hotspot": touchpoint.marked_hotspot},
    )
    return touchpoint


@transaction.atomic
def move_touchpoint(*, touchpoint: Touchpoint, direction: object, by: User) -> bool:
    project = _project_of_journey(touchpoint.stage.journey)
    _require_recorder(project=project, user=by)
    moved = _move(touchpoint, Touchpoint.objects.filter(stage_id=touchpoint.stage_id), direction)
    if moved:
        audit.record(
            action="journeys.touchpoint.move",
            by=by,
            summary=f"Touchpoint {touchpoint.pk} moved {direction}",
            target=touchpoint,
            project=project,
        )
    return moved


@transaction.atomic
def delete_touchpoint(*, touchpoint: Touchpoint, by: User) -> None:
    project = _project_of_journey(touchpoint.stage.journey)
    _require_facilitator(project=project, user=by)
    audit.record(
        action="journeys.touchpoint.delete",
        by=by,
        summary=f"Touchpoint {touchpoint.pk} deleted from stage {touchpoint.stage_id}",
        target=touchpoint,
        project=project,
    )
    touchpoint.delete()


# -- emotion records --------------------------------------------------------------------------


@transaction.atomic
def record_emotion(
    *,
    touchpoint: Touchpoint,
    valence: object,
    intensity: object,
    emotion_words: object = (),
    excerpt: object = "",
    source: object = EmotionSource.INTERVIEW,
    teller_role: object = TellerRole.PATIENT,
    comment: Comment | None = None,
    by: User,
) -> EmotionRecord:
    """One emotion record. The excerpt is redacted before it is stored, and never audited."""
    project = _project_of_journey(touchpoint.stage.journey)
    _require_recorder(project=project, user=by)
    try:
        valence_value = core.check_valence(_whole(valence, field="valence", name="valence"))
        intensity_value = core.check_intensity(
            _whole(intensity, field="intensity", name="intensity")
        )
    except core.JourneyInputError as error:
        raise ActionError(error.reason, field=error.field) from None
    if source not in EmotionSource.values:
        raise ActionError(
            "Choose where it came from: interview, observation, event or feedback", field="source"
        )
    if teller_role not in TellerRole.values:
        raise ActionError("Choose who told it: patient, carer or staff", field="teller_role")
    if comment is not None and comment.project_id != project.pk:
        raise ActionError("Choose one of this project's comments", field="comment")
    words = _words(emotion_words)
    text = clean_text(excerpt, field="excerpt", limit=MAX_EXCERPT)
    record = EmotionRecord.objects.create(
        touchpoint=touchpoint,
        valence=valence_value,
        intensity=intensity_value,
        emotion_words=words,
        excerpt=redact(text).text if text else "",
        source=str(source),
        teller_role=str(teller_role),
        comment=comment,
        created_by=by,
    )
    audit.record(
        action="journeys.emotion.create",
        by=by,
        summary=f"Emotion record {record.pk} added at touchpoint {touchpoint.pk}",
        target=record,
        project=project,
        data={"valence": valence_value, "intensity": intensity_value, "source": str(source)},
    )
    return record


@transaction.atomic
def delete_emotion(*, record: EmotionRecord, by: User) -> None:
    project = _project_of_journey(record.touchpoint.stage.journey)
    _require_facilitator(project=project, user=by)
    audit.record(
        action="journeys.emotion.delete",
        by=by,
        summary=f"Emotion record {record.pk} deleted",
        target=record,
        project=project,
    )
    record.delete()


# -- themes -----------------------------------------------------------------------------------


@transaction.atomic
def map_theme(*, touchpoint: Touchpoint, theme: Theme | None, by: User) -> TouchpointTheme:
    project = _project_of_journey(touchpoint.stage.journey)
    _require_recorder(project=project, user=by)
    if theme is None or theme.project_id != project.pk:
        raise ActionError("Choose one of this project's themes", field="theme")
    if TouchpointTheme.objects.filter(touchpoint=touchpoint, theme=theme).exists():
        raise ActionError("This theme is already mapped to this touchpoint", field="theme")
    link = TouchpointTheme.objects.create(touchpoint=touchpoint, theme=theme, created_by=by)
    audit.record(
        action="journeys.theme.map",
        by=by,
        summary=f"Theme {theme.pk} mapped to touchpoint {touchpoint.pk}",
        target=link,
        project=project,
    )
    return link


@transaction.atomic
def unmap_theme(*, link: TouchpointTheme, by: User) -> None:
    project = _project_of_journey(link.touchpoint.stage.journey)
    _require_recorder(project=project, user=by)
    audit.record(
        action="journeys.theme.unmap",
        by=by,
        summary=f"Theme {link.theme_id} taken off touchpoint {link.touchpoint_id}",
        target=link,
        project=project,
    )
    link.delete()
