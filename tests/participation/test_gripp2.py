"""The draft GRIPP2-SF report: prefilled from the records, never complete while an item is blank."""

from __future__ import annotations

import datetime as dt

from coproduce.participation.gripp2 import Gripp2Key, Gripp2Report, draft_report
from coproduce.participation.profile import coproduction_profile

from .test_profile import ACTIVITIES, CONTRIBUTIONS, DECISIONS, TODAY

PROFILE = coproduction_profile(ACTIVITIES, DECISIONS, CONTRIBUTIONS, today=TODAY)


def draft(
    aim: str = "To shape the clinic with the people who use it.", reflections: str = ""
) -> Gripp2Report:
    return draft_report(
        project_title="Outpatient letters",
        ppi_aim_text=aim,
        profile=PROFILE,
        activities=ACTIVITIES,
        contributions=CONTRIBUTIONS,
        reflections_text=reflections,
    )


def test_five_items_in_order_with_domain_keys() -> None:
    report = draft()
    assert [(i.number, i.key.value) for i in report.items] == [
        (1, "ppi_aim"),
        (2, "ppi_methods"),
        (3, "ppi_results"),
        (4, "ppi_influence"),
        (5, "ppi_reflection"),
    ]
    assert report.item("ppi_aim").section == "Aim"
    assert all(item.prompt for item in report.items)


def test_methods_say_who_how_and_how_deeply_with_small_counts_hidden() -> None:
    text = draft().item(Gripp2Key.PPI_METHODS).text
    lines = text.split("\n")
    assert lines[0].startswith(
        "Who took part: 9 people ([c] patients, <5 carers, <5 staff, <5 volunteers, "
        "<5 community or voluntary sector members and <5 facilitators). Counts under 5"
    )
    assert lines[1] == (
        "How: 2 meetings, 1 event, 1 co-design group session and 1 PDSA test "
        "(5 activities, 24.8 hours in all), in the design phase of the service."
    )
    assert lines[2] == (
        "Depth of involvement (ladder of co-production): planned 1 at co-production, "
        "1 at co-design, 1 at engagement and 2 at consultation; reached 1 at co-design, "
        "2 at engagement and 1 at consultation; 1 not yet assessed."
    )
    # Activity titles are never used in the text.
    assert "Activity A1" not in text


def test_results_give_positive_and_negative_outcomes() -> None:
    assert draft().item(Gripp2Key.PPI_RESULTS).text == (
        "Positive: 2 of 5 contributions led to a change (references: C1, C5).\n"
        "Negative: 2 were not taken forward, 1 of them with a reason recorded "
        "(references: C2, C3); 1 is still pending."
    )


def test_influence_gives_shares_with_intervals_gaps_and_flags() -> None:
    text = draft().item(Gripp2Key.PPI_INFLUENCE).text
    lines = text.split("\n")
    # Wilson 95%: 2/5 (0.1176, 0.7693); 3/5 (0.2307, 0.8824).
    assert lines[0] == (
        "Of 5 contributions, 2 (40%, 95% interval 12% to 77%) led to a change and "
        "3 (60%, 95% interval 23% to 88%) had a recorded response (a change, or a reason for "
        "not taking it forward)."
    )
    assert lines[1] == (
        "2 of 4 assessed activities reached the rung planned or higher; 2 fell short "
        "(mean gap -0.25 rungs)."
    )
    assert lines[2].startswith("Flags raised: Consultation called co-production: 1 of 3")
    assert "Decisions without patients or carers" in lines[2]


def test_the_report_is_not_complete_while_reflections_are_blank() -> None:
    report = draft(reflections="  ")
    assert report.missing == (Gripp2Key.PPI_REFLECTION,)
    assert not report.complete
    assert "Not complete: still to write: Reflections and critical perspective." in (
        report.to_text()
    )
    done = draft(reflections="Meeting in the evening brought in working carers.")
    assert done.complete and done.missing == ()
    assert "Not complete" not in done.to_text()


def test_a_new_project_has_only_what_the_team_wrote() -> None:
    report = draft_report(
        project_title="New",
        ppi_aim_text="",
        profile=coproduction_profile([], [], [], today=dt.date(2026, 1, 1)),
        activities=[],
        contributions=[],
        reflections_text="",
    )
    assert report.missing == tuple(Gripp2Key)


def test_edits_replace_drafts_and_pages_are_kept() -> None:
    report = draft_report(
        project_title="Outpatient letters",
        ppi_aim_text="Aim",
        profile=PROFILE,
        activities=ACTIVITIES,
        contributions=CONTRIBUTIONS,
        reflections_text="Reflections",
        edits={"ppi_methods": "Our own account.", "ppi_results": ""},
        pages={"ppi_aim": "4"},
    )
    assert report.item("ppi_methods").text == "Our own account."
    assert report.missing == (Gripp2Key.PPI_RESULTS,)  # a blanked draft stays blank
    assert report.item("ppi_aim").reported_on_page == "4"
    assert "1. Aim (page 4)" in report.to_text()
