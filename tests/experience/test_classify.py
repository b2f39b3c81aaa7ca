"""Multi-label classification into a labelled framework (coproduce.experience.classify)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.experience import analyse, train_sentiment
from coproduce.experience.classify import (
    ClassifierInputError,
    ClassifierOptions,
    best_threshold,
    cross_validate,
    decision_scores,
    fold_indices,
    predict_labels,
    train_classifier,
)
from tests.experience.framework import framework

TOPICS = {
    "Parking, travel & access": ["parking", "car park", "the bus", "parked", "pay to park"],
    "Food & drink": ["the food", "a meal", "cups of tea", "lunch", "sandwiches"],
    "Staff manner": ["the nurse", "staff", "the doctor", "receptionist", "the porter"],
}
FILLER = ["was", "very", "really", "good", "poor", "today", "on the ward", "always", "and"]


def corpus(n: int, seed: int, *, rare: str | None = None) -> tuple[list[str], np.ndarray]:
    """Comments mentioning one or two topics among filler words; labels say which."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    names = list(TOPICS)
    texts, labels = [], []
    for _ in range(n):
        chosen = rng.sample(names, rng.choice([1, 1, 2]))
        if rare is not None and rng.random() > 0.05:
            chosen = [c for c in chosen if c != rare] or [next(x for x in names if x != rare)]
        words = [rng.choice(TOPICS[c]) for c in chosen] + rng.sample(FILLER, 4)
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + rng.choice([".", "!", ""]))
        labels.append([int(c in chosen) for c in names])
    return texts, np.array(labels, dtype=np.int8)


def test_it_learns_an_obvious_rule_for_each_label() -> None:
    texts, labels = corpus(240, seed=1)
    model = train_classifier(texts, labels, list(TOPICS))
    new_texts, truth = corpus(60, seed=2)
    predicted = predict_labels(model, new_texts)
    assert predicted.shape == (60, 3) and predicted.dtype == np.uint8
    np.testing.assert_array_equal(predicted, truth)
    assert predict_labels(model, ["They made me pay to park and the food was cold"]).tolist() == [
        [1, 1, 0]
    ]


def test_label_names_with_commas_and_ampersands_are_kept_in_order() -> None:
    texts, labels = corpus(120, seed=3)
    model = train_classifier(texts, labels, list(TOPICS))
    assert model.labels == ("Parking, travel & access", "Food & drink", "Staff manner")
    assert model.positives == tuple(int(v) for v in labels.sum(axis=0))


def test_the_same_seed_gives_the_same_model_whatever_the_jobs() -> None:
    texts, labels = corpus(150, seed=4)
    one = train_classifier(texts, labels, list(TOPICS), options=ClassifierOptions(jobs=1))
    two = train_classifier(texts, labels, list(TOPICS), options=ClassifierOptions(jobs=2))
    np.testing.assert_array_equal(one.coef, two.coef)
    np.testing.assert_array_equal(one.thresholds, two.thresholds)
    np.testing.assert_array_equal(decision_scores(one, texts), decision_scores(two, texts))


def test_worker_processes_give_the_same_model_as_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """liblinear's random order is per process, so fits are spread over processes, not
    threads; the model must not depend on how many there are."""
    monkeypatch.setattr(
        "coproduce.experience.classify._PARALLEL_WORK", 0
    )  # parallel even when small
    texts, labels = corpus(150, seed=9)
    one = train_classifier(texts, labels, list(TOPICS), options=ClassifierOptions(jobs=1))
    two = train_classifier(texts, labels, list(TOPICS), options=ClassifierOptions(jobs=2))
    np.testing.assert_array_equal(one.coef, two.coef)
    np.testing.assert_array_equal(one.thresholds, two.thresholds)


def test_a_label_nobody_has_is_never_predicted_and_one_everybody_has_always_is() -> None:
    texts, labels = corpus(60, seed=5)
    table = np.column_stack([labels, np.zeros(60, np.int8), np.ones(60, np.int8)])
    model = train_classifier(texts, table, [*TOPICS, "never", "always"])
    predicted = predict_labels(model, ["the food", "", "parking"])
    assert predicted[:, 3].tolist() == [0, 0, 0]
    assert predicted[:, 4].tolist() == [1, 1, 1]


@pytest.mark.parametrize(
    ("labels", "names", "message"),
    [
        (np.ones((3, 1)), ["a"], "2 comments but 3 rows"),
        (np.ones((2, 2)), ["a"], "1 label names but 2 label columns"),
        (np.array([[0], [2]]), ["a"], r"row 2: label 'a' is not 0 or 1"),
        (np.ones((2, 2)), ["a", "a"], "distinct"),
    ],
)
def test_bad_training_tables_are_refused(
    labels: np.ndarray, names: list[str], message: str
) -> None:
    with pytest.raises(ClassifierInputError, match=message):
        train_classifier(["one", "two"], labels, names)


def test_no_training_comments_is_an_error() -> None:
    with pytest.raises(ClassifierInputError, match="no training comments"):
        train_classifier([], np.zeros((0, 1)), ["a"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-5, 5, allow_nan=False), st.booleans()), min_size=1, max_size=60)
)
def test_the_tuned_threshold_is_never_worse_than_zero_on_its_own_scores(
    pairs: list[tuple[float, bool]],
) -> None:
    scores = np.array([p[0] for p in pairs])
    truth = np.array([p[1] for p in pairs])

    def f1(threshold: float) -> float:
        predicted = scores > threshold
        total = predicted.sum() + truth.sum()
        return 2 * (predicted & truth).sum() / total if total else 0.0

    assert f1(best_threshold(scores, truth)) >= f1(0.0) - 1e-12


def test_threshold_tuning_does_not_lower_cross_validated_f1_on_a_rare_label() -> None:
    texts, labels = corpus(400, seed=6, rare="Food & drink")
    assert 5 <= labels[:, 1].sum() <= 40  # rare: an SVM alone under-predicts it
    tuned = cross_validate(texts, labels, list(TOPICS), min_positives=1)
    plain = cross_validate(
        texts, labels, list(TOPICS), options=ClassifierOptions(threshold_folds=0), min_positives=1
    )
    assert tuned.macro_f1 >= plain.macro_f1
    assert [s.f1 for s in tuned.scores][1] >= [s.f1 for s in plain.scores][1]


def test_folds_cover_every_comment_once_and_depend_on_the_seed() -> None:
    folds = fold_indices(23, 5, seed=7)
    assert sorted(np.concatenate(folds).tolist()) == list(range(23))
    assert [len(f) for f in folds] == [5, 5, 5, 4, 4]
    assert all(np.array_equal(a, b) for a, b in zip(folds, fold_indices(23, 5, 7), strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(folds, fold_indices(23, 5, 8), strict=True))


def test_analyse_vectorises_once_for_shared_features() -> None:
    texts, labels = corpus(120, seed=8)
    model = train_classifier(texts, labels, list(TOPICS))
    scores = [1 if "good" in t else 5 if "poor" in t else None for t in texts]
    mood = train_sentiment(texts, scores, features=model.features)
    predicted, sentiment = analyse(texts[:10], classifier=model, sentiment=mood)
    np.testing.assert_array_equal(predicted, predict_labels(model, texts[:10]))
    assert sentiment.five.shape == (10,)


# --------------------------------------------------------------------------- real data

#: Measured 2026-11-22 with the defaults: macro-F1 0.545 over the 41 labels with at least 10
#: positives (5-fold, seed 0; seeds 1 and 2 gave 0.553 and 0.552; benchmarks/README.md). The
#: floor leaves room for numerical differences across platforms and library versions, not
#: for a worse model: the single-threshold model of the baseline (TF-IDF + logistic
#: regression) scores 0.454 on the same folds and fails it.
FLOOR_MACRO_F1 = 0.50


def test_cross_validated_macro_f1_on_the_framework_data_is_above_the_floor() -> None:
    data = framework(10)
    result = cross_validate(data.texts, data.labels, data.names, folds=5, seed=0)
    assert len(result.evaluated) == 41
    assert result.macro_f1 >= FLOOR_MACRO_F1


def test_the_floor_fails_a_model_trained_on_shuffled_labels() -> None:
    """The same evaluation with each comment's labels given to another comment: the
    features say nothing about the labels any more (2 folds and one threshold search, to
    keep it quick: 0.058; shuffled, the 5-fold default scored 0.059 when checked by hand)."""
    data = framework(10)
    shuffled = data.labels[np.random.default_rng(0).permutation(len(data.labels))]
    options = ClassifierOptions(threshold_repeats=1)
    result = cross_validate(data.texts, shuffled, data.names, options=options, folds=2, seed=0)
    assert result.macro_f1 < FLOOR_MACRO_F1 / 2
