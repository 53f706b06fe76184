"""Machinery shared by the wire models.

Every model is made by ``_codegen.ModelMeta`` (a dataclass without the
``dataclasses`` import: see there) from fields declared with ``_codegen.field(...)``
(so mypy and pyright see which are required), carrying the metadata
dataclasses-json reads (``letter_case``, ``encoder``, ``decoder``, ``exclude``).
The encoder (``_encoding``) and the decoder (``_decoding``) are compiled from
the same metadata; a property test proves the encoder equal to dataclasses-json.

This module imports neither codec (they import it, as ``errors`` may: no
cycle) and imports dataclasses-json only when a method needs it (~100 ms).
``models.shared._base.WireModel`` puts the compiled codecs behind the methods,
through ``CODECS``: the codecs sit above the models and register themselves
here when they load (``import speakeasy`` loads them), so no model imports them.
"""

from __future__ import annotations

import importlib
import json
import sys
import warnings
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Tuple

from speakeasy._codegen import FieldSpec, Model, model_fields

if TYPE_CHECKING:
    from dataclasses_json.mm import SchemaType
    from typing_extensions import Self


class Codecs:
    """The compiled encoder and decoder factories, set by ``_encoding`` and ``_decoding``.

    The codecs sit above the models (they read model classes, and raise
    ``models.errors``): each registers its factory here when it loads. A model
    used before its codec was loaded (``import speakeasy`` loads none, so that
    ``import speakeasy.testing`` stays light) has it loaded by name on first use.
    """

    encoder_for: Callable[[type], Callable[[Any], str]]
    decoder_for: Callable[[type], Callable[[Any], Any]]

    def __getattr__(self, name: str) -> Any:  # only for a factory not registered yet
        provider = {"encoder_for": "speakeasy._encoding", "decoder_for": "speakeasy._decoding"}
        if name not in provider:
            raise AttributeError(name)
        importlib.import_module(provider[name])  # registers the factory on self
        return self.__dict__[name]


CODECS = Codecs()

#: The marshmallow schema class of each model, built on first use.
_SCHEMAS: Dict[Tuple[type, bool, bool], Any] = {}


def slotted(cls: Any) -> Any:
    """Rebuild a real dataclass with ``__slots__`` (``dataclass(slots=True)`` needs 3.10).

    The SDK's models take ``slots=True`` instead; this serves dataclasses written by hand.
    """
    names = tuple(f.name for f in model_fields(cls))
    body = dict(cls.__dict__)
    for name in (*names, "__dict__", "__weakref__"):
        body.pop(name, None)
    body["__slots__"] = names
    new = type(cls.__name__, cls.__bases__, body)
    new.__qualname__ = cls.__qualname__
    return new


def _fixed_name(name: str) -> Callable[[str], str]:
    return lambda _: name


def _is_none(value: object) -> bool:
    return value is None


def _always(value: object) -> bool:
    return True


def wire(
    *,
    optional: bool = False,
    name: Optional[str] = None,
    encoder: Optional[Callable[[Any], Any]] = None,
    decoder: Optional[Callable[[Any], Any]] = None,
) -> Dict[str, Any]:
    """Field metadata for ``dataclasses.field(metadata=...)``.

    ``optional`` fields (declared with ``default=None``) are left out of the
    JSON when None; ``name`` is the JSON key when it differs from the field's.
    """
    meta: Dict[str, Any] = {}
    if name is not None:
        meta["letter_case"] = _fixed_name(name)
    if encoder is not None:
        meta["encoder"] = encoder
    if decoder is not None:
        meta["decoder"] = decoder
    if optional:
        meta["exclude"] = _is_none
    return {"dataclasses_json": meta}


def off_wire() -> Dict[str, Any]:
    """Field metadata for a field that is never read from nor written to JSON."""
    return {"dataclasses_json": {"exclude": _always}, "off_wire": True}


def is_optional(f: FieldSpec) -> bool:
    """Whether a wire field is optional (omitted when None); checks it defaults to None."""
    optional = "exclude" in f.metadata.get("dataclasses_json", {})
    if optional != (f.default is None):
        raise TypeError(f"{f.name}: optional wire fields, and only they, default to None")
    return optional


def is_on_wire(f: FieldSpec) -> bool:
    return not f.metadata.get("off_wire", False)


def wire_name(f: FieldSpec) -> str:
    """The JSON key of a field."""
    meta = f.metadata.get("dataclasses_json", {})
    return meta["letter_case"](f.name) if "letter_case" in meta else f.name


def field_hints(cls: type) -> Dict[str, Any]:
    """The resolved type of each wire field (fields off the wire may name anything)."""
    hints: Dict[str, Any] = {}
    for f in model_fields(cls):
        if not is_on_wire(f):
            continue
        hint = f.type
        if isinstance(hint, str):
            owner = next(c for c in cls.__mro__ if f.name in vars(c).get("__annotations__", {}))
            namespace = vars(sys.modules[owner.__module__])
            hint = eval(hint, namespace)  # the annotation text, in its own module
        hints[f.name] = hint
    return hints


def open_enum_decoder(enum_cls: Any) -> Callable[[Any], Any]:
    """Decode to the enum member when known, else keep the plain string."""
    members = enum_cls._value2member_map_

    def decode(value: Any) -> Any:
        return members.get(value, value) if isinstance(value, str) else value

    return decode


class JsonModel(Model):
    """The methods of a 5.x generated model (dataclasses-json's), imported only when used.

    ``models.shared._base.WireModel`` puts the compiled encoder and decoder behind them.
    """

    __slots__ = ()

    def to_dict(self, encode_json: bool = False) -> Dict[str, Any]:
        """A dict of the wire fields, by dataclasses-json (unset optional fields left out)."""
        from dataclasses_json import DataClassJsonMixin

        return DataClassJsonMixin.to_dict(self, encode_json=encode_json)  # type: ignore[arg-type]

    def to_json(self, **kw: Any) -> str:
        """JSON of ``to_dict()``: compact with sorted keys, or as ``json.dumps(**kw)`` says."""
        from dataclasses_json import DataClassJsonMixin

        if not kw:
            kw = {"separators": (",", ":"), "sort_keys": True}
        return DataClassJsonMixin.to_json(self, **kw)  # type: ignore[arg-type]

    @classmethod
    def from_dict(cls, kvs: Dict[str, Any], *, infer_missing: bool = False) -> Self:
        """Read a wire object; unknown keys are ignored, unknown enum values kept as str."""
        from dataclasses_json import DataClassJsonMixin

        return DataClassJsonMixin.from_dict.__func__(cls, kvs, infer_missing=infer_missing)  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def from_json(cls, s: str | bytes, *, infer_missing: bool = False, **kw: Any) -> Self:
        """Read a wire object from JSON text (``kw`` go to ``json.loads``)."""
        return cls.from_dict(json.loads(s, **kw), infer_missing=infer_missing)

    @classmethod
    def schema(
        cls,
        *,
        infer_missing: bool = False,
        partial: bool = False,
        unknown: Optional[str] = "exclude",
        **kw: Any,
    ) -> SchemaType[Self]:
        """The marshmallow schema dataclasses-json builds, for code written against 5.x.

        Unknown keys are excluded, as 5.x models declare. ``to_dict``/``to_json``
        are the wire forms: this schema dumps date-times as timestamps, as 5.x's did.
        """
        key = (cls, infer_missing, partial)
        schema_cls = _SCHEMAS.get(key)
        if schema_cls is None:
            from dataclasses_json import DataClassJsonMixin
            from dataclasses_json.mm import build_schema

            with warnings.catch_warnings():
                # dataclasses-json warns "Unknown type str at CliEvent.id" for every field,
                # and marshmallow about how dataclasses-json builds fields: noise to users.
                warnings.simplefilter("ignore")
                schema_cls = build_schema(cls, DataClassJsonMixin, infer_missing, partial)
            _SCHEMAS[key] = schema_cls
        off = tuple(f.name for f in model_fields(cls) if not is_on_wire(f))
        if off:
            kw.setdefault("exclude", off)
        return schema_cls(partial=partial, unknown=unknown, **kw)
