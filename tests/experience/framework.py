"""The labelled NHS framework data (tests/data/feedback/), as the evaluations use it.

Comments with no text (empty, or a single space) or the literal "Did not answer" are left
out, with the label "Labelling not possible" that marks them (see the data's README): 6,211
comments remain.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1] / "data" / "feedback"
LABELLED = DATA / "framework_v6_labelled.csv"
FIRST_LABEL = "Not assigned"
TRIVIAL = "Labelling not possible"


@dataclass(frozen=True)
class Framework:
    texts: list[str]
    labels: np.ndarray  # comments × labels, int8
    names: list[str]
    sentiment: list[int | None]  # 1 very positive … 5 very negative


@cache
def framework(min_positives: int = 1) -> Framework:
    """The evaluation comments and every label with at least ``min_positives`` of them."""
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    all_names = [n for n in header[header.index(FIRST_LABEL) :] if n != TRIVIAL]
    kept = [r for r in rows if r["FFT answer"].strip() not in ("", "Did not answer")]
    table = np.array([[r[n].strip() == "1" for n in all_names] for r in kept], dtype=np.int8)
    chosen = [j for j in range(len(all_names)) if table[:, j].sum() >= min_positives]
    return Framework(
        texts=[r["FFT answer"] for r in kept],
        labels=table[:, chosen],
        names=[all_names[j] for j in chosen],
        sentiment=[int(r["Comment sentiment"]) if r["Comment sentiment"] else None for r in kept],
    )
