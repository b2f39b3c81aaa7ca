"""``coproduce feedback``: patient-experience comments from the command line.

Subcommands (each reads CSV in UTF-8, with or without a byte-order mark, or Windows-1252;
Excel and Parquet too, through :mod:`coproduce.commands.tables`):

* ``classify``: train a multi-label classifier on labelled comments and label new ones
  (:mod:`coproduce.experience.classify`);
* ``themes``: find themes in comments without labels (:mod:`coproduce.experience.themes`);
* ``redact``: replace direct identifiers (NHS numbers, phone numbers, e-mail addresses,
  postcodes, dates of birth, names) in one text column by tags
  (:mod:`coproduce.experience.redact`), keeping every other cell as written.

The output is written to a temporary file beside the target and renamed when complete, so a
failed run leaves no output file. Bad input prints one line naming the file, the row and the
column (never the comment text, nor any other cell of a text column) and exits with status
2. Comment text is never printed, logged or put into an error message.

This module is imported when ``coproduce`` builds its parser, so at module level it imports
nothing but the standard library; Polars, NumPy and scikit-learn load when a subcommand runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coproduce.commands.output import atomic_write, csv_path, write_csv

if TYPE_CHECKING:
    import polars as pl

    from coproduce.commands.tables import Source, Where

PROG = "coproduce feedback"

#: Label cells read as 0 or 1 (after trimming spaces); anything else is an error.
LABEL_VALUES = {"0": 0, "1": 1, "0.0": 0, "1.0": 1}

CLASSIFY_DESCRIPTION = """\
Train a multi-label classifier on labelled comments (TRAIN) and label new ones (INPUT).
Every column of TRAIN other than the text column and the id column is a label holding 0 or
1 (names may contain commas and ampersands). The output has one row per row of INPUT: the id,
then one 0/1 column per label, under the same names and in TRAIN's order.

The model: TF-IDF of words and of character n-grams, one linear SVM per label, and a
decision threshold per label chosen by cross-validation on TRAIN (ADR 0012). Training on
6,000 comments takes about 12 seconds on two cores; nothing is downloaded."""

CLASSIFY_EPILOG = """\
example:
  coproduce feedback classify --train labelled.csv --input new.csv \\
      --text-col comment --id-col id --output labels.csv

Exit status: 0 on success, 2 on bad input (one line on standard error naming the file, the
row and the column; no output file is written). Comment text is never printed."""

THEMES_DESCRIPTION = """\
Find themes in comments without labels (non-negative matrix factorisation of word TF-IDF;
about one theme per 50 comments, at most 15, unless --themes is given).

The output (OUTPUT) has one row per row of INPUT, in input order, with three columns:
  the id (the --id-col column, under its name; without --id-col a column "row" holding the
      data row number, 1 for the first row under the header),
  theme_id (1, 2, … from the largest theme; 0 for a comment with no usable words),
  theme_label (the theme's top terms, e.g. "waiting time, ambulance, long"; empty for 0).
With --themes-output, a second file has one row per theme: theme_id, theme_label, size,
terms (separated by "; ") and examples (the ids of its most typical comments, "; ")."""

THEMES_EPILOG = """\
example:
  coproduce feedback themes comments.csv --text-col comment --id-col id \\
      --output themes.csv --themes-output theme_list.csv

The same input and --seed give the same themes. Exit status: 0 on success, 2 on bad input."""


REDACT_DESCRIPTION = """\
Replace direct identifiers in the text column by tags: [NHS_NUMBER] (ten digits passing the
Modulus 11 check), [PHONE], [EMAIL], [POSTCODE], [DATE_OF_BIRTH] and [NAME] (ADR 0013).
The output has the same rows (blank ones included) and the same columns, in the same order,
with every other cell exactly as read (as text); only the text column changes. Redacting an
already redacted file changes nothing."""

REDACT_EPILOG = """\
example:
  coproduce feedback redact fft_october.csv --text-col comment --output fft_october_redacted.csv

Exit status: 0 on success, 2 on bad input (no output file is written). A summary of how many
identifiers of each kind were replaced goes to standard error; comment text is never printed."""


class _Exit(Exception):
    """Raised by the steps below with a one-line message; mapped to exit status 2."""


# --------------------------------------------------------------------------- the parser


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``feedback`` and its subcommands to the ``coproduce`` parser."""
    feedback = commands.add_parser(
        "feedback",
        help="redact, classify and theme patient-experience comments",
        description="Patient-experience comments: redact, classify, themes.",
    )
    sub = feedback.add_subparsers(dest="feedback_command", metavar="SUBCOMMAND", required=True)

    classify = sub.add_parser(
        "classify",
        help="train on labelled comments and label new ones",
        description=CLASSIFY_DESCRIPTION,
        epilog=CLASSIFY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    classify.add_argument("--train", required=True, metavar="TRAIN", help="labelled comments")
    classify.add_argument("--input", required=True, metavar="INPUT", help="comments to label")
    classify.add_argument("--text-col", required=True, metavar="COL", help="the comment text")
    classify.add_argument(
        "--id-col", required=True, metavar="ID", help="the comment id (needed in INPUT)"
    )
    classify.add_argument(
        "-o", "--output", metavar="OUT.csv", help="where to write (default: standard output)"
    )
    classify.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    classify.add_argument(
        "--jobs",
        type=_positive_int,
        default=2,
        help="worker processes for training (default 2; the labels come out the same)",
    )
    classify.set_defaults(func=run_classify)

    themes = sub.add_parser(
        "themes",
        help="find themes in comments without labels",
        description=THEMES_DESCRIPTION,
        epilog=THEMES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    themes.add_argument("input", metavar="INPUT", help="the comments (.csv, .xlsx, .parquet…)")
    themes.add_argument("--text-col", required=True, metavar="COL", help="the comment text")
    themes.add_argument(
        "--id-col", metavar="ID", help="the comment id (default: the data row number)"
    )
    themes.add_argument(
        "-o", "--output", metavar="OUT.csv", help="where to write (default: standard output)"
    )
    themes.add_argument(
        "--themes-output", metavar="THEMES.csv", help="also write one row per theme here"
    )
    themes.add_argument(
        "--themes", type=_positive_int, metavar="K", help="the number of themes (default: rule)"
    )
    themes.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    themes.set_defaults(func=run_themes)

    redact = sub.add_parser(
        "redact",
        help="replace identifiers in a text column by tags",
        description=REDACT_DESCRIPTION,
        epilog=REDACT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    redact.add_argument("input", metavar="INPUT", help="the comments (.csv, .xlsx, .parquet…)")
    redact.add_argument("--text-col", required=True, metavar="COL", help="the text to redact")
    redact.add_argument(
        "-o", "--output", metavar="OUT.csv", help="where to write (default: standard output)"
    )
    redact.set_defaults(func=run_redact)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not at least 1")
    return value


def _guarded(step: Callable[[argparse.Namespace], int], args: argparse.Namespace, prog: str) -> int:
    from coproduce.commands.tables import CommandError

    try:
        return step(args)
    except (CommandError, _Exit) as error:
        sys.stderr.write(f"{prog}: {error}\n")
        return 2


# --------------------------------------------------------------------------- reading


def _source(path: str) -> Source:
    from coproduce.commands.tables import Source

    return Source(Path(path))


def _texts(column: pl.Series) -> list[str]:
    """A text column as Python strings, missing values as empty comments."""
    import polars as pl

    return column.cast(pl.String).fill_null("").to_list()


def _ids(column: pl.Series) -> pl.Series:
    import polars as pl

    return column.cast(pl.String)


def _labels(frame: pl.DataFrame, names: list[str], where: Where, file: str) -> Any:
    """The 0/1 label table (NumPy int8), or :class:`_Exit` naming the first bad cell."""
    import numpy as np
    import polars as pl

    table = np.zeros((frame.height, len(names)), dtype=np.int8)
    for j, name in enumerate(names):
        column = frame.get_column(name)
        if column.dtype == pl.Boolean or column.dtype.is_numeric():
            text = column.cast(pl.Float64).cast(pl.String)
        else:
            text = column.cast(pl.String).str.strip_chars()
        value = text.replace_strict(
            list(LABEL_VALUES), list(LABEL_VALUES.values()), default=None, return_dtype=pl.Int8
        )
        bad = value.is_null()
        if bad.any():
            i = int(bad.arg_true()[0])
            what = "is empty" if column[i] is None else "is not 0 or 1"
            raise _Exit(f"{where(i, series=False)}: label {name!r} {what}")
        table[:, j] = value.to_numpy()
    never = [name for j, name in enumerate(names) if not table[:, j].any()]
    if never:
        raise _Exit(f"label {never[0]!r} is never 1 in {file}: there is nothing to learn it from")
    return table


# --------------------------------------------------------------------------- classify


def run_classify(args: argparse.Namespace) -> int:
    """``coproduce feedback classify``; 0 on success, 2 on bad input."""
    return _guarded(_classify, args, f"{PROG} classify")


def _classify(args: argparse.Namespace) -> int:
    output = csv_path(args.output)
    train = _source(args.train)
    train_text = train.column(args.text_col, option="--text-col")
    assert train_text is not None
    train_id = train.column(args.id_col)
    names = [c for c in train.columns if c not in (train_text, train_id)]
    if not names:
        raise _Exit(
            f"{train.name} has no label columns: every column other than the text "
            f"({train_text!r}) and id columns is a 0/1 label"
        )
    new = _source(args.input)
    input_text = new.column(args.text_col, option="--text-col")
    input_id = new.column(args.id_col, option="--id-col")
    assert input_text is not None and input_id is not None

    table = train.read([train_text, *names], text=[train_text, *names])
    labels = _labels(table.frame, names, table.where, train.name)
    texts = _texts(table.frame.get_column(train_text))
    del table
    rows = new.read([input_id, input_text], text=[input_id, input_text])
    ids = _ids(rows.frame.get_column(input_id))
    new_texts = _texts(rows.frame.get_column(input_text))
    del rows

    import polars as pl

    from coproduce.experience.classify import ClassifierOptions, predict_labels, train_classifier

    model = train_classifier(
        texts, labels, names, options=ClassifierOptions(seed=args.seed, jobs=args.jobs)
    )
    predicted = predict_labels(model, new_texts)
    columns = [ids.alias(input_id)]
    columns.extend(pl.Series(name, predicted[:, j]) for j, name in enumerate(names))
    write_csv(pl.DataFrame(columns), output)
    return 0


# --------------------------------------------------------------------------- themes


def run_themes(args: argparse.Namespace) -> int:
    """``coproduce feedback themes``; 0 on success, 2 on bad input."""
    return _guarded(_themes, args, f"{PROG} themes")


def _themes(args: argparse.Namespace) -> int:
    output = csv_path(args.output)
    extra = csv_path(args.themes_output)
    source = _source(args.input)
    text = source.column(args.text_col, option="--text-col")
    assert text is not None
    id_col = None if args.id_col is None else source.column(args.id_col, option="--id-col")
    wanted = [text] if id_col is None else [id_col, text]
    table = source.read(wanted, text=wanted)
    texts = _texts(table.frame.get_column(text))

    import polars as pl

    from coproduce.experience.themes import ThemeOptions, ThemesError, find_themes

    if id_col is None:
        ids = [str(table.where.row(i)) for i in range(table.frame.height)]
        id_name = "row"
    else:
        id_series = _ids(table.frame.get_column(id_col))
        missing = id_series.is_null()
        if missing.any():
            i = int(missing.arg_true()[0])
            raise _Exit(f"{table.where(i, series=False)}: the id ({id_col!r}) is empty")
        duplicated = id_series.is_duplicated()
        if duplicated.any():
            i = int(duplicated.arg_true()[0])
            raise _Exit(f"{table.where(i, series=False)}: the id ({id_col!r}) is used twice")
        ids = id_series.to_list()
        id_name = id_col
    del table
    try:
        found = find_themes(texts, ids=ids, options=ThemeOptions(k=args.themes, seed=args.seed))
    except ThemesError as error:
        raise _Exit(str(error)) from None
    rows = found.assignments()
    result = pl.DataFrame(
        {
            id_name: [r[0] for r in rows],
            "theme_id": pl.Series([r[1] for r in rows], dtype=pl.Int32),
            "theme_label": [r[2] for r in rows],
        }
    )
    if id_name == "row":
        result = result.with_columns(pl.col("row").cast(pl.Int64))
    if extra is not None:
        listing = pl.DataFrame(
            {
                "theme_id": pl.Series([t.id for t in found.themes], dtype=pl.Int32),
                "theme_label": [t.label for t in found.themes],
                "size": pl.Series([t.size for t in found.themes], dtype=pl.Int64),
                "terms": ["; ".join(t.terms) for t in found.themes],
                "examples": ["; ".join(t.examples) for t in found.themes],
            }
        )
        atomic_write(extra, lambda path: listing.write_csv(path))
    write_csv(result, output)
    return 0


# --------------------------------------------------------------------------- redact


def run_redact(args: argparse.Namespace) -> int:
    """``coproduce feedback redact``; 0 on success, 2 on bad input."""
    return _guarded(_redact, args, f"{PROG} redact")


def _redact(args: argparse.Namespace) -> int:
    output = csv_path(args.output)
    source = _source(args.input)
    text_col = source.column(args.text_col, option="--text-col")
    assert text_col is not None
    frame = source.read_as_text()

    from collections import Counter

    import polars as pl

    from coproduce.experience.redact import redact_many

    column = frame.get_column(text_col)
    present = column.is_not_null()
    values = column.filter(present).to_list()
    redactions = redact_many(values)
    counts = Counter(span.kind for r in redactions for span in r.spans)
    redacted = pl.Series(text_col, [None] * frame.height, dtype=pl.String)
    if values:
        redacted = redacted.scatter(present.arg_true(), [r.text for r in redactions])
    frame = frame.with_columns(redacted)
    write_csv(frame, output)
    found = ", ".join(f"{counts[kind]} {kind.name}" for kind in sorted(counts, key=str)) or "none"
    changed = sum(1 for r in redactions if r.spans)
    rows = f"{frame.height:,} row{'' if frame.height == 1 else 's'}"
    sys.stderr.write(f"{PROG} redact: {rows}, {changed:,} redacted; replaced: {found}\n")
    return 0
