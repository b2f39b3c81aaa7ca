"""Reads for groups, their Tuckman stage (anonymous pulses and the facilitator's log), and
the self-assessments: nef's six principles (per project) and Sharma et al.'s four
organisational capabilities (per organisation).

Callers first get the project through ``views.project_of`` (404 for outsiders); lookups
here are confined to that project, or to its organisation for capability assessments, so
another project's groups and another organisation's assessments are 404.

Pulse answers carry no link to a person. A round's result (the core's ``summarise_pulse``)
is shown only once the round is closed and at least 5 members answered: shown while the
round is open, a change in the result after one person answered could tell others what
that person chose.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString

from coproduce.participation import ladders
from coproduce.participation import suppression as core_suppression
from coproduce.participation import team as core_team

from . import charts
from .models import (
    CapabilityAssessment,
    Group,
    Participant,
    PrinciplesAssessment,
    PulseReceipt,
    PulseRound,
    StageLog,
)
from .selectors_money import organisation_facilitator

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.web.accounts.models import User
    from coproduce.web.projects.models import Organisation, Project

THRESHOLD = core_suppression.THRESHOLD


def stage_of(value: str) -> ladders.Stage:
    """The core's stage (with its label and signs) for a stored stage key."""
    return ladders.Stage.parse(value)


def stages() -> list[ladders.Stage]:
    return list(ladders.Stage)


# -- groups ---------------------------------------------------------------------------------


def groups_of(*, project: Project) -> QuerySet[Group]:
    """The project's groups by name, with ``member_count`` and their members prefetched."""
    return (
        Group.objects.filter(project=project)
        .annotate(member_count=Count("members", distinct=True))
        .prefetch_related(
            Prefetch("members", queryset=Participant.objects.order_by("name", "pk")),
        )
        .order_by("name", "pk")
    )


def group_in(*, project: Project, pk: int) -> Group:
    try:
        return groups_of(project=project).get(pk=pk)
    except Group.DoesNotExist:
        raise Http404("No such group.") from None


def size_of(group: Group) -> int:
    """How many members the group has (annotated by ``groups_of``, else counted)."""
    count = getattr(group, "member_count", None)
    return count if isinstance(count, int) else group.members.count()


def member_count_phrase(count: int) -> str:
    """The size of a group for those who may not see names: "fewer than 5 members"."""
    return core_suppression.count_phrase(count, "members")


def pulse_members(group: Group) -> QuerySet[Participant]:
    """The group's current members who can answer a pulse: those linked to an account."""
    return group.members.filter(
        project_id=group.project_id, left_on__isnull=True, membership__isnull=False
    )


def member_for(*, group: Group, user: User | AnonymousUser) -> Participant | None:
    """The user's participant record if they are a current member of the group."""
    if not user.is_authenticated:
        return None
    return pulse_members(group).filter(membership__user=user).first()


def latest_logs(groups: Iterable[Group]) -> dict[int, StageLog]:
    """Each group's latest log entry, by group id (one query)."""
    latest: dict[int, StageLog] = {}
    for entry in StageLog.objects.filter(group__in=list(groups)).order_by("group", "date", "pk"):
        latest[entry.group_id] = entry
    return latest


def stage_log_of(group: Group) -> QuerySet[StageLog]:
    return (
        StageLog.objects.filter(group=group).select_related("recorded_by").order_by("-date", "-pk")
    )


def stage_log_in(*, group: Group, pk: int) -> StageLog:
    try:
        return stage_log_of(group).get(pk=pk)
    except StageLog.DoesNotExist:
        raise Http404("No such stage log entry.") from None


# -- pulses ---------------------------------------------------------------------------------


def open_round(group: Group) -> PulseRound | None:
    return PulseRound.objects.filter(group=group, closed_on__isnull=True).order_by("-pk").first()


def open_rounds_for(*, groups: Iterable[Group], user: User | AnonymousUser) -> set[int]:
    """Ids of the groups with an open round that ``user`` may still answer (three queries,
    however many groups)."""
    if not user.is_authenticated:
        return set()
    ids = [group.pk for group in groups]
    mine = set(
        Group.members.through.objects.filter(
            group_id__in=ids,
            participant__membership__user=user,
            participant__left_on__isnull=True,
        ).values_list("group_id", flat=True)
    )
    rounds = PulseRound.objects.filter(group_id__in=mine, closed_on__isnull=True)
    answered = set(
        PulseReceipt.objects.filter(
            round__in=rounds, participant__membership__user=user
        ).values_list("round__group_id", flat=True)
    )
    return set(rounds.values_list("group_id", flat=True)) - answered


def round_in(*, group: Group, pk: int) -> PulseRound:
    try:
        return PulseRound.objects.get(group=group, pk=pk)
    except PulseRound.DoesNotExist:
        raise Http404("No such pulse round.") from None


def has_answered(pulse: PulseRound, participant: Participant) -> bool:
    return PulseReceipt.objects.filter(round=pulse, participant=participant).exists()


def _answers(pulse: PulseRound) -> list[ladders.Stage]:
    """The stages chosen in a round, in a fixed stage order (never in the order given).

    Reads the round's tallies as prefetched (``with_tallies``), else in one query."""
    return sorted(
        stage_of(tally.stage) for tally in pulse.tallies.all() for _ in range(tally.count)
    )


def with_tallies(rounds: QuerySet[PulseRound]) -> QuerySet[PulseRound]:
    """The rounds with their tallies, so that reading their answers takes one query in all."""
    return rounds.prefetch_related("tallies")


@dataclass(frozen=True)
class RoundView:
    """A pulse round as the group page shows it."""

    round: PulseRound
    answered: core_suppression.SuppressedCount  # how many answered, "<5" under 5
    summary: core_team.PulseSummary | None  # None unless closed with at least 5 answers
    message: str

    @property
    def is_open(self) -> bool:
        return self.round.closed_on is None


def round_view(pulse: PulseRound) -> RoundView:
    answers = _answers(pulse)
    answered = core_suppression.suppress_total(len(answers))
    summary = None
    if pulse.closed_on is None:
        if len(answers) < THRESHOLD:
            message = (
                f"Waiting for more answers: results appear when {THRESHOLD} people have answered."
            )
        else:
            message = (
                "Results appear when the round is closed, so that nobody's answer can be "
                "worked out from a change in the results."
            )
    else:
        summary = core_team.summarise_pulse(answers)
        message = (
            ""
            if summary is not None
            else f"Fewer than {THRESHOLD} people answered, so the results are not shown."
        )
    return RoundView(pulse, answered, summary, message)


def rounds_of(group: Group) -> list[RoundView]:
    """The group's pulse rounds, newest first."""
    rounds = with_tallies(PulseRound.objects.filter(group=group).order_by("-opened_on", "-pk"))
    return [round_view(pulse) for pulse in rounds]


# -- the stage chart --------------------------------------------------------------------------


@dataclass(frozen=True)
class StageRow:
    """One row of the chart's data table."""

    date: datetime.date
    source: str
    stage: ladders.Stage
    note: str  # "Moved back" for a pulse whose median is earlier than the last one shown


@dataclass(frozen=True)
class StageChart:
    svg: SafeString | None  # None when there is nothing to draw
    rows: list[StageRow]


def stage_chart(group: Group) -> StageChart:
    """The group's stage over time: the facilitator's log, and the median and most chosen
    stage of each closed pulse round with at least 5 answers (the core's ``stage_series``)."""
    closed = with_tallies(
        PulseRound.objects.filter(group=group, closed_on__isnull=False).order_by("opened_on", "pk")
    )
    series = core_team.stage_series(
        [
            core_team.PulseRound(
                date=pulse.closed_on or pulse.opened_on, responses=tuple(_answers(pulse))
            )
            for pulse in closed
        ]
    )
    points: list[charts.StagePoint] = []
    rows: list[StageRow] = []
    for point in series:
        if point.summary is None:
            continue
        median = point.summary.median
        points.append(charts.StagePoint(point.date, median, charts.PULSE_MEDIAN))
        rows.append(
            StageRow(
                point.date, charts.PULSE_MEDIAN, median, "Moved back" if point.moved_back else ""
            )
        )
        for stage in point.summary.modal:
            points.append(charts.StagePoint(point.date, stage, charts.PULSE_MODE))
            rows.append(StageRow(point.date, charts.PULSE_MODE, stage, ""))
    log = [
        (entry.date, stage_of(entry.stage))
        for entry in StageLog.objects.filter(group=group).order_by("date", "pk")
    ]
    for (day, stage), moved_back in zip(
        log, core_team.moves_back([stage for _, stage in log]), strict=True
    ):
        points.append(charts.StagePoint(day, stage, charts.LOG))
        rows.append(StageRow(day, charts.LOG, stage, "Moved back" if moved_back else ""))
    rows.sort(key=lambda row: (row.date, row.source))
    if not points:
        return StageChart(None, rows)
    description = f"The stage of the group {group.name} over time, from " + "; ".join(
        f"{row.date:%d %b %Y}: {row.stage.label} ({row.source})" for row in rows
    )
    spec = charts.stage_spec(
        points, title=f"Stage of {group.name} over time", description=description
    )
    return StageChart(charts.draw(spec), rows)


# -- self-assessments ---------------------------------------------------------------------------

Framework = type[ladders.NefPrinciple] | type[ladders.Capability]

#: What each score means on the self-assessment forms (design choice).
SCORE_LABELS: dict[int, str] = {
    0: "0: Not at all",
    1: "1: A little",
    2: "2: Partly",
    3: "3: Mostly",
    4: "4: Fully",
}


def principles_of(*, project: Project) -> QuerySet[PrinciplesAssessment]:
    return (
        PrinciplesAssessment.objects.filter(project=project)
        .select_related("recorded_by")
        .order_by("-date", "-pk")
    )


def principles_in(*, project: Project, pk: int) -> PrinciplesAssessment:
    try:
        return principles_of(project=project).get(pk=pk)
    except PrinciplesAssessment.DoesNotExist:
        raise Http404("No such assessment.") from None


def capabilities_of(*, organisation: Organisation) -> QuerySet[CapabilityAssessment]:
    return (
        CapabilityAssessment.objects.filter(organisation=organisation)
        .select_related("recorded_by")
        .order_by("-date", "-pk")
    )


def capabilities_in(*, organisation: Organisation, pk: int) -> CapabilityAssessment:
    try:
        return capabilities_of(organisation=organisation).get(pk=pk)
    except CapabilityAssessment.DoesNotExist:
        raise Http404("No such assessment.") from None


def can_record_capabilities(*, organisation: Organisation, user: User | AnonymousUser) -> bool:
    """Facilitators of any of the organisation's projects, and its admins."""
    return organisation_facilitator(organisation=organisation, user=user)


@dataclass(frozen=True)
class Item:
    """One principle or capability: its key, title, and self-assessment question."""

    key: str
    title: str
    prompt: str


def items_of(framework: Framework) -> list[Item]:
    return [Item(member.key, member.title, member.prompt) for member in framework]


@dataclass(frozen=True)
class ItemSummary:
    item: Item
    latest: int | None
    change: int | None  # since the previous assessment
    weakest: bool

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "No earlier assessment"
        if self.change == 0:
            return "No change"
        return f"{'Up' if self.change > 0 else 'Down'} {abs(self.change)}"


@dataclass(frozen=True)
class HistoryRow:
    """One assessment: its scores in the framework's order, and its evidence."""

    assessment: PrinciplesAssessment | CapabilityAssessment
    scores: list[int | None]
    evidence: list[tuple[str, str]]  # (item title, evidence) for items with evidence


@dataclass(frozen=True)
class AssessmentView:
    items: list[Item]
    summaries: list[ItemSummary]
    weakest: list[str]  # titles of the weakest items in the latest assessment
    history: list[HistoryRow]  # newest first
    svg: SafeString | None


def _to_core(
    assessment: PrinciplesAssessment | CapabilityAssessment,
) -> core_team.Assessment:
    return core_team.Assessment(
        date=assessment.date, scores=dict(assessment.scores), evidence=dict(assessment.evidence)
    )


def assessment_view(
    assessments: Sequence[PrinciplesAssessment | CapabilityAssessment],
    framework: Framework,
    *,
    title: str,
) -> AssessmentView:
    """The history, each item's latest score and change since the previous assessment, the
    weakest items, and the chart (the core's ``assessment_series``)."""
    items = items_of(framework)
    ordered = sorted(assessments, key=lambda a: (a.date, a.pk))
    series = core_team.assessment_series([_to_core(a) for a in ordered], framework)
    weakest = set(series.weakest)
    summaries = [
        ItemSummary(
            item=item,
            latest=series.for_key(item.key).latest,
            change=series.for_key(item.key).change,
            weakest=item.key in weakest,
        )
        for item in items
    ]
    titles = {item.key: item.title for item in items}
    history = [
        HistoryRow(
            assessment=a,
            scores=[a.scores.get(item.key) for item in items],
            evidence=[
                (titles[key], a.evidence[key])
                for key in titles
                if isinstance(a.evidence.get(key), str) and a.evidence[key]
            ],
        )
        for a in reversed(ordered)
    ]
    svg = None
    if ordered:
        description = f"{title}: the score (0 to 4) of each item at each assessment. " + " ".join(
            f"{s.item.title}: latest {s.latest}, {s.change_text.lower()}." for s in summaries
        )
        svg = charts.draw(charts.assessment_spec(series, title=title, description=description))
    return AssessmentView(
        items=items,
        summaries=summaries,
        weakest=[titles[key] for key in series.weakest],
        history=history,
        svg=svg,
    )
