"""Deliberation: Pol.is-style opinion groups, consensus and constituency bridging (ADR 0020).

Pure Python (NumPy, SciPy, scikit-learn): no Django, no I/O.
"""

from coproduce.deliberation.analysis import Deliberation, analyse, summary_document
from coproduce.deliberation.export import (
    COMMENTS_HEADER,
    PARTICIPANT_VOTES_HEADER,
    VOTES_HEADER,
    ExportStatement,
    ExportVote,
    polis_comments_rows,
    polis_participant_votes_rows,
    polis_votes_rows,
)
from coproduce.deliberation.groups import (
    BASE_CLUSTERS,
    MAX_GROUPS,
    MIN_VOTES,
    OpinionGroups,
    opinion_groups,
    project_participants,
)
from coproduce.deliberation.matrix import (
    AGREE,
    DISAGREE,
    PASS,
    DeliberationInputError,
    VoteMatrix,
    vote_matrix,
)
from coproduce.deliberation.statistics import (
    BRIDGING_QUANTILE,
    Z_90,
    Bridging,
    RepresentativeStatement,
    constituency_bridging,
    group_informed_consensus,
    prop_test,
    representative_statements,
    two_prop_test,
)

__all__ = [
    "AGREE",
    "BASE_CLUSTERS",
    "BRIDGING_QUANTILE",
    "COMMENTS_HEADER",
    "DISAGREE",
    "MAX_GROUPS",
    "MIN_VOTES",
    "PARTICIPANT_VOTES_HEADER",
    "PASS",
    "VOTES_HEADER",
    "Z_90",
    "Bridging",
    "Deliberation",
    "DeliberationInputError",
    "ExportStatement",
    "ExportVote",
    "OpinionGroups",
    "RepresentativeStatement",
    "VoteMatrix",
    "analyse",
    "constituency_bridging",
    "group_informed_consensus",
    "opinion_groups",
    "polis_comments_rows",
    "polis_participant_votes_rows",
    "polis_votes_rows",
    "project_participants",
    "prop_test",
    "representative_statements",
    "summary_document",
    "two_prop_test",
    "vote_matrix",
]
