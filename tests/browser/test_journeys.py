"""A facilitator maps a journey: stages, touchpoints, emotions, a theme, agency and nature,
then reads the journey map. Every page is checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coproduce.web.experience.models import Comment
from coproduce.web.journeys.models import EmotionRecord
from coproduce.web.themes.models import CommentTheme, Theme
from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in

SAID = "I waited three weeks and nobody rang me on 07700 900123"


@pytest.mark.browser
def test_journey_with_emotions_and_agency_reaches_the_map(new_page: NewPage) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Faster cancer diagnosis")
    theme = Theme.objects.create(project=project, label="Waiting for news")
    for i in range(3):
        comment = Comment.objects.create(
            project=project, source="fft", text=f"waited {i}", fingerprint=f"f{i}", sentiment=5
        )
        CommentTheme.objects.create(comment=comment, theme=theme)

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, f"/projects/{project.pk}/journeys/")
    expect(fay.get_by_text("No journeys have been mapped yet")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("link", name="Start a journey").click()
    fay.get_by_label("Title").fill("Suspected cancer pathway")
    with navigation(fay):
        fay.get_by_role("button", name="Save journey").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Suspected cancer pathway")
    expect(fay.get_by_text("This journey has no stages yet")).to_be_visible()

    for stage in ("Referral", "Diagnosis"):
        with navigation(fay):
            fay.get_by_role("link", name="Add a stage").click()
        fay.get_by_label("Name of the stage").fill(stage)
        with navigation(fay):
            fay.get_by_role("button", name="Save stage").click()

    for stage, touchpoint in (("Referral", "GP letter"), ("Diagnosis", "Waiting for results")):
        with navigation(fay):
            fay.get_by_role("link", name=f"Add a touchpoint to {stage}").click()
        fay.get_by_label("Name of the touchpoint").fill(touchpoint)
        with navigation(fay):
            fay.get_by_role("button", name="Save touchpoint").click()
    expect(fay.get_by_role("link", name="Waiting for results", exact=True)).to_be_visible()

    # Emotions at "Waiting for results": a bad value first, refused with a clear message.
    with navigation(fay):
        fay.get_by_role("link", name="Waiting for results", exact=True).click()
    expect(fay.get_by_text("No emotions have been recorded here yet")).to_be_visible()
    for intensity in ("5", "4"):
        with navigation(fay):
            fay.get_by_role("link", name="Record an emotion").click()
        if intensity == "5":
            with navigation(fay):
                fay.get_by_role("button", name="Save emotion").click()
            expect(fay.locator(".nhsuk-error-summary")).to_contain_text("Choose how it felt")
        fay.get_by_label("−2 Very negative").check()
        fay.get_by_label(
            f"{intensity} Very strong" if intensity == "5" else intensity, exact=True
        ).check()
        fay.get_by_label("Emotion words").fill("anxious, forgotten")
        fay.get_by_label("What they said").fill(SAID)
        with navigation(fay):
            fay.get_by_role("button", name="Save emotion").click()
    expect(fay.get_by_text("Hotspot", exact=True)).to_be_visible()
    expect(fay.get_by_text("07700")).to_have_count(0)
    assert EmotionRecord.objects.count() == 2

    # Map a theme from the project's comments.
    fay.get_by_label("Theme").select_option(
        label="Waiting for news (3 comments, mean feeling negative, −2.0)"
    )
    with navigation(fay):
        fay.get_by_role("button", name="Map theme").click()
    expect(fay.get_by_text("Waiting for news (3 comments")).to_be_visible()

    # Agency and nature of Diagnosis: out of range first.
    goto(fay, f"/projects/{project.pk}/journeys/")
    with navigation(fay):
        fay.get_by_role("link", name="Suspected cancer pathway", exact=True).click()
    with navigation(fay):
        fay.get_by_role("link", name="Set agency and nature of Diagnosis").click()
    fay.get_by_label("Patient agency").fill("1.4")
    fay.get_by_label("Professional agency").fill("0.9")
    fay.get_by_label("Service-like").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save agency and nature").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("Agency must be from 0")
    fay.get_by_label("Patient agency").fill("0.2")
    with navigation(fay):
        fay.get_by_role("button", name="Save agency and nature").click()
    with navigation(fay):
        fay.get_by_role("link", name="Set agency and nature of Referral").click()
    fay.get_by_label("Patient agency").fill("0.8")
    fay.get_by_label("Professional agency").fill("0.3")
    fay.get_by_label("Product-like").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save agency and nature").click()

    with navigation(fay):
        fay.get_by_role("link", name="Journey map: emotion and agency along the pathway").click()
    expect(fay.locator("figure svg")).to_be_visible()
    expect(
        fay.get_by_text("Patients feel worst at “Waiting for results” (Diagnosis)")
    ).to_be_visible()
    expect(fay.get_by_text("agency shifts to professionals at Diagnosis")).to_be_visible()
    expect(fay.locator("#emotion-table")).to_contain_text("Yes, by the rule")
    expect(fay.locator("#agency-table")).to_contain_text("Value stream map")
