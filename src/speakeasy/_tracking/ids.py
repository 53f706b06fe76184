"""Identifiers of a run: a UUIDv7 per event, and the execution id that groups events.

The execution id follows Speakeasy's own tools, so that events from a Python step join
theirs: ``SPEAKEASY_EXECUTION_ID`` when set (the variable those tools set for the
processes they start); inside GitHub Actions the UUIDv5 the Speakeasy GitHub action
derives from the run's id and attempt; else one new id per process. The id chosen is
exported in ``SPEAKEASY_EXECUTION_ID``, so the processes this one starts share it.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import MutableMapping

#: The namespace of the Speakeasy GitHub action's execution ids.
GITHUB_NAMESPACE = uuid.UUID("360D564A-5583-4EF6-BC2B-99530BF036CC")
EXECUTION_ID_VARIABLE = "SPEAKEASY_EXECUTION_ID"


def uuid7() -> str:
    """A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits."""
    return _format(time.time_ns() // 1_000_000, int.from_bytes(os.urandom(10), "big"))


def _format(millis: int, rand: int) -> str:
    rand_a = (rand >> 62) & 0xFFF
    rand_b = rand & ((1 << 62) - 1)
    value = (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def github_execution_id(run_id: str, run_attempt: str) -> str:
    """The Speakeasy GitHub action's execution id for a workflow run's attempt."""
    name = f"GITHUB_RUN_ID_{run_id}, GITHUB_RUN_ATTEMPT_{run_attempt}"
    return str(uuid.uuid5(GITHUB_NAMESPACE, name))


def execution_id(env: MutableMapping[str, str]) -> str:
    """This process's execution id (see the module's docstring), exported in ``env``."""
    value = env.get(EXECUTION_ID_VARIABLE, "").strip()
    if not value:
        if env.get("GITHUB_ACTIONS") == "true" and env.get("GITHUB_RUN_ID"):
            value = github_execution_id(env["GITHUB_RUN_ID"], env.get("GITHUB_RUN_ATTEMPT", ""))
        else:
            value = str(uuid.uuid4())
        env[EXECUTION_ID_VARIABLE] = value
    return value
