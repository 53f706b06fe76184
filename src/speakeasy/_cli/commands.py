"""``post``, ``search``, ``targets``, ``tail`` and ``serve`` (``run`` is in ``runcmd``).

Each returns the exit status: 0 done, 1 failed (the API said no, events not delivered),
2 bad usage (a bad file, a missing setting), as docs/cli.md lists.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from typing import IO, Any, Dict, Iterator, List, Optional, Tuple

from speakeasy._cli import output
from speakeasy._cli.config import ConfigError, client, say

OK, FAILED, USAGE = 0, 1, 2
#: ``post`` shows a progress line on a terminal from this many events on.
PROGRESS_FROM = 1000


def _connect(args: argparse.Namespace) -> Any:
    try:
        return client(args)
    except ConfigError as exc:
        say(str(exc))
        return None


# -- post -------------------------------------------------------------------------------


def post(args: argparse.Namespace) -> int:
    try:
        text = _read(args.file)
    except OSError as exc:
        say(f"cannot read {args.file}: {exc.strerror or exc}")
        return USAGE
    events, problems = parse_events(text)
    for problem in problems:
        print(f"{args.file}:{problem}", file=sys.stderr)
    if problems:
        say(f"{len(problems)} bad event(s): nothing was sent")
        return USAGE
    s = _connect(args)
    if s is None:
        return USAGE
    failed: List[int] = []
    show = sys.stderr.isatty() and len(events) >= PROGRESS_FROM
    with s:
        batcher = s.events.batcher(
            exit_timeout=args.timeout, on_error=lambda evs, exc: failed.append(len(evs))
        )
        for number, event in enumerate(events, 1):
            batcher.add(event)
            if show and number % 500 == 0:
                print(f"\rqueued {number}/{len(events)}", end="", file=sys.stderr, flush=True)
        batcher.close(args.timeout)
        stats = batcher.stats
    if show:
        print(file=sys.stderr)
    lost = stats.failed + stats.dropped + stats.pending
    print(f"sent {stats.sent} event(s), {lost} failed")
    return OK if lost == 0 else FAILED


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    with open(name, encoding="utf-8") as handle:
        return handle.read()


def parse_events(text: str) -> Tuple[List[Any], List[str]]:
    """The events of a JSON array or of JSON lines, checked as the batcher checks them;
    and every problem as ``"<line>: <field>: <problem>"``."""
    from speakeasy._encoding import encoder_for
    from speakeasy.models import errors, shared

    encode = encoder_for(shared.CliEvent)
    events: List[Any] = []
    problems: List[str] = []
    for line, value, error in _items(text):
        if error is not None:
            problems.append(f"{line}: {error}")
            continue
        try:
            event = _event(value, shared.CliEvent, errors.ValidationError)
            encode(event)
        except errors.ValidationError as exc:
            problems.append(f"{line}: {exc.field}: {exc.problem}")
            continue
        events.append(event)
    return events, problems


def _event(value: Any, cls: Any, invalid: Any) -> Any:
    import dataclasses

    if not isinstance(value, dict):
        raise invalid("event", f"expected a JSON object, got {type(value).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in value:
        if key not in fields:
            raise invalid(key, "is not a field of CliEvent")
    for name, field in fields.items():
        if field.default is dataclasses.MISSING and name not in value:
            raise invalid(name, "is required")
    for name in ("created_at", "local_started_at", "local_completed_at"):
        if value.get(name) is not None and not isinstance(value[name], str):
            raise invalid(name, "expected an RFC 3339 date-time string")
    try:
        return cls.from_dict(value)
    except invalid:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        location, problem = getattr(exc, "location", None), getattr(exc, "problem", None)
        if location and problem:  # the decoder's own DecodeError names the field
            raise invalid(location, problem) from None
        raise invalid("event", f"cannot be read ({exc})") from None


def _items(text: str) -> Iterator[Tuple[int, Any, Optional[str]]]:
    """(line number, value, parse error) of each element of an array, or of each line."""
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    if stripped.startswith("["):
        index = len(text) - len(stripped) + 1
        while True:
            index = _skip(text, index)
            if index >= len(text):
                yield text.count("\n", 0, index) + 1, None, "the array is not closed"
                return
            if text[index] == "]":
                return
            line = text.count("\n", 0, index) + 1
            try:
                value, index = decoder.raw_decode(text, index)
            except json.JSONDecodeError as exc:
                yield exc.lineno, None, f"not JSON ({exc.msg})"
                return
            yield line, value, None
            index = _skip(text, index)
            if index < len(text) and text[index] == ",":
                index += 1
        return
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.strip():
            try:
                yield number, json.loads(raw), None
            except json.JSONDecodeError as exc:
                yield number, None, f"not JSON ({exc.msg})"


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


# -- search, targets, tail -----------------------------------------------------------------


def _filters(args: argparse.Namespace) -> Dict[str, Any]:
    found = {
        "interaction_type": args.type,
        "execution_id": args.execution_id,
        "success": args.success,
        "generate_gen_lock_id": args.gen_lock_id,
        "source_revision_digest": args.source_revision_digest,
        "lint_report_digest": args.lint_report_digest,
        "openapi_diff_report_digest": args.openapi_diff_report_digest,
        "limit": getattr(args, "limit", None),
    }
    return {k: v for k, v in found.items() if v is not None}


def _answer(call: Any) -> Any:
    """The API's JSON answer of ``call()``, or None after saying why on stderr."""
    from speakeasy.models import errors

    try:
        return call().raw_response.json()
    except errors.ValidationError as exc:
        say(str(exc))
    except Exception as exc:  # an API error or a network failure: one line, exit 1
        say(f"{type(exc).__name__}: {exc}")
    return None


def search(args: argparse.Namespace) -> int:
    s = _connect(args)
    if s is None:
        return USAGE
    with s:
        rows = _answer(lambda: s.events.search_workspace_events(_filters(args)))
    if rows is None:
        return FAILED
    output.write(rows, args.format, sys.stdout, output.EVENT_COLUMNS)
    return OK


def targets(args: argparse.Namespace) -> int:
    s = _connect(args)
    if s is None:
        return USAGE
    with s:
        rows = _answer(lambda: s.events.get_workspace_targets())
    if rows is None:
        return FAILED
    output.write(rows, args.format, sys.stdout, output.TARGET_COLUMNS)
    return OK


def tail(args: argparse.Namespace, stop: Optional[threading.Event] = None) -> int:
    """Poll the search every ``--interval`` seconds; print the events not seen yet."""
    s = _connect(args)
    if s is None:
        return USAGE
    stop = stop or threading.Event()
    seen: Dict[str, None] = {}
    out: IO[str] = sys.stdout
    header = args.format == "table"
    try:
        with s:
            while not stop.is_set():
                rows = _answer(lambda: s.events.search_workspace_events(_filters(args)))
                fresh = [r for r in rows or [] if r.get("id") not in seen]
                fresh.sort(key=lambda r: str(r.get("created_at", "")))
                for row in fresh:
                    seen[str(row.get("id"))] = None
                if fresh:
                    if header:
                        output.table(fresh, out, output.EVENT_COLUMNS)
                        header = False
                    elif args.format == "table":
                        _rows_only(fresh, out)
                    else:
                        output.write(fresh, "jsonl", out, output.EVENT_COLUMNS)
                    out.flush()
                while len(seen) > 100_000:
                    seen.pop(next(iter(seen)))
                stop.wait(args.interval)
    except KeyboardInterrupt:
        pass
    return OK


def _rows_only(rows: List[Dict[str, Any]], out: IO[str]) -> None:
    import io

    buffer = io.StringIO()
    output.table(rows, buffer, output.EVENT_COLUMNS)
    out.write(buffer.getvalue().split("\n", 1)[1])


# -- serve ------------------------------------------------------------------------------------


def serve(args: argparse.Namespace) -> int:
    """The local events server until Ctrl-C (or SIGTERM)."""
    import signal

    from speakeasy.testing import EventsServer

    server = EventsServer(api_key=args.api_key, port=args.port)
    try:
        server.start()
    except OSError as exc:
        say(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}")
        return FAILED

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        print(f"Local events API: {server.url}  (SPEAKEASY_SERVER_URL={server.url})")
        print(f"Live page:        {server.url}/")
        print("Ctrl-C to stop.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return OK
