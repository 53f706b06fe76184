"""Checks of a batcher's options and timeouts: the error names the option, before any work."""

from __future__ import annotations

import math
import os
import time
from datetime import datetime, timezone
from typing import Callable, Optional

from speakeasy.models import shared
from speakeasy.models.errors import FieldTypeError, ValidationError


def positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldTypeError(name, f"expected int, got {type(value).__name__}")
    if value < 1:
        raise ValidationError(name, "must be >= 1")
    return value


def batch_bytes(value: object, encode: Callable[[shared.CliEvent], str]) -> int:
    """``max_batch_bytes``: at least what the smallest event needs (else every add fails)."""
    size = positive_int("max_batch_bytes", value)
    smallest = len(encode(smallest_event())) + 2  # the brackets of the array
    if size < smallest:
        raise ValidationError(
            "max_batch_bytes",
            f"is {size}: no event fits; the smallest useful value is {smallest} "
            f"(the smallest CliEvent encodes to {smallest - 2} bytes, plus 2 for the brackets)",
        )
    return size


def smallest_event() -> shared.CliEvent:
    """The CliEvent with the shortest JSON: required fields only, each as short as it gets."""
    when = datetime(2000, 1, 1, tzinfo=timezone.utc)
    return shared.CliEvent(
        created_at=when,
        execution_id="",
        id="",
        interaction_type=shared.InteractionType.RUN,
        local_started_at=when,
        speakeasy_api_key_name="",
        speakeasy_version="",
        success=True,
        workspace_id="",
    )


def seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldTypeError(name, f"expected seconds as a number, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0:
        raise ValidationError(name, "must be a finite number of seconds >= 0")
    return float(value)


def directory(name: str, value: object) -> str:
    """An absolute path (the directory itself is checked by the spool)."""
    if not isinstance(value, (str, os.PathLike)):
        raise FieldTypeError(name, f"expected a path, got {type(value).__name__}")
    path = os.fspath(value)
    if not isinstance(path, str):
        raise FieldTypeError(name, "expected a text path, got bytes")
    return os.path.abspath(path)


def deadline(name: str, timeout: Optional[float]) -> Optional[float]:
    """When ``timeout`` seconds from now run out, on the monotonic clock (None: never)."""
    if timeout is None:
        return None
    return time.monotonic() + seconds(name, timeout)


def remaining(deadline: Optional[float]) -> Optional[float]:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def too_large(field: str, size: int, limit: int) -> ValidationError:
    return ValidationError(
        field,
        f"encodes to {size} bytes; one event may take at most max_batch_bytes - 2 = {limit - 2}",
    )
