"""Small builders for participation records, so each test shows only what matters to it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from coproduce.participation.ladders import ActivityKind, Role, Rung, ServicePhase
from coproduce.participation.records import (
    ActivityRecord,
    Attendance,
    ContributionRecord,
    DecisionRecord,
    Outcome,
)

DAY = dt.date(2026, 3, 2)


def attend(pid: str, role: Role = Role.PATIENT, hours: Decimal | float = 2) -> Attendance:
    return Attendance(pid, role, Decimal(str(hours)) if isinstance(hours, int) else hours)


def activity(
    id: str,
    *,
    planned: Rung = Rung.CONSULTATION,
    achieved: Rung | None = Rung.CONSULTATION,
    kind: ActivityKind = ActivityKind.MEETING,
    phase: ServicePhase = ServicePhase.DESIGN,
    attendance: tuple[Attendance, ...] = (),
    labelled: str = "",
    date: dt.date = DAY,
) -> ActivityRecord:
    return ActivityRecord(
        id=id,
        date=date,
        kind=kind,
        title=f"Activity {id}",
        rung_planned=planned,
        rung_achieved=achieved,
        phase=phase,
        attendance=attendance,
        labelled=labelled,
    )


def decision(id: str, *roles: Role, activity_id: str | None = None) -> DecisionRecord:
    return DecisionRecord(id, DAY, activity_id, frozenset(roles), "group vote")


def contribution(
    id: str,
    *contributor_ids: str,
    roles: frozenset[Role] = frozenset({Role.PATIENT}),
    outcome: Outcome = Outcome.PENDING,
    date: dt.date = DAY,
    fed_back_on: dt.date | None = None,
    activity_id: str | None = None,
    reason: str = "",
) -> ContributionRecord:
    return ContributionRecord(
        id=id,
        date=date,
        contributor_ids=contributor_ids,
        contributor_roles=roles,
        outcome=outcome,
        outcome_date=None if outcome is Outcome.PENDING else date,
        fed_back_on=fed_back_on,
        activity_id=activity_id,
        reason=reason,
    )
