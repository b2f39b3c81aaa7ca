"""The NHS patient experience framework reference set, shipped inside the package.

The default classifier and sentiment model of the web app are trained on it (ADR 0012); a
project can train on its own labelled comments instead. See ``data/README.md`` for the origin
(NHS pxtextmining, MIT licence) and how the file was derived.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

#: Labels need at least this many positive comments to be learnt by default: the 41
#: sub-categories the benchmark reports (``benchmarks/feedback_bench.py``).
DEFAULT_MIN_POSITIVES = 10


@dataclass(frozen=True)
class Reference:
    """Comments, their 0/1 labels (comments × labels) and their sentiment scores."""

    texts: tuple[str, ...]
    label_names: tuple[str, ...]
    labels: np.ndarray
    sentiment: tuple[int | None, ...]
    digest: str  # SHA-256 of the shipped file: keys cached models


def _raw() -> bytes:
    return resources.files("coproduce.experience").joinpath("data/framework_v6.csv.gz").read_bytes()


@cache
def load_reference(min_positives: int = DEFAULT_MIN_POSITIVES) -> Reference:
    """The reference set with every label that has at least ``min_positives`` comments."""
    if min_positives < 1:
        raise ValueError("min_positives must be at least 1")
    raw = _raw()
    reader = csv.reader(io.StringIO(gzip.decompress(raw).decode("utf-8"), newline=""))
    header = next(reader)
    rows = list(reader)
    names = header[2:]
    table = np.array([[cell == "1" for cell in row[2:]] for row in rows], dtype=np.int8)
    chosen = [j for j in range(len(names)) if int(table[:, j].sum()) >= min_positives]
    return Reference(
        texts=tuple(row[0] for row in rows),
        label_names=tuple(names[j] for j in chosen),
        labels=table[:, chosen],
        sentiment=tuple(int(row[1]) if row[1] else None for row in rows),
        digest=hashlib.sha256(raw).hexdigest(),
    )
