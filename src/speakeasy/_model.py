"""Machinery shared by the wire models.

Every model is a slotted dataclass whose fields carry the metadata that
dataclasses-json reads (``letter_case``, ``encoder``, ``decoder``,
``exclude``). The fast encoder in ``_encoding`` is compiled from the same
metadata, and a property test proves the two agree.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any, Callable, TypeVar, cast

if TYPE_CHECKING:
    from typing_extensions import Self

_T = TypeVar("_T")


def slotted(cls: type[_T]) -> type[_T]:
    """Rebuild a dataclass with ``__slots__`` (``dataclass(slots=True)`` needs 3.10).

    Slots make construction faster and an event about five times smaller.
    """
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    body = dict(cls.__dict__)
    for name in (*names, "__dict__", "__weakref__"):
        body.pop(name, None)
    body["__slots__"] = names
    new = cast("type[_T]", type(cls.__name__, cls.__bases__, body))
    new.__qualname__ = cls.__qualname__
    return new


def _fixed_name(name: str) -> Callable[[str], str]:
    return lambda _: name


def _is_none(value: object) -> bool:
    return value is None


def wire_field(
    name: str,
    *,
    optional: bool = False,
    encoder: Callable[[Any], Any] | None = None,
    decoder: Callable[[Any], Any] | None = None,
) -> Any:
    """A dataclass field with dataclasses-json metadata; optional ones default to None."""
    meta: dict[str, Any] = {"letter_case": _fixed_name(name)}
    if encoder is not None:
        meta["encoder"] = encoder
    if decoder is not None:
        meta["decoder"] = decoder
    if optional:
        meta["exclude"] = _is_none
        return dataclasses.field(default=None, metadata={"dataclasses_json": meta})
    return dataclasses.field(metadata={"dataclasses_json": meta})


def open_enum_decoder(enum_cls: Any) -> Callable[[Any], Any]:
    """Decode to the enum member when known, else keep the plain string."""
    members = enum_cls._value2member_map_

    def decode(value: Any) -> Any:
        return members.get(value, value) if isinstance(value, str) else value

    return decode


class JsonModel:
    """dataclasses-json's dict and JSON methods, without importing it until used.

    ``_encoding.WireModel`` adds the compiled, validating ``to_json``.
    """

    __slots__ = ()

    def to_dict(self, encode_json: bool = False) -> dict[str, Any]:
        """A dict of the wire fields, by dataclasses-json (unset optional fields left out)."""
        from dataclasses_json import DataClassJsonMixin

        return DataClassJsonMixin.to_dict(self, encode_json=encode_json)  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Read a wire object; unknown keys are ignored, unknown enum values kept as str."""
        from dataclasses_json import DataClassJsonMixin

        return DataClassJsonMixin.from_dict.__func__(cls, data)  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        """Read a wire object from JSON text."""
        return cls.from_dict(json.loads(text))
