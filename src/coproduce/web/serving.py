"""Serving the app with waitress, a pure-Python production WSGI server."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.db import connection


def serve(*, host: str, port: int, threads: int) -> int:
    from waitress import serve as waitress_serve

    from coproduce.web.wsgi import application

    _check_database_ready()
    print(f"coproduce is serving on http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        waitress_serve(application, host=host, port=port, threads=threads, ident="coproduce")
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
