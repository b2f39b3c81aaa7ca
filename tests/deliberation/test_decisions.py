"""The decision tallies (coproduce.deliberation.decisions), checked against hand-worked
examples and, for instant-runoff, the textbook Tennessee capital example."""

from __future__ import annotations

import pytest

from coproduce.deliberation.decisions import (
    ConsentAnswer,
    ConsentResponse,
    DecisionInputError,
    SenseAnswer,
    check_dot_ballot,
    check_ranking,
    consent_outcome,
    dot_tally,
    equal_weights,
    instant_runoff,
    score_tally,
    sense_check,
)

OPTIONS = ["Parking", "Waiting", "Information"]


# -- equal weights -------------------------------------------------------------------------


def test_equal_weights_give_each_constituency_the_same_total_and_keep_the_sum() -> None:
    weights = equal_weights(["patient", "patient", "patient", "staff"])
    # N=4, k=2: patients 4/(2*3) each, staff 4/(2*1).
    assert weights == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2.0])
    assert sum(weights[:3]) == pytest.approx(weights[3])
    assert sum(weights) == pytest.approx(4)
    assert equal_weights([]) == ()


# -- dot vote ------------------------------------------------------------------------------


def test_dot_tally_adds_dots_and_ranks_ties_in_option_order() -> None:
    ballots = [
        {"Parking": 3},
        {"Waiting": 2, "Information": 1},
        {"Waiting": 1, "Information": 2},
    ]
    tally = dot_tally(ballots, options=OPTIONS, dots=3)
    assert tally.totals == (3, 3, 3)
    assert tally.ranking == ("Parking", "Waiting", "Information")
    assert tally.means == pytest.approx((1, 1, 1))
    assert tally.ballots == 3


def test_dot_tally_equal_weight_lets_a_small_constituency_count_as_much_as_a_large_one() -> None:
    # Three patients put all 3 dots on Parking; one staff member all on Waiting.
    ballots = [{"Parking": 3}] * 3 + [{"Waiting": 3}]
    raw = dot_tally(ballots, options=OPTIONS, dots=3)
    assert raw.totals == (9, 3, 0)
    equal = dot_tally(ballots, options=OPTIONS, dots=3, weights=equal_weights(["p", "p", "p", "s"]))
    # Each constituency weighs 2 ballots' worth: 2 x 3 dots each.
    assert equal.totals == pytest.approx((6, 6, 0))


def test_dot_budget_is_enforced_with_a_clear_reason() -> None:
    with pytest.raises(DecisionInputError, match="You have 3 dots to place and placed 4"):
        check_dot_ballot({"Parking": 2, "Waiting": 2}, options=OPTIONS, dots=3)
    with pytest.raises(DecisionInputError, match="0 or more") as error:
        check_dot_ballot({"Parking": -1}, options=OPTIONS, dots=3)
    assert error.value.option == "Parking"
    with pytest.raises(DecisionInputError, match="at least one"):
        check_dot_ballot({}, options=OPTIONS, dots=3)
    with pytest.raises(DecisionInputError, match="not one of the options"):
        check_dot_ballot({"Cake": 1}, options=OPTIONS, dots=3)
    assert check_dot_ballot({"Parking": 1}, options=OPTIONS, dots=3) == 1


# -- score ---------------------------------------------------------------------------------


def test_score_tally_means_are_hand_checkable() -> None:
    ballots = [
        {"Parking": 0, "Waiting": 5, "Information": 4},
        {"Parking": 2, "Waiting": 3, "Information": 4},
    ]
    tally = score_tally(ballots, options=OPTIONS)
    assert tally.totals == (2, 8, 8)
    assert tally.means == pytest.approx((1, 4, 4))
    assert tally.ranking == ("Waiting", "Information", "Parking")


def test_score_out_of_range_or_missing_names_the_option() -> None:
    with pytest.raises(DecisionInputError, match="from 0 to 5") as error:
        score_tally([{"Parking": 6, "Waiting": 1, "Information": 1}], options=OPTIONS)
    assert error.value.option == "Parking"
    with pytest.raises(DecisionInputError) as error:
        score_tally([{"Parking": 1, "Waiting": 1}], options=OPTIONS)
    assert error.value.option == "Information"


# -- ranked choice ---------------------------------------------------------------------------

TENNESSEE = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]


def tennessee_ballots() -> list[list[str]]:
    """Wikipedia, "Instant-runoff voting", Tennessee capital example: 42% Memphis, 26%
    Nashville, 15% Chattanooga, 17% Knoxville, with their stated preference orders.
    Chattanooga goes first, then Nashville; Knoxville wins 58 to 42."""
    return (
        [["Memphis", "Nashville", "Chattanooga", "Knoxville"]] * 42
        + [["Nashville", "Chattanooga", "Knoxville", "Memphis"]] * 26
        + [["Chattanooga", "Knoxville", "Nashville", "Memphis"]] * 15
        + [["Knoxville", "Chattanooga", "Nashville", "Memphis"]] * 17
    )


def test_instant_runoff_reproduces_the_tennessee_capital_example() -> None:
    result = instant_runoff(tennessee_ballots(), options=TENNESSEE)
    assert result.winner == "Knoxville"
    assert result.majority
    first, second, final = result.rounds
    assert dict(first.counts) == {
        "Memphis": 42,
        "Nashville": 26,
        "Chattanooga": 15,
        "Knoxville": 17,
    }
    assert first.eliminated == "Chattanooga"
    assert dict(second.counts) == {"Memphis": 42, "Nashville": 26, "Knoxville": 32}
    assert second.eliminated == "Nashville"
    assert dict(final.counts) == {"Memphis": 42, "Knoxville": 58}
    assert final.eliminated is None


def test_a_unanimous_first_choice_wins_in_the_first_round() -> None:
    result = instant_runoff([["Waiting", "Parking"]] * 3, options=OPTIONS)
    assert result.winner == "Waiting"
    assert len(result.rounds) == 1


def test_runoff_ties_are_broken_by_an_earlier_round_and_explained() -> None:
    ballots = [["A"]] * 3 + [["B"]] * 2 + [["C"]] * 3 + [["D", "B"]] + [["E"]]
    # Round 1: A 3, B 2, C 3, D 1, E 1 -> D and E tie; no earlier round; Borda: D ranked
    # first once (5 pts) + nothing, E first once (5 pts): equal -> listed last (E) goes.
    result = instant_runoff(ballots, options=["A", "B", "C", "D", "E"])
    first = result.rounds[0]
    assert first.eliminated == "E"
    assert "E is listed last" in first.tie_break
    # Round 2: A 3, B 2, C 3, D 1 -> D out; Round 3: A 3, B 3, C 3, exhausted 1 -> three-way
    # tie; the earlier round (round 2) had B 2 < A 3 = C 3, so B goes.
    third = result.rounds[2]
    assert third.counts == {"A": 3, "B": 3, "C": 3}
    assert third.eliminated == "B"
    assert "earlier round" in third.tie_break
    # Round 4: A 3, C 3, exhausted 3 (B's ballots rank nothing else): tie; earlier rounds had
    # A and C equal throughout; Borda equal too; C is listed last and goes, so A wins with
    # every ballot still counting.
    fourth = result.rounds[3]
    assert fourth.eliminated == "C"
    assert "C is listed last" in fourth.tie_break
    assert result.winner == "A"
    assert result.rounds[-1].counts == {"A": 3}


def test_runoff_borda_tie_break_prefers_the_more_widely_ranked_option() -> None:
    ballots = [["A", "B"], ["B", "A"], ["C", "A"], ["D", "A"], ["A"], ["B"]]
    # Round 1: A 2, B 2, C 1, D 1: C and D tie; no earlier round; Borda: C 4, D 4 ->
    # listed last: D. Then C 1 alone is fewest.
    result = instant_runoff(ballots, options=["A", "B", "C", "D"])
    assert result.rounds[0].eliminated == "D"
    # Round 2: A 3 (D's ballot), B 2, C 1 -> C out; round 3: A 4, B 2 -> A wins.
    assert result.winner == "A"

    # A 1, B 1, C 2, D 2: A and B tie; Borda A: 4 + 3 = 7 beats B: 4, so B goes.
    ballots = [["A"], ["B", "A"], ["C"], ["C"], ["D"], ["D"]]
    result = instant_runoff(ballots, options=["A", "B", "C", "D"])
    assert result.rounds[0].eliminated == "B"
    assert "Borda" in result.rounds[0].tie_break


def test_runoff_weights_change_the_outcome() -> None:
    # 3 patients want A; 1 staff member wants B. Equal weight makes it 2-2: a tie, broken
    # by listing order, so B (listed last) is eliminated.
    rankings = [["A"], ["A"], ["A"], ["B"]]
    raw = instant_runoff(rankings, options=["A", "B"])
    assert raw.winner == "A"
    equal = instant_runoff(
        rankings, options=["A", "B"], weights=equal_weights(["p", "p", "p", "s"])
    )
    assert equal.rounds[0].counts == pytest.approx({"A": 2, "B": 2})
    assert equal.rounds[0].eliminated == "B"


def test_bad_rankings_are_refused() -> None:
    with pytest.raises(DecisionInputError, match="different rank"):
        check_ranking(["Parking", "Parking"], options=OPTIONS)
    with pytest.raises(DecisionInputError, match="at least one"):
        check_ranking([], options=OPTIONS)
    with pytest.raises(DecisionInputError, match="not one of"):
        check_ranking(["Cake"], options=OPTIONS)
    assert instant_runoff([], options=OPTIONS).winner is None


# -- consent -------------------------------------------------------------------------------


def responses(*answers: str, resolved: int = 0) -> list[ConsentResponse]:
    out = []
    for answer in answers:
        is_objection = answer == "objection"
        out.append(ConsentResponse(ConsentAnswer(answer), resolved=is_objection and resolved > 0))
        if is_objection and resolved > 0:
            resolved -= 1
    return out


def test_consent_passes_with_consents_and_concerns() -> None:
    outcome = consent_outcome(responses("consent", "consent", "concern"))
    assert outcome.passes
    assert outcome.counts[ConsentAnswer.CONCERN] == 1


def test_a_single_block_stops_a_proposal() -> None:
    outcome = consent_outcome(responses("consent", "consent", "consent", "block"))
    assert not outcome.passes
    assert "1 block" in outcome.reason


def test_objections_stop_a_proposal_until_resolved() -> None:
    outcome = consent_outcome(responses("consent", "objection", "objection", resolved=1))
    assert not outcome.passes
    assert outcome.unresolved_objections == 1
    assert "1 objection still to resolve" in outcome.reason
    outcome = consent_outcome(responses("consent", "objection", "objection", resolved=2))
    assert outcome.passes


def test_a_resolved_block_is_still_a_block_and_no_responses_do_not_pass() -> None:
    assert not consent_outcome([ConsentResponse(ConsentAnswer.BLOCK, resolved=True)]).passes
    assert not consent_outcome([]).passes


# -- sense check ---------------------------------------------------------------------------


def test_sense_check_counts_and_shares() -> None:
    check = sense_check(["agree", "agree", "unsure", "disagree"])
    assert check.counts[SenseAnswer.AGREE] == 2
    assert check.shares[SenseAnswer.AGREE] == pytest.approx(0.5)
    weighted = sense_check(
        ["agree", "agree", "agree", "disagree"], weights=equal_weights(["p", "p", "p", "s"])
    )
    assert weighted.shares[SenseAnswer.AGREE] == pytest.approx(0.5)
    with pytest.raises(DecisionInputError):
        sense_check(["maybe"])
