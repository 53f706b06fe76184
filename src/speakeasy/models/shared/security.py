"""The API's one security scheme: an API key in the ``x-api-key`` header."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Security:
    """Credentials sent with every request. The key is never shown in a repr."""

    api_key: str
    r"""Sent as the ``x-api-key`` header."""

    def __repr__(self) -> str:
        return "Security(api_key='***')"

    __str__ = __repr__
