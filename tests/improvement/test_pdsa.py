"""PDSA decisions, ramp status and the ramp invariants (DOMAIN.md §2.5)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from coproduce.improvement.pdsa import (
    Cycle,
    Decision,
    RampStatus,
    Result,
    decision_problem,
    has_study,
    label,
    next_number,
    ramp_problems,
    ramp_status,
)

D = date(2026, 2, 2)


@pytest.mark.parametrize("decision", ["adopt", "adapt", "abandon", Decision.ADOPT])
def test_a_decision_without_a_study_is_refused_with_a_reason(decision: str) -> None:
    reason = decision_problem(decision=decision, learning="  ", results=[None, ""])
    assert reason is not None
    assert "without a Study" in reason
    assert str(Decision(decision).value) in reason


def test_learning_or_a_prediction_result_is_a_study() -> None:
    assert decision_problem(decision="adopt", learning="It worked", results=[]) is None
    assert decision_problem(decision="adopt", learning="", results=[Result.PARTLY]) is None
    assert has_study(learning="", results=["confirmed"])
    assert not has_study(learning="", results=[])


def test_no_decision_needs_no_study() -> None:
    assert decision_problem(decision="", learning="", results=[]) is None
    assert decision_problem(decision=None, learning="", results=[]) is None


def test_ramp_status_follows_the_last_decision() -> None:
    assert ramp_status([]) is RampStatus.ACTIVE
    assert ramp_status(["adapt", None]) is RampStatus.ACTIVE
    assert ramp_status(["adapt", "adopt"]) is RampStatus.ADOPTED
    assert ramp_status(["adopt", "abandon"]) is RampStatus.ABANDONED
    assert ramp_status(["adopt", "adapt"]) is RampStatus.ACTIVE
    assert ramp_status(["adapt", ""]) is RampStatus.ACTIVE


def test_a_ramp_is_adopted_exactly_when_its_last_cycle_says_adopt() -> None:
    choices: list[str | None] = ["adopt", "adapt", "abandon", "", None]
    for length in (1, 2, 3):
        for decisions in itertools.product(choices, repeat=length):
            status = ramp_status(list(decisions))
            assert (status is RampStatus.ADOPTED) == (decisions[-1] == "adopt")
            assert (status is RampStatus.ABANDONED) == (decisions[-1] == "abandon")


def test_adapt_must_be_followed_by_another_cycle() -> None:
    cycles = [
        Cycle(1, D, D, Decision.ADAPT, learning="Too slow"),
    ]
    problems = ramp_problems(cycles)
    assert problems == [
        "PDSA 1 was decided “adapt” but no cycle follows it yet: "
        "plan the next cycle, or abandon the idea"
    ]
    assert ramp_problems([*cycles, Cycle(2, D)]) == []


def test_numbering_gaps_bad_dates_and_decisions_without_study_are_flagged() -> None:
    problems = ramp_problems(
        [
            Cycle(1, D, date(2026, 1, 1)),
            Cycle(3, D, None, Decision.ABANDON),
        ]
    )
    assert problems[0].startswith("The cycles are not numbered 1, 2, 3")
    assert "PDSA 1: The end date must be the same as or after the start date" in problems
    assert any(p.startswith("PDSA 3: A cycle cannot be decided “abandon”") for p in problems)


def test_numbering_and_labels() -> None:
    assert next_number([]) == 1
    assert next_number([1, 2, 3]) == 4
    assert label(number=2, title="Text reminders") == "PDSA 2: Text reminders"
