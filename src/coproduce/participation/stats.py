"""Proportions with Wilson score intervals, shared by the profile, equity and reports.

Wilson EB (1927) "Probable inference, the law of succession, and statistical inference",
JASA 22(158):209–212. For k successes in n trials, p̂ = k/n and z the normal quantile,

    centre = (p̂ + z²/2n) / (1 + z²/n)
    half   = z · √(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n)

and the interval is centre ± half. Unlike the Wald interval it stays inside [0, 1] and behaves
at k = 0 and k = n (Newcombe 1998, Stat Med 17:857–872, method 3). Pure: no Django, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from coproduce.participation.validation import ParticipationInputError


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile: 1.959964 for 0.95."""
    if not 0 < confidence < 1:
        raise ParticipationInputError(
            f"The confidence level must be between 0 and 1 (got {confidence})", "confidence"
        )
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion ``successes / n``.

    Example: 8 of 20 at 95% gives (0.2188, 0.6134).
    """
    if n <= 0:
        raise ParticipationInputError("A proportion needs at least one trial", "n")
    if not 0 <= successes <= n:
        raise ParticipationInputError(
            f"Successes must be between 0 and n (got {successes} of {n})", "successes"
        )
    z = z_value(confidence)
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True, slots=True)
class Proportion:
    """``successes`` of ``n``, the share and its Wilson interval at ``confidence``."""

    successes: int
    n: int
    estimate: float
    low: float
    high: float
    confidence: float = 0.95


def proportion(successes: int, n: int, *, confidence: float = 0.95) -> Proportion | None:
    """A :class:`Proportion`, or ``None`` when there is nothing to divide by (n = 0)."""
    if n == 0:
        return None
    low, high = wilson_interval(successes, n, confidence=confidence)
    return Proportion(successes, n, successes / n, low, high, confidence)


def percent(share: float) -> str:
    """A share as a whole percentage for sentences, halves rounded up: 0.125 → "13%".

    ``share * 100`` is rounded to 9 places first, so that a half which binary floating point
    holds a hair below (57/200 = 0.285 is stored as 0.28499999…) still rounds up, to "29%".
    """
    return f"{math.floor(round(share * 100, 9) + 0.5)}%"
