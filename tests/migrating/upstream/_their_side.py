"""Run inside the 5.9.15 virtualenv (``python -I _their_side.py``): one request on stdin.

Also imported by the tests for ``describe``, so both SDKs' models are
described by the same code. Nothing here imports ``speakeasy`` at module level.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Any, Dict, List


def make_datetime(parts: List[Any]) -> datetime:
    """``[y, m, d, H, M, S, us, offset_minutes]`` as a datetime (naive if the offset is None)."""
    *fields, minutes = parts
    zone = None if minutes is None else timezone(timedelta(minutes=minutes))
    return datetime(*fields, tzinfo=zone)


def describe(obj: Any, names: List[str]) -> Dict[str, Any]:
    """A model's fields as JSON-able values that keep type, instant and offset."""
    out: Dict[str, Any] = {}
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, datetime):
            offset = value.utcoffset()
            seconds = None if offset is None else offset.total_seconds()
            out[name] = {"datetime": value.replace(tzinfo=None).isoformat(), "offset": seconds}
        elif isinstance(value, Enum):
            out[name] = {"enum": type(value).__name__, "value": value.value}
        else:
            out[name] = {type(value).__name__: value}
    return out


def build_kwargs(shared: Any, spec: Dict[str, Any]) -> Dict[str, Any]:
    """Constructor arguments from ``{"field": {"kind": ..., "value": ...}}``."""
    kwargs: Dict[str, Any] = {}
    for name, item in spec.items():
        kind, value = item["kind"], item["value"]
        if kind == "datetime":
            kwargs[name] = make_datetime(value)
        elif kind == "enum":
            kwargs[name] = getattr(shared, item["enum"])(value)
        else:
            kwargs[name] = value
    return kwargs


def main() -> None:
    from typing import List as TList
    from typing import Optional

    from speakeasy import utils
    from speakeasy.models import operations, shared

    request = json.load(sys.stdin)
    if request["op"] == "fields":
        out: Any = {
            cls.__name__: [f.name for f in dataclasses.fields(cls)]
            for cls in (shared.CliEvent, shared.TargetSDK)
        }
    elif request["op"] == "post_body":
        events = [shared.CliEvent(**build_kwargs(shared, spec)) for spec in request["events"]]
        body = operations.PostWorkspaceEventsRequest(request_body=events)
        # Exactly what post_workspace_events sends (events.py): this call's ``data``.
        _, data, _ = utils.serialize_request_body(
            body, operations.PostWorkspaceEventsRequest, "request_body", False, False, "json"
        )
        out = data
    elif request["op"] == "decode":
        # Exactly how the read operations decode a 200 application/json answer.
        cls = getattr(shared, request["model"])
        try:
            models = utils.unmarshal_json(request["text"], Optional[TList[cls]])
        except Exception as exc:
            out = {"error": type(exc).__name__, "message": str(exc)[:200]}
        else:
            names = [f.name for f in dataclasses.fields(cls)]
            out = {"decoded": [describe(m, names) for m in models]}
    elif request["op"] == "calls":
        # The operations themselves, on the wire, against a server the test runs.
        s = __import__("speakeasy").Speakeasy(
            security=shared.Security(api_key=request["api_key"]),
            workspace_id=request["workspace_id"],
            server_url=request["server_url"],
        )
        out = []
        for call in request["calls"]:
            kwargs = build_kwargs(shared, call["fields"])
            if call["op"] == "post_workspace_events":
                events = [shared.CliEvent(**build_kwargs(shared, e)) for e in call["events"]]
                kwargs["request_body"] = events
            req = getattr(operations, call["request"])(**kwargs)
            try:
                out.append(getattr(s.events, call["op"])(req).status_code)
            except Exception as exc:  # their SDKError: its status is the answer
                out.append(getattr(exc, "status_code", type(exc).__name__))
    else:
        raise SystemExit(f"unknown op {request['op']!r}")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
