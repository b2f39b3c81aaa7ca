"""Experience and co-design: feedback, redaction, themes, sentiment, journeys and EBCD.

Comment analysis, offline and with no model files (ADR 0012):

* :mod:`coproduce.experience.text`: tokens and fast TF-IDF features of comments;
* :mod:`coproduce.experience.classify`: multi-label classification into a labelled
  framework, trained on examples (:func:`train_classifier`, :func:`predict_labels`);
* :mod:`coproduce.experience.sentiment`: 5-point and three-way sentiment
  (:func:`train_sentiment`, :func:`predict_sentiment`);
* :mod:`coproduce.experience.themes`: themes found without labels, and the facilitator's
  edits (:func:`find_themes`, :func:`rename_theme`, :func:`merge_themes`,
  :func:`split_theme`, :func:`reassign`).

:func:`analyse` classifies and scores the sentiment of a batch of comments in one pass when
the two models share their text features (train the second with ``features=`` the first's).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coproduce.experience.classify import (
    ClassifierInputError,
    ClassifierOptions,
    CrossValidation,
    FeedbackClassifier,
    LabelScore,
    cross_validate,
    predict_labels,
    train_classifier,
)
from coproduce.experience.sentiment import (
    FIVE_POINT,
    THREE_WAY,
    Sentiment,
    SentimentInputError,
    SentimentModel,
    SentimentOptions,
    cross_validate_sentiment,
    predict_sentiment,
    train_sentiment,
)
from coproduce.experience.text import FeatureOptions, TextFeatures, fit_features, vectorise
from coproduce.experience.themes import (
    Theme,
    ThemeOptions,
    Themes,
    ThemesError,
    find_themes,
    merge_themes,
    reassign,
    rename_theme,
    split_theme,
)

__all__ = [
    "FIVE_POINT",
    "THREE_WAY",
    "ClassifierInputError",
    "ClassifierOptions",
    "CrossValidation",
    "FeatureOptions",
    "FeedbackClassifier",
    "LabelScore",
    "Sentiment",
    "SentimentInputError",
    "SentimentModel",
    "SentimentOptions",
    "TextFeatures",
    "Theme",
    "ThemeOptions",
    "Themes",
    "ThemesError",
    "analyse",
    "cross_validate",
    "cross_validate_sentiment",
    "find_themes",
    "fit_features",
    "merge_themes",
    "predict_labels",
    "predict_sentiment",
    "reassign",
    "rename_theme",
    "split_theme",
    "train_classifier",
    "train_sentiment",
    "vectorise",
]


def analyse(
    texts: Sequence[str], *, classifier: FeedbackClassifier, sentiment: SentimentModel
) -> tuple[np.ndarray, Sentiment]:
    """The labels (as :func:`predict_labels`) and the sentiment of each comment.

    The comments are vectorised once when both models share the same
    :class:`TextFeatures` object, twice otherwise.
    """
    x = vectorise(classifier.features, texts)
    shared = sentiment.features is classifier.features
    labels = predict_labels(classifier, texts, x=x)
    return labels, predict_sentiment(sentiment, texts, x=x if shared else None)
