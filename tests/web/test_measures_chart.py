"""The measure page (chart, reading, table, phases), exports, boards and the chart API."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from ninja.testing import TestClient

from coproduce.web.accounts.models import User
from coproduce.web.audit.models import AuditEvent
from coproduce.web.errors import ActionError, NotAllowed
from coproduce.web.measures import actions as measure_actions
from coproduce.web.measures import actions_chart
from coproduce.web.measures import selectors_chart as charts
from coproduce.web.measures.api_chart import router
from coproduce.web.measures.models import DataPoint, Measure, Phase
from coproduce.web.projects.models import Project, Role
from tests.universe import PASSWORD, join, make_organisation, make_project, make_user

pytestmark = pytest.mark.django_db

WAITS = [42, 41, 43, 40, 42, 44, 41, 42, 43, 42, 41, 40, 36, 35, 37, 36, 35, 36, 37, 35]


def months(k: int, start: tuple[int, int] = (2025, 1)) -> list[date]:
    year, month = start
    out = []
    for _ in range(k):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def make_measure(
    project: Project,
    *,
    title: str = "Days to first appointment",
    values: Sequence[float] | None = None,
    **fields: Any,
) -> Measure:
    """A measure and its points. Built with the ORM: its actions belong to the data side."""
    settings: dict[str, Any] = {
        "kind": "outcome",
        "unit": "days",
        "data_type": "measurement",
        "chart": "i",
        "rules": "mdc",
        "direction": "decrease",
        "target": 30.0,
    }
    settings.update(fields)
    measure = Measure.objects.create(project=project, title=title, **settings)
    chosen = WAITS if values is None else values
    DataPoint.objects.bulk_create(
        DataPoint(measure=measure, period=p, value=v)
        for p, v in zip(months(len(chosen)), chosen, strict=True)
    )
    return measure


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def use_data_dir(settings: Any, data_dir: Path) -> Path:
    """Point the data directory (uploads) and the chart disk cache at ``data_dir``, not the
    repository's ``data/``, and empty the chart memory cache. Returns the chart cache folder."""
    location = data_dir / "cache" / "charts"
    settings.DATA_DIR = data_dir
    settings.CACHES = {
        **settings.CACHES,
        charts.CHART_CACHE: {**settings.CACHES[charts.CHART_CACHE], "LOCATION": str(location)},
    }
    caches[charts.CHART_MEMORY_CACHE].clear()
    return location


@pytest.fixture(autouse=True)
def chart_cache_dir(settings: Any, tmp_path: Path) -> Path:
    """Empty chart caches: the disk one in a temporary folder, the memory one cleared."""
    return use_data_dir(settings, tmp_path / "data")


@pytest.fixture
def team() -> dict[str, Any]:
    fac = make_user("fac@example.org")
    staff = make_user("staff@example.org")
    outsider = make_user("out@example.org")
    project = make_project(fac)
    join(project, staff, Role.STAFF, by=fac)
    return {"fac": fac, "staff": staff, "outsider": outsider, "project": project}


def chart_of(html: str) -> str:
    """The chart's SVG in a measure page."""
    start = html.index('<figure class="coproduce-chart"')
    return html[start : html.index("</figure>", start)]


def detail_url(measure: Measure) -> str:
    return reverse("measures:detail", args=[measure.project_id, measure.pk])


# -- the measure page ----------------------------------------------------------------------


def test_the_measure_page_shows_the_chart_reading_icons_and_table(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"], definition="From referral to first appointment.")
    page = signed_in(team["staff"]).get(detail_url(measure))
    html = page.content.decode()

    assert page.status_code == 200
    assert "<h1>Days to first appointment</h1>" in html
    assert "From referral to first appointment." in html
    assert "8 points below the mean since January 2026." in html
    assert "The process will consistently miss the target of 30 days" in html
    assert "<svg" in html and 'class="coproduce-chart__svg"' in html
    assert "Variation: special cause improvement, lower values" in html
    assert "Days to first appointment: the chart&#x27;s values" in html
    assert '<th scope="row" class="nhsuk-table__header">2025-09-01</th>' in html
    for fmt in ("png", "svg", "csv"):
        assert reverse("measures:export", args=[measure.project_id, measure.pk, fmt]) in html
    assert "style=" not in html  # the content security policy forbids inline styles


def test_text_in_the_chart_is_escaped(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"], title="Waits <script>alert(1)</script>")
    html = signed_in(team["fac"]).get(detail_url(measure)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_a_measure_with_fewer_than_two_points_says_how_to_start(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"], values=[40])
    page = signed_in(team["staff"]).get(detail_url(measure))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" not in html.split("<main", 1)[1]
    assert "needs at least 2 values" in html
    assert reverse("measures:data", args=[measure.project_id, measure.pk]) in html


def test_a_proportion_without_denominators_explains_itself(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"], chart="p", data_type="proportion")
    html = signed_in(team["staff"]).get(detail_url(measure)).content.decode()
    assert "Some periods have no denominator" in html


def test_pdsa_cycles_are_drawn_at_their_dates_and_linked(
    team: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    measure = make_measure(team["project"])

    def fake(m: Measure) -> list[tuple[date, str, str]]:
        assert m == measure
        return [(date(2025, 9, 1), "PDSA 1: Text reminders", "/projects/1/improvement/cycles/7/")]

    monkeypatch.setattr(charts, "_cycle_annotations_function", lambda: fake)
    html = signed_in(team["staff"]).get(detail_url(measure)).content.decode()
    svg = chart_of(html)
    assert "PDSA 1: Text reminders" in svg
    assert 'href="/projects/1/improvement/cycles/7/"' in svg
    assert "vega.github.io" not in svg
    assert '<a href="/projects/1/improvement/cycles/7/">PDSA 1: Text reminders</a>' in html


def test_without_the_improvement_selector_there_are_no_annotations(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"])
    from coproduce.web.improvement import selectors as improvement_selectors

    real = getattr(improvement_selectors, "cycle_annotations", None)
    try:
        if real is not None:
            delattr(improvement_selectors, "cycle_annotations")
        assert charts.cycle_annotations(measure) == []
    finally:
        if real is not None:
            improvement_selectors.cycle_annotations = real


def test_outsiders_get_404_like_a_missing_measure(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"])
    client = signed_in(team["outsider"])
    args: list[Any] = [measure.project_id, measure.pk]
    phase = actions_chart.add_phase(
        measure=measure, starts=date(2026, 1, 1), reason="R", by=team["fac"]
    )
    for name, extra in [
        ("measures:detail", []),
        ("measures:export", ["csv"]),
        ("measures:export", ["png"]),
        ("measures:phase_add", []),
        ("measures:phase_delete", [phase.pk]),
        ("measures:board", None),
    ]:
        url = reverse(name, args=args[:1] if extra is None else args + extra)
        assert client.get(url).status_code == 404, name
        assert client.post(url).status_code == 404, name
    missing = reverse("measures:detail", args=[measure.project_id, measure.pk + 99])
    assert signed_in(team["staff"]).get(missing).status_code == 404


# -- the chart is cached --------------------------------------------------------------------


def test_the_svg_is_cached_until_anything_it_shows_changes(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"])
    first = charts.chart_for(measure)
    charts.chart_svg(first)
    assert "svg" in first.timings

    again = charts.chart_for(measure)
    charts.chart_svg(again)
    assert "svg_cached" in again.timings

    DataPoint.objects.filter(measure=measure, period=date(2025, 1, 1)).update(value=50)
    changed = charts.chart_for(measure)
    charts.chart_svg(changed)
    assert "svg" in changed.timings


def test_a_drawing_outlives_the_process_in_the_data_directory(
    team: dict[str, Any], chart_cache_dir: Path
) -> None:
    measure = make_measure(team["project"])
    drawn = charts.chart_for(measure)
    svg = charts.chart_svg(drawn)
    assert "svg" in drawn.timings
    assert len(list(chart_cache_dir.glob("*.djcache"))) == 1

    caches[charts.CHART_MEMORY_CACHE].clear()  # as after a restart: the process's memory is new
    restarted = charts.chart_for(measure)
    assert charts.chart_svg(restarted) == svg
    assert "svg_from_disk" in restarted.timings and "svg" not in restarted.timings

    again = charts.chart_for(measure)  # now in memory as well
    charts.chart_svg(again)
    assert "svg_cached" in again.timings and "svg_from_disk" not in again.timings


def test_png_exports_are_kept_on_disk_only(
    team: dict[str, Any], chart_cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    measure = make_measure(team["project"])
    png = charts.chart_png(charts.chart_for(measure))
    assert len(list(chart_cache_dir.glob("*.djcache"))) == 1
    assert not caches[charts.CHART_MEMORY_CACHE]._cache  # type: ignore[attr-defined]

    def no_drawing(spec: Any) -> bytes:
        raise AssertionError("drawn again")

    monkeypatch.setattr("coproduce.spc.render.to_png", no_drawing)
    assert charts.chart_png(charts.chart_for(measure)) == png


def test_a_broken_disk_cache_costs_a_drawing_never_the_page(
    team: dict[str, Any], chart_cache_dir: Path, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    measure = make_measure(team["project"], title="Waits of Mrs Example")
    charts.chart_svg(charts.chart_for(measure))
    (entry,) = chart_cache_dir.glob("*.djcache")
    entry.write_bytes(entry.read_bytes()[:40] + b"damaged")
    caches[charts.CHART_MEMORY_CACHE].clear()
    client = signed_in(team["staff"])
    page = client.get(detail_url(measure))
    assert page.status_code == 200 and "coproduce-chart__svg" in page.content.decode()
    assert "Could not read a chart from the disk cache" in caplog.text

    # A cache folder that cannot be written (here: a file is in its way).
    blocked = chart_cache_dir.parent / "blocked"
    blocked.write_text("not a folder")
    settings.CACHES = {
        **settings.CACHES,
        charts.CHART_CACHE: {**settings.CACHES[charts.CHART_CACHE], "LOCATION": str(blocked)},
    }
    caches[charts.CHART_MEMORY_CACHE].clear()
    assert client.get(detail_url(measure)).status_code == 200
    assert "Could not write a chart to the disk cache" in caplog.text
    assert "Mrs Example" not in caplog.text


def test_a_change_to_the_data_changes_the_chart_never_a_stale_one(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    measure = make_measure(team["project"])
    client = signed_in(team["fac"])
    before = chart_of(client.get(detail_url(measure)).content.decode())
    assert "123.5" not in before

    with django_capture_on_commit_callbacks(execute=True) as drawn:
        measure_actions.save_points(
            measure=measure,
            frame=pl.DataFrame({"period": ["2025-03-01"], "value": ["123.5"]}),
            columns={"period": "period", "value": "value"},
            by=team["fac"],
            source="test",
        )
    assert drawn  # the chart was drawn again once the change committed

    chart = charts.chart_for(measure)
    svg = charts.chart_svg(chart)
    assert "svg_cached" in chart.timings  # drawn ahead: the page does not wait for vl-convert
    assert "123.5" in svg
    after = chart_of(client.get(detail_url(measure)).content.decode())
    assert after != before
    assert "123.5" in after

    # Changed behind the actions' back (no drawing ahead): still never the old drawing.
    DataPoint.objects.filter(measure=measure, period=date(2025, 3, 1)).update(value=98.75)
    again = chart_of(client.get(detail_url(measure)).content.decode())
    assert "98.75" in again and "123.5" not in again


def test_a_new_phase_or_setting_draws_the_chart_ahead(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    measure = make_measure(team["project"])
    client = signed_in(team["fac"])
    client.get(detail_url(measure))
    with django_capture_on_commit_callbacks(execute=True):
        actions_chart.add_phase(
            measure=measure, starts=date(2026, 1, 1), reason="New clinic", by=team["fac"]
        )
    chart = charts.chart_for(measure)
    assert "New phase: New clinic" in charts.chart_svg(chart)
    assert "svg_cached" in chart.timings

    with django_capture_on_commit_callbacks(execute=True):
        measure_actions.update_measure(measure=measure, by=team["fac"], unit="weeks")
    chart = charts.chart_for(measure)
    assert "weeks" in charts.chart_svg(chart)
    assert "svg_cached" in chart.timings


def test_large_charts_are_drawn_on_their_first_view_not_ahead(
    team: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    measure = make_measure(team["project"])
    monkeypatch.setattr(charts, "DRAW_AHEAD_MAX_POINTS", 10)
    assert not charts.draw_ahead(measure.pk)
    monkeypatch.setattr(charts, "DRAW_AHEAD_MAX_POINTS", 2000)
    assert charts.draw_ahead(measure.pk)
    assert not charts.draw_ahead(measure.pk + 99)


def test_a_200_point_measure_page_is_timed(team: dict[str, Any]) -> None:
    """Not a timed test (ADR: benchmarks are not tests): prints the timings."""
    values = [40.0 + (k * 7919 % 11) - 5 for k in range(200)]
    measure = make_measure(team["project"], values=values, frequency="weekly")
    Phase.objects.create(measure=measure, starts=months(200)[120], reason="New triage")
    client = signed_in(team["staff"])
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        page = client.get(detail_url(measure))
        timings.append((time.perf_counter() - started) * 1000)
        html = page.content.decode()
        assert page.status_code == 200 and "coproduce-chart__svg" in html
        assert html.count('<th scope="row" class="nhsuk-table__header">') == 200
    print(f"BENCH measure_page_200_points cold_ms={timings[0]:.0f} warm_ms={min(timings[1:]):.0f}")


# -- exports ---------------------------------------------------------------------------------


def test_exports(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"], title="Days to first appointment")
    client = signed_in(team["staff"])

    def export(fmt: str) -> Any:
        return client.get(reverse("measures:export", args=[measure.project_id, measure.pk, fmt]))

    png = export("png")
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    assert 'filename="days-to-first-appointment.png"' in png["Content-Disposition"]
    svg = export("svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    rows = list(csv.DictReader(io.StringIO(export("csv").content.decode())))
    assert list(rows[0]) == list(charts.CSV_COLUMNS)
    assert len(rows) == 20
    assert rows[0]["period"] == "2025-01-01" and float(rows[0]["value"]) == 42
    assert rows[-1]["point_type"] == "special_cause_improvement"
    assert "shift" in rows[-1]["signals"]
    assert export("pdf").status_code == 404

    empty = make_measure(team["project"], title="Empty", values=[])
    url = reverse("measures:export", args=[empty.project_id, empty.pk, "csv"])
    assert client.get(url).status_code == 404


# -- phases ----------------------------------------------------------------------------------


def test_a_facilitator_starts_a_phase_with_a_reason(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"])
    client = signed_in(team["fac"])
    url = reverse("measures:phase_add", args=[measure.project_id, measure.pk])

    form = client.get(url)
    assert form.status_code == 200 and "January 2026" in form.content.decode()
    refused = client.post(url, {"starts": "2026-01-01", "reason": "  "})
    assert refused.status_code == 200
    assert "Enter why the limits are recalculated" in refused.content.decode()
    assert not Phase.objects.exists()

    done = client.post(url, {"starts": "2026-01-01", "reason": "Text reminders adopted"})
    assert done.status_code == 302
    phase = Phase.objects.get()
    assert phase.starts == date(2026, 1, 1) and phase.created_by == team["fac"]

    html = client.get(detail_url(measure)).content.decode()
    assert "Text reminders adopted" in html
    assert "This reading is about phase 2 of 2, from January 2026" in html
    svg = chart_of(html)
    assert "Limits recalculated from January 2026: Text reminders adopted." in svg
    assert "New phase: Text reminders adopted" in svg

    event = AuditEvent.objects.get(action="measure.phase_added")
    assert "Text reminders" not in event.summary and "Text reminders" not in str(event.data)


def test_phases_that_start_at_the_same_period_split_the_chart_once(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"])
    for starts, reason in ((date(2025, 12, 1), "Reminders"), (date(2026, 1, 1), "Triage")):
        actions_chart.add_phase(measure=measure, starts=starts, reason=reason, by=team["fac"])
    # December's data is deleted: both phases would now start in January.
    DataPoint.objects.filter(measure=measure, period=date(2025, 12, 1)).delete()
    chart = charts.chart_for(measure)
    assert chart.result is not None
    assert charts.phase_descriptions(chart) == ["Limits recalculated from January 2026: Reminders"]
    notes = [note.label for note in chart.result.annotations]
    assert notes == ["New phase: Reminders"]
    assert len({int(p) for p in chart.result.phase}) == 2


def test_phase_rules(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"])
    with pytest.raises(ActionError) as error:
        actions_chart.add_phase(
            measure=measure, starts=date(2025, 1, 1), reason="Too early", by=team["fac"]
        )
    assert error.value.field == "starts"
    actions_chart.add_phase(measure=measure, starts=date(2025, 6, 1), reason="A", by=team["fac"])
    with pytest.raises(ActionError, match="already starts"):
        actions_chart.add_phase(
            measure=measure, starts=date(2025, 6, 1), reason="B", by=team["fac"]
        )
    with pytest.raises(NotAllowed):
        actions_chart.add_phase(
            measure=measure, starts=date(2025, 7, 1), reason="C", by=team["staff"]
        )
    assert Phase.objects.count() == 1


def test_a_facilitator_removes_a_phase_after_confirming(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"])
    phase = actions_chart.add_phase(
        measure=measure, starts=date(2026, 1, 1), reason="Reminders", by=team["fac"]
    )
    client = signed_in(team["fac"])
    url = reverse("measures:phase_delete", args=[measure.project_id, measure.pk, phase.pk])
    confirm = client.get(url)
    assert "Remove the phase of Days to first appointment from January 2026?" in (
        confirm.content.decode()
    )
    assert Phase.objects.exists()
    assert client.post(url).status_code == 302
    assert not Phase.objects.exists()
    assert AuditEvent.objects.filter(action="measure.phase_deleted").count() == 1


def test_the_phases_of_a_weekly_measure_are_dated_to_the_day(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"], frequency="weekly")
    actions_chart.add_phase(
        measure=measure, starts=date(2026, 1, 1), reason="Reminders", by=team["fac"]
    )
    html = signed_in(team["fac"]).get(detail_url(measure)).content.decode()
    phases = html.split("Phases of Days to first appointment")[1].split("</table>")[0]
    assert '<td class="nhsuk-table__cell">1 January 2026</td>' in phases
    assert "the phase from 1 January 2026" in phases


def test_only_facilitators_manage_phases(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"])
    phase = actions_chart.add_phase(
        measure=measure, starts=date(2026, 1, 1), reason="Reminders", by=team["fac"]
    )
    client = signed_in(team["staff"])
    add = reverse("measures:phase_add", args=[measure.project_id, measure.pk])
    delete = reverse("measures:phase_delete", args=[measure.project_id, measure.pk, phase.pk])
    assert client.get(add).status_code == 403
    assert client.post(add, {"starts": "2026-02-01", "reason": "x"}).status_code == 403
    assert client.post(delete).status_code == 403
    assert Phase.objects.count() == 1
    html = client.get(detail_url(measure)).content.decode()
    assert "Reminders" in html and add not in html and delete not in html


# -- boards ----------------------------------------------------------------------------------


def test_the_board_shows_every_measure_with_icons_and_a_sparkline(team: dict[str, Any]) -> None:
    project = team["project"]
    make_measure(project)
    make_measure(project, title="Letters sent on time", kind="process", rules="anhoej")
    make_measure(project, title="Complaints", kind="balancing", values=[])
    html = signed_in(team["staff"]).get(reverse("measures:board", args=[project.pk])).content
    text = html.decode()
    assert text.count('class="coproduce-sparkline"') == 2
    assert "Variation: special cause improvement, lower values" in text
    assert "Assurance: the process will consistently miss the target" in text
    assert "35 days" in text and "August 2026" in text
    assert "Complaints" in text and "No data yet" in text
    assert "style=" not in text


def test_the_boards_take_the_same_queries_for_3_or_12_measures(team: dict[str, Any]) -> None:
    project = team["project"]
    client = signed_in(team["staff"])
    urls = [
        reverse("measures:board", args=[project.pk]),
        reverse("organisation_board", kwargs={"org_pk": project.organisation_id}),
    ]

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for k in range(3):
        make_measure(project, title=f"Measure {k}")
    Phase.objects.create(measure=Measure.objects.first(), starts=date(2026, 1, 1), reason="R")
    few = [queries(url) for url in urls]
    for k in range(3, 12):
        make_measure(project, title=f"Measure {k}", kind=("process", "balancing")[k % 2])
    assert [queries(url) for url in urls] == few


def test_a_target_of_zero_is_a_target_on_the_board(team: dict[str, Any]) -> None:
    make_measure(team["project"], title="Falls", rules="anhoej", target=0.0)
    html = signed_in(team["staff"]).get(reverse("measures:board", args=[team["project"].pk]))
    text = html.content.decode()
    assert "0 days" in text
    assert "No assurance icon: no target" not in text and "No assurance icon" in text


def test_an_empty_board(team: dict[str, Any]) -> None:
    url = reverse("measures:board", args=[team["project"].pk])
    assert "This project has no measures yet." in signed_in(team["fac"]).get(url).content.decode()


def test_a_board_of_50_measures_is_timed(team: dict[str, Any]) -> None:
    for k in range(50):
        make_measure(team["project"], title=f"Measure {k}", values=[*WAITS, *WAITS][:36])
    client = signed_in(team["fac"])
    url = reverse("measures:board", args=[team["project"].pk])
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        page = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert page.status_code == 200
        assert page.content.decode().count('class="coproduce-sparkline"') == 50
    print(f"BENCH board_50_measures best_ms={min(timings):.0f}")


def test_the_organisation_board_shows_only_the_readers_projects() -> None:
    admin = make_user("admin@example.org", staff=True)
    organisation = make_organisation("Southtown NHS Trust", admin=admin)
    fac = make_user("fac@example.org")
    other = make_user("other@example.org")
    from coproduce.web.projects import actions as project_actions

    project_actions.add_organisation_member(
        organisation=organisation, user=fac, is_admin=True, by=admin
    )
    project_actions.add_organisation_member(
        organisation=organisation, user=other, is_admin=True, by=admin
    )
    mine = make_project(fac, title="Fracture clinic", organisation=organisation)
    theirs = make_project(other, title="Secret project", organisation=organisation)
    make_measure(mine, title="Fracture waits")
    make_measure(theirs, title="Hidden waits")

    url = reverse("organisation_board", kwargs={"org_pk": organisation.pk})
    html = signed_in(fac).get(url).content.decode()
    assert "Board of Southtown NHS Trust" in html
    assert "Fracture waits" in html and "Fracture clinic" in html
    assert "Hidden waits" not in html and "Secret project" not in html

    outsider = make_user("out@example.org")
    assert signed_in(outsider).get(url).status_code == 404
    member_only = make_user("member@example.org")
    project_actions.add_organisation_member(
        organisation=organisation, user=member_only, is_admin=False, by=admin
    )
    empty = signed_in(member_only).get(url).content.decode()
    assert "You do not belong to any project of Southtown NHS Trust" in empty


# -- the API ---------------------------------------------------------------------------------


def test_the_api_gives_the_per_point_chart_and_the_reading(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"])
    actions_chart.add_phase(measure=measure, starts=date(2026, 1, 1), reason="R", by=team["fac"])
    client = TestClient(router)
    response = client.get(
        f"/projects/{measure.project_id}/measures/{measure.pk}/chart", user=team["staff"]
    )
    assert response.status_code == 200
    body = response.json()
    assert body["variation"] is not None and body["assurance"] == "consistent_fail"
    assert body["reading"].startswith("Common cause variation")
    assert len(body["points"]) == 20
    point = body["points"][-1]
    assert set(point) >= {
        "period",
        "value",
        "n",
        "cl",
        "lcl",
        "ucl",
        "lcl_95",
        "ucl_95",
        "phase",
        "signals",
        "point_type",
    }
    assert point["period"] == "2026-08-01" and point["phase"] == 2
    assert body["phases"] == [{"id": Phase.objects.get().pk, "starts": "2026-01-01", "reason": "R"}]


def test_the_api_answers_404_to_outsiders(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"])
    client = TestClient(router)
    path_ = f"/projects/{measure.project_id}/measures/{measure.pk}/chart"
    assert client.get(path_, user=team["outsider"]).status_code == 404
    missing = f"/projects/{measure.project_id}/measures/{measure.pk + 9}/chart"
    assert client.get(missing, user=team["staff"]).status_code == 404


def test_the_api_with_too_little_data(team: dict[str, Any]) -> None:
    measure = make_measure(team["project"], values=[3])
    client = TestClient(router)
    body = client.get(
        f"/projects/{measure.project_id}/measures/{measure.pk}/chart", user=team["staff"]
    ).json()
    assert body["points"] == [] and "at least 2 values" in body["reading"]
