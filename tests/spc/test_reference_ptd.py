"""The engine's Making Data Count rules reproduce NHSRplotthedots 0.2.2 on its own examples.

Each ``ptd__*`` case in ``tests/data/spc/expected/MANIFEST.csv`` is translated by hand, in
``CASES`` below, from its ``ptd_spc()`` call into ``rules=RuleSet.MDC``. Both entry points run
it: ``spc_batch`` with the facet as the series key, and ``spc`` once per facet.

* The points file (``ptd__``) is compared per point:
  * ``mean_col``, ``lpl`` and ``upl`` against cl, lcl and ucl, to 1e-9 relative;
  * ``rebase_group`` and ``fix_y`` against the phase and the baseline;
  * ``outside_limits`` against the sigma signal;
  * ``point_type`` exactly;
  * ``special_cause_flag`` and ``special_cause_type``. NHSRplotthedots names the first rule
    that matches, in the order outside limits, trend, two in three, shift.
* The summary file (``ptd_summary__``) is compared per facet and rebase group: the limits,
  the size and the point-type counts. The variation icon comes from the last group's
  ``variation_type``, and the assurance icon from ``assurance_type``.

How the R arguments translate:

* ``improvement_direction`` becomes ``direction``. NHSRplotthedots defaults to "increase".
* ``target`` becomes ``target``. ``ptd_target(A = ., B = .)`` becomes a mapping by facet.
* ``rebase`` becomes ``split``. A rebase date starts a new group, as a split value starts a
  phase. ``ptd_rebase(A = ., B = .)`` becomes a mapping by facet.
* ``fix_after_n_points`` becomes ``freeze``.
* ``screen_outliers = FALSE`` becomes ``screened=False``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pytest

from coproduce.spc.types import (
    Assurance,
    Direction,
    PointType,
    Rule,
    RuleSet,
    SpcOptions,
    Variation,
)
from tests.spc.reference import (
    ENTRY_POINTS,
    Check,
    column,
    compare_series,
    load_expected,
    load_input,
    manifest_cases,
    rules_of,
    run,
    same_exact,
    same_float,
    same_x,
    split_by_series,
)

INCREASE, DECREASE, NEUTRAL = Direction.INCREASE, Direction.DECREASE, Direction.NEUTRAL


@dataclass(frozen=True)
class Ptd:
    """One ptd_spc() call: the input file stem and the arguments, named as ptd_spc names them."""

    input: str
    value_field: str
    date_field: str
    facet_field: str | None = None
    improvement_direction: Direction = INCREASE  # ptd_spc's default
    target: float | Mapping[str, float] | None = None
    rebase: Sequence[Any] | Mapping[str, Sequence[Any]] = field(default_factory=tuple)
    fix_after_n_points: int | None = None
    screen_outliers: bool = True
    where: str | None = None  # synthetic__edge_cases: the series the call's `d` was


VIGNETTE = "NHSRplotthedots_vignette__deviations_outlier"
AE_TOTAL = "derived__ae_total_by_month"
RJZ1 = "derived__ae_RJZ_type1"
AE_5ORGS = "derived__ae_5orgs_type1"


def date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def syn(series: str, **kw: Any) -> Ptd:
    """``ptd_spc(d, value_field = y, date_field = date)`` on one synthetic series.

    ``d$date`` is monthly from 2020-01-01, in the order of ``i``. The tests use ``i`` as the
    date, so ``d$date[19]`` is ``i = 19``.
    """
    return Ptd("synthetic__edge_cases", "y", "i", where=series, **kw)


CASES: dict[str, Ptd] = {
    "vignette_outlier_screened": Ptd(VIGNETTE, "data", "date"),
    "vignette_outlier_unscreened": Ptd(VIGNETTE, "data", "date", screen_outliers=False),
    "ae_total_attendances": Ptd(AE_TOTAL, "attendances", "period"),
    "ae_total_attendances_unscreened": Ptd(
        AE_TOTAL, "attendances", "period", screen_outliers=False
    ),
    "ae_total_attendances_rebase_2017_04_2018_04": Ptd(
        AE_TOTAL, "attendances", "period", rebase=(date("2017-04-01"), date("2018-04-01"))
    ),
    "ae_total_attendances_fix12": Ptd(AE_TOTAL, "attendances", "period", fix_after_n_points=12),
    "ae_total_performance_increase_target095": Ptd(
        AE_TOTAL, "performance", "period", improvement_direction=INCREASE, target=0.95
    ),
    "ae_total_breaches_decrease": Ptd(
        AE_TOTAL, "breaches", "period", improvement_direction=DECREASE
    ),
    "ae_RJZ1_breaches_decrease": Ptd(RJZ1, "breaches", "period", improvement_direction=DECREASE),
    "ae_RJZ1_breaches_decrease_unscreened": Ptd(
        RJZ1, "breaches", "period", improvement_direction=DECREASE, screen_outliers=False
    ),
    "ae_RJZ1_performance_increase_target095": Ptd(
        RJZ1, "performance", "period", improvement_direction=INCREASE, target=0.95
    ),
    "ae_RJZ1_performance_neutral": Ptd(
        RJZ1, "performance", "period", improvement_direction=NEUTRAL
    ),
    "ae_5orgs_breaches_decrease_facet": Ptd(
        AE_5ORGS, "breaches", "period", facet_field="org_code", improvement_direction=DECREASE
    ),
    "ae_5orgs_performance_increase_facet_targets": Ptd(
        AE_5ORGS,
        "performance",
        "period",
        facet_field="org_code",
        improvement_direction=INCREASE,
        target={"RAS": 0.95, "RJZ": 0.95, "RR1": 0.8, "RJC": 0.9},
    ),
    "ae_5orgs_performance_facet_rebase": Ptd(
        AE_5ORGS,
        "performance",
        "period",
        facet_field="org_code",
        rebase={
            "RJZ": (date("2018-04-01"),),
            "RJC": (date("2017-01-01"), date("2018-01-01")),
        },
    ),
    "synthetic_stable_increase": syn("stable"),
    "synthetic_stable_increase_unscreened": syn("stable", screen_outliers=False),
    "synthetic_shift_increase": syn("shift"),
    "synthetic_shift_increase_unscreened": syn("shift", screen_outliers=False),
    "synthetic_outlier_increase": syn("outlier"),
    "synthetic_outlier_increase_unscreened": syn("outlier", screen_outliers=False),
    "synthetic_trend_increase": syn("trend"),
    "synthetic_trend_increase_unscreened": syn("trend", screen_outliers=False),
    "synthetic_ties_increase": syn("ties"),
    "synthetic_ties_increase_unscreened": syn("ties", screen_outliers=False),
    "synthetic_two_in_three_increase": syn("two_in_three"),
    "synthetic_two_in_three_increase_unscreened": syn("two_in_three", screen_outliers=False),
    "synthetic_short_increase": syn("short"),
    "synthetic_short_increase_unscreened": syn("short", screen_outliers=False),
    "synthetic_shift_decrease_target50": syn("shift", improvement_direction=DECREASE, target=50),
    "synthetic_shift_rebase_at19": syn("shift", rebase=(19,)),  # rebase = d$date[19]
}

PTD = manifest_cases("ptd__")
#: ``summary()`` of the same call: case ``<case>__summary``, file ``ptd_summary__<case>.csv``.
SUMMARY = {
    name.removesuffix("__summary"): row for name, row in manifest_cases("ptd_summary__").items()
}

#: NHSRplotthedots' special_cause_type, in the order its rules are tried (first match wins).
SPECIAL_CAUSE_RULE = {
    "Above UCL": Rule.OUTSIDE_LIMITS,
    "Below LCL": Rule.OUTSIDE_LIMITS,
    "7 Point Trend (Increasing)": Rule.TREND,
    "7 Point Trend (Decreasing)": Rule.TREND,
    "2 in 3 Above CL": Rule.TWO_OF_THREE,
    "2 in 3 Below CL": Rule.TWO_OF_THREE,
    "7 Points Above CL": Rule.SHIFT,
    "7 Points Below CL": Rule.SHIFT,
    "Common Cause": None,
}
RULE_ORDER = (Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.TWO_OF_THREE, Rule.SHIFT)


def test_every_ptd_case_is_translated() -> None:
    assert set(PTD) == set(CASES)
    assert set(SUMMARY) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_translation_agrees_with_the_r_call(name: str) -> None:
    """A cheap guard on the table: the case's R call names the same fields and options."""
    case, call = CASES[name], PTD[name]["call"]
    assert f"value_field = {case.value_field}," in call
    if case.where is None:
        assert f"date_field = {case.date_field}" in call
    assert (case.facet_field is not None) == ("facet_field =" in call)
    assert (case.target is not None) == ("target =" in call)
    assert bool(case.rebase) == ("rebase =" in call)
    assert (case.fix_after_n_points is not None) == ("fix_after_n_points" in call)
    assert case.screen_outliers == ("screen_outliers = FALSE" not in call)
    said = "increase"
    if "improvement_direction" in call:
        said = call.split('improvement_direction = "')[1].split('"')[0]
    assert case.improvement_direction == said
    assert PTD[name]["input"] == case.input


def ptd_frame(case: Ptd) -> pl.DataFrame:
    data = load_input(case.input)
    if case.where is not None:
        data = data.filter(pl.col("series") == case.where)
    columns = [
        pl.col(case.date_field).alias("x"),
        pl.col(case.value_field).cast(pl.Float64).alias("y"),
    ]
    if case.facet_field is not None:
        columns.insert(0, pl.col(case.facet_field).cast(pl.String).alias("series"))
    frame = data.select(columns)
    by = ["series", "x"] if case.facet_field else ["x"]
    return frame.sort(by, maintain_order=True)


def ptd_options(case: Ptd) -> SpcOptions:
    return SpcOptions(
        rules=RuleSet.MDC,
        direction=case.improvement_direction,
        target=case.target,
        split=case.rebase,
        freeze=case.fix_after_n_points,
        screened=case.screen_outliers,
    )


def first_rule(cell: Any) -> Rule | None:
    """The rule NHSRplotthedots would name for a point whose rules are ``cell``."""
    fired = {Rule(name) for name in rules_of(cell)}
    return next((rule for rule in RULE_ORDER if rule in fired), None)


def ptd_checks(case: Ptd) -> list[Check]:
    checks = [
        Check("y", column("y"), same_float, "y"),
        Check("cl", column("mean_col"), same_float, "mean_col -> cl"),
        Check("lcl", column("lpl"), same_float, "lpl -> lcl"),
        Check("ucl", column("upl"), same_float, "upl -> ucl"),
        Check("phase", lambda row: row["rebase_group"] + 1, same_exact, "rebase_group -> phase"),
        Check("baseline", lambda row: row["fix_y"] is not None, same_exact, "fix_y -> baseline"),
        Check("sigma_signal", column("outside_limits"), same_exact, "outside_limits"),
        Check("point_type", column("point_type"), same_exact, "point_type"),
        Check(
            "signal_rules",
            column("special_cause_flag"),
            lambda ours, flag: bool(rules_of(ours)) == flag,
            "special_cause_flag -> signal_rules",
        ),
        Check(
            "signal_rules",
            lambda row: SPECIAL_CAUSE_RULE[row["special_cause_type"]],
            lambda ours, rule: first_rule(ours) == rule,
            "special_cause_type -> first of signal_rules",
        ),
    ]
    if case.where is None:  # the synthetic series use i for d$date
        checks.insert(0, Check("x", column("x"), same_x, "x"))
    return checks


def expected_key(case: Ptd) -> pl.Expr | None:
    return None if case.facet_field is None else pl.col("f").cast(pl.String)


def run_case(name: str, entry: str) -> pl.DataFrame:
    case = CASES[name]
    return run(entry, ptd_frame(case), chart="i", options=ptd_options(case))


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_ptd_points(name: str, entry: str) -> None:
    case = CASES[name]
    ours = run_case(name, entry)
    expected = load_expected(PTD[name]["file"])
    problems = []
    for series, our_rows, expected_rows in split_by_series(ours, expected, expected_key(case)):
        problems += compare_series(our_rows, expected_rows, ptd_checks(case), series=series)
    assert not problems, f"{name} via {entry} ({PTD[name]['call']}):\n" + "\n".join(problems)


def expected_variation(point_type: str, direction: Direction) -> Variation:
    """The variation icon for the type of the last point, as ``ptd_get_icons`` picks it."""
    kind = PointType(point_type)
    if kind is PointType.COMMON_CAUSE:
        return Variation.COMMON_CAUSE
    if kind is PointType.NEUTRAL_HIGH:
        return Variation.NEUTRAL_HIGH
    if kind is PointType.NEUTRAL_LOW:
        return Variation.NEUTRAL_LOW
    high = (kind is PointType.IMPROVEMENT) == (direction is INCREASE)
    if kind is PointType.IMPROVEMENT:
        return Variation.IMPROVEMENT_HIGH if high else Variation.IMPROVEMENT_LOW
    return Variation.CONCERN_HIGH if high else Variation.CONCERN_LOW


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_ptd_summary(name: str, entry: str) -> None:
    case = CASES[name]
    ours = run_case(name, entry)
    summary = load_expected(SUMMARY[name]["file"])
    if "f" not in summary.columns:
        summary = summary.with_columns(f=pl.lit(None, pl.String))
    if "rebase_group" not in summary.columns:
        summary = summary.with_columns(rebase_group=pl.lit(0))
    problems = []
    for facet, rows in summary.group_by("f", maintain_order=True):
        key = facet[0]
        mine = ours if key is None else ours.filter(pl.col("series").cast(pl.String) == key)
        where = "" if key is None else f"{key}: "
        for group in rows.to_dicts():
            phase = mine.filter(pl.col("phase") == group["rebase_group"] + 1)
            label = f"{where}rebase group {group['rebase_group']}"
            if phase.height != group["n"]:
                problems.append(f"{label}: {phase.height} points, expected {group['n']}")
                continue
            last = phase.row(-1, named=True)
            for ours_col, theirs in (("cl", "mean_col"), ("lcl", "lpl"), ("ucl", "upl")):
                if not same_float(last[ours_col], group[theirs]):
                    problems.append(
                        f"{label}: {theirs} -> {ours_col} ours {last[ours_col]!r}, "
                        f"expected {group[theirs]!r}"
                    )
            counts = phase["point_type"].value_counts()
            counted = dict(zip(counts["point_type"], counts["count"], strict=True))
            for kind in ("common_cause", "special_cause_improvement", "special_cause_concern"):
                if counted.get(kind, 0) != group[kind]:
                    problems.append(
                        f"{label}: {counted.get(kind, 0)} {kind} points, expected {group[kind]}"
                    )
        latest = rows.row(-1, named=True)
        last = mine.row(-1, named=True)
        variation = expected_variation(latest["variation_type"], case.improvement_direction)
        if last["variation"] != variation:
            problems.append(f"{where}variation ours {last['variation']!r}, expected {variation!r}")
        assurance = latest.get("assurance_type")
        assurance = None if assurance is None else Assurance(assurance)
        if last["assurance"] != assurance:
            problems.append(f"{where}assurance ours {last['assurance']!r}, expected {assurance!r}")
    assert not problems, f"{name} via {entry} ({SUMMARY[name]['call']}):\n" + "\n".join(problems)
