"""Reads for the journey pages and API: who may do what, and the journeys of a project.

Callers first get the project through ``projects.selectors.project_for_user`` (404 for
outsiders); lookups here are confined to that project, so another project's journeys, stages,
touchpoints and records are 404 too.

Who may do what (docs/adr/0017):

* every member sees journeys, the journey map, emotion summaries and the CSV export;
* members who are not observers (facilitators, staff, patient and carer partners) build
  journeys, record emotions, map themes and set agency and nature;
* facilitators delete journeys, stages, touchpoints and emotion records; they alone see which
  comment an emotion record came from, and its excerpt, when that comment is flagged as
  identifying (held back for review).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, Prefetch, QuerySet
from django.http import Http404

from coproduce.experience import journey as core
from coproduce.web.experience.models import Comment
from coproduce.web.projects.models import ProjectMembership, Role
from coproduce.web.themes.models import Theme

from .models import EmotionRecord, Journey, Stage, Touchpoint, TouchpointTheme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Project


def _role(*, project: Project, user: User | AnonymousUser) -> str | None:
    if not user.is_authenticated:
        return None
    membership = ProjectMembership.objects.filter(project=project, user=user).first()
    return membership.role if membership else None


def can_record(*, project: Project, user: User | AnonymousUser) -> bool:
    role = _role(project=project, user=user)
    return role is not None and role != Role.OBSERVER


def can_manage(*, project: Project, user: User | AnonymousUser) -> bool:
    return _role(project=project, user=user) == Role.FACILITATOR


def permissions(*, project: Project, user: User | AnonymousUser) -> dict[str, bool]:
    role = _role(project=project, user=user)
    return {
        "can_record": role is not None and role != Role.OBSERVER,
        "can_manage": role == Role.FACILITATOR,
    }


# -- journeys and their parts -----------------------------------------------------------------


def journeys_of(*, project: Project) -> QuerySet[Journey]:
    return (
        Journey.objects.filter(project=project)
        .annotate(
            stage_count=Count("stages", distinct=True),
            touchpoint_count=Count("stages__touchpoints", distinct=True),
            record_count=Count("stages__touchpoints__emotion_records", distinct=True),
        )
        .order_by("title", "pk")
    )


def journey_in(*, project: Project, pk: int) -> Journey:
    try:
        return Journey.objects.get(project=project, pk=pk)
    except Journey.DoesNotExist:
        raise Http404("No such journey.") from None


def stages_of(*, journey: Journey) -> list[Stage]:
    """The stages in order, each with its touchpoints in order and their records counted."""
    touchpoints = Touchpoint.objects.annotate(record_count=Count("emotion_records")).order_by(
        "position", "pk"
    )
    return list(
        Stage.objects.filter(journey=journey)
        .prefetch_related(Prefetch("touchpoints", queryset=touchpoints))
        .order_by("position", "pk")
    )


def stage_in(*, journey: Journey, pk: int) -> Stage:
    try:
        return Stage.objects.get(journey=journey, pk=pk)
    except Stage.DoesNotExist:
        raise Http404("No such stage.") from None


def touchpoint_in(*, journey: Journey, pk: int) -> Touchpoint:
    try:
        return Touchpoint.objects.select_related("stage").get(stage__journey=journey, pk=pk)
    except Touchpoint.DoesNotExist:
        raise Http404("No such touchpoint.") from None


def emotion_in(*, journey: Journey, pk: int) -> EmotionRecord:
    try:
        return EmotionRecord.objects.select_related("touchpoint__stage").get(
            touchpoint__stage__journey=journey, pk=pk
        )
    except EmotionRecord.DoesNotExist:
        raise Http404("No such emotion record.") from None


def emotions_of(*, journey: Journey) -> QuerySet[EmotionRecord]:
    """Every emotion record of the journey, in pathway order."""
    return (
        EmotionRecord.objects.filter(touchpoint__stage__journey=journey)
        .select_related("touchpoint__stage", "comment", "created_by")
        .order_by("touchpoint__stage__position", "touchpoint__position", "touchpoint_id", "pk")
    )


def emotions_at(*, touchpoint: Touchpoint) -> QuerySet[EmotionRecord]:
    return (
        EmotionRecord.objects.filter(touchpoint=touchpoint)
        .select_related("comment", "created_by")
        .order_by("-created_at", "-pk")
    )


def sees_identifying(*, project: Project, user: User | AnonymousUser) -> bool:
    """Whether ``user`` sees what identifying comments hold back (facilitators only).

    Asked once per page, not once per record (it is a query)."""
    return can_manage(project=project, user=user)


def comment_visible(*, record: EmotionRecord, sees_identifying: bool) -> bool:
    """Whether the reader may see which comment ``record`` came from (identifying comments
    are held back from everyone but facilitators)."""
    if record.comment is None:
        return False
    return not record.comment.identifying or sees_identifying


def excerpt_visible(*, record: EmotionRecord, sees_identifying: bool) -> bool:
    """Whether the reader may see the record's excerpt: an excerpt taken from a comment held
    back as identifying is held back with it (from everyone but facilitators)."""
    if record.comment is None or not record.comment.identifying:
        return True
    return sees_identifying


HELD_BACK = "[held back: the comment it came from is waiting for review]"


def comment_in(*, project: Project, pk: int) -> Comment | None:
    return Comment.objects.filter(project=project, pk=pk).first()


# -- themes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeInfo:
    """A theme with its size (comments) and, when scored, the mean valence of its comments."""

    id: int
    label: str
    size: int
    valence: float | None

    @property
    def choice_label(self) -> str:
        text = f"{self.label} ({self.size} comment{'s' if self.size != 1 else ''}"
        if self.valence is not None:
            text += f", mean feeling {sentiment_words(self.valence)}"
        return text + ")"


def sentiment_words(valence: float) -> str:
    """A mean valence (−2 … +2) in words, with its number."""
    if valence <= -1.0:
        words = "negative"
    elif valence < -0.25:
        words = "somewhat negative"
    elif valence <= 0.25:
        words = "mixed or neutral"
    elif valence < 1.0:
        words = "somewhat positive"
    else:
        words = "positive"
    return f"{words}, {core.signed(valence)}"


def _theme_infos(themes: QuerySet[Theme]) -> list[ThemeInfo]:
    rows = themes.annotate(
        size=Count("comment_links", distinct=True),
        sentiment=Avg("comment_links__comment__sentiment"),
    )
    # Comment sentiment is 1 (very positive) … 5 (very negative): valence = 3 − sentiment.
    return [
        ThemeInfo(
            id=theme.pk,
            label=theme.label,
            size=theme.size,
            valence=(3 - theme.sentiment) if theme.sentiment is not None else None,
        )
        for theme in rows
    ]


def themes_of(*, project: Project) -> list[ThemeInfo]:
    return _theme_infos(Theme.objects.filter(project=project).order_by("label", "pk"))


def theme_in(*, project: Project, pk: int) -> Theme | None:
    return Theme.objects.filter(project=project, pk=pk).first()


def theme_links_at(*, touchpoint: Touchpoint) -> list[tuple[TouchpointTheme, ThemeInfo]]:
    links = list(
        TouchpointTheme.objects.filter(touchpoint=touchpoint)
        .select_related("theme")
        .order_by("theme__label", "pk")
    )
    infos = {
        info.id: info
        for info in _theme_infos(Theme.objects.filter(pk__in=[link.theme_id for link in links]))
    }
    return [(link, infos[link.theme_id]) for link in links]


def theme_link_in(*, touchpoint: Touchpoint, pk: int) -> TouchpointTheme:
    try:
        return TouchpointTheme.objects.select_related("theme").get(touchpoint=touchpoint, pk=pk)
    except TouchpointTheme.DoesNotExist:
        raise Http404("No such theme on this touchpoint.") from None


def themes_by_touchpoint(*, journey: Journey) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for link in (
        TouchpointTheme.objects.filter(touchpoint__stage__journey=journey)
        .select_related("theme")
        .order_by("theme__label")
    ):
        found.setdefault(link.touchpoint_id, []).append(link.theme.label)
    return found


# -- the core's view of a journey -------------------------------------------------------------


def journey_stages(*, journey: Journey) -> list[core.StageInput]:
    """The journey as the core reads it: stages, touchpoints and emotions, in order."""
    emotions: dict[int, list[core.Emotion]] = {}
    for touchpoint_id, valence, intensity, words, teller in EmotionRecord.objects.filter(
        touchpoint__stage__journey=journey
    ).values_list("touchpoint_id", "valence", "intensity", "emotion_words", "teller_role"):
        emotions.setdefault(touchpoint_id, []).append(
            core.Emotion(
                valence=valence,
                intensity=intensity,
                words=tuple(str(word) for word in words or ()),
                teller=core.Teller(teller),
            )
        )
    return [
        core.StageInput(
            id=stage.pk,
            name=stage.name,
            touchpoints=tuple(
                core.TouchpointInput(
                    id=touchpoint.pk,
                    name=touchpoint.name,
                    emotions=tuple(emotions.get(touchpoint.pk, ())),
                    marked_hotspot=touchpoint.marked_hotspot,
                )
                for touchpoint in stage.touchpoints.all()
            ),
            patient_agency=stage.patient_agency,
            professional_agency=stage.professional_agency,
            nature=core.Nature(stage.nature),
        )
        for stage in stages_of(journey=journey)
    ]


def journey_summary(*, journey: Journey) -> core.JourneySummary:
    return core.summarise_journey(journey.title, journey_stages(journey=journey))
