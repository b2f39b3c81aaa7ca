"""``deliberation_bench.py``: opinion groups, consensus and bridging at 10,000 × 1,000, ours
against red-dwarf on the same matrix (issue 7; ADR 0020).

Data: a seeded model with planted opinion groups and constituencies. Each of G groups (4)
has a stance (+1/-1) on every statement; each participant votes on a random 10% of the
statements and follows their group's stance with probability 0.8, passes with 0.1, and
votes against it otherwise. Constituencies (patient 30%, staff 60%, carer 10%) are drawn
independently of the groups.

Timed, best of R, from the built matrix:

* **ours**: ``coproduce.deliberation.analyse`` (groups, group-informed consensus,
  representative statements, bridging); building the matrix from the arrays is timed apart;
* **red-dwarf** 0.4.0 (PyPI), installed into its own throwaway venv (``--keep-venv`` to
  reuse one): ``reddwarf.implementations.polis.run_pipeline(votes=…, random_state=seed)``
  on the same votes (list of dicts; building that list is not timed). ``--no-red-dwarf``
  skips it.

Agreement: the adjusted Rand index between ours and red-dwarf's group assignments (people
placed by both), and each against the planted groups.

The last lines are for machines:

    BENCH deliberation-groups ours_s=<v> red_dwarf_s=<v> ratio=<red_dwarf/ours> ari=<v> unit=s
    BENCH deliberation-agreement ari_ours_planted=<v> ari_red_dwarf_planted=<v>
        ari_ours_red_dwarf=<v>  (one line)

Run: ``.venv/bin/python benchmarks/deliberation_bench.py --help``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import sklearn
from common import load_line, machine_line, revision, verdict
from sklearn.metrics import adjusted_rand_score

from coproduce.deliberation import VoteMatrix, analyse

BUSY_MEANS = "slow"
TARGET_S = 2.0
RED_DWARF_VERSION = "0.4.0"

RUNNER = r"""
import json, sys, time
import numpy as np
import reddwarf
from importlib.metadata import version
from reddwarf.implementations.polis import run_pipeline
data = np.load(sys.argv[1])
seed, repeats = int(sys.argv[2]), int(sys.argv[3])
votes = [{"participant_id": int(r), "statement_id": int(c), "vote": int(v), "modified": 0}
         for r, c, v in zip(data["rows"], data["cols"], data["values"])]
best = float("inf")
for _ in range(repeats):
    t0 = time.perf_counter()
    result = run_pipeline(votes=votes, random_state=seed)
    best = min(best, time.perf_counter() - t0)
labels = result.participants_df["cluster_id"]
out = {int(p): (None if labels.isna()[p] else int(labels[p])) for p in labels.index}
print(json.dumps({"version": version("red-dwarf"), "seconds": best, "labels": out}))
"""


def generate(
    n: int, m: int, density: float, groups: int, seed: int
) -> tuple[VoteMatrix, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, groups, n)
    stance = rng.choice([-1, 1], size=(groups, m))
    r, c = np.nonzero(rng.random((n, m)) < density)
    u = rng.random(r.size)
    s = stance[truth[r], c]
    v = np.where(u < 0.8, s, np.where(u < 0.9, 0, -s))
    constituency = rng.choice(["patient", "staff", "carer"], size=n, p=[0.3, 0.6, 0.1])
    matrix = VoteMatrix.from_arrays([str(i) for i in range(n)], [str(j) for j in range(m)], r, c, v)
    return matrix, truth, [str(x) for x in constituency]


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    fn()  # warm-up (imports, caches)
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def red_dwarf_python(keep: Path | None, scratch: Path) -> Path | None:
    venv = keep if keep is not None else scratch / "red-dwarf-venv"
    python = venv / "bin" / "python"
    if python.exists():
        probe = subprocess.run(
            [
                str(python),
                "-c",
                "from importlib.metadata import version; print(version('red-dwarf'))",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.stdout.strip() == RED_DWARF_VERSION:
            print(f"red-dwarf: reusing {venv}")
            return python
    print(f"red-dwarf: installing red-dwarf=={RED_DWARF_VERSION} from PyPI into {venv} ...")
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True)
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            f"red-dwarf=={RED_DWARF_VERSION}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        tail = (install.stderr.strip().splitlines() or ["?"])[-1]
        print(f"red-dwarf: could not be installed ({tail}); skipped")
        return None
    return python


def run_red_dwarf(
    python: Path, matrix: VoteMatrix, scratch: Path, seed: int, repeats: int
) -> dict[str, Any] | None:
    data = scratch / "votes.npz"
    np.savez(data, rows=matrix.rows, cols=matrix.cols, values=matrix.values)
    runner = scratch / "red_dwarf_runner.py"
    runner.write_text(RUNNER)
    done = subprocess.run(
        [str(python), str(runner), str(data), str(seed), str(repeats)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        print(f"red-dwarf: the run failed: {tail}")
        return None
    info: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return info


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=1_000)
    parser.add_argument("--density", type=float, default=0.1, help="share voted (0.1)")
    parser.add_argument("--groups", type=int, default=4, help="planted groups (4)")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--repeats", type=int, default=3, help="best of N (3)")
    parser.add_argument("--no-red-dwarf", action="store_true", help="skip red-dwarf")
    parser.add_argument("--keep-venv", type=Path, help="make or reuse red-dwarf's venv here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deliberation-bench-") as tmp:
        return run(args, Path(tmp))


def run(args: argparse.Namespace, scratch: Path) -> int:
    versions = (
        f"NumPy {np.__version__}, SciPy {scipy.__version__}, scikit-learn {sklearn.__version__}"
    )
    print(f"machine: {machine_line(versions)}")
    now = dt.datetime.now(dt.UTC)
    print(f"commit: {revision()}; {now:%Y-%m-%d %H:%M} UTC; {load_line(busy_means=BUSY_MEANS)}")
    t0 = time.perf_counter()
    matrix, truth, constituency = generate(
        args.participants, args.statements, args.density, args.groups, args.seed
    )
    print(
        f"data: {args.participants:,} participants × {args.statements:,} statements, "
        f"{matrix.n_votes:,} votes ({matrix.n_votes / (args.participants * args.statements):.1%}), "
        f"{args.groups} planted groups, seed {args.seed} (generated and built in "
        f"{time.perf_counter() - t0:.2f} s)"
    )
    build_s, _ = best_of(
        args.repeats,
        lambda: VoteMatrix.from_arrays(
            matrix.participants, matrix.statements, matrix.rows, matrix.cols, matrix.values
        ),
    )
    ours_s, result = best_of(args.repeats, lambda: analyse(matrix, constituency, seed=0))
    labels = result.groups.labels
    placed = labels >= 0
    ari_ours = adjusted_rand_score(truth[placed], labels[placed])
    print(
        f"ours: {ours_s:.3f} s (groups + consensus + repness + bridging; best of {args.repeats}); "
        f"matrix from arrays {build_s:.3f} s; k={result.groups.k}, placed {int(placed.sum()):,}, "
        f"silhouettes { {k: round(v, 3) for k, v in result.groups.silhouettes.items()} }"
    )
    ranked = result.bridging.ranking()[:3]
    print(
        f"  top bridging statements: {[matrix.statements[j] for j in ranked]}, "
        f"scores {[round(float(result.bridging.scores[j]), 3) for j in ranked]}"
    )

    rd: dict[str, Any] | None = None
    if not args.no_red_dwarf:
        python = red_dwarf_python(args.keep_venv, scratch)
        if python is not None:
            rd = run_red_dwarf(python, matrix, scratch, 0, args.repeats)
    lines = []
    if rd is not None:
        rd_labels = np.full(matrix.shape[0], -1)
        for p, g in rd["labels"].items():
            if g is not None:
                rd_labels[int(p)] = g
        both = placed & (rd_labels >= 0)
        ari_pair = adjusted_rand_score(labels[both], rd_labels[both])
        rd_placed = rd_labels >= 0
        ari_rd = adjusted_rand_score(truth[rd_placed], rd_labels[rd_placed])
        print(
            f"red-dwarf {rd['version']}: {rd['seconds']:.3f} s (run_pipeline, best of "
            f"{args.repeats}); k={len(set(rd_labels[rd_placed].tolist()))}, placed "
            f"{int(rd_placed.sum()):,}"
        )
        print(
            f"agreement (adjusted Rand index): ours vs red-dwarf {ari_pair:.4f} "
            f"({int(both.sum()):,} placed by both); ours vs planted {ari_ours:.4f}; "
            f"red-dwarf vs planted {ari_rd:.4f}"
        )
        lines.append(
            f"BENCH deliberation-groups ours_s={ours_s:.3f} red_dwarf_s={rd['seconds']:.3f} "
            f"ratio={rd['seconds'] / ours_s:.2f} ari={ari_pair:.4f} unit=s"
        )
        lines.append(
            f"BENCH deliberation-agreement ari_ours_planted={ari_ours:.4f} "
            f"ari_red_dwarf_planted={ari_rd:.4f} ari_ours_red_dwarf={ari_pair:.4f}"
        )
    else:
        print(f"agreement (adjusted Rand index): ours vs planted {ari_ours:.4f}")
        lines.append(f"BENCH deliberation-groups ours_s={ours_s:.3f} unit=s")
        lines.append(f"BENCH deliberation-agreement ari_ours_planted={ari_ours:.4f}")
    print(f"\ntarget: <= {TARGET_S} s on 2 cores: {verdict(ours_s <= TARGET_S)}")
    print(f"{load_line(busy_means=BUSY_MEANS)} (after)")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
