"""A facilitator finds themes in the project's comments (in the background), renames one and
merges two; every page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coproduce.web.jobs import actions as jobs
from coproduce.web.jobs.models import Job, JobStatus
from coproduce.web.themes.models import Theme
from tests import universe
from tests.web.test_themes import TOPICS, add_comment, corpus

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in


@pytest.mark.browser
def test_a_facilitator_finds_renames_and_merges_themes(new_page: NewPage) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Outpatients feedback")
    for _, text in corpus():
        add_comment(project, text, sentiment=3)

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, f"/projects/{project.pk}/themes/")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Themes")
    expect(fay.get_by_text("No themes have been found yet.")).to_be_visible()

    # Finding themes runs in the background: the page shows the job waiting.
    with navigation(fay):
        fay.get_by_role("link", name="Find themes").click()
    fay.get_by_label("Number of themes").fill("1")
    with navigation(fay):
        fay.get_by_role("button", name="Find themes").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("greater than or equal to 2")
    fay.get_by_label("Number of themes").fill(str(len(TOPICS)))
    with navigation(fay):
        fay.get_by_role("button", name="Find themes").click()
    expect(fay.get_by_text("Finding themes in 48 comments:")).to_be_visible()
    job = Job.objects.get(project=project, kind="themes")
    jobs.execute(job_id=job.pk)  # what the worker does
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED
    goto(fay, f"/projects/{project.pk}/themes/")
    expect(fay.locator("section.nhsuk-card")).to_have_count(len(TOPICS))
    assert Theme.objects.filter(project=project).count() == len(TOPICS)

    # Rename the theme about parking.
    parking = next(t for t in Theme.objects.filter(project=project) if "park" in t.label)
    with navigation(fay):
        fay.get_by_role("link", name=parking.label).click()
    expect(fay.get_by_role("heading", level=1)).to_have_text(parking.label)
    with navigation(fay):
        fay.get_by_role("link", name="Rename the theme").click()
    fay.get_by_label("Name").fill("")
    with navigation(fay):
        fay.get_by_role("button", name="Save").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("Enter a name for the theme")
    fay.get_by_label("Name").fill("Car parking")
    fay.get_by_label("Description").fill("Finding a space and paying for it")
    with navigation(fay):
        fay.get_by_role("button", name="Save").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Car parking")
    expect(fay.get_by_text("Theme renamed.")).to_be_visible()

    # Merge it with the theme about food, after a confirmation.
    food = next(t for t in Theme.objects.filter(project=project) if "food" in t.label)
    goto(fay, f"/projects/{project.pk}/themes/")
    with navigation(fay):
        fay.get_by_role("link", name="Merge themes").click()
    fay.get_by_label("Car parking").check()
    with navigation(fay):
        fay.get_by_role("button", name="Continue").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("Choose at least two themes")
    fay.get_by_label("Car parking").check()
    fay.get_by_label(food.label).check()
    fay.get_by_label("Name of the merged theme").fill("Hotel services")
    with navigation(fay):
        fay.get_by_role("button", name="Continue").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Merge 2 themes?")
    assert Theme.objects.filter(project=project).count() == len(TOPICS)
    with navigation(fay):
        fay.get_by_role("button", name="Merge the themes").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Hotel services")
    expect(fay.get_by_text("24 comments", exact=False).first).to_be_visible()
    assert Theme.objects.filter(project=project).count() == len(TOPICS) - 1

    # The labels pages, before anything is classified or labelled.
    goto(fay, f"/projects/{project.pk}/themes/labels/")
    expect(fay.get_by_text("The comments have not been classified yet.")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("link", name="The project’s own labels").click()
    fay.get_by_label("New label").fill("Parking")
    with navigation(fay):
        fay.get_by_role("button", name="Add the label").click()
    expect(fay.get_by_text("Label at least 10 comments first")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("link", name="Label comment").first.click()
    fay.get_by_label("Parking").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save the labels").click()
    expect(fay.get_by_text("1 comment labelled.")).to_be_visible()
