"""The `staycertified` command: serve, import, demo."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return int(args.run(args) or 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="staycertified", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="the HTTP API of a sandbox on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 1))
    serve.add_argument(
        "--members",
        type=Path,
        default=None,
        help="CSV of members to import first (default: data/sample_members.csv)",
    )
    serve.add_argument("--empty", action="store_true", help="import no members")
    serve.set_defaults(run=_serve)

    load = commands.add_parser("import", help="import a member CSV and print the report")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--date", type=date.fromisoformat, default=None, help="today (default: today)"
    )
    load.add_argument("--table", help="a real DynamoDB table (default AWS credentials)")
    load.add_argument(
        "--outbox-table", help="the stack's OutboxTable, with --table (activation events)"
    )
    load.add_argument(
        "--no-activation-events",
        action="store_true",
        help="publish no CertificationActivated (IMPORTED): the badges already exist in Credly",
    )
    load.add_argument(
        "--new-certifications",
        action="store_true",
        help="the rows are certifications first granted: each written once, with its "
        "CertificationActivated (INITIAL) in the same transaction",
    )
    load.set_defaults(run=_import)

    demo = commands.add_parser("demo", help="a year of the system on the sample member base")
    demo.add_argument("--members", type=Path, default=None)
    demo.add_argument("--outbox", type=Path, default=Path("outbox"))
    demo.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 1))
    demo.add_argument("--end", type=date.fromisoformat, default=date(2026, 12, 31))
    demo.add_argument(
        "--seed",
        type=int,
        default=2026,
        help="every choice of the simulated year (same seed, same figures; default 2026)",
    )
    demo.set_defaults(run=_demo)
    return parser


def _serve(args: argparse.Namespace) -> int:
    from .demo import SAMPLE_MEMBERS
    from .sandbox import Sandbox
    from .server import serve

    members = None if args.empty else Path(args.members or SAMPLE_MEMBERS)
    with Sandbox(start=args.start) as sb:
        if members is not None:
            print_report(sb.load_members(members))
        server = serve(sb, args.port, members)
        print(f"Sandbox API and web site on http://127.0.0.1:{args.port} (today {sb.today}).")
        print(f"Sign in: http://127.0.0.1:{args.port}/signin.html; Ctrl-C stops it.")
        print("Authorization: Bearer dev:member:<memberId> | Bearer dev:staff:<name>")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    return 0


def _import(args: argparse.Namespace) -> int:
    from staycertified.store.importer import import_members, read_csv

    today = args.date or date.today()
    if args.table:
        import boto3

        resource = boto3.resource("dynamodb")
        outbox = resource.Table(args.outbox_table) if args.outbox_table else None
        report = import_members(
            read_csv(args.file),
            table=resource.Table(args.table),
            today=today,
            outbox_table=outbox,
            activation_events=not args.no_activation_events,
            new_certifications=args.new_certifications,
        )
    else:
        from .sandbox import Sandbox

        with Sandbox(start=today) as sb:
            report = sb.load_members(
                args.file,
                activation_events=not args.no_activation_events,
                new_certifications=args.new_certifications,
            )
    print_report(report)
    return 1 if report.errors else 0


def print_report(report: Any) -> None:
    print(f"imported: {report.imported}")
    for error in report.errors:
        line, code, message = _error_fields(error)
        print(f"  line {line}: {code} {message}")
    print(f"errors: {len(report.errors)}")
    for warning in getattr(report, "warnings", []):
        line, code, message = _error_fields(warning)
        print(f"  line {line}: warning {code} {message}")
    print(f"warnings: {len(getattr(report, 'warnings', []))}")


def _error_fields(error: Any) -> tuple[Any, Any, Any]:
    if isinstance(error, tuple):
        return error
    return error.line, error.code, error.message


def _demo(args: argparse.Namespace) -> int:
    from . import demo

    return demo.run(args)


if __name__ == "__main__":
    sys.exit(main())
