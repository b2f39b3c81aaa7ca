"""Plain-English helpers shared by the flags, the equity sentence and the GRIPP2 drafts.

Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence


def join_and(parts: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c" (no Oxford comma)."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def count_of(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 activity", "3 activities": the number and the noun that agrees with it.

    For counts of activities, decisions and contributions. Counts of people go through
    :func:`~coproduce.participation.suppression.count_phrase`, which hides those under 5.
    """
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
