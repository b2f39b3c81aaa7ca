"""One call for the whole analysis: groups, group-informed consensus, repness, bridging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from coproduce.deliberation.groups import OpinionGroups, opinion_groups
from coproduce.deliberation.matrix import VoteMatrix
from coproduce.deliberation.statistics import (
    Bridging,
    RepresentativeStatement,
    constituency_bridging,
    group_informed_consensus,
    representative_statements,
)

__all__ = ["Deliberation", "analyse", "summary_document"]


@dataclass(frozen=True, slots=True)
class Deliberation:
    """Everything the facilitator's screen and the CLI show.

    Attributes:
        matrix: the votes analysed.
        groups: opinion groups (:func:`coproduce.deliberation.opinion_groups`).
        consensus: group-informed consensus per statement (matrix column order).
        representative: each group's representative statements.
        bridging: constituency bridging (:func:`coproduce.deliberation.constituency_bridging`).
    """

    matrix: VoteMatrix
    groups: OpinionGroups
    consensus: npt.NDArray[np.float64]
    representative: dict[int, tuple[RepresentativeStatement, ...]]
    bridging: Bridging


def analyse(
    matrix: VoteMatrix,
    constituencies: Sequence[str | None],
    *,
    seed: int = 0,
    previous: Sequence[int | None] | None = None,
) -> Deliberation:
    """Groups, consensus, representative statements and bridging for ``matrix``.

    ``constituencies`` gives each participant's constituency (matrix row order; ``None`` for
    none); ``previous`` the last run's groups, to keep group ids stable.
    """
    groups = opinion_groups(matrix, seed=seed, previous=previous)
    return Deliberation(
        matrix=matrix,
        groups=groups,
        consensus=group_informed_consensus(matrix, groups.labels),
        representative=representative_statements(matrix, groups.labels),
        bridging=constituency_bridging(matrix, constituencies),
    )


def summary_document(result: Deliberation) -> dict[str, Any]:
    """The ``coproduce deliberation analyse`` JSON document (issue 7 item 6).

    ``{"participants": {id: {"group": int | None}}, "statements": {id:
    {"group_informed_consensus": float, "bridging": float}}, "bridging_statements": [ids,
    best first]}``.
    """
    m = result.matrix
    return {
        "participants": {
            p: {"group": result.groups.group_of(i)} for i, p in enumerate(m.participants)
        },
        "statements": {
            s: {
                "group_informed_consensus": float(result.consensus[j]),
                "bridging": float(result.bridging.scores[j]),
            }
            for j, s in enumerate(m.statements)
        },
        "bridging_statements": [m.statements[j] for j in result.bridging.ranking()],
    }
