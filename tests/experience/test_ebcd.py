"""EBCD stages, the trigger film's clock and the priorities tally (coproduce.experience.ebcd)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from coproduce.experience.ebcd import (
    ACCELERATED_STAGES,
    STANDARD_STAGES,
    EBCDInputError,
    EBCDStage,
    EBCDVariant,
    JointWeighting,
    VoterGroup,
    checklist_progress,
    film_running_time,
    format_timecode,
    parse_timecode,
    rank_votes,
    spearman_rho,
    stages_for,
    tally_priorities,
)

PRIORITIES = ["Being told what is happening", "Waiting for results", "Parking", "Food"]

# -- stages ------------------------------------------------------------------------------


def test_standard_ebcd_has_the_ten_stages_of_domain_section_5_in_order() -> None:
    assert [info.stage for info in STANDARD_STAGES] == list(EBCDStage)
    assert all(info.outputs for info in STANDARD_STAGES)


def test_accelerated_ebcd_drops_local_patient_interviews_and_builds_the_film_from_an_archive() -> (
    None
):
    stages = [info.stage for info in ACCELERATED_STAGES]
    assert EBCDStage.PATIENT_EXPERIENCE not in stages
    assert stages == [s for s in EBCDStage if s is not EBCDStage.PATIENT_EXPERIENCE]
    film = next(info for info in ACCELERATED_STAGES if info.stage is EBCDStage.FILM_EDIT)
    assert "archive" in film.title.lower()
    assert stages_for("accelerated") == ACCELERATED_STAGES
    assert stages_for(EBCDVariant.STANDARD) == STANDARD_STAGES


def test_checklist_progress_counts_done_stages_and_names_the_first_not_done() -> None:
    progress = checklist_progress("standard", ["set_up", EBCDStage.PATIENT_EXPERIENCE])
    assert (progress.done, progress.total) == (2, 10)
    assert progress.percent == 20
    assert progress.next_stage is not None
    assert progress.next_stage.stage is EBCDStage.STAFF_EXPERIENCE


def test_checklist_progress_is_complete_only_when_every_stage_is_done() -> None:
    almost = checklist_progress("accelerated", [s.stage for s in ACCELERATED_STAGES][:-1])
    assert almost.percent == 88 and almost.next_stage is not None
    done = checklist_progress("accelerated", [s.stage for s in ACCELERATED_STAGES])
    assert done.percent == 100 and done.next_stage is None and done.fraction == 1.0


def test_checklist_refuses_a_stage_the_variant_does_not_have() -> None:
    with pytest.raises(EBCDInputError, match="not part of accelerated EBCD") as error:
        checklist_progress("accelerated", ["patient_experience"])
    assert error.value.field == "stage"
    with pytest.raises(EBCDInputError, match="not an EBCD stage"):
        checklist_progress("standard", ["launch"])
    with pytest.raises(EBCDInputError, match="not an EBCD variant"):
        stages_for("rapid")


# -- the film's clock --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00", 0), ("02:30", 150), ("75:05", 4505), ("1:02:03", 3723), (" 0:59 ", 59)],
)
def test_timecodes_are_read_as_mm_ss_or_hh_mm_ss(text: str, seconds: int) -> None:
    assert parse_timecode(text) == seconds


@pytest.mark.parametrize("text", ["", "90", "1:2", "02:60", "1:60:00", "ab:cd", "-1:00", "1.5:00"])
def test_bad_timecodes_are_refused_with_the_field_named(text: str) -> None:
    with pytest.raises(EBCDInputError) as error:
        parse_timecode(text, field="start")
    assert error.value.field == "start"


@given(st.integers(min_value=0, max_value=99 * 3600))
def test_formatting_then_parsing_a_time_gives_it_back(seconds: int) -> None:
    assert parse_timecode(format_timecode(seconds)) == seconds


def test_running_time_adds_the_clips_and_refuses_a_clip_that_ends_before_it_starts() -> None:
    assert film_running_time([(0, 90), (30, 45), (600, 1200)]) == 90 + 15 + 600
    assert film_running_time([]) == 0
    with pytest.raises(EBCDInputError, match="Clip 2"):
        film_running_time([(0, 10), (20, 20)])


# -- ranking -----------------------------------------------------------------------------


def test_ties_share_the_better_rank_and_keep_the_order_proposed() -> None:
    ranking = rank_votes(["a", "b", "c", "d"], {"a": 2, "b": 5, "c": 2, "d": 1})
    assert [(r.priority, r.rank) for r in ranking.ranked] == [
        ("b", 1),
        ("a", 2),
        ("c", 2),
        ("d", 4),
    ]
    assert ranking.total == 10
    assert ranking.ranked[0].share == pytest.approx(0.5)
    # Same votes given in a different dict order: same result.
    again = rank_votes(["a", "b", "c", "d"], {"d": 1, "c": 2, "b": 5, "a": 2})
    assert again == ranking


def test_top_k_includes_ties_at_the_boundary_and_leaves_out_priorities_with_no_votes() -> None:
    ranking = rank_votes(["a", "b", "c", "d"], {"a": 3, "b": 1, "c": 1})
    assert ranking.top(2) == ("a", "b", "c")
    assert ranking.top(4) == ("a", "b", "c")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([5, 3, 1, 0], [4, 2, 2, 1]),
        ([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]),
        ([0, 0, 1, 4], [3, 1, 1, 0]),
    ],
)
def test_spearman_rho_matches_scipy_with_ties(a: list[int], b: list[int]) -> None:
    assert spearman_rho(a, b) == pytest.approx(stats.spearmanr(a, b).statistic)


def test_spearman_rho_is_undefined_when_a_group_gives_everything_the_same() -> None:
    assert spearman_rho([1, 1, 1], [3, 2, 1]) is None
    assert spearman_rho([1], [2]) is None


# -- the tally ---------------------------------------------------------------------------


def votes(patients: list[int], staff: list[int]) -> dict[str, dict[str, int]]:
    return {
        "patients": dict(zip(PRIORITIES, patients, strict=True)),
        "staff": dict(zip(PRIORITIES, staff, strict=True)),
    }


def test_separate_rankings_then_agreement_shows_shared_and_differing_top_priorities() -> None:
    tally = tally_priorities(PRIORITIES, votes([9, 6, 1, 0], [2, 7, 8, 0]), top_k=2)
    patients = tally.separate_for(VoterGroup.PATIENTS)
    staff = tally.separate_for(VoterGroup.STAFF)
    assert patients.top(2) == ("Being told what is happening", "Waiting for results")
    assert staff.top(2) == ("Parking", "Waiting for results")
    assert tally.agreement.shared_top == ("Waiting for results",)
    assert tally.agreement.patients_only == ("Being told what is happening",)
    assert tally.agreement.staff_only == ("Parking",)
    assert tally.agreement.overlap == pytest.approx(1 / 3)
    expected = stats.spearmanr([9, 6, 1, 0], [2, 7, 8, 0]).statistic
    assert tally.agreement.rank_correlation == pytest.approx(expected)
    assert "1 of the priorities are in both groups' top 2" in tally.agreement.explanation
    assert tally.joint is None and tally.joint_by_group == ()


def test_joint_event_votes_are_tallied_per_group_and_together() -> None:
    tally = tally_priorities(
        PRIORITIES,
        votes([9, 6, 1, 0], [2, 7, 8, 0]),
        joint=votes([5, 4, 0, 1], [3, 6, 1, 0]),
    )
    assert tally.joint is not None
    assert [(r.priority, r.score, r.rank) for r in tally.joint.ranked] == [
        ("Waiting for results", 10, 1),
        ("Being told what is happening", 8, 2),
        ("Parking", 1, 3),
        ("Food", 1, 3),
    ]
    joint_patients = tally.joint_for(VoterGroup.PATIENTS)
    assert joint_patients is not None
    assert joint_patients.top(1) == ("Being told what is happening",)
    assert tally.joint_agreement is not None
    assert tally.joint_agreement.shared_top == (
        "Being told what is happening",
        "Waiting for results",
    )


def test_equal_groups_weighting_stops_a_larger_group_outvoting_a_smaller_one() -> None:
    # 3 patients put all their dots on A; 30 staff spread theirs on B.
    joint = {"patients": {"A": 9}, "staff": {"B": 60, "A": 30}}
    by_votes = tally_priorities(["A", "B"], {}, joint=joint)
    by_groups = tally_priorities(["A", "B"], {}, joint=joint, weighting="equal_groups")
    assert by_votes.joint is not None and by_groups.joint is not None
    assert by_votes.joint.ranked[0].priority == "B"
    assert by_groups.joint.ranked[0].priority == "A"
    assert by_groups.joint.score_of("A") == pytest.approx(1 + 1 / 3)
    assert by_groups.weighting is JointWeighting.EQUAL_GROUPS


def test_equal_groups_ties_are_exact_not_spoilt_by_rounding() -> None:
    joint = {"patients": {"A": 1, "B": 2}, "staff": {"A": 2, "B": 1}}
    tally = tally_priorities(["A", "B"], {}, joint=joint, weighting="equal_groups")
    assert tally.joint is not None
    assert [r.rank for r in tally.joint.ranked] == [1, 1]


@pytest.mark.parametrize(
    ("priorities", "separate", "joint", "message", "field"),
    [
        ([], {}, None, "at least one priority", "priorities"),
        (["A", " a "], {}, None, "repeats the title", "priorities"),
        (["A", ""], {}, None, "Priority 2 has no title", "priorities"),
        (["A"], {"patients": {"B": 1}}, None, "not one of the proposed", "separate_votes.patients"),
        (["A"], {"staff": {"A": -1}}, None, "cannot be negative", "separate_votes.staff"),
        (["A"], {"staff": {"A": 1.5}}, None, "whole number", "separate_votes.staff"),
        (["A"], {"staff": {"A": True}}, None, "whole number", "separate_votes.staff"),
        (["A"], {"managers": {"A": 1}}, None, "not a voting group", "separate_votes"),
        (["A"], {}, {"patients": {"Z": 1}}, "not one of the proposed", "joint_votes.patients"),
    ],
)
def test_inconsistent_input_is_refused_with_a_clear_error(
    priorities: list[str],
    separate: dict[str, dict[str, object]],
    joint: dict[str, dict[str, object]] | None,
    message: str,
    field: str,
) -> None:
    with pytest.raises(EBCDInputError, match=message) as error:
        tally_priorities(priorities, separate, joint)  # type: ignore[arg-type]
    assert error.value.field == field


def test_top_k_and_weighting_must_make_sense() -> None:
    with pytest.raises(EBCDInputError, match="top_k"):
        tally_priorities(["A"], {}, top_k=0)
    with pytest.raises(EBCDInputError, match="not a weighting"):
        tally_priorities(["A"], {}, weighting="loudest")


# -- properties --------------------------------------------------------------------------

counts = st.lists(st.integers(min_value=0, max_value=20), min_size=4, max_size=4)


@given(counts, counts, counts, counts)
def test_the_joint_ranking_is_the_sum_of_both_groups_joint_votes(
    sp: list[int], ss: list[int], jp: list[int], js: list[int]
) -> None:
    tally = tally_priorities(PRIORITIES, votes(sp, ss), joint=votes(jp, js))
    if sum(jp) + sum(js) == 0:
        assert tally.joint is None
        return
    assert tally.joint is not None
    for name, p, s in zip(PRIORITIES, jp, js, strict=True):
        assert tally.joint.score_of(name) == p + s
    scores = [item.score for item in tally.joint.ranked]
    assert scores == sorted(scores, reverse=True)
    for item in tally.joint.ranked:
        better = sum(1 for other in tally.joint.ranked if other.score > item.score)
        assert item.rank == better + 1


@given(counts)
def test_groups_voting_alike_agree_completely(same: list[int]) -> None:
    tally = tally_priorities(PRIORITIES, votes(same, same))
    assert tally.agreement.patients_only == () and tally.agreement.staff_only == ()
    if sum(same):
        assert tally.agreement.overlap == 1.0
    if len(set(same)) > 1:
        assert tally.agreement.rank_correlation == pytest.approx(1.0)


@given(st.permutations(PRIORITIES), counts, counts)
def test_the_result_does_not_depend_on_the_order_votes_are_listed(
    shuffled: list[str], p: list[int], s: list[int]
) -> None:
    given_votes = votes(p, s)
    reordered = {group: {n: row[n] for n in shuffled} for group, row in given_votes.items()}
    assert tally_priorities(PRIORITIES, given_votes) == tally_priorities(PRIORITIES, reordered)


@given(counts)
def test_a_unanimous_favourite_comes_first_in_every_ranking(base: list[int]) -> None:
    favourite = [max(base) + 1, *base[1:]]
    tally = tally_priorities(
        PRIORITIES, votes(favourite, favourite), joint=votes(favourite, favourite)
    )
    assert tally.separate_for(VoterGroup.PATIENTS).ranked[0].priority == PRIORITIES[0]
    assert tally.joint is not None
    assert tally.joint.ranked[0].priority == PRIORITIES[0]
    assert tally.joint.ranked[0].rank == 1
