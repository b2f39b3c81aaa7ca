"""Spec tests: the Kano core against published tables and worked figures.

Sources (none written here):

* **Peer's published results.** The README of the R package stp25kano (Wolfgang Peter,
  GitHub ``stp4/stp25kano``, ``README.md`` at commit 13ebf743b5a5d952694f3d238f3f5c1d8c9e10e3,
  "Kano Analyse", 2024-05-11) prints, for five attributes of a cleaning-products survey with
  296 respondents each, the counts M, O, A, I, R, Q, the "max Category" and CS plus / CS minus
  (Berger et al. 1993's Better and Worse) to three decimals. Its raw answers are not
  published, so each respondent here is given an answer pair of the published category
  (cycling through every cell of the evaluation table that yields it); the published counts,
  categories and coefficients are then what the analysis must reproduce.
* **The evaluation table** as printed in the same README (rows functional, columns
  dysfunctional: like, must-be, neutral, live-with, dislike), which is Kano et al. (1984)'s
  table as in Berger et al. (1993) and DOMAIN.md §4.3.
* **Continuous scores.** The datastory guide ("Continuous Scale Analysis of the Kano Model",
  https://the.datastory.guide/hc/en-us/articles/4634213557519) says a functional mean of 2
  could mean almost everybody answered "I expect it", or about half "I like it" and half "I
  am neutral", or about two thirds "I like it" and the rest "I dislike it".
"""

from __future__ import annotations

import itertools

import pytest

from coproduce.kano import (
    EVALUATION_TABLE,
    Category,
    KanoAnswer,
    KanoResponse,
    analyse,
    evaluate,
)

# ------------------------------------------------------------------ the evaluation table

PUBLISHED_TABLE = """
Q A A A O
R I I I M
R I I I M
R I I I M
R R R R Q
"""
ORDER = ["like", "must-be", "neutral", "live-with", "dislike"]


def test_evaluation_table_matches_the_published_table_cell_by_cell() -> None:
    rows = [line.split() for line in PUBLISHED_TABLE.strip().splitlines()]
    for (i, functional), (j, dysfunctional) in itertools.product(enumerate(ORDER), repeat=2):
        assert evaluate(functional, dysfunctional) == Category(rows[i][j]), (
            functional,
            dysfunctional,
        )
    assert len(EVALUATION_TABLE) == 25


# ------------------------------------------------------------------ stp25kano's results

# attribute: (M, O, A, I, R, Q, max category, CS plus, CS minus), as printed.
STP25KANO = {
    "Service app": (95, 123, 45, 33, 0, 0, "O", 0.568, -0.736),
    "Excellent service": (101, 54, 54, 81, 3, 3, "M", 0.372, -0.534),
    "Hotline": (15, 24, 121, 124, 6, 6, "I", 0.511, -0.137),
    "Loan machine": (65, 87, 93, 51, 0, 0, "A", 0.608, -0.514),
    "Ready-to-use return": (9, 18, 83, 177, 6, 3, "I", 0.352, -0.094),
}


def _pairs_of(category: Category) -> list[tuple[KanoAnswer, KanoAnswer]]:
    return [pair for pair, c in EVALUATION_TABLE.items() if c == category]


def _responses() -> list[KanoResponse]:
    rows = []
    for attribute, (m, o, a, i, r, q, *_) in STP25KANO.items():
        respondent = 0
        for category, count in zip("MOAIRQ", (m, o, a, i, r, q), strict=True):
            cells = itertools.cycle(_pairs_of(Category(category)))
            for _ in range(count):
                f, d = next(cells)
                segment = "first half" if respondent < 148 else "second half"
                rows.append(KanoResponse(f"r{respondent}", attribute, f, d, segment=segment))
                respondent += 1
    return rows


@pytest.mark.parametrize("attribute", list(STP25KANO))
def test_published_counts_category_and_coefficients_are_reproduced(attribute: str) -> None:
    m, o, a, i, r, q, category, better, worse = STP25KANO[attribute]
    result = analyse(_responses()).result(attribute)
    assert result.n == 296
    published = {"M": m, "O": o, "A": a, "I": i, "R": r, "Q": q}
    assert {c: result.counts[c] for c in published} == published
    assert result.category == Category(category)
    assert result.better == pytest.approx(better, abs=5e-4)
    assert result.worse == pytest.approx(worse, abs=5e-4)
    assert result.q_share == pytest.approx(q / 296)


def test_segments_add_up_to_the_published_overall_counts() -> None:
    analysis = analyse(_responses())
    for attribute in STP25KANO:
        parts = [analysis.result(attribute, s) for s in analysis.segments]
        whole = analysis.result(attribute)
        for c in "AOMIRQ":
            assert sum(p.counts[c] for p in parts) == whole.counts[c]


# ------------------------------------------------------------------ continuous scores


@pytest.mark.parametrize(
    "answers",
    [
        ["must-be"] * 6,
        ["like", "neutral"] * 3,
        ["like", "like", "dislike"] * 2,
    ],
    ids=["all expect it", "half like half neutral", "two thirds like, rest dislike"],
)
def test_datastory_mixes_that_give_a_functional_score_of_two(answers: list[str]) -> None:
    rows = [
        KanoResponse(
            f"r{k}", "Pedometer", KanoAnswer[a.upper().replace("-", "_")], KanoAnswer.NEUTRAL
        )
        for k, a in enumerate(answers)
    ]
    result = analyse(rows).result("Pedometer")
    assert result.functional_mean == pytest.approx(2.0)
    assert result.dysfunctional_mean == pytest.approx(0.0)


def test_the_same_mean_can_hide_different_spreads() -> None:
    """The datastory page's caution: the SD tells the three mixes apart."""
    sds = []
    for answers in (["must-be"] * 6, ["like", "neutral"] * 3, ["like", "like", "dislike"] * 2):
        rows = [
            KanoResponse(
                f"r{k}", "Pedometer", KanoAnswer[a.upper().replace("-", "_")], KanoAnswer.NEUTRAL
            )
            for k, a in enumerate(answers)
        ]
        sds.append(analyse(rows).result("Pedometer").functional_sd)
    assert sds[0] == 0.0
    assert sds[1] is not None and sds[2] is not None
    assert 0 < sds[1] < sds[2]
