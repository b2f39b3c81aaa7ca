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

    return serving.serve(host=args.host, port=args.port, threads=args.threads)


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
    serve.add_argument("--threads", type=int, default=8)
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
