"""Tuckman pulses (shown only with 5 or more answers) and self-assessments over time."""

from __future__ import annotations

import datetime as dt

import pytest

from coproduce.participation.ladders import Capability, NefPrinciple, Stage
from coproduce.participation.team import (
    Assessment,
    PulseRound,
    assessment_series,
    check_assessment,
    moves_back,
    stage_series,
    summarise_pulse,
)
from coproduce.participation.validation import ParticipationInputError

F, S, N, P, A = Stage


def test_fewer_than_five_answers_show_nothing() -> None:
    assert summarise_pulse([N, N, P, P]) is None
    assert summarise_pulse([]) is None


def test_a_pulse_of_seven() -> None:
    # Sorted: S N N N P P P → median (4th of 7) is norming; norming and performing tie at 3.
    summary = summarise_pulse([P, N, S, P, N, N, P])
    assert summary is not None
    assert summary.responses == 7
    assert summary.median is N
    assert summary.modal == (N, P)
    # Every count is under 5; they are shown as "<5" and the total 7 is safe to show.
    assert {stage: c.shown for stage, c in summary.counts.items()} == dict.fromkeys(Stage, "<5")


def test_the_median_of_an_even_number_is_the_lower_middle() -> None:
    summary = summarise_pulse(["forming", "forming", "storming", "norming", "norming", 5])
    assert summary is not None
    assert summary.median is S  # F F S N N A → 3rd and 4th are S and N; the lower is S
    assert summary.modal == (F, N)


def test_counts_of_five_or_more_are_shown_with_complementary_suppression() -> None:
    summary = summarise_pulse([N] * 6 + [P] * 5 + [S] * 2)
    assert summary is not None
    shown = {stage: c.shown for stage, c in summary.counts.items()}
    # S (2) and the zeros make 2 < 5, so the next smallest shown cell (P, 5) is hidden too.
    assert shown == {F: "<5", S: "<5", N: "6", P: "[c]", A: "<5"}


def test_stage_series_marks_a_move_back_and_hides_small_rounds() -> None:
    rounds = [
        PulseRound(dt.date(2026, 3, 1), (N, N, P, P, P)),
        PulseRound(dt.date(2026, 1, 1), (F, F, F, S, S)),
        PulseRound(dt.date(2026, 2, 1), (S, N)),  # two answers: hidden
        PulseRound(dt.date(2026, 4, 1), (S, S, S, N, N)),
    ]
    points = stage_series(rounds)
    assert [p.date.month for p in points] == [1, 2, 3, 4]
    assert [p.summary.median if p.summary else None for p in points] == [F, None, P, S]
    assert [p.responses.shown for p in points] == ["5", "<5", "5", "5"]
    assert [p.moved_back for p in points] == [False, False, False, True]


def test_a_move_back_is_an_earlier_stage_than_the_reading_before() -> None:
    assert moves_back([F, S, N, S, S, P, N]) == (False, False, False, True, False, False, True)
    assert moves_back([]) == ()


NEF_KEYS = [p.key for p in NefPrinciple]


def nef(day: int, *scores: int, **evidence: str) -> Assessment:
    return Assessment(dt.date(2026, 1, day), dict(zip(NEF_KEYS, scores, strict=True)), evidence)


def test_assessment_series_gives_change_and_weakest() -> None:
    series = assessment_series(
        [
            nef(20, 3, 2, 1, 1, 0, 2, reciprocity="We now pay people"),
            nef(1, 2, 2, 0, 3, 0, 4),
        ]
    )
    assert series.dates == (dt.date(2026, 1, 1), dt.date(2026, 1, 20))
    assets = series.for_key("assets")
    assert assets.title == NefPrinciple.ASSETS.title
    assert assets.points == ((dt.date(2026, 1, 1), 2), (dt.date(2026, 1, 20), 3))
    assert assets.change == 1
    assert series.for_key("peer_support").change == -2
    assert series.for_key("blur_roles").change == 0
    assert series.weakest == ("blur_roles",)


def test_one_assessment_has_no_change_and_ties_for_weakest_are_kept() -> None:
    series = assessment_series([nef(1, 1, 4, 1, 2, 3, 4)])
    assert series.for_key("assets").change is None
    assert series.weakest == ("assets", "reciprocity")
    assert assessment_series([]).weakest == ()


def test_sharma_capabilities_use_the_same_series() -> None:
    scores = {
        "customer_activation": 1,
        "organisational_activation": 3,
        "interaction": 2,
        "learning_agility": 1,
    }
    series = assessment_series([Assessment(dt.date(2026, 1, 1), scores)], Capability)
    assert series.weakest == ("customer_activation", "learning_agility")


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({**dict.fromkeys(NEF_KEYS, 2), "assets": 5}, "from 0 to 4"),
        ({**dict.fromkeys(NEF_KEYS, 2), "assets": -1}, "from 0 to 4"),
        (dict.fromkeys(NEF_KEYS[:-1], 2), "missing: facilitate"),
        ({**dict.fromkeys(NEF_KEYS, 2), "vibes": 2}, "not one of"),
        ({**dict.fromkeys(NEF_KEYS, 2), "assets": 2.5}, "whole number"),
    ],
)
def test_bad_scores_are_refused(scores: dict[str, int], message: str) -> None:
    with pytest.raises(ParticipationInputError, match=message):
        check_assessment(Assessment(dt.date(2026, 1, 1), scores))


def test_evidence_for_an_unknown_key_is_refused() -> None:
    with pytest.raises(ParticipationInputError):
        check_assessment(Assessment(dt.date(2026, 1, 1), dict.fromkeys(NEF_KEYS, 0), {"x": "?"}))
