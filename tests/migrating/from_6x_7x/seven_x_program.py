"""A program written for upstream 7.0.0rc2, in its style, as a user would have it.

    python seven_x_program.py SERVER_URL [--model-dump]

It posts, searches, lists targets on the workspace-less path, catches ``errors.Error`` and
reads ``e.data``, sync and then async; with ``--model-dump`` it also calls ``model_dump()``
on a result (the pydantic-style methods, issue 27 item 3: only where this SDK's models
have them). The test serves it a 501 with an error body for the target id ``boom``.
Only ``speakeasy_client_sdk_python`` is imported, as 7.x code does.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import datetime, timezone
from typing import List

from speakeasy_client_sdk_python import Speakeasy
from speakeasy_client_sdk_python.models import errors, operations, shared
from speakeasy_client_sdk_python.utils import BackoffStrategy, RetryConfig

SERVER_URL = sys.argv[1]
MODEL_DUMP = "--model-dump" in sys.argv[2:]
WORKSPACE = "ws-7x"
RETRIES = RetryConfig("backoff", BackoffStrategy(10, 100, 1.5, 5000), False)


def events(execution_id: str) -> List[shared.CliEventTypedDict]:
    now = datetime(2025, 1, 6, 12, 0, tzinfo=timezone.utc)
    return [
        {
            "created_at": now,
            "execution_id": execution_id,
            "id": f"{execution_id}-{n}",
            "interaction_type": shared.InteractionType.CLI_EXEC,
            "local_started_at": now,
            "speakeasy_api_key_name": "key-name",
            "speakeasy_version": "1.462.2",
            "success": True,
            "workspace_id": WORKSPACE,
            "generate_bump_type": shared.GenerateBumpType.PRERELEASE,
        }
        for n in range(2)
    ]


def check_error(e: errors.Error) -> None:
    assert isinstance(e.data, errors.ErrorData)
    assert (e.data.message, e.data.status_code) == ("boom", 501), e.data


def check_found(found: operations.SearchWorkspaceEventsResponse, execution_id: str) -> None:
    batch = found.cli_event_batch
    assert batch is not None
    assert sorted(e.id for e in batch) == [f"{execution_id}-0", f"{execution_id}-1"]
    if MODEL_DUMP:
        dumped = batch[0].model_dump(mode="json")  # type: ignore[attr-defined]
        assert dumped["execution_id"] == execution_id, dumped
        assert dumped["created_at"] == "2025-01-06T12:00:00Z", dumped


def sync_part() -> None:
    with Speakeasy(
        security=shared.Security(api_key="<YOUR_API_KEY_HERE>"),
        server_url=SERVER_URL,
        debug_logger=logging.getLogger("seven_x"),
    ) as speakeasy:
        res = speakeasy.events.post(
            request={"request_body": events("exec-sync"), "workspace_id": WORKSPACE},
            retries=RETRIES,
            timeout_ms=10_000,
            http_headers={"x-request-id": "r-1"},
        )
        assert res is not None and res.status_code == 200
        found = speakeasy.events.search(
            request={"workspace_id": WORKSPACE, "execution_id": "exec-sync"}
        )
        check_found(found, "exec-sync")
        targets = speakeasy.events.get_targets(request={})
        assert targets.target_sdk_list is not None
        try:
            speakeasy.events.get_events_by_target(
                request={"target_id": "boom", "workspace_id": WORKSPACE}
            )
        except errors.Error as e:
            check_error(e)
        else:
            raise AssertionError("no errors.Error")


async def async_part() -> None:
    async with Speakeasy(
        security=lambda: shared.Security(api_key="<YOUR_API_KEY_HERE>"),
        server_url=SERVER_URL,
    ) as speakeasy:
        res = await speakeasy.events.post_async(
            request={"request_body": events("exec-async"), "workspace_id": WORKSPACE},
            retries=RETRIES,
        )
        assert res.status_code == 200
        found = await speakeasy.events.search_async(
            request={"workspace_id": WORKSPACE, "execution_id": "exec-async"}
        )
        check_found(found, "exec-async")
        targets = await speakeasy.events.get_targets_async(request={})
        assert targets.target_sdk_list is not None
        try:
            await speakeasy.events.get_events_by_target_async(
                request={"target_id": "boom", "workspace_id": WORKSPACE}
            )
        except errors.Error as e:
            check_error(e)
        else:
            raise AssertionError("no errors.Error")


sync_part()
asyncio.run(async_part())
print("7.x-style program: ok" + (" (with model_dump)" if MODEL_DUMP else ""))
