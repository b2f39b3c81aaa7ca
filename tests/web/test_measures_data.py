"""Measures and their data through the pages: list, form, grid, upload, download, permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coproduce.web.audit.models import AuditEvent
from coproduce.web.measures import actions, uploads
from coproduce.web.measures.models import DataPoint, Measure
from coproduce.web.projects.models import Project, Role
from tests.spc.xlsx import write_xlsx
from tests.universe import PASSWORD, join, make_project, make_user
from tests.web.test_measures_chart import use_data_dir

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploads (and any chart drawn) go to a temporary data directory, not the repository's."""
    use_data_dir(settings, tmp_path / "data")
    return tmp_path / "data"


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
    # The observer's list of points hides the 3 too, not only the summary.
    points = page.split("<h2>Data points</h2>")[1].split("</table>")[0]
    assert '<td class="nhsuk-table__cell">3</td>' not in points
    assert '<td class="nhsuk-table__cell">fewer than 5</td>' in points
    assert '<td class="nhsuk-table__cell">12</td>' in points
    assert "No data yet." not in points
    # The patient partner who enters the data sees what was entered.
    editor = signed_in("pat@example.org").get(url("data", project, measure)).content.decode()
    assert 'name="value-1" type="text" value="3"' in editor


def test_small_stratum_counts_are_hidden_from_observers_everywhere(
    team: dict[str, object],
) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project)  # a proportion: values and denominators are counts
    DataPoint.objects.create(measure=measure, period=dt.date(2026, 1, 1), value=2, denominator=3)
    DataPoint.objects.create(
        measure=measure, period=dt.date(2026, 1, 1), stratum="Q1", value=2, denominator=30
    )
    DataPoint.objects.create(
        measure=measure, period=dt.date(2026, 1, 1), stratum="Q2", value=0, denominator=4
    )

    def download(email: str) -> list[list[str]]:
        response = signed_in(email).get(url("download", project, measure))
        return list(csv.reader(io.StringIO(response.content.decode())))[1:]

    assert download("obs@example.org") == [
        ["2026-01-01", "2", "3", "", ""],  # the measure as a whole is not a stratum
        ["2026-01-01", "<5", "30", "Q1", ""],
        ["2026-01-01", "0", "<5", "Q2", ""],
    ]
    assert download("pat@example.org")[1] == ["2026-01-01", "2", "30", "Q1", ""]

    from tests.web.test_measures_api import api_client

    obs = team["obs"]
    assert hasattr(obs, "email")
    listed = api_client(obs).get(f"/api/v1/projects/{project.pk}/measures/{measure.pk}/points")
    assert [(p["value"], p["denominator"], p["suppressed"]) for p in listed.json()] == [
        (2.0, 3.0, False),
        (None, 30.0, True),
        (0.0, None, True),
    ]
    pat = team["pat"]
    editor = api_client(pat).get(f"/api/v1/projects/{project.pk}/measures/{measure.pk}/points")
    assert [p["value"] for p in editor.json()] == [2.0, 2.0, 0.0]


def test_an_observer_sees_that_there_is_no_data_yet(team: dict[str, object]) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project)
    page = signed_in("obs@example.org").get(url("data", project, measure)).content.decode()
    assert "No data yet." in page
    assert "<input" not in page.split("<h2>Data points</h2>")[1]


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
    DataPoint.objects.create(measure=measure, period=dt.date(2026, 2, 1), value=2.5, denominator=10)
    response = signed_in("pat@example.org").get(url("download", project, measure))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["period", "value", "denominator", "stratum", "note"],
        ["2026-02-01", "2.5", "10", "", ""],
        ["2026-01-01", "4", "10", "Q1", "'=cmd()"],
    ]


def test_a_hundred_thousand_row_upload_imports(team: dict[str, object]) -> None:
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
    # Printed, not asserted: speed is never asserted in a test (make bench-mfi times it).
    print(f"BENCH measures upload 100000 rows: {elapsed:.2f} s")


# -- where uploads are kept, and how big they may be -----------------------------------------


def test_an_upload_is_staged_privately_in_the_data_directory_until_imported(
    team: dict[str, object], _data_dir: Path
) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project, title="Waits", data_type="measurement")
    client = signed_in("fac@example.org")
    upload(client, project, measure, "waits.csv", b"period,value\n2026-01-01,5\n2026-02-01,6\n")

    root = _data_dir / "uploads"
    staged = [p for p in root.rglob("*") if p.is_file()]
    assert [p.name for p in staged] == ["waits.csv"]
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert stat.S_IMODE(staged[0].parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(staged[0].stat().st_mode) == 0o600

    # A second upload replaces the first, which is deleted.
    upload(client, project, measure, "again.csv", b"period,value\n2026-01-01,5\n2026-02-01,6\n")
    assert [p.name for p in root.rglob("*") if p.is_file()] == ["again.csv"]

    response = client.post(
        url("upload_import", project, measure), {"period": "period"} | {"value": "value"}
    )
    assert response.status_code == 302
    assert DataPoint.objects.filter(measure=measure).count() == 2
    assert list(root.iterdir()) == []  # deleted once imported


def test_an_upload_older_than_a_day_is_gone(team: dict[str, object], _data_dir: Path) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project, title="Waits", data_type="measurement")
    client = signed_in("fac@example.org")
    upload(client, project, measure, "waits.csv", b"period,value\n2026-01-01,5\n")
    (folder,) = (_data_dir / "uploads").iterdir()
    day_and_a_minute_ago = time.time() - uploads.MAX_AGE_SECONDS - 60
    os.utime(folder, (day_and_a_minute_ago, day_and_a_minute_ago))

    response = client.get(url("upload_columns", project, measure))
    assert response.status_code == 302
    assert response["Location"] == url("upload", project, measure)
    assert not folder.exists()
    page = client.get(response["Location"]).content.decode()
    assert "it is kept for a day at most" in page

    # Old uploads of anyone are cleared when the next file arrives.
    stale = _data_dir / "uploads" / "someone-elses"
    stale.mkdir()
    (stale / "old.csv").write_text("period,value\n")
    os.utime(stale, (day_and_a_minute_ago, day_and_a_minute_ago))
    upload(client, project, measure, "new.csv", b"period,value\n2026-01-01,5\n")
    assert not stale.exists()


def test_a_file_over_the_size_limit_is_refused_with_its_size(
    team: dict[str, object], settings: Any, _data_dir: Path
) -> None:
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project, title="Waits", data_type="measurement")
    settings.MAX_UPLOAD_MB = 1
    client = signed_in("fac@example.org")
    page = client.get(url("upload", project, measure)).content.decode()
    assert "of up to 1 MB" in page

    big = b"period,value\n" + b"2026-01-01,5\n" * (3 * 1024 * 1024 // 13 + 1)
    response = client.post(
        url("upload", project, measure), {"file": SimpleUploadedFile("big.csv", big)}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "The file is 3 MB; the limit is 1 MB" in text
    assert not (_data_dir / "uploads").exists() or not any((_data_dir / "uploads").iterdir())

    just_over = b"x" * (1024 * 1024 + 60_000)
    response = client.post(
        url("upload", project, measure), {"file": SimpleUploadedFile("over.csv", just_over)}
    )
    assert "The file is 1.1 MB; the limit is 1 MB" in response.content.decode()


def test_upload_limits_come_from_the_environment(tmp_path: Path) -> None:
    def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
        code = (
            "from django.conf import settings as s; "
            "print(s.MAX_UPLOAD_MB, s.DATA_UPLOAD_MAX_MEMORY_SIZE, s.FILE_UPLOAD_MAX_MEMORY_SIZE, "
            "s.CACHES['charts']['LOCATION'])"
        )
        return subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("COPRODUCE_")},
                "DJANGO_SETTINGS_MODULE": "coproduce.web.settings",
                "COPRODUCE_DATA_DIR": str(tmp_path),
                **env,
            },
        )

    default = settings_with()
    assert default.returncode == 0, default.stderr
    mb, data_max, file_max, charts = default.stdout.split()
    assert (int(mb), int(data_max)) == (50, 50 * 1024 * 1024)
    assert int(file_max) <= int(data_max)
    assert charts == str(tmp_path / "cache" / "charts")
    assert settings_with(COPRODUCE_MAX_UPLOAD_MB="8").stdout.split()[:2] == ["8", "8388608"]
    for bad in ("lots", "0", "-3"):
        refused = settings_with(COPRODUCE_MAX_UPLOAD_MB=bad)
        assert refused.returncode != 0
        assert "COPRODUCE_MAX_UPLOAD_MB must be a whole number of megabytes" in refused.stderr


def test_a_grid_of_hundreds_of_rows_can_be_saved(team: dict[str, object]) -> None:
    """Django refuses a form of more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields (1,000 by
    default): the grid of a weekly measure of 4 years has about 1,200."""
    project = team["project"]
    assert isinstance(project, Project)
    measure = make_measure(project, title="Weekly waits", data_type="measurement")
    start = dt.date(2022, 1, 3)
    posted = {"rows": "400"}
    for n in range(1, 401):
        day = start + dt.timedelta(weeks=n - 1)
        posted |= {
            f"period-{n}": day.isoformat(),
            f"value-{n}": str(n % 17),
            f"stratum-{n}": "",
            f"note-{n}": "",
            f"denominator-{n}": "",
        }
    client = signed_in("pat@example.org")
    assert client.post(url("data", project, measure), posted).status_code == 302
    ids = DataPoint.objects.filter(measure=measure).order_by("period").values_list("pk", flat=True)
    assert len(ids) == 400
    posted |= {f"id-{n}": str(pk) for n, pk in enumerate(ids, start=1)}
    posted["value-400"] = "99"
    response = client.post(url("data", project, measure), posted)
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "Data saved: 0 added, 1 updated, 399 unchanged." in follow
