"""Representation ratios with Wilson intervals, Core20, and the sentence naming who is missing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.participation.equity import (
    AGE_BANDS,
    DISABILITY,
    ETHNIC_GROUPS,
    ONS_ETHNICITY_2021,
    SEX,
    EquityStatus,
    PopulationShare,
    core20_ratio,
    equity_ratios,
    ethnic_group_of,
    imd_quintile,
    is_core20,
    missing_sentence,
    normalise_population,
    representation_ratio,
    status_of,
)
from coproduce.participation.validation import ParticipationInputError

ASIAN, BLACK, MIXED, WHITE, OTHER = ETHNIC_GROUPS

PARTICIPANTS = {WHITE: 40, ASIAN: 6, BLACK: 2, MIXED: 0, OTHER: 2, "Prefer not to say": 3}
POPULATION = {WHITE: 600, ASIAN: 120, BLACK: 220, MIXED: 30, OTHER: 30}  # counts: 1,000


def test_the_ratio_divides_the_wilson_interval_by_the_population_share() -> None:
    # 8 of 20 from a group that is 25% of the population: 0.4/0.25 = 1.6;
    # Wilson (0.2188, 0.6134) / 0.25 = (0.875, 2.454): the interval reaches 1, so in line.
    ratio, (low, high) = representation_ratio(8, 20, 0.25)
    assert ratio == pytest.approx(1.6)
    assert (round(low, 3), round(high, 3)) == (0.875, 2.454)
    assert status_of((low, high)) is EquityStatus.IN_LINE


def test_status_boundaries() -> None:
    assert status_of((0.2, 0.99)) is EquityStatus.UNDER
    assert status_of((0.2, 1.0)) is EquityStatus.IN_LINE
    assert status_of((1.0, 1.5)) is EquityStatus.IN_LINE
    assert status_of((1.01, 1.5)) is EquityStatus.OVER


def test_a_worked_report() -> None:
    report = equity_ratios(PARTICIPANTS, POPULATION)
    assert report.answered.shown == "50"  # the 3 who preferred not to say are left out
    assert report.no_answer.shown == "<5"
    white = report.group(WHITE)
    # 40/50 = 0.8 against 0.6: ratio 1.333; Wilson (0.6696, 0.8876)/0.6 = (1.116, 1.479).
    assert white.participants.shown == "40"
    assert white.participant_share == pytest.approx(0.8)
    assert white.ratio == pytest.approx(0.8 / 0.6)
    assert white.interval is not None
    assert (round(white.interval[0], 3), round(white.interval[1], 3)) == (1.116, 1.479)
    assert white.status is EquityStatus.OVER
    # Black: 2 of 50 is hidden; Wilson upper 0.1346 / 0.22 = 0.61 < 1, so under.
    black = report.group(BLACK)
    assert black.participants.shown == "<5"
    assert (black.participant_share, black.ratio, black.interval) == (None, None, None)
    assert black.status is EquityStatus.UNDER
    # Black, Mixed and Other hide 4 people between them, so Asian (6) is hidden as well.
    asian = report.group(ASIAN)
    assert asian.participants.shown == "[c]"
    assert asian.ratio is None
    assert asian.status is EquityStatus.IN_LINE
    # Mixed: 0 of 50; Wilson upper 3.84/53.84 = 0.071, / 0.03 = 2.38: in line.
    assert report.group(MIXED).status is EquityStatus.IN_LINE
    assert [g.group for g in report.under] == [BLACK]
    assert [g.group for g in report.over] == [WHITE]


def test_no_hidden_group_shows_a_share_or_ratio() -> None:
    report = equity_ratios(PARTICIPANTS, POPULATION)
    for group in report.groups:
        hidden = group.participants.value is None
        assert hidden == (group.ratio is None) == (group.participant_share is None)


def test_population_given_as_shares_or_population_share_objects() -> None:
    by_counts = equity_ratios(PARTICIPANTS, POPULATION)
    shares = {group: n / 1000 for group, n in POPULATION.items()}
    assert equity_ratios(PARTICIPANTS, shares) == by_counts
    objects = [PopulationShare(group, share) for group, share in shares.items()]
    assert equity_ratios(PARTICIPANTS, objects) == by_counts


def test_population_checks() -> None:
    assert normalise_population({"a": 1, "b": 3}) == {"a": 0.25, "b": 0.75}
    assert normalise_population({"a": 0.2}) == {"a": 0.2}  # a partial list is kept as given
    with pytest.raises(ParticipationInputError, match="from 0 to 1"):
        normalise_population({"a": 45.5, "b": 54.5})
    with pytest.raises(ParticipationInputError, match="more than 1"):
        normalise_population({"a": 0.6, "b": 0.6})
    with pytest.raises(ParticipationInputError, match="No population share"):
        equity_ratios({"Martians": 6}, {"a": 1})


def test_nobody_answering_gives_no_status() -> None:
    report = equity_ratios({"Prefer not to say": 7}, POPULATION)
    assert all(g.status is None for g in report.groups)
    assert report.no_answer.shown == "7"
    assert missing_sentence(report).startswith("No one has answered")


def test_core20_under_represented_and_hidden() -> None:
    # 4 of 40 answered in deciles 1–2 (3 did not answer), against 30% of the population.
    # Wilson 95% for 4/40 is (0.0396, 0.2305); / 0.3 = (0.132, 0.768): under.
    deciles: list[int | None] = [1, 2, 2, 1] + [5] * 20 + [9] * 16 + [None] * 3
    result = core20_ratio(deciles, 0.3)
    assert result.core20.shown == "<5"
    assert result.answered.shown == "40"
    assert result.no_answer.shown == "<5"
    assert result.ratio is None and result.interval is None
    assert result.status is EquityStatus.UNDER
    assert result.below_one


def test_core20_shown_when_both_parts_are_five_or_more() -> None:
    # 12 of 60 against 30%: 0.2/0.3 = 0.667; Wilson (0.1183, 0.3178)/0.3 = (0.394, 1.059).
    result = core20_ratio([2] * 12 + [7] * 48, 0.3)
    assert result.core20.shown == "12"
    assert result.ratio == pytest.approx(2 / 3)
    assert result.interval is not None
    assert (round(result.interval[0], 3), round(result.interval[1], 3)) == (0.394, 1.059)
    assert result.status is EquityStatus.IN_LINE
    assert result.below_one  # DOMAIN.md §1.7: flag any ratio below 1


def test_core20_hides_the_ratio_when_the_rest_is_under_five() -> None:
    # 38 of 40 in deciles 1–2: the other 2 would follow from 38 and 40.
    result = core20_ratio([1] * 38 + [10] * 2, 0.2)
    assert result.core20.shown == "[c]"
    assert result.ratio is None
    assert result.status is EquityStatus.OVER
    assert not result.below_one


def test_core20_with_no_answers() -> None:
    result = core20_ratio([None, None], 0.2)
    assert result.status is None and not result.below_one


def test_deciles_and_quintiles() -> None:
    assert [imd_quintile(d) for d in range(1, 11)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert is_core20(2) and not is_core20(3)
    for bad in (0, 11, True):
        with pytest.raises(ParticipationInputError):
            imd_quintile(bad)
    with pytest.raises(ParticipationInputError):
        core20_ratio([1, 12], 0.2)


def test_the_missing_sentence_names_the_under_represented_without_small_counts() -> None:
    report = equity_ratios(PARTICIPANTS, POPULATION)
    core20 = core20_ratio([1, 2, 2, 1] + [5] * 20 + [9] * 16, 0.3)
    assert missing_sentence(report, core20=core20) == (
        "People from the most deprived areas (IMD deciles 1–2) and Black, Black British, "
        "Black Welsh, Caribbean or African people are under-represented: "
        "IMD deciles 1–2, fewer than 5 participants against 30% of the population; "
        "Black, Black British, Black Welsh, Caribbean or African, fewer than 5 participants "
        "against 22% of the population."
    )


def test_the_missing_sentence_gives_shown_ratios() -> None:
    report = equity_ratios({"Female": 10, "Male": 40}, {"Female": 0.5, "Male": 0.5})
    # 10/50 = 0.2 against 0.5: ratio 0.40; Wilson 10/50 (0.1124, 0.3304)/0.5 = (0.22, 0.66).
    assert missing_sentence(report) == (
        "Women are under-represented: Female, 20% of participants against 50% of the "
        "population (ratio 0.40, 95% interval 0.22 to 0.66)."
    )


def test_the_missing_sentence_says_when_a_core20_gap_could_be_chance() -> None:
    core20 = core20_ratio([2] * 12 + [7] * 48, 0.3)
    assert missing_sentence(None, core20=core20) == (
        "Fewer people from the most deprived areas (IMD deciles 1–2) take part than their "
        "share of the population, though the gap could be chance: IMD deciles 1–2, 20% of "
        "participants against 30% of the population (ratio 0.67, 95% interval 0.39 to 1.06)."
    )


def test_the_missing_sentence_when_no_one_is_under_represented() -> None:
    report = equity_ratios({"Female": 26, "Male": 24}, {"Female": 0.5, "Male": 0.5})
    assert missing_sentence(report) == (
        "No group is under-represented beyond what chance would explain."
    )
    few = equity_ratios({"Female": 2, "Male": 1}, {"Female": 0.5, "Male": 0.5})
    assert "fewer than 5 participants have answered" in missing_sentence(few)


def test_ons_2021_has_nineteen_categories_in_five_groups() -> None:
    assert len(ONS_ETHNICITY_2021) == 5
    assert sum(len(c) for c in ONS_ETHNICITY_2021.values()) == 19
    assert BLACK == "Black, Black British, Black Welsh, Caribbean or African"
    assert ethnic_group_of("Roma") == WHITE
    assert ethnic_group_of("Asian, Asian British or Asian Welsh: Chinese") == ASIAN
    assert ethnic_group_of("Arab") == OTHER
    with pytest.raises(ParticipationInputError):
        ethnic_group_of("White: Chinese")


def test_equality_option_lists() -> None:
    assert AGE_BANDS[0] == "Under 18" and AGE_BANDS[-1] == "85 and over"
    assert SEX == ("Female", "Male")
    assert DISABILITY == ("Yes, limited a lot", "Yes, limited a little", "No")


@given(
    st.integers(min_value=1, max_value=400).flatmap(
        lambda n: st.tuples(st.integers(0, n), st.just(n))
    ),
    st.floats(min_value=0.001, max_value=1.0),
)
def test_the_ratio_interval_contains_the_ratio(kn: tuple[int, int], share: float) -> None:
    k, n = kn
    ratio, (low, high) = representation_ratio(k, n, share)
    assert low <= ratio * (1 + 1e-12) and ratio <= high * (1 + 1e-12)


@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(5, 200), min_size=1))
def test_participant_shares_sum_to_one(counts: dict[str, int]) -> None:
    report = equity_ratios(counts, dict.fromkeys(counts, 1))
    shares = [g.participant_share for g in report.groups]
    assert all(s is not None for s in shares)
    assert sum(s for s in shares if s is not None) == pytest.approx(1)
    assert sum(normalise_population(dict.fromkeys(counts, 3)).values()) == pytest.approx(1)


def test_a_group_hidden_to_protect_another_is_not_called_fewer_than_five() -> None:
    # B (2) is under 5, so A (6), the next smallest, is hidden with it; A is 6 of 68 people
    # against half the population, clearly under-represented, but its count is 5 or more.
    report = equity_ratios({"A": 6, "B": 2, "C": 60}, {"A": 0.5, "B": 0.05, "C": 0.45})
    assert report.group("A").participants.shown == "[c]"
    assert report.group("A").status is EquityStatus.UNDER
    assert missing_sentence(report) == (
        "A are under-represented: A, a number of participants not shown (to protect a "
        "smaller group) against 50% of the population."
    )
