"""The core tests' clients call through both I/O edges."""

from __future__ import annotations

from typing import Any, Callable

import pytest

import speakeasy


@pytest.fixture
def sdk(on_edge: Callable[[Any], Any]) -> Callable[..., Any]:
    """``speakeasy.Speakeasy(...)`` whose operations run on the test's edge (sync, async)."""

    def make(*args: Any, **kwargs: Any) -> Any:
        return on_edge(speakeasy.Speakeasy(*args, **kwargs))

    return make
