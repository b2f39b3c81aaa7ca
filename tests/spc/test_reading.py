"""The plain-English reading of a chart, on series built to show each signal."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from coproduce.spc import Direction, RuleSet, SpcOptions, spc
from coproduce.spc.reading import format_value, read, read_all, uk_day, uk_month


def months(k: int, start: dt.date = dt.date(2025, 1, 1)) -> list[dt.date]:
    out = []
    year, month = start.year, start.month
    for _ in range(k):
        out.append(dt.date(year, month, 1))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


STABLE = [42, 41, 43, 40, 42, 44, 41, 42, 43, 42, 41, 40, 42, 43, 41, 42, 44, 40, 42, 41]
# Twelve stable months, then eight months lower: a shift below the mean from January 2026.
SHIFTED = [*STABLE[:12], 36, 35, 37, 36, 35, 36, 37, 35]


def test_dates_are_written_the_uk_way() -> None:
    assert uk_month(dt.date(2026, 3, 1)) == "March 2026"
    assert uk_month("2026-03-01") == "March 2026"
    assert uk_day(dt.date(2026, 3, 9)) == "9 March 2026"
    assert uk_month(12) == "point 12"


def test_units_follow_numbers() -> None:
    assert format_value(42.0, "minutes") == "42 minutes"
    assert format_value(95.0, "%") == "95%"
    assert format_value(3.14159) == "3.142"


def test_a_stable_process_reads_as_common_cause() -> None:
    chart = spc(STABLE, x=months(20), chart="i", options=SpcOptions(rules=RuleSet.MDC))
    assert read(chart, unit="minutes") == (
        "Common cause variation: no signals; the process is stable around 41.8 minutes."
    )


def test_mdc_shift_names_the_count_side_and_start() -> None:
    chart = spc(
        SHIFTED,
        x=months(20),
        chart="i",
        options=SpcOptions(rules=RuleSet.MDC, direction=Direction.DECREASE),
    )
    head = read(chart, unit="minutes")
    assert head.startswith("Special cause improvement: ")
    assert "8 points below the mean since January 2026" in head


def test_the_same_shift_is_concern_when_higher_is_better() -> None:
    chart = spc(
        SHIFTED,
        x=months(20),
        chart="i",
        options=SpcOptions(rules=RuleSet.MDC, direction=Direction.INCREASE),
    )
    assert read(chart).startswith("Special cause concern: ")


def test_neutral_direction_claims_neither_improvement_nor_concern() -> None:
    chart = spc(SHIFTED, x=months(20), chart="i", options=SpcOptions(rules=RuleSet.MDC))
    head = read(chart)
    assert head.startswith("Special cause variation (lower values, neither better nor worse)")


def test_a_point_beyond_the_limits_is_named_with_its_date_and_value() -> None:
    chart = spc(
        [*STABLE, 60],
        x=months(21),
        chart="i",
        options=SpcOptions(rules=RuleSet.MDC, direction=Direction.INCREASE),
    )
    head = read(chart, unit="minutes")
    assert head.startswith("Special cause improvement: the latest point (September 2026, ")
    assert "60 minutes) is above the upper limit of" in head


def test_a_trend_reads_as_rising() -> None:
    chart = spc(
        [*STABLE[:13], 38, 39, 40, 41, 43, 44, 45],
        x=months(20),
        chart="i",
        options=SpcOptions(rules=RuleSet.MDC, direction=Direction.INCREASE),
    )
    assert "7 points in a row rising since February 2026" in read(chart)


@pytest.mark.parametrize(
    ("target", "direction", "words"),
    [
        (42, Direction.INCREASE, "will not consistently meet the target of 42%"),
        (95, Direction.INCREASE, "will consistently miss the target of 95%"),
        (95, Direction.DECREASE, "will consistently meet the target of 95%"),
    ],
)
def test_assurance_against_the_target(target: float, direction: Direction, words: str) -> None:
    chart = spc(
        STABLE,
        x=months(20),
        chart="i",
        options=SpcOptions(rules=RuleSet.MDC, direction=direction, target=target),
    )
    sentences = read_all(chart, unit="%")
    assert words in sentences[1]
    assert words in read(chart, unit="%")


def test_no_assurance_without_a_direction_or_target() -> None:
    chart = spc(STABLE, chart="i", options=SpcOptions(rules=RuleSet.MDC, target=95))
    assert read_all(chart) == (read(chart),)


def test_anhoej_rules_are_named() -> None:
    chart = spc(SHIFTED, x=months(20), chart="i", options=SpcOptions(direction=Direction.DECREASE))
    head = read(chart)
    assert head.startswith("Special cause improvement: ")
    assert "(long run)" in head
    assert "8 points below the centre line since January 2026" in head


def test_run_chart_talks_about_the_median() -> None:
    chart = spc(SHIFTED, x=months(20), chart="run")
    assert "the median" in read(chart)
    stable = spc(STABLE, x=months(20), chart="run")
    assert read(stable).endswith("(the median).")


def test_ihi_rules_are_named() -> None:
    chart = spc(SHIFTED, x=months(20), chart="i", options=SpcOptions(rules=RuleSet.IHI))
    assert "(shift)" in read(chart)


def test_the_reading_is_about_the_current_phase() -> None:
    x = months(20)
    chart = spc(
        SHIFTED,
        x=x,
        chart="i",
        options=SpcOptions(rules=RuleSet.MDC, direction=Direction.DECREASE, split=[x[12]]),
    )
    sentences = read_all(chart, unit="minutes")
    assert sentences[0].startswith("Common cause variation")
    assert "phase 2 of 2, from January 2026" in sentences[1]
    assert "provisional" in sentences[-1]


def test_earlier_signals_in_the_phase_are_mentioned() -> None:
    chart = spc(
        [*STABLE[:19], 60, 41, 42],
        x=months(22),
        chart="i",
        options=SpcOptions(rules=RuleSet.MDC, direction=Direction.INCREASE),
    )
    sentences = read_all(chart)
    assert sentences[0].startswith("Common cause variation at the latest point (October 2026")
    assert "Earlier in this phase: special cause improvement at 1 point" in sentences[1]
    assert "August 2026" in sentences[1]


def test_numbers_without_dates_are_points() -> None:
    chart = spc(
        SHIFTED, chart="i", options=SpcOptions(rules=RuleSet.MDC, direction=Direction.DECREASE)
    )
    assert "since point 13" in read(chart)


def test_reading_a_chart_does_not_load_the_renderer() -> None:
    """The reading (and the numbers it writes) work without vl-convert, in a fresh interpreter:
    the boards and the API read charts without drawing them."""
    code = (
        "import sys\n"
        "import coproduce.spc.reading\n"
        "import coproduce.spc.numbers\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'vl_convert'"
        " or m == 'coproduce.spc.render')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"importing the reading loaded: {result.stdout}"
