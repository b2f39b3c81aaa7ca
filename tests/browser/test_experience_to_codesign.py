"""Issue 6's whole path in one browser session: a facilitator imports an FFT file, finds its
themes in the background, maps the clinic's journey with emotions, a theme and agency, then runs
the EBCD events where patients and staff vote on priorities separately and then together at
the joint event. Every page is checked with axe-core (``goto`` and ``navigation`` do it)."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.web.demo_experience_comments import demo_comments
from coproduce.web.ebcd.models import EBCDProject, Priority
from coproduce.web.experience.models import Comment
from coproduce.web.jobs import actions as jobs
from coproduce.web.jobs.models import Job, JobStatus
from coproduce.web.journeys.models import EmotionRecord, Stage, TouchpointTheme
from coproduce.web.themes.models import Theme
from tests import universe

from .axe import goto, navigation
from .conftest import NewPage
from .people import FACILITATOR_EMAIL, make_facilitator, sign_in
from .test_ebcd_voting import propose, record_event, vote


def fft_file(path: Path) -> Path:
    """81 made-up FFT comments about a fracture clinic, in Windows-1252 as Excel saves."""
    rows = demo_comments(start=datetime.date(2026, 1, 5), months=6, n=80)[:80]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Date", "Service", "Rating", "Comment"])
    for c in rows:
        writer.writerow([c.date.strftime("%d/%m/%Y"), c.service, c.rating, c.text])
    writer.writerow(["03/02/2026", "Fracture clinic", "4", "Parking cost £9, the café was shut."])
    path.write_bytes(out.getvalue().encode("cp1252"))
    return path


@pytest.mark.browser
def test_import_themes_journey_and_joint_event_priorities(
    new_page: NewPage, tmp_path: Path
) -> None:
    facilitator = make_facilitator()
    project = universe.make_project(facilitator, title="Fracture clinic experience")
    fay = new_page()
    sign_in(fay, FACILITATOR_EMAIL)

    # 1. Import: upload, preview, consent, check, import.
    goto(fay, f"/projects/{project.pk}/")
    with navigation(fay):
        fay.get_by_role("link", name="Feedback and stories").click()
    with navigation(fay):
        fay.get_by_role("link", name="Import a feedback file").click()
    fay.get_by_label("Upload a feedback file").set_input_files(str(fft_file(tmp_path / "f.csv")))
    with navigation(fay):
        fay.get_by_role("button", name="Upload and preview").click()
    expect(fay.get_by_text("read as windows-1252 text")).to_be_visible()
    fay.get_by_label("Redacted text may be shared with the project").check()
    with navigation(fay):
        fay.get_by_role("button", name="Check the rows").click()
    expect(fay.get_by_role("heading", level=1)).to_have_text("Ready to import")
    with navigation(fay):
        fay.get_by_role("button", name="Import 81 comments").click()
    assert Comment.objects.filter(project=project).count() == 81

    # 2. Themes, found in the background; the worker's step is run here.
    goto(fay, f"/projects/{project.pk}/")
    with navigation(fay):
        fay.get_by_role("link", name="Themes").click()
    with navigation(fay):
        fay.get_by_role("link", name="Find themes").click()
    fay.get_by_label("Number of themes").fill("5")
    with navigation(fay):
        fay.get_by_role("button", name="Find themes").click()
    job = Job.objects.get(project=project, kind="themes")
    jobs.execute(job_id=job.pk)
    assert Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED
    goto(fay, f"/projects/{project.pk}/themes/")
    expect(fay.locator("section.nhsuk-card")).to_have_count(5)
    waits = next(t for t in Theme.objects.filter(project=project) if "wait" in " ".join(t.terms))

    # 3. The journey: a stage, a touchpoint, two emotions, the theme, agency; then the map.
    goto(fay, f"/projects/{project.pk}/journeys/")
    with navigation(fay):
        fay.get_by_role("link", name="Start a journey").click()
    fay.get_by_label("Title").fill("Fracture clinic visit")
    with navigation(fay):
        fay.get_by_role("button", name="Save journey").click()
    with navigation(fay):
        fay.get_by_role("link", name="Add a stage").click()
    fay.get_by_label("Name of the stage").fill("Waiting")
    with navigation(fay):
        fay.get_by_role("button", name="Save stage").click()
    with navigation(fay):
        fay.get_by_role("link", name="Add a touchpoint to Waiting").click()
    fay.get_by_label("Name of the touchpoint").fill("Waiting room")
    with navigation(fay):
        fay.get_by_role("button", name="Save touchpoint").click()
    with navigation(fay):
        fay.get_by_role("link", name="Waiting room", exact=True).click()
    for words in ("anxious, forgotten", "in pain"):
        with navigation(fay):
            fay.get_by_role("link", name="Record an emotion").click()
        fay.get_by_label("−2 Very negative").check()
        fay.get_by_label("5 Very strong", exact=True).check()
        fay.get_by_label("Emotion words").fill(words)
        with navigation(fay):
            fay.get_by_role("button", name="Save emotion").click()
    expect(fay.get_by_text("Hotspot", exact=True)).to_be_visible()
    fay.get_by_label("Theme").select_option(value=str(waits.pk))
    with navigation(fay):
        fay.get_by_role("button", name="Map theme").click()
    assert TouchpointTheme.objects.filter(theme=waits).count() == 1
    assert EmotionRecord.objects.filter(touchpoint__name="Waiting room").count() == 2
    goto(fay, f"/projects/{project.pk}/journeys/")
    with navigation(fay):
        fay.get_by_role("link", name="Fracture clinic visit", exact=True).click()
    with navigation(fay):
        fay.get_by_role("link", name="Set agency and nature of Waiting").click()
    fay.get_by_label("Patient agency").fill("0.1")
    fay.get_by_label("Professional agency").fill("0.6")
    fay.get_by_label("Product-like").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save agency and nature").click()
    stage = Stage.objects.get(journey__project=project, name="Waiting")
    assert (stage.patient_agency, stage.professional_agency) == (0.1, 0.6)
    with navigation(fay):
        fay.get_by_role("link", name="Journey map: emotion and agency along the pathway").click()
    expect(fay.locator("figure svg")).to_be_visible()
    expect(fay.get_by_text("Patients feel worst at “Waiting room” (Waiting)")).to_be_visible()

    # 4. EBCD on that journey: priorities from the staff and patient events, voted
    #    separately, then together at the joint event.
    base = f"/projects/{project.pk}/ebcd"
    goto(fay, f"{base}/")
    with navigation(fay):
        fay.get_by_role("link", name="Set up EBCD").click()
    fay.get_by_label("Standard EBCD (local filmed interviews)").check()
    with navigation(fay):
        fay.get_by_role("button", name="Save set-up").click()
    assert EBCDProject.objects.get(project=project)
    day = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    record_event(fay, base, "staff", "Staff feedback event", day)
    propose(fay, "Tell people how long the wait is")
    record_event(fay, base, "patient", "Patient feedback event", day)
    propose(fay, "Pain relief while waiting")
    vote(
        fay,
        "Record the votes of patients and carers",
        {"Pain relief while waiting": "9", "Tell people how long the wait is": "4"},
    )
    goto(fay, f"{base}/events/staff/")
    vote(
        fay,
        "Record the votes of staff",
        {"Pain relief while waiting": "2", "Tell people how long the wait is": "8"},
    )
    record_event(
        fay, base, "joint", "Joint patient and staff event", timezone.localdate().isoformat()
    )
    vote(
        fay,
        "Record the votes of patients and carers",
        {"Pain relief while waiting": "7", "Tell people how long the wait is": "5"},
    )
    vote(
        fay,
        "Record the votes of staff",
        {"Pain relief while waiting": "6", "Tell people how long the wait is": "4"},
    )
    with navigation(fay):
        fay.get_by_role("link", name="See the results: separate and joint rankings").click()
    patients = fay.get_by_role("table", name="Patients and carers at the patient event")
    expect(patients.get_by_role("row").nth(1)).to_contain_text("Pain relief while waiting")
    staff = fay.get_by_role("table", name="Staff at the staff event")
    expect(staff.get_by_role("row").nth(1)).to_contain_text("Tell people how long the wait is")
    joint = fay.get_by_role("table", name="Joint ranking: patients and staff together")
    expect(joint.get_by_role("row").nth(1)).to_contain_text("Pain relief while waiting")
    expect(joint.get_by_role("row").nth(1)).to_contain_text("13")
    assert Priority.objects.filter(ebcd__project=project).count() == 2
