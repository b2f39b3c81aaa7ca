"""Reads for the EBCD pages and API: who may do what, and the project's EBCD record.

Callers first get the project through ``projects.selectors.project_for_user`` (404 for
outsiders); lookups here are then confined to that project's EBCD, so another project's
interviews, events, priorities and groups are 404 too.

Who may do what (docs/adr/0018):

* every member sees the checklist, events, priorities, the voting results, co-design groups
  and the trigger film's running order;
* members who are not observers record events, priorities, dot votes, emotional mapping,
  co-design groups and their actions, and see the list of interviews (label, role, consent);
* facilitators set EBCD up, keep the checklist, manage interviews (consent, transcripts,
  clips), edit the film, import the narrative archive, record the celebration and delete
  things; they alone read transcripts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from coproduce.experience import ebcd as core
from coproduce.web.journeys.models import Journey, Touchpoint
from coproduce.web.participation.models import Activity, Participant
from coproduce.web.projects import selectors as project_selectors
from coproduce.web.projects.models import Role

from .models import (
    GROUPS_AT_EVENT,
    STAGE_OF_EVENT,
    Clip,
    CoDesignGroup,
    EBCDProject,
    Event,
    EventKind,
    FilmEntry,
    GroupAction,
    Interview,
    Priority,
    StageStep,
    VoteCount,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project


# --------------------------------------------------------------------------- permissions


def can_record(*, project: Project, user: User | AnonymousUser) -> bool:
    role = project_selectors.role_in(project=project, user=user)
    return role is not None and role != Role.OBSERVER


def can_manage(*, project: Project, user: User | AnonymousUser) -> bool:
    return project_selectors.role_in(project=project, user=user) == Role.FACILITATOR


def permissions(*, project: Project, user: User | AnonymousUser) -> dict[str, bool]:
    """The flags every EBCD template reads."""
    role = project_selectors.role_in(project=project, user=user)
    return {
        "can_record": role is not None and role != Role.OBSERVER,
        "can_manage": role == Role.FACILITATOR,
    }


# --------------------------------------------------------------------------- the record


def ebcd_of(*, project: Project) -> EBCDProject | None:
    return (
        EBCDProject.objects.filter(project=project)
        .select_related("journey", "archive_batch", "archive_job", "project")
        .first()
    )


def ebcd_for(*, project: Project) -> EBCDProject:
    """The project's EBCD, or 404 when it has not been set up."""
    ebcd = ebcd_of(project=project)
    if ebcd is None:
        raise Http404("EBCD has not been set up for this project.")
    return ebcd


@dataclass(frozen=True)
class ChecklistRow:
    info: core.StageInfo
    step: StageStep
    events: tuple[Event, ...]

    @property
    def done(self) -> bool:
        return self.step.done_on is not None


@dataclass(frozen=True)
class Checklist:
    rows: tuple[ChecklistRow, ...]
    progress: core.ChecklistProgress


def checklist(ebcd: EBCDProject) -> Checklist:
    """The variant's stages in order, each with its step (dates, outputs) and events."""
    steps = {step.stage: step for step in ebcd.steps.all()}
    events_by_stage: dict[str, list[Event]] = {}
    for event in ebcd.events.all():
        events_by_stage.setdefault(STAGE_OF_EVENT[event.kind], []).append(event)
    rows = []
    for info in core.stages_for(ebcd.variant):
        step = steps.get(info.stage.value) or StageStep(ebcd=ebcd, stage=info.stage.value)
        rows.append(ChecklistRow(info, step, tuple(events_by_stage.get(info.stage.value, []))))
    progress = core.checklist_progress(ebcd.variant, [row.info.stage for row in rows if row.done])
    return Checklist(tuple(rows), progress)


def step_in(*, ebcd: EBCDProject, stage: str) -> StageStep:
    if stage not in {info.stage.value for info in core.stages_for(ebcd.variant)}:
        raise Http404("No such stage.")
    try:
        return StageStep.objects.get(ebcd=ebcd, stage=stage)
    except StageStep.DoesNotExist:
        raise Http404("No such stage.") from None


def journeys_of(*, project: Project) -> QuerySet[Journey]:
    return Journey.objects.filter(project=project).order_by("title", "pk")


def touchpoints_of(ebcd: EBCDProject) -> QuerySet[Touchpoint]:
    """The linked journey's touchpoints, in pathway order (none when no journey is linked)."""
    if ebcd.journey_id is None:
        return Touchpoint.objects.none()
    return (
        Touchpoint.objects.filter(stage__journey_id=ebcd.journey_id)
        .select_related("stage")
        .order_by("stage__position", "stage__pk", "position", "pk")
    )


def participants_of(*, project: Project) -> QuerySet[Participant]:
    return Participant.objects.filter(project=project, left_on__isnull=True).order_by("name", "pk")


def activities_of(*, project: Project) -> QuerySet[Activity]:
    return Activity.objects.filter(project=project).order_by("-date", "pk")


# --------------------------------------------------------------------------- interviews


def interviews_of(ebcd: EBCDProject) -> QuerySet[Interview]:
    return (
        ebcd.interviews.select_related("participant")
        .prefetch_related("clips")
        .order_by("date", "pk")
    )


def interview_in(*, ebcd: EBCDProject, pk: int) -> Interview:
    try:
        return interviews_of(ebcd).get(pk=pk)
    except Interview.DoesNotExist:
        raise Http404("No such interview.") from None


def clip_in(*, ebcd: EBCDProject, pk: int) -> Clip:
    try:
        return Clip.objects.select_related("interview", "touchpoint").get(
            pk=pk, interview__ebcd=ebcd
        )
    except Clip.DoesNotExist:
        raise Http404("No such clip.") from None


# --------------------------------------------------------------------------- the film


@dataclass(frozen=True)
class Film:
    entries: tuple[FilmEntry, ...]
    seconds: int
    touchpoints: tuple[Touchpoint, ...]

    @property
    def running_time(self) -> str:
        return core.format_timecode(self.seconds)


def film_of(ebcd: EBCDProject) -> Film:
    """The running order, its total running time and the touchpoints it covers (in order)."""
    entries = tuple(
        ebcd.film.select_related(
            "clip__interview", "clip__touchpoint", "clip__touchpoint__stage"
        ).order_by("position", "pk")
    )
    seconds = core.film_running_time(
        (entry.clip.start_seconds, entry.clip.end_seconds) for entry in entries
    )
    offset = 0
    for entry in entries:
        setattr(entry, "offset", offset)  # noqa: B010 (shown on the printable running order)
        offset += entry.clip.end_seconds - entry.clip.start_seconds
    seen: dict[int, Touchpoint] = {}
    for entry in entries:
        touchpoint = entry.clip.touchpoint
        if touchpoint is not None and touchpoint.pk not in seen:
            seen[touchpoint.pk] = touchpoint
    ordered = sorted(seen.values(), key=lambda t: (t.stage.position, t.stage.pk, t.position, t.pk))
    return Film(entries, seconds, tuple(ordered))


def film_entry_in(*, ebcd: EBCDProject, pk: int) -> FilmEntry:
    try:
        return FilmEntry.objects.select_related("clip").get(pk=pk, ebcd=ebcd)
    except FilmEntry.DoesNotExist:
        raise Http404("No such film entry.") from None


def clips_for_film(ebcd: EBCDProject) -> QuerySet[Clip]:
    """Clips that may be added: consent to film use, not withdrawn, not in the film yet."""
    return (
        Clip.objects.filter(
            interview__ebcd=ebcd,
            interview__consent_given_on__isnull=False,
            interview__consent_withdrawn_on__isnull=True,
            interview__consent_film=True,
            film_entry__isnull=True,
        )
        .select_related("interview", "touchpoint")
        .order_by("interview__label", "start_seconds", "pk")
    )


# --------------------------------------------------------------------------- events


def events_of(ebcd: EBCDProject) -> dict[str, Event | None]:
    """Each kind of event (staff, patient, joint) and the event recorded for it, if any."""
    found = {event.kind: event for event in ebcd.events.select_related("activity")}
    return {kind: found.get(kind) for kind in EventKind.values}


def event_in(*, ebcd: EBCDProject, kind: str) -> Event:
    try:
        return ebcd.events.select_related("activity").get(kind=kind)
    except Event.DoesNotExist:
        raise Http404("No such event.") from None


def emotions_at(event: Event) -> list[object]:
    return [
        link.record
        for link in event.emotions.select_related("record__touchpoint__stage").order_by("pk")
    ]


# --------------------------------------------------------------------------- priorities


def priorities_of(ebcd: EBCDProject) -> QuerySet[Priority]:
    return ebcd.priorities.select_related("proposed_at", "touchpoint").order_by("pk")


def priority_in(*, ebcd: EBCDProject, pk: int) -> Priority:
    try:
        return priorities_of(ebcd).get(pk=pk)
    except Priority.DoesNotExist:
        raise Http404("No such priority.") from None


def votes_at(event: Event) -> dict[tuple[int, str], int]:
    """``{(priority id, group): votes}`` recorded at the event."""
    return {(v.priority_id, v.group): v.votes for v in event.votes.all()}


@dataclass(frozen=True)
class Results:
    """The core tally, and the priorities by title (titles are unique within an EBCD)."""

    tally: core.PriorityTally | None
    priorities: tuple[Priority, ...]
    votes_recorded: dict[str, bool]

    def by_title(self, title: str) -> Priority | None:
        return next((p for p in self.priorities if p.title == title), None)


def results_of(ebcd: EBCDProject) -> Results:
    """Tally the votes: each group at its own event, then both at the joint event."""
    priorities = tuple(priorities_of(ebcd))
    if not priorities:
        return Results(None, (), {})
    titles = {p.pk: p.title for p in priorities}
    separate: dict[str, dict[str, int]] = {}
    joint: dict[str, dict[str, int]] = {}
    recorded = dict.fromkeys(EventKind.values, False)
    for vote in VoteCount.objects.filter(event__ebcd=ebcd).select_related("event"):
        recorded[vote.event.kind] = True
        target = joint if vote.event.kind == EventKind.JOINT else separate
        if vote.group not in GROUPS_AT_EVENT[vote.event.kind]:
            continue  # never written by the actions; ignored rather than double counted
        row = target.setdefault(vote.group, {})
        title = titles[vote.priority_id]
        row[title] = row.get(title, 0) + vote.votes
    tally = core.tally_priorities(
        [p.title for p in priorities],
        separate,
        joint,
        top_k=ebcd.top_k,
        weighting=ebcd.weighting,
    )
    return Results(tally, priorities, recorded)


# --------------------------------------------------------------------------- groups


def groups_of(ebcd: EBCDProject) -> QuerySet[CoDesignGroup]:
    return (
        ebcd.groups.select_related("priority")
        .prefetch_related(
            "members",
            Prefetch(
                "actions",
                queryset=GroupAction.objects.select_related("change_idea").order_by(
                    "done_on", "due_on", "pk"
                ),
            ),
        )
        .order_by("name", "pk")
    )


def group_in(*, ebcd: EBCDProject, pk: int) -> CoDesignGroup:
    try:
        return groups_of(ebcd).get(pk=pk)
    except CoDesignGroup.DoesNotExist:
        raise Http404("No such co-design group.") from None


def action_in(*, group: CoDesignGroup, pk: int) -> GroupAction:
    try:
        return group.actions.select_related("change_idea").get(pk=pk)
    except GroupAction.DoesNotExist:
        raise Http404("No such action.") from None


def shared_priorities(ebcd: EBCDProject) -> Sequence[Priority]:
    """Priorities ranked in the joint top k, falling back to all priorities before voting."""
    results = results_of(ebcd)
    if results.tally is None or results.tally.joint is None:
        return results.priorities
    top = results.tally.joint.top(ebcd.top_k)
    chosen = [p for p in results.priorities if p.title in top]
    return chosen or results.priorities


# --------------------------------------------------------------------------- the archive


@dataclass(frozen=True)
class Hint:
    """A touchpoint named in the archive's narratives: how many name it, and whether the
    linked journey already has a touchpoint of that name."""

    name: str
    narratives: int
    on_journey: bool


def archive_hints(ebcd: EBCDProject) -> list[Hint]:
    """The touchpoints the narratives name (accelerated EBCD surfaces them from the archive),
    most often named first; names that differ only in case count as one."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for hints in ebcd.narratives.values_list("touchpoint_hints", flat=True):
        for key in {
            str(h).strip().casefold(): str(h).strip() for h in hints or () if str(h).strip()
        }.items():
            counts[key[0]] = counts.get(key[0], 0) + 1
            shown.setdefault(key[0], key[1])
    existing = {name.casefold() for name in touchpoints_of(ebcd).values_list("name", flat=True)}
    return sorted(
        (Hint(shown[key], count, key in existing) for key, count in counts.items()),
        key=lambda hint: (-hint.narratives, hint.name.casefold()),
    )
