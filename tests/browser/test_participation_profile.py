"""A facilitator enters the population the service serves; the equity page compares the
participants' equality answers with it and names who is missing; the co-production profile
flags consultation called co-production."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.web.participation import actions_activities, actions_people, selectors_people
from coproduce.web.participation.actions_activities import AttendanceRow
from coproduce.web.participation.models import ConsentPurpose
from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in


def _sex_code(label: str) -> str:
    for key, _, options, _ in selectors_people.equality_questions():
        if key == "sex":
            return next(value for value, shown in options if shown == label)
    raise KeyError(label)


@pytest.mark.browser
def test_population_equity_and_the_profile(new_page: NewPage) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Clearer outpatient letters")
    since = timezone.localdate() - timedelta(days=90)
    female, male = _sex_code("Female"), _sex_code("Male")
    people = []
    # 15 women and 5 men answered the equality questions (recorded on their behalf).
    for i in range(20):
        person = actions_people.add_participant(
            project=project, name=f"Partner {i:02}", role="patient", by=facilitator
        )
        for purpose in (ConsentPurpose.TAKE_PART, ConsentPurpose.EQUALITY):
            actions_people.record_consent(
                participant=person, purpose=purpose, given_on=since, by=facilitator
            )
        actions_people.record_equality(
            participant=person, sex=female if i < 15 else male, by=facilitator
        )
        people.append(person)
    workshop = actions_activities.create_activity(
        project=project,
        title="Letters workshop",
        kind="co_design_group",
        labelled_as="Co-production workshop",
        date=timezone.localdate() - timedelta(days=7),
        hours=Decimal("2"),
        rung_planned=6,
        rung_achieved=4,
        phase="design",
        by=facilitator,
    )
    actions_activities.record_attendance(
        activity=workshop,
        rows=[AttendanceRow(person.pk, "2") for person in people[:3]],
        by=facilitator,
    )
    base = f"/projects/{project.pk}/participation"

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, f"{base}/equity/")
    expect(fay.get_by_role("heading", name="No population figures yet")).to_be_visible()
    with navigation(fay):
        fay.get_by_role("link", name="Enter the population the service serves").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("The population the service serves")
    with navigation(fay):
        fay.get_by_role("link", name="Enter figures for Sex").click()

    # Shares that do not add up to 1 are refused, with nothing saved.
    fay.get_by_label("Female", exact=True).fill("0.5")
    fay.get_by_label("Male", exact=True).fill("0.3")
    fay.get_by_label("Where the figures came from").fill("ONS Census 2021, Northtown")
    with navigation(fay):
        fay.get_by_role("button", name="Save the figures").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("not about 1")
    fay.get_by_label("Male", exact=True).fill("50%")
    with navigation(fay):
        fay.get_by_role("button", name="Save the figures").click()
    expect(fay.get_by_text("Population figures saved: Sex.")).to_be_visible()

    # A file with a group the ONS does not use: each problem by row, nothing saved.
    with navigation(fay):
        fay.get_by_role("link", name="Upload a CSV or Excel file").click()
    fay.get_by_label("Upload a file").set_input_files(
        files=[
            {
                "name": "population.csv",
                "mimeType": "text/csv",
                "buffer": b"dimension,group,count\nethnicity,White,0.8\nethnicity,Martian,0.2\n",
            }
        ]
    )
    fay.get_by_label("Where the figures came from").fill("ONS Census 2021, TS021")
    with navigation(fay):
        fay.get_by_role("button", name="Upload and import").click()
    expect(fay.locator(".nhsuk-error-summary")).to_contain_text("nothing has been saved")
    problem = fay.get_by_role("row").filter(has_text="Martian")
    expect(problem).to_contain_text("3")
    expect(problem).to_contain_text("“Martian” is not a group of Ethnic group")
    fay.get_by_label("Upload a file").set_input_files(
        files=[
            {
                "name": "population.csv",
                "mimeType": "text/csv",
                "buffer": b"dimension,group,count\nethnicity,White,0.8\n"
                b"ethnicity,Asian Asian British or Asian Welsh,0.1\n",
            }
        ]
    )
    with navigation(fay):
        fay.get_by_role("button", name="Upload and import").click()
    expect(fay.get_by_role("row").filter(has_text="Asian Asian British")).to_contain_text(
        "use one of"
    )
    fay.get_by_label("Upload a file").set_input_files(
        files=[
            {
                "name": "population.csv",
                "mimeType": "text/csv",
                "buffer": b"dimension,group,count\nethnicity,White,8000\n"
                b'ethnicity,"Asian, Asian British or Asian Welsh",2000\n',
            }
        ]
    )
    with navigation(fay):
        fay.get_by_role("button", name="Upload and import").click()
    expect(fay.get_by_text("Imported population.csv")).to_be_visible()
    with navigation(fay):
        fay.get_by_role(
            "link", name="Remove the figures for Ethnic group (ONS 2021, 5 groups)"
        ).click()
    with navigation(fay):
        fay.get_by_role("button", name="Remove the figures").click()
    expect(fay.get_by_text("Population figures removed")).to_be_visible()

    with navigation(fay):
        fay.get_by_role("link", name="See equity of involvement").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Equity of involvement")
    missing = fay.locator("#who-is-missing")
    expect(missing).to_contain_text("Men are under-represented")
    expect(missing).to_contain_text("ratio 0.50, 95% interval 0.22 to 0.94")
    male_row = fay.get_by_role("row").filter(
        has=fay.get_by_role("rowheader", name="Male", exact=True)
    )
    expect(male_row).to_contain_text("0.50 (0.22 to 0.94)")
    expect(male_row).to_contain_text("Under-represented")
    expect(fay.get_by_text("What a representation ratio is")).to_be_visible()

    with navigation(fay):
        fay.get_by_role("link", name="co-production profile").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Co-production profile")
    flag = fay.locator("#flag-consultation_labelled_coproduction")
    expect(flag).to_contain_text("Consultation called co-production")
    expect(flag).to_contain_text("reached only consultation or below")
    expect(flag).to_contain_text("Ocloo & Matthews 2016")
    with navigation(fay):
        flag.get_by_role("link", name="Letters workshop").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Letters workshop")
