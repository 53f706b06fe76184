"""The three reads, answered from the stored events of one workspace (or of every
workspace, for the workspace-less targets path).

- search: every filter given must match; newest first by ``created_at``; ``limit``.
- events by target: the events whose ``generate_gen_lock_id`` is the target, newest first,
  ``after_created_at`` strictly after.
- targets: one ``TargetSDK`` per workspace and ``generate_gen_lock_id``, built from its
  latest event; ``last_publish_*`` from its latest ``PUBLISH`` event; newest last event first,
  ``after_last_event_created_at`` strictly after.

Events with the same ``created_at`` are ordered by arrival, the later one first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import parse_qsl

from ._schema import BOOLEAN, DATETIME, INTERACTION, STRING, TARGET_SDK_FROM_EVENT, parse_rfc3339
from ._store import StoredEvent

LIMIT = "limit"

#: Query parameters of each read, and their kinds.
SEARCH_PARAMETERS: Dict[str, str] = {
    "source_revision_digest": STRING,
    "lint_report_digest": STRING,
    "openapi_diff_report_digest": STRING,
    "interaction_type": INTERACTION,
    "generate_gen_lock_id": STRING,
    "execution_id": STRING,
    "success": BOOLEAN,
    "limit": LIMIT,
}
BY_TARGET_PARAMETERS: Dict[str, str] = {"after_created_at": DATETIME}
TARGETS_PARAMETERS: Dict[str, str] = {"after_last_event_created_at": DATETIME}


class QueryError(ValueError):
    """A query parameter the server cannot use; the message names it."""


def parse_query(query: str, parameters: Dict[str, str]) -> Dict[str, Any]:
    """The typed values of a raw query string; raises :class:`QueryError`."""
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise QueryError("the query string is not valid UTF-8") from None
    values: Dict[str, Any] = {}
    for name, text in pairs:
        kind = parameters.get(name)
        if kind is None:
            known = ", ".join(parameters) or "none"
            raise QueryError(f"{name}: unknown query parameter (known: {known})")
        if name in values:
            raise QueryError(f"{name}: given more than once")
        values[name] = _parse_value(name, kind, text)
    return values


def _parse_value(name: str, kind: str, text: str) -> Any:
    if kind == BOOLEAN:
        if text not in ("true", "false"):
            raise QueryError(f"{name}: expected true or false, got {text!r}")
        return text == "true"
    if kind == LIMIT:
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise QueryError(f"{name}: expected a positive integer, got {text!r}")
        return int(text)
    if kind == DATETIME:
        parsed = parse_rfc3339(text)
        if parsed is None:
            hint = " (a '+' in a query must be sent as %2B)" if " " in text else ""
            raise QueryError(
                f"{name}: expected an RFC 3339 date-time with offset, got {text!r}{hint}"
            )
        return parsed
    if kind == INTERACTION and not text:
        raise QueryError(f"{name}: expected a non-empty interaction type")
    return text


def _newest_first(items: Sequence[StoredEvent]) -> List[StoredEvent]:
    return sorted(items, key=lambda item: (item.created_at, item.order), reverse=True)


def search(stored: Sequence[StoredEvent], query: Dict[str, Any]) -> List[Dict[str, Any]]:
    filters = [(name, value) for name, value in query.items() if name != LIMIT]
    matching = [
        item
        for item in stored
        if all(name in item.event and item.event[name] == value for name, value in filters)
    ]
    found = [item.event for item in _newest_first(matching)]
    limit: Optional[int] = query.get(LIMIT)
    return found if limit is None else found[:limit]


def events_by_target(
    stored: Sequence[StoredEvent], target_id: str, query: Dict[str, Any]
) -> List[Dict[str, Any]]:
    after: Optional[datetime] = query.get("after_created_at")
    matching = [
        item
        for item in stored
        if item.event.get("generate_gen_lock_id") == target_id
        and (after is None or item.created_at > after)
    ]
    return [item.event for item in _newest_first(matching)]


def targets(stored: Sequence[StoredEvent], query: Dict[str, Any]) -> List[Dict[str, Any]]:
    """One target per (workspace, ``generate_gen_lock_id``) of ``stored``."""
    by_target: Dict[Tuple[str, str], List[StoredEvent]] = {}
    for item in stored:
        target_id = item.event.get("generate_gen_lock_id")
        if target_id is not None:
            by_target.setdefault((item.workspace_id, target_id), []).append(item)
    after: Optional[datetime] = query.get("after_last_event_created_at")
    built: List[Tuple[StoredEvent, Dict[str, Any]]] = []
    for (_, target_id), items in by_target.items():
        ordered = _newest_first(items)
        latest = ordered[0]
        if after is not None and latest.created_at <= after:
            continue
        built.append((latest, _target(target_id, ordered)))
    built.sort(key=lambda pair: (pair[0].created_at, pair[0].order), reverse=True)
    return [target for _, target in built]


def _target(target_id: str, ordered: List[StoredEvent]) -> Dict[str, Any]:
    """One TargetSDK from a target's events, newest first."""
    latest = ordered[0].event
    # generate_target is required in a TargetSDK but optional in an event: the latest
    # event that names it, else "".
    generate_target = next(
        (item.event["generate_target"] for item in ordered if "generate_target" in item.event),
        "",
    )
    target: Dict[str, Any] = {
        "generate_gen_lock_id": target_id,
        "generate_target": generate_target,
        "id": target_id,
        "last_event_created_at": latest["created_at"],
        "last_event_id": latest["id"],
        "last_event_interaction_type": latest["interaction_type"],
    }
    for name in TARGET_SDK_FROM_EVENT:
        if name in latest:
            target[name] = latest[name]
    publish = next(
        (item.event for item in ordered if item.event["interaction_type"] == "PUBLISH"), None
    )
    if publish is not None:
        target["last_publish_created_at"] = publish["created_at"]
        if "gh_action_run_link" in publish:
            target["last_publish_gh_action_run_link"] = publish["gh_action_run_link"]
    return target
