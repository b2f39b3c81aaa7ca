"""``coproduce spc``: SPC charts for every series of a table, from the command line.

Reads CSV, Excel or Parquet (:mod:`coproduce.commands.tables`), charts every series at once
with :func:`coproduce.spc.spc_batch`, and writes one row per plotted point, in input order:

* ``.csv`` (or standard output) and ``.parquet``: the columns of
  :data:`coproduce.spc.OUTPUT_COLUMNS` (:data:`COLUMNS`), ``series`` and ``x`` as in the
  input (a CSV's x text as written; ISO dates stay ISO dates), ``y`` the plotted statistic,
  ``signal_rules`` the rules that fired, separated by ``;``;
* ``.json``: a list with one object per series (see :func:`json_document`);
* ``.svg``, ``.png``, ``.html``: one chart per series; the HTML page has each chart's data
  table for screen-reader users.

A file is written to a temporary name beside the target and renamed when complete, so a
failed run leaves no partial output. Bad input prints one line naming the series, the row
and the reason, and exits with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import errno
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from coproduce.commands.output import atomic_write
from coproduce.commands.tables import (
    CommandError,
    Source,
    Where,
    XValues,
    numbers,
    option_values,
    x_values,
)
from coproduce.spc.batch import OUTPUT_COLUMNS

if TYPE_CHECKING:
    from coproduce.spc import ChartType, SpcOptions, SpcResult

#: Output columns, in order: the engine's own (the command's contract is checked against
#: them in tests/spc/test_cli_spc.py).
COLUMNS = OUTPUT_COLUMNS
#: Per-series values in the JSON document (the rest are per point).
SERIES_FIELDS = ("variation", "assurance")
OUTPUT_SUFFIXES = (".csv", ".parquet", ".json", ".svg", ".png", ".html")
IMAGE_SUFFIXES = frozenset({".svg", ".png", ".html"})

PROG = "coproduce spc"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 on success, 2 (after one line on stderr) on bad input."""
    try:
        return _run(args)
    except CommandError as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 2


# --------------------------------------------------------------------------- the steps


def _output_path(args: argparse.Namespace) -> Path | None:
    if args.output is None:
        return None
    output = Path(args.output)
    suffix = output.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise CommandError(
            f"cannot write {output.name}: unknown extension {suffix or '(none)'!r}; "
            f"use {', '.join(OUTPUT_SUFFIXES)}"
        )
    if not output.parent.is_dir():
        raise CommandError(f"cannot write {output}: no such folder {str(output.parent)!r}")
    if output.is_dir():
        raise CommandError(f"cannot write {output}: it is a folder")
    with contextlib.suppress(OSError):
        if output.exists() and output.samefile(args.input):
            raise CommandError(f"will not overwrite the input file {output.name}")
    return output


def _split(values: Sequence[str] | None) -> list[str]:
    """``--split a,b --split c`` → ``[a, b, c]``."""
    return [part for value in values or () for part in value.split(",") if part.strip()]


@dataclasses.dataclass(frozen=True, slots=True)
class Columns:
    """The file's names of the columns each role uses (``None``: not used)."""

    y: str
    x: str | None
    n: str | None
    series: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class Prepared:
    """What the engine gets: ``data`` has columns series?, x?, y, n? in file order."""

    data: pl.DataFrame
    where: Where
    x: XValues | None
    options: SpcOptions


def _columns(source: Source, args: argparse.Namespace, chart: ChartType) -> Columns:
    """Named columns must exist; the default names (x, series, n) are used when present."""
    y = source.column(args.y_col, option="--y-col")
    x = source.column(args.x_col, option="--x-col") if args.x_col else source.column("x")
    series = (
        source.column(args.series_col, option="--series-col")
        if args.series_col
        else source.column("series")
    )
    if args.n_col:
        n = source.column(args.n_col, option="--n-col")
    elif chart.needs_n:
        n = source.column("n")
        if n is None:
            raise CommandError(
                f"a {chart.value} chart needs a denominator: name its column with --n-col"
            )
    else:
        n = None
    roles = {"--y-col": y, "--x-col": x, "--n-col": n, "--series-col": series}
    named = [(option, column) for option, column in roles.items() if column is not None]
    for i, (option, column) in enumerate(named):
        for other, same in named[i + 1 :]:
            if column == same:
                raise CommandError(f"{option} and {other} both name the column {column!r}")
    assert y is not None
    return Columns(y=y, x=x, n=n, series=series)


def _prepare(source: Source, names: Columns, args: argparse.Namespace) -> Prepared:
    """Read the columns and check every value; build the options from the arguments."""
    from coproduce.spc import Direction, RuleSet, SpcOptions

    table = source.read(
        [c for c in (names.series, names.x, names.y, names.n) if c is not None],
        text=[c for c in (names.series, names.x) if c is not None],
    )
    frame, where = table.frame, table.where
    columns: list[pl.Series] = []
    if names.series is not None:
        series = frame.get_column(names.series)
        if series.null_count():
            i = int(series.is_null().arg_true()[0])
            raise CommandError(f"{where(i)}: the series ({names.series}) is empty")
        columns.append(series.alias("series"))
        where = dataclasses.replace(where, series=series)
    xv = x_values(None if names.x is None else frame.get_column(names.x), where, funnel=args.funnel)
    if xv is not None:
        columns.append(xv.values.alias("x"))
    columns.append(numbers(frame.get_column(names.y), "y", where).alias("y"))
    if names.n is not None:
        columns.append(numbers(frame.get_column(names.n), "n", where).alias("n"))
    options = SpcOptions(
        freeze=args.freeze,
        split=tuple(option_values(_split(args.split), xv, "--split")),
        exclude=tuple(option_values(_split(args.exclude), xv, "--exclude")),
        direction=Direction(args.direction),
        target=args.target,
        rules=RuleSet(args.rules),
        screened=not args.unscreened,
        multiply=args.multiply,
        funnel=args.funnel,
    )
    return Prepared(pl.DataFrame(columns), where, xv, options)


def _run(args: argparse.Namespace) -> int:
    output = _output_path(args)
    from coproduce.spc import ChartType, SpcInputError

    chart = ChartType(args.chart)
    source = Source(Path(args.input), sheet=args.sheet)
    names = _columns(source, args, chart)
    prepared = _prepare(source, names, args)
    options = prepared.options
    try:
        result = _batch(prepared.data, chart, options)
    except SpcInputError as error:
        has_series = names.series is not None
        raise CommandError(_describe(error, prepared.where, has_series)) from None
    result = _restore_x(result, prepared.x, prepared.data.height, chart.is_subgroup).select(COLUMNS)
    suffix = "" if output is None else output.suffix.lower()
    charts = _charts(prepared.data, chart, options, args.title) if suffix in IMAGE_SUFFIXES else []
    del prepared  # the input: large, and not needed to write the output

    if output is None:
        _write_stdout(result)
    elif suffix in IMAGE_SUFFIXES:
        x_title, y_title = names.x or "", names.y
        atomic_write(
            output,
            lambda path: _write_image(
                charts, path, suffix, title=args.title, x_title=x_title, y_title=y_title
            ),
        )
    elif suffix == ".csv":
        atomic_write(output, lambda path: _write_csv(result, path))
    elif suffix == ".parquet":
        atomic_write(output, lambda path: _write_parquet(result, path))
    else:
        document = json_document(result, chart=chart.value, rules=options.rules.value)
        atomic_write(output, lambda path: document.write_json(path))
    return 0


def _batch(data: pl.DataFrame, chart: Any, options: SpcOptions) -> pl.DataFrame:
    from coproduce.spc import spc_batch

    has = data.columns
    return spc_batch(
        data,
        chart=chart,
        y="y",
        x="x" if "x" in has else None,
        n="n" if "n" in has else None,
        series="series" if "series" in has else None,
        options=options,
    )


def _describe(error: Any, where: Where, has_series: bool) -> str:
    """``series 'A', row 7 (line 8 of data.csv): reason`` from an engine error."""
    parts = []
    if has_series and error.series is not None:
        parts.append(f"series {error.series!r}")
    if error.row is not None and error.row >= 1:
        parts.append(where(error.row - 1, series=has_series and error.series is None))
    reason = getattr(error, "reason", str(error))
    return f"{', '.join(parts)}: {reason}" if parts else str(reason)


def _restore_x(
    result: pl.DataFrame, xv: XValues | None, height: int, subgroup: bool
) -> pl.DataFrame:
    """Put back x as written (a CSV's "Jan 2026" stays "Jan 2026")."""
    if xv is None or xv.text is None:
        return result
    if not subgroup and result.height == height:  # one output row per input row
        return result.with_columns(xv.text.alias("x"))
    mapping = pl.DataFrame({"x": xv.values, "__text": xv.text}).unique(
        subset="x", keep="first", maintain_order=True
    )
    return (
        result.join(mapping, on="x", how="left", maintain_order="left")
        .with_columns(pl.col("__text").alias("x"))
        .drop("__text")
    )


# --------------------------------------------------------------------------- writing


def _write_parquet(result: pl.DataFrame, path: Path) -> None:
    # LZ4 and no column statistics: about twice as fast to write as the defaults (zstd with
    # statistics) for millions of rows; Polars' default row groups let both cores compress.
    result.write_parquet(path, compression="lz4", statistics=False)


def _write_csv(result: pl.DataFrame, path: Path) -> None:
    result.write_csv(path, datetime_format=DATETIME_FORMAT)


def _write_stdout(result: pl.DataFrame) -> None:
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    try:
        if buffer is not None:
            result.write_csv(buffer, datetime_format=DATETIME_FORMAT)
            buffer.flush()
        else:
            sys.stdout.write(result.write_csv(datetime_format=DATETIME_FORMAT))
    except OSError as error:  # `coproduce spc … | head` closes the pipe: stop quietly
        # Polars raises a plain OSError whose errno is only in the message.
        if error.errno != errno.EPIPE and f"os error {errno.EPIPE})" not in str(error):
            raise
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def json_document(result: pl.DataFrame, *, chart: str, rules: str) -> pl.DataFrame:
    """The JSON output: a list with one object per series, in input order::

        [{"series": "A", "chart": "i", "rules": "anhoej",
          "variation": null, "assurance": null,
          "points": [{"x": "2026-01-01", "y": 12.0, "n": null, "cl": …, …,
                      "signal_rules": ["outside_limits"], "point_type": null}, …]},
         …]

    Each point has the per-point columns of :data:`COLUMNS`; ``signal_rules`` is a list;
    dates are ISO strings; missing numbers are ``null``. ``series`` is ``null`` when the
    input has no series column. ``variation`` and ``assurance`` are set with ``--rules mdc``.
    """
    point_columns = [c for c in COLUMNS if c not in ("series", *SERIES_FIELDS)]
    points = result.with_columns(
        pl.when(pl.col("signal_rules") == "")
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.col("signal_rules").cast(pl.String).str.split(";"))
        .alias("signal_rules")
    )
    return points.group_by("series", maintain_order=True).agg(
        pl.lit(chart).alias("chart"),
        pl.lit(rules).alias("rules"),
        *(pl.col(field).last() for field in SERIES_FIELDS),
        pl.struct(point_columns).alias("points"),
    )


# --------------------------------------------------------------------------- charts


def _charts(
    data: pl.DataFrame, chart: Any, options: SpcOptions, title: str | None
) -> list[tuple[str, SpcResult]]:
    """One :class:`SpcResult` per series, in input order, for drawing."""
    from coproduce.spc import SpcInputError, render, spc

    has = data.columns
    if "series" in has:
        count = data.get_column("series").n_unique()
        if count > render.MAX_CHARTS:
            raise CommandError(
                f"the input has {count} series and an image shows at most "
                f"{render.MAX_CHARTS} charts: write .csv, .parquet or .json instead"
            )
        parts = data.partition_by("series", maintain_order=True, include_key=True)
    else:
        parts = [data]
    charts = []
    for part in parts:
        label = str(part.get_column("series")[0]) if "series" in has else (title or "")
        n = part.get_column("n") if "n" in has else None
        try:
            result = spc(
                part.get_column("y").to_numpy(),
                x=part.get_column("x").to_list() if "x" in has else None,
                n=None if n is None else n.to_numpy(),
                chart=chart,
                options=options,
            )
        except SpcInputError as error:
            where = f"series {label!r}: " if "series" in has else ""
            raise CommandError(f"{where}{error.reason}") from None
        charts.append((label, result))
    return charts


def _write_image(
    charts: list[tuple[str, SpcResult]],
    path: Path,
    suffix: str,
    *,
    title: str | None,
    x_title: str,
    y_title: str,
) -> None:
    from coproduce.spc import render

    if len(charts) == 1:
        label, result = charts[0]
        spec = render.vegalite_spec(
            result, title=title or label or "SPC chart", x_title=x_title, y_title=y_title
        )
    else:
        spec = render.render_multi(charts, title=title or "", x_title=x_title, y_title=y_title)
    if suffix == ".svg":
        path.write_text(render.to_svg(spec), encoding="utf-8")
    elif suffix == ".png":
        path.write_bytes(render.to_png(spec))
    else:
        tables = "\n".join(
            render.data_table_html(
                result, caption=label or title or "SPC chart", x_title=x_title, y_title=y_title
            )
            for label, result in charts
        )
        path.write_text(render.to_html(spec, table_html=tables, page_title=title), encoding="utf-8")
