"""The vote matrix: who voted what on which statement (agree 1, disagree -1, pass 0).

Stored sparsely, as three parallel arrays (participant index, statement index, vote), one
entry per (participant, statement) pair that has a vote; a pass is an entry with value 0,
distinct from "not voted" (no entry). 10,000 participants × 1,000 statements with 10%
voted is one million entries, about 17 MB.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["AGREE", "DISAGREE", "PASS", "DeliberationInputError", "VoteMatrix", "vote_matrix"]

AGREE: Final = 1
DISAGREE: Final = -1
PASS: Final = 0
_VOTES: Final = frozenset({AGREE, DISAGREE, PASS})


class DeliberationInputError(ValueError):
    """Inconsistent input to the deliberation core; the message names what is wrong."""


IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class VoteMatrix:
    """Final votes of ``participants`` on ``statements``.

    Attributes:
        participants: participant ids, in row order.
        statements: statement ids, in column order.
        rows: participant index of each vote (int64).
        cols: statement index of each vote (int64).
        values: the vote (int8): 1 agree, -1 disagree, 0 pass.

    At most one vote per (row, col) pair; build one with :func:`vote_matrix` or
    :meth:`from_arrays`, which keep the last of repeated votes.
    """

    participants: tuple[str, ...]
    statements: tuple[str, ...]
    rows: IntArray
    cols: IntArray
    values: npt.NDArray[np.int8]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participants), len(self.statements)

    @property
    def n_votes(self) -> int:
        return int(self.values.size)

    @classmethod
    def from_arrays(
        cls,
        participants: Sequence[str],
        statements: Sequence[str],
        rows: npt.ArrayLike,
        cols: npt.ArrayLike,
        values: npt.ArrayLike,
    ) -> VoteMatrix:
        """A matrix from index arrays; of repeated (row, col) pairs the last one counts."""
        r = np.asarray(rows, dtype=np.int64).ravel()
        c = np.asarray(cols, dtype=np.int64).ravel()
        v = np.asarray(values).ravel()
        if not (r.size == c.size == v.size):
            raise DeliberationInputError("rows, cols and values must have the same length")
        n, m = len(participants), len(statements)
        if len(set(participants)) != n:
            raise DeliberationInputError("participant ids must be unique")
        if len(set(statements)) != m:
            raise DeliberationInputError("statement ids must be unique")
        if r.size:
            if r.min() < 0 or r.max() >= n:
                raise DeliberationInputError("a participant index is out of range")
            if c.min() < 0 or c.max() >= m:
                raise DeliberationInputError("a statement index is out of range")
            bad = ~np.isin(v, (AGREE, DISAGREE, PASS))
            if bad.any():
                raise DeliberationInputError(
                    f"vote {v[int(np.argmax(bad))]!r} at position {int(np.argmax(bad))} "
                    "is not 1 (agree), -1 (disagree) or 0 (pass)"
                )
        # Last vote wins: unique over the reversed order keeps each pair's last occurrence.
        key = r * max(m, 1) + c
        _, first_in_reversed = np.unique(key[::-1], return_index=True)
        keep = np.sort(key.size - 1 - first_in_reversed)
        return cls(
            participants=tuple(participants),
            statements=tuple(statements),
            rows=r[keep],
            cols=c[keep],
            values=v[keep].astype(np.int8),
        )

    def votes_per_participant(self) -> IntArray:
        """How many statements each participant voted on (passes count)."""
        return np.bincount(self.rows, minlength=len(self.participants)).astype(np.int64)

    def counts(self, labels: npt.ArrayLike, n_labels: int) -> tuple[IntArray, IntArray, IntArray]:
        """Per label and statement: agrees, disagrees, votes seen (passes included).

        ``labels`` gives each participant's label in ``0 .. n_labels - 1`` or -1 (left out).
        Each returned array has shape ``(n_labels, n_statements)``.
        """
        lab = np.asarray(labels, dtype=np.int64)
        if lab.shape != (len(self.participants),):
            raise DeliberationInputError("one label per participant is needed")
        m = len(self.statements)
        per_vote = lab[self.rows]
        use = per_vote >= 0
        idx = per_vote[use] * m + self.cols[use]
        vals = self.values[use]
        size = n_labels * m
        seen = np.bincount(idx, minlength=size)
        agree = np.bincount(idx[vals == AGREE], minlength=size)
        disagree = np.bincount(idx[vals == DISAGREE], minlength=size)
        shape = (n_labels, m)
        return (
            agree.reshape(shape).astype(np.int64),
            disagree.reshape(shape).astype(np.int64),
            seen.reshape(shape).astype(np.int64),
        )


def vote_matrix(
    votes: Iterable[tuple[str, str, int]],
    *,
    participants: Sequence[str] = (),
    statements: Sequence[str] = (),
) -> VoteMatrix:
    """A matrix from ``(participant, statement, vote)`` triples.

    Ids are taken in first-seen order after any given in ``participants`` and ``statements``
    (so people who have not voted yet can be listed). A vote must be 1, -1 or 0; when the
    same person votes on the same statement more than once, the last vote counts.
    """
    p_index: dict[str, int] = {p: i for i, p in enumerate(participants)}
    s_index: dict[str, int] = {s: i for i, s in enumerate(statements)}
    if len(p_index) != len(participants) or len(s_index) != len(statements):
        raise DeliberationInputError("participant and statement ids must be unique")
    rows: list[int] = []
    cols: list[int] = []
    values: list[int] = []
    for n, (participant, statement, vote) in enumerate(votes):
        if vote not in _VOTES or isinstance(vote, bool):
            raise DeliberationInputError(
                f"vote {n}: {vote!r} is not 1 (agree), -1 (disagree) or 0 (pass)"
            )
        rows.append(p_index.setdefault(participant, len(p_index)))
        cols.append(s_index.setdefault(statement, len(s_index)))
        values.append(vote)
    return VoteMatrix.from_arrays(
        tuple(p_index),
        tuple(s_index),
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        np.asarray(values, dtype=np.int8),
    )
