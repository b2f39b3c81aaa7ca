"""Public types of the SPC engine: options, results and the vocabulary of signals.

Everything here is plain data. The numbers come from :mod:`coproduce.spc.engine`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]


class ChartType(enum.StrEnum):
    """Chart types, named as qicharts2 names them."""

    RUN = "run"
    I = "i"  # noqa: E741 - the chart is called "I"
    MR = "mr"
    XBAR = "xbar"
    S = "s"
    P = "p"
    PP = "pp"  # Laney P'
    U = "u"
    UP = "up"  # Laney U'
    C = "c"
    G = "g"
    T = "t"
    IP = "ip"  # Taylor's I' (normalised individuals)

    @property
    def needs_n(self) -> bool:
        return self in {ChartType.P, ChartType.PP, ChartType.U, ChartType.UP, ChartType.IP}

    @property
    def is_subgroup(self) -> bool:
        return self in {ChartType.XBAR, ChartType.S}

    @property
    def has_limits(self) -> bool:
        return self is not ChartType.RUN


class RuleSet(enum.StrEnum):
    """Which special-cause rules to apply besides the 3-sigma limits."""

    ANHOEJ = "anhoej"  # Anhøj & Olesen 2014, as qicharts2: longest run and crossings
    IHI = "ihi"  # Perla, Provost & Murray 2011: shift 6, trend 5, number of runs
    MDC = "mdc"  # NHS England Making Data Count, as NHSRplotthedots 0.2.2


class Direction(enum.StrEnum):
    """Which way is better for a measure."""

    INCREASE = "increase"
    DECREASE = "decrease"
    NEUTRAL = "neutral"


class PointType(enum.StrEnum):
    """Making Data Count's classification of each point (NHSRplotthedots `point_type`)."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEUTRAL_HIGH = "special_cause_neutral_high"
    NEUTRAL_LOW = "special_cause_neutral_low"


class Variation(enum.StrEnum):
    """The variation icon of a series, from the type of its latest point (MDC)."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"


class Assurance(enum.StrEnum):
    """The assurance icon: can the process be relied on to meet its target (MDC)."""

    PASS = "consistent_pass"  # noqa: S105 - an icon name, not a password
    FAIL = "consistent_fail"
    INCONSISTENT = "inconsistent"


class Rule(enum.StrEnum):
    """Names of the rules that can fire on a point; every signal says which."""

    OUTSIDE_LIMITS = "outside_limits"  # beyond the 3-sigma (or MDC process) limits
    LONG_RUN = "long_run"  # Anhøj: longest run above the limit (whole phase)
    FEW_CROSSINGS = "few_crossings"  # Anhøj: too few crossings (whole phase)
    SHIFT = "shift"  # IHI: >= 6 useful points one side; MDC: 7 points one side of the mean
    TREND = "trend"  # IHI: >= 5 rising/falling; MDC: 7 points rising/falling
    RUNS_COUNT = "runs_count"  # IHI: too few or too many runs (whole phase)
    TWO_OF_THREE = "two_of_three"  # MDC: 2 of 3 beyond 2 sigma, same side


class SpcInputError(ValueError):
    """Bad input: says which series and which row (1-based, as given) and why."""

    def __init__(self, message: str, *, series: object = None, row: int | None = None) -> None:
        self.reason = message
        self.series = series
        self.row = row
        where = []
        if series is not None:
            where.append(f"series {series!r}")
        if row is not None:
            where.append(f"row {row}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass(frozen=True, slots=True)
class SpcOptions:
    """How to compute a chart. The defaults are qicharts2's (attached) defaults.

    ``split`` and ``exclude`` hold x values (a phase *starts* at each split value); ``split``,
    ``exclude`` and ``target`` may instead be mappings from series key to the value(s) for that
    series. ``freeze`` is a number of points: the first ``freeze`` points of each phase are the
    baseline the limits come from; later points are judged against them.
    """

    freeze: int | None = None
    split: Sequence[Any] | Mapping[Any, Sequence[Any]] = ()
    exclude: Sequence[Any] | Mapping[Any, Sequence[Any]] = ()
    direction: Direction = Direction.NEUTRAL
    target: float | Mapping[Any, float] | None = None
    rules: RuleSet = RuleSet.ANHOEJ
    screened: bool = True  # screen moving ranges (qicharts2 attached, NHSRplotthedots)
    multiply: float = 1.0
    funnel: bool = False  # x is a category (funnel plot): no runs analysis; Laney uses sd(z)
    agg: str = "mean"  # how several y values at one x combine when there is no n


@dataclass(frozen=True, slots=True)
class Annotation:
    """A note at an x position (a PDSA cycle, a change), drawn on the chart."""

    x: Any
    label: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class PhaseSummary:
    """Runs analysis and limits of one phase (part) of a chart."""

    phase: int
    start: int  # index of the first point of the phase
    stop: int  # one past the last point
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    runs_signal: bool
    cl: float | None  # the phase's centre line (mean of the per-point values)
    lcl: float | None  # mean of the per-point lower limits, as qicharts2's summary
    ucl: float | None


@dataclass(frozen=True, slots=True)
class SpcResult:
    """One chart. Arrays are read-only and have one element per plotted point."""

    chart: ChartType
    options: SpcOptions
    x: tuple[Any, ...]
    y: FloatArray
    n: FloatArray | None
    cl: FloatArray
    lcl: FloatArray
    ucl: FloatArray
    lcl_95: FloatArray
    ucl_95: FloatArray
    phase: Int32Array
    baseline: BoolArray
    include: BoolArray
    sigma_signal: BoolArray
    runs_signal: BoolArray
    signal_rules: tuple[tuple[Rule, ...], ...]
    phases: tuple[PhaseSummary, ...]
    point_type: tuple[PointType, ...] | None = None  # with RuleSet.MDC
    variation: Variation | None = None  # with RuleSet.MDC
    assurance: Assurance | None = None  # with RuleSet.MDC, a target and a direction
    annotations: tuple[Annotation, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.x)
