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

import copy
import importlib
import json
import sys
import typing
import warnings
from datetime import datetime, timedelta
from enum import Enum
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Collection,
    Dict,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from speakeasy._codegen import MISSING, NOT_PROVIDED, FieldSpec, Model, NotProvided, model_fields
from speakeasy._lazy import LazyModule

if TYPE_CHECKING:
    from dataclasses_json import mm
else:  # imported when typing.get_type_hints reads schema()'s result, not before
    mm = LazyModule("dataclasses_json.mm")

_T = TypeVar("_T")
#: The model class a classmethod is called on (``typing.Self``, which 3.9 lacks).
_M = TypeVar("_M", bound="JsonModel")
_P = TypeVar("_P", bound="PydanticLike")


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


# --------------------------------------------------------------------------- 6.x/7.x
# What 6.x and 7.x users call on models (pydantic's names), without pydantic.
# What 6.x and 7.x users call on models (pydantic's names), without pydantic.
#
# ``JsonModel`` (the base of every wire model, made by ``_codegen.ModelMeta``)
# inherits ``PydanticLike``: ``model_dump``, ``model_dump_json``,
# ``model_validate``, ``model_validate_json``, ``model_copy`` and
# ``model_fields``, with what 7.0.0rc2's pydantic models give for the same
# events (``tests/migrating/upstream/test_pydantic_like.py`` compares them with the real
# package). The rest of pydantic's surface raises an ``AttributeError`` saying
# it is not provided. Where the two must differ (docs/models/pydantic-methods.md):
#
# - validation is this SDK's, strict: ``"12"`` is not an int, and a bad value
#   raises ``ValueError`` naming the field (pydantic raises its
#   ``ValidationError``, also a ``ValueError``); an enum value this SDK does
#   not know is kept as ``str`` (7.x refuses it);
# - ``exclude_unset`` leaves out the optional fields that are ``None``: the
#   models do not record which fields were given, and an optional field given
#   as ``None`` is the same as one not given;
# - a field newer than 7.0.0rc2 (``CliEvent.test_report_raw``) is in the dump
#   only when set, so that a 7.x program sees the keys it knows.

_ZERO = timedelta(0)


class ModelField:
    """One entry of ``model_fields``: what code reads of pydantic's ``FieldInfo``."""

    __slots__ = ("alias", "annotation", "default", "description")

    def __init__(self, annotation: Any, default: Any, alias: Optional[str]) -> None:
        self.annotation = annotation
        self.default = default  # ``...`` for a required field (pydantic: PydanticUndefined)
        self.alias = alias
        self.description: Optional[str] = None

    def is_required(self) -> bool:
        return self.default is ...

    def __repr__(self) -> str:
        required = "required=True" if self.is_required() else f"default={self.default!r}"
        return f"ModelField(annotation={self.annotation!r}, {required})"


_FIELDS: Dict[type, Dict[str, ModelField]] = {}
_ORDER: Dict[type, Tuple[FieldSpec, ...]] = {}


def _dump_order(cls: type) -> Tuple[FieldSpec, ...]:
    """The fields as 7.x declares them: the required ones in order, then the optional
    ones by name (fields off the wire, such as a response, are not part of the model)."""
    order = _ORDER.get(cls)
    if order is None:
        specs = [f for f in model_fields(cls) if not f.metadata.get("off_wire", False)]
        required = [f for f in specs if f.default is MISSING and f.default_factory is MISSING]
        optional = sorted((f for f in specs if f not in required), key=lambda f: f.name)
        order = _ORDER[cls] = (*required, *optional)
    return order


class _ModelFields:
    """``model_fields``, on the class and on instances: built once per class."""

    def __get__(self, instance: object, owner: type) -> Dict[str, ModelField]:
        fields = _FIELDS.get(owner)
        if fields is None:
            hints = typing.get_type_hints(owner)
            fields = _FIELDS[owner] = {}
            for f in _dump_order(owner):
                default = ... if f.default is MISSING else f.default
                alias = wire_name(f)
                fields[f.name] = ModelField(
                    hints[f.name], default, alias if alias != f.name else None
                )
        return fields


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if value.utcoffset() == _ZERO else text
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, PydanticLike):
        return value.model_dump(mode="json")
    return value


def _names(names: Optional[Collection[str]]) -> Optional[Collection[str]]:
    if names is None or isinstance(names, (set, frozenset, dict)):
        return names
    return set(names)


class PydanticLike:
    """The 6.x/7.x (pydantic) methods of a model; see the module's docstring."""

    __slots__ = ()

    #: Fields newer than 7.0.0rc2's model: dumped only when set.
    _newer_than_7x: typing.ClassVar[Collection[str]] = ()

    model_fields: typing.ClassVar[Dict[str, ModelField]] = _ModelFields()  # type: ignore[assignment]

    def model_dump(
        self,
        *,
        mode: str = "python",
        include: Optional[Collection[str]] = None,
        exclude: Optional[Collection[str]] = None,
        by_alias: bool = False,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> Dict[str, Any]:
        """The fields as a dict, in 7.x's order; ``mode="json"``: JSON values (date-times
        as RFC 3339 text, enum members as their value)."""
        if mode not in ("python", "json"):
            raise ValueError(f"mode: expected 'python' or 'json', got {mode!r}")
        return self._dump(
            mode, include, exclude, by_alias, exclude_unset, exclude_defaults, exclude_none
        )

    def _dump(
        self,
        mode: str,
        include: Optional[Collection[str]],
        exclude: Optional[Collection[str]],
        by_alias: bool,
        exclude_unset: bool,
        exclude_defaults: bool,
        exclude_none: bool,
    ) -> Dict[str, Any]:
        include, exclude = _names(include), _names(exclude)
        newer = self._newer_than_7x
        out: Dict[str, Any] = {}
        for f in _dump_order(type(self)):
            name = f.name
            if (include is not None and name not in include) or (exclude and name in exclude):
                continue
            value = getattr(self, name)
            optional = f.default is not MISSING
            if value is None and (exclude_none or (optional and exclude_unset) or name in newer):
                continue
            if exclude_defaults and optional and value == f.default:
                continue
            key = f.name
            if by_alias:
                key = wire_name(f)
            out[key] = _json_value(value) if mode == "json" else value
        return out

    def model_dump_json(
        self,
        *,
        indent: Optional[int] = None,
        include: Optional[Collection[str]] = None,
        exclude: Optional[Collection[str]] = None,
        by_alias: bool = False,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
    ) -> str:
        """``model_dump(mode="json")`` as JSON text: compact, or indented by ``indent``."""
        data = self._dump(
            "json", include, exclude, by_alias, exclude_unset, exclude_defaults, exclude_none
        )
        if indent is None:
            return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return json.dumps(data, ensure_ascii=False, indent=indent)

    @classmethod
    def model_validate(cls: Type[_P], obj: Any) -> _P:
        """A model from a dict of its fields (date-times as ``datetime`` or RFC 3339 text),
        checked as a read's JSON is; a model of this class is returned as it is."""
        if isinstance(obj, cls):
            return obj
        if not isinstance(obj, Mapping):
            raise ValueError(f"expected a {cls.__name__} or a dict, got {type(obj).__name__}")
        from speakeasy._datetime import datetime_to_wire

        data = {k: datetime_to_wire(v) if isinstance(v, datetime) else v for k, v in obj.items()}
        return CODECS.decoder_for(cls)(data)  # type: ignore[no-any-return]

    @classmethod
    def model_validate_json(cls: Type[_P], json_data: Union[str, bytes, bytearray]) -> _P:
        """A model from JSON text, checked as a read's answer is."""
        return CODECS.decoder_for(cls)(json.loads(json_data))  # type: ignore[no-any-return]

    def model_copy(
        self: _P, *, update: Optional[Mapping[str, Any]] = None, deep: bool = False
    ) -> _P:
        """A copy (``deep``: a deep copy), with the fields of ``update`` set, unchecked (as
        pydantic does)."""
        new = copy.deepcopy(self) if deep else copy.copy(self)
        names = {f.name for f in model_fields(type(self))}
        for name, value in (update or {}).items():
            if name not in names:
                raise ValueError(f"{name}: is not a field of {type(self).__name__}")
            object.__setattr__(new, name, value)
        return new


for _name in NOT_PROVIDED:
    setattr(PydanticLike, _name, NotProvided(_name))


class JsonModel(Model, PydanticLike):
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
    def from_dict(cls: Type[_M], kvs: Dict[str, Any], *, infer_missing: bool = False) -> _M:
        """Read a wire object; unknown keys are ignored, unknown enum values kept as str."""
        from dataclasses_json import DataClassJsonMixin

        return DataClassJsonMixin.from_dict.__func__(cls, kvs, infer_missing=infer_missing)  # type: ignore[attr-defined,no-any-return]

    @classmethod
    def from_json(
        cls: Type[_M], s: Union[str, bytes], *, infer_missing: bool = False, **kw: Any
    ) -> _M:
        """Read a wire object from JSON text (``kw`` go to ``json.loads``)."""
        return cls.from_dict(json.loads(s, **kw), infer_missing=infer_missing)

    @classmethod
    def schema(
        cls: Type[_M],
        *,
        infer_missing: bool = False,
        partial: bool = False,
        unknown: Optional[str] = "exclude",
        **kw: Any,
    ) -> mm.SchemaType[_M]:
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
