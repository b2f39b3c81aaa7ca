"""Themes found without labels, and the facilitator's edits (coproduce.experience.themes)."""

from __future__ import annotations

import random

import pytest

from coproduce.experience.themes import (
    NOT_ASSIGNED,
    ThemeOptions,
    ThemesError,
    find_themes,
    merge_themes,
    reassign,
    rename_theme,
    split_theme,
    theme_count,
)
from tests.experience.framework import framework

TOPICS = {
    "parking": ["car park", "parking space", "parking charges", "parked car", "park"],
    "food": ["cold food", "hot meals", "food menu", "meals", "breakfast"],
    "waiting": ["waiting time", "long wait", "waiting room", "waited hours", "delay"],
}
FILLER = ["was", "the", "very", "really", "today", "and", "again", "ward"]


def corpus(per_topic: int, seed: int) -> tuple[list[str], list[str]]:
    """Comments about exactly one topic each, shuffled; returns (texts, topics)."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    rows = []
    for topic, phrases in TOPICS.items():
        for _ in range(per_topic):
            words = rng.sample(phrases, 2) + rng.sample(FILLER, 3)
            rng.shuffle(words)
            rows.append((" ".join(words), topic))
    rng.shuffle(rows)
    return [r[0] for r in rows], [r[1] for r in rows]


def test_three_clear_topics_become_three_pure_themes_with_readable_labels() -> None:
    texts, topics = corpus(40, seed=1)
    ids = [f"c{i}" for i in range(len(texts))]
    found = find_themes(texts, ids=ids, options=ThemeOptions(k=3))
    assert [t.id for t in found.themes] == [1, 2, 3]
    assert sorted(t.size for t in found.themes) == [40, 40, 40]
    topic_of = dict(zip(ids, topics, strict=True))
    for theme in found.themes:
        assert len({topic_of[m] for m in theme.members}) == 1
        vocabulary = " ".join(TOPICS[topic_of[theme.members[0]]]).split()
        label_words = theme.label.replace(",", "").split()
        assert len(theme.label.split(", ")) == 3  # e.g. "hot meals, food menu, cold food"
        assert all(word in vocabulary for word in label_words)
        assert set(theme.examples) <= set(theme.members) and len(theme.examples) == 3
    assert found.unassigned == ()


def test_the_same_seed_gives_the_same_themes() -> None:
    texts, _ = corpus(30, seed=2)
    assert find_themes(texts, options=ThemeOptions(seed=3)) == find_themes(
        texts, options=ThemeOptions(seed=3)
    )


def test_comments_without_usable_words_belong_to_no_theme() -> None:
    texts, _ = corpus(20, seed=4)
    texts += ["", "...", "the and was"]
    found = find_themes(texts, options=ThemeOptions(k=3))
    n = len(texts)
    assert found.unassigned == (str(n - 2), str(n - 1), str(n))
    assert found.theme_of(str(n)) == NOT_ASSIGNED
    rows = found.assignments()
    assert len(rows) == n and rows[-1] == (str(n), 0, "")
    assert [r[0] for r in rows] == [str(i) for i in range(1, n + 1)]


def test_the_number_of_themes_follows_the_stated_rule() -> None:
    assert theme_count(30) == 2
    assert theme_count(400) == 8
    assert theme_count(6211) == 15
    assert theme_count(100_000) == 15
    assert theme_count(1) == 1
    assert theme_count(400, ThemeOptions(k=5)) == 5


def test_no_text_at_all_gives_no_themes() -> None:
    found = find_themes(["", "  "], ids=["a", "b"])
    assert found.themes == () and found.unassigned == ("a", "b")


def test_ids_must_be_distinct_and_one_per_comment() -> None:
    with pytest.raises(ThemesError, match="distinct"):
        find_themes(["a b", "c d"], ids=["x", "x"])
    with pytest.raises(ThemesError, match="2 comments but 1 ids"):
        find_themes(["a b", "c d"], ids=["x"])


# --------------------------------------------------------------------------- edits


@pytest.fixture
def themes_and_texts() -> tuple[object, dict[str, str]]:
    texts, _ = corpus(30, seed=5)
    ids = [f"c{i}" for i in range(len(texts))]
    return find_themes(texts, ids=ids, options=ThemeOptions(k=3)), dict(
        zip(ids, texts, strict=True)
    )


def test_rename_changes_only_the_label(themes_and_texts: tuple) -> None:  # type: ignore[type-arg]
    found, _ = themes_and_texts
    renamed = rename_theme(found, 2, "  Food and drink ")
    assert renamed.theme(2).label == "Food and drink"
    assert renamed.theme(2).members == found.theme(2).members
    assert renamed.theme(1) == found.theme(1)
    with pytest.raises(ThemesError, match="needs a name"):
        rename_theme(found, 2, " ")
    with pytest.raises(ThemesError, match="no theme 9"):
        rename_theme(found, 9, "x")


def test_merge_keeps_the_smallest_id_and_every_member(themes_and_texts: tuple) -> None:  # type: ignore[type-arg]
    found, _ = themes_and_texts
    merged = merge_themes(found, [3, 1], label="Travel and food")
    assert [t.id for t in merged.themes] == [1, 2]
    together = set(found.theme(1).members) | set(found.theme(3).members)
    assert set(merged.theme(1).members) == together
    assert list(merged.theme(1).members) == [i for i in found.ids if i in together]
    assert merged.theme(1).label == "Travel and food"
    assert all(merged.theme_of(m) == 1 for m in together)
    with pytest.raises(ThemesError, match="at least two"):
        merge_themes(found, [1])


def test_split_gives_the_largest_part_the_old_id(themes_and_texts: tuple) -> None:  # type: ignore[type-arg]
    found, texts = themes_and_texts
    merged = merge_themes(found, [1, 2])
    split = split_theme(merged, 1, texts, parts=2)
    assert [t.id for t in split.themes] == [1, 3, 4]
    parts = [split.theme(1), split.theme(4)]
    assert {m for p in parts for m in p.members} == set(merged.theme(1).members)
    assert parts[0].size >= parts[1].size
    assert {frozenset(p.members) for p in parts} == {
        frozenset(found.theme(1).members),
        frozenset(found.theme(2).members),
    }
    with pytest.raises(ThemesError, match="no text for comment"):
        split_theme(merged, 1, {}, parts=2)


def test_reassign_moves_comments_and_their_example_status(themes_and_texts: tuple) -> None:  # type: ignore[type-arg]
    found, _ = themes_and_texts
    example = found.theme(1).examples[0]
    moved = reassign(found, [example], 2)
    assert moved.theme_of(example) == 2
    assert example not in moved.theme(1).examples
    assert example not in moved.theme(1).members
    assert moved.theme(2).size == found.theme(2).size + 1
    out = reassign(moved, [example], NOT_ASSIGNED)
    assert out.theme_of(example) == NOT_ASSIGNED and example in out.unassigned
    with pytest.raises(ThemesError, match="no comment with id"):
        reassign(found, ["nope"], 1)


def test_themes_of_the_framework_comments_are_found_quickly_and_read_well() -> None:
    data = framework()
    found = find_themes(data.texts)
    assert len(found.themes) == 15  # 6,211 comments: the rule's cap
    assert sum(t.size for t in found.themes) + len(found.unassigned) == len(data.texts)
    labels = " | ".join(t.label for t in found.themes)
    assert "wait" in labels and "staff" in labels


def test_an_exact_fit_of_a_few_comments_raises_no_warning() -> None:
    """Found on PostgreSQL by schemathesis: NMF's residual of -0.0 gave a RuntimeWarning
    (an error under the test settings, a 500 through the API's split)."""
    import warnings

    from coproduce.experience.themes import ThemeOptions, find_themes

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = find_themes(
            ["kind", "wait long", "kind", "kind"],
            ids=["a", "b", "c", "d"],
            options=ThemeOptions(k=2),
        )
    assert sorted(t.size for t in found.themes) == [1, 3]
