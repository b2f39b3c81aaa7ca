"""The shipped reference set is the test copy of the framework data, derived as documented."""

from __future__ import annotations

import numpy as np
import pytest

from coproduce.experience.framework import load_reference
from tests.experience.framework import framework


def test_shipped_reference_matches_the_labelled_source() -> None:
    shipped = load_reference(min_positives=1)
    source = framework(min_positives=1)
    assert list(shipped.texts) == source.texts
    assert list(shipped.label_names) == source.names
    assert np.array_equal(shipped.labels, source.labels)
    assert list(shipped.sentiment) == source.sentiment
    assert len(shipped.texts) == 6211


def test_default_keeps_labels_with_ten_positives() -> None:
    reference = load_reference()
    assert len(reference.label_names) == 41
    assert int(reference.labels.sum(axis=0).min()) >= 10
    assert len(reference.digest) == 64


def test_min_positives_must_be_positive() -> None:
    with pytest.raises(ValueError):
        load_reference(0)
