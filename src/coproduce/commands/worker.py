"""``coproduce worker``: run queued background jobs until Ctrl-C (or, with ``--batch``, until
none is waiting).

``coproduce serve`` runs a worker in its own process already; this command is for installs
that serve the app some other way (gunicorn, several processes) or want jobs run elsewhere:
start one or more beside the app, against the same database (docs/adr/0014). Ctrl-C asks the
running job to stop at its next step, records it as failed ("start it again"), and exits.
"""

from __future__ import annotations

import argparse
import math
import sys

DESCRIPTION = """\
Run background jobs (theming comments, training a classifier, large imports) queued by the
web app, until Ctrl-C. `coproduce serve` runs one already, unless started with --no-worker;
start this where jobs should run in their own process. Several may run at once."""


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds, 0 or more")
    return value


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = commands.add_parser(
        "worker", help="run queued background jobs until Ctrl-C", description=DESCRIPTION
    )
    worker.add_argument("--batch", action="store_true", help="run the jobs waiting now, then exit")
    worker.add_argument(
        "--interval",
        type=_interval,
        default=1.0,
        metavar="SECONDS",
        help="how often to look for new jobs when idle (default: 1)",
    )
    # `coproduce serve --processes N` starts its job process with this (docs/adr/0025).
    worker.add_argument("--for-serve", action="store_true", help=argparse.SUPPRESS)
    worker.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from coproduce.cli import _setup_django

    _setup_django()
    from coproduce.web.jobs import worker

    if not worker.uses_database_backend():
        sys.stderr.write(
            "coproduce worker: COPRODUCE_TASKS_BACKEND is not 'database': jobs run where they "
            "are queued, and there is nothing for a worker to do.\n"
        )
        return 2
    kind = worker.SERVE if args.for_serve else "worker"
    return worker.run(batch=args.batch, interval=args.interval, kind=kind)
