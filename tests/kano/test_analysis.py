"""Category, tie rule, R and Q handling, coefficients, segments and bad input (DOMAIN §4.4-4.6)."""

from __future__ import annotations

import pytest

from coproduce.kano import (
    Category,
    KanoAnswer,
    KanoCounts,
    KanoInputError,
    KanoOptions,
    KanoResponse,
    analyse,
    analyse_columns,
    category_of,
    quadrant_of,
    satisfaction_coefficients,
)

L, MB, N, LW, D = KanoAnswer


@pytest.mark.parametrize(
    ("counts", "category", "tied"),
    [
        (KanoCounts(A=3, O=3, M=3, I=3), Category.M, ("M", "O", "A", "I")),
        (KanoCounts(A=4, O=4, M=1), Category.O, ("O", "A")),
        (KanoCounts(A=2, I=2, R=2), Category.A, ("A", "I", "R")),
        (KanoCounts(I=2, R=2), Category.I, ("I", "R")),
        (KanoCounts(A=1, O=2, M=3, I=4), Category.I, ("I",)),
        (KanoCounts(R=5, A=1), Category.R, ("R",)),
    ],
)
def test_mode_with_the_m_o_a_i_tie_rule(
    counts: KanoCounts, category: Category, tied: tuple[str, ...]
) -> None:
    assert category_of(counts) == (category, tuple(Category(c) for c in tied))


def test_q_never_wins_unless_every_answer_is_q() -> None:
    assert category_of(KanoCounts(Q=10, I=1))[0] == Category.I
    assert category_of(KanoCounts(Q=10)) == (Category.Q, ())


def test_better_and_worse_leave_r_and_q_out_of_the_denominator() -> None:
    better, worse = satisfaction_coefficients(KanoCounts(A=1, O=1, M=1, I=1, R=50, Q=50))
    assert (better, worse) == (0.5, -0.5)
    assert satisfaction_coefficients(KanoCounts(R=3, Q=1)) == (None, None)
    better, worse = satisfaction_coefficients(KanoCounts(A=2, I=2))
    assert worse == 0.0 and str(worse) == "0.0"


@pytest.mark.parametrize(
    ("better", "worse", "quadrant"),
    [(0.8, -0.7, "O"), (0.8, -0.2, "A"), (0.2, -0.7, "M"), (0.2, -0.2, "I"), (0.5, -0.5, "O")],
)
def test_quadrants_split_at_one_half(better: float, worse: float, quadrant: str) -> None:
    assert quadrant_of(better, worse) == Category(quadrant)
    assert quadrant_of(None, None) is None


def test_segments_are_side_by_side_with_the_overall_row_last() -> None:
    rows = [
        KanoResponse("p1", "Parking", L, D, segment="patients"),
        KanoResponse("p2", "Parking", L, D, segment="patients"),
        KanoResponse("s1", "Parking", N, D, segment="staff"),
        KanoResponse("c1", "Parking", L, N, segment="carers"),
    ]
    comparison = analyse(rows).compare("Parking")
    assert [r.segment for r in comparison.results] == ["patients", "staff", "carers", "all"]
    assert [r.category for r in comparison.results] == [
        Category.O,
        Category.M,
        Category.A,
        Category.O,
    ]
    assert not comparison.categories_agree
    assert comparison.better_spread == 1.0
    assert comparison.worse_spread == 1.0


def test_q_share_is_flagged_above_the_threshold() -> None:
    rows = [KanoResponse(f"r{k}", "Wifi", L, L) for k in range(2)]
    rows += [KanoResponse(f"s{k}", "Wifi", L, N) for k in range(8)]
    result = analyse(rows, options=KanoOptions(q_share_threshold=0.25)).result("Wifi")
    assert result.q_share == 0.2 and not result.q_flag
    result = analyse(rows, options=KanoOptions(q_share_threshold=0.1)).result("Wifi")
    assert result.q_flag


def test_importance_mean_counts_only_those_who_gave_one() -> None:
    rows = [
        KanoResponse("a", "Wifi", L, N, importance=9),
        KanoResponse("b", "Wifi", L, N, importance=None),
        KanoResponse("c", "Wifi", L, N, importance=6),
    ]
    result = analyse(rows).result("Wifi")
    assert result.importance_mean == 7.5 and result.importance_n == 2


def test_answering_an_attribute_twice_is_an_error_naming_the_second_response() -> None:
    with pytest.raises(KanoInputError) as caught:
        analyse_columns(
            attribute=["a", "b", "a", "a"],
            respondent=["1", "1", "2", "1"],
            functional=[1, 1, 1, 1],
            dysfunctional=[5, 5, 5, 5],
        )
    assert caught.value.index == 3 and caught.value.column == "respondent"
    assert "first at response 0" in str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "column", "index"),
    [
        ({"segment": ["x", " "]}, "segment", 1),
        ({"attribute": ["a", ""]}, "attribute", 1),
        ({"functional": ["like", "maybe"]}, "functional", 1),
        ({"dysfunctional": [1, 7]}, "dysfunctional", 1),
        ({"segment": ["patients", "All"]}, "segment", 1),
    ],
)
def test_bad_columns_name_the_response_and_the_column(
    kwargs: dict[str, object], column: str, index: int
) -> None:
    base: dict[str, object] = {
        "attribute": ["a", "a"],
        "segment": ["x", "y"],
        "functional": ["like", "like"],
        "dysfunctional": ["dislike", "dislike"],
    }
    base.update(kwargs)
    with pytest.raises(KanoInputError) as caught:
        analyse_columns(**base)  # type: ignore[arg-type]
    assert (caught.value.column, caught.value.index) == (column, index)


def test_no_responses_is_an_error() -> None:
    with pytest.raises(KanoInputError):
        analyse([])
