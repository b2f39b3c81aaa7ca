"""Serving the app: waitress in one process (the default, any platform), or gunicorn with
several processes on Linux and macOS (``coproduce serve --processes N``; docs/adr/0025).

With the database task backend (the default), ``coproduce serve`` also runs a background
worker, so that queued jobs (theming comments, training a classifier) run on a plain
``make run`` with nothing else started (docs/adr/0014): a thread of the serving process
when there is one process, a child process beside gunicorn's when there are several (a
thread must not run in a process that forks). Pass ``worker=False``
(``coproduce serve --no-worker``) when separate ``coproduce worker`` processes run the jobs
instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, connections

#: gunicorn's worker timeout: a request running longer is killed and its worker replaced.
#: Generous, because the slowest pages (checking a 100,000-row upload) take several seconds.
REQUEST_TIMEOUT_S = 120


def serve(*, host: str, port: int, threads: int, worker: bool = True, processes: int = 1) -> int:
    if processes < 1 or threads < 1:
        raise SystemExit("coproduce: --processes and --threads must be 1 or more")
    if processes > 1 and os.name != "posix":
        raise SystemExit(
            "coproduce: --processes needs Linux or macOS (gunicorn); on this system serve with "
            "one process and more --threads"
        )
    from coproduce.web.jobs import worker as jobs_worker

    _check_database_ready()
    jobs = worker and jobs_worker.uses_database_backend()
    if jobs:
        recovered = jobs_worker.recover_interrupted(
            prefix=jobs_worker.worker_prefix(jobs_worker.SERVE)
        )
        if recovered:
            print(
                f"{recovered} background job(s) left running when the server last stopped "
                "are marked as failed.",
                flush=True,
            )
    if processes == 1:
        return _serve_one(host=host, port=port, threads=threads, jobs=jobs)
    return _serve_several(host=host, port=port, threads=threads, processes=processes, jobs=jobs)


def _serve_one(*, host: str, port: int, threads: int, jobs: bool) -> int:
    from waitress import serve as waitress_serve

    from coproduce.web.jobs import worker as jobs_worker
    from coproduce.web.wsgi import application

    background = jobs_worker.start_in_background() if jobs else None
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


def gunicorn_options(*, host: str, port: int, threads: int, processes: int) -> dict[str, Any]:
    """gunicorn's settings for ``coproduce serve --processes``: plain (sync) workers with one
    thread each, or threaded workers when ``threads`` > 1; no access log (addresses are
    personal data, DESIGN.md), errors to standard error."""
    return {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": processes,
        "worker_class": "gthread" if threads > 1 else "sync",
        "threads": threads,
        "timeout": REQUEST_TIMEOUT_S,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "coproduce",
        "control_socket_disable": True,
    }


def _serve_several(*, host: str, port: int, threads: int, processes: int, jobs: bool) -> int:
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    from coproduce.web.wsgi import application

    options = gunicorn_options(host=host, port=port, threads=threads, processes=processes)

    class Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
        def load_config(self) -> None:
            known = self.cfg.settings
            for key, value in options.items():
                if key in known:
                    self.cfg.set(key, value)

        def load(self) -> Callable[..., Any]:
            return application

    # The processes gunicorn forks must not share this process's database connections.
    connections.close_all()
    job_process = _start_job_process() if jobs else None
    kind = "threads each" if threads > 1 else "thread each"
    print(
        f"coproduce is serving on http://{host}:{port}/ with {processes} processes, "
        f"{threads} {kind}  (Ctrl-C to stop)",
        flush=True,
    )
    if job_process is not None:
        print(
            "Background jobs run in a process beside them "
            "(--no-worker leaves them to `coproduce worker`).",
            flush=True,
        )
    status = 0
    master = os.getpid()
    try:
        Server().run()
    except SystemExit as stop:
        if os.getpid() != master:  # a forked worker leaving: none of the rest is its business
            raise
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except KeyboardInterrupt:
        if os.getpid() != master:
            raise
    finally:
        if os.getpid() == master and job_process is not None and not _stop_job_process(job_process):
            print("A background job did not stop in time; it will be marked as failed.")
    print("Stopped.")
    return status


def _start_job_process() -> subprocess.Popen[bytes]:
    """``coproduce worker`` as a child, with the ids of ``serve``'s own worker (so that the
    next ``serve`` marks as failed a job it left running, as with the thread)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from coproduce.cli import main; sys.exit(main())",
            "worker",
            "--for-serve",
        ],
    )


def _stop_job_process(process: subprocess.Popen[bytes], timeout: float = 15.0) -> bool:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False
    return True


def _check_database_ready() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise SystemExit(
            "coproduce: the database needs migrating first: run `coproduce migrate` "
            f"(database: {settings.DATABASES['default']['NAME']})"
        )
