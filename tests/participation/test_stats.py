"""Wilson score intervals, checked against published values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.participation.stats import percent, proportion, wilson_interval, z_value
from coproduce.participation.validation import ParticipationInputError


def test_eight_of_twenty_gives_the_textbook_interval() -> None:
    # p = 0.4, z = 1.96: centre (0.4 + 0.0960)/1.1921 = 0.4161, half 0.1973 → (0.2188, 0.6134).
    low, high = wilson_interval(8, 20)
    assert (round(low, 4), round(high, 4)) == (0.2188, 0.6134)


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        # Newcombe RG (1998) Stat Med 17:857–872, Table I, method 3 (score, no correction).
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1611)),
        (1, 29, (0.0061, 0.1718)),
    ],
)
def test_newcombes_worked_examples(k: int, n: int, expected: tuple[float, float]) -> None:
    low, high = wilson_interval(k, n)
    assert (round(low, 4), round(high, 4)) == expected


def test_all_successes_reach_one_exactly() -> None:
    assert wilson_interval(20, 20)[1] == 1.0
    assert wilson_interval(0, 20)[0] == 0.0


def test_a_wider_confidence_gives_a_wider_interval() -> None:
    narrow = wilson_interval(8, 20, confidence=0.9)
    wide = wilson_interval(8, 20, confidence=0.99)
    assert wide[0] < narrow[0] and wide[1] > narrow[1]
    assert round(z_value(0.95), 4) == 1.96


@given(
    st.integers(min_value=1, max_value=500).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    )
)
def test_the_interval_holds_the_estimate_inside_zero_to_one(kn: tuple[int, int]) -> None:
    k, n = kn
    low, high = wilson_interval(k, n)
    assert 0 <= low <= k / n <= high <= 1


def test_proportion_of_nothing_is_none_and_bad_input_is_refused() -> None:
    assert proportion(0, 0) is None
    share = proportion(8, 20)
    assert share is not None and share.estimate == 0.4
    with pytest.raises(ParticipationInputError):
        wilson_interval(21, 20)
    with pytest.raises(ParticipationInputError):
        wilson_interval(1, 20, confidence=1.0)


def test_percent_rounds_halves_up() -> None:
    assert percent(0.125) == "13%"
    assert percent(0.4) == "40%"
    # 57 of 200 is 28.5%: a half, though the float 0.285 is a hair below it.
    assert percent(57 / 200) == "29%"
    assert percent(0.285) == "29%"
    assert percent(0.2849) == "28%"
