"""Comment classification, sentiment and themes: quality and speed, ours beside a baseline.

Run with ``.venv/bin/python benchmarks/feedback_bench.py`` (``--help`` for options). In one
run, on the labelled NHS framework data (tests/data/feedback/, 6,211 comments once the
"no text" and "Did not answer" ones are left out, see its README):

* **classification quality**: K-fold cross-validation (5 folds, seeds 0, 1 and 2 by
  default) of ``coproduce.experience.cross_validate`` (our model: TF-IDF of words and
  character n-grams, one linear SVM per label, per-label thresholds from an inner
  cross-validation) and of the baseline, the plain TF-IDF + logistic regression that the
  issue measured: scikit-learn ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
  min_df=2)`` and one ``LogisticRegression(class_weight="balanced")`` per label (liblinear),
  probability above 0.5. Same folds for both; features refitted in each fold; F1 per label
  on the pooled out-of-fold predictions; macro-F1 over the 41 labels with at least 10
  positives and over the 37 with at least 20;
* **speed**: comments per second to label ``--comments`` comments (drawn with replacement
  from the framework texts, seeded) with a model trained on all 6,211, best of
  ``--repeats``, one process (so one core): ours (``predict_labels``), ours with sentiment
  (``analyse``: the two models share one vectorisation), the baseline (``predict_proba``),
  and the whole pipeline, identifier redaction (``coproduce.experience.redact.redact_many``,
  ADR 0013) then ``analyse`` on the redacted text;
* **sentiment**: 5-fold cross-validation of the 5-point and three-way models;
* **themes**: ``find_themes`` on the 6,211 comments and on the ``--comments`` sample;
* **CLI**: ``coproduce feedback classify`` as a child process, training on the 6,211
  comments (41 labels) and labelling the ``--comments`` sample, wall time start to exit.

The last lines are for machines:

    BENCH feedback-classify model=ours macro_f1=… macro_f1_37=… comments_per_s=…
    BENCH feedback-classify model=baseline macro_f1=… macro_f1_37=… comments_per_s=…
    BENCH feedback-pipeline comments_per_s=… target=10000 (classify + sentiment)
    BENCH feedback-end-to-end comments_per_s=… target=5000 (redact + classify + sentiment)
    BENCH feedback-sentiment accuracy5=… macro_f1_5=… accuracy3=… macro_f1_3=…
    BENCH feedback-themes comments=… s=…
    BENCH feedback-cli-classify comments=… s=…

It exits 0 whatever the figures; a missed target is reported in words.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from common import load_line, machine_line, revision, verdict

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "feedback" / "framework_v6_labelled.csv"
TRIVIAL = "Labelling not possible"
TARGET_MACRO_F1 = 0.55
#: Our share of the 5,000 comments/s pipeline (redaction takes the rest): 0.1 ms a comment.
TARGET_PER_S = 10_000
BUSY_MEANS = "low (slower, and CV timings longer)"


@dataclass(frozen=True)
class Data:
    texts: list[str]
    labels: np.ndarray
    names: list[str]
    sentiment: list[int | None]


def load() -> Data:
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    names = [n for n in header[header.index("Not assigned") :] if n != TRIVIAL]
    kept = [r for r in rows if r["FFT answer"].strip() not in ("", "Did not answer")]
    table = np.array([[r[n].strip() == "1" for n in names] for r in kept], dtype=np.int8)
    used = [j for j in range(len(names)) if table[:, j].sum() >= 10]
    return Data(
        texts=[r["FFT answer"] for r in kept],
        labels=table[:, used],
        names=[names[j] for j in used],
        sentiment=[int(r["Comment sentiment"]) if r["Comment sentiment"] else None for r in kept],
    )


# --------------------------------------------------------------------------- the baseline


class Baseline:
    """TF-IDF word 1–2-grams + one balanced logistic regression per label (the issue's)."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def fit(self, texts: Sequence[str], labels: np.ndarray) -> Baseline:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
        x = self.vectoriser.fit_transform(texts)
        self.coef = np.zeros((x.shape[1], labels.shape[1]))
        self.intercept = np.zeros(labels.shape[1])
        for j in range(labels.shape[1]):
            y = labels[:, j]
            if y.min() == y.max():
                self.intercept[j] = 10.0 if y[0] else -10.0
                continue
            model = LogisticRegression(
                class_weight="balanced", solver="liblinear", random_state=self.seed
            ).fit(x, y)
            self.coef[:, j] = model.coef_[0]
            self.intercept[j] = model.intercept_[0]
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        scores = self.vectoriser.transform(texts) @ self.coef + self.intercept
        result: np.ndarray = 1.0 / (1.0 + np.exp(-scores))
        return result

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return (self.predict_proba(texts) > 0.5).astype(np.uint8)


# --------------------------------------------------------------------------- quality


@dataclass(frozen=True)
class Quality:
    f1: np.ndarray  # per label
    positives: np.ndarray
    seconds: float

    def macro(self, min_positives: int) -> float:
        return float(self.f1[self.positives >= min_positives].mean())


FitPredict = Callable[[list[str], np.ndarray, list[str]], np.ndarray]


def cross_validated(data: Data, seed: int, folds: int, fit_predict: FitPredict) -> Quality:
    from coproduce.experience.classify import fold_indices

    started = time.perf_counter()
    predicted = np.zeros_like(data.labels)
    everything = np.arange(len(data.texts))
    for test in fold_indices(len(data.texts), folds, seed):
        train = np.setdiff1d(everything, test, assume_unique=True)
        predicted[test] = fit_predict(
            [data.texts[i] for i in train], data.labels[train], [data.texts[i] for i in test]
        )
    y = data.labels.astype(bool)
    p = predicted.astype(bool)
    tp = (y & p).sum(axis=0)
    f1 = 2 * tp / np.maximum(y.sum(axis=0) + p.sum(axis=0), 1)
    return Quality(f1, y.sum(axis=0), time.perf_counter() - started)


def ours_fit_predict(names: list[str]) -> FitPredict:
    from coproduce.experience import predict_labels, train_classifier

    def run(train: list[str], labels: np.ndarray, test: list[str]) -> np.ndarray:
        return predict_labels(train_classifier(train, labels, names), test)

    return run


def baseline_fit_predict(seed: int) -> FitPredict:
    def run(train: list[str], labels: np.ndarray, test: list[str]) -> np.ndarray:
        return Baseline(seed).fit(train, labels).predict(test)

    return run


# --------------------------------------------------------------------------- speed


def best_rate(work: Callable[[], Any], n: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return n / best


def cli_seconds(data: Data, sample: list[str], folder: Path) -> float:
    train = folder / "train.csv"
    new = folder / "input.csv"
    with train.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "comment", *data.names])
        for i, (text, row) in enumerate(zip(data.texts, data.labels, strict=True)):
            writer.writerow([i, text, *row.tolist()])
    with new.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "comment"])
        writer.writerows(enumerate(sample))
    command = [
        str(Path(sys.executable).with_name("coproduce")),
        "feedback",
        "classify",
        "--train",
        str(train),
        "--input",
        str(new),
        "--text-col",
        "comment",
        "--id-col",
        "id",
        "--output",
        str(folder / "out.csv"),
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started


# --------------------------------------------------------------------------- main


def versions() -> str:
    import polars
    import scipy
    import sklearn

    return (
        f"NumPy {np.__version__}, SciPy {scipy.__version__}, "
        f"scikit-learn {sklearn.__version__}, Polars {polars.__version__}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", default="0,1,2", help="outer CV seeds (default 0,1,2)")
    parser.add_argument("--comments", type=int, default=100_000, help="speed sample size")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI run")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    warnings.simplefilter("ignore")  # liblinear's convergence notes on the baseline

    from coproduce.experience import (
        analyse,
        cross_validate_sentiment,
        find_themes,
        predict_labels,
        train_classifier,
        train_sentiment,
    )

    now = dt.datetime.now(dt.UTC)
    print(f"machine: {machine_line(versions())}")
    print(f"commit: {revision()}; {now:%Y-%m-%d %H:%M} UTC; {load_line(busy_means=BUSY_MEANS)}")
    data = load()
    n41 = int((data.labels.sum(axis=0) >= 10).sum())
    n37 = int((data.labels.sum(axis=0) >= 20).sum())
    print(
        f"data: {len(data.texts):,} comments, {n41} labels with >= 10 positives, {n37} with >= 20"
    )

    # Quality, side by side, same folds.
    print(
        f"\nclassification, {args.folds}-fold cross-validation (macro-F1, >=10 / >=20 positives):"
    )
    ours: list[Quality] = []
    base: list[Quality] = []
    for seed in seeds:
        ours.append(cross_validated(data, seed, args.folds, ours_fit_predict(data.names)))
        base.append(cross_validated(data, seed, args.folds, baseline_fit_predict(seed)))
        print(
            f"  seed {seed}: ours {ours[-1].macro(10):.4f} / {ours[-1].macro(20):.4f} "
            f"({ours[-1].seconds:.0f} s)   baseline {base[-1].macro(10):.4f} / "
            f"{base[-1].macro(20):.4f} ({base[-1].seconds:.0f} s)"
        )

    def mean(values: list[float]) -> float:
        return float(np.mean(values))

    ours10, ours20 = mean([q.macro(10) for q in ours]), mean([q.macro(20) for q in ours])
    base10, base20 = mean([q.macro(10) for q in base]), mean([q.macro(20) for q in base])
    print(
        f"  mean: ours {ours10:.4f} / {ours20:.4f}   baseline {base10:.4f} / {base20:.4f}   "
        f"target {TARGET_MACRO_F1}: >=10 {verdict(ours10 >= TARGET_MACRO_F1)}, "
        f">=20 {verdict(ours20 >= TARGET_MACRO_F1)}"
    )
    print(f"\nper-label F1 (seed {seeds[0]}): positives, ours, baseline")
    for j, name in enumerate(data.names):
        positives = int(ours[0].positives[j])
        print(f"  {name[:58]:<58} {positives:>5} {ours[0].f1[j]:.2f} {base[0].f1[j]:.2f}")

    # Speed.
    rng = np.random.default_rng(20261122)
    sample = [data.texts[i] for i in rng.integers(0, len(data.texts), args.comments)]
    started = time.perf_counter()
    model = train_classifier(data.texts, data.labels, data.names)
    train_s = time.perf_counter() - started
    started = time.perf_counter()
    mood = train_sentiment(data.texts, data.sentiment, features=model.features)
    sentiment_train_s = time.perf_counter() - started
    baseline = Baseline().fit(data.texts, data.labels)
    ours_rate = best_rate(lambda: predict_labels(model, sample), len(sample), args.repeats)
    pipeline_rate = best_rate(
        lambda: analyse(sample, classifier=model, sentiment=mood), len(sample), args.repeats
    )
    base_rate = best_rate(lambda: baseline.predict_proba(sample), len(sample), args.repeats)
    end_to_end_rate = float("nan")
    try:  # identifier redaction (its own module and ADR): the pipeline's first step
        from coproduce.experience.redact import redact_many
    except ImportError:
        pass
    else:

        def end_to_end() -> None:
            redacted = [r.text for r in redact_many(sample)]
            analyse(redacted, classifier=model, sentiment=mood)

        end_to_end_rate = best_rate(end_to_end, len(sample), args.repeats)
    print(f"\nspeed, {len(sample):,} comments, one process (best of {args.repeats}):")
    print(
        f"  training on {len(data.texts):,}: classifier {train_s:.1f} s, "
        f"sentiment {sentiment_train_s:.1f} s"
    )
    print(f"  ours, classify              {ours_rate:>9,.0f} comments/s")
    print(
        f"  ours, classify + sentiment  {pipeline_rate:>9,.0f} comments/s  "
        f"target {TARGET_PER_S:,}: {verdict(pipeline_rate >= TARGET_PER_S)}"
    )
    print(f"  baseline, classify          {base_rate:>9,.0f} comments/s")
    print(
        f"  redact + classify + sentiment {end_to_end_rate:>7,.0f} comments/s  "
        f"target 5,000: {verdict(end_to_end_rate >= 5_000)}"
    )

    # Sentiment.
    mood_cv = cross_validate_sentiment(data.texts, data.sentiment, folds=args.folds, seed=seeds[0])
    majority = max(np.bincount([s for s in data.sentiment if s is not None])) / mood_cv.n
    print(f"\nsentiment, {args.folds}-fold cross-validation, {mood_cv.n:,} scored comments:")
    print(
        f"  5-point: accuracy {mood_cv.five_accuracy:.4f}, macro-F1 {mood_cv.five_macro_f1:.4f}, "
        f"mean absolute error {mood_cv.five_mean_absolute_error:.3f} (the commonest score alone: "
        f"accuracy {majority:.4f})"
    )
    print(
        f"  three-way: accuracy {mood_cv.three_accuracy:.4f}, macro-F1 {mood_cv.three_macro_f1:.4f}"
    )
    print("  5-point confusion (rows: scored 1..5, columns: predicted 1..5):")
    for row in mood_cv.five_confusion.tolist():
        print("   " + " ".join(f"{v:5d}" for v in row))

    # Themes.
    started = time.perf_counter()
    themes = find_themes(data.texts)
    small_s = time.perf_counter() - started
    started = time.perf_counter()
    big = find_themes(sample)
    big_s = time.perf_counter() - started
    print(
        f"\nthemes: {len(data.texts):,} comments {small_s:.1f} s ({len(themes.themes)} themes); "
        f"{len(sample):,} comments {big_s:.1f} s ({len(big.themes)} themes)"
    )
    for theme in themes.themes:
        print(f"  {theme.id:>2} {theme.size:>5}  {theme.label}")

    cli_s = float("nan")
    if not args.no_cli:
        with tempfile.TemporaryDirectory(prefix="feedback-bench-") as folder:
            cli_s = cli_seconds(data, sample, Path(folder))
        print(
            f"\nCLI: coproduce feedback classify, train {len(data.texts):,}, "
            f"label {len(sample):,}: {cli_s:.1f} s"
        )

    print(f"\n{load_line(busy_means=BUSY_MEANS)}")
    print(
        f"\nBENCH feedback-classify model=ours macro_f1={ours10:.4f} macro_f1_37={ours20:.4f} "
        f"comments_per_s={ours_rate:.0f} folds={args.folds} seeds={args.seeds} labels={n41}"
    )
    print(
        f"BENCH feedback-classify model=baseline macro_f1={base10:.4f} macro_f1_37={base20:.4f} "
        f"comments_per_s={base_rate:.0f} folds={args.folds} seeds={args.seeds} labels={n41}"
    )
    print(
        f"BENCH feedback-pipeline comments_per_s={pipeline_rate:.0f} "
        f"target={TARGET_PER_S} unit=comments/s"
    )
    print(
        f"BENCH feedback-sentiment accuracy5={mood_cv.five_accuracy:.4f} "
        f"macro_f1_5={mood_cv.five_macro_f1:.4f} accuracy3={mood_cv.three_accuracy:.4f} "
        f"macro_f1_3={mood_cv.three_macro_f1:.4f}"
    )
    print(
        f"BENCH feedback-end-to-end comments_per_s={end_to_end_rate:.0f} target=5000 "
        "unit=comments/s (redact + classify + sentiment, one process)"
    )
    print(f"BENCH feedback-themes comments={len(sample)} s={big_s:.2f}")
    print(f"BENCH feedback-cli-classify comments={len(sample)} s={cli_s:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
