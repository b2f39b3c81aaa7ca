"""Aim statements: some is not a number, soon is not a time."""

from __future__ import annotations

from datetime import date

import pytest

from coproduce.improvement.aims import aim_statement, as_number, check_aim, format_number

TODAY = date(2026, 1, 15)


def check(**overrides: object) -> list[str]:
    values: dict[str, object] = {
        "what": "the wait for a first appointment",
        "for_whom": "young people referred to CAMHS",
        "baseline": 12,
        "target": 6,
        "direction": "decrease",
        "deadline": date(2027, 3, 31),
        "today": TODAY,
    }
    values.update(overrides)
    return [problem.message for problem in check_aim(**values)]  # type: ignore[arg-type]


def test_a_specific_measurable_timed_aim_passes() -> None:
    assert check() == []


def test_some_is_not_a_number() -> None:
    assert check(target="some") == ["A target must be a number (“some is not a number”)"]
    assert check(target=None) == ["A target must be a number (“some is not a number”)"]


def test_soon_is_not_a_time() -> None:
    assert check(deadline="soon") == ["A deadline must be a date (“soon is not a time”)"]
    assert check(deadline="2027-03-31") == []


def test_the_target_must_move_the_stated_way() -> None:
    assert check(target=14) == ["To reduce it, the target must be lower than the baseline"]
    assert check(direction="increase", baseline=40, target=30) == [
        "To increase it, the target must be higher than the baseline"
    ]
    assert check(direction="increase", baseline=40, target=40) == [
        "To increase it, the target must be higher than the baseline"
    ]


def test_a_past_deadline_is_flagged_unless_there_is_no_today_to_check_against() -> None:
    assert check(deadline=date(2025, 12, 31)) == [
        "The deadline has passed: set a date in the future"
    ]
    assert check(deadline=date(2025, 12, 31), today=None) == []
    assert check(deadline="soon", today=None) == [
        "A deadline must be a date (“soon is not a time”)"
    ]


def test_missing_words_and_direction_are_flagged() -> None:
    problems = check(what=" ", for_whom="", direction="sideways")
    assert "Say what will improve" in problems
    assert "Say who the improvement is for" in problems
    assert "Choose whether to increase or reduce it" in problems


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), "1e999", object()])
def test_odd_values_are_not_numbers(value: object) -> None:
    assert as_number(value) is None


def test_numbers_are_written_plainly() -> None:
    assert format_number(12.0) == "12"
    assert format_number(12.5) == "12.5"
    assert format_number(1234.0) == "1,234"


def test_the_statement_reads_as_a_sentence() -> None:
    statement = aim_statement(
        what="The wait for a first appointment",
        for_whom="young people referred to CAMHS",
        baseline=12,
        target=6,
        unit="weeks",
        direction="decrease",
        deadline=date(2027, 3, 31),
    )
    assert statement == (
        "Reduce the wait for a first appointment from 12 to 6 weeks by 31 March 2027 "
        "for young people referred to CAMHS."
    )


def test_percentages_sit_on_both_numbers() -> None:
    statement = aim_statement(
        what="patients seen within 4 hours",
        for_whom="adults attending A&E",
        baseline=72.5,
        target=95,
        unit="%",
        direction="increase",
        deadline=date(2026, 9, 1),
    )
    assert statement == (
        "Increase patients seen within 4 hours from 72.5% to 95% by 1 September 2026 "
        "for adults attending A&E."
    )
