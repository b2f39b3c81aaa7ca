"""``coproduce deliberation``: Pol.is-style analysis of agree/disagree/pass votes.

``analyse VOTES.csv --participants PARTICIPANTS.csv --output OUT.json`` reads the final votes
(columns ``participant, statement, vote``: 1 agree, -1 disagree, 0 pass) and every
participant's constituency (``participant, constituency``: e.g. patient, carer, staff), runs
:func:`coproduce.deliberation.analyse` and writes the JSON document of
:func:`coproduce.deliberation.summary_document`.

Input is CSV in UTF-8 (with or without a byte-order mark); extra columns are ignored. Bad
input (a vote that is not 1, -1 or 0, an empty id, a participant missing from PARTICIPANTS,
a participant listed twice, or two rows for the same participant and statement: a vote file
holds final votes, so a repeated pair is refused rather than guessed at) prints one line
naming the file, the row and the column, and exits with status 2; no output is written. The
output is written to a temporary file beside the target and renamed when complete.

At module level this imports only the standard library; NumPy, SciPy and scikit-learn load
when the command runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from coproduce.commands.output import CommandError, atomic_write

PROG = "coproduce deliberation"

VOTE_VALUES = {"1": 1, "-1": -1, "0": 0, "+1": 1, "1.0": 1, "-1.0": -1, "0.0": 0}

ANALYSE_DESCRIPTION = """\
Find opinion groups by the Pol.is method (PCA to two dimensions, k-means with k from 2 to 5
chosen by silhouette; people with fewer than 7 votes are not placed), Pol.is's
group-informed consensus for every statement, and constituency bridging: how far patients,
carers and staff (every constituency in PARTICIPANTS, each counted once whatever its size)
all endorse a statement (ADR 0020).

OUT.json is
  {"participants": {"<id>": {"group": <int or null>}},
   "statements": {"<id>": {"group_informed_consensus": <float>, "bridging": <float>}},
   "bridging_statements": [<ids, best first>]}
with a null group for people with too few votes to place. Every participant in
PARTICIPANTS is listed, voters or not."""

ANALYSE_EPILOG = """\
example:
  coproduce deliberation analyse votes.csv --participants participants.csv --output out.json

The same input and --seed give the same output. Exit status: 0 on success, 2 on bad input
(one line on standard error naming the file, row and column; no output file is written)."""


class _Exit(Exception):
    """A one-line message for standard error; exit status 2."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``deliberation`` and its subcommands to the ``coproduce`` parser."""
    deliberation = commands.add_parser(
        "deliberation",
        help="opinion groups, consensus and bridging from agree/disagree/pass votes",
        description="Pol.is-style deliberation analysis.",
    )
    sub = deliberation.add_subparsers(
        dest="deliberation_command", metavar="SUBCOMMAND", required=True
    )
    analyse = sub.add_parser(
        "analyse",
        help="opinion groups, group-informed consensus and constituency bridging",
        description=ANALYSE_DESCRIPTION,
        epilog=ANALYSE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    analyse.add_argument("votes", metavar="VOTES.csv", help="participant,statement,vote")
    analyse.add_argument(
        "--participants",
        required=True,
        metavar="PARTICIPANTS.csv",
        help="participant,constituency",
    )
    analyse.add_argument("-o", "--output", required=True, metavar="OUT.json", help="where to write")
    analyse.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    analyse.set_defaults(func=run_analyse)


def run_analyse(args: argparse.Namespace) -> int:
    """Run ``deliberation analyse``; 0 on success, 2 (after one line on stderr) on bad input."""
    try:
        return _analyse(args)
    except (_Exit, CommandError) as error:
        sys.stderr.write(f"{PROG} analyse: {error}\n")
        return 2


# --------------------------------------------------------------------------- reading


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    """(data row number, the named cells) for each non-blank row; row 1 is under the header."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise _Exit(f"cannot read {path}: {error.strerror or error}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise _Exit(
                    f"{path.name}: the file is empty (expected columns {', '.join(columns)})"
                )
            names = [h.strip().lower() for h in header]
            where: list[int] = []
            for column in columns:
                if column not in names:
                    raise _Exit(f"{path.name}: no column {column!r} in the header")
                where.append(names.index(column))
            for n, row in enumerate(reader, start=1):
                if not any(cell.strip() for cell in row):
                    continue
                yield n, [row[i].strip() if i < len(row) else "" for i in where]
        except UnicodeDecodeError:
            raise _Exit(f"{path.name}: not UTF-8 text") from None
        except csv.Error as error:
            raise _Exit(f"{path.name}: line {reader.line_num}: {error}") from None


def _where(path: Path, row: int, column: str) -> str:
    return f"{path.name}: row {row} (line {row + 1}), column {column}"


def _read_participants(path: Path) -> dict[str, str]:
    constituency: dict[str, str] = {}
    first: dict[str, int] = {}
    for n, (participant, group) in _rows(path, ("participant", "constituency")):
        if not participant:
            raise _Exit(f"{_where(path, n, 'participant')}: empty participant id")
        if not group:
            raise _Exit(f"{_where(path, n, 'constituency')}: empty constituency")
        if participant in constituency:
            raise _Exit(
                f"{_where(path, n, 'participant')}: participant {participant!r} is already "
                f"listed at row {first[participant]}"
            )
        constituency[participant] = group
        first[participant] = n
    return constituency


def _read_votes(
    path: Path, known: dict[str, str], participants_name: str
) -> list[tuple[str, str, int]]:
    votes: list[tuple[str, str, int]] = []
    first: dict[tuple[str, str], int] = {}
    for n, (participant, statement, vote) in _rows(path, ("participant", "statement", "vote")):
        if not participant:
            raise _Exit(f"{_where(path, n, 'participant')}: empty participant id")
        if participant not in known:
            raise _Exit(
                f"{_where(path, n, 'participant')}: participant {participant!r} is not in "
                f"{participants_name}"
            )
        if not statement:
            raise _Exit(f"{_where(path, n, 'statement')}: empty statement id")
        value = VOTE_VALUES.get(vote)
        if value is None:
            raise _Exit(
                f"{_where(path, n, 'vote')}: {vote!r} is not 1 (agree), -1 (disagree) or 0 (pass)"
            )
        key = (participant, statement)
        if key in first:
            raise _Exit(
                f"{_where(path, n, 'statement')}: participant {participant!r} already voted on "
                f"statement {statement!r} at row {first[key]} (give final votes only)"
            )
        first[key] = n
        votes.append((participant, statement, value))
    return votes


# --------------------------------------------------------------------------- writing


def _output_path(value: str) -> Path:
    path = Path(value)
    if path.suffix.lower() != ".json":
        raise _Exit(f"cannot write {path.name}: the output must be a .json file")
    if not path.parent.is_dir():
        raise _Exit(f"cannot write {path}: no such folder {str(path.parent)!r}")
    if path.is_dir():
        raise _Exit(f"cannot write {path}: it is a folder")
    return path


def _analyse(args: argparse.Namespace) -> int:
    output = _output_path(args.output)
    participants_path = Path(args.participants)
    votes_path = Path(args.votes)
    constituency = _read_participants(participants_path)
    votes = _read_votes(votes_path, constituency, participants_path.name)

    from coproduce.deliberation import analyse, summary_document, vote_matrix

    matrix = vote_matrix(votes, participants=tuple(constituency))
    result = analyse(matrix, [constituency[p] for p in matrix.participants], seed=args.seed)
    document = summary_document(result)
    text = json.dumps(document, indent=1, allow_nan=False) + "\n"
    atomic_write(output, lambda path: path.write_text(text, encoding="utf-8"))
    groups = result.groups
    names = result.bridging.constituencies
    sys.stderr.write(
        f"{PROG} analyse: {_count(len(matrix.participants), 'participant')} "
        f"({int(groups.placed.sum()):,} placed in {_count(groups.k, 'group')}), "
        f"{_count(len(matrix.statements), 'statement')}, {_count(matrix.n_votes, 'vote')}; "
        f"{'constituency' if len(names) == 1 else 'constituencies'}: "
        f"{', '.join(names) if names else 'none'}\n"
    )
    return 0


def _count(n: int, word: str) -> str:
    """``1 vote``, ``2 votes``, ``1,000 votes``: the number and the noun it agrees with."""
    return f"{n:,} {word if n == 1 else word + 's'}"
