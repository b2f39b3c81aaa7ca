"""``coproduce serve``: one process (waitress) or several (gunicorn, ``--processes``; ADR 0025).

The several-process test starts the real command on a fresh SQLite database, as an
organiser would at a voting event, and stops it with Ctrl-C (SIGINT).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from coproduce import cli
from coproduce.web import serving
from coproduce.web.jobs import worker as jobs_worker

VENV_BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of ``pid``'s child processes, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            found.append((int(entry.name), cmdline))
    return found


def test_gunicorn_options_use_plain_workers_unless_threads_are_asked_for() -> None:
    one = serving.gunicorn_options(host="127.0.0.1", port=8000, threads=1, processes=3)
    assert one["workers"] == 3
    assert one["worker_class"] == "sync"
    assert one["bind"] == ["127.0.0.1:8000"]
    assert one["accesslog"] is None  # addresses are personal data: no access log
    threaded = serving.gunicorn_options(host="::1", port=8001, threads=4, processes=2)
    assert threaded["worker_class"] == "gthread"
    assert threaded["threads"] == 4
    assert threaded["bind"] == ["[::1]:8001"]


def test_serve_refuses_zero_processes_or_threads() -> None:
    with pytest.raises(SystemExit, match="1 or more"):
        serving.serve(host="127.0.0.1", port=8000, threads=1, processes=0)
    with pytest.raises(SystemExit, match="1 or more"):
        serving.serve(host="127.0.0.1", port=8000, threads=0, processes=2)


def test_threads_default_to_one_per_process_when_there_are_several(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[dict[str, object]] = []
    monkeypatch.setattr(cli, "_setup_django", lambda: None)
    monkeypatch.setattr(serving, "serve", lambda **kwargs: seen.append(kwargs) or 0)
    assert cli.main(["serve", "--processes", "2"]) == 0
    assert cli.main(["serve"]) == 0
    assert cli.main(["serve", "--processes", "2", "--threads", "3"]) == 0
    assert [(s["processes"], s["threads"]) for s in seen] == [(2, 1), (1, 8), (2, 3)]


def test_the_job_process_of_serve_uses_serves_worker_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """So that the next ``serve`` marks as failed a job its job process left running."""
    from coproduce.commands import worker as command

    kinds: list[str] = []
    monkeypatch.setattr(cli, "_setup_django", lambda: None)
    monkeypatch.setattr(jobs_worker, "uses_database_backend", lambda: True)
    monkeypatch.setattr(jobs_worker, "run", lambda **kwargs: kinds.append(kwargs["kind"]) or 0)
    for argv in (["--for-serve"], []):
        args = argparse.Namespace(batch=True, interval=1.0, for_serve=bool(argv))
        assert command.run(args) == 0
    assert kinds == [jobs_worker.SERVE, "worker"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_serve_with_several_processes_answers_and_stops_cleanly(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "COPRODUCE_DATA_DIR": str(tmp_path),
        "COPRODUCE_SECRET_KEY": "serve-test-" + "x" * 40,
        "DJANGO_SETTINGS_MODULE": "coproduce.web.settings",
        "COPRODUCE_DEBUG": "false",
    }
    env.pop("DATABASE_URL", None)
    coproduce = str(VENV_BIN / "coproduce")
    subprocess.run([coproduce, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [coproduce, "serve", "--port", str(port), "--processes", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answered = None
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/about/", timeout=2) as r:
                    answered = r.status
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
        assert answered == 200, server.stderr.read() if server.poll() is not None else ""
        children = _children(server.pid)
        job_processes = [pid for pid, cmd in children if "--for-serve" in cmd]
        workers = [pid for pid, cmd in children if "--for-serve" not in cmd]
        assert len(job_processes) == 1
        assert len(workers) == 2  # gunicorn's two forked workers
        # Many requests in a row are all answered, whichever process takes them.
        for _ in range(20):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/about/", timeout=5) as r:
                assert r.status == 200
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0, err
    assert "with 2 processes" in out
    assert out.count("Stopped.") == 1  # the forked workers do not run the master's ending
    for pid, _cmd in children:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
