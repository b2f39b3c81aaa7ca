"""How the team is doing: Tuckman pulses and self-assessments against nef and Sharma et al.

* :func:`summarise_pulse`: members say, anonymously, which of Tuckman's stages the group is in
  (DOMAIN.md §1.6); the summary shows counts (suppressed), the modal and median stage, and
  only once at least 5 have answered, so that no one's answer can be picked out;
* :func:`stage_series`: one point per pulse round, for a chart; a move back to an earlier
  stage is marked, not treated as an error (groups regress, §1.6);
* :func:`assessment_series`: the team's 0–4 self-assessments against nef's six principles
  (§1.4) or Sharma, Conduit & Hill's four capabilities (§1.5) over time.

Pure: no Django, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import median_low

from coproduce.participation.ladders import Capability, NefPrinciple, Stage
from coproduce.participation.suppression import (
    THRESHOLD,
    SuppressedCount,
    suppress,
    suppress_total,
)
from coproduce.participation.validation import ParticipationInputError

SCORE_MIN = 0
SCORE_MAX = 4

Framework = type[NefPrinciple] | type[Capability]


@dataclass(frozen=True, slots=True)
class PulseSummary:
    """One pulse round's answers.

    ``counts`` per stage are suppressed as one table with its total (``responses``, at least
    ``min_responses``). ``modal`` holds the most chosen stage(s), ties kept in stage order;
    ``median`` is the lower median (for an even number of answers, the lower middle stage).
    """

    responses: int
    counts: dict[Stage, SuppressedCount]
    modal: tuple[Stage, ...]
    median: Stage


def summarise_pulse(
    responses: Sequence[Stage | int | str], *, min_responses: int = THRESHOLD
) -> PulseSummary | None:
    """The round's summary, or ``None`` while fewer than ``min_responses`` have answered."""
    stages = [Stage.parse(r) for r in responses]
    if len(stages) < min_responses:
        return None
    counts = {stage: stages.count(stage) for stage in Stage}
    top = max(counts.values())
    return PulseSummary(
        responses=len(stages),
        counts=suppress(counts, total_shown=True),
        modal=tuple(stage for stage, n in counts.items() if n == top),
        median=Stage(median_low(int(s) for s in stages)),
    )


@dataclass(frozen=True, slots=True)
class PulseRound:
    """One round of the pulse: when, and the stages members chose."""

    date: dt.date
    responses: tuple[Stage, ...]


@dataclass(frozen=True, slots=True)
class StagePoint:
    """One round on the chart: hidden (``summary`` ``None``) under 5 answers.

    ``moved_back`` is True when the median stage is earlier than at the last round shown.
    """

    date: dt.date
    responses: SuppressedCount
    summary: PulseSummary | None
    moved_back: bool


def moves_back(stages: Sequence[Stage]) -> tuple[bool, ...]:
    """For each reading of a series, whether it is an earlier stage than the reading before
    it: a move back, which groups make (DOMAIN.md §1.6), marked rather than refused."""
    return tuple(i > 0 and stage < stages[i - 1] for i, stage in enumerate(stages))


def stage_series(
    rounds: Sequence[PulseRound], *, min_responses: int = THRESHOLD
) -> tuple[StagePoint, ...]:
    """The rounds in date order, each summarised (or hidden) for a chart.

    A round is marked ``moved_back`` when its median is earlier than that of the last round
    shown (:func:`moves_back` over the shown rounds; hidden rounds are skipped).
    """
    ordered = sorted(rounds, key=lambda r: r.date)
    summaries = [summarise_pulse(r.responses, min_responses=min_responses) for r in ordered]
    shown = [summary.median for summary in summaries if summary is not None]
    back = iter(moves_back(shown))
    return tuple(
        StagePoint(
            pulse.date,
            suppress_total(len(pulse.responses)),
            summary,
            summary is not None and next(back),
        )
        for pulse, summary in zip(ordered, summaries, strict=True)
    )


@dataclass(frozen=True, slots=True)
class Assessment:
    """One self-assessment: a score 0–4 for every key of the framework, and evidence.

    Keys are the framework's keys (``"assets"``, ``"learning_agility"``); ``evidence`` holds
    free text per key and may leave keys out.
    """

    date: dt.date
    scores: Mapping[str, int]
    evidence: Mapping[str, str] = field(default_factory=dict)


def framework_keys(framework: Framework) -> tuple[str, ...]:
    return tuple(str(member.value) for member in framework)


def check_assessment(assessment: Assessment, framework: Framework = NefPrinciple) -> None:
    """Refuse unknown keys, missing keys and scores outside 0–4."""
    keys = framework_keys(framework)
    for key, score in assessment.scores.items():
        if key not in keys:
            raise ParticipationInputError(f"“{key}” is not one of {', '.join(keys)}", key)
        if isinstance(score, bool) or not isinstance(score, int):
            raise ParticipationInputError(f"The score for “{key}” must be a whole number", key)
        if not SCORE_MIN <= score <= SCORE_MAX:
            raise ParticipationInputError(
                f"Scores run from {SCORE_MIN} to {SCORE_MAX} (got {score} for “{key}”)", key
            )
    missing = [key for key in keys if key not in assessment.scores]
    if missing:
        raise ParticipationInputError(
            f"Score every item; missing: {', '.join(missing)}", missing[0]
        )
    for key in assessment.evidence:
        if key not in keys:
            raise ParticipationInputError(f"“{key}” is not one of {', '.join(keys)}", key)


@dataclass(frozen=True, slots=True)
class KeySeries:
    """One principle or capability over time: (date, score) points in date order.

    ``change`` is the latest score minus the one before (``None`` with one assessment).
    """

    key: str
    title: str
    points: tuple[tuple[dt.date, int], ...]
    latest: int | None
    change: int | None


@dataclass(frozen=True, slots=True)
class AssessmentSeries:
    """Every key's series, and the weakest keys of the latest assessment (ties kept)."""

    series: tuple[KeySeries, ...]
    dates: tuple[dt.date, ...]
    weakest: tuple[str, ...]

    def for_key(self, key: str) -> KeySeries:
        for item in self.series:
            if item.key == key:
                return item
        raise KeyError(key)


def assessment_series(
    assessments: Sequence[Assessment], framework: Framework = NefPrinciple
) -> AssessmentSeries:
    """Per key, the scores over time, the change since the previous assessment, the weakest.

    Assessments are put in date order (stable for the same date); each is checked first.
    """
    for assessment in assessments:
        check_assessment(assessment, framework)
    ordered = sorted(assessments, key=lambda a: a.date)
    series = []
    for member in framework:
        key = str(member.value)
        points = tuple((a.date, a.scores[key]) for a in ordered)
        series.append(
            KeySeries(
                key=key,
                title=member.title,
                points=points,
                latest=points[-1][1] if points else None,
                change=points[-1][1] - points[-2][1] if len(points) >= 2 else None,
            )
        )
    weakest: tuple[str, ...] = ()
    if ordered:
        lowest = min(ordered[-1].scores.values())
        weakest = tuple(s.key for s in series if s.latest == lowest)
    return AssessmentSeries(tuple(series), tuple(a.date for a in ordered), weakest)
