"""The command's settings: flags first, then ``SPEAKEASY_*`` variables; the client."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from speakeasy import Speakeasy

PROG = "speakeasy-events"


class ConfigError(Exception):
    """A setting is missing or wrong: the message names it and the next step."""


def setting(args: argparse.Namespace, name: str, variable: str) -> Optional[str]:
    value = getattr(args, name, None)
    return value if value else (os.environ.get(variable) or None)


def client(args: argparse.Namespace, need_workspace: bool = True) -> Speakeasy:
    """The client the flags and variables describe (``ConfigError`` naming what is missing)."""
    import speakeasy
    from speakeasy.models import errors, shared

    quiet_logs(bool(getattr(args, "verbose", False)))
    key = setting(args, "api_key", "SPEAKEASY_API_KEY")
    workspace = setting(args, "workspace_id", "SPEAKEASY_WORKSPACE_ID")
    server_url = setting(args, "server_url", "SPEAKEASY_SERVER_URL")
    if not key:
        raise ConfigError("no API key: set SPEAKEASY_API_KEY (or pass --api-key)")
    if need_workspace and not workspace:
        raise ConfigError("no workspace: set SPEAKEASY_WORKSPACE_ID (or pass --workspace-id)")
    retries = None
    budget = getattr(args, "retry_budget", None)
    if budget is not None:  # the reads' --timeout: how long retries may go on, in all
        from speakeasy.utils import BackoffStrategy, RetryConfig

        retries = RetryConfig("backoff", BackoffStrategy(500, 5000, 1.5, int(budget * 1000)), True)
    try:
        return speakeasy.Speakeasy(
            security=shared.Security(api_key=key),
            workspace_id=workspace,
            server_url=server_url,
            retry_config=retries,
        )
    except errors.SpeakeasyError as exc:
        raise ConfigError(str(exc)) from None


def quiet_logs(verbose: bool) -> None:
    """The SDK logs to stderr only with ``--verbose`` (the command reports in its own words)."""
    logger = logging.getLogger("speakeasy")
    if verbose:
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    elif not logger.handlers:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def say(message: str) -> None:
    """One line on stderr, prefixed with the command's name."""
    print(f"{PROG}: {' '.join(message.split())}", file=sys.stderr, flush=True)
