"""``clean_text``: the one text check the actions share (stripped, required, limited)."""

from __future__ import annotations

import pytest

from coproduce.web.errors import ActionError, clean_text


def test_text_is_stripped_and_non_text_counts_as_empty() -> None:
    assert clean_text("  Waiting room \n", field="title") == "Waiting room"
    assert clean_text(None, field="title") == ""
    assert clean_text(42, field="title") == ""


def test_required_text_is_refused_on_its_field_when_empty() -> None:
    with pytest.raises(ActionError) as refused:
        clean_text("   ", field="title", required="Enter a title")
    assert (refused.value.field, refused.value.message) == ("title", "Enter a title")


def test_over_long_text_is_refused_with_the_limit_written_for_people() -> None:
    assert clean_text("x" * 2000, field="notes", limit=2000) == "x" * 2000
    with pytest.raises(ActionError) as refused:
        clean_text("x" * 2001, field="notes", limit=2000)
    assert refused.value.field == "notes"
    assert refused.value.message == "This must be 2,000 characters or fewer"
