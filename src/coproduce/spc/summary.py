"""Series-level readings: MDC variation and assurance icons, rule names."""

from __future__ import annotations

from coproduce.spc.engine import (
    PT_COMMON,
    PT_CONCERN,
    PT_IMPROVEMENT,
    PT_NEUTRAL_HIGH,
    PT_NEUTRAL_LOW,
    RULE_BITS,
)
from coproduce.spc.types import Assurance, Direction, PointType, Rule, Variation

POINT_TYPES: dict[int, PointType] = {
    PT_COMMON: PointType.COMMON_CAUSE,
    PT_IMPROVEMENT: PointType.IMPROVEMENT,
    PT_CONCERN: PointType.CONCERN,
    PT_NEUTRAL_HIGH: PointType.NEUTRAL_HIGH,
    PT_NEUTRAL_LOW: PointType.NEUTRAL_LOW,
}


def rules_of(bits: int) -> tuple[Rule, ...]:
    return tuple(rule for bit, rule in RULE_BITS if bits & bit)


def variation(last_point_type: int, direction: Direction) -> Variation:
    """The variation icon from the type of the latest point (NHSRplotthedots `ptd_get_icons`)."""
    if last_point_type == PT_NEUTRAL_HIGH:
        return Variation.NEUTRAL_HIGH
    if last_point_type == PT_NEUTRAL_LOW:
        return Variation.NEUTRAL_LOW
    increase = direction is Direction.INCREASE
    if last_point_type == PT_IMPROVEMENT:
        return Variation.IMPROVEMENT_HIGH if increase else Variation.IMPROVEMENT_LOW
    if last_point_type == PT_CONCERN:
        return Variation.CONCERN_LOW if increase else Variation.CONCERN_HIGH
    return Variation.COMMON_CAUSE


def assurance(
    target: float | None, lcl: float, ucl: float, direction: Direction
) -> Assurance | None:
    """Assurance against a target from the latest limits (strict comparisons, as
    NHSRplotthedots `ptd_calculate_assurance_type`); None with no target or no direction."""
    if target is None or direction is Direction.NEUTRAL:
        return None
    increase = direction is Direction.INCREASE
    if target > ucl:
        return Assurance.FAIL if increase else Assurance.PASS
    if target < lcl:
        return Assurance.PASS if increase else Assurance.FAIL
    return Assurance.INCONSISTENT
