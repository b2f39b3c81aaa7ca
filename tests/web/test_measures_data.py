"""Measures and their data through the pages: list, form, grid, upload, download, permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coproduce.web.audit.models import AuditEvent
from coproduce.web.measures import actions
from coproduce.web.measures.models import DataPoint, Measure
from coproduce.web.projects.models import Project, Role
from tests.spc.xlsx import write_xlsx
from tests.universe import PASSWORD, join, make_project, make_user

pytestmark = pytest.mark.django_db


def signed_in(email: str) -> Client:
    client = Client()
    assert client.login(username=email, password=PASSWORD)
    return client


def make_measure(project: Project, *, data_type: str = "proportion", **fields: object) -> Measure:
    facilitator = project.memberships.get(role=Role.FACILITATOR).user
    values: dict[str, object] = {
        "title": "Seen within 18 weeks",
        "kind": "outcome",
        "data_type": data_type,
        "direction": "increase",
    }
    values.update(fields)
    return actions.create_measure(project=project, by=facilitator, **values)


@pytest.fixture
def team() -> dict[str, object]:
    fac = make_user("fac@example.org")
    project = make_project(fac)
    pat = make_user("pat@example.org")
    obs = make_user("obs@example.org")
    join(project, pat, Role.PATIENT_PARTNER, by=fac)
    join(project, obs, Role.OBSERVER, by=fac)
    make_user("out@example.org")
    return {"project": project, "fac": fac, "pat": pat, "obs": obs}


def url(name: str, project: Project, measure: Measure | None = None) -> str:
    args = [project.pk] if measure is None else [project.pk, measure.pk]
    return reverse(f"measures:{name}", args=args)


def test_the_empty_list_invites_members_to_add_a_measure(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    page = signed_in("pat@example.org").get(url("list", project))
    assert page.status_code == 200
    assert "This project has no measures yet." in page.content.decode()
    assert "Add a measure" in page.content.decode()
    observer = signed_in("obs@example.org").get(url("list", project))
    assert "Add a measure" not in observer.content.decode()


def test_a_patient_partner_adds_a_measure_with_the_suggested_chart(
    team: dict[str, object],
) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    response = signed_in("pat@example.org").post(
        url("create", project),
        {
            "title": "Falls per 1,000 bed days",
            "kind": "outcome",
            "data_type": "rate",
            "chart": "",
            "direction": "decrease",
            "frequency": "monthly",
            "rules": "mdc",
            "multiply": "1000",
        },
    )
    measure = Measure.objects.get(project=project)
    assert response.status_code == 302
    assert response["Location"] == url("data", project, measure)
    assert measure.chart == "u"
    assert measure.multiply == 1000
    event = AuditEvent.objects.get(action="measure.created")
    assert "Falls" not in event.summary

    listing = signed_in("obs@example.org").get(url("list", project)).content.decode()
    assert "Falls per 1,000 bed days" in listing
    assert "U chart" in listing
    assert url("detail", project, measure) in listing


def test_the_form_explains_its_errors(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    make_measure(project)
    response = signed_in("fac@example.org").post(
        url("create", project),
        {
            "title": "seen within 18 WEEKS",
            "kind": "outcome",
            "data_type": "count",
            "direction": "increase",
            "frequency": "monthly",
            "rules": "mdc",
            "target": "lots",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Enter the target as a number" in text
    response = signed_in("fac@example.org").post(
        url("create", project),
        {
            "title": "seen within 18 WEEKS",
            "kind": "outcome",
            "data_type": "count",
            "direction": "increase",
            "frequency": "monthly",
            "rules": "mdc",
        },
    )
    assert "already has a measure with that title" in response.content.decode()


def test_observers_cannot_change_and_outsiders_cannot_see(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project)
    observer = signed_in("obs@example.org")
    for name in ("edit", "upload", "delete"):
        assert observer.get(url(name, project, measure)).status_code == 403
    assert observer.get(url("create", project)).status_code == 403
    assert observer.get(url("data", project, measure)).status_code == 200
    response = observer.post(
        url("data", project, measure), {"rows": "1", "period-1": "2026-01-01", "value-1": "1"}
    )
    assert response.status_code == 403
    outsider = signed_in("out@example.org")
    for name in ("data", "edit", "upload", "download", "delete", "detail"):
        assert outsider.get(url(name, project, measure)).status_code == 404
    assert outsider.get(url("list", project)).status_code == 404


def test_only_facilitators_delete_a_measure_after_confirming(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project)
    assert signed_in("pat@example.org").post(url("delete", project, measure)).status_code == 403
    fac = signed_in("fac@example.org")
    page = fac.get(url("delete", project, measure))
    assert "Delete measure" in page.content.decode()
    assert fac.post(url("delete", project, measure)).status_code == 302
    assert not Measure.objects.filter(pk=measure.pk).exists()
    assert AuditEvent.objects.filter(action="measure.deleted").exists()


def test_the_grid_adds_edits_and_deletes_points(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project)
    client = signed_in("pat@example.org")
    response = client.post(
        url("data", project, measure),
        {
            "rows": "3",
            "period-1": "2026-01-01",
            "value-1": "4",
            "denominator-1": "10",
            "period-2": "01/02/2026",
            "value-2": "5",
            "denominator-2": "10",
            "note-2": "New form",
            "period-3": "",
            "value-3": "",
        },
    )
    assert response.status_code == 302
    points = list(DataPoint.objects.filter(measure=measure).order_by("period"))
    assert [(p.period, p.value, p.denominator) for p in points] == [
        (dt.date(2026, 1, 1), 4, 10),
        (dt.date(2026, 2, 1), 5, 10),
    ]
    page = client.get(url("data", project, measure)).content.decode()
    assert 'value="2026-02-01"' in page and 'value="New form"' in page

    # Change the first, delete the second, add a third.
    response = client.post(
        url("data", project, measure),
        {
            "rows": "3",
            "id-1": str(points[0].pk),
            "period-1": "2026-01-01",
            "value-1": "6",
            "denominator-1": "10",
            "id-2": str(points[1].pk),
            "period-2": "2026-02-01",
            "value-2": "5",
            "denominator-2": "10",
            "delete-2": "1",
            "period-3": "Mar 2026",
            "value-3": "7",
            "denominator-3": "9",
        },
    )
    assert response.status_code == 302
    stored = {p.period: p.value for p in DataPoint.objects.filter(measure=measure)}
    assert stored == {dt.date(2026, 1, 1): 6, dt.date(2026, 3, 1): 7}
    event = AuditEvent.objects.filter(action="measure.data_saved").latest("pk")
    assert event.data == {
        "source": "data entry",
        "added": 1,
        "updated": 1,
        "deleted": 1,
        "unchanged": 0,
    }
    assert "New form" not in event.summary


def test_the_grid_shows_every_bad_row_and_saves_nothing(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project)
    response = signed_in("pat@example.org").post(
        url("data", project, measure),
        {
            "rows": "4",
            "period-1": "2026-01-01",
            "value-1": "12",
            "denominator-1": "10",
            "period-2": "next week",
            "value-2": "1",
            "denominator-2": "10",
            "period-3": "2026-03-01",
            "value-3": "lots",
            "denominator-3": "0",
            "period-4": "01/01/2026",
            "value-4": "1",
            "denominator-4": "10",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "Row 1, value: the value 12 is more than the denominator 10" in text
    assert 'href="#period-2"' in text and "is not a date" in text
    assert "Row 3, value: “lots” is not a number" in text
    assert "Row 3, denominator: the denominator must be more than 0" in text
    assert "Row 4, period: period 2026-01-01 appears more than once (first on row 1)" in text
    assert 'value="next week"' in text
    assert "<title>Error:" in text
    assert not DataPoint.objects.filter(measure=measure).exists()


def test_strata_counts_under_five_are_suppressed(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project, title="Falls", data_type="count")
    for stratum, value in (("Quintile 1", 3.0), ("Quintile 2", 12.0)):
        DataPoint.objects.create(
            measure=measure, period=dt.date(2026, 1, 1), stratum=stratum, value=value
        )
    page = signed_in("obs@example.org").get(url("data", project, measure)).content.decode()
    summary = page.split("<h2>Strata</h2>")[1].split("</table>")[0]
    assert "fewer than 5" in summary
    assert ">12<" in summary


def upload(client: Client, project: Project, measure: Measure, name: str, content: bytes) -> None:
    response = client.post(
        url("upload", project, measure), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == url("upload_columns", project, measure)


def test_upload_preview_mapping_check_and_import(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project)
    DataPoint.objects.create(measure=measure, period=dt.date(2026, 1, 1), value=1, denominator=10)
    client = signed_in("pat@example.org")
    upload(
        client,
        project,
        measure,
        "waits.csv",
        b"Month,Seen,Total referrals\nJan 2026,5,10\n01/02/2026,6,10\n2026-03-01,7,10\n",
    )
    page = client.get(url("upload_columns", project, measure)).content.decode()
    assert "The first rows of waits.csv" in page
    assert '<option value="Month" selected>' in page
    assert '<option value="Total referrals" selected>' in page

    mapping = {"period": "Month", "value": "Seen", "denominator": "Total referrals"}
    check = client.post(url("upload_columns", project, measure), mapping).content.decode()
    assert "Ready to import" in check
    assert DataPoint.objects.filter(measure=measure).count() == 1

    response = client.post(url("upload_import", project, measure), mapping)
    assert response.status_code == 302
    stored = {p.period: p.value for p in DataPoint.objects.filter(measure=measure)}
    assert stored == {dt.date(2026, m, 1): 4.0 + m for m in (1, 2, 3)}
    event = AuditEvent.objects.filter(action="measure.data_saved").get()
    assert event.data["added"] == 2 and event.data["updated"] == 1
    follow = client.get(response["Location"]).content.decode()
    assert "2 added, 1 updated" in follow

    # Uploading the same file again changes nothing and adds no duplicates.
    upload(
        client,
        project,
        measure,
        "waits.csv",
        b"Month,Seen,Total referrals\nJan 2026,5,10\n",
    )
    client.post(url("upload_import", project, measure), mapping)
    assert DataPoint.objects.filter(measure=measure).count() == 3


def test_a_bad_upload_lists_every_row_and_imports_nothing(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project)
    client = signed_in("fac@example.org")
    upload(
        client,
        project,
        measure,
        "bad.csv",
        b"period,value,denominator\n2026-01-01,5,10\n2026-01-01,6,10\n2026-03-01,11,10\n"
        b"whenever,1,1\n",
    )
    mapping = {"period": "period", "value": "value", "denominator": "denominator"}
    report = client.post(url("upload_columns", project, measure), mapping).content.decode()
    assert "3 rows of bad.csv cannot be imported" in report
    assert "period 2026-01-01 appears more than once (first on row 2)" in report
    assert "the value 11 is more than the denominator 10" in report
    assert "“whenever” is not a date" in report
    response = client.post(url("upload_import", project, measure), mapping)
    assert response.status_code == 200
    assert not DataPoint.objects.filter(measure=measure).exists()
    assert not AuditEvent.objects.filter(action="measure.data_saved").exists()


def test_excel_files_are_read(team: dict[str, object], tmp_path: Path) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project, title="Waits", data_type="measurement")
    path = write_xlsx(
        tmp_path / "waits.xlsx",
        [["Date", "Days"], [dt.date(2026, 1, 1), 30], [dt.date(2026, 2, 1), 25]],
    )
    client = signed_in("fac@example.org")
    upload(client, project, measure, "waits.xlsx", path.read_bytes())
    client.post(url("upload_import", project, measure), {"period": "Date", "value": "Days"})
    assert sorted(DataPoint.objects.values_list("period", "value")) == [
        (dt.date(2026, 1, 1), 30.0),
        (dt.date(2026, 2, 1), 25.0),
    ]


def test_an_unreadable_or_wrong_file_is_refused(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project)
    client = signed_in("fac@example.org")
    response = client.post(
        url("upload", project, measure), {"file": SimpleUploadedFile("notes.txt", b"hello")}
    )
    assert "must be a CSV, Excel (.xlsx) or ODS file" in response.content.decode()
    response = client.post(
        url("upload", project, measure), {"file": SimpleUploadedFile("x.xlsx", b"not excel")}
    )
    assert "The file could not be read" in response.content.decode()
    assert client.get(url("upload_columns", project, measure)).status_code == 302


def test_download_is_csv_with_iso_periods(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project)
    DataPoint.objects.create(
        measure=measure,
        period=dt.date(2026, 1, 1),
        value=4,
        denominator=10,
        stratum="Q1",
        note="=cmd()",
    )
    response = signed_in("obs@example.org").get(url("download", project, measure))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["period", "value", "denominator", "stratum", "note"],
        ["2026-01-01", "4", "10", "Q1", "'=cmd()"],
    ]


def test_a_hundred_thousand_row_upload_imports_in_seconds(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project, title="Daily", data_type="measurement")
    start = dt.date(1800, 1, 1)
    lines = ["date,value"] + [
        f"{(start + dt.timedelta(days=i)).strftime('%d/%m/%Y')},{i % 97}" for i in range(100_000)
    ]
    client = signed_in("fac@example.org")
    upload(client, project, measure, "big.csv", "\n".join(lines).encode())
    began = time.perf_counter()
    response = client.post(
        url("upload_import", project, measure), {"period": "date", "value": "value"}
    )
    elapsed = time.perf_counter() - began
    assert response.status_code == 302
    assert DataPoint.objects.filter(measure=measure).count() == 100_000
    print(f"BENCH measures upload 100000 rows: {elapsed:.2f} s")
    assert elapsed < 10
