"""Equality segments and suppressed side-by-side segments (coproduce.kano.segments)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.kano import (
    EQUALITY_QUESTIONS,
    NOT_SAID,
    KanoAnswer,
    KanoInputError,
    KanoOptions,
    KanoResponse,
    analyse,
    equality_question,
    resegment,
    segment_order,
    shown_analysis,
    suppress_analysis,
    suppress_attribute,
)
from coproduce.participation import equity

LIKE, MUST, NEUTRAL, DISLIKE = (
    KanoAnswer.LIKE,
    KanoAnswer.MUST_BE,
    KanoAnswer.NEUTRAL,
    KanoAnswer.DISLIKE,
)


def _people(segment: str, n: int, *, start: int = 0, attribute: str = "parking") -> list:
    return [
        KanoResponse(f"{segment}-{k}", attribute, MUST, DISLIKE, segment=segment)
        for k in range(start, start + n)
    ]


def test_questions_use_the_participation_categories_with_prefer_not_to_say() -> None:
    assert EQUALITY_QUESTIONS["age_band"].answers == equity.AGE_BANDS
    assert EQUALITY_QUESTIONS["ethnic_group"].answers == equity.ETHNIC_GROUPS
    assert len(EQUALITY_QUESTIONS["ethnic_group"].answers) == 5  # ONS 2021 high-level groups
    assert EQUALITY_QUESTIONS["sex"].answers == equity.SEX
    assert EQUALITY_QUESTIONS["disability"].answers == equity.DISABILITY
    imd = EQUALITY_QUESTIONS["imd_decile"]
    assert imd.answers == tuple(str(d) for d in range(1, 11))
    assert [imd.segment_of(str(d)) for d in (1, 2, 3, 10)] == [
        "Quintile 1 (most deprived fifth)",
        "Quintile 1 (most deprived fifth)",
        "Quintile 2",
        "Quintile 5 (least deprived fifth)",
    ]
    for question in EQUALITY_QUESTIONS.values():
        assert question.segment_of("Prefer not to say") == NOT_SAID
        assert question.segment_of(None) == NOT_SAID
        assert segment_order(question)[-1] == NOT_SAID
    with pytest.raises(KanoInputError):
        EQUALITY_QUESTIONS["sex"].segment_of("Unknown")
    with pytest.raises(KanoInputError):
        equality_question("religion")


def test_resegment_puts_everyone_without_an_answer_in_one_segment() -> None:
    responses = _people("patient", 3) + _people("staff", 2)
    question = EQUALITY_QUESTIONS["sex"]
    out = resegment(responses, question, {"patient-0": "Female", "patient-1": "Prefer not to say"})
    assert [r.segment for r in out] == ["Female", NOT_SAID, NOT_SAID, NOT_SAID, NOT_SAID]
    assert [r.respondent for r in out] == [r.respondent for r in responses]


def test_a_small_segment_is_protected_by_hiding_the_next_smallest() -> None:
    responses = _people("patient", 12) + _people("carer", 3) + _people("staff", 6)
    analysis = analyse(responses, options=KanoOptions(overall="all"))
    row = suppress_attribute(analysis, "parking")
    shown = {c.segment: c for c in row.cells}
    assert shown["carer"].hidden and shown["carer"].shown == "<5"
    assert shown["carer"].result is None
    # Without hiding staff, everyone (21) - patients (12) - staff (6) would give carers (3).
    assert shown["staff"].hidden and shown["staff"].complementary and shown["staff"].shown == "[c]"
    assert shown["staff"].result is None
    assert not shown["patient"].hidden and shown["patient"].result is not None
    assert shown["all"].shown == "21" and shown["all"].result == analysis.result("parking")
    assert row.categories_agree is None  # one segment shown


def test_segments_nobody_answered_count_as_zero_and_are_hidden() -> None:
    analysis = analyse(_people("Female", 7), options=KanoOptions(overall="all"))
    row = suppress_attribute(analysis, "parking", segments=["Female", "Male", NOT_SAID])
    shown = {c.segment: c for c in row.cells}
    assert shown["Male"].shown == "<5" and shown[NOT_SAID].shown == "<5"
    # Female 7 and a total of 7 would show that Male and "not said" are zero: Female is hidden.
    assert shown["Female"].hidden and shown["Female"].complementary
    assert shown["all"].shown == "7" and shown["all"].result is not None
    with pytest.raises(KanoInputError):
        suppress_attribute(analysis, "parking", segments=["Male"])


def test_shown_analysis_keeps_only_what_may_be_shown() -> None:
    responses = _people("patient", 12) + _people("carer", 3) + _people("staff", 6)
    analysis = analyse(responses, options=KanoOptions(overall="all"))
    shown = shown_analysis(analysis)
    assert {r.segment for r in shown.results} == {"patient", "all"}


SEGMENTS = ["patient", "carer", "staff", "other"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(SEGMENTS), st.sampled_from(["parking", "wifi"])),
        min_size=1,
        max_size=60,
    )
)
def test_no_hidden_segment_can_be_recovered_from_the_shown_ones(rows) -> None:  # type: ignore[no-untyped-def]
    responses = [
        KanoResponse(f"r{k}", a, LIKE, NEUTRAL, segment=s) for k, (s, a) in enumerate(rows)
    ]
    analysis = analyse(responses, options=KanoOptions(overall="all"))
    for row in suppress_analysis(analysis, segments=SEGMENTS):
        *own, everyone = row.cells
        n = {
            c.segment: sum(1 for s, a in rows if s == c.segment and a == row.attribute) for c in own
        }
        for cell in own:
            if cell.hidden:
                assert cell.result is None
            else:
                assert n[cell.segment] >= 5 and cell.result is not None
                assert cell.result.n == n[cell.segment]
        hidden = [c.segment for c in own if c.hidden]
        if not everyone.hidden and hidden:
            # What subtraction gives is the hidden segments together: never one segment,
            # never fewer than 5 people, and no hidden "<5" segment is pinned by the rest.
            assert len(hidden) >= 2
            assert sum(n[s] for s in hidden) >= 5
        if everyone.hidden:
            assert everyone.result is None
