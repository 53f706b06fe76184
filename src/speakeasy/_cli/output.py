"""Rows out: a table that fits the terminal, JSON, JSON lines or CSV of the wire names.

Colour only when the stream is a terminal, ``NO_COLOR`` is unset and ``TERM`` is not
``dumb`` (no-color.org).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from typing import IO, Any, Dict, List, Sequence

EVENT_COLUMNS = ("created_at", "interaction_type", "success", "duration_ms", "execution_id", "id")
TARGET_COLUMNS = ("id", "target_type", "generate_target", "last_event_created_at", "success")


def colour(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


def cell(value: Any) -> str:
    """A JSON value as text: strings as they are, the rest as JSON (``true``, ``12``)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def columns_of(rows: Sequence[Dict[str, Any]]) -> List[str]:
    """Every key of ``rows``, in the order each first appears."""
    seen: Dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def write(
    rows: Sequence[Dict[str, Any]], fmt: str, stream: IO[str], columns: Sequence[str]
) -> None:
    """``rows`` (JSON objects as the API sent them) in ``fmt``."""
    if fmt == "json":
        stream.write(json.dumps(list(rows), indent=2, ensure_ascii=False) + "\n")
    elif fmt == "jsonl":
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    elif fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        names = columns_of(rows)
        writer.writerow(names)
        for row in rows:
            writer.writerow([cell(row.get(name)) for name in names])
    else:
        table(rows, stream, columns)


def table(rows: Sequence[Dict[str, Any]], stream: IO[str], columns: Sequence[str]) -> None:
    """An aligned table of ``columns``, cut to the terminal's width."""
    on = colour(stream)
    width = shutil.get_terminal_size((100, 24)).columns
    texts = [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(t[i]) for t in texts)]) for i, c in enumerate(columns)]
    while sum(widths) + 2 * (len(widths) - 1) > width and max(widths) > 8:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    stream.write(paint(_line(list(columns), widths), "1", on) + "\n")
    for row, text in zip(rows, texts):
        line = _line(text, widths)
        if row.get("success") is False:
            line = paint(line, "31", on)
        stream.write(line + "\n")
    if not rows:
        stream.write("(no results)\n")


def _line(values: List[str], widths: List[int]) -> str:
    cut = [v if len(v) <= w else v[: max(w - 1, 0)] + "…" for v, w in zip(values, widths)]
    return "  ".join(c.ljust(w) for c, w in zip(cut, widths)).rstrip()
