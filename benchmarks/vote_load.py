"""``vote_load.py``: vote submission under load on loopback, SQLite and PostgreSQL (issue 7;
docs/adr/0022).

For each database: a fresh data directory (and, for PostgreSQL, a throwaway cluster from
``scripts/with-postgres.sh``); ``coproduce migrate``; a project, a conversation with S
accepted statements and N voters with their keys, made directly through the actions (voters
with ``Voter.objects.bulk_create``, as ``takepart`` stores them: SHA-256 of the key);
``coproduce serve --no-worker`` on 127.0.0.1 in each server layout asked for (``--servers``,
default ``1x8,2x1``: one waitress process with 8 threads, then two gunicorn processes with one
thread each; docs/adr/0025); then ``wrk`` (Debian package)
fires ``POST /api/v1/projects/<p>/deliberation/conversations/<c>/votes`` with each voter's
key in ``X-Voter-Key`` for D seconds over C connections, every request a new (voter,
statement) pair (see ``vote_load.lua``).

Zero lost votes: wrk records every acknowledged (HTTP 200) vote's (voter, statement) from the
response body; afterwards each acknowledged pair must be in the database with exactly one row
(lost = acknowledged pairs missing). Requests still in flight when wrk stops may be stored
without an acknowledgement; they are counted as ``unacked_stored``, not as lost.

    BENCH vote-load db=<sqlite|postgresql> server=<P>x<T> votes_per_s=<v> p50_ms=<v>
        p95_ms=<v> p99_ms=<v> acked=<n> stored=<n> lost=<n> errors=<n>  (one line)

Target: ≥ 500 votes/s with p99 < 100 ms on 2 cores, lost=0.

Run: ``.venv/bin/python benchmarks/vote_load.py --help``; ``--db postgresql`` runs itself again
under ``scripts/with-postgres.sh``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import load_line, machine_line, revision, verdict

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
LUA = Path(__file__).resolve().parent / "vote_load.lua"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SETUP = r"""
import json, sys
import django
django.setup()
from coproduce.web.accounts import actions as accounts
from coproduce.web.projects import actions as projects
from coproduce.web.deliberate import actions
from coproduce.web.takepart.cookies import hash_key, new_key
from coproduce.web.takepart.models import JoinedVia, Voter
n_voters, n_statements, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
fac = accounts.create_user(
    email="fac@example.org", name="Fay", password="x" * 20, is_staff=True, by=None
)
org = projects.create_organisation(name="Load test trust", kind="trust", by=fac)
project = projects.create_project(organisation=org, title="Load", service="Clinic", by=fac)
conversation = actions.create_conversation(project=project, by=fac, topic="Load test")
ids = [actions.seed_statement(conversation=conversation, by=fac, text=f"Statement number {i}").pk
       for i in range(n_statements)]
keys = [new_key() for _ in range(n_voters)]
kinds = ["patient", "carer", "staff"]
Voter.objects.bulk_create(
    [Voter(project=project, constituency=kinds[i % 3], joined_via=JoinedVia.CODE,
           key_hash=hash_key(k)) for i, k in enumerate(keys)],
    batch_size=1000,
)
json.dump({"project": project.pk, "conversation": conversation.pk, "statements": ids, "keys": keys},
          open(out, "w"))
"""

COUNT = r"""
import json, sys
import django
django.setup()
from coproduce.web.deliberate.models import Vote
from coproduce.web.takepart.models import Voter
acked_file, conversation, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
acked = set()
statuses = {}
for line in open(acked_file):
    parts = line.split()
    if parts[0] == "status":
        statuses[parts[1]] = statuses.get(parts[1], 0) + int(parts[2])
    else:
        acked.add((int(parts[0]), int(parts[1])))
rows = list(
    Vote.objects.filter(conversation_id=conversation).values_list("voter_id", "statement_id")
)
stored = set(rows)
json.dump({"acked": len(acked), "stored": len(rows), "distinct_stored": len(stored),
           "lost": len(acked - stored), "unacked_stored": len(stored - acked),
           "statuses": statuses}, open(out, "w"))
"""


def run_one(args: argparse.Namespace, db: str, processes: int, threads: int) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="vote-load-"))
    env = {
        **os.environ,
        "COPRODUCE_DATA_DIR": str(work / "data"),
        "COPRODUCE_SECRET_KEY": "vote-load-" + "x" * 40,
        "DJANGO_SETTINGS_MODULE": "coproduce.web.settings",
        "COPRODUCE_DEBUG": "false",
    }
    if db == "sqlite":
        env.pop("DATABASE_URL", None)
    elif "DATABASE_URL" not in env:
        raise SystemExit("vote_load: PostgreSQL needs DATABASE_URL (run with --db postgresql)")
    else:  # each server layout starts from an empty database, as SQLite's does
        env["DATABASE_URL"] = _fresh_database(
            env["DATABASE_URL"], f"vote_load_{processes}x{threads}"
        )
    (work / "data").mkdir()
    server = None
    try:
        subprocess.run(
            [str(VENV / "coproduce"), "migrate"], env=env, check=True, capture_output=True
        )
        setup = work / "setup.json"
        subprocess.run(
            [str(VENV / "python"), "-c", SETUP, str(args.voters), str(args.statements), str(setup)],
            env=env,
            check=True,
        )
        made = json.loads(setup.read_text())
        (work / "keys").write_text("\n".join(made["keys"]) + "\n")
        (work / "statements").write_text("\n".join(map(str, made["statements"])) + "\n")
        port = free_port()
        server = subprocess.Popen(
            [
                str(VENV / "coproduce"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--processes",
                str(processes),
                "--threads",
                str(threads),
                "--no-worker",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "server.log", "w"),  # noqa: SIM115 - closed with the process
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/about/", timeout=1).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("vote_load: the server did not start; see " + str(work / "server.log"))
        path = (
            f"/api/v1/projects/{made['project']}/deliberation/conversations/"
            f"{made['conversation']}/votes"
        )
        wrk_env = {
            **os.environ,
            "VOTE_LOAD_KEYS": str(work / "keys"),
            "VOTE_LOAD_STATEMENTS": str(work / "statements"),
            "VOTE_LOAD_PATH": path,
            "VOTE_LOAD_ACKS": str(work / "acks"),
            "VOTE_LOAD_THREADS": str(args.wrk_threads),
        }
        if args.warmup:
            subprocess.run(
                ["wrk", "-t1", "-c4", f"-d{args.warmup}s", "-s", str(LUA), base],
                env={**wrk_env, "VOTE_LOAD_ACKS": str(work / "acks-warmup")},
                check=True,
                capture_output=True,
            )
        before = load_line(busy_means="low")
        done = subprocess.run(
            [
                "wrk",
                f"-t{args.wrk_threads}",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--latency",
                "--timeout",
                "5s",
                "-s",
                str(LUA),
                base,
            ],
            env=wrk_env,
            check=True,
            capture_output=True,
            text=True,
        )
        after = load_line(busy_means="low")
        figures: dict[str, float] = {}
        for line in done.stdout.splitlines():
            if line.startswith(("LATENCY ", "REQUESTS ")):
                for part in line.split()[1:]:
                    k, v = part.split("=")
                    figures[k] = float(v)
        counted = work / "counted.json"
        acks = work / "acks"
        if args.warmup:
            acks.write_text((work / "acks-warmup").read_text() + acks.read_text())
        subprocess.run(
            [str(VENV / "python"), "-c", COUNT, str(acks), str(made["conversation"]), str(counted)],
            env=env,
            check=True,
        )
        tally = json.loads(counted.read_text())
        main_statuses: dict[str, int] = {}
        for line in (work / "acks").read_text().splitlines():
            if line.startswith("status "):
                _, code, n = line.split()
                main_statuses[code] = main_statuses.get(code, 0) + int(n)
        if args.warmup:  # the warm-up's lines were put first: take its statuses off again
            for line in (work / "acks-warmup").read_text().splitlines():
                if line.startswith("status "):
                    _, code, n = line.split()
                    main_statuses[code] -= int(n)
        main_200 = main_statuses.get("200", 0)
        errors = sum(n for code, n in main_statuses.items() if code != "200")
        return {
            "db": db,
            "votes_per_s": main_200 / figures["duration_s"],
            "p50_ms": figures["p50_ms"],
            "p95_ms": figures["p95_ms"],
            "p99_ms": figures["p99_ms"],
            "acked": tally["acked"],
            "stored": tally["stored"],
            "distinct_stored": tally["distinct_stored"],
            "lost": tally["lost"],
            "unacked_stored": tally["unacked_stored"],
            "errors": errors,
            "load_before": before,
            "load_after": after,
            "wrk": done.stdout,
        }
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--statements", type=int, default=40)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up load")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument(
        "--servers",
        type=_servers,
        default="1x8,2x1",
        help="server layouts to compare, PROCESSESxTHREADS, comma-separated (default: 1x8,2x1)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("vote_load: wrk is not installed (Debian package 'wrk'): apt-get install wrk")
        return 2
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    status = 0
    if not args.inner:
        print(machine_line(f"wrk {_wrk_version()}"))
        print(f"work tree {revision()}")
    for db in dbs:
        if db == "postgresql" and not args.inner:
            cmd = [
                str(ROOT / "scripts" / "with-postgres.sh"),
                str(VENV / "python"),
                __file__,
                *_strip_db(sys.argv[1:] if argv is None else argv),
                "--db",
                "postgresql",
                "--inner",
            ]
            status |= subprocess.run(cmd, check=False).returncode
            continue
        for processes, threads in args.servers:
            r = run_one(args, db, processes, threads)
            ok = r["votes_per_s"] >= 500 and r["p99_ms"] < 100 and r["lost"] == 0  # type: ignore[operator]
            server = f"{processes}x{threads}"
            kind = "waitress" if processes == 1 else "gunicorn"
            print(f"-- {db}, {kind} {server}: {r['load_before']}; after: {r['load_after']}")
            print(
                f"   {args.voters} voters x {args.statements} statements, {args.connections} "
                f"connections, {args.duration} s, {processes} process(es) x {threads} "
                f"thread(s); acked {r['acked']}, rows {r['stored']} (distinct "
                f"{r['distinct_stored']}), stored without ack {r['unacked_stored']}, non-200 "
                f"{r['errors']}: {verdict(ok)}"
            )
            print(
                f"BENCH vote-load db={db} server={server} votes_per_s={r['votes_per_s']:.1f} "
                f"p50_ms={r['p50_ms']:.2f} p95_ms={r['p95_ms']:.2f} p99_ms={r['p99_ms']:.2f} "
                f"acked={r['acked']} stored={r['stored']} lost={r['lost']} errors={r['errors']}",
                flush=True,
            )
            status |= 0 if r["lost"] == 0 else 1
    return status


def _fresh_database(url: str, name: str) -> str:
    """An empty database ``name`` on the server of ``url`` (dropped first if it exists)."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def _servers(text: str) -> list[tuple[int, int]]:
    layouts = []
    for part in text.split(","):
        try:
            processes, threads = (int(x) for x in part.lower().split("x"))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{part!r} is not PROCESSESxTHREADS, e.g. 2x1"
            ) from None
        if processes < 1 or threads < 1:
            raise argparse.ArgumentTypeError(f"{part!r}: processes and threads must be 1 or more")
        layouts.append((processes, threads))
    return layouts


def _strip_db(argv: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "--db":
            skip = True
            continue
        if a.startswith("--db="):
            continue
        out.append(a)
    return out


def _wrk_version() -> str:
    try:
        text = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    except OSError:
        return "unknown"
    return text.split()[1] if text.split() else "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
