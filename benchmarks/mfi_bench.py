"""``make bench-mfi``: the Model for Improvement pages timed in-process, against issue 4's targets.

Django is set up on a throwaway database (SQLite in a temporary folder; or, when
``DATABASE_URL`` is set, a fresh test database on that server, dropped afterwards). Users, a
project, measures and data are made through the actions, as the app does; the pages are then
requested with Django's test ``Client``, in this process, so every figure is server time (the
whole middleware stack, no network). Timed:

* the measure page with 200 weekly points and a phase: *cold* (both chart caches emptied
  before every request), *after a restart* (the per-process memory cache emptied, the drawing
  still in the disk cache under the data directory), *warm* (the chart already drawn), and
  *after a change* (a point's value changed through ``actions.save_points``, then the page),
  each the median of N requests;
* the board of a project with 50 measures of 36 points, median of N;
* a 100,000-row CSV upload through the real views (upload, columns, check, import) and,
  separately, ``data_import.check`` and ``actions.save_points`` on the same rows, with the
  rows counted afterwards.

Run it with ``make bench-mfi`` or ``.venv/bin/python benchmarks/mfi_bench.py --help``; against
PostgreSQL with ``scripts/with-postgres.sh .venv/bin/python benchmarks/mfi_bench.py``.
"""

# This benchmark drives the web app, so it imports Django (banned only in the pure core).
# ruff: noqa: TID251

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import load_line, machine_line, revision, verdict

#: Which way a busy machine skews this benchmark's figures.
BUSY_MEANS = "high"

# Targets from issue 4 (2 cores), in server time.
TARGET_MEASURE_PAGE_MS = 100.0
TARGET_BOARD_MS = 300.0
TARGET_UPLOAD_S = 10.0

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - a throwaway database


@dataclass
class Timed:
    """Wall times of requests (ms) and the Server-Timing ``app`` durations the view set."""

    wall_ms: list[float] = field(default_factory=list)
    app_ms: list[float] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(self.wall_ms)

    @property
    def app(self) -> float:
        return statistics.median(self.app_ms) if self.app_ms else float("nan")

    def text(self) -> str:
        spread = f"{min(self.wall_ms):.1f}-{max(self.wall_ms):.1f}"
        return (
            f"median {self.wall:7.1f} ms (range {spread}, n={len(self.wall_ms)}); "
            f"Server-Timing app median {self.app:.1f} ms"
        )


def server_timing(response: Any) -> float | None:
    """The ``app;dur=`` of a Server-Timing header, in ms."""
    header = response.get("Server-Timing", "")
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        if name == "app" and rest.startswith("dur="):
            return float(rest[4:])
    return None


# --------------------------------------------------------------------------- Django


def setup_django(scratch: Path) -> Callable[[], None]:
    """Settings on a throwaway database; returns the clean-up."""
    os.environ["COPRODUCE_DATA_DIR"] = str(scratch)
    os.environ["COPRODUCE_ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.web.settings")
    import django
    from django.conf import settings

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
        return lambda: None
    # A server database: a fresh one beside it, migrated, dropped at the end.
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"database: {connection.vendor} (a fresh test database {name!r} on the server)")

    def drop() -> None:
        connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)

    return drop


def database_line() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version} (a file in a temporary folder, WAL)"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        return str(cursor.fetchone()[0]).split(",")[0]


@dataclass
class World:
    fac: Any
    project: Any  # the 200-point measure's project
    measure: Any  # 200 weekly points, one phase
    board_project: Any  # 50 measures of 36 points
    upload_measure: Any
    check_measure: Any


def points_frame(values: Sequence[float], start: dt.date, step_days: int | None) -> Any:
    """period/value columns: weekly (step_days=7) or monthly (step_days=None) periods."""
    import polars as pl

    periods = []
    for k in range(len(values)):
        if step_days is None:
            year, month = divmod(start.month - 1 + k, 12)
            periods.append(dt.date(start.year + year, month + 1, 1))
        else:
            periods.append(start + dt.timedelta(days=step_days * k))
    return pl.DataFrame({"period": periods, "value": [float(v) for v in values]})


COLUMNS = {"period": "period", "value": "value"}


def build_world(n_points: int, n_measures: int, board_points: int) -> World:
    from coproduce.web.accounts import actions as account_actions
    from coproduce.web.measures import actions, actions_chart
    from coproduce.web.projects import actions as project_actions

    fac = account_actions.create_user(
        email="fac@example.org", name="Fac", password=PASSWORD, is_staff=True, by=None
    )
    org = project_actions.create_organisation(name="Northtown NHS Trust", kind="trust", by=fac)

    def project(title: str) -> Any:
        return project_actions.create_project(
            organisation=org, title=title, service="Outpatients", by=fac
        )

    def measure(p: Any, title: str, **extra: Any) -> Any:
        fields: dict[str, Any] = {
            "kind": "outcome",
            "unit": "days",
            "data_type": "measurement",
            "chart": "i",
            "direction": "decrease",
            "target": 30.0,
        }
        fields.update(extra)
        return actions.create_measure(project=p, by=fac, title=title, **fields)

    main = project("Shorter waits")
    values = [40.0 + (k * 7919 % 11) - 5 - (4.0 if k >= 120 else 0.0) for k in range(n_points)]
    m200 = measure(main, "Days to first appointment", frequency="weekly")
    actions.save_points(
        measure=m200,
        frame=points_frame(values, dt.date(2022, 1, 3), 7),
        columns=COLUMNS,
        by=fac,
        source="benchmark",
    )
    actions_chart.add_phase(
        measure=m200,
        starts=dt.date(2022, 1, 3) + dt.timedelta(days=7 * min(120, n_points - 1)),
        reason="New triage",
        by=fac,
    )

    board = project("Fewer falls")
    for k in range(n_measures):
        series = [40.0 + ((k + 3) * (i + 1) * 7919 % 13) - 6 for i in range(board_points)]
        mk = measure(board, f"Measure {k:02d}", kind=("outcome", "process", "balancing")[k % 3])
        actions.save_points(
            measure=mk,
            frame=points_frame(series, dt.date(2023, 1, 1), None),
            columns=COLUMNS,
            by=fac,
            source="benchmark",
        )

    uploads = project("Daily data")
    return World(
        fac=fac,
        project=main,
        measure=m200,
        board_project=board,
        upload_measure=measure(uploads, "Daily (views)", frequency="daily"),
        check_measure=measure(uploads, "Daily (actions)", frequency="daily"),
    )


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def get(client: Any, url: str, into: Timed) -> Any:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"mfi_bench: GET {url} answered {response.status_code}")
    into.wall_ms.append(elapsed)
    app = server_timing(response)
    if app is not None:
        into.app_ms.append(app)
    return response


# --------------------------------------------------------------------------- the measure page


@dataclass
class PageFigures:
    first: Timed  # the very first request of the process (imports, templates, V8 start)
    cold: Timed
    restart: Timed  # the memory cache emptied, the drawing on disk
    warm: Timed
    changed: Timed
    change_save_ms: list[float]
    stale: bool  # a change to the data did not change the chart


def chart_svg_of(html: str) -> str:
    start = html.find('<figure class="coproduce-chart"')
    return html[start : html.find("</figure>", start)] if start >= 0 else ""


def forget_charts(*, memory_only: bool = False) -> None:
    """Empty the chart caches: the per-process memory one, and the disk one unless
    ``memory_only`` (what a restart of the app does)."""
    from django.core.cache import caches

    from coproduce.web.measures import selectors_chart

    caches[selectors_chart.CHART_MEMORY_CACHE].clear()
    if not memory_only:
        caches[selectors_chart.CHART_CACHE].clear()


def time_measure_page(world: World, cold_n: int, warm_n: int) -> PageFigures:
    import polars as pl
    from django.urls import reverse

    from coproduce.web.measures import actions
    from coproduce.web.measures.models import DataPoint

    client = client_for(world.fac)
    url = reverse("measures:detail", args=[world.project.pk, world.measure.pk])
    first, cold, restart, warm, changed = Timed(), Timed(), Timed(), Timed(), Timed()
    forget_charts()
    get(client, url, first)
    for _ in range(cold_n):
        forget_charts()
        get(client, url, cold)
    for _ in range(cold_n):
        forget_charts(memory_only=True)
        get(client, url, restart)
    get(client, url, Timed())
    for _ in range(warm_n):
        get(client, url, warm)

    # After a change: one point's value changed through the action, then the page.
    last = DataPoint.objects.filter(measure=world.measure, stratum="").order_by("-period").first()
    assert last is not None
    saves, stale = [], False
    before = chart_svg_of(get(client, url, Timed()).content.decode())
    for k in range(cold_n):
        started = time.perf_counter()
        actions.save_points(
            measure=world.measure,
            frame=pl.DataFrame({"period": [last.period], "value": [1000.0 + k]}),
            columns=COLUMNS,
            by=world.fac,
            source="benchmark",
        )
        saves.append((time.perf_counter() - started) * 1000)
        after = chart_svg_of(get(client, url, changed).content.decode())
        stale = stale or after == before or f"{1000 + k}" not in after
        before = after
    return PageFigures(first, cold, restart, warm, changed, saves, stale)


def time_board(world: World, n: int) -> tuple[Timed, Timed]:
    from django.urls import reverse

    client = client_for(world.fac)
    url = reverse("measures:board", args=[world.board_project.pk])
    first, board = Timed(), Timed()
    html = get(client, url, first).content.decode()
    rows = html.count("coproduce-sparkline")
    if rows < 50:
        print(f"  warning: the board shows {rows} sparklines")
    for _ in range(n):
        get(client, url, board)
    return first, board


# --------------------------------------------------------------------------- uploads


def upload_csv(rows: int) -> bytes:
    """date,value: one row a day from 1 January 1800, dates written 31/01/1800 (UK)."""
    start = dt.date(1800, 1, 1)
    lines = ["date,value"]
    lines += [
        f"{(start + dt.timedelta(days=i)).strftime('%d/%m/%Y')},{i % 97}" for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


@dataclass
class UploadFigures:
    steps: dict[str, float]  # seconds
    rows_after: int
    check_s: float
    save_s: float
    resave_s: float  # the same rows again: all unchanged
    rows_after_actions: int


def time_upload(world: World, content: bytes, rows: int) -> UploadFigures:
    import io

    import polars as pl
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from coproduce.improvement import data_import
    from coproduce.web.measures import actions, selectors
    from coproduce.web.measures.models import DataPoint

    client = client_for(world.fac)
    measure = world.upload_measure
    args = [measure.project_id, measure.pk]
    mapping = {"period": "date", "value": "value"}
    steps: dict[str, float] = {}

    def step(name: str, call: Callable[[], Any], status: int) -> Any:
        started = time.perf_counter()
        response = call()
        steps[name] = time.perf_counter() - started
        if response.status_code != status:
            raise SystemExit(f"mfi_bench: {name} answered {response.status_code}")
        return response

    step(
        "upload",
        lambda: client.post(
            reverse("measures:upload", args=args),
            {"file": SimpleUploadedFile("big.csv", content, content_type="text/csv")},
        ),
        302,
    )
    step("columns", lambda: client.get(reverse("measures:upload_columns", args=args)), 200)
    checked = step(
        "check", lambda: client.post(reverse("measures:upload_columns", args=args), mapping), 200
    )
    if "Ready to import" not in checked.content.decode():
        raise SystemExit("mfi_bench: the upload check did not say it was ready to import")
    step("import", lambda: client.post(reverse("measures:upload_import", args=args), mapping), 302)
    rows_after = DataPoint.objects.filter(measure=measure).count()

    # The same rows through the core check and the action (no files, no views).
    frame = pl.read_csv(io.BytesIO(content), infer_schema=False)
    target = world.check_measure
    started = time.perf_counter()
    result = data_import.check(frame, mapping, selectors.rules_for(target))
    check_s = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"mfi_bench: the core check found {result.error_count} errors")

    def save() -> float:
        started = time.perf_counter()
        actions.save_points(
            measure=target, frame=frame, columns=mapping, by=world.fac, source="benchmark"
        )
        return time.perf_counter() - started

    save_s = save()
    resave_s = save()
    rows_after_actions = DataPoint.objects.filter(measure=target).count()
    if rows_after != rows or rows_after_actions != rows:
        print(f"  warning: {rows_after} and {rows_after_actions} rows stored, not {rows}")
    return UploadFigures(steps, rows_after, check_s, save_s, resave_s, rows_after_actions)


# --------------------------------------------------------------------------- report


def versions() -> str:
    import django
    import vl_convert

    return f"Django {django.get_version()}, vl-convert {getattr(vl_convert, '__version__', '?')}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=200, help="points of the measure (200)")
    parser.add_argument("--measures", type=int, default=50, help="measures on the board (50)")
    parser.add_argument("--board-points", type=int, default=36, help="points each (36)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows uploaded (100000)")
    parser.add_argument("--cold", type=int, default=7, help="cold and after-change requests (7)")
    parser.add_argument("--warm", type=int, default=30, help="warm requests (30)")
    parser.add_argument("--board-repeats", type=int, default=15, help="board requests (15)")
    parser.add_argument("--no-upload", action="store_true", help="skip the upload")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="mfi-bench-") as tmp:
        drop = setup_django(Path(tmp))
        try:
            return run(args)
        finally:
            drop()


def run(args: argparse.Namespace) -> int:
    print(f"machine: {machine_line(versions())}")
    now = dt.datetime.now(dt.UTC)
    print(f"commit: {revision()}; {now:%Y-%m-%d %H:%M} UTC; {load_line(busy_means=BUSY_MEANS)}")
    print(f"database: {database_line()}")

    started = time.perf_counter()
    world = build_world(args.points, args.measures, args.board_points)
    print(f"set-up through the actions: {time.perf_counter() - started:.1f} s")

    page = time_measure_page(world, args.cold, args.warm)
    print(f"\nmeasure page, {args.points} weekly points and a phase (server time, in-process):")
    print(f"  first request of the process  {page.first.text()}")
    print(f"  cold (chart caches emptied)   {page.cold.text()}")
    print(f"  after a restart (disk cache)  {page.restart.text()}")
    print(f"  warm (chart already drawn)    {page.warm.text()}")
    print(f"  after a change to a point     {page.changed.text()}")
    print(
        f"  the change itself (save_points of 1 row): median "
        f"{statistics.median(page.change_save_ms):.1f} ms"
    )
    print(f"  the chart changed with the data every time: {'no' if page.stale else 'yes'}")

    board_first, board = time_board(world, args.board_repeats)
    print(f"\nboard of {args.measures} measures x {args.board_points} points:")
    print(f"  first request                 {board_first.text()}")
    print(f"  repeated                      {board.text()}")

    upload: UploadFigures | None = None
    if not args.no_upload:
        content = upload_csv(args.rows)
        upload = time_upload(world, content, args.rows)
        total = sum(upload.steps.values())
        print(f"\nupload of {args.rows:,} rows ({len(content) / 2**20:.1f} MiB CSV), the views:")
        for name, seconds in upload.steps.items():
            print(f"  {name:<8} {seconds:6.2f} s")
        print(f"  total    {total:6.2f} s; rows stored after: {upload.rows_after:,}")
        print("the same rows through the core, no views:")
        print(f"  data_import.check           {upload.check_s:6.2f} s")
        print(f"  actions.save_points (new)   {upload.save_s:6.2f} s")
        print(f"  actions.save_points (again) {upload.resave_s:6.2f} s (all unchanged)")
        print(f"  rows stored after: {upload.rows_after_actions:,}")

    print(f"after: {load_line(busy_means=BUSY_MEANS)}")
    headline_page = max(page.warm.wall, page.changed.wall, page.restart.wall)
    print("\ntargets (issue 4, server time):")
    print(
        f"  [{verdict(page.warm.wall < TARGET_MEASURE_PAGE_MS)}] measure page, "
        f"{args.points} points, warm < {TARGET_MEASURE_PAGE_MS:.0f} ms ({page.warm.wall:.1f})"
    )
    print(
        f"  [{verdict(page.changed.wall < TARGET_MEASURE_PAGE_MS)}] measure page, first view "
        f"after a change < {TARGET_MEASURE_PAGE_MS:.0f} ms ({page.changed.wall:.1f})"
    )
    print(
        f"  [{verdict(page.restart.wall < TARGET_MEASURE_PAGE_MS)}] measure page, after a "
        f"restart < {TARGET_MEASURE_PAGE_MS:.0f} ms ({page.restart.wall:.1f})"
    )
    print(
        f"  [{verdict(page.cold.wall < TARGET_MEASURE_PAGE_MS)}] measure page, chart caches "
        f"empty < {TARGET_MEASURE_PAGE_MS:.0f} ms ({page.cold.wall:.1f})"
    )
    print(
        f"  [{verdict(board.wall < TARGET_BOARD_MS)}] board of {args.measures} measures "
        f"< {TARGET_BOARD_MS:.0f} ms ({board.wall:.1f})"
    )
    if upload is not None:
        total = sum(upload.steps.values())
        print(
            f"  [{verdict(total < TARGET_UPLOAD_S)}] {args.rows:,}-row upload validated and "
            f"imported < {TARGET_UPLOAD_S:.0f} s ({total:.2f}, all four requests)"
        )
    print(f"  [{verdict(not page.stale)}] no stale chart after a change")

    print(
        f"\nBENCH mfi-measure-page cold_ms={page.cold.wall:.1f} "
        f"restart_ms={page.restart.wall:.1f} warm_ms={page.warm.wall:.1f} "
        f"changed_ms={page.changed.wall:.1f} target_ms={TARGET_MEASURE_PAGE_MS:.0f} "
        f"{verdict(headline_page < TARGET_MEASURE_PAGE_MS)}"
    )
    print(
        f"BENCH mfi-board-{args.measures} ms={board.wall:.1f} target_ms={TARGET_BOARD_MS:.0f} "
        f"{verdict(board.wall < TARGET_BOARD_MS)}"
    )
    if upload is not None:
        total = sum(upload.steps.values())
        print(
            f"BENCH mfi-upload-{args.rows // 1000}k s={total:.2f} "
            f"actions_s={upload.check_s + upload.save_s:.2f} rows={upload.rows_after} "
            f"target_s={TARGET_UPLOAD_S:.0f} {verdict(total < TARGET_UPLOAD_S)}"
        )
    return 1 if page.stale else 0


if __name__ == "__main__":
    sys.exit(main())
