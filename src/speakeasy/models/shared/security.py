"""The API's security schemes; the client sends every one that is set."""

from __future__ import annotations

from typing import Optional

from speakeasy._codegen import Model, field, model_fields


def _scheme(kind: str, sub_type: str, header: str) -> dict[str, dict[str, object]]:
    return {"security": {"scheme": True, "type": kind, "sub_type": sub_type, "field_name": header}}


class Security(Model, frozen=True):
    """Credentials sent with every request. No value is ever shown in a repr.

    Each field's metadata names its header, as in the generated SDKs.
    """

    api_key: Optional[str] = field(
        default=None, repr=False, metadata=_scheme("apiKey", "header", "x-api-key")
    )
    r"""Sent as the ``x-api-key`` header."""

    bearer: Optional[str] = field(
        default=None, repr=False, metadata=_scheme("http", "bearer", "Authorization")
    )
    r"""Sent as ``Authorization: Bearer <token>`` (the prefix added unless present)."""

    workspace_identifier: Optional[str] = field(
        default=None, repr=False, metadata=_scheme("apiKey", "header", "x-workspace-identifier")
    )
    r"""Sent as the ``x-workspace-identifier`` header."""

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{f.name}={'***' if getattr(self, f.name) is not None else None}"
            for f in model_fields(type(self))
        )
        return f"Security({shown})"

    __str__ = __repr__
