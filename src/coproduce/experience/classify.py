"""Multi-label classification of comments into a labelled framework, trained on examples.

The reference is the NHS patient-experience framework (sub-categories such as "Staff manner &
personal attributes" or "Timeliness of care", each 0 or 1 per comment, several per comment);
a project can train on its own labelled comments the same way. The model, measured in
ADR 0012, is:

1. TF-IDF features of words (unigrams and bigrams) and of the character n-grams of words
   (:mod:`coproduce.experience.text`);
2. one linear support-vector machine per label (one-vs-rest; scikit-learn's ``LinearSVC``,
   liblinear, ``C = 0.3``), no class weights;
3. a decision threshold per label, chosen by an inner cross-validation on the training
   comments, run three times with different folds: the threshold that maximises that
   label's F1 on all the inner out-of-fold scores together (the "SCut" strategy; Yang
   2001, "A study of thresholding strategies for text categorization"; Fan & Lin 2007).
   Rare labels gain most: an SVM trained on 20 positives among 6,000 comments rarely scores
   a comment above 0, and its best cut is lower.

Training fits 16 SVMs per label (one on every comment, 15 for the thresholds), about 12
seconds for ~6,000 comments and 41 labels in two worker processes; prediction is sparse
algebra (one matrix product), so the model runs on plain NumPy/SciPy arrays and needs no
model files. The same data and seed give the same model. Results are frozen dataclasses;
no comment text is logged or put into an exception message.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from coproduce.experience.text import FeatureOptions, TextFeatures, fit_features, vectorise

__all__ = [
    "ClassifierInputError",
    "ClassifierOptions",
    "CrossValidation",
    "FeedbackClassifier",
    "LabelScore",
    "best_threshold",
    "cross_validate",
    "decision_scores",
    "fold_indices",
    "predict_labels",
    "train_classifier",
]


class ClassifierInputError(ValueError):
    """Training data the classifier cannot use: the message names the label or row."""


@dataclass(frozen=True, slots=True)
class ClassifierOptions:
    """How the classifier is trained.

    Attributes:
        c: the SVM's regularisation constant (larger fits the training data more closely).
        threshold_folds: folds of the inner cross-validation that chooses each label's
            threshold; 0 keeps the SVM's own threshold (a score above 0).
        threshold_repeats: how many times that inner cross-validation runs, each with its
            own folds; the threshold is chosen on all their out-of-fold scores together.
        seed: seeds the inner folds and liblinear's coordinate order: the same data and seed
            give the same model.
        jobs: worker processes for the fits (the result is the same for any number).
        max_iter: liblinear's iteration limit.
        features: see :class:`coproduce.experience.text.FeatureOptions`.
    """

    c: float = 0.3
    threshold_folds: int = 5
    threshold_repeats: int = 3
    seed: int = 0
    jobs: int = 2
    max_iter: int = 5000
    features: FeatureOptions = field(default_factory=FeatureOptions)

    def __post_init__(self) -> None:
        if not self.c > 0:
            raise ValueError("c must be positive")
        if self.threshold_folds == 1 or self.threshold_folds < 0:
            raise ValueError("threshold_folds must be 0 or at least 2")
        if self.threshold_repeats < 1:
            raise ValueError("threshold_repeats must be at least 1")
        if self.jobs < 1:
            raise ValueError("jobs must be at least 1")


@dataclass(frozen=True, slots=True, eq=False)
class FeedbackClassifier:
    """A trained classifier: comment → 0/1 for each label.

    A comment has label ``j`` when ``features(comment) @ coef[:, j] + intercept[j]`` is above
    ``thresholds[j]``. A comment with no feature at all (empty, or only words never seen in
    training) has the labels in ``featureless``: those that most featureless training
    comments had (most training comments, if none was featureless), since a linear model
    can tell such comments nothing but its intercepts.

    Attributes:
        labels: the label names, in training order.
        features: the fitted text features.
        coef: (number of features × number of labels) weights.
        intercept: one per label.
        thresholds: one per label (0 is the SVM's own).
        featureless: 0/1 per label, for comments with no feature.
        positives: how many training comments had each label.
        options: the options it was trained with.
    """

    labels: tuple[str, ...]
    features: TextFeatures
    coef: np.ndarray
    intercept: np.ndarray
    thresholds: np.ndarray
    featureless: np.ndarray
    positives: tuple[int, ...]
    options: ClassifierOptions


# --------------------------------------------------------------------------- thresholds


def best_threshold(scores: ArrayLike, truth: ArrayLike) -> float:
    """The decision threshold that maximises F1 on these scores.

    Every distinct cut of the sorted scores is tried; the one with the highest F1 wins (the
    highest such threshold on ties), and the threshold returned lies half-way between the
    last score kept and the first left out. Because a threshold of 0 is one of those cuts,
    the F1 at the threshold returned is never below the F1 at 0 on the same scores. With no
    positive in ``truth`` the answer is 0.

    Args:
        scores: a decision score per comment.
        truth: 0/1 per comment.
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    y = np.asarray(truth).ravel().astype(bool)
    if len(s) != len(y):
        raise ValueError("scores and truth differ in length")
    positives = int(y.sum())
    if positives == 0 or len(s) == 0:
        return 0.0
    order = np.argsort(-s, kind="stable")
    ranked = s[order]
    true_positives = np.cumsum(y[order])
    kept = np.arange(1, len(s) + 1)
    f1 = 2.0 * true_positives / (kept + positives)
    # Only cut between different scores (or below the last one).
    boundary = np.append(ranked[1:] != ranked[:-1], True)
    f1[~boundary] = -1.0
    k = int(np.argmax(f1))
    if k + 1 < len(ranked):
        return float((ranked[k] + ranked[k + 1]) / 2.0)
    return float(ranked[k] - 1.0)


def fold_indices(n: int, folds: int, seed: int) -> list[np.ndarray]:
    """``folds`` disjoint test sets covering ``range(n)``: a seeded shuffle cut in near-equal
    parts (scikit-learn's ``KFold(shuffle=True)`` in spirit, NumPy's ``default_rng``)."""
    if folds < 2 or folds > n:
        raise ValueError(f"cannot make {folds} folds of {n} comments")
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(part) for part in np.array_split(order, folds)]


# --------------------------------------------------------------------------- training


def _check_labels(labels: ArrayLike, n_texts: int, names: Sequence[str]) -> np.ndarray:
    matrix = np.asarray(labels)
    if matrix.ndim == 1:
        matrix = matrix.reshape(-1, 1)
    if matrix.ndim != 2:
        raise ClassifierInputError("labels must be a (comments × labels) table")
    if matrix.shape[0] != n_texts:
        raise ClassifierInputError(
            f"there are {n_texts} comments but {matrix.shape[0]} rows of labels"
        )
    if matrix.shape[1] != len(names):
        raise ClassifierInputError(
            f"there are {len(names)} label names but {matrix.shape[1]} label columns"
        )
    if len(set(names)) != len(names):
        raise ClassifierInputError("label names must be distinct")
    if n_texts == 0:
        raise ClassifierInputError("there are no training comments")
    bad = ~np.isin(matrix, (0, 1))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ClassifierInputError(f"row {row + 1}: label {names[col]!r} is not 0 or 1")
    return matrix.astype(np.int8)


def _fit_linear(x: Any, y: np.ndarray, options: ClassifierOptions) -> tuple[np.ndarray, np.ndarray]:
    """(coef, intercept) of one SVM per column of ``y`` (constant columns need none).

    The SVMs are fitted one after another: liblinear's coordinate descent draws its order
    from one random generator per process, reseeded at each fit, so fits in concurrent
    threads of one process would disturb each other and the model would change from run to
    run. Parallel work goes to separate processes instead (:func:`_fit_all`).
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float64)
    intercept = np.zeros(y.shape[1], dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for j in range(y.shape[1]):
            column = y[:, j]
            if column.min() == column.max():  # every comment has it, or none: a constant
                intercept[j] = 1.0 if column[0] == 1 else -1.0
                continue
            svm = LinearSVC(C=options.c, random_state=options.seed, max_iter=options.max_iter)
            svm.fit(x, column)
            coef[:, j] = svm.coef_[0]
            intercept[j] = svm.intercept_[0]
    return coef, intercept


def _task(
    x: Any,
    y: np.ndarray,
    train: np.ndarray | None,
    test: np.ndarray | None,
    options: ClassifierOptions,
) -> tuple[np.ndarray, np.ndarray]:
    """One fit: on every comment (``train`` None) → (coef, intercept); on ``train`` → the
    out-of-fold scores of ``test`` (and an empty array)."""
    if train is None or test is None:
        return _fit_linear(x, y, options)
    coef, intercept = _fit_linear(x[train], y[train], options)
    return np.asarray(x[test] @ coef + intercept), np.zeros(0)


#: Below this much work (stored features × labels) the fits run in this process: starting
#: worker processes would cost more than it saves.
_PARALLEL_WORK = 20_000_000


def _fit_all(x: Any, y: np.ndarray, options: ClassifierOptions) -> tuple[np.ndarray, ...]:
    """The full model's (coef, intercept) and the thresholds from the inner cross-validation.

    With ``jobs`` > 1 and enough work, the 1 + repeats × folds fits run in ``jobs`` worker
    processes (joblib's loky backend); every fit is the same sequential computation wherever
    it runs, so the result does not depend on ``jobs``.
    """
    n, n_labels = y.shape
    splits: list[tuple[np.ndarray | None, np.ndarray | None]] = [(None, None)]
    tune = options.threshold_folds > 0 and n >= options.threshold_folds
    if tune:
        for repeat in range(options.threshold_repeats):
            for test in fold_indices(n, options.threshold_folds, options.seed + repeat):
                splits.append((np.setdiff1d(np.arange(n), test, assume_unique=True), test))
    if options.jobs > 1 and x.nnz * n_labels >= _PARALLEL_WORK:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=min(options.jobs, len(splits)), backend="loky")(
            delayed(_task)(x, y, train, test, options) for train, test in splits
        )
    else:
        results = [_task(x, y, train, test, options) for train, test in splits]
    coef, intercept = results[0]
    thresholds = np.zeros(n_labels)
    if tune:
        # Out-of-fold scores of every comment, once per repeat (each with its own folds);
        # the threshold is the best cut of all of them together.
        scores = np.zeros((options.threshold_repeats * n, n_labels), dtype=np.float64)
        for k, (_, held_out) in enumerate(splits[1:]):
            assert held_out is not None
            repeat = k // options.threshold_folds
            scores[repeat * n + held_out] = results[k + 1][0]
        truth = np.tile(y, (options.threshold_repeats, 1))
        for j in range(n_labels):
            if 0 < y[:, j].sum() < n:
                thresholds[j] = best_threshold(scores[:, j], truth[:, j])
    return coef, intercept, thresholds


def train_classifier(
    texts: Sequence[str],
    labels: ArrayLike,
    names: Sequence[str],
    *,
    options: ClassifierOptions | None = None,
    features: TextFeatures | None = None,
) -> FeedbackClassifier:
    """Train a multi-label classifier on labelled comments.

    Args:
        texts: the comments (an empty string is a comment with no text).
        labels: a (comments × labels) table of 0/1.
        names: the label names, one per column of ``labels``.
        options: see :class:`ClassifierOptions`.
        features: text features fitted already (for instance shared with a sentiment
            model, so that :func:`coproduce.experience.analyse` vectorises once); fitted on
            ``texts`` if not given.

    A label that no training comment has is never predicted; one that every comment has is
    always predicted.

    Raises:
        ClassifierInputError: the table does not match the comments or names, or holds a
            value other than 0 and 1.
    """
    options = options or ClassifierOptions()
    y = _check_labels(labels, len(texts), names)
    features = features or fit_features(texts, options.features)
    x = vectorise(features, texts)
    coef, intercept, thresholds = _fit_all(x, y, options)
    empty = np.diff(x.indptr) == 0
    like = y[empty] if empty.any() else y
    featureless = (2 * like.sum(axis=0) > len(like)).astype(np.uint8)
    return FeedbackClassifier(
        labels=tuple(names),
        features=features,
        coef=coef,
        intercept=intercept,
        thresholds=thresholds,
        featureless=featureless,
        positives=tuple(int(v) for v in y.sum(axis=0)),
        options=options,
    )


# --------------------------------------------------------------------------- predicting


def decision_scores(
    model: FeedbackClassifier, texts: Sequence[str], *, x: Any = None
) -> np.ndarray:
    """(comments × labels) decision scores, minus each label's threshold: above 0 means yes.

    ``x`` is ``vectorise(model.features, texts)`` when the caller has it already.
    """
    if x is None:
        x = vectorise(model.features, texts)
    scores: np.ndarray = np.asarray(x @ model.coef) + (model.intercept - model.thresholds)
    return scores


def predict_labels(model: FeedbackClassifier, texts: Sequence[str], *, x: Any = None) -> np.ndarray:
    """A (comments × labels) uint8 table: 1 where the comment has the label."""
    if x is None:
        x = vectorise(model.features, texts)
    predicted = (decision_scores(model, texts, x=x) > 0).astype(np.uint8)
    empty = np.diff(x.indptr) == 0
    if empty.any():
        predicted[empty] = model.featureless
    return predicted


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class LabelScore:
    """How well one label was predicted in cross-validation (pooled over the folds)."""

    label: str
    positives: int
    predicted: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else 0.0

    @property
    def f1(self) -> float:
        total = self.positives + self.predicted
        return 2.0 * self.true_positives / total if total else 0.0


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """K-fold cross-validation of the classifier.

    Each comment is predicted once, by the model trained on the other folds (features,
    SVMs and thresholds all refitted per fold); precision, recall and F1 are computed per
    label on those pooled predictions.

    Attributes:
        scores: one per label, in label order.
        min_positives: labels with fewer positives are not in ``macro_f1``.
        folds, seed: the folds (see :func:`fold_indices`).
    """

    scores: tuple[LabelScore, ...]
    min_positives: int
    folds: int
    seed: int

    @property
    def evaluated(self) -> tuple[LabelScore, ...]:
        """The labels with at least ``min_positives`` positives."""
        return tuple(s for s in self.scores if s.positives >= self.min_positives)

    @property
    def macro_f1(self) -> float:
        """The mean F1 of the evaluated labels."""
        chosen = self.evaluated
        return float(np.mean([s.f1 for s in chosen])) if chosen else 0.0

    @property
    def micro_f1(self) -> float:
        """F1 of every evaluated (comment, label) decision together."""
        chosen = self.evaluated
        tp = sum(s.true_positives for s in chosen)
        total = sum(s.positives + s.predicted for s in chosen)
        return 2.0 * tp / total if total else 0.0


def cross_validate(
    texts: Sequence[str],
    labels: ArrayLike,
    names: Sequence[str],
    *,
    options: ClassifierOptions | None = None,
    folds: int = 5,
    seed: int = 0,
    min_positives: int = 10,
) -> CrossValidation:
    """Cross-validate :func:`train_classifier` (see :class:`CrossValidation`)."""
    options = options or ClassifierOptions()
    y = _check_labels(labels, len(texts), names)
    predicted = np.zeros_like(y)
    everything = np.arange(len(texts))
    for test in fold_indices(len(texts), folds, seed):
        train = np.setdiff1d(everything, test, assume_unique=True)
        model = train_classifier([texts[i] for i in train], y[train], names, options=options)
        predicted[test] = predict_labels(model, [texts[i] for i in test])
    scores = tuple(
        LabelScore(
            label=name,
            positives=int(y[:, j].sum()),
            predicted=int(predicted[:, j].sum()),
            true_positives=int((y[:, j] & predicted[:, j]).sum()),
        )
        for j, name in enumerate(names)
    )
    return CrossValidation(scores=scores, min_positives=min_positives, folds=folds, seed=seed)
