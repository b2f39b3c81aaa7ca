"""Invariants of the analysis, checked on generated surveys (Hypothesis)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.kano import TIE_PRIORITY, Category, KanoAnswer, KanoResponse, analyse

ANSWERS = st.sampled_from(list(KanoAnswer))
ROW = st.tuples(
    st.sampled_from(["patients", "carers", "staff"]),
    st.sampled_from(["parking", "wifi", "text reminder"]),
    ANSWERS,
    ANSWERS,
)
SURVEYS = st.lists(ROW, min_size=1, max_size=60)


def _responses(rows: list[tuple[str, str, KanoAnswer, KanoAnswer]]) -> list[KanoResponse]:
    return [KanoResponse(f"r{k}", a, f, d, segment=s) for k, (s, a, f, d) in enumerate(rows)]


@settings(max_examples=150, deadline=None)
@given(SURVEYS)
def test_counts_sum_to_n_and_segments_sum_to_the_overall_row(rows) -> None:  # type: ignore[no-untyped-def]
    analysis = analyse(_responses(rows))
    for r in analysis.results:
        assert sum(r.counts.as_tuple()) == r.n > 0
    for attribute in analysis.attributes:
        overall = analysis.result(attribute)
        parts = [r for r in analysis.results if r.attribute == attribute and r is not overall]
        assert (
            sum(p.n for p in parts) == overall.n == sum(1 for _, a, _, _ in rows if a == attribute)
        )


@settings(max_examples=150, deadline=None)
@given(SURVEYS)
def test_coefficients_and_scores_stay_in_range(rows) -> None:  # type: ignore[no-untyped-def]
    for r in analyse(_responses(rows)).results:
        if r.better is None:
            assert r.worse is None
            assert r.counts.A + r.counts.O + r.counts.M + r.counts.I == 0
            continue
        assert r.worse is not None
        assert 0.0 <= r.better <= 1.0
        assert -1.0 <= r.worse <= 0.0
        assert -2.0 <= r.functional_mean <= 4.0
        assert -2.0 <= r.dysfunctional_mean <= 4.0
        assert 0.0 <= r.q_share <= 1.0


@settings(max_examples=150, deadline=None)
@given(SURVEYS)
def test_category_is_a_most_frequent_one_and_ties_follow_m_o_a_i_r(rows) -> None:  # type: ignore[no-untyped-def]
    for r in analyse(_responses(rows)).results:
        top = max(r.counts[c] for c in TIE_PRIORITY)
        if top == 0:
            assert r.category == Category.Q
            continue
        assert r.counts[r.category] == top
        winners = [c for c in TIE_PRIORITY if r.counts[c] == top]
        assert r.category == winners[0]
        assert r.tied == tuple(winners)


@settings(max_examples=60, deadline=None)
@given(SURVEYS, st.randoms(use_true_random=False))
def test_the_order_of_responses_does_not_change_the_numbers(rows, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    first = analyse(_responses(rows))
    shuffled = list(_responses(rows))
    rng.shuffle(shuffled)
    second = analyse(shuffled)
    for r in first.results:
        other = second.result(r.attribute, r.segment)
        assert other.counts == r.counts and other.category == r.category
        assert other.better == r.better and other.worse == r.worse
        assert abs(other.functional_mean - r.functional_mean) < 1e-12
