"""A project's co-production profile: who took part, how deeply, and what came of it.

:func:`coproduction_profile` reads the activities, decisions and influence log and returns a
frozen :class:`Profile`:

* hours and activity counts by rung achieved × role (:class:`Table`);
* rungs planned against achieved (:class:`PlannedVsAchieved`);
* the share of contributions that led to a change, and that had any recorded response, with
  Wilson 95% intervals (:class:`Influence`);
* people by role, suppressed under 5 (DESIGN.md);
* how concentrated patients' and carers' input is (:class:`~.flags.VoiceConcentration`);
* the flags raised (:mod:`coproduce.participation.flags`).

Pure: no Django, no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Generic, TypeVar

from coproduce.participation.flags import (
    Flag,
    VoiceConcentration,
    all_flags,
    voice_concentration,
)
from coproduce.participation.ladders import Role, Rung
from coproduce.participation.records import (
    ActivityRecord,
    Attendance,
    ContributionRecord,
    DecisionRecord,
    Outcome,
)
from coproduce.participation.stats import Proportion, proportion
from coproduce.participation.suppression import SuppressedCount, suppress_table, suppress_total

__all__ = [
    "ActivityRecord",
    "Attendance",
    "ContributionRecord",
    "DecisionRecord",
    "Influence",
    "Outcome",
    "PlannedVsAchieved",
    "Profile",
    "Table",
    "coproduction_profile",
    "influence",
    "planned_vs_achieved",
    "rung_role_tables",
]

V = TypeVar("V", int, Decimal)

TENTH = Decimal("0.1")

Row = Rung | None
"""A table row: a rung achieved, or ``None`` for activities not yet assessed."""


def round_hours(hours: Decimal) -> Decimal:
    """Hours to one decimal place, halves rounded up: 2.25 → 2.3."""
    return hours.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Table(Generic[V]):
    """A rung × role table with its totals.

    ``rows`` are the seven rungs, lowest first, then ``None`` ("not yet assessed") when any
    activity has no rung achieved; ``cols`` are the roles. ``cells[i][j]`` is the value for
    ``rows[i]`` and ``cols[j]``. Totals are worked out from the records, not by adding the
    cells: an activity attended by patients and staff counts once in its row total.
    """

    rows: tuple[Row, ...]
    cols: tuple[Role, ...]
    cells: tuple[tuple[V, ...], ...]
    row_totals: tuple[V, ...]
    col_totals: tuple[V, ...]
    total: V

    def cell(self, row: Row, col: Role) -> V:
        return self.cells[self.rows.index(row)][self.cols.index(col)]

    def row_total(self, row: Row) -> V:
        return self.row_totals[self.rows.index(row)]

    def col_total(self, col: Role) -> V:
        return self.col_totals[self.cols.index(col)]


def row_label(row: Row) -> str:
    return "Not yet assessed" if row is None else row.label


def _rows(activities: Sequence[ActivityRecord]) -> tuple[Row, ...]:
    rows: list[Row] = list(Rung)
    if any(a.rung_achieved is None for a in activities):
        rows.append(None)
    return tuple(rows)


def _build(
    rows: tuple[Row, ...],
    cols: tuple[Role, ...],
    value: Callable[[Sequence[ActivityRecord], Role | None], V],
    activities: Sequence[ActivityRecord],
) -> Table[V]:
    by_row = {row: [a for a in activities if a.rung_achieved == row] for row in rows}
    return Table(
        rows=rows,
        cols=cols,
        cells=tuple(tuple(value(by_row[row], col) for col in cols) for row in rows),
        row_totals=tuple(value(by_row[row], None) for row in rows),
        col_totals=tuple(value(activities, col) for col in cols),
        total=value(activities, None),
    )


def _attended(activity: ActivityRecord, role: Role | None) -> list[Attendance]:
    return [p for p in activity.attendance if role is None or p.role is role]


def _hours(activities: Sequence[ActivityRecord], role: Role | None) -> Decimal:
    raw = sum((p.hours_decimal for a in activities for p in _attended(a, role)), start=Decimal(0))
    return round_hours(raw)


def _count(activities: Sequence[ActivityRecord], role: Role | None) -> int:
    if role is None:
        return len(activities)
    return sum(1 for a in activities if _attended(a, role))


def rung_role_tables(
    activities: Sequence[ActivityRecord],
) -> tuple[Table[Decimal], Table[int]]:
    """Hours (to 0.1, halves up) and activity counts by rung achieved × role.

    An activity counts in a role's column when at least one person attended it in that role;
    its row total counts it once. Hours are summed exactly and rounded once per cell and
    total, so rounded cells may not add up to the rounded total.
    """
    rows = _rows(activities)
    cols = tuple(Role)
    return _build(rows, cols, _hours, activities), _build(rows, cols, _count, activities)


@dataclass(frozen=True, slots=True)
class PlannedVsAchieved:
    """How assessed activities' achieved rungs compare with the rungs planned.

    ``mean_gap`` is the mean of achieved − planned in rungs over assessed activities
    (negative: fell short), ``None`` when none is assessed; ``fell_short`` lists the ids of
    activities that achieved less than planned, in date order.
    """

    below: int
    equal: int
    above: int
    not_assessed: int
    mean_gap: float | None
    fell_short: tuple[str, ...]


def planned_vs_achieved(activities: Sequence[ActivityRecord]) -> PlannedVsAchieved:
    gaps: list[int] = []
    short: list[ActivityRecord] = []
    for activity in activities:
        if activity.rung_achieved is None:
            continue
        gap = int(activity.rung_achieved) - int(activity.rung_planned)
        gaps.append(gap)
        if gap < 0:
            short.append(activity)
    return PlannedVsAchieved(
        below=sum(1 for g in gaps if g < 0),
        equal=sum(1 for g in gaps if g == 0),
        above=sum(1 for g in gaps if g > 0),
        not_assessed=len(activities) - len(gaps),
        mean_gap=sum(gaps) / len(gaps) if gaps else None,
        fell_short=tuple(a.id for a in sorted(short, key=lambda a: (a.date, a.id))),
    )


@dataclass(frozen=True, slots=True)
class Influence:
    """What became of the contributions in the influence log.

    ``changed``: led to a change. ``responded``: led to a change, or was not taken forward
    with a reason recorded. Shares are of all contributions, pending ones included, with
    Wilson intervals (``None`` when there are no contributions).
    """

    total: int
    changed: int
    not_taken_forward: int
    not_taken_forward_with_reason: int
    pending: int
    changed_share: Proportion | None
    responded_share: Proportion | None

    @property
    def responded(self) -> int:
        return self.changed + self.not_taken_forward_with_reason


def influence(
    contributions: Sequence[ContributionRecord], *, confidence: float = 0.95
) -> Influence:
    total = len(contributions)
    changed = sum(1 for c in contributions if c.outcome is Outcome.CHANGED)
    declined = [c for c in contributions if c.outcome is Outcome.NOT_TAKEN_FORWARD]
    with_reason = sum(1 for c in declined if c.responded)
    return Influence(
        total=total,
        changed=changed,
        not_taken_forward=len(declined),
        not_taken_forward_with_reason=with_reason,
        pending=sum(1 for c in contributions if c.outcome is Outcome.PENDING),
        changed_share=proportion(changed, total, confidence=confidence),
        responded_share=proportion(changed + with_reason, total, confidence=confidence),
    )


@dataclass(frozen=True, slots=True)
class Profile:
    """A project's co-production profile (see the module docstring).

    ``people`` counts distinct people who attended in each role (a person who attended in
    two roles counts in both), suppressed with ``people_total`` so that no count under 5 can
    be read or worked out.
    """

    hours: Table[Decimal]
    activities: Table[int]
    planned_vs_achieved: PlannedVsAchieved
    influence: Influence
    people: dict[Role, SuppressedCount]
    people_total: SuppressedCount
    voices: VoiceConcentration
    flags: tuple[Flag, ...]


def coproduction_profile(
    activities: Sequence[ActivityRecord],
    decisions: Sequence[DecisionRecord],
    contributions: Sequence[ContributionRecord],
    *,
    today: dt.date,
    feedback_days: int = 30,
) -> Profile:
    """The co-production profile of one project's records, as of ``today``."""
    hours, counts = rung_role_tables(activities)
    by_role: dict[Role, set[str]] = {role: set() for role in Role}
    for activity in activities:
        for part in activity.attendance:
            by_role[part.role].add(part.participant_id)
    table = suppress_table({role: len(ids) for role, ids in by_role.items()})
    everyone = {p.participant_id for a in activities for p in a.attendance}
    # The distinct people (someone in two roles counts once), shown only where the table's
    # own total would be safe to show.
    people_total = table.total if table.total.suppressed else suppress_total(len(everyone))
    return Profile(
        hours=hours,
        activities=counts,
        planned_vs_achieved=planned_vs_achieved(activities),
        influence=influence(contributions),
        people=table.cells,
        people_total=people_total,
        voices=voice_concentration(activities, contributions),
        flags=all_flags(
            activities, decisions, contributions, today=today, feedback_days=feedback_days
        ),
    )
