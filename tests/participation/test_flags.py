"""Each flag: raised when it should be, silent when it should not, and at its boundary."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.participation.flags import (
    FlagCode,
    Severity,
    all_flags,
    consultation_labelled_coproduction,
    contributions_by_activity,
    contributions_without_feedback,
    decisions_without_lived_experience,
    effective_number,
    is_called_coproduction,
    is_tokenistic,
    same_few_voices,
    tokenism_risk,
    top_share,
    voice_concentration,
)
from coproduce.participation.ladders import Role, Rung
from coproduce.participation.records import ActivityRecord, ContributionRecord, Outcome

from .builders import DAY, activity, attend, contribution, decision

# -- consultation labelled co-production ---------------------------------------------------


def test_three_of_five_activities_called_co_production_reached_only_consultation() -> None:
    activities = [
        activity("A1", planned=Rung.CO_DESIGN, achieved=Rung.CONSULTATION),
        activity("A2", planned=Rung.CO_PRODUCTION, achieved=Rung.INFORMING),
        # Called co-production in its label though planned at consultation.
        activity("A3", labelled="Co-production workshop", achieved=Rung.CONSULTATION),
        activity("A4", planned=Rung.CO_DESIGN, achieved=Rung.CO_DESIGN),
        activity(
            "A5", labelled="Codesign event", planned=Rung.ENGAGEMENT, achieved=Rung.ENGAGEMENT
        ),
        # Not called co-production: not counted at all.
        activity("A6", planned=Rung.CONSULTATION, achieved=Rung.COERCION),
        # Not yet assessed: not counted.
        activity("A7", planned=Rung.CO_DESIGN, achieved=None),
    ]
    flag = consultation_labelled_coproduction(activities)
    assert flag is not None
    assert flag.code is FlagCode.CONSULTATION_LABELLED_COPRODUCTION
    assert flag.explanation == (
        "3 of 5 activities called co-design or co-production reached only consultation or below."
    )
    assert flag.evidence == ("A1", "A2", "A3")
    assert "Ocloo & Matthews 2016, BMJ Qual Saf 25(8):626–632" in flag.source
    assert flag.severity is Severity.SERIOUS


def test_co_design_that_reached_engagement_is_not_flagged() -> None:
    # Boundary: engagement is the rung just above consultation.
    assert (
        consultation_labelled_coproduction(
            [activity("A1", planned=Rung.CO_DESIGN, achieved=Rung.ENGAGEMENT)]
        )
        is None
    )
    flag = consultation_labelled_coproduction(
        [activity("A1", planned=Rung.CO_DESIGN, achieved=Rung.CONSULTATION)]
    )
    assert flag is not None
    assert flag.explanation.startswith("1 of 1 activity called")


def test_engagement_planned_and_not_labelled_is_not_called_co_production() -> None:
    # Boundary: engagement is the rung just below co-design.
    assert (
        consultation_labelled_coproduction(
            [activity("A1", planned=Rung.ENGAGEMENT, achieved=Rung.INFORMING)]
        )
        is None
    )


@pytest.mark.parametrize(
    "label",
    [
        "Co-production workshop",
        "coproduction group",
        "CO PRODUCTION day",
        "we co-designed it",
        "Codesign",
        "co‑design (non-breaking hyphen)",
        "Co-produced plan",
    ],
)
def test_labels_that_call_an_activity_co_production(label: str) -> None:
    assert is_called_coproduction(activity("A", planned=Rung.INFORMING, labelled=label))


@pytest.mark.parametrize("label", ["", "Production meeting", "cooperative session", "eco-design"])
def test_labels_that_do_not(label: str) -> None:
    assert not is_called_coproduction(activity("A", planned=Rung.INFORMING, labelled=label))


# -- tokenism ------------------------------------------------------------------------------


def test_consultation_with_no_change_following_is_tokenistic() -> None:
    a = activity("A1", achieved=Rung.CONSULTATION)
    assert is_tokenistic(a, {})
    pending = contribution("C1", "p1", activity_id="A1")
    declined = contribution("C2", "p1", activity_id="A1", outcome=Outcome.NOT_TAKEN_FORWARD)
    assert is_tokenistic(a, contributions_by_activity([pending, declined]))


def test_a_change_from_the_activity_clears_tokenism() -> None:
    a = activity("A1", achieved=Rung.INFORMING)
    changed = contribution("C1", "p1", activity_id="A1", outcome=Outcome.CHANGED)
    assert not is_tokenistic(a, contributions_by_activity([changed]))
    # A change from another activity does not count for this one.
    elsewhere = contribution("C2", "p1", activity_id="A2", outcome=Outcome.CHANGED)
    assert is_tokenistic(a, contributions_by_activity([elsewhere]))


def test_engagement_or_unassessed_activities_are_not_tokenistic() -> None:
    assert not is_tokenistic(activity("A1", achieved=Rung.ENGAGEMENT), {})
    assert not is_tokenistic(activity("A1", achieved=None), {})


def test_the_tokenism_flag_counts_assessed_activities() -> None:
    activities = [
        activity("A1", achieved=Rung.CONSULTATION),
        activity("A2", achieved=Rung.CONSULTATION),
        activity("A3", achieved=Rung.CO_DESIGN),
        activity("A4", achieved=None),
    ]
    changed = contribution("C1", "p1", activity_id="A2", outcome=Outcome.CHANGED)
    flag = tokenism_risk(activities, [changed])
    assert flag is not None
    assert flag.explanation.startswith("1 of 3 assessed activities reached only consultation")
    assert flag.evidence == ("A1",)
    assert tokenism_risk(activities[1:], [changed]) is None


# -- decisions without lived experience ----------------------------------------------------


def test_decisions_with_no_patient_or_carer_present_are_flagged() -> None:
    decisions = [
        decision("D1", Role.PATIENT, Role.STAFF),
        decision("D2", Role.STAFF),
        decision("D3", Role.CARER),
        decision("D4", Role.STAFF, Role.VOLUNTEER, Role.COMMUNITY),
        decision("D5"),  # nobody recorded: no patient or carer present
    ]
    flag = decisions_without_lived_experience(decisions)
    assert flag is not None
    assert flag.code is FlagCode.DECISIONS_WITHOUT_LIVED_EXPERIENCE
    assert flag.explanation == "3 of 5 decisions were taken with no patient or carer present."
    assert flag.evidence == ("D2", "D4", "D5")


def test_one_carer_is_enough() -> None:
    assert decisions_without_lived_experience([decision("D1", Role.CARER)]) is None
    assert decisions_without_lived_experience([]) is None
    flag = decisions_without_lived_experience([decision("D1", Role.FACILITATOR)])
    assert flag is not None
    assert flag.explanation == "1 of 1 decision was taken with no patient or carer present."


# -- contributions without feedback --------------------------------------------------------


def days_ago(n: int) -> dt.date:
    return DAY - dt.timedelta(days=n)


def test_contributions_not_fed_back_after_thirty_days_are_flagged_with_the_oldest_age() -> None:
    contributions = [
        contribution("C1", "p1", date=days_ago(31)),  # just over: overdue
        contribution("C2", "p1", date=days_ago(30)),  # exactly 30: not yet
        contribution("C3", "p2", date=days_ago(75), outcome=Outcome.CHANGED),
        contribution("C4", "p2", date=days_ago(90), fed_back_on=days_ago(10)),
    ]
    flag = contributions_without_feedback(contributions, today=DAY)
    assert flag is not None
    assert flag.explanation == (
        "2 contributions have had no feedback after more than 30 days; "
        "the oldest was made 75 days ago."
    )
    assert flag.evidence == ("C3", "C1")  # oldest first


def test_feedback_days_is_a_parameter_and_the_boundary_is_not_overdue() -> None:
    recent = [contribution("C1", "p1", date=days_ago(10))]
    assert contributions_without_feedback(recent, today=DAY) is None
    assert contributions_without_feedback(recent, today=DAY, feedback_days=10) is None
    flag = contributions_without_feedback(recent, today=DAY, feedback_days=9)
    assert flag is not None
    assert flag.explanation.startswith("1 contribution has had no feedback after more than 9 days")


# -- the same few voices -------------------------------------------------------------------


def ten_voices(top_contributions: int) -> tuple[list[ActivityRecord], list[ContributionRecord]]:
    """Ten patients and carers; p1 gives ``top_contributions``, p2 two, the rest one each."""
    people = [f"p{i}" for i in range(1, 11)]
    workshop = activity(
        "A1",
        attendance=(
            *(
                attend(pid, Role.CARER if i % 2 else Role.PATIENT, 2)
                for i, pid in enumerate(people)
            ),
            attend("s1", Role.STAFF, 2),
        ),
    )
    follow_up = activity("A2", attendance=(attend("p1", hours=3), attend("p2", hours=3)))
    contributions = [contribution(f"C1-{i}", "p1") for i in range(top_contributions)]
    contributions += [contribution(f"C2-{i}", "p2") for i in range(2)]
    contributions += [contribution(f"C-{pid}", pid) for pid in people[2:]]
    contributions.append(contribution("C-staff", "s1", roles=frozenset({Role.STAFF})))
    return [workshop, follow_up], contributions


def test_the_most_active_fifth_giving_over_half_is_flagged() -> None:
    activities, contributions = ten_voices(7)
    # Credits: p1 7, p2 2, p3–p10 1 each: 17 in all (the staff contribution is not theirs).
    # Top 20% of 10 = 2 people: (7 + 2)/17 = 52.9% > 50%.
    # Hours: p1 and p2 5 each, the rest 2: top two 10/26 = 38.5%.
    # Effective voices: 1/((49 + 4 + 8)/289) = 289/61 = 4.74.
    flag = same_few_voices(activities, contributions)
    assert flag is not None
    assert flag.code is FlagCode.SAME_FEW_VOICES
    assert flag.explanation == (
        "The most active 20% of the 10 patients and carers gave 53% of their contributions "
        "(effective number of voices: 4.7); the 20% who gave the most time gave 38% of their "
        "hours."
    )
    assert flag.evidence == ()
    stats = voice_concentration(activities, contributions)
    assert stats.top_contribution_share == pytest.approx(9 / 17)
    assert stats.top_hours_share == pytest.approx(10 / 26)
    assert stats.effective_voices_contributions == pytest.approx(289 / 61)


def test_the_hours_share_is_not_credited_to_the_most_active_contributors() -> None:
    # Five patients: the top 20% is one person. p0 gives 5 of the 9 contributions (56%), p1–p4
    # one each. p4 gives the most time: 10 of the 18 hours (56%), the others 2 each. The
    # sentence must not say that p0 attended p4's hours.
    people = [f"p{i}" for i in range(5)]
    activities = [
        activity(
            "A1", attendance=tuple(attend(pid, hours=10 if pid == "p4" else 2) for pid in people)
        )
    ]
    contributions = [contribution(f"X{i}", "p0") for i in range(5)]
    contributions += [contribution(f"C{pid}", pid) for pid in people[1:]]
    flag = same_few_voices(activities, contributions)
    assert flag is not None
    assert "gave 56% of their contributions" in flag.explanation
    assert "the 20% who gave the most time gave 56% of their hours" in flag.explanation
    assert "attended" not in flag.explanation


def test_exactly_half_is_not_flagged() -> None:
    # p1 6, p2 2, the rest 8: the top two gave 8/16, exactly half.
    activities, contributions = ten_voices(6)
    assert voice_concentration(activities, contributions).top_contribution_share == 0.5
    assert same_few_voices(activities, contributions) is None


def test_fewer_than_five_patients_or_carers_is_flagged_without_the_number() -> None:
    activities = [
        activity(
            "A1",
            attendance=(
                *(attend(f"p{i}") for i in range(4)),
                attend("s1", Role.STAFF),
                attend("s2", Role.STAFF),
            ),
        )
    ]
    flag = same_few_voices(activities, [])
    assert flag is not None
    assert flag.explanation.startswith("Fewer than 5 patients or carers have taken part")
    assert not re.search(r"\d", flag.explanation.replace("Fewer than 5", ""))
    stats = voice_concentration(activities, [])
    assert stats.people.shown == "<5"
    assert stats.top_contribution_share is None and stats.effective_voices_hours is None


def test_five_even_voices_are_not_flagged_but_one_loud_one_is() -> None:
    people = [f"p{i}" for i in range(5)]
    activities = [activity("A1", attendance=tuple(attend(pid) for pid in people))]
    even = [contribution(f"C{pid}", pid) for pid in people]
    assert same_few_voices(activities, even) is None
    assert same_few_voices(activities, []) is None  # five took part; nothing to concentrate
    # Top 20% of 5 is one person: p0 with 2 of 6 is not over half; with 5 of 9 it is.
    loud = even + [contribution(f"X{i}", "p0") for i in range(4)]
    flag = same_few_voices(activities, loud)
    assert flag is not None
    assert "gave 56% of their contributions" in flag.explanation


def test_staff_only_projects_are_flagged_and_empty_projects_are_not() -> None:
    staff_only = [activity("A1", attendance=(attend("s1", Role.STAFF),))]
    flag = same_few_voices(staff_only, [])
    assert flag is not None and flag.explanation.startswith("Fewer than 5")
    assert same_few_voices([], []) is None


def test_a_contribution_is_shared_among_its_contributors() -> None:
    people = [f"p{i}" for i in range(5)]
    activities = [activity("A1", attendance=tuple(attend(pid) for pid in people))]
    # One joint contribution of all five, and a solo one by a patient who attended nothing.
    contributions = [contribution("C1", *people), contribution("C2", "q1")]
    stats = voice_concentration(activities, contributions)
    assert stats.people.value == 6
    # Shares: five at 0.2/2 = 0.1, q1 at 0.5: top 20% of 6 = 1 person, 0.5.
    assert stats.top_contribution_share == pytest.approx(0.5)
    assert stats.effective_voices_contributions == pytest.approx(1 / (5 * 0.01 + 0.25))


def test_top_share_and_effective_number() -> None:
    assert top_share([0.2, 0.5, 0.3], 0.2) == 0.5  # at least one person
    assert top_share([0.1] * 10, 0.2) == pytest.approx(0.2)  # two of ten
    assert top_share([1 / 9] * 9, 0.2) == pytest.approx(1 / 9)  # ⌊1.8⌋ = 1 of nine
    assert effective_number([0.25] * 4) == pytest.approx(4)
    assert effective_number([1.0]) == 1
    assert effective_number([]) is None


@given(
    n_people=st.integers(min_value=0, max_value=9),
    extra=st.lists(st.integers(min_value=0, max_value=8), max_size=20),
)
def test_voice_explanations_never_print_fewer_than_five_people(
    n_people: int, extra: list[int]
) -> None:
    people = [f"p{i}" for i in range(n_people)]
    activities = [
        activity("A1", attendance=(*(attend(pid) for pid in people), attend("s", Role.STAFF)))
    ]
    contributions = (
        [contribution(f"C{i}", people[k % n_people]) for i, k in enumerate(extra)] if people else []
    )
    flag = same_few_voices(activities, contributions)
    if flag is None:
        return
    for number in re.findall(r"of the (\d+) patients", flag.explanation):
        assert int(number) >= 5
    if n_people < 5:
        assert "Fewer than 5" in flag.explanation


def test_all_flags_come_in_code_order() -> None:
    activities = [activity("A1", planned=Rung.CO_DESIGN, achieved=Rung.INFORMING)]
    decisions = [decision("D1", Role.STAFF)]
    contributions = [contribution("C1", "p1", date=days_ago(40), activity_id="A1")]
    flags = all_flags(activities, decisions, contributions, today=DAY)
    assert [f.code for f in flags] == list(FlagCode)
