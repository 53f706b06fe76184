"""Decoding wire JSON into models (interim: through dataclasses-json)."""

from __future__ import annotations

from typing import Any, List, Type, TypeVar

_M = TypeVar("_M")


class DecodeError(ValueError):
    """Parsed JSON that does not fit a model: ``where`` it failed and the ``problem``."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


def decode_list(data: Any, cls: Type[_M]) -> List[_M]:
    """A JSON array of objects as models of ``cls``."""
    if not isinstance(data, list):
        raise DecodeError("$", f"expected a JSON array, got {type(data).__name__}")
    out: List[_M] = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise DecodeError(f"[{index}]", f"expected an object, got {type(item).__name__}")
        try:
            out.append(cls.from_dict(item))  # type: ignore[attr-defined]
        except KeyError as exc:
            raise DecodeError(f"[{index}].{exc.args[0]}", "missing") from None
        except (TypeError, ValueError) as exc:
            raise DecodeError(f"[{index}]", str(exc)) from None
    return out
