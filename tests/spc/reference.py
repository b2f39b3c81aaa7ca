"""Shared helpers for the reference tests.

They load the copied reference data (``tests/data/spc``), run both of the engine's entry points
(``spc_batch`` on the whole frame and ``spc`` on each series), and compare the results column by
column with the reference tools' outputs.

Both entry points are turned into the same table, one row per plotted point, with the columns of
``spc_batch``. A single comparison then serves both, and "same numbers either way" comes free.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from coproduce.spc.types import SpcOptions, SpcResult

DATA = Path(__file__).resolve().parents[1] / "data" / "spc"
RTOL = 1e-9

#: The columns of ``spc_batch``'s output that the comparisons use.
POINT_COLUMNS = (
    "series",
    "x",
    "y",
    "n",
    "cl",
    "lcl",
    "ucl",
    "lcl_95",
    "ucl_95",
    "phase",
    "baseline",
    "include",
    "sigma_signal",
    "runs_signal",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "n_obs",
    "n_useful",
    "signal_rules",
    "point_type",
    "variation",
    "assurance",
)

ENTRY_POINTS = ("batch", "single")


# --------------------------------------------------------------------------------------------
# Reading the reference files


def read_csv(path: Path) -> pl.DataFrame:
    """Read a CSV written by R's ``write.csv``: ``NA`` is missing, dates are ISO dates."""
    return pl.read_csv(path, null_values="NA", try_parse_dates=True, infer_schema_length=None)


@cache
def load_input(stem: str) -> pl.DataFrame:
    return read_csv(DATA / "data" / f"{stem}.csv")


@cache
def load_expected(name: str) -> pl.DataFrame:
    return read_csv(DATA / "expected" / name)


@cache
def manifest() -> tuple[dict[str, str], ...]:
    with (DATA / "expected" / "MANIFEST.csv").open(newline="", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def manifest_cases(prefix: str) -> dict[str, dict[str, str]]:
    """MANIFEST rows whose output file starts with ``prefix``, by case name."""
    return {row["case"]: row for row in manifest() if row["file"].startswith(prefix)}


# --------------------------------------------------------------------------------------------
# Running the engine through both entry points


def nth_x(frame: pl.DataFrame, positions: Sequence[int]) -> list[Any] | dict[str, list[Any]]:
    """The x values at 1-based ``positions`` of the plotted points, per series if there are any.

    qicharts2's ``part`` and ``exclude`` are point indices; our ``split`` and ``exclude`` are x
    values, so a case translates through this.
    """

    def pick(xs: pl.Series) -> list[Any]:
        ordered = xs.unique().sort().to_list()
        return [ordered[p - 1] for p in positions]

    if "series" not in frame.columns:
        return pick(frame["x"])
    return {
        str(key[0]): pick(group["x"])
        for key, group in frame.group_by("series", maintain_order=True)
    }


def options_for(options: SpcOptions, series: str | None) -> SpcOptions:
    """The options one series gets: per-series mappings resolved to that series' value."""
    changes: dict[str, Any] = {}
    for name in ("split", "exclude"):
        value = getattr(options, name)
        if isinstance(value, Mapping):
            changes[name] = tuple(value.get(series, ()))
    if isinstance(options.target, Mapping):
        changes["target"] = options.target.get(series)
    return dataclasses.replace(options, **changes)


def run_batch(frame: pl.DataFrame, *, chart: str, options: SpcOptions) -> pl.DataFrame:
    from coproduce.spc import spc_batch

    return spc_batch(
        frame,
        chart=chart,
        y="y",
        x="x",
        n="n" if "n" in frame.columns else None,
        series="series" if "series" in frame.columns else None,
        options=options,
    )


def result_frame(result: SpcResult, series: str | None) -> pl.DataFrame:
    """One ``SpcResult`` as rows with ``spc_batch``'s columns (runs analysis from its phase)."""
    size = len(result)
    by_phase = {summary.phase: summary for summary in result.phases}
    phase = [int(p) for p in result.phase]

    def per_phase(field: str) -> list[Any]:
        return [getattr(by_phase[p], field) if p in by_phase else None for p in phase]

    return pl.DataFrame(
        {
            "series": [series] * size,
            "x": list(result.x),
            "y": np.asarray(result.y, dtype=np.float64),
            "n": None if result.n is None else np.asarray(result.n, dtype=np.float64),
            "cl": np.asarray(result.cl, dtype=np.float64),
            "lcl": np.asarray(result.lcl, dtype=np.float64),
            "ucl": np.asarray(result.ucl, dtype=np.float64),
            "lcl_95": np.asarray(result.lcl_95, dtype=np.float64),
            "ucl_95": np.asarray(result.ucl_95, dtype=np.float64),
            "phase": phase,
            "baseline": [bool(b) for b in result.baseline],
            "include": [bool(b) for b in result.include],
            "sigma_signal": [bool(b) for b in result.sigma_signal],
            "runs_signal": [bool(b) for b in result.runs_signal],
            "longest_run": per_phase("longest_run"),
            "longest_run_max": per_phase("longest_run_max"),
            "n_crossings": per_phase("n_crossings"),
            "n_crossings_min": per_phase("n_crossings_min"),
            "n_obs": per_phase("n_obs"),
            "n_useful": per_phase("n_useful"),
            "signal_rules": [";".join(str(r) for r in rules) for rules in result.signal_rules],
            "point_type": (
                [str(t) for t in result.point_type] if result.point_type is not None else None
            ),
            "variation": [None if result.variation is None else str(result.variation)] * size,
            "assurance": [None if result.assurance is None else str(result.assurance)] * size,
        },
        strict=False,
    )


def run_single(frame: pl.DataFrame, *, chart: str, options: SpcOptions) -> pl.DataFrame:
    """Call ``spc`` once per series, on that series' rows in the frame's order."""
    from coproduce.spc import spc

    groups: list[tuple[str | None, pl.DataFrame]]
    if "series" in frame.columns:
        groups = [
            (str(key[0]), group) for key, group in frame.group_by("series", maintain_order=True)
        ]
    else:
        groups = [(None, frame)]
    parts = []
    for series, group in groups:
        y = group["y"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
        n = group["n"].cast(pl.Float64).to_numpy() if "n" in group.columns else None
        result = spc(
            y, x=group["x"].to_list(), n=n, chart=chart, options=options_for(options, series)
        )
        parts.append(result_frame(result, series))
    return pl.concat(parts, how="diagonal_relaxed")


def run(entry: str, frame: pl.DataFrame, *, chart: str, options: SpcOptions) -> pl.DataFrame:
    runner = run_batch if entry == "batch" else run_single
    return runner(frame, chart=chart, options=options)


# --------------------------------------------------------------------------------------------
# Comparing


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def same_float(ours: Any, expected: Any, rtol: float = RTOL) -> bool:
    """Equal to ``rtol`` relative; missing (NA, null, NaN) equals missing only."""
    if _is_missing(expected) or _is_missing(ours):
        return _is_missing(expected) and _is_missing(ours)
    a, b = float(ours), float(expected)
    if a == b:
        return True
    return abs(a - b) <= rtol * max(abs(a), abs(b))


def same_exact(ours: Any, expected: Any) -> bool:
    if _is_missing(expected) or _is_missing(ours):
        return _is_missing(expected) and _is_missing(ours)
    return bool(ours == expected)


def normal_x(value: Any) -> Any:
    """x values as comparable plain values: dates as ISO text, whole numbers as int."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def same_x(ours: Any, expected: Any) -> bool:
    return bool(normal_x(ours) == normal_x(expected))


@dataclass
class Check:
    """A column to compare: our column, a function of the expected row, and the equality."""

    ours: str
    expected: Callable[[dict[str, Any]], Any]
    same: Callable[[Any, Any], bool]
    label: str


def column(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda row: row[name]


def compare_series(
    ours: pl.DataFrame, expected: pl.DataFrame, checks: Sequence[Check], *, series: str | None
) -> list[str]:
    """Compare one series row by row; return a line per column that differs."""
    where = "" if series is None else f" of series {series!r}"
    if ours.height != expected.height:
        return [f"{ours.height} points{where}, expected {expected.height}"]
    problems = []
    our_rows = ours.to_dicts()
    expected_rows = expected.to_dicts()
    for check in checks:
        bad = [
            i
            for i, (o, e) in enumerate(zip(our_rows, expected_rows, strict=True))
            if not check.same(o.get(check.ours), check.expected(e))
        ]
        if bad:
            i = bad[0]
            mine, theirs = our_rows[i].get(check.ours), check.expected(expected_rows[i])
            problems.append(
                f"{check.label}: {len(bad)} of {ours.height} points{where} differ; first at "
                f"point {i + 1} (x={normal_x(expected_rows[i].get('x'))}): "
                f"ours {mine!r}, expected {theirs!r}"
            )
    return problems


def split_by_series(
    ours: pl.DataFrame, expected: pl.DataFrame, expected_key: pl.Expr | None
) -> list[tuple[str | None, pl.DataFrame, pl.DataFrame]]:
    """Pair our rows with the expected rows of the same series (one pair if there are none)."""
    if expected_key is None:
        return [(None, ours, expected)]
    keyed = expected.with_columns(expected_key.alias("_key"))
    keys = keyed["_key"].unique(maintain_order=True).to_list()
    missing = set(ours["series"].cast(pl.String).unique().to_list()) - set(keys)
    pairs: list[tuple[str | None, pl.DataFrame, pl.DataFrame]] = [
        (key, ours.filter(pl.col("series").cast(pl.String) == key), keyed.filter(_key_is(key)))
        for key in keys
    ]
    pairs += [(key, ours.filter(pl.col("series") == key), keyed.clear()) for key in missing]
    return pairs


def _key_is(key: str) -> pl.Expr:
    return pl.col("_key") == key


def rules_of(value: Any) -> tuple[str, ...]:
    """The rule names in a ``signal_rules`` cell (";"-joined; empty or null means none)."""
    if value is None or value == "":
        return ()
    return tuple(str(value).split(";"))
