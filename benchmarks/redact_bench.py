"""``redact_bench.py``: identifier redaction, speed and accuracy, against a naive baseline and
scrubadub, in one run (issue 6; ADR 0013).

Data:

* the synthetic evaluation set (``coproduce.experience.synthetic``, N comments from a seed),
  with gold spans for every identifier and labelled hard negatives;
* the real comments of ``tests/data/feedback/framework_v6_labelled.csv`` (column
  ``FFT answer``), for speed on typical FFT comments and for how many are flagged, compared
  with the labellers' ``Person identifiable info?`` column. Only counts are printed: no
  comment text, and no redacted piece, ever reaches the output.

Redactors, each timed best of R on one core over the same texts:

* **ours**: ``coproduce.experience.redact.redact_many``;
* **naive**: one regular expression per kind applied one after another (NHS number with the
  same Modulus 11 check, phone, e-mail, postcode, date after a birth word, and names as a
  title plus a capitalised word or any word of the same first-name list);
* **scrubadub** 2.0.1 (PyPI), installed into its own throwaway venv, ``Scrubber(locale="en_GB")``
  with its default detectors plus ``DateOfBirthDetector``. Its name detector needs NLTK
  corpora downloaded at run time, so it is not used: scrubadub finds no names (and has no
  NHS-number detector). ``--no-scrubadub`` skips it.

Scoring (``coproduce.experience.synthetic.evaluate``): an identifier is recalled when every
non-space character of it is redacted (whatever the tag); a predicted span is correct when
it overlaps an identifier.

The last lines are for machines:

    BENCH redact comments_per_s=<v> recall=<v> precision=<v> real_comments_per_s=<v>
    BENCH redact-naive comments_per_s=<v> recall=<v> precision=<v> real_comments_per_s=<v>
    BENCH redact-scrubadub comments_per_s=<v> recall=<v> precision=<v> real_comments_per_s=<v>
    BENCH redact ours=<v> naive=<v> scrubadub=<v> ratio=<ours/naive> unit=comments/s

Run: ``.venv/bin/python benchmarks/redact_bench.py --help``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from common import load_line, machine_line, revision, verdict

from coproduce.experience.redact import IdentifierKind, nhs_number_is_valid, redact_many
from coproduce.experience.redact_names import AMBIGUOUS_FIRST_NAMES, FIRST_NAMES
from coproduce.experience.synthetic import (
    DEFAULT_SEED,
    Evaluation,
    evaluate,
    generate_comments,
)

BUSY_MEANS = "low"
TARGET_PER_S = 20_000
TARGET_RECALL = 0.99
TARGET_PRECISION = 0.95
SCRUBADUB_VERSION = "2.0.1"
REAL = Path(__file__).resolve().parents[1] / "tests/data/feedback/framework_v6_labelled.csv"

K = IdentifierKind
Spans = list[tuple[int, int, IdentifierKind | None]]

# --------------------------------------------------------------------------- naive baseline

_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?(?: of)? [A-Za-z]{3,9},?(?: \d{2,4})?"
    r"|[A-Za-z]{3,9} \d{1,2}(?:st|nd|rd|th)?,?(?: \d{2,4})?)"
)
_NAIVE: list[tuple[IdentifierKind, re.Pattern[str]]] = [
    (K.EMAIL, re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    (K.NHS_NUMBER, re.compile(r"\b\d{3}[ \-]?\d{3}[ \-]?\d{4}\b")),
    (
        K.PHONE,
        re.compile(r"(?:\+44 ?(?:\(0\) ?)?|\(?0)\d{2,4}\)?[ \-]?\d{3,4}[ \-]?\d{3,4}\b"),
    ),
    (K.POSTCODE, re.compile(r"(?i)\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")),
    (
        K.DATE_OF_BIRTH,
        re.compile(rf"(?i)(?:born|dob|d\.o\.b\.?|date of birth)\W+(?:(?:is|on|was) )?({_DATE})"),
    ),
    (K.NAME, re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Nurse|Sister|Doctor)\.? ([A-Z][a-z]+)")),
    (
        K.NAME,
        re.compile(
            r"\b(?:"
            + "|".join(sorted(FIRST_NAMES | AMBIGUOUS_FIRST_NAMES, key=len, reverse=True))
            + r")\b"
        ),
    ),
]


def naive_spans(text: str) -> Spans:
    """Each pattern in turn over the text; a later finding that overlaps an earlier is dropped."""
    spans: Spans = []
    for kind, pattern in _NAIVE:
        for m in pattern.finditer(text):
            group = 1 if pattern.groups else 0
            start, end = m.span(group)
            if kind is K.NHS_NUMBER and not nhs_number_is_valid(m.group()):
                continue
            if all(end <= s or start >= e for s, e, _ in spans):
                spans.append((start, end, kind))
    spans.sort(key=lambda s: s[0])
    return spans


def naive_redact(texts: Sequence[str]) -> list[tuple[str, Spans]]:
    out = []
    for text in texts:
        spans = naive_spans(text)
        pieces, pos = [], 0
        for start, end, kind in spans:
            pieces += [text[pos:start], f"[{kind.value}]" if kind else "[X]"]
            pos = end
        pieces.append(text[pos:])
        out.append(("".join(pieces), spans))
    return out


# --------------------------------------------------------------------------- scrubadub

# Runs inside scrubadub's venv: argv = texts.json repeats. Writes spans JSON to stdout.
SCRUBADUB_RUNNER = r"""
import json, sys, time
import scrubadub, scrubadub.detectors
texts = json.load(open(sys.argv[1]))
repeats = int(sys.argv[2])
scrubber = scrubadub.Scrubber(locale="en_GB")
scrubber.add_detector(scrubadub.detectors.DateOfBirthDetector(require_context=True))
def run(ts):
    return [[(f.beg, f.end, f.type) for f in scrubber.iter_filth(t)] for t in ts]
run(texts[:50])
best = float("inf")
for _ in range(repeats):
    t0 = time.perf_counter()
    spans = run(texts)
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"version": scrubadub.__version__, "seconds": best, "spans": spans,
                  "detectors": sorted(scrubber._detectors)}))
"""

_SCRUB_KIND = {
    "phone": K.PHONE,
    "email": K.EMAIL,
    "postalcode": K.POSTCODE,
    "date_of_birth": K.DATE_OF_BIRTH,
    "name": K.NAME,
}


def scrubadub_python(keep: Path | None, scratch: Path) -> Path | None:
    venv = keep if keep is not None else scratch / "scrubadub-venv"
    python = venv / "bin" / "python"
    if python.exists():
        probe = subprocess.run(
            [str(python), "-c", "import scrubadub; print(scrubadub.__version__)"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.stdout.strip() == SCRUBADUB_VERSION:
            print(f"scrubadub: reusing {venv}")
            return python
    print(f"scrubadub: installing scrubadub=={SCRUBADUB_VERSION} from PyPI into {venv} ...")
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
            f"scrubadub=={SCRUBADUB_VERSION}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if install.returncode != 0:
        print("scrubadub: could not be installed; skipped")
        return None
    return python


def run_scrubadub(
    python: Path, texts: Sequence[str], scratch: Path, repeats: int
) -> dict[str, Any]:
    src = scratch / f"texts-{len(texts)}.json"
    src.write_text(json.dumps(list(texts)))
    runner = scratch / "scrubadub_runner.py"
    runner.write_text(SCRUBADUB_RUNNER)
    done = subprocess.run(
        [str(python), str(runner), str(src), str(repeats)],
        capture_output=True,
        text=True,
        check=False,
    )
    src.unlink()  # the real comments are not left on disk
    if done.returncode != 0:
        # Its error output may quote a comment: show only the exception's type.
        last = (done.stderr.strip().splitlines() or ["?"])[-1].split(":")[0]
        raise SystemExit(f"redact_bench: the scrubadub run failed ({last})")
    info: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return info


# --------------------------------------------------------------------------- helpers


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    fn()  # warm-up
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def read_real(path: Path) -> tuple[list[str], list[str]]:
    """The comments and the labellers' "Person identifiable info?" values (raw strings)."""
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    texts = [row.get("FFT answer") or "" for row in rows]
    flags = [(row.get("Person identifiable info?") or "").strip() for row in rows]
    return texts, flags


def report_eval(name: str, e: Evaluation) -> None:
    print(
        f"  {name}: recall {e.recall:.4f} ({e.overall.recalled}/{e.overall.gold}), "
        f"precision {e.precision:.4f} ({e.overall.correct}/{e.overall.predicted}); "
        f"flagged {e.comments_flagged} of {e.comments} "
        f"({e.comments_flagged_without_identifiers} with no identifier)"
    )
    for s in e.by_kind:
        print(
            f"    {s.kind.value if s.kind else 'all':14s} recall {s.recall:.4f} "
            f"({s.recalled}/{s.gold}, right tag {s.right_kind})  precision {s.precision:.4f} "
            f"({s.correct}/{s.predicted})"
        )
    missed = [f"{v} {m}/{n}" for v, m, n in e.missed_by_variant if m]
    print(f"    missed by variant: {', '.join(missed[:12]) or 'none'}")
    fps = [f"{label} {n}" for label, n in e.false_positives_by_trap]
    print(
        f"    false positives on hard negatives: {', '.join(fps) or 'none'}; "
        f"elsewhere {e.other_false_positives}; characters redacted outside identifiers "
        f"{e.redacted_chars_outside_gold}"
    )


def name_rule(text: str, start: int) -> str:
    """Which cue a NAME span followed, from the words before it (for counts only)."""
    head = text[max(0, start - 25) : start].lower()
    if re.search(
        r"\b(?:mrs?|ms|mx|miss|dr|prof|professor|doctor|nurse|sister|matron|sir|rev)\.?\s+$", head
    ):
        return "title"
    if re.search(r"\b(?:name is|name was|name's|called|named|known as)\s+$", head):
        return "introduction"
    if start == 0 or re.search(r"[.!?]\s+$", head):
        return "list, sentence start"
    return "list or context, mid-sentence"


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=5000, help="synthetic comments (5000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--repeats", type=int, default=3, help="best of N (3)")
    parser.add_argument("--real", type=Path, default=REAL, help="the labelled FFT comments CSV")
    parser.add_argument("--no-scrubadub", action="store_true", help="skip scrubadub")
    parser.add_argument("--keep-venv", type=Path, help="make or reuse scrubadub's venv here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="redact-bench-") as tmp:
        return run(args, Path(tmp))


def run(args: argparse.Namespace, scratch: Path) -> int:
    print(f"machine: {machine_line('pure Python re')}")
    now = dt.datetime.now(dt.UTC)
    print(f"commit: {revision()}; {now:%Y-%m-%d %H:%M} UTC; {load_line(busy_means=BUSY_MEANS)}")
    comments = generate_comments(args.comments, seed=args.seed)
    texts = [c.text for c in comments]
    mean = sum(map(len, texts)) / max(1, len(texts))
    print(
        f"synthetic: {len(texts):,} comments, seed {args.seed}, mean {mean:.0f} characters, "
        f"{sum(len(c.gold) for c in comments):,} identifiers, "
        f"{sum(len(c.traps) for c in comments):,} hard negatives"
    )
    real: list[str] = []
    labels: list[str] = []
    if args.real.exists():
        real, labels = read_real(args.real)
        nonempty = [t for t in real if t.strip()]
        print(
            f"real: {args.real.name}, {len(real):,} rows, {len(nonempty):,} with a comment, "
            f"mean {sum(map(len, nonempty)) / max(1, len(nonempty)):.0f} characters"
        )
    else:
        print(f"real: {args.real} not found; real-comment figures skipped")

    results: dict[str, dict[str, Any]] = {}

    # Ours.
    seconds, reds = best_of(args.repeats, lambda: redact_many(texts))
    ours_eval = evaluate(comments, [[(s.start, s.end, s.kind) for s in r.spans] for r in reds])
    ours: dict[str, Any] = {"rate": len(texts) / seconds, "eval": ours_eval}
    if real:
        real_seconds, real_reds = best_of(args.repeats, lambda: redact_many(real))
        ours["real_rate"] = len(real) / real_seconds
        ours["real_flags"] = [r.identifying for r in real_reds]
        ours["real_reds"] = real_reds
    results["ours"] = ours

    # Naive.
    seconds, naive = best_of(args.repeats, lambda: naive_redact(texts))
    naive_eval = evaluate(comments, [spans for _, spans in naive])
    results["naive"] = {"rate": len(texts) / seconds, "eval": naive_eval}
    if real:
        real_seconds, real_naive = best_of(args.repeats, lambda: naive_redact(real))
        results["naive"]["real_rate"] = len(real) / real_seconds
        results["naive"]["real_flags"] = [bool(spans) for _, spans in real_naive]

    # scrubadub.
    python = None if args.no_scrubadub else scrubadub_python(args.keep_venv, scratch)
    if python is not None:
        info = run_scrubadub(python, texts, scratch, args.repeats)
        spans: list[Spans] = [
            [(b, e, _SCRUB_KIND.get(t)) for b, e, t in per] for per in info["spans"]
        ]
        results["scrubadub"] = {
            "rate": len(texts) / info["seconds"],
            "eval": evaluate(comments, spans),
        }
        print(f"scrubadub: {info['version']}, detectors {', '.join(info['detectors'])}")
        if real:
            rinfo = run_scrubadub(python, real, scratch, args.repeats)
            results["scrubadub"]["real_rate"] = len(real) / rinfo["seconds"]
            results["scrubadub"]["real_flags"] = [bool(per) for per in rinfo["spans"]]

    print("\nsynthetic set:")
    for name, r in results.items():
        print(
            f"  {name}: {r['rate']:,.0f} comments/s"
            + (f"; real comments {r['real_rate']:,.0f}/s" if "real_rate" in r else "")
        )
    for name, r in results.items():
        report_eval(name, r["eval"])

    if real:
        print("\nreal comments (counts only):")
        rows_with_text = [i for i, t in enumerate(real) if t.strip()]
        label_values = Counter(labels[i] or "(empty)" for i in rows_with_text)
        print(
            f"  labellers' 'Person identifiable info?' values on rows with a comment: "
            f"{dict(label_values)}"
        )
        labelled_yes = {i for i in rows_with_text if labels[i].lower() in {"1", "yes", "y", "true"}}
        for name, r in results.items():
            flags = r.get("real_flags")
            if flags is None:
                continue
            flagged = {i for i in rows_with_text if flags[i]}
            print(f"  {name}: flagged {len(flagged)} of {len(rows_with_text)} comments")
            print("    agreement   labellers yes   labellers no/empty")
            both, ours_only = len(flagged & labelled_yes), len(flagged - labelled_yes)
            print(f"    flagged     {both:13d}   {ours_only:18d}")
            print(
                f"    not flagged {len(labelled_yes - flagged):13d}   "
                f"{len(set(rows_with_text) - flagged - labelled_yes):18d}"
            )
        reds = results["ours"]["real_reds"]
        kinds = Counter(s.kind.value for red in reds for s in red.spans)
        print(f"  ours, spans by kind: {dict(kinds) or 'none'}")
        rules = Counter(
            name_rule(real[i], s.start)
            for i, red in enumerate(reds)
            for s in red.spans
            if s.kind is K.NAME
        )
        print(f"  ours, names by cue: {dict(rules) or 'none'}")
        placeholders = sum(1 for t in real if re.search(r"(?i)\bx{3,}\b", t))
        print(
            "  comments containing an 'XXX'-style placeholder (text already scrubbed): "
            f"{placeholders}"
        )

    o = results["ours"]
    print()
    ok_speed = o.get("real_rate", o["rate"]) >= TARGET_PER_S
    print(
        f"targets: >= {TARGET_PER_S:,} typical comments/s on one core: "
        f"{verdict(ok_speed)}; "
        f"recall >= {TARGET_RECALL}: {verdict(o['eval'].recall >= TARGET_RECALL)}; "
        f"precision >= {TARGET_PRECISION}: {verdict(o['eval'].precision >= TARGET_PRECISION)}"
    )
    for name, label in (
        ("ours", "redact"),
        ("naive", "redact-naive"),
        ("scrubadub", "redact-scrubadub"),
    ):
        if name in results:
            r = results[name]
            real_part = f" real_comments_per_s={r['real_rate']:.0f}" if "real_rate" in r else ""
            print(
                f"BENCH {label} comments_per_s={r['rate']:.0f} recall={r['eval'].recall:.4f} "
                f"precision={r['eval'].precision:.4f}{real_part}"
            )
    scrub = f" scrubadub={results['scrubadub']['rate']:.0f}" if "scrubadub" in results else ""
    print(
        f"BENCH redact ours={o['rate']:.0f} naive={results['naive']['rate']:.0f}{scrub} "
        f"ratio={o['rate'] / results['naive']['rate']:.2f} unit=comments/s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
