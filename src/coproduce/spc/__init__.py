"""Statistical process control: run charts and Shewhart charts, as qicharts2 and NHS England's
Making Data Count compute them.

* :func:`spc` charts one series and returns a frozen :class:`SpcResult`;
* :func:`spc_batch` charts every series of a long Polars table at once, vectorised.

Both give the same numbers. Rendering lives in :mod:`coproduce.spc.render`. No Django, no I/O.
"""

from coproduce.spc.batch import OUTPUT_COLUMNS, spc_batch
from coproduce.spc.single import spc
from coproduce.spc.types import (
    Annotation,
    Assurance,
    ChartType,
    Direction,
    PhaseSummary,
    PointType,
    Rule,
    RuleSet,
    SpcInputError,
    SpcOptions,
    SpcResult,
    Variation,
)

__all__ = [
    "OUTPUT_COLUMNS",
    "Annotation",
    "Assurance",
    "ChartType",
    "Direction",
    "PhaseSummary",
    "PointType",
    "Rule",
    "RuleSet",
    "SpcInputError",
    "SpcOptions",
    "SpcResult",
    "Variation",
    "spc",
    "spc_batch",
]
