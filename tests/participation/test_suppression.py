"""Small-number suppression: no count of people under 5, zero included, can be read or worked
out from a table and its total (DESIGN.md; ADR 0009)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coproduce.participation.suppression import (
    COMPLEMENTARY_MARK,
    SuppressedCount,
    count_phrase,
    percentage,
    percentages,
    suppress,
    suppress_table,
    suppress_total,
)
from coproduce.participation.validation import ParticipationInputError


def shown(table: dict[str, SuppressedCount]) -> dict[str, str]:
    return {key: count.shown for key, count in table.items()}


def test_counts_of_five_or_more_are_shown_and_one_to_four_are_hidden() -> None:
    assert shown(suppress({"a": 5, "b": 12, "c": 4}, total_shown=False)) == {
        "a": "5",
        "b": "12",
        "c": "<5",
    }


def test_zero_is_hidden_too() -> None:
    assert suppress_total(0).shown == "<5"
    assert suppress_total(0).value is None
    assert shown(suppress({"a": 0, "b": 9}, total_shown=False)) == {"a": "<5", "b": "9"}


def test_one_hidden_cell_takes_the_next_smallest_with_it_when_the_total_is_shown() -> None:
    # patients 12, carers 3, staff 7: total 22 would give carers = 22 - 12 - 7 = 3.
    table = suppress({"patient": 12, "carer": 3, "staff": 7})
    assert shown(table) == {"patient": "12", "carer": "<5", "staff": COMPLEMENTARY_MARK}
    assert table["staff"].complementary
    assert table["staff"].value is None


def test_without_a_total_no_second_cell_is_hidden() -> None:
    assert shown(suppress({"patient": 12, "carer": 3, "staff": 7}, total_shown=False)) == {
        "patient": "12",
        "carer": "<5",
        "staff": "7",
    }


def test_ties_for_next_smallest_go_to_the_first_in_order() -> None:
    table = suppress({"a": 2, "b": 8, "c": 8, "d": 20})
    assert shown(table) == {"a": "<5", "b": COMPLEMENTARY_MARK, "c": "8", "d": "20"}


def test_two_hidden_cells_that_cannot_be_told_apart_need_no_third() -> None:
    # 2 + 3 = 5: each could be 1 to 4, so neither is recoverable.
    assert shown(suppress({"a": 2, "b": 3, "c": 7, "d": 9})) == {
        "a": "<5",
        "b": "<5",
        "c": "7",
        "d": "9",
    }


def test_two_hidden_cells_adding_to_under_five_take_a_third() -> None:
    # 1 + 2 = 3 people across the two groups would be shown by subtraction.
    assert shown(suppress({"a": 1, "b": 2, "c": 7, "d": 9}))["c"] == COMPLEMENTARY_MARK


def test_two_fours_would_be_pinned_by_their_sum_of_eight() -> None:
    # Two "<5" cells summing to 8 must both be 4.
    assert shown(suppress({"a": 4, "b": 4, "c": 6, "d": 9}))["c"] == COMPLEMENTARY_MARK


def test_the_total_is_hidden_when_no_choice_of_cells_protects_a_zero() -> None:
    # 0 and 5: with total 5 shown, "[c]" (at least 5) would have to be 5 and "<5" zero.
    table = suppress_table({"a": 0, "b": 5})
    assert shown(table.cells) == {"a": "<5", "b": COMPLEMENTARY_MARK}
    assert table.total.suppressed


def test_a_table_total_under_five_is_shown_as_under_five() -> None:
    table = suppress_table({"a": 1, "b": 2})
    assert table.total.shown == "<5"


def test_a_safe_table_shows_its_total() -> None:
    table = suppress_table({"a": 3, "b": 10, "c": 7})
    assert table.total == SuppressedCount(20, "20")


def test_percentages_are_none_for_hidden_cells() -> None:
    table = suppress({"a": 3, "b": 10, "c": 7, "d": 20})
    # a is under 5; c (7) is the next smallest, hidden with it.
    assert percentages(table, 40) == {"a": None, "b": 25.0, "c": None, "d": 50.0}
    assert percentage(SuppressedCount(5, "5"), suppress_total(3)) is None
    assert percentage(SuppressedCount(5, "5"), 0) is None
    assert percentage(SuppressedCount(5, "5"), SuppressedCount(20, "20")) == 25.0


def test_count_phrase_never_prints_a_number_under_five() -> None:
    assert count_phrase(3, "carers") == "fewer than 5 carers"
    assert count_phrase(0, "carers") == "fewer than 5 carers"
    assert count_phrase(5, "carers") == "5 carers"


def test_negative_counts_are_refused() -> None:
    try:
        suppress({"a": -1})
    except ParticipationInputError as error:
        assert error.field == "count"
    else:
        raise AssertionError("a negative count was accepted")


def feasible_values(cells: dict[str, SuppressedCount], total: int) -> dict[str, set[int]]:
    """What someone who knows the rule can tell about each hidden cell from the table.

    "<5" cells lie in 0–4 and "[c]" cells at 5 or more; the hidden cells add up to the total
    less the shown cells. Worked out by enumeration, independently of the module's algebra.
    """
    hidden = {key: c for key, c in cells.items() if c.value is None}
    rest = total - sum(c.value for c in cells.values() if c.value is not None)
    bounds = {key: (5, rest) if c.complementary else (0, min(4, rest)) for key, c in hidden.items()}
    found: dict[str, set[int]] = {}
    for key, (lo, hi) in bounds.items():
        others = [b for k, b in bounds.items() if k != key]
        lo_others = sum(b[0] for b in others)
        hi_others = sum(b[1] for b in others)
        found[key] = {v for v in range(lo, hi + 1) if lo_others <= rest - v <= hi_others}
    return found


tables = st.dictionaries(
    st.sampled_from("abcdefg"), st.integers(min_value=0, max_value=30), min_size=1, max_size=7
)


@given(tables)
def test_no_shown_cell_is_under_five_and_hidden_ones_are_marked(counts: dict[str, int]) -> None:
    for key, count in suppress(counts).items():
        if count.value is not None:
            assert count.value >= 5
            assert count.shown == str(counts[key])
        elif count.complementary:
            assert counts[key] >= 5
            assert count.shown == COMPLEMENTARY_MARK
        else:
            assert counts[key] < 5
            assert count.shown == "<5"


@given(tables)
def test_no_hidden_count_can_be_worked_out_from_a_shown_total(counts: dict[str, int]) -> None:
    table = suppress_table(counts)
    total = sum(counts.values())
    if table.total.value is None:
        return
    assert table.total.value == total >= 5
    hidden = [key for key, c in table.cells.items() if c.value is None]
    if not hidden:
        return
    # The hidden cells together are not a count under 5 ...
    assert sum(counts[key] for key in hidden) >= 5
    # ... and none of them can be pinned to one value.
    for key, values in feasible_values(table.cells, total).items():
        assert counts[key] in values
        assert len(values) >= 2, f"{key} is recoverable as {values} from {counts}"


@given(tables)
def test_without_a_total_only_the_small_cells_are_hidden(counts: dict[str, int]) -> None:
    table = suppress(counts, total_shown=False)
    assert {k for k, c in table.items() if c.value is None} == {
        k for k, n in counts.items() if n < 5
    }
