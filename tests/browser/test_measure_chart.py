"""A facilitator reads a measure's chart, starts a new phase with a reason, and sees the board."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from coproduce.web.measures.models import Measure
from tests import universe
from tests.web.test_measures_chart import make_measure, use_data_dir

from .axe import goto, navigation
from .conftest import NewPage
from .people import make_facilitator, sign_in


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    """Uploads and drawn charts go to a temporary folder, not the repository's data/."""
    use_data_dir(settings, tmp_path / "data")


@pytest.mark.browser
def test_facilitator_reads_the_chart_starts_a_phase_and_sees_the_board(
    new_page: NewPage,
) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Fracture clinic waits")
    measure: Measure = make_measure(project)
    make_measure(project, title="Letters on time", kind="process", values=[])
    fay = new_page()
    sign_in(fay, facilitator.email)

    goto(fay, f"/projects/{project.pk}/measures/{measure.pk}/")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Days to first appointment")
    reading = fay.locator(".coproduce-reading")
    expect(reading).to_contain_text("8 points below the mean since January 2026.")
    expect(fay.locator("figure svg.coproduce-chart__svg")).to_be_visible()
    expect(
        fay.get_by_role("img", name="Variation: special cause improvement, lower values").first
    ).to_be_visible()

    with navigation(fay):
        fay.get_by_role("link", name="Start a new phase").click()
    fay.get_by_label("First period of the new phase").select_option(label="January 2026")
    fay.get_by_label("Why the limits are recalculated").fill("Text reminders adopted")
    with navigation(fay):
        fay.get_by_role("button", name="Start the new phase").click()
    expect(fay.get_by_text("The limits are now recalculated from January 2026.")).to_be_visible()
    phases = fay.get_by_role("table", name="Phases of Days to first appointment")
    expect(phases).to_contain_text("Text reminders adopted")
    expect(reading).to_contain_text("This reading is about phase 2 of 2")

    with navigation(fay):
        fay.get_by_role("link", name="See every measure of Fracture clinic waits").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Board")
    board = fay.get_by_role("table", name="Measures of Fracture clinic waits")
    expect(board.get_by_role("row", name="Days to first appointment")).to_contain_text("35 days")
    expect(board.get_by_role("row", name="Letters on time")).to_contain_text("No data yet")
