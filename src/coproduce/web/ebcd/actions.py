"""The one place that writes the EBCD record (docs/adr/0004, docs/adr/0018).

Every function is keyword-only, atomic, takes the acting user as ``by`` and writes an audit
event. Audit summaries name things by id, kind and field names only: never transcripts, notes,
clip descriptions, priority titles or anything else typed in.

Facilitators set EBCD up, keep the checklist, manage interviews and the film, import the
archive and delete things; other members who are not observers record events, priorities,
votes, emotional mapping and co-design groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.experience import ebcd as core
from coproduce.experience.redact import redact
from coproduce.web.accounts.models import User
from coproduce.web.audit import actions as audit
from coproduce.web.errors import ActionError, NotAllowed, clean_text
from coproduce.web.experience import actions as experience_actions
from coproduce.web.experience.models import Comment, Consent, FeedbackBatch, Source
from coproduce.web.improvement import actions as improvement_actions
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.jobs.models import Job
from coproduce.web.journeys import actions as journey_actions
from coproduce.web.journeys.models import EmotionRecord, EmotionSource, Journey, Stage, Touchpoint
from coproduce.web.participation.models import Activity, Participant
from coproduce.web.projects.models import Project
from coproduce.web.themes import actions as theme_actions
from coproduce.web.themes.models import Theme

from . import selectors
from .models import (
    GROUPS_AT_EVENT,
    ArchiveNarrative,
    Clip,
    CoDesignGroup,
    EBCDProject,
    Event,
    EventEmotion,
    EventKind,
    FilmEntry,
    GroupAction,
    Interview,
    IntervieweeRole,
    Priority,
    StageChoice,
    StageStep,
    Variant,
    VoteCount,
    Weighting,
)

MAX_TRANSCRIPT = 200_000
MAX_NOTES = 20_000
#: Dot votes one group can give one priority at one event (far above any room's dots).
MAX_VOTES = 100_000
#: Who tells the feelings mapped at each event: each group at its own event, both at the joint.
TELLERS_AT_EVENT: dict[str, tuple[str, ...]] = {
    EventKind.STAFF: ("staff",),
    EventKind.PATIENT: ("patient", "carer"),
    EventKind.JOINT: ("patient", "carer", "staff"),
}


# --------------------------------------------------------------------------- helpers


def _require_recorder(*, project: Project, user: User) -> None:
    if not selectors.can_record(project=project, user=user):
        raise NotAllowed("Observers can see the EBCD work but not record it.")


def _require_facilitator(*, project: Project, user: User) -> None:
    if not selectors.can_manage(project=project, user=user):
        raise NotAllowed("Only the project's facilitators can do this.")


def _date(value: object, *, field: str, required: str | None = None) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise ActionError(required, field=field)
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ActionError("Enter a real date, for example 2027-03-31", field=field)
    return value


def _not_future(value: dt.date | None, *, field: str, what: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ActionError(f"The date {what} cannot be in the future", field=field)


def _touch(obj: Any) -> None:
    obj.updated_at = timezone.now()


def _record(
    action: str, *, by: User, project: Project, target: Any, summary: str, **data: Any
) -> None:
    audit.record(
        action=f"ebcd.{action}",
        by=by,
        project=project,
        target=target,
        summary=summary,
        data=data or None,
    )


def _check_touchpoint(ebcd: EBCDProject, touchpoint: Touchpoint | None, field: str) -> None:
    if touchpoint is None:
        return
    if ebcd.journey_id is None or touchpoint.stage.journey_id != ebcd.journey_id:
        raise ActionError("Choose a touchpoint of the journey linked to EBCD", field=field)


# --------------------------------------------------------------------------- set-up


def _clean_setup(
    *, project: Project, variant: object, journey: Journey | None, top_k: object, weighting: object
) -> dict[str, Any]:
    if variant not in Variant.values:
        raise ActionError("Choose standard or accelerated EBCD", field="variant")
    if journey is not None and journey.project_id != project.pk:
        raise ActionError("Choose one of this project's journeys", field="journey")
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= 20:
        raise ActionError("Compare between 1 and 20 top priorities", field="top_k")
    if weighting not in Weighting.values:
        raise ActionError("Choose how the joint ranking adds the groups", field="weighting")
    return {"variant": variant, "journey": journey, "top_k": top_k, "weighting": weighting}


@transaction.atomic
def start_ebcd(
    *,
    project: Project,
    variant: str = Variant.STANDARD,
    journey: Journey | None = None,
    top_k: int = 3,
    weighting: str = Weighting.VOTES,
    by: User,
) -> EBCDProject:
    """Set EBCD up for a project, with an empty checklist row for every stage."""
    _require_facilitator(project=project, user=by)
    if EBCDProject.objects.filter(project=project).exists():
        raise ActionError("EBCD is already set up for this project")
    values = _clean_setup(
        project=project, variant=variant, journey=journey, top_k=top_k, weighting=weighting
    )
    ebcd = EBCDProject.objects.create(project=project, created_by=by, **values)
    StageStep.objects.bulk_create(StageStep(ebcd=ebcd, stage=s) for s in StageChoice.values)
    _record(
        "started",
        by=by,
        project=project,
        target=ebcd,
        summary=f"Started {variant} EBCD",
        variant=variant,
    )
    return ebcd


@transaction.atomic
def update_ebcd(
    *,
    ebcd: EBCDProject,
    variant: str,
    journey: Journey | None,
    top_k: int,
    weighting: str,
    by: User,
) -> EBCDProject:
    """Change the variant, linked journey or voting settings. The checklist keeps every
    stage's dates and notes; a stage the variant lacks is just not shown."""
    _require_facilitator(project=ebcd.project, user=by)
    values = _clean_setup(
        project=ebcd.project, variant=variant, journey=journey, top_k=top_k, weighting=weighting
    )
    changed = [name for name, value in values.items() if getattr(ebcd, name) != value]
    for name, value in values.items():
        setattr(ebcd, name, value)
    _touch(ebcd)
    ebcd.save()
    _record(
        "updated",
        by=by,
        project=ebcd.project,
        target=ebcd,
        summary=f"Updated EBCD set-up ({', '.join(changed) or 'no changes'})",
        fields=changed,
    )
    return ebcd


@transaction.atomic
def update_step(
    *,
    step: StageStep,
    planned_on: dt.date | None,
    done_on: dt.date | None,
    outputs: str = "",
    by: User,
) -> StageStep:
    """Plan a stage, mark it done (a date, not in the future) and note its outputs."""
    project = step.ebcd.project
    _require_facilitator(project=project, user=by)
    done = _date(done_on, field="done_on")
    _not_future(done, field="done_on", what="a stage was done")
    step.planned_on = _date(planned_on, field="planned_on")
    step.done_on = done
    step.outputs = clean_text(outputs, field="outputs", limit=MAX_NOTES)
    _touch(step)
    step.save()
    _record(
        "stage_updated",
        by=by,
        project=project,
        target=step,
        summary=f"Updated the {step.stage} stage ({'done' if done else 'not done'})",
        stage=step.stage,
    )
    return step


@transaction.atomic
def record_celebration(
    *,
    ebcd: EBCDProject,
    celebrated_on: dt.date | None,
    what_changed: str = "",
    what_next: str = "",
    by: User,
) -> EBCDProject:
    """Record the celebration and review. A past date marks that checklist stage done."""
    _require_facilitator(project=ebcd.project, user=by)
    when = _date(celebrated_on, field="celebrated_on")
    ebcd.celebrated_on = when
    ebcd.what_changed = clean_text(what_changed, field="what_changed", limit=MAX_NOTES)
    ebcd.what_next = clean_text(what_next, field="what_next", limit=MAX_NOTES)
    _touch(ebcd)
    ebcd.save()
    if when is not None and when <= timezone.localdate():
        StageStep.objects.filter(
            ebcd=ebcd, stage=StageChoice.CELEBRATION_REVIEW, done_on__isnull=True
        ).update(done_on=when, updated_at=timezone.now())
    _record(
        "celebration_recorded",
        by=by,
        project=ebcd.project,
        target=ebcd,
        summary="Recorded the celebration and review",
    )
    return ebcd


# --------------------------------------------------------------------------- interviews


def _clean_interview(
    ebcd: EBCDProject, *, label: object, role: object, participant: Participant | None, date: object
) -> dict[str, Any]:
    if role not in IntervieweeRole.values:
        raise ActionError("Choose patient, carer or staff", field="role")
    if participant is not None and participant.project_id != ebcd.project_id:
        raise ActionError("Choose one of this project's participants", field="participant")
    when = _date(date, field="date")
    _not_future(when, field="date", what="of an interview held")
    return {
        "label": clean_text(
            label, field="label", required="Enter a label, for example Patient A", limit=100
        ),
        "role": role,
        "participant": participant,
        "date": when,
    }


@transaction.atomic
def create_interview(
    *,
    ebcd: EBCDProject,
    label: str,
    role: str,
    participant: Participant | None = None,
    date: dt.date | None = None,
    by: User,
) -> Interview:
    _require_facilitator(project=ebcd.project, user=by)
    values = _clean_interview(ebcd, label=label, role=role, participant=participant, date=date)
    interview = Interview.objects.create(ebcd=ebcd, created_by=by, **values)
    _record(
        "interview_created",
        by=by,
        project=ebcd.project,
        target=interview,
        summary=f"Added interview {interview.pk} ({role})",
    )
    return interview


@transaction.atomic
def update_interview(
    *,
    interview: Interview,
    label: str,
    role: str,
    participant: Participant | None = None,
    date: dt.date | None = None,
    by: User,
) -> Interview:
    ebcd = interview.ebcd
    _require_facilitator(project=ebcd.project, user=by)
    values = _clean_interview(ebcd, label=label, role=role, participant=participant, date=date)
    for name, value in values.items():
        setattr(interview, name, value)
    _touch(interview)
    interview.save()
    _record(
        "interview_updated",
        by=by,
        project=ebcd.project,
        target=interview,
        summary=f"Updated interview {interview.pk}",
    )
    return interview


@transaction.atomic
def record_consent(
    *,
    interview: Interview,
    given_on: dt.date | None,
    audio: bool,
    video: bool,
    film: bool,
    by: User,
) -> Interview:
    """Record the interviewee's consent and its scope (audio, video, use in the trigger film).

    Narrowing the scope so that film use is no longer allowed takes the interview's clips out
    of the film.
    """
    _require_facilitator(project=interview.ebcd.project, user=by)
    when = _date(given_on, field="given_on", required="Enter the date consent was given")
    _not_future(when, field="given_on", what="consent was given")
    if film and not (audio or video):
        raise ActionError(
            "Use in the trigger film needs consent to audio or video recording", field="film"
        )
    interview.consent_given_on = when
    interview.consent_withdrawn_on = None
    interview.consent_audio, interview.consent_video = bool(audio), bool(video)
    interview.consent_film = bool(film)
    _touch(interview)
    interview.save()
    removed = 0
    if not film:
        removed, _ = FilmEntry.objects.filter(clip__interview=interview).delete()
        _renumber(interview.ebcd)
    _record(
        "consent_recorded",
        by=by,
        project=interview.ebcd.project,
        target=interview,
        summary=f"Recorded consent for interview {interview.pk}",
        audio=bool(audio),
        video=bool(video),
        film=bool(film),
        removed_from_film=removed,
    )
    return interview


@transaction.atomic
def withdraw_consent(
    *, interview: Interview, withdrawn_on: dt.date | None = None, by: User
) -> Interview:
    """Consent withdrawn: the transcript and clips are deleted, so they leave the film."""
    ebcd = interview.ebcd
    _require_facilitator(project=ebcd.project, user=by)
    if interview.consent_given_on is None:
        raise ActionError("There is no consent to withdraw", field="withdrawn_on")
    when = _date(withdrawn_on, field="withdrawn_on") or timezone.localdate()
    _not_future(when, field="withdrawn_on", what="consent was withdrawn")
    _, deleted = Clip.objects.filter(interview=interview).delete()
    clips = deleted.get(Clip._meta.label, 0)  # the total also counts their film entries
    interview.transcript = ""
    interview.transcript_redactions = 0
    interview.consent_withdrawn_on = when
    interview.consent_film = False
    _touch(interview)
    interview.save()
    _renumber(ebcd)
    _record(
        "consent_withdrawn",
        by=by,
        project=ebcd.project,
        target=interview,
        summary=f"Consent withdrawn for interview {interview.pk}: transcript and clips deleted",
        clips_deleted=clips,
    )
    return interview


def _require_consent(interview: Interview, *, field: str, what: str) -> None:
    if not interview.has_consent:
        raise ActionError(f"Record the interviewee's consent before storing {what}", field=field)


@transaction.atomic
def save_transcript(*, interview: Interview, text: str, by: User) -> Interview:
    """Store the transcript, redacted first (identifiers replaced by tags)."""
    _require_facilitator(project=interview.ebcd.project, user=by)
    _require_consent(interview, field="transcript", what="a transcript")
    raw = clean_text(text, field="transcript", limit=MAX_TRANSCRIPT)
    result = redact(raw) if raw else None
    interview.transcript = result.text if result else ""
    interview.transcript_redactions = len(result.spans) if result else 0
    _touch(interview)
    interview.save()
    _record(
        "transcript_saved",
        by=by,
        project=interview.ebcd.project,
        target=interview,
        summary=f"Saved the transcript of interview {interview.pk}",
        characters=len(interview.transcript),
        redactions=interview.transcript_redactions,
    )
    return interview


def _clean_clip(
    interview: Interview,
    *,
    media: object,
    start: object,
    end: object,
    description: object,
    touchpoint: Touchpoint | None,
) -> dict[str, Any]:
    try:
        start_seconds = core.parse_timecode(str(start or ""), field="start")
        end_seconds = core.parse_timecode(str(end or ""), field="end")
    except core.EBCDInputError as error:
        raise ActionError(error.message, field=error.field) from None
    if start_seconds >= end_seconds:
        raise ActionError("The clip must start before it ends", field="end")
    _check_touchpoint(interview.ebcd, touchpoint, "touchpoint")
    return {
        "media": clean_text(
            media,
            field="media",
            required="Enter the media file's path or link",
            limit=500,
        ),
        "start_seconds": start_seconds,
        "end_seconds": end_seconds,
        "description": clean_text(
            description, field="description", required="Describe the clip", limit=300
        ),
        "touchpoint": touchpoint,
    }


@transaction.atomic
def add_clip(
    *,
    interview: Interview,
    media: str,
    start: str,
    end: str,
    description: str,
    touchpoint: Touchpoint | None = None,
    by: User,
) -> Clip:
    """A clip (a media reference, times as mm:ss or hh:mm:ss). Needs recording consent."""
    _require_facilitator(project=interview.ebcd.project, user=by)
    _require_consent(interview, field="media", what="clips")
    if not (interview.consent_audio or interview.consent_video):
        raise ActionError(
            "The interviewee has not agreed to audio or video recording", field="media"
        )
    values = _clean_clip(
        interview,
        media=media,
        start=start,
        end=end,
        description=description,
        touchpoint=touchpoint,
    )
    clip = Clip.objects.create(interview=interview, created_by=by, **values)
    _record(
        "clip_added",
        by=by,
        project=interview.ebcd.project,
        target=clip,
        summary=f"Added clip {clip.pk} to interview {interview.pk}",
        seconds=clip.seconds,
    )
    return clip


@transaction.atomic
def update_clip(
    *,
    clip: Clip,
    media: str,
    start: str,
    end: str,
    description: str,
    touchpoint: Touchpoint | None = None,
    by: User,
) -> Clip:
    interview = clip.interview
    _require_facilitator(project=interview.ebcd.project, user=by)
    _require_consent(interview, field="media", what="clips")
    values = _clean_clip(
        interview,
        media=media,
        start=start,
        end=end,
        description=description,
        touchpoint=touchpoint,
    )
    for name, value in values.items():
        setattr(clip, name, value)
    _touch(clip)
    clip.save()
    _record(
        "clip_updated",
        by=by,
        project=interview.ebcd.project,
        target=clip,
        summary=f"Updated clip {clip.pk}",
    )
    return clip


@transaction.atomic
def delete_clip(*, clip: Clip, by: User) -> None:
    ebcd = clip.interview.ebcd
    _require_facilitator(project=ebcd.project, user=by)
    pk = clip.pk
    clip.delete()
    _renumber(ebcd)
    _record("clip_deleted", by=by, project=ebcd.project, target=None, summary=f"Deleted clip {pk}")


@transaction.atomic
def delete_interview(*, interview: Interview, by: User) -> None:
    ebcd = interview.ebcd
    _require_facilitator(project=ebcd.project, user=by)
    pk = interview.pk
    interview.delete()
    _renumber(ebcd)
    _record(
        "interview_deleted",
        by=by,
        project=ebcd.project,
        target=None,
        summary=f"Deleted interview {pk} with its transcript and clips",
    )


# --------------------------------------------------------------------------- the film


def _renumber(ebcd: EBCDProject) -> None:
    """Positions 1, 2, 3 … in the current order (after a removal)."""
    for position, entry in enumerate(ebcd.film.order_by("position", "pk"), start=1):
        if entry.position != position:
            FilmEntry.objects.filter(pk=entry.pk).update(position=position)


@transaction.atomic
def add_to_film(*, clip: Clip, by: User) -> FilmEntry:
    """Put a clip at the end of the running order (needs consent to use in the film)."""
    ebcd = clip.interview.ebcd
    _require_facilitator(project=ebcd.project, user=by)
    if not clip.interview.film_allowed:
        raise ActionError(
            "The interviewee has not agreed to the use of their clips in the trigger film",
            field="clip",
        )
    if FilmEntry.objects.filter(clip=clip).exists():
        raise ActionError("This clip is already in the film", field="clip")
    last = ebcd.film.aggregate(last=Max("position"))["last"] or 0
    entry = FilmEntry.objects.create(ebcd=ebcd, clip=clip, position=last + 1)
    _record(
        "film_clip_added",
        by=by,
        project=ebcd.project,
        target=entry,
        summary=f"Added clip {clip.pk} to the trigger film at {entry.position}",
    )
    return entry


@transaction.atomic
def move_in_film(*, entry: FilmEntry, direction: str, by: User) -> bool:
    """Swap a clip with the one before (``up``) or after (``down``); False at either end."""
    ebcd = entry.ebcd
    _require_facilitator(project=ebcd.project, user=by)
    if direction not in ("up", "down"):
        raise ActionError("Move a clip up or down", field="direction")
    _renumber(ebcd)
    entry.refresh_from_db()
    neighbours = ebcd.film.exclude(pk=entry.pk)
    other = (
        neighbours.filter(position__lt=entry.position).order_by("-position").first()
        if direction == "up"
        else neighbours.filter(position__gt=entry.position).order_by("position").first()
    )
    if other is None:
        return False
    mine, theirs = entry.position, other.position
    FilmEntry.objects.filter(pk=entry.pk).update(position=theirs)
    FilmEntry.objects.filter(pk=other.pk).update(position=mine)
    entry.position = theirs
    _record(
        "film_clip_moved",
        by=by,
        project=ebcd.project,
        target=entry,
        summary=f"Moved clip {entry.clip_id} {direction} to {theirs}",
    )
    return True


@transaction.atomic
def remove_from_film(*, entry: FilmEntry, by: User) -> None:
    ebcd = entry.ebcd
    _require_facilitator(project=ebcd.project, user=by)
    clip_id = entry.clip_id
    entry.delete()
    _renumber(ebcd)
    _record(
        "film_clip_removed",
        by=by,
        project=ebcd.project,
        target=None,
        summary=f"Removed clip {clip_id} from the trigger film",
    )


# --------------------------------------------------------------------------- events


@transaction.atomic
def save_event(
    *,
    ebcd: EBCDProject,
    kind: str,
    date: dt.date | None,
    notes: str = "",
    activity: Activity | None = None,
    by: User,
) -> Event:
    """Record (or update) the staff, patient or joint event."""
    _require_recorder(project=ebcd.project, user=by)
    if kind not in EventKind.values:
        raise ActionError("Choose the staff, patient or joint event", field="kind")
    if activity is not None and activity.project_id != ebcd.project_id:
        raise ActionError("Choose one of this project's activities", field="activity")
    values = {
        "date": _date(date, field="date"),
        "notes": clean_text(notes, field="notes", limit=MAX_NOTES),
        "activity": activity,
    }
    event = Event.objects.filter(ebcd=ebcd, kind=kind).first()
    created = event is None
    if event is None:
        event = Event.objects.create(ebcd=ebcd, kind=kind, created_by=by, **values)
    else:
        for name, value in values.items():
            setattr(event, name, value)
        _touch(event)
        event.save()
    _record(
        "event_saved",
        by=by,
        project=ebcd.project,
        target=event,
        summary=f"{'Recorded' if created else 'Updated'} the {kind} event",
        kind=kind,
    )
    return event


@transaction.atomic
def delete_event(*, event: Event, by: User) -> None:
    """Delete an event with its votes and its emotional mapping; priorities stay."""
    ebcd = event.ebcd
    _require_facilitator(project=ebcd.project, user=by)
    kind = event.kind
    records = [link.record_id for link in event.emotions.all()]
    event.delete()
    EmotionRecord.objects.filter(pk__in=records).delete()
    _record(
        "event_deleted",
        by=by,
        project=ebcd.project,
        target=None,
        summary=f"Deleted the {kind} event",
        emotion_records=len(records),
    )


@transaction.atomic
def map_emotion(
    *,
    event: Event,
    touchpoint: Touchpoint,
    valence: int,
    intensity: int,
    emotion_words: Iterable[str] | str = (),
    excerpt: str = "",
    teller_role: str = "patient",
    by: User,
) -> EmotionRecord:
    """Emotional mapping at an event: an emotion record on a touchpoint, source "event",
    written through the journeys app (which redacts the excerpt)."""
    ebcd = event.ebcd
    _require_recorder(project=ebcd.project, user=by)
    _check_touchpoint(ebcd, touchpoint, "touchpoint")
    if teller_role not in TELLERS_AT_EVENT[event.kind]:
        raise ActionError(
            f"At the {event.get_kind_display().lower()} the feelings mapped are "
            f"{' or '.join(TELLERS_AT_EVENT[event.kind])} feelings",
            field="teller_role",
        )
    record = journey_actions.record_emotion(
        touchpoint=touchpoint,
        valence=valence,
        intensity=intensity,
        emotion_words=emotion_words,
        excerpt=excerpt,
        source=EmotionSource.EVENT,
        teller_role=teller_role,
        by=by,
    )
    EventEmotion.objects.create(event=event, record=record)
    _record(
        "emotion_mapped",
        by=by,
        project=ebcd.project,
        target=event,
        summary=f"Mapped emotion record {record.pk} at the {event.kind} event",
    )
    return record


# --------------------------------------------------------------------------- priorities


def _clean_priority(
    ebcd: EBCDProject, *, title: object, description: object, touchpoint: Touchpoint | None
) -> dict[str, Any]:
    _check_touchpoint(ebcd, touchpoint, "touchpoint")
    return {
        "title": clean_text(title, field="title", required="Enter the priority", limit=200),
        "description": clean_text(description, field="description", limit=MAX_NOTES),
        "touchpoint": touchpoint,
    }


def _unique_title(ebcd: EBCDProject, title: str, exclude: int | None = None) -> None:
    """Titles must differ ignoring case, as the core's tally requires (``casefold``).

    Compared in Python: ``title__iexact`` folds only ASCII letters on SQLite ("CAFÉ" and
    "café" would both be stored there, and the results page would then fail)."""
    key = title.casefold()
    others = ebcd.priorities.exclude(pk=exclude) if exclude is not None else ebcd.priorities
    if any(other.strip().casefold() == key for other in others.values_list("title", flat=True)):
        raise ActionError("There is already a priority with this title", field="title")


@transaction.atomic
def propose_priority(
    *,
    event: Event,
    title: str,
    description: str = "",
    touchpoint: Touchpoint | None = None,
    by: User,
) -> Priority:
    """A priority proposed at an event (usually the staff or patient event)."""
    ebcd = event.ebcd
    _require_recorder(project=ebcd.project, user=by)
    values = _clean_priority(ebcd, title=title, description=description, touchpoint=touchpoint)
    _unique_title(ebcd, values["title"])
    try:
        with transaction.atomic():
            priority = Priority.objects.create(
                ebcd=ebcd, proposed_at=event, created_by=by, **values
            )
    except IntegrityError:
        raise ActionError("There is already a priority with this title", field="title") from None
    _record(
        "priority_proposed",
        by=by,
        project=ebcd.project,
        target=priority,
        summary=f"Priority {priority.pk} proposed at the {event.kind} event",
    )
    return priority


@transaction.atomic
def update_priority(
    *,
    priority: Priority,
    title: str,
    description: str = "",
    touchpoint: Touchpoint | None = None,
    by: User,
) -> Priority:
    ebcd = priority.ebcd
    _require_recorder(project=ebcd.project, user=by)
    values = _clean_priority(ebcd, title=title, description=description, touchpoint=touchpoint)
    _unique_title(ebcd, values["title"], exclude=priority.pk)
    for name, value in values.items():
        setattr(priority, name, value)
    _touch(priority)
    priority.save()
    _record(
        "priority_updated",
        by=by,
        project=ebcd.project,
        target=priority,
        summary=f"Updated priority {priority.pk}",
    )
    return priority


@transaction.atomic
def delete_priority(*, priority: Priority, by: User) -> None:
    """Delete a priority and every vote cast for it."""
    ebcd = priority.ebcd
    _require_facilitator(project=ebcd.project, user=by)
    pk = priority.pk
    votes = priority.votes.count()
    priority.delete()
    _record(
        "priority_deleted",
        by=by,
        project=ebcd.project,
        target=None,
        summary=f"Deleted priority {pk} and {votes} vote counts",
    )


@transaction.atomic
def record_votes(
    *, event: Event, group: str, votes: Mapping[int, object], by: User
) -> list[VoteCount]:
    """Record one group's dot votes at an event, all or nothing.

    Patients vote at the patient event, staff at the staff event, and both (tallied
    separately) at the joint event. ``votes`` maps priority ids to whole numbers ≥ 0; a
    priority left out keeps its earlier count.

    Raises:
        ActionError: the group does not vote at this event, a priority is not this project's,
            or a count is not a whole number ≥ 0 (the message names the priority by title).
    """
    ebcd = event.ebcd
    _require_recorder(project=ebcd.project, user=by)
    if group not in GROUPS_AT_EVENT[event.kind]:
        allowed = " and ".join(GROUPS_AT_EVENT[event.kind])
        raise ActionError(f"At the {event.get_kind_display()} only {allowed} vote", field="group")
    priorities = {p.pk: p for p in ebcd.priorities.all()}
    cleaned: dict[int, int] = {}
    for pk, value in votes.items():
        priority = priorities.get(pk)
        if priority is None:
            raise ActionError("Vote only on this project's priorities", field="votes")
        text = str(value).strip() if value is not None else ""
        # isdecimal, not isdigit: "²" is a digit that int() cannot read.
        count = int(text) if text.isdecimal() else None
        if isinstance(value, bool) or count is None:
            raise ActionError(
                f"Votes for “{priority.title}” must be a whole number, 0 or more",
                field=f"votes_{pk}",
            )
        if count > MAX_VOTES:
            # PostgreSQL's integer column stops at 2**31 - 1 (SQLite would store more).
            raise ActionError(
                f"Votes for “{priority.title}” must be {MAX_VOTES:,} or fewer",
                field=f"votes_{pk}",
            )
        cleaned[pk] = count
    saved: list[VoteCount] = []
    now = timezone.now()
    for pk, count in cleaned.items():
        row, _ = VoteCount.objects.update_or_create(
            event=event,
            priority_id=pk,
            group=group,
            defaults={"votes": count, "recorded_by": by, "recorded_at": now},
        )
        saved.append(row)
    _record(
        "votes_recorded",
        by=by,
        project=ebcd.project,
        target=event,
        summary=f"Recorded {group} votes on {len(saved)} priorities at the {event.kind} event",
        group=group,
        total=sum(cleaned.values()),
    )
    return saved


# --------------------------------------------------------------------------- co-design groups


def _clean_group(
    ebcd: EBCDProject,
    *,
    name: object,
    priority: Priority | None,
    members: Iterable[Participant],
    notes: object,
) -> tuple[dict[str, Any], list[Participant]]:
    if priority is not None and priority.ebcd_id != ebcd.pk:
        raise ActionError("Choose one of this project's priorities", field="priority")
    people = list(members)
    if any(person.project_id != ebcd.project_id for person in people):
        raise ActionError("Choose this project's participants", field="members")
    return (
        {
            "name": clean_text(name, field="name", required="Enter the group's name", limit=200),
            "priority": priority,
            "notes": clean_text(notes, field="notes", limit=MAX_NOTES),
        },
        people,
    )


@transaction.atomic
def create_group(
    *,
    ebcd: EBCDProject,
    name: str,
    priority: Priority | None,
    members: Iterable[Participant] = (),
    notes: str = "",
    by: User,
) -> CoDesignGroup:
    """A co-design group formed around a shared priority."""
    _require_recorder(project=ebcd.project, user=by)
    values, people = _clean_group(ebcd, name=name, priority=priority, members=members, notes=notes)
    if ebcd.groups.filter(name__iexact=values["name"]).exists():
        raise ActionError("There is already a group with this name", field="name")
    group = CoDesignGroup.objects.create(ebcd=ebcd, created_by=by, **values)
    group.members.set(people)
    _record(
        "group_created",
        by=by,
        project=ebcd.project,
        target=group,
        summary=f"Formed co-design group {group.pk} with {len(people)} members",
    )
    return group


@transaction.atomic
def update_group(
    *,
    group: CoDesignGroup,
    name: str,
    priority: Priority | None,
    members: Iterable[Participant] = (),
    notes: str = "",
    by: User,
) -> CoDesignGroup:
    ebcd = group.ebcd
    _require_recorder(project=ebcd.project, user=by)
    values, people = _clean_group(ebcd, name=name, priority=priority, members=members, notes=notes)
    if ebcd.groups.filter(name__iexact=values["name"]).exclude(pk=group.pk).exists():
        raise ActionError("There is already a group with this name", field="name")
    for key, value in values.items():
        setattr(group, key, value)
    _touch(group)
    group.save()
    group.members.set(people)
    _record(
        "group_updated",
        by=by,
        project=ebcd.project,
        target=group,
        summary=f"Updated co-design group {group.pk} ({len(people)} members)",
    )
    return group


@transaction.atomic
def delete_group(*, group: CoDesignGroup, by: User) -> None:
    ebcd = group.ebcd
    _require_facilitator(project=ebcd.project, user=by)
    pk = group.pk
    group.delete()
    _record(
        "group_deleted",
        by=by,
        project=ebcd.project,
        target=None,
        summary=f"Deleted co-design group {pk} and its actions",
    )


def _clean_action(
    group: CoDesignGroup,
    *,
    description: object,
    owner: object,
    due_on: object,
    done_on: object,
    change_idea: ChangeIdea | None,
) -> dict[str, Any]:
    if change_idea is not None and change_idea.project_id != group.ebcd.project_id:
        raise ActionError("Choose one of this project's change ideas", field="change_idea")
    done = _date(done_on, field="done_on")
    _not_future(done, field="done_on", what="an action was done")
    return {
        "description": clean_text(
            description, field="description", required="Describe the action", limit=300
        ),
        "owner": clean_text(owner, field="owner", limit=150),
        "due_on": _date(due_on, field="due_on"),
        "done_on": done,
        "change_idea": change_idea,
    }


@transaction.atomic
def add_action(
    *,
    group: CoDesignGroup,
    description: str,
    owner: str = "",
    due_on: dt.date | None = None,
    done_on: dt.date | None = None,
    change_idea: ChangeIdea | None = None,
    by: User,
) -> GroupAction:
    _require_recorder(project=group.ebcd.project, user=by)
    values = _clean_action(
        group,
        description=description,
        owner=owner,
        due_on=due_on,
        done_on=done_on,
        change_idea=change_idea,
    )
    action = GroupAction.objects.create(group=group, created_by=by, **values)
    _record(
        "action_added",
        by=by,
        project=group.ebcd.project,
        target=action,
        summary=f"Added action {action.pk} to co-design group {group.pk}",
    )
    return action


@transaction.atomic
def update_action(
    *,
    action: GroupAction,
    description: str,
    owner: str = "",
    due_on: dt.date | None = None,
    done_on: dt.date | None = None,
    change_idea: ChangeIdea | None = None,
    by: User,
) -> GroupAction:
    group = action.group
    _require_recorder(project=group.ebcd.project, user=by)
    values = _clean_action(
        group,
        description=description,
        owner=owner,
        due_on=due_on,
        done_on=done_on,
        change_idea=change_idea,
    )
    for name, value in values.items():
        setattr(action, name, value)
    _touch(action)
    action.save()
    _record(
        "action_updated",
        by=by,
        project=group.ebcd.project,
        target=action,
        summary=f"Updated action {action.pk} ({'done' if action.done_on else 'open'})",
    )
    return action


@transaction.atomic
def delete_action(*, action: GroupAction, by: User) -> None:
    group = action.group
    _require_facilitator(project=group.ebcd.project, user=by)
    pk = action.pk
    action.delete()
    _record(
        "action_deleted",
        by=by,
        project=group.ebcd.project,
        target=None,
        summary=f"Deleted action {pk} of co-design group {group.pk}",
    )


@transaction.atomic
def make_change_idea(*, action: GroupAction, by: User) -> ChangeIdea:
    """Turn an action into a new change idea (through the improvement app) and link them."""
    group = action.group
    project = group.ebcd.project
    _require_recorder(project=project, user=by)
    if action.change_idea_id is not None:
        raise ActionError("This action is already linked to a change idea", field="change_idea")
    idea = improvement_actions.create_change_idea(
        project=project,
        title=action.description[:200],
        description=f"From the co-design group “{group.name}”.",
        by=by,
    )
    action.change_idea = idea
    _touch(action)
    action.save()
    _record(
        "action_change_idea",
        by=by,
        project=project,
        target=action,
        summary=f"Made change idea {idea.pk} from action {action.pk}",
    )
    return idea


# --------------------------------------------------------------------------- accelerated EBCD


@transaction.atomic
def import_archive(
    *, ebcd: EBCDProject, data: bytes, filename: str, consent: str = Consent.SHARE, by: User
) -> experience_actions.ImportReport:
    """Import an archive of narratives, all or nothing, as redacted comments (source ARCHIVE).

    A ``.json`` or ``.csv`` file of narratives (id, title, text, touchpoints) is read by the
    core (``coproduce.experience.ebcd.parse_archive``), keeping titles and touchpoint hints
    here; any other file (FFT-style CSV or Excel) goes to the experience app's importer as is.

    Raises:
        ActionError: the file cannot be read or a narrative is bad (nothing is stored).
        experience.actions.InvalidFeedback: the experience importer refused some rows.
    """
    _require_facilitator(project=ebcd.project, user=by)
    narratives: tuple[core.Narrative, ...] | None = None
    name = filename.lower()
    if name.endswith(".json") or (name.endswith(".csv") and _is_narrative_csv(data)):
        try:
            narratives = core.parse_archive(data, filename=filename)
        except core.EBCDInputError as error:
            raise ActionError(error.message, field="file") from None
        report = experience_actions.import_feedback(
            project=ebcd.project,
            user=by,
            source=Source.ARCHIVE,
            consent=consent,
            rows=[{"id": n.id, "comment": n.text, "question": n.title} for n in narratives],
            filename=filename,
        )
    else:
        report = experience_actions.import_feedback(
            project=ebcd.project,
            user=by,
            source=Source.ARCHIVE,
            consent=consent,
            file=data,
            filename=filename,
        )
    if report.batch is not None:
        ebcd.archive_batch = report.batch
        _touch(ebcd)
        ebcd.save()
        if narratives is not None:
            comments = {c.external_id: c for c in Comment.objects.filter(batch=report.batch)}
            ArchiveNarrative.objects.bulk_create(
                ArchiveNarrative(
                    ebcd=ebcd,
                    comment=comments[n.id],
                    title=n.title,
                    touchpoint_hints=list(n.touchpoints),
                )
                for n in narratives
                if n.id in comments
            )
    _record(
        "archive_imported",
        by=by,
        project=ebcd.project,
        target=ebcd,
        summary=f"Imported {report.added} archive narratives",
        added=report.added,
        duplicates=report.duplicate_count,
        batch=report.batch.pk if report.batch else None,
    )
    return report


def _is_narrative_csv(data: bytes) -> bool:
    """A CSV whose header has ``text`` and ``id`` columns is a narrative archive."""
    head = data[:2000].decode("utf-8-sig", errors="replace").splitlines()
    columns = {c.strip().strip('"').lower() for c in head[0].split(",")} if head else set()
    return {"id", "text"} <= columns


@transaction.atomic
def start_archive_theming(*, ebcd: EBCDProject, by: User) -> Job:
    """Find themes in the archive batch in the background (the themes app's job)."""
    _require_facilitator(project=ebcd.project, user=by)
    batch: FeedbackBatch | None = ebcd.archive_batch
    if batch is None:
        raise ActionError("Import an archive of narratives first", field="file")
    job = theme_actions.start_theming(project=ebcd.project, by=by, batch=batch)
    ebcd.archive_job = job
    _touch(ebcd)
    ebcd.save()
    _record(
        "archive_theming_started",
        by=by,
        project=ebcd.project,
        target=ebcd,
        summary=f"Started finding themes in archive batch {batch.pk}",
        job=job.pk,
    )
    return job


@transaction.atomic
def add_theme_as_touchpoint(
    *, ebcd: EBCDProject, theme: Theme, stage: Stage, by: User
) -> Touchpoint:
    """One click: a theme found in the archive becomes a touchpoint in a stage of the linked
    journey, with the theme mapped to it (both through the journeys app)."""
    _require_recorder(project=ebcd.project, user=by)
    if theme.project_id != ebcd.project_id:
        raise ActionError("Choose one of this project's themes", field="theme")
    if ebcd.journey_id is None or stage.journey_id != ebcd.journey_id:
        raise ActionError("Choose a stage of the journey linked to EBCD", field="stage")
    touchpoint = journey_actions.add_touchpoint(stage=stage, name=theme.label[:200], by=by)
    journey_actions.map_theme(touchpoint=touchpoint, theme=theme, by=by)
    _record(
        "theme_to_touchpoint",
        by=by,
        project=ebcd.project,
        target=touchpoint,
        summary=f"Added theme {theme.pk} as touchpoint {touchpoint.pk} in stage {stage.pk}",
    )
    return touchpoint


@transaction.atomic
def add_hint_as_touchpoint(*, ebcd: EBCDProject, hint: str, stage: Stage, by: User) -> Touchpoint:
    """A touchpoint named in the archive's narratives becomes a touchpoint in a stage of the
    linked journey (through the journeys app); one the journey already has is refused."""
    _require_recorder(project=ebcd.project, user=by)
    if ebcd.journey_id is None or stage.journey_id != ebcd.journey_id:
        raise ActionError("Choose a stage of the journey linked to EBCD", field="stage")
    wanted = hint.strip().casefold() if isinstance(hint, str) else ""
    found = {h.name.casefold(): h for h in selectors.archive_hints(ebcd)}
    if wanted not in found:
        raise ActionError("Choose a touchpoint named in the archive", field="hint")
    if found[wanted].on_journey:
        raise ActionError("The journey already has this touchpoint", field="hint")
    touchpoint = journey_actions.add_touchpoint(stage=stage, name=found[wanted].name[:200], by=by)
    _record(
        "hint_to_touchpoint",
        by=by,
        project=ebcd.project,
        target=touchpoint,
        summary=f"Added a touchpoint named in the archive as {touchpoint.pk} in stage {stage.pk}",
    )
    return touchpoint
