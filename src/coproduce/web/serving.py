"""Serving the app with waitress, a pure-Python production WSGI server.

With the database task backend (the default), ``coproduce serve`` also runs a background
worker in a thread of the same process, so that queued jobs (theming comments, training a
classifier) run on a plain ``make run`` with nothing else started (docs/adr/0014). Pass
``worker=False`` (``coproduce serve --no-worker``) when separate ``coproduce worker``
processes run the jobs instead.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.db import connection


def serve(*, host: str, port: int, threads: int, worker: bool = True) -> int:
    from waitress import serve as waitress_serve

    from coproduce.web.jobs import worker as jobs_worker
    from coproduce.web.wsgi import application

    _check_database_ready()
    background = None
    if worker and jobs_worker.uses_database_backend():
        recovered = jobs_worker.recover_interrupted(
            prefix=jobs_worker.worker_prefix(jobs_worker.SERVE)
        )
        if recovered:
            print(
                f"{recovered} background job(s) left running when the server last stopped "
                "are marked as failed.",
                flush=True,
            )
        background = jobs_worker.start_in_background()
    print(f"coproduce is serving on http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    if background is not None:
        print(
            "Background jobs run in this process too "
            "(--no-worker leaves them to `coproduce worker`).",
            flush=True,
        )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            waitress_serve(application, host=host, port=port, threads=threads, ident="coproduce")
    finally:
        if background is not None and not background.stop():
            print("A background job did not stop in time; it will be marked as failed.")
    print("Stopped.")
    return 0


def _check_database_ready() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise SystemExit(
            "coproduce: the database needs migrating first: run `coproduce migrate` "
            f"(database: {settings.DATABASES['default']['NAME']})"
        )
