"""``ErrorData``: the API's error body as a plain model, as 7.x's ``errors.Error.data`` is."""

from __future__ import annotations

from speakeasy._codegen import field
from speakeasy._model import JsonModel, wire

__all__ = ["ErrorData"]


class ErrorData(JsonModel):
    """The JSON body of a 5XX ``Error`` answer: ``message`` and ``status_code``.

    A model, not an exception: it offers ``to_dict``, ``to_json``, ``from_dict``,
    ``from_json`` and ``schema()`` like the other models.
    """

    message: str = field(metadata=wire())
    r"""A developer-facing error message."""
    status_code: int = field(metadata=wire())
    r"""The HTTP status code, as the server wrote it in the body."""
