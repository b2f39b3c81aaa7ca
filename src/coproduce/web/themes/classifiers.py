"""Trained classifiers for the web app: the framework reference set, and a cache on disk.

A model is trained once and kept under ``settings.DATA_DIR / "models"``, in a file named by
a hash of its training data, its options and the code version (:data:`CODE_VERSION`), so
that new data or new code trains a new model and an old file is simply not used again.
Nothing is ever downloaded: the framework model is trained on the reference set shipped in
the package (``coproduce.experience.framework.load_reference``).

The files are pickles, and unpickling runs code; each file is therefore signed with an HMAC
of the project's ``SECRET_KEY`` and a file whose signature does not match is ignored (and
rebuilt), so that only this app's own files are ever loaded (docs/adr/0016).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from django.conf import settings

import coproduce
from coproduce.experience.classify import ClassifierOptions, FeedbackClassifier, train_classifier
from coproduce.experience.framework import load_reference
from coproduce.experience.sentiment import SentimentModel, SentimentOptions, train_sentiment
from coproduce.experience.text import fit_features

logger = logging.getLogger(__name__)

#: Part of every cache key: bump it when the way models are trained here changes.
CODE_VERSION = f"{coproduce.__version__}/themes-models-1"

T = TypeVar("T")


@dataclass(frozen=True)
class Reference:
    """A labelled training set (the framework's, or a subset of it in tests)."""

    texts: tuple[str, ...]
    label_names: tuple[str, ...]
    labels: np.ndarray  # comments × labels, 0/1
    sentiment: tuple[int | None, ...]  # 1 very positive … 5 very negative


def reference_set() -> Reference:
    """The NHS framework reference training set shipped in the package (labels with at least
    10 positives: the 41 sub-categories of ADR 0012)."""
    data = load_reference()
    return Reference(
        texts=tuple(data.texts),
        label_names=tuple(data.label_names),
        labels=np.asarray(data.labels),
        sentiment=tuple(data.sentiment),
    )


def fingerprint(*parts: Any) -> str:
    """A sha256 of the parts (texts, arrays, options) and :data:`CODE_VERSION`."""
    digest = hashlib.sha256(CODE_VERSION.encode())
    for part in parts:
        if isinstance(part, np.ndarray):
            digest.update(repr((part.shape, str(part.dtype))).encode())
            digest.update(np.ascontiguousarray(part).tobytes())
        elif isinstance(part, list | tuple):
            digest.update(f"[{len(part)}]".encode())
            for item in part:
                digest.update(repr(item).encode())
                digest.update(b"\x00")
        else:
            digest.update(repr(part).encode())
        digest.update(b"\x01")
    return digest.hexdigest()


def model_dir() -> Path:
    return Path(settings.DATA_DIR) / "models"


def _signature(payload: bytes) -> bytes:
    key = hashlib.sha256(b"coproduce.models:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, payload, hashlib.sha256).digest()


def _load(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    signature, payload = data[:32], data[32:]
    if len(signature) != 32 or not hmac.compare_digest(signature, _signature(payload)):
        logger.warning("ignoring a model file with a bad signature: %s", path.name)
        return None
    return pickle.loads(payload)  # noqa: S301 - signed by this app (see the module docstring)


def _save(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_signature(payload) + payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cached(key: str, build: Callable[[], T]) -> T:
    """The model stored under ``key``, or ``build()`` stored there first."""
    path = model_dir() / f"{key}.pickle"
    found = _load(path)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = build()
    _save(path, value)
    return value


def is_cached(key: str) -> bool:
    return (model_dir() / f"{key}.pickle").exists()


@dataclass(frozen=True, eq=False)
class FrameworkModels:
    """The framework classifier and the sentiment model, sharing their text features."""

    classifier: FeedbackClassifier
    sentiment: SentimentModel


def framework_key(reference: Reference) -> str:
    return fingerprint(
        "framework",
        reference.texts,
        reference.labels,
        reference.label_names,
        reference.sentiment,
        ClassifierOptions(jobs=1),
        SentimentOptions(),
    )


def framework_models(reference: Reference | None = None) -> FrameworkModels:
    """The framework classifier and sentiment model trained on ``reference`` (the shipped
    reference set by default), from the cache when trained before."""
    data = reference or reference_set()

    def build() -> FrameworkModels:
        options = ClassifierOptions()
        features = fit_features(data.texts, options.features)
        classifier = train_classifier(
            data.texts, data.labels, data.label_names, options=options, features=features
        )
        sentiment = train_sentiment(data.texts, data.sentiment, features=features)
        return FrameworkModels(classifier=classifier, sentiment=sentiment)

    return cached(framework_key(data), build)


def project_key(texts: Sequence[str], labels: np.ndarray, names: Sequence[str]) -> str:
    return fingerprint("project", tuple(texts), labels, tuple(names), ClassifierOptions(jobs=1))
