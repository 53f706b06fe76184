"""``ErrorData``: the API's error body as a plain model, as 7.x's ``errors.Error.data`` is."""

from __future__ import annotations

import dataclasses

from speakeasy._model import JsonModel, wire

__all__ = ["ErrorData"]


@dataclasses.dataclass
class ErrorData(JsonModel):
    """The JSON body of a 5XX ``Error`` answer: ``message`` and ``status_code``.

    A model, not an exception: it offers ``to_dict``, ``to_json``, ``from_dict``,
    ``from_json`` and ``schema()`` like the other models.
    """

    message: str = dataclasses.field(metadata=wire())
    r"""A developer-facing error message."""
    status_code: int = dataclasses.field(metadata=wire())
    r"""The HTTP status code, as the server wrote it in the body."""
