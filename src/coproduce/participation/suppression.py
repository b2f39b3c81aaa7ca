"""Small-number suppression: no aggregate shows a count of people under 5 (DESIGN.md).

Primary suppression hides every count under the threshold, **zero included**: "nobody from
this group took part" is as disclosive as "one person did". A hidden count is shown as "<5".

Complementary (secondary) suppression stops a hidden count being worked out by subtraction
when the table's total is shown. It hides the next smallest cells, one at a time, until the
hidden cells together come to at least the threshold and none of them can be pinned to one
value by someone who knows the rule (a "<5" cell lies in 0–4, a "[c]" cell is 5 or more).
With exactly one "<5" cell this is the usual rule: hide the next smallest cell too. When no
choice of cells is safe, :func:`suppress_table` hides the total as well.

Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from coproduce.participation.validation import ParticipationInputError

THRESHOLD = 5
"""Counts of people under this are never shown (DESIGN.md, data protection)."""

COMPLEMENTARY_MARK = "[c]"
"""How a cell hidden only to protect another cell is shown."""

SUPPRESSION_NOTE = (
    "Counts under 5 are shown as “<5”. A count marked “[c]” is hidden as well, so that a "
    "count under 5 cannot be worked out from the total."
)

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class SuppressedCount:
    """A count as it may be shown: ``value`` is ``None`` when it is hidden.

    ``shown`` is the text to display ("12", "<5" or "[c]"); ``complementary`` says the count
    is 5 or more and hidden only to protect another cell.
    """

    value: int | None
    shown: str
    complementary: bool = False

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return self.shown


def _check(n: int, key: object = None) -> None:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ParticipationInputError(f"A count must be a whole number (got {n!r})", "count")
    if n < 0:
        where = f" for {key}" if key is not None else ""
        raise ParticipationInputError(f"A count cannot be negative (got {n}{where})", "count")


def suppress_total(n: int, *, threshold: int = THRESHOLD) -> SuppressedCount:
    """One count on its own: shown if at least the threshold, else "<5" (zero included)."""
    _check(n)
    if n < threshold:
        return SuppressedCount(None, f"<{threshold}")
    return SuppressedCount(n, str(n))


def count_phrase(n: int, noun: str, *, threshold: int = THRESHOLD) -> str:
    """A count of people for a sentence: "12 patients", or "fewer than 5 patients"."""
    _check(n)
    if n < threshold:
        return f"fewer than {threshold} {noun}"
    return f"{n} {noun}"


def _pinned(primary: list[int], secondary: list[int], threshold: int) -> bool:
    """Whether the hidden cells are unsafe once the total is known.

    Unsafe when they add up to less than the threshold, or when one of them can take only
    one value given the sum and the ranges ("<5" is 0 to threshold-1; "[c]" is at least the
    threshold, with no upper bound).
    """
    total = sum(primary) + sum(secondary)
    if total < threshold:
        return True
    cells = [(0, threshold - 1) for _ in primary] + [(threshold, None) for _ in secondary]
    lo_sum = sum(lo for lo, _ in cells)
    finite_hi_sum = sum(hi for _, hi in cells if hi is not None)
    unbounded = len(secondary)
    for lo, hi in cells:
        lo_others = lo_sum - lo
        others_unbounded = unbounded - (1 if hi is None else 0) > 0
        if others_unbounded:
            lower = lo
        else:
            hi_others = finite_hi_sum - (hi if hi is not None else 0)
            lower = max(lo, total - hi_others)
        upper = total - lo_others if hi is None else min(hi, total - lo_others)
        if lower == upper:
            return True
    return False


def _choose(
    counts: Mapping[K, int], threshold: int, total_shown: bool
) -> tuple[list[K], list[K], bool]:
    """(primary keys, complementary keys, whether the shown total is safe)."""
    for key, n in counts.items():
        _check(n, key)
    primary = [key for key, n in counts.items() if n < threshold]
    secondary: list[K] = []
    if not total_shown or not primary:
        return primary, secondary, True
    rest = sorted((key for key in counts if counts[key] >= threshold), key=counts.__getitem__)
    primary_values = [counts[key] for key in primary]
    for key in rest:
        if not _pinned(primary_values, [counts[k] for k in secondary], threshold):
            break
        secondary.append(key)
    safe = not _pinned(primary_values, [counts[k] for k in secondary], threshold)
    return primary, secondary, safe


def suppress(
    counts: Mapping[K, int], *, threshold: int = THRESHOLD, total_shown: bool = True
) -> dict[K, SuppressedCount]:
    """Each count as it may be shown, in the order given.

    Args:
        counts: counts of people per group (cells of one table).
        threshold: counts under this (zero included) are shown as "<5".
        total_shown: whether the table's total is shown beside it; if so, complementary
            suppression hides further cells (the smallest first, ties in the order given) so
            that no hidden count can be recovered by subtraction. Use
            :func:`suppress_table` to get a total that is hidden when that cannot be done.
    """
    primary, secondary, _ = _choose(counts, threshold, total_shown)
    hidden_primary = set(primary)
    hidden_secondary = set(secondary)
    shown: dict[K, SuppressedCount] = {}
    for key, n in counts.items():
        if key in hidden_primary:
            shown[key] = SuppressedCount(None, f"<{threshold}")
        elif key in hidden_secondary:
            shown[key] = SuppressedCount(None, COMPLEMENTARY_MARK, complementary=True)
        else:
            shown[key] = SuppressedCount(n, str(n))
    return shown


@dataclass(frozen=True, slots=True)
class SuppressedTable(Generic[K]):
    """A one-way table of counts with its total, both safe to show."""

    cells: dict[K, SuppressedCount]
    total: SuppressedCount


def suppress_table(counts: Mapping[K, int], *, threshold: int = THRESHOLD) -> SuppressedTable[K]:
    """The cells and the total of a table, with complementary suppression.

    The total is hidden when it is under the threshold, or when no choice of cells would keep
    a hidden count from being worked out from it (e.g. cells 0 and 5: the total 5 would show
    that the "<5" cell is 0).
    """
    _, _, safe = _choose(counts, threshold, True)
    cells = suppress(counts, threshold=threshold, total_shown=True)
    total = sum(counts.values())
    if safe or total < threshold:
        return SuppressedTable(cells, suppress_total(total, threshold=threshold))
    return SuppressedTable(cells, SuppressedCount(None, COMPLEMENTARY_MARK, complementary=True))


def percentage(count: SuppressedCount, total: SuppressedCount | int) -> float | None:
    """``count`` as a percentage of ``total`` (0–100), or ``None`` if either is hidden or zero."""
    denominator = total.value if isinstance(total, SuppressedCount) else total
    if count.value is None or not denominator:
        return None
    return 100 * count.value / denominator


def percentages(
    cells: Mapping[K, SuppressedCount], total: SuppressedCount | int
) -> dict[K, float | None]:
    """Each cell as a percentage of ``total``; ``None`` for hidden cells."""
    return {key: percentage(count, total) for key, count in cells.items()}
