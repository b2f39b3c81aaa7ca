"""``make bench-spc``: the SPC engine and CLI timed against clinical-qikit, in one run.

K series x P monthly points (fixed seed) are written to Parquet and CSV in a temporary
folder. Then, on this machine and in this one run:

* the library: ``coproduce.spc.spc_batch`` on the Polars frame (best of ``--repeats``);
* the whole CLI process: ``coproduce spc in.parquet ... --output out.parquet``, wall time
  and the child's own peak RSS (from ``wait4``), best of ``--repeats``; CSV input once;
* a single chart of 100 points through ``coproduce.spc.spc`` (median of many calls);
* clinical-qikit, pinned, installed from PyPI into a throwaway venv, on the first
  ``--qikit-series`` series: ``qic(chart="i", method="anhoej")`` per series, which is
  the I chart plus Anhøj runs analysis, as ours.

Our I-chart limits (cl, lcl, ucl of every point) must equal qikit's on the shared series
(relative 1e-9), from the library and from the CLI's Parquet; otherwise the script exits 1.

Run it with ``make bench-spc`` or ``.venv/bin/python benchmarks/spc_bench.py --help``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from common import load_line, machine_line, revision

#: Which way a busy machine skews this benchmark's figures.
BUSY_MEANS = "low"

QIKIT_VERSION = "0.5.0"
REL_TOL = 1e-9
START = dt.date(2023, 1, 1)  # the first month of every series

# Targets from the issue (2 cores).
TARGET_CLI_SERIES_PER_S = 100_000
TARGET_RATIO = 300
TARGET_PEAK_RSS_MIB = 2048
TARGET_SINGLE100_MS = 5.0

# Runs inside the qikit venv: argv = in.csv out.csv repeats. Prints one JSON line.
# Two ways to chart every series of a long table with qikit, each collecting the per-point
# results into one table (as our batch call returns one): "arrays" splits the columns once
# and calls qic(x=..., y=...) per series, "data" calls qic(data=group, x="x", y="y") per
# pandas group. Reading the CSV is not timed. The faster way is the headline figure.
QIKIT_RUNNER = textwrap.dedent(
    """
    import json, sys, time
    import numpy as np
    import pandas as pd
    import qikit

    src, dst, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    df = pd.read_csv(src, parse_dates=["x"])
    KEEP = ["x", "cl", "lcl", "ucl", "sigma_signal", "runs_signal"]

    def collect(pairs):
        frames = []
        for key, r in pairs:
            d = r.data[KEEP].copy()
            d.insert(0, "series", key)
            frames.append(d)
        return pd.concat(frames, ignore_index=True)

    def arrays():
        codes, keys = pd.factorize(df["series"])
        cut = np.flatnonzero(np.diff(codes)) + 1
        xs = np.split(df["x"].to_numpy(), cut)
        ys = np.split(df["y"].to_numpy(), cut)
        return collect(
            (key, qikit.qic(x=x, y=y, chart="i", method="anhoej"))
            for key, x, y in zip(keys, xs, ys)
        )

    def data():
        return collect(
            (key, qikit.qic(data=g, x="x", y="y", chart="i", method="anhoej"))
            for key, g in df.groupby("series", sort=False)
        )

    def best(fn):
        fn()  # warm up
        times, out = [], None
        for _ in range(repeats):
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        return min(times), out

    t_arrays, out = best(arrays)
    t_data, out_data = best(data)
    same = float(np.nanmax(np.abs(
        out[["cl", "lcl", "ucl"]].to_numpy() - out_data[["cl", "lcl", "ucl"]].to_numpy()
    )))
    out["x"] = out["x"].dt.strftime("%Y-%m-%d")
    out.to_csv(dst, index=False)

    # qikit's own many-series call: one qic() with facets=, once.
    t0 = time.perf_counter()
    qikit.qic(data=df, x="x", y="y", chart="i", method="anhoej", facets="series")
    t_facets = time.perf_counter() - t0

    print(json.dumps({
        "version": qikit.__version__,
        "env": f"Python {sys.version.split()[0]}, pandas {pd.__version__}, numpy {np.__version__}",
        "series": int(df["series"].nunique()),
        "arrays_seconds": t_arrays,
        "data_seconds": t_data,
        "facets_seconds": t_facets,
        "arrays_vs_data_max_abs_diff": same,
    }))
    """
)


@dataclass
class ProcRun:
    seconds: float
    cpu_seconds: float  # user + system of the child
    peak_rss_mib: float


# --------------------------------------------------------------------------- data


def make_table(n_series: int, n_points: int, seed: int) -> pl.DataFrame:
    """A long table as a user would export it: one row per series and month.

    Each series has its own level and spread; a quarter of them shift by 1.5-3 sigma
    part-way through, and one in ten has a single outlier, so charts have signals to find.
    """
    rng = np.random.default_rng(seed)
    level = rng.normal(50.0, 10.0, n_series)
    spread = rng.uniform(1.0, 5.0, n_series)
    z = rng.standard_normal((n_series, n_points))

    cols = np.arange(n_points)
    shifted = rng.random(n_series) < 0.25
    shift_at = rng.integers(n_points // 3, max(n_points // 3 + 1, n_points - 6), n_series)
    shift_by = rng.choice([-1.0, 1.0], n_series) * rng.uniform(1.5, 3.0, n_series)
    z += np.where(shifted[:, None] & (cols[None, :] >= shift_at[:, None]), shift_by[:, None], 0)

    has_outlier = rng.random(n_series) < 0.10
    where = rng.integers(0, n_points, n_series)
    rows = np.flatnonzero(has_outlier)
    z[rows, where[rows]] += rng.choice([-4.5, 4.5], rows.size)

    y = np.round(level[:, None] + spread[:, None] * z, 3)
    months = pl.date_range(
        START, _add_months(START, n_points - 1), interval="1mo", eager=True
    ).to_numpy()
    width = max(6, len(str(n_series)))
    ids = pl.int_range(1, n_series + 1, eager=True).cast(pl.String).str.zfill(width)
    return pl.DataFrame(
        {
            "series": ("S" + ids).gather(np.repeat(np.arange(n_series), n_points)),
            "x": np.tile(months, n_series),
            "y": y.ravel(),
        }
    ).with_columns(pl.col("x").cast(pl.Date))


def _add_months(d: dt.date, months: int) -> dt.date:
    m = d.month - 1 + months
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


# --------------------------------------------------------------------------- timing


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def run_process(cmd: Sequence[str], log: Path) -> ProcRun:
    """Run one child to the end; its own wall time and peak RSS (wait4, not the
    cumulative RUSAGE_CHILDREN, which would include earlier children)."""
    with log.open("wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(log.read_text(errors="replace")[-4000:])
        raise SystemExit(f"spc_bench: {' '.join(map(str, cmd))} exited {proc.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return ProcRun(seconds, cpu, usage.ru_maxrss / 1024)  # ru_maxrss is KiB on Linux


# --------------------------------------------------------------------------- ours


def time_library(table: pl.DataFrame, repeats: int) -> tuple[float, Any]:
    from coproduce.spc import spc_batch

    return best_of(repeats, lambda: spc_batch(table, chart="i", series="series", x="x", y="y"))


def time_single100(seed: int, calls: int) -> float:
    """Median milliseconds of one 100-point I chart through the library."""
    from coproduce.spc import spc

    rng = np.random.default_rng(seed)
    x = pl.date_range(START, _add_months(START, 99), interval="1mo", eager=True).to_list()
    y = rng.normal(50.0, 5.0, 100)
    y[60:] += 8.0
    for _ in range(5):
        spc(y, x=x, chart="i")
    samples = []
    for _ in range(calls):
        t0 = time.perf_counter()
        spc(y, x=x, chart="i")
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1e3


def cli_command(src: Path, dst: Path) -> list[str]:
    exe = Path(sys.executable).with_name("coproduce")
    return [
        str(exe),
        "spc",
        str(src),
        "--chart",
        "i",
        "--series-col",
        "series",
        "--x-col",
        "x",
        "--y-col",
        "y",
        "--output",
        str(dst),
    ]


def profile_cli(src: Path, scratch: Path) -> None:
    """The CLI's main() in this process under cProfile (imports already done: the child's
    start-up and imports are not in it), the 25 costliest calls by cumulative time."""
    import cProfile
    import pstats

    from coproduce import cli

    argv = cli_command(src, scratch / "profile_out.parquet")[1:]
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.runcall(cli.main, argv)
    print(f"\nprofile of the CLI in-process ({time.perf_counter() - t0:.2f} s under cProfile):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


def our_limits_from_library(subset: pl.DataFrame) -> pl.DataFrame:
    """Our limits on the shared series, with MR screening on as qikit always does."""
    from coproduce.spc import SpcOptions, spc_batch

    result = spc_batch(
        subset, chart="i", series="series", x="x", y="y", options=SpcOptions(screened=True)
    )
    return limits_frame(result)


def limits_frame(result: Any) -> pl.DataFrame:
    """series, x (ISO date string), cl, lcl, ucl from whatever spc_batch returned."""
    if isinstance(result, pl.DataFrame):
        frame = result
    elif hasattr(result, "to_polars"):
        frame = result.to_polars()
    elif isinstance(result, dict):  # series key -> SpcResult
        frame = pl.concat(
            [
                pl.DataFrame(
                    {
                        "series": [key] * len(r),
                        "x": list(r.x),
                        "cl": r.cl,
                        "lcl": r.lcl,
                        "ucl": r.ucl,
                    }
                )
                for key, r in result.items()
            ]
        )
    else:
        raise TypeError(f"spc_batch returned {type(result).__name__}; teach limits_frame it")
    return frame.select(
        pl.col("series").cast(pl.String),
        pl.col("x").cast(pl.String),
        *(pl.col(c).cast(pl.Float64) for c in ("cl", "lcl", "ucl")),
    )


# --------------------------------------------------------------------------- qikit


def qikit_venv(keep: Path | None, scratch: Path) -> Path:
    venv = keep if keep is not None else scratch / "qikit-venv"
    python = venv / "bin" / "python"
    if python.exists():
        probe = subprocess.run(
            [str(python), "-c", "import qikit; print(qikit.__version__)"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.stdout.strip() == QIKIT_VERSION:
            print(f"qikit: reusing {venv} (clinical-qikit {QIKIT_VERSION})")
            return python
    print(f"qikit: installing clinical-qikit=={QIKIT_VERSION} from PyPI into {venv} ...")
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
            f"clinical-qikit=={QIKIT_VERSION}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        sys.stderr.write(install.stdout + install.stderr)
        raise SystemExit("spc_bench: could not install clinical-qikit")
    return python


def run_qikit(python: Path, subset_csv: Path, scratch: Path, repeats: int) -> dict[str, Any]:
    runner = scratch / "qikit_runner.py"
    runner.write_text(QIKIT_RUNNER)
    out_csv = scratch / "qikit_limits.csv"
    done = subprocess.run(
        [str(python), str(runner), str(subset_csv), str(out_csv), str(repeats)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("spc_bench: the qikit run failed")
    info: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    info["limits"] = pl.read_csv(out_csv, schema_overrides={"series": pl.String, "x": pl.String})
    return info


# --------------------------------------------------------------------------- comparison


def compare(ours: pl.DataFrame, theirs: pl.DataFrame, label: str) -> tuple[bool, float, int]:
    """True when every cl/lcl/ucl agrees within REL_TOL; the largest relative difference."""
    joined = theirs.select("series", "x", "cl", "lcl", "ucl").join(
        ours, on=["series", "x"], how="left", suffix="_ours"
    )
    points = joined.height
    worst, ok = 0.0, True
    for col in ("cl", "lcl", "ucl"):
        a = joined[f"{col}_ours"].to_numpy().astype(float)
        b = joined[col].to_numpy().astype(float)
        both_nan = np.isnan(a) & np.isnan(b)
        diff = np.abs(a - b)
        scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)
        rel = np.where(both_nan, 0.0, diff / scale)
        rel = np.where(np.isnan(rel), np.inf, rel)  # NaN on one side only: disagreement
        worst = max(worst, float(rel.max(initial=0.0)))
        bad = int((rel > REL_TOL).sum())
        if bad:
            ok = False
            print(f"  {label}: {col} disagrees on {bad} of {points} points")
    return ok, worst, points


# --------------------------------------------------------------------------- report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=200_000, help="K series (200000)")
    parser.add_argument("--points", type=int, default=36, help="points per series (36)")
    parser.add_argument(
        "--qikit-series", type=int, default=500, help="series run through qikit (500)"
    )
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--repeats", type=int, default=3, help="best of N (3)")
    parser.add_argument("--single-calls", type=int, default=500, help="calls for single100")
    parser.add_argument(
        "--keep-venv", type=Path, help="make or reuse the qikit venv here instead of a temp one"
    )
    parser.add_argument("--workdir", type=Path, help="keep the generated files here")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run the CLI once in-process under cProfile and print where the time goes",
    )
    args = parser.parse_args(argv)

    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return run(args, args.workdir)
    with tempfile.TemporaryDirectory(prefix="spc-bench-") as tmp:
        return run(args, Path(tmp))


def run(args: argparse.Namespace, scratch: Path) -> int:
    k, p, q = args.series, args.points, min(args.qikit_series, args.series)
    versions = f"numpy {np.__version__}, polars {pl.__version__}"
    print(f"machine: {machine_line(versions)}")
    now = dt.datetime.now(dt.UTC)
    print(f"commit: {revision()}; {now:%Y-%m-%d %H:%M} UTC; {load_line(busy_means=BUSY_MEANS)}")
    print(f"data: {k:,} series x {p} monthly points from {START}, seed {args.seed}")

    t0 = time.perf_counter()
    table = make_table(k, p, args.seed)
    src_parquet, src_csv = scratch / "in.parquet", scratch / "in.csv"
    table.write_parquet(src_parquet)
    table.write_csv(src_csv)
    first = table["series"].unique(maintain_order=True).head(q)
    subset = table.filter(pl.col("series").is_in(first.implode()))
    subset_csv = scratch / "qikit_in.csv"
    subset.write_csv(subset_csv)
    print(
        f"  generated and written in {time.perf_counter() - t0:.1f} s "
        f"(parquet {src_parquet.stat().st_size / 2**20:.1f} MiB, "
        f"csv {src_csv.stat().st_size / 2**20:.1f} MiB)"
    )

    # qikit first: it also proves the venv before the long part.
    python = qikit_venv(args.keep_venv, scratch)
    qk = run_qikit(python, subset_csv, scratch, args.repeats)
    qk["seconds"] = min(qk["arrays_seconds"], qk["data_seconds"])
    qk_rate = qk["series"] / qk["seconds"]
    print(f"qikit: clinical-qikit {qk['version']} ({qk['env']}), {qk['series']} series")

    # Ours: library, CLI (Parquet, best of N; CSV once), single chart.
    lib_seconds, _ = time_library(table, args.repeats)
    lib_rate = k / lib_seconds

    runs = [
        run_process(cli_command(src_parquet, scratch / "out.parquet"), scratch / "cli.log")
        for _ in range(args.repeats)
    ]
    cli = min(runs, key=lambda r: r.seconds)
    cli_rate = k / cli.seconds
    peak_rss = max(r.peak_rss_mib for r in runs)
    csv_run = run_process(cli_command(src_csv, scratch / "out_csv.parquet"), scratch / "csv.log")
    csv_rate = k / csv_run.seconds
    out_rows = pl.scan_parquet(scratch / "out.parquet").select(pl.len()).collect().item()

    single_ms = time_single100(args.seed, args.single_calls)
    if args.profile:
        profile_cli(src_parquet, scratch)

    # Like for like: qikit always screens moving ranges (one pass, MR > 3.267 * mean MR
    # dropped, d2 = 1.128), as qicharts2 attached and our default screened=True do.
    print(f"\nlimits check on the {q} shared series (MR screening on, as qikit always does):")
    lib_ok, lib_worst, n_pts = compare(our_limits_from_library(subset), qk["limits"], "library")
    cli_out = pl.read_parquet(scratch / "out.parquet").filter(
        pl.col("series").cast(pl.String).is_in(first.implode())
    )
    cli_ok, cli_worst, _ = compare(limits_frame(cli_out), qk["limits"], "CLI output")
    print(f"  library vs qikit: {n_pts} points, max relative difference {lib_worst:.2e}")
    print(f"  CLI     vs qikit: {n_pts} points, max relative difference {cli_worst:.2e}")

    ratio = cli_rate / qk_rate
    rows = [
        ("ours  library spc_batch (in memory)", k, lib_seconds, lib_rate),
        ("ours  CLI process, Parquet -> Parquet", k, cli.seconds, cli_rate),
        ("ours  CLI process, CSV -> Parquet (once)", k, csv_run.seconds, csv_rate),
    ]
    for way, key in [
        ("qic(x=, y=) per series", "arrays_seconds"),
        ("qic(data=group) per series", "data_seconds"),
        ("qic(facets=) one call, once", "facets_seconds"),
    ]:
        rows.append((f"qikit {qk['version']} {way}", q, qk[key], q / qk[key]))
    print(f"\n{'what':<50} {'series':>9} {'seconds':>9} {'series/s':>11}")
    for what, n, sec, rate in rows:
        print(f"{what:<50} {n:>9,} {sec:>9.3f} {rate:>11,.0f}")
    print(
        f"CLI output rows: {out_rows:,}; CLI peak RSS {peak_rss:,.0f} MiB; "
        f"CLI CPU time (user+sys) {cli.cpu_seconds:.2f} s in {cli.seconds:.2f} s wall; "
        f"CLI runs (s): {', '.join(f'{r.seconds:.2f}' for r in runs)}"
    )
    print(f"after: {load_line(busy_means=BUSY_MEANS)}")
    print(f"single 100-point I chart (library): median {single_ms:.3f} ms")
    print(
        f"qikit headline: the faster per-series way ({qk_rate:,.0f} series/s, compute only, "
        f"CSV reading not timed); its two ways agree to {qk['arrays_vs_data_max_abs_diff']:.1e}"
    )

    print("\ntargets (issue, 2 cores):")
    for ok, text in [
        (cli_rate >= TARGET_CLI_SERIES_PER_S, f"CLI >= {TARGET_CLI_SERIES_PER_S:,} series/s"),
        (ratio >= TARGET_RATIO, f"CLI >= {TARGET_RATIO}x qikit (got {ratio:,.0f}x)"),
        (peak_rss < TARGET_PEAK_RSS_MIB, f"CLI peak RSS < {TARGET_PEAK_RSS_MIB} MiB"),
        (single_ms < TARGET_SINGLE100_MS, f"single 100-point chart < {TARGET_SINGLE100_MS} ms"),
        (lib_ok and cli_ok, f"I-chart limits equal qikit's (relative {REL_TOL:g})"),
    ]:
        print(f"  [{'met' if ok else 'MISSED'}] {text}")
    if k != 200_000 or p != 36:
        print(f"  (the targets are for 200,000 x 36; this run is {k:,} x {p})")

    print(f"\nBENCH spc-library ours={lib_rate:.0f} unit=series/s")
    print(f"BENCH spc-single100 ours={single_ms:.3f} unit=ms")
    print(f"BENCH spc-cli-peak-rss ours={peak_rss:.0f} unit=MiB")
    print(f"BENCH spc ours={cli_rate:.0f} qikit={qk_rate:.1f} ratio={ratio:.0f} unit=series/s")
    return 0 if lib_ok and cli_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
