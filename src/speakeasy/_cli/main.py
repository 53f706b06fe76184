"""``speakeasy-events``: record runs of any command, post and read events.

Only the standard library's ``argparse`` is imported until a command runs: the SDK and
its dependencies are imported by the command itself, so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, List, Optional

#: Exit codes (docs/cli.md): done, failed, bad usage. ``run`` exits with its command's.
OK, FAILED, USAGE = 0, 1, 2
PROG = "speakeasy-events"
INTERACTION_TYPES = (
    "CI_EXEC CLI_EXEC LINT OPENAPI_DIFF TARGET_GENERATE TOMBSTONE AUTHENTICATE QUICKSTART "
    "RUN CONFIGURE PUBLISH TEST"
).split()
FORMATS = ("table", "json", "jsonl", "csv")

_EPILOG = """\
configuration (flags win over the environment):
  SPEAKEASY_API_KEY       the API key (--api-key)
  SPEAKEASY_WORKSPACE_ID  the workspace (--workspace-id)
  SPEAKEASY_SERVER_URL    the API's base URL (--server-url); default the production API
  DO_NOT_TRACK=1          `run` records nothing (the command still runs)
  NO_COLOR                no colour, even on a terminal

exit status: 0 done; 1 failed (an API error, events not delivered); 2 bad usage.
`run` exits with its command's own status (128+N when killed by signal N).
Guide: docs/cli.md
"""


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection")
    group.add_argument("--server-url", metavar="URL", help="default $SPEAKEASY_SERVER_URL")
    group.add_argument("--workspace-id", metavar="ID", help="default $SPEAKEASY_WORKSPACE_ID")
    group.add_argument(
        "--api-key",
        metavar="KEY",
        help="default $SPEAKEASY_API_KEY (prefer the variable: flags show in process lists)",
    )
    group.add_argument("-v", "--verbose", action="store_true", help="log the SDK's work to stderr")
    return common


def _filtering(
    sub: Any, common: argparse.ArgumentParser, name: str, help: str, description: str
) -> argparse.ArgumentParser:
    """A command that lists events, with the filters on their fields."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, parents=[common], help=help, description=description
    )
    parser.add_argument(
        "--type", choices=INTERACTION_TYPES, metavar="TYPE", help="interaction type"
    )
    parser.add_argument("--execution-id", metavar="ID")
    outcome = parser.add_mutually_exclusive_group()
    outcome.add_argument("--success", action="store_const", const=True, dest="success")
    outcome.add_argument("--failed", action="store_const", const=False, dest="success")
    parser.add_argument("--gen-lock-id", metavar="ID", help="generate_gen_lock_id")
    parser.add_argument("--source-revision-digest", metavar="DIGEST")
    parser.add_argument("--lint-report-digest", metavar="DIGEST")
    parser.add_argument("--openapi-diff-report-digest", metavar="DIGEST")
    return parser


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Record runs of any command as Speakeasy events; post, search and "
        "follow events of a workspace; serve a local events API.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command_name", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        parents=[common],
        help="run a command and record it as one event",
        description="Run COMMAND with its standard streams untouched, record one event "
        "(timing, outcome, CI and git context), post it within --timeout, and exit with "
        "the command's own status. Telemetry never fails the build: an event that cannot "
        "be delivered costs one line on stderr.",
        usage=f"{PROG} run [--type TYPE] [--field NAME=VALUE ...] [--timeout S] "
        "-- COMMAND [ARGS...]",
    )
    run.add_argument(
        "--type",
        choices=INTERACTION_TYPES,
        metavar="TYPE",
        help="interaction type (default CI_EXEC in CI, else CLI_EXEC)",
    )
    run.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set an event field (repeatable), e.g. --field last_step=build",
    )
    run.add_argument(
        "--timeout",
        type=float,
        default=3.0,
        metavar="S",
        help="seconds to wait for delivery after the command (default 3)",
    )
    run.add_argument(
        "--tool-version",
        dest="tool_version",
        metavar="VERSION",
        help="speakeasy_version of the event (default $SPEAKEASY_VERSION)",
    )
    run.add_argument("argv", nargs=argparse.REMAINDER, help="the command, after --")

    post = sub.add_parser(
        "post",
        parents=[common],
        help="post events from a file",
        description="Post the events of FILE (a JSON array or JSON lines; "
        "- for stdin). Every bad line is reported before anything is sent.",
    )
    post.add_argument("file", metavar="FILE|-")
    post.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds to wait for delivery (default 30)",
    )

    search = _filtering(
        sub, common, "search", help="search events", description="Search the workspace's events."
    )
    search.add_argument("--limit", type=int, metavar="N", help="at most N events")
    search.add_argument("--format", choices=FORMATS, default="table")
    _retry_budget(search)

    targets = sub.add_parser("targets", parents=[common], help="list the workspace's targets")
    targets.add_argument("--format", choices=FORMATS, default="table")
    _retry_budget(targets)

    tail = _filtering(
        sub,
        common,
        "tail",
        help="print new events as they arrive",
        description="Print new events as they arrive, until interrupted.",
    )
    tail.add_argument(
        "--interval", type=float, default=2.0, metavar="S", help="seconds between polls (default 2)"
    )
    tail.add_argument("--format", choices=("table", "jsonl"), default="table")

    serve = sub.add_parser(
        "serve",
        help="serve a local events API and its live page",
        description="Serve the local events API (speakeasy.testing) on "
        "loopback, with its live page, until interrupted.",
    )
    serve.add_argument("--port", type=int, default=8080, help="default 8080; 0: any free port")
    serve.add_argument(
        "--api-key", default=None, help="the only key accepted (default: any non-empty key)"
    )
    return parser


def _retry_budget(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--timeout",
        dest="retry_budget",
        type=_seconds,
        default=30.0,
        metavar="S",
        help="seconds the read may keep retrying an unreachable or busy server (default 30)",
    )


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be a number of seconds, above 0 and at most 3600")
    return value


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.version:
        from speakeasy._version import __version__

        print(f"{PROG} {__version__}")
        return OK
    if args.command_name is None:
        parser.print_help(sys.stderr)
        return USAGE
    if args.command_name == "run":
        from speakeasy._cli.runcmd import run

        return run(args, parser)
    import speakeasy._cli.commands as commands

    return int(getattr(commands, args.command_name)(args))


def console() -> None:
    """The console script's entry point."""
    sys.exit(main())
