"""``speakeasy-events run -- COMMAND``: run it, record one event, exit with its status.

Like Honeycomb's ``buildevents cmd``: the command's streams are its own, SIGINT and
SIGTERM are passed on to it, and telemetry never changes the outcome: an event that
cannot be recorded costs one line on stderr, and the exit status is the command's.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import subprocess
import typing
from types import FrameType
from typing import Any, Dict, List, Optional, Tuple

from speakeasy._cli.config import ConfigError, client, say
from speakeasy._tracking import environment

#: A command that could not be started: the shell's statuses.
NOT_FOUND, NOT_EXECUTABLE = 127, 126
#: Fields ``run`` fills itself: ``--field`` may not set them.
_OWN_FIELDS = {
    "id",
    "execution_id",
    "workspace_id",
    "created_at",
    "local_started_at",
    "interaction_type",  # --type
}


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    argv: List[str] = list(args.argv)
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        parser.error("run: no command given (speakeasy-events run [options] -- COMMAND [ARGS...])")
    if not args.timeout > 0:
        parser.error("run: --timeout must be a number of seconds > 0")
    try:
        fields = parse_fields(args.field)
    except ValueError as exc:
        parser.error(f"run: {exc}")
    if environment.tracking_off(os.environ):
        return _status(_execute(argv))[0]
    recorder = _Recorder(args, argv, fields)
    status, error = _status(_execute(argv))
    recorder.finish(status, error)
    return status


def parse_fields(pairs: List[str]) -> Dict[str, Any]:
    """``NAME=VALUE`` pairs as event fields of the right type (``ValueError`` naming one)."""
    from speakeasy.models import shared

    hints = typing.get_type_hints(shared.CliEvent)
    known = {f.name for f in dataclasses.fields(shared.CliEvent)} - _OWN_FIELDS
    fields: Dict[str, Any] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq:
            raise ValueError(f"--field {pair!r}: expected NAME=VALUE")
        if name not in known:
            raise ValueError(f"--field {name}: not a field run may set (see docs/tracking.md)")
        kinds = typing.get_args(hints[name]) or (hints[name],)
        if bool in kinds:
            if value.lower() not in ("true", "false"):
                raise ValueError(f"--field {name}: expected true or false, got {value!r}")
            fields[name] = value.lower() == "true"
        elif int in kinds:
            try:
                fields[name] = int(value)
            except ValueError:
                raise ValueError(
                    f"--field {name}: expected a whole number, got {value!r}"
                ) from None
        elif str in kinds:
            fields[name] = value
        else:
            raise ValueError(f"--field {name}: cannot be set from the command line")
    return fields


class _Recorder:
    """The event of one run; any trouble setting it up is reported, never raised."""

    def __init__(self, args: argparse.Namespace, argv: List[str], fields: Dict[str, Any]) -> None:
        self.timeout: float = args.timeout
        self.failures: List[BaseException] = []
        self.batcher: Any = None
        self.run: Any = None
        try:
            self._start(args, argv, fields)
        except ConfigError as exc:
            say(f"not recording this run: {exc}")
        except Exception as exc:  # telemetry never fails the build
            say(f"not recording this run: {type(exc).__name__}: {exc}")

    def _start(self, args: argparse.Namespace, argv: List[str], fields: Dict[str, Any]) -> None:
        s = client(args)
        self.batcher = s.events.batcher(
            exit_timeout=self.timeout, on_error=lambda events, exc: self.failures.append(exc)
        )
        kind = args.type or ("CI_EXEC" if environment.ci_environment(os.environ) else "CLI_EXEC")
        run = s.events.track(kind, version=args.tool_version, batcher=self.batcher)
        for name, value in fields.items():
            setattr(run.event, name, value)
        run.event.raw_command = environment.masked_command(argv, run.mask)
        self.run = run.__enter__()

    def finish(self, status: int, error: Optional[str]) -> None:
        if self.run is None:
            return
        try:
            self.run.finish(None, error)
            delivered = self.batcher.close(self.timeout)
        except Exception as exc:  # telemetry never fails the build
            self.failures.append(exc)
            delivered = False
        if not delivered or self.failures:
            cause = self.failures[-1] if self.failures else None
            reason = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
            say(f"the event of this run was not recorded{reason}"[:500])


def _execute(argv: List[str]) -> Tuple[Optional[int], Optional[str]]:
    """Run ``argv``; (its return code, None), or (None, why it could not start)."""
    try:
        child = subprocess.Popen(argv)
    except FileNotFoundError:
        return None, f"command not found: {argv[0]}"
    except (PermissionError, OSError) as exc:
        return None, f"cannot run {argv[0]}: {exc.strerror or exc}"

    def forward(signum: int, frame: Optional[FrameType]) -> None:
        try:
            child.send_signal(signum)
        except OSError:
            pass

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while True:
            try:
                return child.wait(), None
            except KeyboardInterrupt:  # pragma: no cover - the handler above takes SIGINT
                continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _status(result: Tuple[Optional[int], Optional[str]]) -> Tuple[int, Optional[str]]:
    """The exit status ``run`` passes on, and the event's ``error`` (None: success)."""
    code, why = result
    if code is None:
        if why is not None:
            say(why)
        return (NOT_FOUND if why and why.startswith("command not found") else NOT_EXECUTABLE), why
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return 128 - code, f"killed by signal {-code} ({name})"
    if code:
        return code, f"exit status {code}"
    return 0, None
