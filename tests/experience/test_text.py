"""Tokens and TF-IDF features of comments (coproduce.experience.text)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from coproduce.experience.text import (
    FeatureOptions,
    feature_names,
    fit_features,
    normalise,
    tokenise,
    unique_texts,
    vectorise,
)

CORPUS = [
    "Staff were kind and caring, thank you!",
    "Waiting time was far too long.",
    "The waiting room was clean; staff were kind.",
    "Food was cold and the waiting time long",
    "Kind staff, clean ward, good food!",
    "Nobody told the family anything about the discharge",
    "The discharge letter was late and the family waited",
    "Caring staff and good food",
]


def test_punctuation_marks_become_tokens_and_apostrophes_stay_in_words() -> None:
    assert tokenise("Good, thanks!  Didn’t wait—at all :)") == [
        "good",
        ",",
        "thanks",
        "!",
        "didn't",
        "wait",
        "-",
        "at",
        "all",
        ":",
        ")",
    ]
    assert normalise("  Very   GOOD. ") == "very good ."
    assert tokenise("") == []


def test_features_match_scikit_learn_tfidf_on_the_same_tokens() -> None:
    """Each block equals TfidfVectorizer(sublinear_tf=True) on normalised text (char_wb for
    the characters, whitespace tokens for the words), scaled as documented."""
    options = FeatureOptions(char_ngrams=(2, 5), word_ngrams=2, min_df=2, word_weight=0.5)
    features = fit_features(CORPUS, options)
    ours = vectorise(features, CORPUS).toarray()
    names = feature_names(features)

    words = TfidfVectorizer(
        preprocessor=normalise,
        tokenizer=str.split,
        token_pattern=None,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2,
    )
    chars = TfidfVectorizer(
        preprocessor=normalise,
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        min_df=2,
    )
    word_matrix = words.fit_transform(CORPUS).toarray()
    char_matrix = chars.fit_transform(CORPUS).toarray()
    assert sorted(features.word_terms) == sorted(words.get_feature_names_out())
    assert len(features.char_ngrams) == len(chars.get_feature_names_out())
    for j, term in enumerate(words.get_feature_names_out()):
        np.testing.assert_allclose(ours[:, names.index(term)], 0.5 * word_matrix[:, j])
    for j, gram in enumerate(chars.get_feature_names_out()):
        column = features.n_word + features.char_ngrams[gram]
        np.testing.assert_allclose(ours[:, column], char_matrix[:, j], atol=1e-12)


def test_each_block_has_unit_length_and_an_empty_comment_has_no_features() -> None:
    features = fit_features(CORPUS)
    x = vectorise(features, ["Kind staff and clean ward", "", "!!!", "zzzz qqqq"]).toarray()
    word, char = x[:, : features.n_word], x[:, features.n_word :]
    assert np.linalg.norm(word[0]) == pytest.approx(features.options.word_weight)
    assert np.linalg.norm(char[0]) == pytest.approx(1.0)
    assert not x[1].any()
    assert x.shape == (4, features.n_features)


def test_a_misspelt_word_shares_character_features_with_the_right_one() -> None:
    features = fit_features(CORPUS)
    x = vectorise(features, ["waitting", "discharrge", "waiting"]).toarray()
    chars = x[:, features.n_word :]
    assert not x[0, : features.n_word].any()  # an unknown word: no word feature …
    assert chars[0] @ chars[2] > 0.5  # … but most of "waiting"'s character n-grams
    assert chars[1] @ chars[2] < 0.2


def test_stop_words_and_punctuation_can_be_left_out_of_the_word_features() -> None:
    options = FeatureOptions(
        char_ngrams=None, stop_words=frozenset({"the", "was", "and"}), punctuation=False
    )
    features = fit_features(CORPUS, options)
    assert "waiting time" in features.word_terms
    assert "the" not in features.word_terms and "!" not in features.word_terms
    assert not any("the" in term.split() for term in features.word_terms)
    assert vectorise(features, CORPUS).shape == (len(CORPUS), features.n_word)


def test_vectorising_is_deterministic_and_row_by_row() -> None:
    features = fit_features(CORPUS)
    together = vectorise(features, CORPUS).toarray()
    one_by_one = np.vstack([vectorise(features, [t]).toarray() for t in CORPUS])
    np.testing.assert_array_equal(together, one_by_one)
    np.testing.assert_array_equal(together, vectorise(fit_features(CORPUS), CORPUS).toarray())


def test_unique_texts_keeps_first_seen_order() -> None:
    distinct, positions = unique_texts(["b", "a", "b", "c", "a"])
    assert distinct == ["b", "a", "c"]
    assert positions.tolist() == [0, 1, 0, 2, 1]


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="char_ngrams"):
        FeatureOptions(char_ngrams=(3, 2))
    with pytest.raises(ValueError, match="word_ngrams"):
        FeatureOptions(word_ngrams=3)
