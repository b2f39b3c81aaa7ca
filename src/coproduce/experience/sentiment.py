"""Sentiment per comment, on a 5-point scale and in three ways, trained on labelled comments.

The scale is the NHS framework data's ``Comment sentiment``: 1 very positive, 2 positive,
3 mixed or neutral, 4 negative, 5 very negative. The three-way reading groups it as
positive (1–2), neutral or mixed (3) and negative (4–5). Each is its own linear SVM (one
class against the rest, liblinear, ``C = 0.3``, classes weighted inversely to their size so
that the rare "very negative" is not swamped) on the same TF-IDF features as the classifier
(:mod:`coproduce.experience.text`); ADR 0012 records the measured choices and figures.

A comment with no letter or digit (empty, or only punctuation) gets 0 ("no text") on both
scales; one whose words were never seen in training gets the class its intercepts favour.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coproduce.experience.classify import fold_indices
from coproduce.experience.text import (
    FeatureOptions,
    TextFeatures,
    fit_features,
    has_words,
    vectorise,
)

__all__ = [
    "FIVE_POINT",
    "THREE_WAY",
    "Sentiment",
    "SentimentCrossValidation",
    "SentimentInputError",
    "SentimentModel",
    "SentimentOptions",
    "cross_validate_sentiment",
    "predict_sentiment",
    "three_way",
    "train_sentiment",
]

#: The names of the 5-point codes 1…5 (0 is "no text").
FIVE_POINT = ("very positive", "positive", "neutral or mixed", "negative", "very negative")
#: The names of the three-way codes 1…3 (0 is "no text").
THREE_WAY = ("positive", "neutral or mixed", "negative")


class SentimentInputError(ValueError):
    """Training data the sentiment model cannot use: the message names the row."""


def three_way(scores: ArrayLike) -> np.ndarray:
    """5-point codes to three-way codes: 1–2 → 1 (positive), 3 → 2, 4–5 → 3 (negative);
    0 (no text) stays 0."""
    five = np.asarray(scores, dtype=np.int8)
    result: np.ndarray = np.select([five == 0, five <= 2, five == 3], [0, 1, 2], 3).astype(np.int8)
    return result


@dataclass(frozen=True, slots=True)
class SentimentOptions:
    """How the sentiment model is trained: the SVMs' ``c``, ``seed`` and ``max_iter``, and
    the text features (shared with the classifier when both are trained together)."""

    c: float = 0.3
    seed: int = 0
    max_iter: int = 5000
    features: FeatureOptions = field(default_factory=FeatureOptions)


@dataclass(frozen=True, slots=True, eq=False)
class SentimentModel:
    """A trained sentiment model: (n_features × classes) weights for each scale.

    ``five_classes`` and ``three_classes`` are the codes the columns stand for (a class
    absent from the training data has no column and is never predicted).
    """

    features: TextFeatures
    five_coef: np.ndarray
    five_intercept: np.ndarray
    five_classes: tuple[int, ...]
    three_coef: np.ndarray
    three_intercept: np.ndarray
    three_classes: tuple[int, ...]
    options: SentimentOptions


@dataclass(frozen=True, slots=True, eq=False)
class Sentiment:
    """The sentiment of each comment.

    Attributes:
        five: int8 codes 1 (very positive) … 5 (very negative); 0 for a comment with no
            letter or digit. Names in :data:`FIVE_POINT`.
        three: int8 codes 1 (positive), 2 (neutral or mixed), 3 (negative); 0 likewise.
            Names in :data:`THREE_WAY`. Predicted by its own model, so it need not be
            ``three_way(five)``.
    """

    five: np.ndarray
    three: np.ndarray


def _fit(
    x: Any, y: np.ndarray, options: SentimentOptions
) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    classes = tuple(int(c) for c in np.unique(y))
    if len(classes) == 1:  # one class only: always that one
        coef = np.zeros((x.shape[1], 1))
        return coef, np.ones(1), classes
    svm = LinearSVC(
        C=options.c,
        class_weight="balanced",
        random_state=options.seed,
        max_iter=options.max_iter,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        svm.fit(x, y)
    coef = np.ascontiguousarray(np.asarray(svm.coef_).T)
    intercept = np.asarray(svm.intercept_, dtype=np.float64)
    if len(classes) == 2:  # liblinear gives one column for two classes: make it two
        coef = np.hstack([-coef, coef])
        intercept = np.array([-intercept[0], intercept[0]])
    return coef, intercept, classes


def _check_scores(scores: Sequence[int | None], n_texts: int) -> np.ndarray:
    if len(scores) != n_texts:
        raise SentimentInputError(f"there are {n_texts} comments but {len(scores)} scores")
    values = np.zeros(n_texts, dtype=np.int8)
    for i, score in enumerate(scores):
        if score is None:
            continue
        if score not in (1, 2, 3, 4, 5):
            raise SentimentInputError(f"row {i + 1}: sentiment is not 1, 2, 3, 4 or 5")
        values[i] = score
    if not values.any():
        raise SentimentInputError("no comment has a sentiment score")
    return values


def train_sentiment(
    texts: Sequence[str],
    scores: Sequence[int | None],
    *,
    options: SentimentOptions | None = None,
    features: TextFeatures | None = None,
) -> SentimentModel:
    """Train both scales on comments scored 1 (very positive) … 5 (very negative).

    Args:
        texts: the comments.
        scores: a 5-point score per comment, or ``None`` where there is none (those
            comments still count towards the features' vocabulary when ``features`` is not
            given, but not towards the SVMs).
        options: see :class:`SentimentOptions`.
        features: fitted text features to share (see :func:`train_classifier`).

    Raises:
        SentimentInputError: a score outside 1–5, or no score at all.
    """
    options = options or SentimentOptions()
    five = _check_scores(scores, len(texts))
    features = features or fit_features(texts, options.features)
    scored = np.flatnonzero(five)
    x = vectorise(features, [texts[i] for i in scored.tolist()])
    y5 = five[scored]
    five_coef, five_intercept, five_classes = _fit(x, y5, options)
    three_coef, three_intercept, three_classes = _fit(x, three_way(y5), options)
    return SentimentModel(
        features=features,
        five_coef=five_coef,
        five_intercept=five_intercept,
        five_classes=five_classes,
        three_coef=three_coef,
        three_intercept=three_intercept,
        three_classes=three_classes,
        options=options,
    )


def predict_sentiment(model: SentimentModel, texts: Sequence[str], *, x: Any = None) -> Sentiment:
    """The 5-point and three-way sentiment of each comment (see :class:`Sentiment`).

    ``x`` is ``vectorise(model.features, texts)`` when the caller has it already.
    """
    if x is None:
        x = vectorise(model.features, texts)
    empty = ~has_words(texts)
    five_classes = np.asarray(model.five_classes, dtype=np.int8)
    three_classes = np.asarray(model.three_classes, dtype=np.int8)
    five = five_classes[np.argmax(x @ model.five_coef + model.five_intercept, axis=1)]
    three = three_classes[np.argmax(x @ model.three_coef + model.three_intercept, axis=1)]
    five[empty] = 0
    three[empty] = 0
    return Sentiment(five=five, three=three)


@dataclass(frozen=True, slots=True)
class SentimentCrossValidation:
    """K-fold cross-validation of both scales, on the comments that have a score.

    ``five_confusion[i, j]`` counts comments scored ``i + 1`` and predicted ``j + 1`` (a
    prediction of 0, "no text", is counted as wrong and left out of the table).
    """

    n: int
    five_accuracy: float
    five_macro_f1: float
    five_mean_absolute_error: float
    three_accuracy: float
    three_macro_f1: float
    five_confusion: np.ndarray
    folds: int
    seed: int


def _macro_f1(truth: np.ndarray, predicted: np.ndarray, classes: Sequence[int]) -> float:
    f1s = []
    for c in classes:
        tp = int(((truth == c) & (predicted == c)).sum())
        total = int((truth == c).sum() + (predicted == c).sum())
        f1s.append(2.0 * tp / total if total else 0.0)
    return float(np.mean(f1s))


def cross_validate_sentiment(
    texts: Sequence[str],
    scores: Sequence[int | None],
    *,
    options: SentimentOptions | None = None,
    folds: int = 5,
    seed: int = 0,
) -> SentimentCrossValidation:
    """Cross-validate :func:`train_sentiment` on the comments that have a score."""
    five = _check_scores(scores, len(texts))
    scored = np.flatnonzero(five)
    kept = [texts[i] for i in scored.tolist()]
    truth = five[scored]
    predicted5 = np.zeros(len(scored), dtype=np.int8)
    predicted3 = np.zeros(len(scored), dtype=np.int8)
    for test in fold_indices(len(scored), folds, seed):
        train = np.setdiff1d(np.arange(len(scored)), test, assume_unique=True)
        model = train_sentiment(
            [kept[i] for i in train], [int(v) for v in truth[train]], options=options
        )
        result = predict_sentiment(model, [kept[i] for i in test])
        predicted5[test] = result.five
        predicted3[test] = result.three
    truth3 = three_way(truth)
    confusion = np.zeros((5, 5), dtype=np.int64)
    ok = predicted5 > 0
    np.add.at(confusion, (truth[ok] - 1, predicted5[ok] - 1), 1)
    return SentimentCrossValidation(
        n=len(scored),
        five_accuracy=float((predicted5 == truth).mean()),
        five_macro_f1=_macro_f1(truth, predicted5, range(1, 6)),
        five_mean_absolute_error=float(
            np.abs(np.where(ok, predicted5, 3).astype(float) - truth).mean()
        ),
        three_accuracy=float((predicted3 == truth3).mean()),
        three_macro_f1=_macro_f1(truth3, predicted3, range(1, 4)),
        five_confusion=confusion,
        folds=folds,
        seed=seed,
    )
