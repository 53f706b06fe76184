"""Could msgspec (the ``[fast]`` extra) write the post body? Same bytes, and CPU time.

    .venv/bin/python bench/bench_encode_native.py     # needs msgspec (the dev extra has it)

Times, in CPU time (medians of 9 alternating runs), on bench_sdk.py's 10,000
events: the pure encoder (``encode_list``); msgspec alone on dicts already in the
wire form (the native part of any msgspec route); the cheapest Python pass that
reads the 82 slots of each event (``attrgetter``), which any route must run to
hand msgspec something it can read; and that pass building dicts without the
unset fields (still no type checks, date-times and enums left as they are) with
msgspec's encoding of them. Then it prints what each writes for a non-ASCII
string and whether msgspec takes a lone surrogate (the pure encoder writes
``\\ud800``; the wire form is ASCII, as dataclasses-json writes it).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from operator import attrgetter
from typing import Any, Callable, Dict, List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import msgspec
from bench_sdk import raw_rows

from speakeasy._encoding import encode_list
from speakeasy.models.shared import CliEvent


def main() -> None:
    rows = raw_rows(10_000)
    events = [CliEvent(**r) for r in rows]
    names = sorted(CliEvent.__field_specs__)
    get = attrgetter(*names)
    native = msgspec.json.Encoder(order="sorted")
    wire_dicts = json.loads(encode_list(events, CliEvent, "request_body"))

    def pure() -> Any:
        return encode_list(events, CliEvent, "request_body")

    def msgspec_alone() -> Any:
        return native.encode(wire_dicts)

    def read_slots() -> Any:
        return [get(e) for e in events]

    def dicts_then_msgspec() -> Any:
        built = [{k: v for k, v in zip(names, get(e)) if v is not None} for e in events]
        return native.encode(built)

    cases: List[Callable[[], Any]] = [pure, msgspec_alone, read_slots, dicts_then_msgspec]
    times: Dict[str, List[float]] = {c.__name__: [] for c in cases}
    for _ in range(9):
        for case in cases:
            start = time.process_time()
            case()
            times[case.__name__].append(time.process_time() - start)
    print(f"load average {os.getloadavg()[0]:.1f}; CPU ms, medians of 9, 10,000 events")
    for name, samples in times.items():
        print(f"  {name:20s} {statistics.median(samples) * 1000:7.1f}")

    event = CliEvent(**{**rows[0], "hostname": "h\u00f4te-\u00e9\U0001f600"})
    ours = encode_list([event], CliEvent, "request_body")
    theirs = native.encode(json.loads(ours))
    at = ours.find(b'"hostname"')
    print("pure   ", ours[at : at + 44])
    at = theirs.find(b'"hostname"')
    print("msgspec", theirs[at : at + 30])
    print("same bytes:", ours == theirs)
    try:
        native.encode(["\ud800"])
        print("lone surrogate: written")
    except UnicodeEncodeError as exc:
        print(f"lone surrogate: {type(exc).__name__}")


if __name__ == "__main__":
    main()
