"""PDSA cycles and ramps (DOMAIN.md §2.5): decisions, ramp status, invariants, numbering.

A ramp is a change idea's cycles in order. Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Decision(StrEnum):
    """The Act stage's decision."""

    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"


class Result(StrEnum):
    """How a prediction turned out, found in the Study stage."""

    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not_confirmed"
    PARTLY = "partly"


class RampStatus(StrEnum):
    ACTIVE = "active"
    ADOPTED = "adopted"
    ABANDONED = "abandoned"


RAMP_STATUS_LABELS: dict[RampStatus, str] = {
    RampStatus.ACTIVE: "Active",
    RampStatus.ADOPTED: "Adopted",
    RampStatus.ABANDONED: "Abandoned",
}


@dataclass(frozen=True)
class Cycle:
    """What the ramp rules need to know of one cycle."""

    number: int
    start_date: date
    end_date: date | None = None
    decision: Decision | None = None
    learning: str = ""
    results: tuple[Result | None, ...] = field(default_factory=tuple)


def _decision(value: Decision | str | None) -> Decision | None:
    if value is None or value == "":
        return None
    return Decision(value)


def has_study(*, learning: str, results: Iterable[Result | str | None]) -> bool:
    """Whether the Study stage says anything: learning written, or a prediction's result."""
    return bool(learning.strip()) or any(result for result in results)


def decision_problem(
    *,
    decision: Decision | str | None,
    learning: str,
    results: Iterable[Result | str | None],
) -> str | None:
    """Why this Act decision cannot be recorded yet, or ``None`` if it can.

    Every decision (adopt, adapt or abandon) rests on a Study: what was learned, or how the
    predictions turned out. Without one the decision is refused.
    """
    chosen = _decision(decision)
    if chosen is None:
        return None
    if not has_study(learning=learning, results=results):
        return (
            f"A cycle cannot be decided “{chosen.value}” without a Study: "
            "record what was learned, or how the predictions turned out"
        )
    return None


def dates_problem(*, start_date: date, end_date: date | None) -> str | None:
    if end_date is not None and end_date < start_date:
        return "The end date must be the same as or after the start date"
    return None


def ramp_status(decisions: Sequence[Decision | str | None]) -> RampStatus:
    """A ramp is adopted or abandoned when its last cycle says so; otherwise it is active."""
    if not decisions:
        return RampStatus.ACTIVE
    last = _decision(decisions[-1])
    if last is Decision.ADOPT:
        return RampStatus.ADOPTED
    if last is Decision.ABANDON:
        return RampStatus.ABANDONED
    return RampStatus.ACTIVE


def ramp_problems(cycles: Sequence[Cycle]) -> list[str]:
    """What breaks the ramp's invariants, in cycle order (empty when all is well).

    * cycles are numbered 1, 2, 3… without gaps or repeats;
    * a cycle decided "adapt" is followed by another cycle;
    * a decision rests on a Study;
    * a cycle ends on or after its start.
    """
    problems: list[str] = []
    ordered = sorted(cycles, key=lambda cycle: cycle.number)
    numbers = [cycle.number for cycle in ordered]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(
            "The cycles are not numbered 1, 2, 3… in order: "
            + ", ".join(str(number) for number in numbers)
        )
    for index, cycle in enumerate(ordered):
        decision = _decision(cycle.decision)
        if decision is Decision.ADAPT and index == len(ordered) - 1:
            problems.append(
                f"PDSA {cycle.number} was decided “adapt” but no cycle follows it yet: "
                "plan the next cycle, or abandon the idea"
            )
        refusal = decision_problem(
            decision=decision, learning=cycle.learning, results=cycle.results
        )
        if refusal is not None:
            problems.append(f"PDSA {cycle.number}: {refusal}")
        bad_dates = dates_problem(start_date=cycle.start_date, end_date=cycle.end_date)
        if bad_dates is not None:
            problems.append(f"PDSA {cycle.number}: {bad_dates}")
    return problems


def next_number(numbers: Iterable[int]) -> int:
    """The number of the next cycle in a ramp."""
    return max(numbers, default=0) + 1


def label(*, number: int, title: str) -> str:
    """The short label of a cycle, e.g. on a chart: "PDSA 2: Text reminders"."""
    return f"PDSA {number}: {title}"
