"""The answer scale, its spellings and the question pair (DOMAIN.md §4.2)."""

from __future__ import annotations

import numpy as np
import pytest

from coproduce.kano import KanoAnswer, KanoAnswerError, evaluate_codes, parse_answer, question_pair


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("like", KanoAnswer.LIKE),
        (" LIKE ", KanoAnswer.LIKE),
        ("I like it", KanoAnswer.LIKE),
        ("must-be", KanoAnswer.MUST_BE),
        ("Must be", KanoAnswer.MUST_BE),
        ("must_be", KanoAnswer.MUST_BE),
        ("I expect it", KanoAnswer.MUST_BE),
        ("neutral", KanoAnswer.NEUTRAL),
        ("I am neutral", KanoAnswer.NEUTRAL),
        ("live-with", KanoAnswer.LIVE_WITH),
        ("Live with", KanoAnswer.LIVE_WITH),
        ("I can tolerate it", KanoAnswer.LIVE_WITH),
        ("I can live with it", KanoAnswer.LIVE_WITH),
        ("dislike", KanoAnswer.DISLIKE),
        ("I dislike it.", KanoAnswer.DISLIKE),
        ("1", KanoAnswer.LIKE),
        ("5", KanoAnswer.DISLIKE),
        ("3.0", KanoAnswer.NEUTRAL),
        (4, KanoAnswer.LIVE_WITH),
        (KanoAnswer.MUST_BE, KanoAnswer.MUST_BE),
    ],
)
def test_common_spellings_and_the_numbers_1_to_5_are_read(text: object, answer: KanoAnswer) -> None:
    assert parse_answer(text) == answer  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "maybe", "6", "0", "like it a lot", "likes"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(KanoAnswerError):
        parse_answer(text)


def test_numbers_follow_the_canonical_order() -> None:
    assert [a.label for a in KanoAnswer] == ["like", "must-be", "neutral", "live-with", "dislike"]
    assert [int(a) for a in KanoAnswer] == [1, 2, 3, 4, 5]


def test_vectorised_evaluation_agrees_and_refuses_codes_out_of_range() -> None:
    codes = evaluate_codes(np.array([1, 1, 2, 5]), np.array([5, 3, 5, 1]))
    assert codes.tolist() == [1, 0, 2, 4]  # O, A, M, R
    with pytest.raises(KanoAnswerError):
        evaluate_codes([1, 6], [1, 1])


def test_question_pair_is_generated_from_the_attribute() -> None:
    pair = question_pair("  a text   reminder the day before ")
    assert (
        pair.functional == "How would you feel if the service had a text reminder the day before?"
    )
    assert pair.dysfunctional == (
        "How would you feel if the service did not have a text reminder the day before?"
    )
    assert pair.answers[0] == "I like it" and pair.answers[4] == "I dislike it"


def test_question_pair_wording_can_be_edited() -> None:
    pair = question_pair(
        "parking",
        functional="If you could park near the clinic, how would you feel?",
        answers=("Great", "Expected", "Don't mind", "Can put up with it", "Bad"),
    )
    assert pair.functional.startswith("If you could park")
    assert pair.dysfunctional.endswith("did not have parking?")
    assert pair.answers[2] == "Don't mind"


@pytest.mark.parametrize("kwargs", [{"functional": "  "}, {"answers": ("a", "b", "c", "d", "")}])
def test_blank_question_wording_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        question_pair("parking", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        question_pair("   ")
