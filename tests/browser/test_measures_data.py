"""A patient partner adds a measure, types in some data, then uploads the rest from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from coproduce.web.projects.models import Role
from tests import universe
from tests.web.test_measures_chart import use_data_dir

from .axe import goto, navigation
from .conftest import NewPage
from .people import make_facilitator, sign_in

PARTNER = "pat.partner@example.net"
CSV = (
    "Month,Seen within 4 hours,Attendances\n"
    "Jan 2026,70,100\nFeb 2026,72,100\nMar 2026,120,100\nnever,1,2\n"
)


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> None:
    """Uploads and drawn charts go to a temporary folder, not the repository's data/."""
    use_data_dir(settings, tmp_path / "data")


@pytest.mark.browser
def test_partner_enters_and_uploads_data(new_page: NewPage, tmp_path: Path) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Faster emergency care")
    partner = universe.make_user(PARTNER, "Pat Mensah")
    universe.join(project, partner, Role.PATIENT_PARTNER, by=facilitator)
    page = new_page()
    sign_in(page, PARTNER)

    # No measures yet: the empty state offers to add one.
    goto(page, f"/projects/{project.pk}/measures/")
    expect(page.get_by_text("This project has no measures yet.")).to_be_visible()
    with navigation(page):
        page.get_by_role("link", name="Add a measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a measure")
    page.get_by_label("Title").fill("Seen within 4 hours")
    page.get_by_label("Outcome").check()
    page.get_by_label("Proportion (numerator of a denominator").check()
    page.get_by_label("Higher is better").check()
    with navigation(page):
        page.get_by_role("button", name="Add measure").click()
    expect(page.get_by_text("Chart: P chart (proportions)")).to_be_visible()

    # She types in a month, with a mistake first.
    expect(page.get_by_role("heading", level=1)).to_have_text("Data")
    page.get_by_label("Period, row 1").fill("Dec 2025")
    page.get_by_label("Value, row 1").fill("80")
    page.get_by_label("Denominator, row 1").fill("75")
    with navigation(page):
        page.get_by_role("button", name="Save data").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Row 1, value: the value 80 is more than the denominator 75")
    page.get_by_label("Denominator, row 1").fill("100")
    with navigation(page):
        page.get_by_role("button", name="Save data").click()
    expect(page.get_by_text("Data saved: 1 added, 0 updated.")).to_be_visible()

    # She uploads the rest: the file has two bad rows, so nothing is imported.
    bad = tmp_path / "ed.csv"
    bad.write_text(CSV)
    with navigation(page):
        page.get_by_role("link", name="Upload data from a file").click()
    page.get_by_label("Upload a file").set_input_files(bad)
    with navigation(page):
        page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose which column holds what")
    expect(page.get_by_label("Denominator")).to_have_value("Attendances")
    with navigation(page):
        page.get_by_role("button", name="Check the data").click()
    problems = page.get_by_role("table", name="Problems in ed.csv")
    expect(problems).to_contain_text("the value 120 is more than the denominator 100")
    expect(problems).to_contain_text("“never” is not a date")

    # The corrected file imports.
    good = tmp_path / "ed-fixed.csv"
    good.write_text(CSV.replace("120,100", "75,100").replace("never,1,2\n", ""))
    with navigation(page):
        page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Upload a file").set_input_files(good)
    with navigation(page):
        page.get_by_role("button", name="Upload and preview").click()
    with navigation(page):
        page.get_by_role("button", name="Check the data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ready to import")
    with navigation(page):
        page.get_by_role("button", name="Import data").click()
    expect(page.get_by_text("Imported ed-fixed.csv: 3 added, 0 updated.")).to_be_visible()
    expect(page.get_by_label("Period, row 4")).to_have_value("2026-03-01")
    expect(page.get_by_label("Value, row 4")).to_have_value("75")
