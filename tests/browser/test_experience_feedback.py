"""A facilitator imports an FFT file (Windows-1252, with a duplicate and an NHS number), checks
the preview, sees the list, reviews the held-back comment, and an observer sees only what was
shared. Every page is checked with axe."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coproduce.experience.synthetic import make_nhs_number
from coproduce.web.experience.models import Comment
from coproduce.web.projects.models import Role
from tests import universe

from .axe import check_accessibility, goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in

NHS = make_nhs_number(random.Random(61))  # noqa: S311 (synthetic, not a secret)
OBSERVER_EMAIL = "olu.observer@example.org"


@pytest.mark.browser
def test_import_preview_list_and_review(new_page: NewPage, tmp_path: Path) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Kinder discharge")
    observer = universe.make_user(OBSERVER_EMAIL, "Olu Observer")
    universe.join(project, observer, Role.OBSERVER, by=facilitator)
    path = tmp_path / "fft-january.csv"
    path.write_bytes(
        "\r\n".join(
            [
                "Date,Ward,FFT rating,Comment",
                "05/01/2026,Ward 7,Very good,The café volunteers were lovely",
                f"06/01/2026,Ward 7,Poor,They read my NHS number {NHS} out loud in the bay",
                "07/01/2026,Ward 9,Good,Discharge letter arrived the same day",
                "05/01/2026,Ward 7,Very good,The café volunteers were lovely",
            ]
        ).encode("cp1252")
    )
    base = f"/projects/{project.pk}/experience/"

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, base)
    expect(fay.get_by_text("No feedback yet.")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("link", name="Import a feedback file").click()
    check_accessibility(fay)
    fay.get_by_label("Upload a feedback file").set_input_files(str(path))
    with navigation(fay):
        fay.get_by_role("button", name="Upload and preview").click()
    check_accessibility(fay)
    expect(fay.get_by_role("heading", level=1)).to_have_text("Choose which column holds what")
    expect(fay.get_by_text("read as windows-1252 text")).to_be_visible()
    expect(fay.get_by_role("cell", name="The café volunteers were lovely").first).to_be_visible()
    expect(fay.get_by_text(NHS)).to_have_count(0)  # hidden in the preview
    expect(fay.get_by_label("Comment", exact=True)).to_have_value("Comment")
    expect(fay.get_by_label("Rating (optional)", exact=True)).to_have_value("FFT rating")

    # Consent must be chosen explicitly.
    with navigation(fay):
        fay.get_by_role("button", name="Check the rows").click()
    check_accessibility(fay)
    expect(
        fay.get_by_role("link", name="Choose what the people who gave it agreed to")
    ).to_be_visible()
    fay.get_by_label("Redacted text shared; original kept for facilitators").check()
    with navigation(fay):
        fay.get_by_role("button", name="Check the rows").click()
    check_accessibility(fay)
    expect(fay.get_by_role("heading", level=1)).to_have_text("Ready to import")
    expect(fay.get_by_role("cell", name="The same as row 2")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("button", name="Import 3 comments").click()
    check_accessibility(fay)
    expect(fay.get_by_text("1 duplicate left out")).to_be_visible()
    expect(fay.get_by_role("link", name="Review redactions (1 to review)")).to_be_visible()
    assert Comment.objects.count() == 3

    # The review: hide a word that was missed, then share the comment.
    with navigation(fay):
        fay.get_by_role("link", name="Review redactions (1 to review)").click()
    check_accessibility(fay)
    with navigation(fay):
        fay.get_by_role("link", name="Review comment").click()
    check_accessibility(fay)
    expect(fay.get_by_role("cell", name=NHS)).to_be_visible()  # the original, kept by consent
    fay.get_by_label("Words to hide").fill("the bay")
    fay.get_by_label("What they are").select_option("NAME")
    with navigation(fay):
        fay.get_by_role("button", name="Hide these words").click()
    check_accessibility(fay)
    expect(fay.get_by_text("Hidden 1 time.")).to_be_visible()
    fay.get_by_label("Share it with the project: nothing identifies anyone now").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save the review").click()
    check_accessibility(fay)
    expect(fay.get_by_text("Nothing to review")).to_be_visible()
    shared = Comment.objects.get(text__contains="[NHS_NUMBER]")
    assert shared.text == "They read my NHS number [NHS_NUMBER] out loud in [NAME]"

    # The observer sees the shared, redacted comment, and nothing held back.
    olu = new_page()
    sign_in(olu, OBSERVER_EMAIL)
    goto(olu, base)
    expect(
        olu.get_by_role("link", name="They read my NHS number [NHS_NUMBER] out loud in [NAME]")
    ).to_be_visible()
    expect(olu.get_by_text("held back for review")).to_have_count(0)
    expect(olu.get_by_role("link", name="Import a feedback file")).to_have_count(0)
    with navigation(olu):
        olu.get_by_role("link", name="The café volunteers were lovely").click()
    check_accessibility(olu)
    expect(olu.get_by_role("heading", level=1)).to_have_text(
        f"Comment {Comment.objects.get(rating=1).pk}"
    )
