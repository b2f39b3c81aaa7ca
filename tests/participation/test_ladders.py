"""The participation vocabulary: ladders, crosswalk, roles, stages, principles (DOMAIN.md §1)."""

from __future__ import annotations

import pytest

from coproduce.participation.ladders import (
    LIVED_EXPERIENCE,
    ActivityKind,
    ArnsteinGroup,
    ArnsteinRung,
    Capability,
    LadderGroup,
    NefPrinciple,
    Role,
    Rung,
    ServicePhase,
    Stage,
    arnstein_for,
)


def test_the_tlap_ladder_has_seven_ordered_rungs_from_coercion_to_co_production() -> None:
    assert [int(r) for r in Rung] == [1, 2, 3, 4, 5, 6, 7]
    assert Rung.COERCION < Rung.CONSULTATION < Rung.CO_DESIGN < Rung.CO_PRODUCTION
    assert Rung.CO_DESIGN.label == "Co-design"
    assert Rung.CO_PRODUCTION.label == "Co-production"
    assert all(r.description for r in Rung)


def test_rungs_fall_into_doing_to_for_and_with() -> None:
    groups = {r: r.group for r in Rung}
    assert groups == {
        Rung.COERCION: LadderGroup.DOING_TO,
        Rung.EDUCATING: LadderGroup.DOING_TO,
        Rung.INFORMING: LadderGroup.DOING_FOR,
        Rung.CONSULTATION: LadderGroup.DOING_FOR,
        Rung.ENGAGEMENT: LadderGroup.DOING_FOR,
        Rung.CO_DESIGN: LadderGroup.DOING_WITH,
        Rung.CO_PRODUCTION: LadderGroup.DOING_WITH,
    }
    assert LadderGroup.DOING_WITH.label == "Doing with"


def test_consultation_carries_the_tokenism_risk_in_its_description() -> None:
    assert "tokenism" in Rung.CONSULTATION.description


@pytest.mark.parametrize("value", [6, "6", "co_design", "CO_DESIGN", "co-design", Rung.CO_DESIGN])
def test_a_rung_parses_from_its_number_or_name(value: Rung | int | str) -> None:
    assert Rung.parse(value) is Rung.CO_DESIGN


def test_the_crosswalk_follows_domain_section_1_3() -> None:
    assert arnstein_for(Rung.COERCION) == (ArnsteinRung.MANIPULATION,)
    assert arnstein_for(Rung.EDUCATING) == (ArnsteinRung.THERAPY,)
    assert arnstein_for(Rung.CONSULTATION) == (ArnsteinRung.CONSULTATION,)
    assert arnstein_for(Rung.ENGAGEMENT) == (ArnsteinRung.PLACATION,)
    assert arnstein_for(Rung.CO_DESIGN) == (ArnsteinRung.PARTNERSHIP,)
    assert arnstein_for(Rung.CO_PRODUCTION) == (
        ArnsteinRung.PARTNERSHIP,
        ArnsteinRung.DELEGATED_POWER,
        ArnsteinRung.CITIZEN_CONTROL,
    )


def test_the_crosswalk_never_goes_down_the_ladder() -> None:
    lowest = [min(arnstein_for(r)) for r in Rung]
    assert lowest == sorted(lowest)


def test_arnsteins_bands() -> None:
    assert [r.group for r in ArnsteinRung] == [ArnsteinGroup.NON_PARTICIPATION] * 2 + [
        ArnsteinGroup.TOKENISM
    ] * 3 + [ArnsteinGroup.CITIZEN_POWER] * 3
    assert ArnsteinRung.DELEGATED_POWER.label == "Delegated power"


def test_service_phases_are_the_four_cos() -> None:
    assert [p.co_label for p in ServicePhase] == [
        "Co-commissioning",
        "Co-design",
        "Co-delivery",
        "Co-assessment",
    ]


def test_lived_experience_means_patients_and_carers() -> None:
    assert frozenset({Role.PATIENT, Role.CARER}) == LIVED_EXPERIENCE
    assert Role.COMMUNITY.label == "Community or voluntary sector"
    assert all(role.label and role.plural for role in Role)
    assert ActivityKind.CO_DESIGN_GROUP.label == "Co-design group"
    assert all(kind.label and kind.plural for kind in ActivityKind)


def test_tuckman_stages_are_ordered_with_signs() -> None:
    assert list(Stage) == sorted(Stage)
    assert [s.label for s in Stage] == [
        "Forming",
        "Storming",
        "Norming",
        "Performing",
        "Adjourning",
    ]
    assert all(s.signs for s in Stage)
    assert Stage.parse("norming") is Stage.NORMING
    assert Stage.parse(4) is Stage.PERFORMING


def test_nef_has_six_principles_with_titles_and_prompts() -> None:
    assert [p.key for p in NefPrinciple] == [
        "assets",
        "capabilities",
        "reciprocity",
        "peer_support",
        "blur_roles",
        "facilitate",
    ]
    assert NefPrinciple("assets") is NefPrinciple.ASSETS
    assert all(p.title and p.prompt.endswith("?") for p in NefPrinciple)


def test_sharmas_four_capabilities_have_prompts() -> None:
    assert [c.key for c in Capability] == [
        "customer_activation",
        "organisational_activation",
        "interaction",
        "learning_agility",
    ]
    assert all(c.title and c.prompt.endswith("?") for c in Capability)
