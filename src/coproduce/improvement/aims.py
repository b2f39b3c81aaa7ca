"""Aim statements (DOMAIN.md §2.2): "some is not a number, soon is not a time".

Pure: no Django, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


@dataclass(frozen=True)
class Problem:
    """A check an aim fails: the field it is about and a message written for people."""

    field: str
    message: str


def as_number(value: object) -> float | None:
    """``value`` as a finite number, or ``None`` if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().replace(",", ""))
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def as_date(value: object) -> date | None:
    """``value`` as a date (a ``date`` or an ISO 8601 string), or ``None``."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def check_aim(
    *,
    what: str,
    for_whom: str,
    baseline: object,
    target: object,
    direction: str,
    deadline: object,
    today: date | None,
) -> list[Problem]:
    """Everything that keeps an aim from being specific, measurable and time-bound.

    A deadline before ``today`` is a problem; with ``today=None`` it is not checked (an aim
    whose deadline has passed may still be edited without moving it).
    """
    problems: list[Problem] = []
    if not what.strip():
        problems.append(Problem("what", "Say what will improve"))
    if not for_whom.strip():
        problems.append(Problem("for_whom", "Say who the improvement is for"))
    base = as_number(baseline)
    if base is None:
        problems.append(Problem("baseline", "A baseline must be a number: where things are now"))
    goal = as_number(target)
    if goal is None:
        problems.append(Problem("target", "A target must be a number (“some is not a number”)"))
    try:
        way: Direction | None = Direction(direction)
    except ValueError:
        way = None
        problems.append(Problem("direction", "Choose whether to increase or reduce it"))
    if base is not None and goal is not None and way is not None:
        if way is Direction.INCREASE and not goal > base:
            problems.append(
                Problem("target", "To increase it, the target must be higher than the baseline")
            )
        if way is Direction.DECREASE and not goal < base:
            problems.append(
                Problem("target", "To reduce it, the target must be lower than the baseline")
            )
    when = as_date(deadline)
    if when is None:
        problems.append(Problem("deadline", "A deadline must be a date (“soon is not a time”)"))
    elif today is not None and when < today:
        problems.append(Problem("deadline", "The deadline has passed: set a date in the future"))
    return problems


def format_number(value: float) -> str:
    """12.0 → "12", 12.5 → "12.5", 1234 → "1,234"."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:.6g}"


def format_date(value: date) -> str:
    """31 March 2027."""
    return f"{value.day} {value:%B} {value.year}"


def _with_unit(number: str, unit: str) -> str:
    unit = unit.strip()
    if not unit:
        return number
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}"


def aim_statement(
    *,
    what: str,
    for_whom: str,
    baseline: float,
    target: float,
    unit: str,
    direction: str,
    deadline: date,
) -> str:
    """The aim as one sentence.

    "Reduce the wait for a first appointment from 12 to 6 weeks by 31 March 2027 for
    young people referred to CAMHS."
    """
    verb = "Reduce" if direction == Direction.DECREASE else "Increase"
    unit = unit.strip()
    if unit == "%":
        change = f"from {format_number(baseline)}% to {format_number(target)}%"
    else:
        change = f"from {format_number(baseline)} to {_with_unit(format_number(target), unit)}"
    thing = what.strip()
    if thing[:1].isupper() and not thing[:2].isupper():
        thing = thing[:1].lower() + thing[1:]
    sentence = f"{verb} {thing} {change} by {format_date(deadline)}"
    if for_whom.strip():
        sentence += f" for {for_whom.strip()}"
    return sentence + "."
