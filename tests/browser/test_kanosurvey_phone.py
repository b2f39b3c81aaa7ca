"""On a 360 x 740 phone with JavaScript off, a patient without an account answers a Kano
survey (first half an answer, then both questions), then changes an answer and answers an
optional equality question (age); the facilitator
then reads the results: the Better–Worse diagram, small groups shown as "<5". Every page
passes axe."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from coproduce.web.kanosurvey import actions
from coproduce.web.kanosurvey.models import KanoAnswerRecord, KanoEqualityAnswer
from coproduce.web.takepart.cookies import cookie_name, hash_key
from coproduce.web.takepart.models import JoinedVia, Voter
from tests import universe

from .axe import goto
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in
from .phone import Phone


@pytest.mark.browser
def test_phone_voter_answers_a_kano_survey_then_the_facilitator_reads_the_results(
    browser: Browser, live_server: LiveServer, new_page: NewPage
) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Kinder outpatient waits")
    survey = actions.create_survey(
        project=project, title="Your clinic visit", equality_questions=["age_band"], by=facilitator
    )
    reminder = actions.add_attribute(
        survey=survey, label="a text reminder the day before", by=facilitator
    )
    nurse = actions.add_attribute(survey=survey, label="a named nurse to call", by=facilitator)
    actions.set_status(survey=survey, status="open", by=facilitator)
    for f, d in [(3, 5), (3, 5), (2, 5), (1, 5), (3, 5)]:  # five staff: mostly must-be
        staff = Voter.objects.create(
            project=project,
            constituency="staff",
            joined_via=JoinedVia.CODE,
            key_hash=hash_key(secrets.token_urlsafe(32)),
        )
        actions.submit_answers(
            survey=survey,
            voter=staff,
            answers={reminder.pk: actions.Answer(f, d), nurse.pk: actions.Answer(1, 3)},
        )
    raw = secrets.token_urlsafe(32)
    Voter.objects.create(
        project=project, constituency="patient", joined_via=JoinedVia.CODE, key_hash=hash_key(raw)
    )

    device = Phone(browser, live_server, cookies=[{"name": cookie_name(project.pk), "value": raw}])
    phone = device.page
    try:
        device.goto(f"/projects/{project.pk}/kano/{survey.pk}/answer/")
        expect(phone.get_by_role("heading", level=1)).to_have_text("Your clinic visit")
        had = phone.get_by_role(
            "group", name="How would you feel if the service had a text reminder the day before?"
        )
        had.get_by_label("I like it").check()
        box = had.get_by_label("I like it").bounding_box()
        assert box is not None and box["height"] >= 30 and box["x"] + box["width"] <= 360
        with device.navigation():
            phone.get_by_role("button", name="Send my answers").click()
        expect(phone.get_by_text("There is a problem")).to_be_visible()
        expect(phone.get_by_role("link", name="Answer this question too")).to_be_visible()

        phone.get_by_role(
            "group",
            name="How would you feel if the service did not have a text reminder the day before?",
        ).get_by_label("I dislike it").check()
        with device.navigation():
            phone.get_by_role("button", name="Send my answers").click()
        expect(phone.get_by_text("Thank you: your answers are saved")).to_be_visible()
        expect(phone.get_by_text("You have answered 1 of 2.")).to_be_visible()

        with device.navigation():
            phone.get_by_role("link", name="Change my answers").click()
        phone.get_by_role(
            "group", name="How would you feel if the service had a named nurse to call?"
        ).get_by_label("I expect it").check()
        phone.get_by_role(
            "group", name="How would you feel if the service did not have a named nurse to call?"
        ).get_by_label("I dislike it").check()
        phone.get_by_role("group", name="Which age group are you in?").get_by_label(
            "25 to 34"
        ).check()
        with device.navigation():
            phone.get_by_role("button", name="Send my answers").click()
        expect(phone.get_by_text("You have answered 2 of 2.")).to_be_visible()
        assert device.loads == device.checked, "every page the phone loads must pass axe"
    finally:
        device.close()
    assert KanoAnswerRecord.objects.filter(segment="patient").count() == 2
    assert list(KanoEqualityAnswer.objects.values_list("question", "answer")) == [
        ("age_band", "25 to 34")
    ]

    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)
    goto(fay, f"/projects/{project.pk}/kano/{survey.pk}/results/")
    expect(fay.get_by_role("heading", level=1)).to_have_text("Results")
    expect(fay.get_by_role("img", name="Better–Worse diagram: Your clinic visit")).to_be_visible()
    table = fay.get_by_role("table", name="A text reminder the day before: results by group")
    expect(table.get_by_role("row", name="People")).to_contain_text("<5")
    expect(table.get_by_role("row", name="Category")).to_contain_text("Must-be")
    by_age = fay.get_by_role("table", name="A text reminder the day before: results by age")
    expect(by_age.get_by_role("row", name="People")).to_contain_text("<5")
