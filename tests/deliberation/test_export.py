"""The Pol.is CSV export rows (format as in a Pol.is export, e.g. red-dwarf's fixtures)."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.deliberation import (
    COMMENTS_HEADER,
    PARTICIPANT_VOTES_HEADER,
    VOTES_HEADER,
    DeliberationInputError,
    ExportStatement,
    ExportVote,
    polis_comments_rows,
    polis_participant_votes_rows,
    polis_votes_rows,
)

# 2025-05-31 15:27:10 UTC is 1748705230, written by JavaScript's Date.toString as below
# (the first row of a Pol.is votes export).
AT = dt.datetime(2025, 5, 31, 15, 27, 10, tzinfo=dt.UTC)
STATEMENTS = [
    ExportStatement("0", "More evening clinics", author=None, created=AT),
    ExportStatement("1", "Parking is a problem", author="p2", moderated=0),
]
VOTES = [
    ExportVote("p2", "1", 1),
    ExportVote("p1", "0", -1, at=AT),
    ExportVote("p2", "0", 0),
    ExportVote("p1", "1", 1),
]


def test_headers_match_pol_is() -> None:
    assert ",".join(VOTES_HEADER) == "timestamp,datetime,comment-id,voter-id,vote"
    assert ",".join(COMMENTS_HEADER) == (
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"
    )
    assert ",".join(PARTICIPANT_VOTES_HEADER) == (
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree"
    )


def test_votes_rows_by_statement_then_first_seen_voter_with_javascript_dates() -> None:
    rows = polis_votes_rows(VOTES, statement_order=["0", "1"])
    assert rows[1] == (
        "1748705230",
        "Sat May 31 2025 15:27:10 GMT+0000 (Coordinated Universal Time)",
        "0",
        "p1",
        "-1",
    )
    assert [(r[2], r[3]) for r in rows] == [("0", "p2"), ("0", "p1"), ("1", "p2"), ("1", "p1")]


def test_comments_rows_count_agrees_and_disagrees() -> None:
    rows = polis_comments_rows(STATEMENTS, VOTES)
    assert [r[2:] for r in rows] == [
        ("0", "", "0", "1", "1", "More evening clinics"),
        ("1", "p2", "2", "0", "0", "Parking is a problem"),
    ]


def test_participant_votes_rows() -> None:
    header, rows = polis_participant_votes_rows(STATEMENTS, VOTES, {"p1": 0, "p2": None})
    assert header == (*PARTICIPANT_VOTES_HEADER, "0", "1")
    assert rows == [
        ("p1", "0", "0", "2", "1", "1", "-1", "1"),
        ("p2", "", "1", "2", "1", "0", "0", "1"),
    ]


def test_two_votes_for_one_pair_or_naive_times_are_refused() -> None:
    with pytest.raises(DeliberationInputError, match="final vote"):
        polis_votes_rows([*VOTES, ExportVote("p1", "0", 1)])
    with pytest.raises(DeliberationInputError, match="timezone"):
        polis_votes_rows([ExportVote("p1", "0", 1, at=dt.datetime(2025, 1, 1))])  # noqa: DTZ001
