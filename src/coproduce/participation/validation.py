"""Checks on what people enter about participation: hours, attendance and consent.

Each check raises :class:`ParticipationInputError` with a message a person can act on and the
name of the field at fault, so the web layer can show the message beside that field. Pure: no
Django, no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

MAX_HOURS = Decimal(12)
"""The most hours one person may record for one activity (design choice, ADR 0009)."""


class ParticipationInputError(ValueError):
    """Bad participation input: ``message`` says why, ``field`` names the field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = message
        self.reason = message
        self.field = field
        super().__init__(message)


def to_decimal(value: Decimal | float | int | str, *, field: str = "hours") -> Decimal:
    """A finite :class:`~decimal.Decimal` from a number; floats go through their shortest repr.

    ``to_decimal(0.1)`` is ``Decimal("0.1")``, not the binary expansion of 0.1.
    """
    if isinstance(value, bool):
        raise ParticipationInputError(f"Expected a number, not {value!r}", field)
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError):
        raise ParticipationInputError(f"“{value}” is not a number", field) from None
    if not number.is_finite():
        raise ParticipationInputError(f"“{value}” is not a finite number", field)
    return number


def check_hours(
    hours: Decimal | float | int | str, *, max_hours: Decimal | float | int = MAX_HOURS
) -> Decimal:
    """The hours as a Decimal, or a refusal if negative or implausibly many for one activity.

    Args:
        hours: hours one person spent on one activity.
        max_hours: the most that is plausible in one activity (default 12, a design choice).
    """
    if isinstance(hours, float) and not math.isfinite(hours):
        raise ParticipationInputError(f"“{hours}” is not a finite number of hours", "hours")
    value = to_decimal(hours)
    limit = to_decimal(max_hours, field="max_hours")
    if value < 0:
        raise ParticipationInputError(f"Hours cannot be negative (got {value})", "hours")
    if value > limit:
        raise ParticipationInputError(
            f"{value} hours is more than {limit} hours in one activity; check the figure, "
            "or record the time as more than one activity",
            "hours",
        )
    return value


def check_attendance(attendee_ids: Iterable[str], project_participant_ids: Iterable[str]) -> None:
    """Refuse attendees who are not participants in the project, naming them (sorted)."""
    known = set(project_participant_ids)
    unknown = sorted({pid for pid in attendee_ids if pid not in known})
    if unknown:
        noun = "This person is" if len(unknown) == 1 else "These people are"
        raise ParticipationInputError(
            f"{noun} not a participant in this project: {', '.join(unknown)}. "
            "Add them to the project first",
            "attendance",
        )


class ConsentStatus(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """A person's consent to take part, and since when it has stood."""

    status: ConsentStatus
    since: dt.date


def check_consent(
    attendee_ids: Iterable[str],
    consents: Mapping[str, ConsentRecord],
    *,
    activity_date: dt.date,
) -> None:
    """Refuse to record someone's part in an activity without their consent on that date.

    Consent withdrawn on or before the activity's date refuses it; so does no consent on
    record at all (design choice: no record is not consent). Consent withdrawn after the
    activity leaves the earlier record standing.
    """
    withdrawn: list[str] = []
    missing: list[str] = []
    for pid in sorted(set(attendee_ids)):
        record = consents.get(pid)
        if record is None or (
            record.status is ConsentStatus.GIVEN and record.since > activity_date
        ):
            missing.append(pid)
        elif record.status is ConsentStatus.WITHDRAWN and record.since <= activity_date:
            withdrawn.append(pid)
    reasons = []
    if withdrawn:
        reasons.append(
            f"consent was withdrawn on or before {activity_date.isoformat()} by: "
            + ", ".join(withdrawn)
        )
    if missing:
        reasons.append(
            f"no consent is recorded as of {activity_date.isoformat()} for: " + ", ".join(missing)
        )
    if reasons:
        raise ParticipationInputError("Cannot record taking part: " + "; ".join(reasons), "consent")
