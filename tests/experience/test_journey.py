"""The journey core: hotspots, stage summaries, agency shifts, method suggestions, reading."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.experience import journey as core
from coproduce.experience.journey import (
    CO_DESIGN_METHODS,
    FLOW_METHODS,
    Emotion,
    HotspotRule,
    JourneyInputError,
    Lead,
    Nature,
    StageInput,
    Teller,
    TouchpointInput,
)

emotions = st.builds(
    Emotion,
    valence=st.integers(-2, 2),
    intensity=st.integers(1, 5),
    words=st.lists(st.sampled_from(["anxious", "relieved", "ignored", "Calm "]), max_size=3).map(
        tuple
    ),
)


def tp(pk: int, name: str, *records: Emotion, marked: bool = False) -> TouchpointInput:
    return TouchpointInput(pk, name, tuple(records), marked)


# -- inputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("valence", [-3, 3, 10])
def test_valence_out_of_range_is_refused_with_the_field(valence: int) -> None:
    with pytest.raises(JourneyInputError) as error:
        Emotion(valence, 3)
    assert error.value.field == "valence"
    assert str(valence) in error.value.reason


@pytest.mark.parametrize("intensity", [0, 6])
def test_intensity_out_of_range_is_refused(intensity: int) -> None:
    with pytest.raises(JourneyInputError) as error:
        Emotion(0, intensity)
    assert error.value.field == "intensity"


@pytest.mark.parametrize("agency", [-0.1, 1.01, math.nan])
def test_agency_out_of_range_is_refused(agency: float) -> None:
    with pytest.raises(JourneyInputError) as error:
        StageInput(1, "Referral", patient_agency=agency)
    assert error.value.field == "patient_agency"


# -- hotspots ---------------------------------------------------------------------------------


def test_hotspot_rule_needs_enough_records_and_low_weighted_mean() -> None:
    rule = HotspotRule()
    assert not rule.applies([Emotion(-2, 5)])  # one record is not enough
    assert rule.applies([Emotion(-2, 5), Emotion(-1, 1)])  # (−10 − 1) / 6 = −1.83
    # A strong negative outweighs a mild positive when weighted, not when unweighted.
    pair = [Emotion(-2, 5), Emotion(1, 1)]  # weighted −1.5, plain −0.5
    assert rule.applies(pair)
    assert not HotspotRule(weighted=False).applies(pair)
    assert not rule.applies([Emotion(-1, 1), Emotion(0, 5)])  # weighted −1/6


def test_hotspot_rule_threshold_is_inclusive() -> None:
    assert HotspotRule().applies([Emotion(-1, 3), Emotion(-1, 2)])


def test_hotspot_rule_is_described_in_words() -> None:
    text = HotspotRule(threshold=-1.5, min_records=3, weighted=False).describe()
    assert "at least 3 emotion records" in text
    assert "−1.5 or lower" in text
    assert "weighted" not in text
    assert "marked it as a hotspot by hand" in text
    assert "weighted by intensity" in HotspotRule().describe()


def test_marked_touchpoints_are_hotspots_without_records() -> None:
    summary = core.summarise_journey(
        "J", [StageInput(1, "Referral", (tp(1, "Letter", marked=True), tp(2, "Call")))]
    )
    assert [t.name for t in summary.hotspots] == ["Letter"]
    assert summary.hotspots[0].hotspot_reason == "marked by hand"


@given(st.lists(emotions, max_size=12), st.booleans())
def test_hotspot_matches_its_definition(records: list[Emotion], weighted: bool) -> None:
    rule = HotspotRule(weighted=weighted)
    if records:
        num = sum(e.valence * (e.intensity if weighted else 1) for e in records)
        den = sum(e.intensity if weighted else 1 for e in records)
        expected = len(records) >= 2 and num / den <= -1.0
    else:
        expected = False
    assert rule.applies(records) is expected


@given(st.lists(emotions, min_size=1, max_size=12))
def test_summaries_stay_in_range(records: list[Emotion]) -> None:
    mean = core.mean_valence(records)
    weighted = core.weighted_mean_valence(records)
    spread = core.spread(records)
    assert mean is not None and weighted is not None and spread is not None
    assert -2 <= mean <= 2 and -2 <= weighted <= 2
    assert 0 <= spread <= 2
    if len({e.valence for e in records}) == 1:
        assert spread == pytest.approx(0)


# -- stage summaries --------------------------------------------------------------------------


def test_stage_summary_counts_words_case_blind_and_most_frequent_first() -> None:
    stage = StageInput(
        1,
        "Diagnosis",
        (
            tp(1, "Results", Emotion(-2, 4, ("Anxious", "scared")), Emotion(-1, 2, ("anxious ",))),
            tp(2, "Nurse", Emotion(2, 3, ("cared for",))),
        ),
    )
    summary = core.summarise_journey("J", [stage]).stages[0]
    assert summary.count == 3
    assert summary.mean_valence == pytest.approx(-1 / 3)
    assert summary.spread == pytest.approx(
        math.sqrt(((-5 / 3) ** 2 + (-2 / 3) ** 2 + (7 / 3) ** 2) / 3)
    )
    assert summary.words[0] == ("anxious", 2)
    assert ("cared for", 1) in summary.words
    assert summary.hotspots == ("Results",)


# -- agency -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patient", "professional", "lead"),
    [
        (0.9, 0.2, Lead.PATIENT),
        (0.2, 0.9, Lead.PROFESSIONAL),
        (0.8, 0.7, Lead.SHARED),
        (0.3, 0.4, Lead.BALANCED),
        (0.6, 0.4, Lead.PATIENT),  # a difference of exactly the margin leads
        (None, 0.4, Lead.UNRECORDED),
    ],
)
def test_agency_lead(patient: float | None, professional: float | None, lead: Lead) -> None:
    assert core.agency_lead(patient, professional) is lead


@given(st.floats(0, 1), st.floats(0, 1))
def test_agency_lead_is_symmetric(patient: float, professional: float) -> None:
    swap = {Lead.PATIENT: Lead.PROFESSIONAL, Lead.PROFESSIONAL: Lead.PATIENT}
    lead = core.agency_lead(patient, professional)
    assert core.agency_lead(professional, patient) is swap.get(lead, lead)


def test_agency_shifts_skip_unrecorded_stages_and_name_where_they_happen() -> None:
    stages = [
        StageInput(1, "Self-referral", patient_agency=0.9, professional_agency=0.2),
        StageInput(2, "Triage"),
        StageInput(3, "Surgery", patient_agency=0.1, professional_agency=0.9),
        StageInput(4, "Recovery plan", patient_agency=0.8, professional_agency=0.8),
        StageInput(5, "Follow-up", patient_agency=0.8, professional_agency=0.7),
    ]
    summary = core.summarise_journey("J", stages)
    shifts = summary.shifts
    assert [(s.from_stage, s.to_stage, s.to_lead) for s in shifts] == [
        ("Self-referral", "Surgery", Lead.PROFESSIONAL),
        ("Surgery", "Recovery plan", Lead.SHARED),
    ]
    assert shifts[0].patient_change == pytest.approx(-0.8)
    assert shifts[0].professional_change == pytest.approx(0.7)


# -- methods ----------------------------------------------------------------------------------


def test_product_like_gets_flow_tools_only() -> None:
    suggestion = core.suggest_methods(Nature.PRODUCT_LIKE, patient_agency=0.1)
    assert suggestion.methods == FLOW_METHODS
    names = {m.name for m in suggestion.methods}
    assert {"Value stream map", "5S", "Standard work", "SPC on flow"} <= names
    assert suggestion.caution == ""


def test_product_like_with_high_patient_agency_carries_a_caution() -> None:
    assert "0.8" in core.suggest_methods(Nature.PRODUCT_LIKE, patient_agency=0.8).caution


def test_service_like_gets_co_design_and_a_warning_against_flow_tools_alone() -> None:
    suggestion = core.suggest_methods(Nature.SERVICE_LIKE)
    assert suggestion.methods == CO_DESIGN_METHODS
    assert {"Shared decision making", "Co-produced care plans"} <= {
        m.name for m in suggestion.methods
    }
    assert "value stream map" in suggestion.caution


def test_mixed_gets_both_with_a_note_and_unclassified_gets_none() -> None:
    mixed = core.suggest_methods(Nature.MIXED)
    assert set(mixed.methods) == set(FLOW_METHODS) | set(CO_DESIGN_METHODS)
    assert "split" in mixed.note
    assert core.suggest_methods(Nature.UNCLASSIFIED).methods == ()


# -- the reading ------------------------------------------------------------------------------


def test_reading_names_the_worst_touchpoint_hotspots_and_agency_shift() -> None:
    stages = [
        StageInput(
            1,
            "Referral",
            (tp(1, "GP letter", Emotion(1, 2, ("relieved",)), Emotion(2, 3)),),
            0.3,
            0.8,
            Nature.PRODUCT_LIKE,
        ),
        StageInput(
            2,
            "Diagnosis",
            (
                tp(
                    2,
                    "Waiting for results",
                    Emotion(-2, 5, ("anxious",)),
                    Emotion(-1, 3, ("anxious",)),
                    Emotion(-2, 4, teller=Teller.STAFF),
                ),
            ),
            0.2,
            0.9,
            Nature.SERVICE_LIKE,
        ),
        StageInput(3, "Self-care", (), 0.9, 0.3, Nature.MIXED),
    ]
    text = "\n".join(core.read_journey(core.summarise_journey("Cancer", stages)))
    assert "Patients feel worst at “Waiting for results” (Diagnosis): −1.6 from 2 records" in text
    assert "most often “anxious”" in text
    assert "feel best at “GP letter”" in text
    assert "Staff feel worst at “Waiting for results” (Diagnosis): −2.0 from 1 record." in text
    assert "1 hotspot: “Waiting for results”." in text
    assert "professionals lead" in text
    assert "agency shifts to the patient at Self-care (from Diagnosis)" in text
    assert "Product-like, where flow and waste tools suit: Referral." in text
    assert "Mixed, to split: Self-care." in text


def test_reading_of_empty_journeys() -> None:
    assert "no touchpoints yet" in core.read_journey(core.summarise_journey("J", []))[0]
    lines = core.read_journey(core.summarise_journey("J", [StageInput(1, "A", (tp(1, "x"),))]))
    assert lines[0] == "No emotions have been recorded at any touchpoint yet."
    assert any("have not been recorded for any stage" in line for line in lines)


@given(st.lists(st.lists(emotions, max_size=4), min_size=1, max_size=6))
def test_reading_worst_touchpoint_has_the_lowest_weighted_mean(groups: list[list[Emotion]]) -> None:
    touchpoints = tuple(tp(i + 1, f"T{i + 1}", *group) for i, group in enumerate(groups))
    summary = core.summarise_journey("J", [StageInput(1, "S", touchpoints)])
    patients = list(summary.by_teller.get(Teller.PATIENT, ()))
    lines = core.read_journey(summary)
    if not patients:
        assert not any(line.startswith("Patients feel worst") for line in lines)
        return
    lowest = min(t.weighted_valence for t in patients if t.weighted_valence is not None)
    worst_line = next(line for line in lines if line.startswith("Patients feel worst"))
    named = worst_line.split("“")[1].split("”")[0]
    chosen = next(t for t in patients if t.name == named)
    assert chosen.weighted_valence == pytest.approx(lowest)
