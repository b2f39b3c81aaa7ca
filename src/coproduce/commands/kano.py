"""``coproduce kano``: Kano survey analysis from the command line.

Subcommand ``analyse`` reads one row per respondent and attribute (CSV in UTF-8 or
Windows-1252, Excel or Parquet, through :mod:`coproduce.commands.tables`) and writes one row
per attribute and segment, plus one per attribute with segment ``all``
(:mod:`coproduce.kano`, ADR 0019).

The output is written to a temporary file beside the target and renamed when complete, so a
failed run leaves no output file. Bad input prints one line naming the file, the row and the
column, and exits with status 2.

This module is imported when ``coproduce`` builds its parser, so at module level it imports
nothing but the standard library; Polars and NumPy load when the subcommand runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from coproduce.commands.output import csv_path, write_csv

if TYPE_CHECKING:
    import polars as pl

    from coproduce.commands.tables import Source, Where
    from coproduce.kano import KanoAnalysis

PROG = "coproduce kano"

#: The input columns, in the order the help names them.
REQUIRED_COLUMNS = ("respondent", "segment", "attribute", "functional", "dysfunctional")
OPTIONAL_COLUMNS = ("importance",)

#: The output columns; ``importance_mean`` only when the input has an importance column.
OUTPUT_COLUMNS = (
    "attribute",
    "segment",
    "n",
    "A",
    "O",
    "M",
    "I",
    "R",
    "Q",
    "category",
    "better",
    "worse",
    "functional_mean",
    "functional_sd",
    "dysfunctional_mean",
    "dysfunctional_sd",
    "importance_mean",
    "q_share",
    "quadrant",
    "tie",
)

ANALYSE_DESCRIPTION = """\
Analyse a Kano survey (Kano et al. 1984; Berger et al. 1993). RESPONSES has one row per
respondent and attribute, with the columns
  respondent, segment, attribute, functional, dysfunctional  [and optionally importance]
where functional and dysfunctional are answers: like, must-be, neutral, live-with, dislike
(any case; also 1-5 in that order, or "I like it", "I expect it", "I am neutral",
"I can live with it" / "I can tolerate it", "I dislike it").

The output has one row per attribute and segment, then one with segment "all", columns:
  attribute, segment, n, A, O, M, I, R, Q     counts of each category (n = all answers)
  category      the most frequent of A, O, M, I, R; ties go M > O > A > I > R; Q never wins
  better        (A+O)/(A+O+M+I), 0 to 1: how much having it satisfies
  worse         -(O+M)/(A+O+M+I), -1 to 0: how much lacking it dissatisfies
  functional_mean, functional_sd         DuMouchel functional score (like 4, must-be 2,
                                         neutral 0, live-with -1, dislike -2), mean and SD
  dysfunctional_mean, dysfunctional_sd   dysfunctional score (like -2, must-be -1, neutral
                                         0, live-with 2, dislike 4), mean and SD
  importance_mean                        mean importance (only with an importance column)
  q_share       Q/n: a high share suggests the question was misunderstood
  quadrant      A, O, M or I: the Better-|Worse| quadrant, split at 0.5
  tie           the tied categories (e.g. M>O) when the tie rule decided, else empty
better and worse are empty when A+O+M+I = 0."""

ANALYSE_EPILOG = """\
example:
  coproduce kano analyse responses.csv --output kano.csv

Exit status: 0 on success, 2 on bad input (one line on standard error naming the file, the
row and the column; no output file is written)."""


class _Exit(Exception):
    """Raised by the steps below with a one-line message; mapped to exit status 2."""


# --------------------------------------------------------------------------- the parser


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``kano`` and its subcommand ``analyse`` to the ``coproduce`` parser."""
    kano = commands.add_parser(
        "kano",
        help="analyse Kano surveys (must-be, one-dimensional, attractive features)",
        description="Kano surveys: which features people take for granted, which delight.",
    )
    sub = kano.add_subparsers(dest="kano_command", metavar="SUBCOMMAND", required=True)
    analyse = sub.add_parser(
        "analyse",
        aliases=["analyze"],
        help="categories, Better/Worse and continuous scores per attribute and segment",
        description=ANALYSE_DESCRIPTION,
        epilog=ANALYSE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    analyse.add_argument("input", metavar="RESPONSES", help="a .csv, .tsv, .xlsx, .ods or .parquet")
    analyse.add_argument(
        "-o", "--output", metavar="OUT.csv", help="where to write (default: standard output)"
    )
    analyse.add_argument("--sheet", metavar="NAME", help="the Excel sheet (default: the first)")
    analyse.set_defaults(func=run_analyse)


def _guarded(step: Callable[[argparse.Namespace], int], args: argparse.Namespace, prog: str) -> int:
    from coproduce.commands.tables import CommandError

    try:
        return step(args)
    except (CommandError, _Exit) as error:
        sys.stderr.write(f"{prog}: {error}\n")
        return 2


# --------------------------------------------------------------------------- reading


def _shown(value: object, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _text(frame: pl.DataFrame, name: str, label: str, where: Where) -> pl.Series:
    """A column as trimmed text; an empty cell is an error naming row and column."""
    import polars as pl

    column = frame.get_column(name)
    if column.dtype != pl.String:
        column = column.cast(pl.String)
    column = column.str.strip_chars()
    empty = column.is_null() | (column == "")
    if empty.any():
        i = int(empty.arg_true()[0])
        raise _Exit(f"{where(i, series=False)}, column {label!r}: the {label} is empty")
    return column


def _answers(frame: pl.DataFrame, name: str, label: str, where: Where) -> pl.Series:
    """Answer codes 1-5 (Int64), read with the core's spellings; the first bad cell is named."""
    import polars as pl

    from coproduce.kano.answers import ANSWER_ALIASES

    raw = frame.get_column(name)
    text = raw.cast(pl.String) if raw.dtype != pl.String else raw
    key = (
        text.str.strip_chars()
        .str.to_lowercase()
        .str.replace_all("’", "'", literal=True)
        .str.replace_all(r"[\s_\-]+", " ")
        .str.strip_chars(" .!")
    )
    aliases = dict(ANSWER_ALIASES)
    aliases.update({f"{k}.0": v for k, v in ANSWER_ALIASES.items() if k.isdigit()})
    codes = key.replace_strict(
        list(aliases), [int(v) for v in aliases.values()], default=None, return_dtype=pl.Int64
    )
    bad = codes.is_null()
    if bad.any():
        i = int(bad.arg_true()[0])
        cell = raw[i]
        if cell is None or str(cell).strip() == "":
            raise _Exit(f"{where(i, series=False)}, column {label!r}: the answer is empty")
        raise _Exit(
            f"{where(i, series=False)}, column {label!r}: {_shown(cell)} is not a Kano answer "
            "(like, must-be, neutral, live-with, dislike)"
        )
    return codes


def _source(path: str, sheet: str | None) -> Source:
    from coproduce.commands.tables import Source

    return Source(Path(path), sheet=sheet)


def result_frame(analysis: KanoAnalysis, *, importance: bool) -> pl.DataFrame:
    """The output table: one row per result, :data:`OUTPUT_COLUMNS` (less
    ``importance_mean`` unless ``importance``)."""
    import polars as pl

    rows = analysis.results
    counts = {c: [r.counts[c] for r in rows] for c in ("A", "O", "M", "I", "R", "Q")}
    data: dict[str, pl.Series] = {
        "attribute": pl.Series([r.attribute for r in rows], dtype=pl.String),
        "segment": pl.Series([r.segment for r in rows], dtype=pl.String),
        "n": pl.Series([r.n for r in rows], dtype=pl.Int64),
        **{c: pl.Series(v, dtype=pl.Int64) for c, v in counts.items()},
        "category": pl.Series([r.category.value for r in rows], dtype=pl.String),
        "better": pl.Series([r.better for r in rows], dtype=pl.Float64),
        "worse": pl.Series([r.worse for r in rows], dtype=pl.Float64),
        "functional_mean": pl.Series([r.functional_mean for r in rows], dtype=pl.Float64),
        "functional_sd": pl.Series([r.functional_sd for r in rows], dtype=pl.Float64),
        "dysfunctional_mean": pl.Series([r.dysfunctional_mean for r in rows], dtype=pl.Float64),
        "dysfunctional_sd": pl.Series([r.dysfunctional_sd for r in rows], dtype=pl.Float64),
        "importance_mean": pl.Series([r.importance_mean for r in rows], dtype=pl.Float64),
        "q_share": pl.Series([r.q_share for r in rows], dtype=pl.Float64),
        "quadrant": pl.Series(
            [None if r.quadrant is None else r.quadrant.value for r in rows], dtype=pl.String
        ),
        "tie": pl.Series(
            [">".join(c.value for c in r.tied) if len(r.tied) > 1 else None for r in rows],
            dtype=pl.String,
        ),
    }
    if not importance:
        del data["importance_mean"]
    return pl.DataFrame(data)


# --------------------------------------------------------------------------- analyse


def run_analyse(args: argparse.Namespace) -> int:
    """``coproduce kano analyse``; 0 on success, 2 on bad input."""
    return _guarded(_analyse, args, f"{PROG} analyse")


def _analyse(args: argparse.Namespace) -> int:
    output = csv_path(args.output)
    source = _source(args.input, args.sheet)
    names: dict[str, str] = {}
    for wanted in REQUIRED_COLUMNS:
        found = source.column(wanted)
        if found is None:
            shown = ", ".join(repr(c) for c in source.columns[:20])
            more = ", …" if len(source.columns) > 20 else ""
            raise _Exit(
                f"{source.name} has no column {wanted!r} (it needs "
                f"{', '.join(REQUIRED_COLUMNS)}); it has {shown}{more}"
            )
        names[wanted] = found
    for wanted in OPTIONAL_COLUMNS:
        found = source.column(wanted)
        if found is not None:
            names[wanted] = found
    text_columns = [names[c] for c in REQUIRED_COLUMNS]
    table = source.read(list(names.values()), text=text_columns)
    frame, where = table.frame, table.where

    import polars as pl

    from coproduce.commands.tables import numbers

    respondent = _text(frame, names["respondent"], "respondent", where)
    segment = _text(frame, names["segment"], "segment", where)
    attribute = _text(frame, names["attribute"], "attribute", where)
    functional = _answers(frame, names["functional"], "functional", where)
    dysfunctional = _answers(frame, names["dysfunctional"], "dysfunctional", where)
    importance = None
    if "importance" in names:
        importance = numbers(frame.get_column(names["importance"]), "importance", where)

    reserved = segment.str.to_lowercase() == "all"
    if reserved.any():
        i = int(reserved.arg_true()[0])
        raise _Exit(
            f"{where(i, series=False)}, column 'segment': {_shown(segment[i])} is reserved for "
            "the row of all segments; rename that segment"
        )
    pairs = pl.DataFrame({"r": respondent, "a": attribute}).with_row_index("i")
    repeated = pairs.select(pl.struct("r", "a").is_first_distinct().not_()).to_series()
    if repeated.any():
        i = int(repeated.arg_true()[0])
        first = pairs.filter((pl.col("r") == respondent[i]) & (pl.col("a") == attribute[i])).item(
            0, "i"
        )
        raise _Exit(
            f"{where(i, series=False)}, column 'respondent': respondent "
            f"{_shown(respondent[i])} answers attribute {_shown(attribute[i])} a second time "
            f"(first at row {where.row(int(first))})"
        )

    from coproduce.kano import KanoInputError, analyse_columns

    try:
        analysis = analyse_columns(
            attribute=attribute.to_numpy(),
            segment=segment.to_numpy(),
            functional=functional.to_numpy(),
            dysfunctional=dysfunctional.to_numpy(),
            importance=None if importance is None else importance.to_numpy(),
        )
    except KanoInputError as error:  # checked above already; kept for safety
        at = "" if error.index is None else f"{where(error.index, series=False)}, "
        column = "" if error.column is None else f"column {error.column!r}: "
        raise _Exit(f"{at}{column}{error.reason}") from None
    write_csv(result_frame(analysis, importance=importance is not None), output)
    return 0
