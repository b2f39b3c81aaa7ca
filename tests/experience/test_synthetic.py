"""The synthetic evaluation set and the redaction targets of issue 6 (ADR 0013)."""

from __future__ import annotations

import random
import re

import pytest

from coproduce.experience.redact import (
    ALL_KINDS,
    IdentifierKind,
    nhs_number_is_valid,
    redact_many,
)
from coproduce.experience.redact_names import (
    AMBIGUOUS_FIRST_NAMES,
    FIRST_NAMES,
    SURNAMES,
)
from coproduce.experience.synthetic import (
    UNLISTED_FIRST,
    UNLISTED_SURNAMES,
    GoldSpan,
    SyntheticComment,
    Trap,
    evaluate,
    evaluate_redactions,
    generate_comments,
    make_nhs_number,
)

K = IdentifierKind

# Issue 6: at least 99% recall of direct identifiers, at least 95% precision.
RECALL_TARGET = 0.99
PRECISION_TARGET = 0.95
N = 5000


@pytest.fixture(scope="module")
def comments() -> tuple[SyntheticComment, ...]:
    return generate_comments(N)


def test_the_same_seed_gives_the_same_comments() -> None:
    assert generate_comments(50, seed=3) == generate_comments(50, seed=3)
    assert generate_comments(50, seed=3) != generate_comments(50, seed=4)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="n must"):
        generate_comments(-1)


def test_generated_nhs_numbers_pass_or_fail_the_check_as_asked() -> None:
    rng = random.Random(1)  # noqa: S311 - test data
    for _ in range(500):
        assert nhs_number_is_valid(make_nhs_number(rng))
        assert not nhs_number_is_valid(make_nhs_number(rng, valid=False))


def test_gold_spans_hold_identifiers_of_their_kind(comments: tuple[SyntheticComment, ...]) -> None:
    seen = set()
    for c in comments:
        for g in c.gold:
            value = c.text[g.start : g.end]
            seen.add(g.kind)
            if g.kind is K.NHS_NUMBER:
                assert nhs_number_is_valid(value)
            elif g.kind is K.EMAIL:
                assert "@" in value
            elif g.kind is K.PHONE:
                assert re.fullmatch(r"[+()\d \-]+", value)
            elif g.kind is K.POSTCODE:
                assert re.fullmatch(r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}", value)
            else:
                assert value.strip() == value and value
        for t in c.traps:
            if t.label == "bad_check_digit":
                assert not nhs_number_is_valid(c.text[t.start : t.end])
    assert seen == set(K)


def test_every_kind_and_hard_negative_is_well_represented(
    comments: tuple[SyntheticComment, ...],
) -> None:
    per_kind = {k: sum(g.kind is k for c in comments for g in c.gold) for k in K}
    assert min(per_kind.values()) >= 500
    labels = {t.label for c in comments for t in c.traps}
    assert {"appointment_date", "bad_check_digit", "outward_code", "word_will", "place"} <= labels


def test_unlisted_names_are_really_absent_from_the_shipped_lists() -> None:
    assert not set(UNLISTED_FIRST) & (FIRST_NAMES | AMBIGUOUS_FIRST_NAMES | SURNAMES)
    assert not set(UNLISTED_SURNAMES) & (FIRST_NAMES | AMBIGUOUS_FIRST_NAMES | SURNAMES)


def test_scoring_counts_partial_cover_as_a_miss_and_traps_as_false_positives() -> None:
    text = "Dr Sarah Jones, Ward 4"
    comment = SyntheticComment(
        text, (GoldSpan(3, 14, K.NAME, "name_title"),), (Trap(16, 22, "ward"),)
    )
    partial = evaluate([comment], [[(3, 8, K.NAME), (16, 22, K.PHONE)]])
    assert (partial.overall.gold, partial.overall.recalled) == (1, 0)
    assert partial.missed_by_variant == (("name_title", 1, 1),)
    assert partial.false_positives_by_trap == (("ward", 1),)
    assert partial.overall.predicted == 2 and partial.overall.correct == 1
    whole = evaluate([comment], [[(3, 14, K.NAME)]])
    assert whole.recall == 1.0 and whole.precision == 1.0
    assert whole.overall.right_kind == 1


def test_redaction_meets_the_issue_targets_on_the_synthetic_set(
    comments: tuple[SyntheticComment, ...],
) -> None:
    result = evaluate_redactions(comments, redact_many([c.text for c in comments]))
    assert result.recall >= RECALL_TARGET, result.missed_by_variant[:5]
    assert result.precision >= PRECISION_TARGET, result.false_positives_by_trap
    for score in result.by_kind:
        if score.kind is not K.NAME:  # names are the weak kind: ADR 0013
            assert score.recall >= RECALL_TARGET, score
        assert score.precision >= PRECISION_TARGET, score


@pytest.mark.parametrize("dropped", sorted(ALL_KINDS))
def test_the_target_test_fails_without_any_one_rule(
    comments: tuple[SyntheticComment, ...], dropped: IdentifierKind
) -> None:
    """The evaluation above can fail: without the postcode rule (or any other) recall falls
    far below the target."""
    # Measured on these 5,000 comments (seed 20261122): recall without the postcode rule
    # 0.813, without NHS numbers 0.823, names 0.830, dates of birth 0.828, e-mail 0.833,
    # phone 0.836; with every rule 0.992.
    kinds = ALL_KINDS - {dropped}
    result = evaluate_redactions(comments, redact_many([c.text for c in comments], kinds=kinds))
    assert result.recall < RECALL_TARGET
