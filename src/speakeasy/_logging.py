"""The ``speakeasy`` logger. ``SPEAKEASY_LOG=debug`` (or ``info``) logs to stderr.

Records carry methods, paths, statuses, sizes and timings: never an API key,
never an event payload.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("speakeasy")
# Without a handler of its own, a WARNING would reach logging's "last resort"
# stderr printer in apps that never configured logging.
logger.addHandler(logging.NullHandler())


def _configure_from_env() -> None:
    level = os.environ.get("SPEAKEASY_LOG", "").strip().lower()
    if level not in ("debug", "info"):
        return
    if not any(getattr(h, "_speakeasy_env", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        handler._speakeasy_env = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)


_configure_from_env()
