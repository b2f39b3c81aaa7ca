"""Must show (issue 4): a facilitator's Model for Improvement journey through the real pages.

Aim → measure → upload a CSV file of monthly data → change idea and a PDSA cycle linked to the
measure → the measure's chart with the cycle drawn on it and the reading → the board with the
measure's Making Data Count icons. Every page is checked with axe (zero violations); pages are
reached through the links and buttons the app offers, not typed addresses, once signed in.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests import universe

from .axe import navigation
from .conftest import NewPage
from .people import make_facilitator, sign_in

PROJECT = "Fracture clinic waits"
MEASURE = "Days from referral to first appointment"
IDEA = "Text message reminders"
MONTHS = [f"{month} {year}" for year in (2025, 2026) for month in (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
)][:20]  # fmt: skip
# Twelve months around 42 days, then eight around 26 after the reminders start in January 2026.
DAYS = [41, 44, 40, 43, 42, 45, 41, 43, 40, 44, 42, 43, 27, 25, 26, 24, 27, 25, 26, 24]
CSV = "Month,Days to first appointment\n" + "".join(
    f"{month},{days}\n" for month, days in zip(MONTHS, DAYS, strict=True)
)


def click(page: Page, name: str, role: str = "link") -> None:
    """Follow a link (or press a button) by its accessible name; axe checks the new page."""
    with navigation(page):
        page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


@pytest.mark.browser
def test_facilitator_aim_measure_upload_pdsa_chart_and_board(
    new_page: NewPage, tmp_path: Path
) -> None:
    facilitator = make_facilitator()
    universe.make_project(facilitator, title=PROJECT)
    deadline = timezone.localdate() + timedelta(days=365)
    fay = new_page()
    sign_in(fay, facilitator.email)
    click(fay, PROJECT)
    expect(fay.get_by_role("heading", level=1)).to_have_text(PROJECT)

    # 1. The aim: how much, by when, for whom.
    click(fay, "Aim, change ideas and PDSA cycles")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Model for Improvement")
    click(fay, "State an aim")
    fay.get_by_label("Reduce").check()
    fay.get_by_label("What will improve").fill("days from referral to first appointment")
    fay.get_by_label("Baseline: where it is now").fill("42")
    fay.get_by_label("Target: how much").fill("28")
    fay.get_by_label("Unit").fill("days")
    fay.get_by_label("By when").fill(deadline.isoformat())
    fay.get_by_label("For whom").fill("adults referred to the fracture clinic")
    click(fay, "Save aim", role="button")
    expect(
        fay.get_by_text("Reduce days from referral to first appointment from 42 to 28 days")
    ).to_be_visible()

    # 2. The outcome measure.
    click(fay, PROJECT)
    click(fay, "Measures and their data")
    click(fay, "Add a measure")
    fay.get_by_label("Title").fill(MEASURE)
    fay.get_by_label("Outcome").check()
    fay.get_by_label("Measurement (e.g. minutes, age, weight)").check()
    fay.get_by_label("Lower is better").check()
    fay.get_by_role("textbox", name="Unit (optional)").fill("days")
    fay.get_by_role("spinbutton", name="Target").fill("28")
    click(fay, "Add measure", role="button")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Data")
    expect(fay.get_by_text("I chart (individual values, XmR)")).to_be_visible()

    # 3. Twenty months of data from a CSV file: preview, column mapping, check, import.
    upload = tmp_path / "fracture-clinic.csv"
    upload.write_text(CSV, encoding="utf-8")
    click(fay, "Upload data from a file")
    fay.get_by_label("Upload a file").set_input_files(upload)
    click(fay, "Upload and preview", role="button")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Choose which column holds what")
    expect(fay.get_by_label("Period")).to_have_value("Month")
    fay.get_by_label("Value").select_option("Days to first appointment")
    click(fay, "Check the data", role="button")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Ready to import")
    click(fay, "Import data", role="button")
    expect(fay.get_by_text("Imported fracture-clinic.csv: 20 added, 0 updated.")).to_be_visible()

    # 4. A change idea, and its first PDSA cycle drawn on the measure.
    with navigation(fay):
        fay.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=PROJECT).click()
    click(fay, "Aim, change ideas and PDSA cycles")
    click(fay, "Add a change idea")
    fay.get_by_label("Title").fill(IDEA)
    click(fay, "Save change idea", role="button")
    expect(fay.get_by_role("heading", level=1)).to_have_text(IDEA)
    click(fay, "Plan the first cycle")
    fay.get_by_label("Start date").fill("2026-01-05")
    fay.get_by_label("Objective of this cycle").fill("Send a reminder text five days ahead")
    fay.get_by_label(MEASURE).check()
    fay.get_by_label("Fay Okafor (Facilitator)").check()
    first = fay.get_by_role("group", name="Prediction 1")
    first.get_by_label("Question").fill("Will the wait fall?")
    first.get_by_label("What we predict").fill("Below 35 days within a month")
    click(fay, "Save cycle", role="button")
    expect(fay.get_by_text("PDSA 1 saved.")).to_be_visible()

    # 5. The measure's page: the chart, the cycle drawn on it, and the reading.
    click(fay, PROJECT)
    click(fay, "Measures and their data")
    click(fay, MEASURE)
    expect(fay.get_by_role("heading", level=1)).to_have_text(MEASURE)
    chart = fay.locator("figure svg.coproduce-chart__svg")
    expect(chart).to_be_visible()
    expect(fay.locator("#chart-caption")).to_contain_text("Dotted lines mark the PDSA cycles")
    expect(fay.get_by_role("link", name=f"PDSA 1: {IDEA}")).to_be_visible()
    reading = fay.locator(".coproduce-reading")
    expect(reading).to_contain_text("Special cause improvement")
    expect(reading).to_contain_text("8 points below the mean since January 2026")
    expect(
        fay.get_by_role("img", name="Variation: special cause improvement, lower values").first
    ).to_be_visible()

    # 6. The board: the measure with its icons, latest value and target.
    click(fay, PROJECT)
    click(fay, "Board: every measure at a glance")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Board")
    board = fay.get_by_role("table", name=f"Measures of {PROJECT}")
    row = board.get_by_role("row", name=MEASURE)
    expect(row).to_contain_text("24 days")
    expect(
        row.get_by_role("img", name="Variation: special cause improvement, lower values")
    ).to_be_visible()
    expect(row.get_by_role("img", name=re.compile(r"^Assurance: the process will"))).to_be_visible()
    expect(row).to_contain_text("28")
