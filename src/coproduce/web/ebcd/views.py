"""EBCD pages: set-up and checklist, interviews, the trigger film, events and voting, results,
co-design groups, the celebration, and the accelerated EBCD archive (docs/adr/0018).

Thin: parse with a form, call an action, render. Every page works without JavaScript.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coproduce.experience import ebcd as core
from coproduce.web.errors import ActionError
from coproduce.web.experience.actions import InvalidFeedback
from coproduce.web.experience.models import Source
from coproduce.web.forms import form_page, save_or_show
from coproduce.web.improvement.models import ChangeIdea
from coproduce.web.journeys.models import Stage
from coproduce.web.participation.views import project_of, user_of
from coproduce.web.projects.models import Project
from coproduce.web.themes.models import Theme

from . import actions, selectors
from .forms import (
    ActionForm,
    ArchiveForm,
    CelebrationForm,
    ClipForm,
    ConsentForm,
    EmotionForm,
    EventForm,
    FilmAddForm,
    GroupForm,
    InterviewForm,
    PriorityForm,
    SetupForm,
    StepForm,
    ThemeTouchpointForm,
    TranscriptForm,
    VotesForm,
    WithdrawForm,
)
from .models import EBCDProject, EventKind, VoterGroup

PER_PAGE = 25
FORM_TEMPLATE = "ebcd/form.html"
CONFIRM_TEMPLATE = "ebcd/confirm.html"


# --------------------------------------------------------------------------- helpers


def _recording(request: HttpRequest, pk: int) -> Project:
    project = project_of(request, pk)
    if not selectors.can_record(project=project, user=request.user):
        raise PermissionDenied("Observers can see the EBCD work but not record it.")
    return project


def _managing(request: HttpRequest, pk: int) -> Project:
    project = project_of(request, pk)
    if not selectors.can_manage(project=project, user=request.user):
        raise PermissionDenied("Only the project's facilitators can do this.")
    return project


def _context(request: HttpRequest, project: Project, **extra: Any) -> dict[str, Any]:
    return {
        "project": project,
        **selectors.permissions(project=project, user=request.user),
        **extra,
    }


def _overview_url(project: Project) -> str:
    return reverse("ebcd:overview", args=[project.pk])


def _form_page(
    request: HttpRequest,
    project: Project,
    form: Any,
    save: Callable[[], Any],
    *,
    done: str,
    next_url: str | Callable[[Any], str],
    **page: Any,
) -> HttpResponse:
    """A one-column form page of this app; ``page`` is the template's context: heading,
    button, back, back_label and, if wanted, intro and caption."""
    return form_page(
        request,
        form,
        save,
        done=done,
        next_url=next_url,
        template=FORM_TEMPLATE,
        context=lambda: _context(request, project, **page),
    )


def _confirm(
    request: HttpRequest,
    project: Project,
    *,
    heading: str,
    explanation: str,
    button: str,
    cancel: str,
    action: Callable[[], Any],
    done: str,
    next_url: str,
) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            action()
        except ActionError as refusal:
            error = refusal.message
        else:
            messages.success(request, done)
            return redirect(next_url)
    return render(
        request,
        CONFIRM_TEMPLATE,
        _context(
            request,
            project,
            heading=heading,
            explanation=explanation,
            button=button,
            cancel=cancel,
            error=error,
        ),
    )


def _ebcd(project: Project) -> EBCDProject:
    return selectors.ebcd_for(project=project)


def _kind(kind: str) -> str:
    if kind not in EventKind.values:
        raise Http404("No such event.")
    return kind


# --------------------------------------------------------------------------- set-up


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    """The set-up, the stages checklist with progress, and links to each part."""
    project = project_of(request, pk)
    ebcd = selectors.ebcd_of(project=project)
    if ebcd is None:
        return render(request, "ebcd/overview.html", _context(request, project, ebcd=None))
    checklist = selectors.checklist(ebcd)
    return render(
        request,
        "ebcd/overview.html",
        _context(
            request,
            project,
            ebcd=ebcd,
            checklist=checklist,
            events=selectors.events_of(ebcd),
            film=selectors.film_of(ebcd),
            interviews=ebcd.interviews.count(),
            groups=ebcd.groups.count(),
            priorities=ebcd.priorities.count(),
        ),
    )


@login_required
def setup(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    ebcd = selectors.ebcd_of(project=project)
    initial = (
        {
            "variant": ebcd.variant,
            "journey": ebcd.journey,
            "top_k": ebcd.top_k,
            "weighting": ebcd.weighting,
        }
        if ebcd
        else {}
    )
    form = SetupForm(
        request.POST or None,
        initial=initial,
        journeys=selectors.journeys_of(project=project),
    )

    def save() -> EBCDProject:
        data = form.cleaned_data
        values = {
            "variant": data["variant"],
            "journey": data["journey"],
            "top_k": data["top_k"],
            "weighting": data["weighting"],
        }
        if ebcd is None:
            return actions.start_ebcd(project=project, by=user_of(request), **values)
        return actions.update_ebcd(ebcd=ebcd, by=user_of(request), **values)

    return _form_page(
        request,
        project,
        form,
        save,
        heading="Set up EBCD" if ebcd is None else "Change the EBCD set-up",
        button="Save set-up",
        done="EBCD set-up saved.",
        next_url=_overview_url(project),
        back=_overview_url(project),
        back_label="Experience-based co-design",
        intro="Standard EBCD films local patient interviews. Accelerated EBCD (Locock et al. "
        "2014) builds the trigger film from a national archive of narratives, so patients "
        "first take part at the patient event.",
    )


@login_required
def step(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    project = _managing(request, pk)
    ebcd = _ebcd(project)
    row = selectors.step_in(ebcd=ebcd, stage=stage)
    form = StepForm(
        request.POST or None,
        initial={"planned_on": row.planned_on, "done_on": row.done_on, "outputs": row.outputs},
    )
    return _form_page(
        request,
        project,
        form,
        lambda: actions.update_step(step=row, by=user_of(request), **form.cleaned_data),
        heading=row.get_stage_display(),
        caption="Stage of EBCD",
        button="Save stage",
        done=f"{row.get_stage_display()} saved.",
        next_url=_overview_url(project) + "#checklist",
        back=_overview_url(project),
        back_label="Experience-based co-design",
    )


@login_required
def celebration(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    ebcd = _ebcd(project)
    form = CelebrationForm(
        request.POST or None,
        initial={
            "celebrated_on": ebcd.celebrated_on,
            "what_changed": ebcd.what_changed,
            "what_next": ebcd.what_next,
        },
    )
    return _form_page(
        request,
        project,
        form,
        lambda: actions.record_celebration(ebcd=ebcd, by=user_of(request), **form.cleaned_data),
        heading="Celebration and review",
        intro="An informal event some 6 to 9 months after the joint event: what changed, "
        "thanks to everyone who took part, and what happens next. A date in the past marks "
        "the stage done on the checklist.",
        button="Save",
        done="Celebration and review saved.",
        next_url=_overview_url(project) + "#checklist",
        back=_overview_url(project),
        back_label="Experience-based co-design",
    )


# --------------------------------------------------------------------------- interviews


@login_required
def interviews(request: HttpRequest, pk: int) -> HttpResponse:
    project = _recording(request, pk)
    ebcd = _ebcd(project)
    page = Paginator(selectors.interviews_of(ebcd), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "ebcd/interviews.html", _context(request, project, ebcd=ebcd, page=page))


def _interview_url(project: Project, interview_pk: int) -> str:
    return reverse("ebcd:interview", args=[project.pk, interview_pk])


@login_required
def interview_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    ebcd = _ebcd(project)
    form = InterviewForm(
        request.POST or None, participants=selectors.participants_of(project=project)
    )
    return _form_page(
        request,
        project,
        form,
        lambda: actions.create_interview(ebcd=ebcd, by=user_of(request), **form.cleaned_data),
        heading="Add an interview",
        intro="Record consent next: nothing from the interview (transcript, clips) can be "
        "stored until consent is recorded.",
        button="Add interview",
        done="Interview added. Now record consent.",
        next_url=lambda interview: _interview_url(project, interview.pk),
        back=reverse("ebcd:interviews", args=[project.pk]),
        back_label="Interviews",
    )


@login_required
def interview_edit(request: HttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    interview = selectors.interview_in(ebcd=_ebcd(project), pk=interview_pk)
    form = InterviewForm(
        request.POST or None,
        initial={
            "label": interview.label,
            "role": interview.role,
            "participant": interview.participant,
            "date": interview.date,
        },
        participants=selectors.participants_of(project=project),
    )
    return _form_page(
        request,
        project,
        form,
        lambda: actions.update_interview(
            interview=interview, by=user_of(request), **form.cleaned_data
        ),
        heading=f"Edit {interview.label}",
        button="Save interview",
        done="Interview saved.",
        next_url=_interview_url(project, interview.pk),
        back=_interview_url(project, interview.pk),
        back_label=interview.label,
    )


@login_required
def interview(request: HttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    project = _recording(request, pk)
    ebcd = _ebcd(project)
    found = selectors.interview_in(ebcd=ebcd, pk=interview_pk)
    return render(
        request,
        "ebcd/interview.html",
        _context(request, project, ebcd=ebcd, interview=found, clips=list(found.clips.all())),
    )


@login_required
def consent(request: HttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    found = selectors.interview_in(ebcd=_ebcd(project), pk=interview_pk)
    form = ConsentForm(
        request.POST or None,
        initial={
            "given_on": found.consent_given_on,
            "audio": found.consent_audio,
            "video": found.consent_video,
            "film": found.consent_film,
        },
    )
    return _form_page(
        request,
        project,
        form,
        lambda: actions.record_consent(interview=found, by=user_of(request), **form.cleaned_data),
        heading=f"Consent: {found.label}",
        intro="What the interviewee agreed to. Without consent to use in the trigger film, "
        "their clips cannot be added to it (and are taken out of it).",
        button="Save consent",
        done="Consent saved.",
        next_url=_interview_url(project, found.pk),
        back=_interview_url(project, found.pk),
        back_label=found.label,
    )


@login_required
def withdraw(request: HttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    found = selectors.interview_in(ebcd=_ebcd(project), pk=interview_pk)
    form = WithdrawForm(request.POST or None)
    return _form_page(
        request,
        project,
        form,
        lambda: actions.withdraw_consent(interview=found, by=user_of(request), **form.cleaned_data),
        heading=f"Withdraw consent: {found.label}",
        intro="The transcript and every clip of this interview will be deleted, and the "
        "clips taken out of the trigger film. This cannot be undone.",
        button="Withdraw consent and delete",
        done="Consent withdrawn: the transcript and clips were deleted.",
        next_url=_interview_url(project, found.pk),
        back=_interview_url(project, found.pk),
        back_label=found.label,
    )


@login_required
def transcript(request: HttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    found = selectors.interview_in(ebcd=_ebcd(project), pk=interview_pk)
    form = TranscriptForm(request.POST or None, initial={"transcript": found.transcript})
    return _form_page(
        request,
        project,
        form,
        lambda: actions.save_transcript(
            interview=found, text=form.cleaned_data["transcript"], by=user_of(request)
        ),
        heading=f"Transcript: {found.label}",
        button="Save transcript",
        done="Transcript saved (redacted).",
        next_url=_interview_url(project, found.pk),
        back=_interview_url(project, found.pk),
        back_label=found.label,
    )


@login_required
def interview_delete(request: HttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    found = selectors.interview_in(ebcd=_ebcd(project), pk=interview_pk)
    return _confirm(
        request,
        project,
        heading=f"Delete {found.label}?",
        explanation="The interview, its transcript and its clips will be deleted, and the "
        "clips taken out of the trigger film.",
        button="Delete interview",
        cancel=_interview_url(project, found.pk),
        action=lambda: actions.delete_interview(interview=found, by=user_of(request)),
        done="Interview deleted.",
        next_url=reverse("ebcd:interviews", args=[project.pk]),
    )


def _clip_form_page(
    request: HttpRequest, project: Project, ebcd: EBCDProject, interview_pk: int, clip: Any
) -> HttpResponse:
    found = selectors.interview_in(ebcd=ebcd, pk=interview_pk)
    initial = (
        {
            "media_path": clip.media,
            "start": core.format_timecode(clip.start_seconds),
            "end": core.format_timecode(clip.end_seconds),
            "description": clip.description,
            "touchpoint": clip.touchpoint,
        }
        if clip
        else {}
    )
    form = ClipForm(
        request.POST or None, initial=initial, touchpoints=selectors.touchpoints_of(ebcd)
    )

    def save() -> Any:
        if clip is None:
            return actions.add_clip(interview=found, by=user_of(request), **form.values())
        return actions.update_clip(clip=clip, by=user_of(request), **form.values())

    return _form_page(
        request,
        project,
        form,
        save,
        heading="Add a clip" if clip is None else "Edit the clip",
        caption=found.label,
        intro="A reference to the recording (no upload): where it is kept, and where the clip "
        "starts and ends.",
        button="Save clip",
        done="Clip saved.",
        next_url=_interview_url(project, found.pk) + "#clips",
        back=_interview_url(project, found.pk),
        back_label=found.label,
    )


@login_required
def clip_create(request: HttpRequest, pk: int, interview_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    return _clip_form_page(request, project, _ebcd(project), interview_pk, None)


@login_required
def clip_edit(request: HttpRequest, pk: int, clip_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    ebcd = _ebcd(project)
    clip = selectors.clip_in(ebcd=ebcd, pk=clip_pk)
    return _clip_form_page(request, project, ebcd, clip.interview_id, clip)


@login_required
def clip_delete(request: HttpRequest, pk: int, clip_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    clip = selectors.clip_in(ebcd=_ebcd(project), pk=clip_pk)
    back = _interview_url(project, clip.interview_id)
    return _confirm(
        request,
        project,
        heading="Delete this clip?",
        explanation="The clip will be deleted and taken out of the trigger film.",
        button="Delete clip",
        cancel=back,
        action=lambda: actions.delete_clip(clip=clip, by=user_of(request)),
        done="Clip deleted.",
        next_url=back + "#clips",
    )


# --------------------------------------------------------------------------- the film


@login_required
def film(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    ebcd = _ebcd(project)
    form = None
    if selectors.can_manage(project=project, user=request.user):
        form = FilmAddForm(clips=selectors.clips_for_film(ebcd))
    return render(
        request,
        "ebcd/film.html",
        _context(request, project, ebcd=ebcd, film=selectors.film_of(ebcd), form=form),
    )


@login_required
@require_POST
def film_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    ebcd = _ebcd(project)
    form = FilmAddForm(request.POST, clips=selectors.clips_for_film(ebcd))
    if response := save_or_show(
        request,
        form,
        lambda: actions.add_to_film(clip=form.cleaned_data["clip"], by=user_of(request)),
        done="Clip added to the end of the film.",
        next_url=reverse("ebcd:film", args=[project.pk]),
    ):
        return response
    return render(
        request,
        "ebcd/film.html",
        _context(request, project, ebcd=ebcd, film=selectors.film_of(ebcd), form=form),
    )


@login_required
@require_POST
def film_move(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    entry = selectors.film_entry_in(ebcd=_ebcd(project), pk=entry_pk)
    try:
        moved = actions.move_in_film(
            entry=entry, direction=request.POST.get("direction", ""), by=user_of(request)
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        if moved:
            messages.success(request, f"Clip moved to position {entry.position}.")
    return redirect(reverse("ebcd:film", args=[project.pk]) + f"#entry-{entry.pk}")


@login_required
@require_POST
def film_remove(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    entry = selectors.film_entry_in(ebcd=_ebcd(project), pk=entry_pk)
    actions.remove_from_film(entry=entry, by=user_of(request))
    messages.success(request, "Clip taken out of the film (the clip itself is kept).")
    return redirect("ebcd:film", pk=project.pk)


@login_required
def film_print(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    ebcd = _ebcd(project)
    return render(
        request,
        "ebcd/film_print.html",
        _context(request, project, ebcd=ebcd, film=selectors.film_of(ebcd)),
    )


# --------------------------------------------------------------------------- events


def _event_url(project: Project, kind: str) -> str:
    return reverse("ebcd:event", args=[project.pk, kind])


@login_required
def event(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The event: details, priorities proposed, each group's votes, emotional mapping."""
    project = project_of(request, pk)
    ebcd = _ebcd(project)
    found = selectors.events_of(ebcd)[_kind(kind)]
    votes = selectors.votes_at(found) if found else {}
    priorities = list(selectors.priorities_of(ebcd))
    groups: list[dict[str, Any]] = [
        {
            "value": group,
            "label": VoterGroup(group).label,
            "total": sum(votes.get((p.pk, group), 0) for p in priorities),
            "recorded": any((p.pk, group) in votes for p in priorities),
        }
        for group in (found.groups if found else ())
    ]
    rows = [
        {"priority": p, "votes": [votes.get((p.pk, str(g["value"])), 0) for g in groups]}
        for p in priorities
    ]
    return render(
        request,
        "ebcd/event.html",
        _context(
            request,
            project,
            ebcd=ebcd,
            kind=kind,
            kind_label=EventKind(kind).label,
            event=found,
            groups=groups,
            rows=rows,
            emotions=selectors.emotions_at(found) if found else [],
            has_touchpoints=selectors.touchpoints_of(ebcd).exists(),
        ),
    )


@login_required
def event_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    project = _recording(request, pk)
    ebcd = _ebcd(project)
    found = selectors.events_of(ebcd)[_kind(kind)]
    form = EventForm(
        request.POST or None,
        initial={"date": found.date, "notes": found.notes, "activity": found.activity}
        if found
        else {},
        activities=selectors.activities_of(project=project),
    )
    return _form_page(
        request,
        project,
        form,
        lambda: actions.save_event(ebcd=ebcd, kind=kind, by=user_of(request), **form.cleaned_data),
        heading=EventKind(kind).label,
        caption="Record the event" if found is None else "Edit the event",
        button="Save event",
        done="Event saved.",
        next_url=_event_url(project, kind),
        back=_event_url(project, kind),
        back_label=EventKind(kind).label,
    )


@login_required
def event_delete(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    project = _managing(request, pk)
    ebcd = _ebcd(project)
    found = selectors.event_in(ebcd=ebcd, kind=_kind(kind))
    return _confirm(
        request,
        project,
        heading=f"Delete the {found.get_kind_display().lower()}?",
        explanation="Its votes and its emotional mapping will be deleted. Priorities "
        "proposed there are kept.",
        button="Delete event",
        cancel=_event_url(project, kind),
        action=lambda: actions.delete_event(event=found, by=user_of(request)),
        done="Event deleted.",
        next_url=_overview_url(project),
    )


@login_required
def priority_create(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    project = _recording(request, pk)
    ebcd = _ebcd(project)
    found = selectors.event_in(ebcd=ebcd, kind=_kind(kind))
    form = PriorityForm(request.POST or None, touchpoints=selectors.touchpoints_of(ebcd))
    return _form_page(
        request,
        project,
        form,
        lambda: actions.propose_priority(event=found, by=user_of(request), **form.cleaned_data),
        heading="Propose a priority",
        caption=found.get_kind_display(),
        button="Add priority",
        done="Priority added.",
        next_url=_event_url(project, kind) + "#priorities",
        back=_event_url(project, kind),
        back_label=found.get_kind_display(),
    )


@login_required
def priority_edit(request: HttpRequest, pk: int, priority_pk: int) -> HttpResponse:
    project = _recording(request, pk)
    ebcd = _ebcd(project)
    priority = selectors.priority_in(ebcd=ebcd, pk=priority_pk)
    form = PriorityForm(
        request.POST or None,
        initial={
            "title": priority.title,
            "description": priority.description,
            "touchpoint": priority.touchpoint,
        },
        touchpoints=selectors.touchpoints_of(ebcd),
    )
    results = reverse("ebcd:results", args=[project.pk])
    return _form_page(
        request,
        project,
        form,
        lambda: actions.update_priority(
            priority=priority, by=user_of(request), **form.cleaned_data
        ),
        heading="Edit the priority",
        button="Save priority",
        done="Priority saved.",
        next_url=results,
        back=results,
        back_label="Priorities and votes",
    )


@login_required
def priority_delete(request: HttpRequest, pk: int, priority_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    priority = selectors.priority_in(ebcd=_ebcd(project), pk=priority_pk)
    results = reverse("ebcd:results", args=[project.pk])
    return _confirm(
        request,
        project,
        heading=f"Delete the priority “{priority.title}”?",
        explanation="Every vote cast for it, at every event, will be deleted too.",
        button="Delete priority",
        cancel=results,
        action=lambda: actions.delete_priority(priority=priority, by=user_of(request)),
        done="Priority deleted.",
        next_url=results,
    )


@login_required
def votes(request: HttpRequest, pk: int, kind: str, group: str) -> HttpResponse:
    """One group's dot votes at an event: a number per priority."""
    project = _recording(request, pk)
    ebcd = _ebcd(project)
    found = selectors.event_in(ebcd=ebcd, kind=_kind(kind))
    if group not in found.groups:
        raise Http404("This group does not vote at this event.")
    priorities = list(selectors.priorities_of(ebcd))
    current = {pk_: n for (pk_, g), n in selectors.votes_at(found).items() if g == group}
    form = VotesForm(request.POST or None, priorities=priorities, current=current)
    label = VoterGroup(group).label
    return _form_page(
        request,
        project,
        form,
        lambda: actions.record_votes(
            event=found, group=group, votes=form.votes(), by=user_of(request)
        ),
        heading=f"{label}: dot votes",
        caption=found.get_kind_display(),
        intro=(
            "Count the dots each priority got from this group and enter the totals. "
            + (
                "At the joint event each group's dots are counted separately, then added."
                if kind == EventKind.JOINT
                else "Each group votes at its own event first."
            )
            if priorities
            else "There are no priorities to vote on yet: propose some first."
        ),
        button="Save votes",
        done=f"{label}' votes saved.",
        next_url=_event_url(project, kind) + "#votes",
        back=_event_url(project, kind),
        back_label=found.get_kind_display(),
    )


@login_required
def emotion_create(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    project = _recording(request, pk)
    ebcd = _ebcd(project)
    found = selectors.event_in(ebcd=ebcd, kind=_kind(kind))
    form = EmotionForm(
        request.POST or None,
        touchpoints=selectors.touchpoints_of(ebcd),
        tellers=actions.TELLERS_AT_EVENT[found.kind],
    )
    return _form_page(
        request,
        project,
        form,
        lambda: actions.map_emotion(event=found, by=user_of(request), **form.cleaned_data),
        heading="Emotional mapping",
        caption=found.get_kind_display(),
        intro="For a touchpoint on the journey, record the emotion cards a person chose and "
        "why. Hotspots show on the journey map.",
        button="Save emotion",
        done="Emotion recorded on the journey.",
        next_url=_event_url(project, kind) + "#emotions",
        back=_event_url(project, kind),
        back_label=found.get_kind_display(),
    )


# --------------------------------------------------------------------------- results


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Each group's ranking at its own event, where they agree, and the joint ranking."""
    project = project_of(request, pk)
    ebcd = _ebcd(project)
    return render(
        request,
        "ebcd/results.html",
        _context(request, project, ebcd=ebcd, results=selectors.results_of(ebcd)),
    )


@login_required
def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    ebcd = _ebcd(project)
    found = selectors.results_of(ebcd)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ebcd-priorities-{project.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "priority",
            "patients_votes_own_event",
            "patients_rank_own_event",
            "staff_votes_own_event",
            "staff_rank_own_event",
            "patients_votes_joint",
            "staff_votes_joint",
            "joint_score",
            "joint_rank",
        ]
    )
    tally = found.tally
    if tally is not None:
        ranks = {
            group: {r.priority: r for r in tally.separate_for(group).ranked}
            for group in core.VoterGroup
        }
        joint = {r.priority: r for r in tally.joint.ranked} if tally.joint else {}
        by_group: dict[core.VoterGroup, dict[str, core.RankedPriority]] = {}
        for g in core.VoterGroup:
            ranking = tally.joint_for(g)
            by_group[g] = {r.priority: r for r in ranking.ranked} if ranking else {}
        order = [r.priority for r in (tally.joint or tally.separate[0]).ranked]
        patients, staff = core.VoterGroup.PATIENTS, core.VoterGroup.STAFF
        for title in order:
            jp, js = by_group[patients].get(title), by_group[staff].get(title)
            j = joint.get(title)
            writer.writerow(
                [
                    _csv_safe(title),
                    f"{ranks[patients][title].score:g}",
                    ranks[patients][title].rank,
                    f"{ranks[staff][title].score:g}",
                    ranks[staff][title].rank,
                    f"{jp.score:g}" if jp else "",
                    f"{js.score:g}" if js else "",
                    f"{j.score:.4g}" if j else "",
                    j.rank if j else "",
                ]
            )
    return response


def _csv_safe(text: str) -> str:
    """Stop a spreadsheet reading a title as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --------------------------------------------------------------------------- groups


@login_required
def groups(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    ebcd = _ebcd(project)
    return render(
        request,
        "ebcd/groups.html",
        _context(
            request,
            project,
            ebcd=ebcd,
            rows=[
                {
                    "group": g,
                    "done": sum(1 for a in g.actions.all() if a.done_on),
                    "total": len(g.actions.all()),
                }
                for g in selectors.groups_of(ebcd)
            ],
        ),
    )


def _group_url(project: Project, group_pk: int) -> str:
    return reverse("ebcd:group", args=[project.pk, group_pk])


def _group_form_page(
    request: HttpRequest, project: Project, ebcd: EBCDProject, group: Any
) -> HttpResponse:
    form = GroupForm(
        request.POST or None,
        initial={
            "name": group.name,
            "priority": group.priority,
            "members": list(group.members.all()),
            "notes": group.notes,
        }
        if group
        else {},
        priorities=list(selectors.priorities_of(ebcd)),
        participants=selectors.participants_of(project=project),
    )

    def save() -> Any:
        data = dict(form.cleaned_data)
        data["members"] = list(data["members"])
        if group is None:
            return actions.create_group(ebcd=ebcd, by=user_of(request), **data)
        return actions.update_group(group=group, by=user_of(request), **data)

    back = reverse("ebcd:groups", args=[project.pk])
    return _form_page(
        request,
        project,
        form,
        save,
        heading="Form a co-design group" if group is None else "Edit the group",
        intro="A small group of patients and staff working on one shared priority.",
        button="Save group",
        done="Co-design group saved.",
        next_url=lambda saved: _group_url(project, saved.pk),
        back=back if group is None else _group_url(project, group.pk),
        back_label="Co-design groups" if group is None else group.name,
    )


@login_required
def group_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _recording(request, pk)
    return _group_form_page(request, project, _ebcd(project), None)


@login_required
def group_edit(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    project = _recording(request, pk)
    ebcd = _ebcd(project)
    return _group_form_page(request, project, ebcd, selectors.group_in(ebcd=ebcd, pk=group_pk))


@login_required
def group(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    project = project_of(request, pk)
    ebcd = _ebcd(project)
    found = selectors.group_in(ebcd=ebcd, pk=group_pk)
    return render(
        request,
        "ebcd/group.html",
        _context(
            request,
            project,
            ebcd=ebcd,
            group=found,
            members=list(found.members.all()),
            group_actions=list(found.actions.all()),
        ),
    )


@login_required
def group_delete(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    found = selectors.group_in(ebcd=_ebcd(project), pk=group_pk)
    return _confirm(
        request,
        project,
        heading=f"Delete the group “{found.name}”?",
        explanation="The group and its actions will be deleted. Linked change ideas are kept.",
        button="Delete group",
        cancel=_group_url(project, found.pk),
        action=lambda: actions.delete_group(group=found, by=user_of(request)),
        done="Co-design group deleted.",
        next_url=reverse("ebcd:groups", args=[project.pk]),
    )


def _action_form_page(
    request: HttpRequest, project: Project, found: Any, action: Any
) -> HttpResponse:
    form = ActionForm(
        request.POST or None,
        initial={
            "description": action.description,
            "owner": action.owner,
            "due_on": action.due_on,
            "done_on": action.done_on,
            "change_idea": action.change_idea,
        }
        if action
        else {},
        change_ideas=ChangeIdea.objects.filter(project=project).order_by("title"),
    )

    def save() -> Any:
        if action is None:
            return actions.add_action(group=found, by=user_of(request), **form.cleaned_data)
        return actions.update_action(action=action, by=user_of(request), **form.cleaned_data)

    return _form_page(
        request,
        project,
        form,
        save,
        heading="Add an action" if action is None else "Edit the action",
        caption=found.name,
        button="Save action",
        done="Action saved.",
        next_url=_group_url(project, found.pk) + "#actions",
        back=_group_url(project, found.pk),
        back_label=found.name,
    )


@login_required
def action_create(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    project = _recording(request, pk)
    found = selectors.group_in(ebcd=_ebcd(project), pk=group_pk)
    return _action_form_page(request, project, found, None)


@login_required
def action_edit(request: HttpRequest, pk: int, group_pk: int, action_pk: int) -> HttpResponse:
    project = _recording(request, pk)
    found = selectors.group_in(ebcd=_ebcd(project), pk=group_pk)
    return _action_form_page(
        request, project, found, selectors.action_in(group=found, pk=action_pk)
    )


@login_required
def action_delete(request: HttpRequest, pk: int, group_pk: int, action_pk: int) -> HttpResponse:
    project = _managing(request, pk)
    found = selectors.group_in(ebcd=_ebcd(project), pk=group_pk)
    action = selectors.action_in(group=found, pk=action_pk)
    return _confirm(
        request,
        project,
        heading="Delete this action?",
        explanation="The action will be deleted. A linked change idea is kept.",
        button="Delete action",
        cancel=_group_url(project, found.pk),
        action=lambda: actions.delete_action(action=action, by=user_of(request)),
        done="Action deleted.",
        next_url=_group_url(project, found.pk) + "#actions",
    )


@login_required
@require_POST
def action_change_idea(
    request: HttpRequest, pk: int, group_pk: int, action_pk: int
) -> HttpResponse:
    project = _recording(request, pk)
    found = selectors.group_in(ebcd=_ebcd(project), pk=group_pk)
    action = selectors.action_in(group=found, pk=action_pk)
    try:
        idea = actions.make_change_idea(action=action, by=user_of(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Change idea {idea.title} created and linked.")
    return redirect(_group_url(project, found.pk) + "#actions")


# --------------------------------------------------------------------------- archive


def _archive_page(
    request: HttpRequest,
    project: Project,
    ebcd: EBCDProject,
    *,
    form: ArchiveForm | None = None,
    report: Any = None,
    status: int = 200,
) -> HttpResponse:
    batch = ebcd.archive_batch
    # Every archive import's themes, not only the latest import's.
    themes = list(
        Theme.objects.filter(project=project, comment_links__comment__source=Source.ARCHIVE)
        .distinct()
        .order_by("label", "pk")
    )
    stages = (
        Stage.objects.filter(journey_id=ebcd.journey_id).order_by("position", "pk")
        if ebcd.journey_id
        else Stage.objects.none()
    )
    return render(
        request,
        "ebcd/archive.html",
        _context(
            request,
            project,
            ebcd=ebcd,
            form=form or ArchiveForm(),
            report=report,
            batch=batch,
            narratives=ebcd.narratives.count(),
            job=ebcd.archive_job,
            themes=themes,
            hints=selectors.archive_hints(ebcd),
            stages=list(stages),
        ),
        status=status,
    )


@login_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    project = project_of(request, pk)
    return _archive_page(request, project, _ebcd(project))


@login_required
@require_POST
def archive_import(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    ebcd = _ebcd(project)
    form = ArchiveForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = actions.import_archive(
                ebcd=ebcd, data=upload.read(), filename=upload.name, by=user_of(request)
            )
        except InvalidFeedback as error:
            form.add_error("file", error.message)
            report = error.report
        except ActionError as error:
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                f"Imported {report.added} narrative{'s' if report.added != 1 else ''}"
                + (
                    f"; {report.duplicate_count} duplicates left out." if report.duplicates else "."
                ),
            )
            return redirect("ebcd:archive", pk=project.pk)
    return _archive_page(request, project, ebcd, form=form, report=report)


@login_required
@require_POST
def archive_themes(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managing(request, pk)
    ebcd = _ebcd(project)
    try:
        actions.start_archive_theming(ebcd=ebcd, by=user_of(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Finding themes in the archive: this runs in the background.")
    return redirect("ebcd:archive", pk=project.pk)


@login_required
@require_POST
def archive_touchpoint(request: HttpRequest, pk: int, theme_pk: int) -> HttpResponse:
    project = _recording(request, pk)
    ebcd = _ebcd(project)
    theme = Theme.objects.filter(project=project, pk=theme_pk).first()
    if theme is None:
        raise Http404("No such theme.")
    stages = (
        Stage.objects.filter(journey_id=ebcd.journey_id)
        if ebcd.journey_id
        else Stage.objects.none()
    )
    form = ThemeTouchpointForm(request.POST, stages=stages)
    if not form.is_valid():
        messages.error(request, "Choose a stage of the linked journey.")
        return redirect("ebcd:archive", pk=project.pk)
    try:
        touchpoint = actions.add_theme_as_touchpoint(
            ebcd=ebcd, theme=theme, stage=form.cleaned_data["stage"], by=user_of(request)
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Added touchpoint {touchpoint.name} to {touchpoint.stage.name}.")
    return redirect("ebcd:archive", pk=project.pk)


@login_required
@require_POST
def archive_hint(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a touchpoint the archive's narratives name to a stage of the linked journey."""
    project = _recording(request, pk)
    ebcd = _ebcd(project)
    stages = (
        Stage.objects.filter(journey_id=ebcd.journey_id)
        if ebcd.journey_id
        else Stage.objects.none()
    )
    form = ThemeTouchpointForm(request.POST, stages=stages)
    if not form.is_valid():
        messages.error(request, "Choose a stage of the linked journey.")
        return redirect("ebcd:archive", pk=project.pk)
    try:
        touchpoint = actions.add_hint_as_touchpoint(
            ebcd=ebcd,
            hint=request.POST.get("hint", ""),
            stage=form.cleaned_data["stage"],
            by=user_of(request),
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Added touchpoint {touchpoint.name} to {touchpoint.stage.name}.")
    return redirect("ebcd:archive", pk=project.pk)
