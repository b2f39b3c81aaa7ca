"""What the participation measures read: activities, decisions and the influence log.

Plain frozen records, filled by the web layer from its models (or by a researcher from a
CSV). :mod:`coproduce.participation.profile` re-exports them. Pure: no Django, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from coproduce.participation.ladders import ActivityKind, Role, Rung, ServicePhase
from coproduce.participation.validation import ParticipationInputError, to_decimal


class Outcome(StrEnum):
    """What became of a contribution in the influence log ("you said, we did")."""

    PENDING = "pending"
    CHANGED = "changed"
    NOT_TAKEN_FORWARD = "not_taken_forward"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.PENDING: "Pending",
    Outcome.CHANGED: "Led to a change",
    Outcome.NOT_TAKEN_FORWARD: "Not taken forward",
}


@dataclass(frozen=True, slots=True)
class Attendance:
    """One person's part in one activity: in which role, and for how many hours."""

    participant_id: str
    role: Role
    hours: Decimal | float

    def __post_init__(self) -> None:
        if to_decimal(self.hours) < 0:
            raise ParticipationInputError(
                f"Hours cannot be negative (got {self.hours} for {self.participant_id})",
                "hours",
            )

    @property
    def hours_decimal(self) -> Decimal:
        return to_decimal(self.hours)


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """An activity and how deep the involvement was meant to be, and was (DOMAIN.md §1.3).

    ``title`` is only ever shown as a reference. ``rung_achieved`` is ``None`` until someone
    has assessed it. ``labelled`` is what the organisers called the activity, e.g.
    "co-production workshop".
    """

    id: str
    date: dt.date
    kind: ActivityKind
    title: str
    rung_planned: Rung
    rung_achieved: Rung | None
    phase: ServicePhase
    attendance: tuple[Attendance, ...] = ()
    labelled: str = ""


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """A decision, who was in the room, and how it was taken (e.g. "group vote")."""

    id: str
    date: dt.date
    activity_id: str | None
    present_roles: frozenset[Role]
    taken_by: str


@dataclass(frozen=True, slots=True)
class ContributionRecord:
    """An entry in the influence log: something people said, and what came of it.

    ``reason`` says why it was not taken forward (or what changed). ``fed_back_on`` is when
    the contributors were told what happened. ``activity_id`` links it to the activity where
    it was made, if any.
    """

    id: str
    date: dt.date
    contributor_ids: tuple[str, ...]
    contributor_roles: frozenset[Role]
    outcome: Outcome
    outcome_date: dt.date | None
    fed_back_on: dt.date | None
    activity_id: str | None = None
    reason: str = ""

    @property
    def responded(self) -> bool:
        """Led to a change, or was not taken forward with a reason recorded."""
        if self.outcome is Outcome.CHANGED:
            return True
        return self.outcome is Outcome.NOT_TAKEN_FORWARD and bool(self.reason.strip())
