"""A chart read aloud: what an SPC chart says, in plain English.

:func:`read` gives the headline ("Special cause improvement: 7 points below the mean since
March 2026.") and, when there is a target, the assurance ("The process will not consistently
meet the target of 95%: the target lies between the limits (inconsistent)."). :func:`read_all`
adds the details (the phase the reading is about, earlier signals in that phase).

The reading is about the **current phase**, the one the latest point belongs to: earlier
phases were judged against other limits. Making Data Count point types, variation and
assurance are used when the chart has them (``rules="mdc"``); otherwise the sigma signals and
the runs signals, each named by its rule. Dates are written the UK way ("March 2026"). Pure:
no Django, no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from coproduce.spc import anhoej
from coproduce.spc.numbers import fmt_number
from coproduce.spc.types import (
    Assurance,
    ChartType,
    Direction,
    PointType,
    Rule,
    RuleSet,
    SpcResult,
)

__all__ = ["format_value", "read", "read_all", "uk_day", "uk_month"]

XFormat = Callable[[Any], str]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _as_date(x: Any) -> dt.date | None:
    if isinstance(x, dt.date):
        return x
    if isinstance(x, str):
        try:
            return dt.date.fromisoformat(x.strip()[:10])
        except ValueError:
            return None
    return None


def uk_month(x: Any) -> str:
    """``March 2026`` for a date (or an ISO date string); ``point 12`` for a number."""
    d = _as_date(x)
    if d is not None:
        return f"{_MONTHS[d.month - 1]} {d.year}"
    if isinstance(x, int | float) and not isinstance(x, bool):
        return f"point {fmt_number(float(x))}"
    return str(x)


def uk_day(x: Any) -> str:
    """``3 March 2026`` for a date (for daily and weekly data); as :func:`uk_month` otherwise."""
    d = _as_date(x)
    if d is not None:
        return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
    return uk_month(x)


def format_value(value: float | None, unit: str = "") -> str:
    """A number with its unit: ``42 minutes``, ``95%``."""
    text = fmt_number(value)
    if not text or not unit:
        return text
    if unit.startswith("%"):
        return f"{text}{unit}"
    return f"{text} {unit}"


def _plural(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def _finite(v: float) -> bool:
    return math.isfinite(float(v))


class _Chart:
    """The current phase of a result, with helpers to describe its points."""

    def __init__(self, result: SpcResult, unit: str, x_format: XFormat) -> None:
        self.r = result
        self.unit = unit
        self.fmt_x = x_format
        valid = [i for i in range(len(result)) if _finite(result.y[i])]
        self.latest = valid[-1] if valid else len(result) - 1
        phase = int(result.phase[self.latest]) if len(result) else 0
        self.points = [i for i in valid if int(result.phase[i]) == phase]
        self.phase_no = sorted({int(p) for p in result.phase}).index(phase) + 1
        self.n_phases = len({int(p) for p in result.phase})
        self.mdc = result.point_type is not None
        self.centre = (
            "median" if result.chart is ChartType.RUN else ("mean" if self.mdc else "centre line")
        )

    def value(self, v: float | None) -> str:
        return format_value(v, self.unit)

    def side(self, i: int) -> int:
        y, cl = float(self.r.y[i]), float(self.r.cl[i])
        if not _finite(cl) or y == cl:
            return 0
        return 1 if y > cl else -1

    def run_back(self, keep: Callable[[int], bool]) -> list[int]:
        """The points of the current phase, ending at the latest, for which ``keep`` holds."""
        out: list[int] = []
        for i in reversed(self.points):
            if not keep(i):
                break
            out.append(i)
        return out[::-1]

    def good_side(self) -> int:
        d = self.r.options.direction
        return 1 if d is Direction.INCREASE else -1 if d is Direction.DECREASE else 0

    def kind(self, side: int) -> str:
        good = self.good_side()
        if good == 0 or side == 0:
            return "Special cause variation"
        return "Special cause improvement" if side == good else "Special cause concern"


# --------------------------------------------------------------------------------------------
# Making Data Count


_MDC_KIND: dict[PointType, str] = {
    PointType.IMPROVEMENT: "Special cause improvement",
    PointType.CONCERN: "Special cause concern",
    PointType.NEUTRAL_HIGH: "Special cause variation (higher values, neither better nor worse)",
    PointType.NEUTRAL_LOW: "Special cause variation (lower values, neither better nor worse)",
}


def _limit_words(c: _Chart, i: int) -> str:
    y, ucl, lcl = float(c.r.y[i]), float(c.r.ucl[i]), float(c.r.lcl[i])
    when = c.fmt_x(c.r.x[i])
    if _finite(ucl) and y > ucl:
        where = f"above the upper limit of {c.value(ucl)}"
    elif _finite(lcl) and y < lcl:
        where = f"below the lower limit of {c.value(lcl)}"
    else:
        where = "outside the limits"
    return f"the latest point ({when}, {c.value(y)}) is {where}"


def _rule_clause(c: _Chart, rule: Rule) -> str:
    """Words for a rule firing at the latest point, counted back through the current phase."""
    r, last = c.r, c.latest
    if rule is Rule.OUTSIDE_LIMITS:
        return _limit_words(c, last)
    if rule is Rule.SHIFT:
        side = c.side(last)
        run = c.run_back(lambda i: Rule.SHIFT in r.signal_rules[i] and c.side(i) == side)
        where = "above" if side > 0 else "below"
        return f"{len(run)} points {where} the {c.centre} since {c.fmt_x(r.x[run[0]])}"
    if rule is Rule.TREND:
        run = c.run_back(lambda i: Rule.TREND in r.signal_rules[i])
        first = run[0]
        rising = float(r.y[last]) > float(r.y[first])
        return (
            f"{len(run)} points in a row {'rising' if rising else 'falling'} "
            f"since {c.fmt_x(r.x[first])}"
        )
    if rule is Rule.TWO_OF_THREE:
        side = c.side(last)
        near = "upper" if side > 0 else "lower"
        return f"2 of the latest 3 points are close to the {near} limit (beyond 2 sigma)"
    return str(rule).replace("_", " ")


def _mdc_headline(c: _Chart) -> tuple[str, list[str]]:
    r = c.r
    assert r.point_type is not None
    last_type = r.point_type[c.latest]
    details: list[str] = []
    if last_type is not PointType.COMMON_CAUSE:
        order = (Rule.OUTSIDE_LIMITS, Rule.SHIFT, Rule.TREND, Rule.TWO_OF_THREE)
        fired = [rule for rule in order if rule in r.signal_rules[c.latest]]
        if bool(r.sigma_signal[c.latest]) and Rule.OUTSIDE_LIMITS not in fired:
            fired.insert(0, Rule.OUTSIDE_LIMITS)
        clauses = [_rule_clause(c, rule) for rule in fired] or [
            f"the latest point ({c.fmt_x(r.x[c.latest])}) is a signal"
        ]
        return f"{_MDC_KIND[last_type]}: {'; '.join(clauses)}.", details
    earlier = [i for i in c.points if r.point_type[i] is not PointType.COMMON_CAUSE]
    head = (
        "Common cause variation: no signals; the process is stable around "
        f"{c.value(float(r.cl[c.latest]))}."
    )
    if earlier:
        head = (
            "Common cause variation at the latest point "
            f"({c.fmt_x(r.x[c.latest])}, {c.value(float(r.y[c.latest]))}); the mean is "
            f"{c.value(float(r.cl[c.latest]))}."
        )
        kinds: dict[str, int] = {}
        for i in earlier:
            word = _MDC_KIND[r.point_type[i]].split(" (")[0].lower()
            kinds[word] = kinds.get(word, 0) + 1
        listed = ", ".join(f"{word} at {_plural(k, 'point')}" for word, k in kinds.items())
        details.append(
            f"Earlier in this phase: {listed}, the latest of them in {c.fmt_x(r.x[earlier[-1]])}."
        )
    return head, details


# --------------------------------------------------------------------------------------------
# Sigma and runs signals (Anhøj or IHI rules)


def _rules_headline(c: _Chart) -> tuple[str, list[str]]:
    r = c.r
    clauses: list[str] = []
    sides: dict[int, int] = {}  # point -> side of the centre line, for each signal
    details: list[str] = []

    outside = [i for i in c.points if bool(r.sigma_signal[i])]
    if outside:
        sides.update((i, c.side(i)) for i in outside)
        if outside[-1] == c.latest and len(outside) == 1:
            clauses.append(_limit_words(c, c.latest) + " (outside the limits)")
        else:
            clauses.append(
                f"{_plural(len(outside), 'point')} outside the limits, the latest in "
                f"{c.fmt_x(r.x[outside[-1]])} (outside the limits)"
            )

    summary = next(
        (ps for ps in r.phases if ps.phase == int(r.phase[c.latest])),
        None,
    )
    fired = {rule for i in c.points for rule in r.signal_rules[i]}
    if summary is not None and summary.runs_signal and r.options.rules is RuleSet.ANHOEJ:
        if (
            summary.longest_run is not None
            and summary.longest_run_max is not None
            and summary.longest_run > summary.longest_run_max
        ):
            side = c.side(c.latest)
            run = c.run_back(lambda i: c.side(i) in (side, 0))
            where = "above" if side > 0 else "below"
            if side != 0 and len(run) > summary.longest_run_max:
                sides[c.latest] = side
                clauses.append(
                    f"{len(run)} points {where} the {c.centre} since "
                    f"{c.fmt_x(r.x[run[0]])}, more than the {summary.longest_run_max} "
                    "expected by chance (long run)"
                )
            else:
                clauses.append(
                    f"a run of {summary.longest_run} points on one side of the {c.centre}, "
                    f"more than the {summary.longest_run_max} expected by chance (long run)"
                )
        if (
            summary.n_crossings is not None
            and summary.n_crossings_min is not None
            and summary.n_crossings < summary.n_crossings_min
        ):
            clauses.append(
                f"only {_plural(summary.n_crossings, 'crossing')} of the {c.centre}, fewer "
                f"than the {summary.n_crossings_min} expected by chance (few crossings)"
            )
    if r.options.rules is RuleSet.IHI:
        if Rule.SHIFT in fired:
            shift = [i for i in c.points if Rule.SHIFT in r.signal_rules[i]]
            side = c.side(shift[-1])
            sides[shift[-1]] = side
            where = "above" if side > 0 else "below"
            clauses.append(
                f"a shift of {anhoej.IHI_SHIFT} or more points {where} the {c.centre}, "
                f"the latest in {c.fmt_x(r.x[shift[-1]])} (shift)"
            )
        if Rule.TREND in fired:
            trend = [i for i in c.points if Rule.TREND in r.signal_rules[i]]
            clauses.append(
                f"a trend of {anhoej.IHI_TREND} or more points going one way, the latest in "
                f"{c.fmt_x(r.x[trend[-1]])} (trend)"
            )
        if Rule.RUNS_COUNT in fired:
            clauses.append("too few or too many runs for chance alone (number of runs)")

    if not clauses:
        head = (
            "Common cause variation: no signals; the process is stable around "
            f"{c.value(float(r.cl[c.latest]))}"
        )
        return head + (" (the median)." if r.chart is ChartType.RUN else "."), details
    # Improvement or concern by the most recent signal that has a side.
    kind = c.kind(sides[max(sides)]) if sides else "Special cause variation"
    return f"{kind}: {'; '.join(clauses)}.", details


# --------------------------------------------------------------------------------------------
# Assurance


def _assurance(c: _Chart) -> str | None:
    r = c.r
    target = r.options.target
    if not isinstance(target, int | float) or not r.chart.has_limits:
        return None
    t = c.value(float(target))
    assurance = r.assurance
    if assurance is None and c.mdc:
        return None
    if assurance is None:
        lcl, ucl = float(r.lcl[c.latest]), float(r.ucl[c.latest])
        good = c.good_side()
        if good == 0 or not (_finite(lcl) and _finite(ucl)):
            return None
        if lcl < target < ucl or target in (lcl, ucl):
            assurance = Assurance.INCONSISTENT
        elif (target < lcl) == (good > 0):
            assurance = Assurance.PASS
        else:
            assurance = Assurance.FAIL
    if assurance is Assurance.PASS:
        return (
            f"The process will consistently meet the target of {t}: the target lies outside "
            "the limits, on the better side (consistent pass)."
        )
    if assurance is Assurance.FAIL:
        return (
            f"The process will consistently miss the target of {t}: the target lies outside "
            "the limits, on the worse side (consistent fail)."
        )
    return (
        f"The process will not consistently meet the target of {t}: the target lies "
        "between the limits (inconsistent)."
    )


# --------------------------------------------------------------------------------------------
# Public


def _parts(result: SpcResult, unit: str, x_format: XFormat) -> tuple[str, str | None, list[str]]:
    if len(result) == 0:
        return "There are no points to read.", None, []
    c = _Chart(result, unit, x_format)
    if not c.points:
        return "There are no values to read.", None, []
    head, details = _mdc_headline(c) if c.mdc else _rules_headline(c)
    if c.n_phases > 1:
        first = c.points[0]
        details.insert(
            0,
            f"This reading is about phase {c.phase_no} of {c.n_phases}, from "
            f"{c.fmt_x(result.x[first])}: the limits were recalculated then.",
        )
    if len(c.points) < 12 and result.chart.has_limits:
        details.append(
            f"The current phase has only {_plural(len(c.points), 'point')}: treat its limits "
            "as provisional until there are about 20."
        )
    return head, _assurance(c), details


def read(result: SpcResult, *, unit: str = "", x_format: XFormat = uk_month) -> str:
    """The headline reading of a chart, with its assurance against the target if it has one.

    ``unit`` is written after numbers (``"minutes"``; ``"%"`` is attached). ``x_format``
    writes an x value (:func:`uk_month` by default; :func:`uk_day` for daily or weekly data).
    """
    head, assurance, _ = _parts(result, unit, x_format)
    return f"{head} {assurance}" if assurance else head


def read_all(result: SpcResult, *, unit: str = "", x_format: XFormat = uk_month) -> tuple[str, ...]:
    """Every sentence of the reading: the headline, the assurance, then the details."""
    head, assurance, details = _parts(result, unit, x_format)
    return (head, *([assurance] if assurance else []), *details)
