"""The ``coproduce`` command.

Importing this module imports no Django: each web command loads the Django
settings only when it runs, so ``coproduce --help`` stays fast and the core
commands (added by later issues) work without the ``web`` extra.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from coproduce import __version__


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.web.settings")
    try:
        import django  # noqa: TID251 (the CLI is shell, not core; imported lazily)
    except ImportError:
        sys.exit("coproduce: the web commands need the web extra: pip install 'coproduce[web]'")
    django.setup()


def _cmd_migrate(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command  # noqa: TID251

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("Database is up to date.")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    from coproduce.web import serving

    threads = args.threads if args.threads is not None else (8 if args.processes == 1 else 1)
    return serving.serve(
        host=args.host,
        port=args.port,
        threads=threads,
        worker=args.worker,
        processes=args.processes,
    )


def _cmd_demo(args: argparse.Namespace) -> int:
    _setup_django()
    from coproduce.web import demo

    result = demo.load_demo()
    print(result.describe(base_url=f"http://{args.host}:{args.port}"))
    return 0


def _cmd_createuser(args: argparse.Namespace) -> int:
    _setup_django()
    from coproduce.web.accounts import actions
    from coproduce.web.errors import ActionError

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            print("coproduce: the passwords did not match", file=sys.stderr)
            return 1
    else:
        print(
            "coproduce: give the password on standard input with --password-stdin", file=sys.stderr
        )
        return 1
    try:
        user = actions.create_user(
            email=args.email, name=args.name, password=password, is_staff=args.staff, by=None
        )
    except ActionError as error:
        print(f"coproduce: {error.message}", file=sys.stderr)
        return 1
    print(f"Created {user.email}" + (" (site staff)" if user.is_staff else "") + ".")
    return 0


def _cmd_manage(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line  # noqa: TID251

    execute_from_command_line(["coproduce manage", *args.rest])
    return 0


def _cmd_spc(args: argparse.Namespace) -> int:
    # Polars and NumPy load here, not at start-up; Django never does.
    from coproduce.commands import spc

    return spc.run(args)


#: Chart types of ``coproduce spc`` (the values of :class:`coproduce.spc.ChartType`, listed
#: here so that ``coproduce --help`` need not import NumPy).
SPC_CHARTS = ("run", "i", "mr", "xbar", "s", "p", "pp", "u", "up", "c", "g", "t", "ip")

SPC_DESCRIPTION = """\
Compute run charts and Shewhart (SPC) charts for every series of a table, as qicharts2 and
NHS England's Making Data Count do. INPUT is CSV (UTF-8 or Windows-1252), Excel (.xlsx, .xls,
.ods) or Parquet. The output has one row per plotted point, in input order: series, x, y (the
plotted statistic), n, cl, lcl, ucl, the signals and the runs analysis of each point."""

SPC_EPILOG = """\
x values may be numbers or dates: 2026-01-31, 2026-01, 31/01/2026, 31/01/26, Jan 2026.
--split and --exclude take x values written the same way.

examples:
  coproduce spc waits.csv --chart i --x-col month --y-col minutes --output waits.svg
  coproduce spc falls.xlsx --chart u --x-col month --y-col falls --n-col bed_days \\
      --series-col ward --split 2026-04 --output falls.csv
  coproduce spc ae.parquet --chart p --x-col period --y-col breaches --n-col attendances \\
      --series-col org_code --rules mdc --direction decrease --output ae.html

Exit status: 0 on success, 2 on bad input (one line on standard error naming the series, the
row and the reason; no output file is written)."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not at least 1")
    return value


def _finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _add_spc_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    spc = commands.add_parser(
        "spc",
        help="compute SPC charts for every series of a CSV, Excel or Parquet file",
        description=SPC_DESCRIPTION,
        epilog=SPC_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    spc.add_argument("input", metavar="INPUT", help="a .csv, .tsv, .xlsx, .xls, .ods or .parquet")
    spc.add_argument(
        "--chart",
        required=True,
        type=str.lower,
        choices=SPC_CHARTS,
        help="run, i (individuals), mr, xbar, s, p, pp (Laney p'), u, up (Laney u'), c, g, t, "
        "ip (Taylor's i')",
    )
    columns = spc.add_argument_group("columns")
    columns.add_argument("--y-col", default="y", metavar="NAME", help="the values (default: y)")
    columns.add_argument(
        "--x-col",
        metavar="NAME",
        help="dates or numbers (default: x if there is one, else 1, 2, 3… within each series)",
    )
    columns.add_argument(
        "--n-col",
        metavar="NAME",
        help="denominators (default: n, for the p, pp, u, up and ip charts)",
    )
    columns.add_argument(
        "--series-col",
        metavar="NAME",
        help="one chart per value (default: series if there is one, else one chart)",
    )
    columns.add_argument("--sheet", metavar="NAME", help="the Excel sheet (default: the first)")
    chart = spc.add_argument_group("chart")
    chart.add_argument(
        "--freeze",
        type=_positive_int,
        metavar="N",
        help="the first N points are the baseline the limits come from",
    )
    chart.add_argument(
        "--split",
        action="append",
        metavar="X[,X…]",
        help="x values at which a new phase starts (repeatable)",
    )
    chart.add_argument(
        "--exclude",
        action="append",
        metavar="X[,X…]",
        help="x values left out of the centre line and limits (repeatable)",
    )
    chart.add_argument(
        "--direction",
        choices=("increase", "decrease", "neutral"),
        default="neutral",
        help="which way is better (default: neutral)",
    )
    chart.add_argument(
        "--target", type=_finite_float, metavar="V", help="the target, for assurance (mdc)"
    )
    chart.add_argument(
        "--rules",
        choices=("anhoej", "ihi", "mdc"),
        default="anhoej",
        help="anhoej (qicharts2, default), ihi, or mdc (NHS England Making Data Count)",
    )
    chart.add_argument(
        "--unscreened",
        action="store_true",
        help="do not screen out large moving ranges (i chart)",
    )
    chart.add_argument(
        "--multiply",
        type=_finite_float,
        default=1.0,
        metavar="K",
        help="multiply y, limits and centre line by K (e.g. 100 for percentages)",
    )
    chart.add_argument(
        "--funnel",
        action="store_true",
        help="x is a category (a funnel plot): no runs analysis",
    )
    out = spc.add_argument_group("output")
    out.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help=".csv, .parquet, .json, .svg, .png or .html (default: CSV on standard output)",
    )
    out.add_argument("--title", help="chart title (svg, png, html)")
    spc.set_defaults(func=_cmd_spc)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coproduce",
        description="Co-produced quality improvement for health and care services.",
        epilog="Settings come from environment variables; see .env.example.",
    )
    parser.add_argument("--version", action="version", version=f"coproduce {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    migrate = commands.add_parser("migrate", help="create or update the database")
    migrate.add_argument("-v", "--verbose", action="store_true")
    migrate.set_defaults(func=_cmd_migrate)

    serve = commands.add_parser("serve", help="serve the web app until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--processes",
        type=int,
        default=1,
        help="serve with N processes (gunicorn; Linux and macOS): for many people voting at an "
        "event (default: 1, waitress)",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per process (default: 8 with one process, 1 with several)",
    )
    serve.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="do not run background jobs in this process (run `coproduce worker` instead)",
    )
    serve.set_defaults(func=_cmd_serve)

    demo = commands.add_parser(
        "demo", help="load the demo organisation, project and accounts (safe to repeat)"
    )
    demo.add_argument("--host", default="127.0.0.1", help="host shown in the sign-in hint")
    demo.add_argument("--port", type=int, default=8000, help="port shown in the sign-in hint")
    demo.set_defaults(func=_cmd_demo)

    createuser = commands.add_parser("createuser", help="create an account")
    createuser.add_argument("--email", required=True)
    createuser.add_argument("--name", required=True)
    createuser.add_argument(
        "--staff", action="store_true", help="site staff: may create organisations"
    )
    createuser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    createuser.set_defaults(func=_cmd_createuser)

    _add_spc_parser(commands)
    # `coproduce feedback …`: its parser lives beside the command (it has subcommands), in a
    # module that imports only the standard library until a subcommand runs.
    from coproduce.commands import feedback

    feedback.add_parser(commands)
    from coproduce.commands import deliberation, kano, worker

    kano.add_parser(commands)
    deliberation.add_parser(commands)

    worker.add_parser(commands)

    manage = commands.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=_cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
