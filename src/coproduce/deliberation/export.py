"""The Pol.is CSV export (votes, comments, participant votes), as rows of strings.

Column names and meanings follow a Pol.is export (``*-votes.csv``, ``*-comments.csv``,
``*-participant-votes.csv``; e.g. polis-community/red-dwarf ``tests/fixtures/csv-export-test``):

* votes: ``timestamp, datetime, comment-id, voter-id, vote`` (1 agree, -1 disagree, 0 pass;
  Unix seconds and the JavaScript ``Date.toString`` text in UTC), by statement then voter;
* comments: ``timestamp, datetime, comment-id, author-id, agrees, disagrees, moderated,
  comment-body`` (moderated: 1 accepted, 0 not yet moderated, -1 rejected);
* participant votes: ``participant, group-id, n-comments, n-votes, n-agree, n-disagree``, then
  one column per statement holding the vote or nothing.

Pol.is ids are integers; ours are written as given. The functions only build rows: the CLI
and the web app write the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from coproduce.deliberation.matrix import AGREE, DISAGREE, DeliberationInputError

__all__ = [
    "COMMENTS_HEADER",
    "PARTICIPANT_VOTES_HEADER",
    "VOTES_HEADER",
    "ExportStatement",
    "ExportVote",
    "polis_comments_rows",
    "polis_participant_votes_rows",
    "polis_votes_rows",
]

VOTES_HEADER = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
COMMENTS_HEADER = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
PARTICIPANT_VOTES_HEADER = (
    "participant",
    "group-id",
    "n-comments",
    "n-votes",
    "n-agree",
    "n-disagree",
)

Row = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExportVote:
    """A participant's final vote on a statement, and when it was cast (aware datetime)."""

    participant: str
    statement: str
    vote: int
    at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ExportStatement:
    """A statement: id, text, author (a participant id; None when seeded), creation time,
    moderation (1 accepted, 0 not yet moderated, -1 rejected)."""

    id: str
    text: str
    author: str | None = None
    created: dt.datetime | None = None
    moderated: int = 1


def _when(at: dt.datetime | None) -> tuple[str, str]:
    if at is None:
        return "", ""
    if at.tzinfo is None:
        raise DeliberationInputError("export times must be timezone-aware")
    utc = at.astimezone(dt.UTC)
    text = utc.strftime("%a %b %d %Y %H:%M:%S") + " GMT+0000 (Coordinated Universal Time)"
    return str(int(utc.timestamp())), text


def _check(votes: Sequence[ExportVote]) -> None:
    seen: set[tuple[str, str]] = set()
    for v in votes:
        if v.vote not in (-1, 0, 1) or isinstance(v.vote, bool):
            raise DeliberationInputError(f"vote {v.vote!r} is not 1, -1 or 0")
        key = (v.participant, v.statement)
        if key in seen:
            raise DeliberationInputError(
                f"{v.participant} has two votes on {v.statement}: pass the final vote only"
            )
        seen.add(key)


def polis_votes_rows(
    votes: Iterable[ExportVote], *, statement_order: Sequence[str] = ()
) -> list[Row]:
    """The votes file's rows (without the header), by statement then voter.

    Statements come in ``statement_order`` and then in first-seen order; voters in
    first-seen order.
    """
    vs = list(votes)
    _check(vs)
    s_rank: dict[str, int] = {s: i for i, s in enumerate(statement_order)}
    p_rank: dict[str, int] = {}
    for v in vs:
        s_rank.setdefault(v.statement, len(s_rank))
        p_rank.setdefault(v.participant, len(p_rank))
    ordered = sorted(vs, key=lambda v: (s_rank[v.statement], p_rank[v.participant]))
    return [(*_when(v.at), v.statement, v.participant, str(v.vote)) for v in ordered]


def polis_comments_rows(
    statements: Sequence[ExportStatement], votes: Iterable[ExportVote]
) -> list[Row]:
    """The comments file's rows, one per statement in the order given, with vote counts."""
    vs = list(votes)
    _check(vs)
    agrees: dict[str, int] = {}
    disagrees: dict[str, int] = {}
    for v in vs:
        if v.vote == AGREE:
            agrees[v.statement] = agrees.get(v.statement, 0) + 1
        elif v.vote == DISAGREE:
            disagrees[v.statement] = disagrees.get(v.statement, 0) + 1
    rows: list[Row] = []
    for s in statements:
        if s.moderated not in (-1, 0, 1):
            raise DeliberationInputError(f"statement {s.id}: moderated must be 1, 0 or -1")
        rows.append(
            (
                *_when(s.created),
                s.id,
                s.author or "",
                str(agrees.get(s.id, 0)),
                str(disagrees.get(s.id, 0)),
                str(s.moderated),
                s.text,
            )
        )
    return rows


def polis_participant_votes_rows(
    statements: Sequence[ExportStatement],
    votes: Iterable[ExportVote],
    groups: Mapping[str, int | None],
) -> tuple[Row, list[Row]]:
    """The participant-votes header and rows: one row per participant in ``groups``' order.

    ``groups`` maps every participant to their opinion group (``None``: not placed).
    """
    vs = list(votes)
    _check(vs)
    column = {s.id: i for i, s in enumerate(statements)}
    cells: dict[str, list[str]] = {p: [""] * len(statements) for p in groups}
    authored: dict[str, int] = {}
    for s in statements:
        if s.author is not None:
            authored[s.author] = authored.get(s.author, 0) + 1
    for v in vs:
        if v.participant not in cells:
            raise DeliberationInputError(f"participant {v.participant} has no group entry")
        if v.statement not in column:
            raise DeliberationInputError(f"vote on unknown statement {v.statement}")
        cells[v.participant][column[v.statement]] = str(v.vote)
    header = (*PARTICIPANT_VOTES_HEADER, *(s.id for s in statements))
    rows = []
    for p, group in groups.items():
        row = cells[p]
        rows.append(
            (
                p,
                "" if group is None else str(group),
                str(authored.get(p, 0)),
                str(sum(1 for c in row if c)),
                str(row.count("1")),
                str(row.count("-1")),
                *row,
            )
        )
    return header, rows
