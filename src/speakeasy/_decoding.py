"""Decoders compiled once per model class: parsed JSON in, typed models out.

``decoder_for(cls)`` reads the dataclass fields and their metadata (JSON key,
optional or required, type) and generates one function that checks every
field's JSON type and builds the model with one positional call. The source
is registered with ``linecache`` so tracebacks show it, as the encoder's is.

What it accepts, as the API's newer servers require:

- unknown keys are ignored; an optional field may be absent or ``null``;
- an enum value this SDK does not know arrives as the plain ``str``;
- date-times are RFC 3339 (``_datetime.datetime_from_wire``), always aware.

Anything else raises ``DecodeError`` naming where (``[3].created_at``) and
what (``missing``, ``expected bool, got str``); the send path wraps it in
``errors.SDKError`` with the response attached.

The generated code takes one inline fast path per field (an exact type
check) and leaves everything else (subclasses, wrong types, missing keys)
to the helpers below, which also raise the errors.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime
from enum import Enum
from typing import Any, Callable, Dict, List, Type, TypeVar

from speakeasy._codegen import SCALAR_KINDS, compile_function
from speakeasy._datetime import FROMISO_READS_Z, RFC3339_SHAPES, datetime_from_wire
from speakeasy._model import CODECS, field_hints, is_on_wire, is_optional, wire_name

_M = TypeVar("_M")
Decoder = Callable[[Any], Any]

_decoders: Dict[type, Decoder] = {}


class DecodeError(ValueError):
    """JSON that does not fit the model: ``location`` (``[3].created_at``) and ``problem``."""

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(location, problem)
        self.location = location
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.location}: {self.problem}" if self.location else self.problem

    def within(self, prefix: str) -> DecodeError:
        """The same error, located inside ``prefix`` (an index or a field)."""
        if not self.location:
            return DecodeError(prefix, self.problem)
        joiner = "" if self.location.startswith("[") else "."
        return DecodeError(f"{prefix}{joiner}{self.location}", self.problem)


def decoder_for(cls: Type[_M]) -> Callable[[Any], _M]:
    """The compiled decoder of a model class (built on first use, then cached)."""
    try:
        return _decoders[cls]
    except KeyError:
        decoder = _decoders[cls] = _compile(cls)
        return decoder


def decode_list(data: Any, cls: Type[_M]) -> List[_M]:
    """A JSON array (already parsed) of ``cls`` objects, as models; the first fault raises."""
    if data.__class__ is not list and not isinstance(data, list):
        raise DecodeError("", f"expected an array of {cls.__name__}, got {_json_type(data)}")
    decode = decoder_for(cls)
    try:
        return [decode(item) for item in data]
    except DecodeError:
        for index, item in enumerate(data):  # error path only: find the index
            try:
                decode(item)
            except DecodeError as exc:
                raise exc.within(f"[{index}]") from None
        raise  # pragma: no cover  (a decoder fails the same way twice)


def _json_type(value: object) -> str:
    """What a parsed JSON value is, in the words of the error messages."""
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def _fail(key: str, value: object, expected: str) -> typing.NoReturn:
    if value is _MISSING:
        raise DecodeError(key, "missing")
    raise DecodeError(key, f"expected {expected}, got {_json_type(value)}")


def _str(key: str, value: Any) -> str:
    if isinstance(value, str):
        return str(value)
    _fail(key, value, "str")


def _bool(key: str, value: Any) -> bool:
    _fail(key, value, "bool")


def _int(key: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    _fail(key, value, "int")


def _enum(key: str, value: Any, members: Dict[str, Any]) -> Any:
    if isinstance(value, str):
        return members.get(value, str(value))
    _fail(key, value, "str")


def _datetime(key: str, value: Any) -> datetime:
    if not isinstance(value, str):
        _fail(key, value, "an RFC 3339 date-time string")
    try:
        return datetime_from_wire(str(value))
    except ValueError as exc:
        raise DecodeError(key, f"not an RFC 3339 date-time ({exc})") from None


def _not_object(cls: type, value: Any) -> typing.NoReturn:
    raise DecodeError("", f"expected a {cls.__name__} object, got {_json_type(value)}")


# Each template turns ``{v}`` (the field's JSON value, or _MISSING) into the
# field's value; ``{k}`` is the JSON key. Optional fields run it only when
# ``{v}`` is not None.
_TEMPLATES = {
    "str": ["if {v}.__class__ is not str: {v} = _str({k!r}, {v})"],
    "bool": ["if {v} is not True and {v} is not False: {v} = _bool({k!r}, {v})"],
    "int": ["if {v}.__class__ is not int: {v} = _int({k!r}, {v})"],
    "enum": ["{v} = m_{i}.get({v}, {v}) if {v}.__class__ is str else _enum({k!r}, {v}, m_{i})"],
    # 3.11+: fromisoformat inline for the RFC 3339 shapes it reads exactly.
    "datetime_fast": [
        "if {v}.__class__ is str and {v}[4:20:3] in shapes and"
        " (({v}[-1] == 'Z' and {v}[-2] != '.')"
        " or ({v}[-3] == ':' and {v}[-6] in '+-' and {v}[-7] != '.')):",
        "    try:",
        "        {v} = fromiso({v})",
        "    except ValueError:",
        "        {v} = _datetime({k!r}, {v})",
        "else:",
        "    {v} = _datetime({k!r}, {v})",
    ],
    "datetime": ["{v} = _datetime({k!r}, {v})"],
}


def _kind(cls: type, f: dataclasses.Field[Any], hint: Any, env: Dict[str, Any], i: int) -> str:
    """The template for a field's type (registering what the template needs in ``env``)."""
    scalar = SCALAR_KINDS.get(hint)
    if scalar is not None:
        return scalar
    if hint is datetime:
        return "datetime_fast" if FROMISO_READS_Z else "datetime"
    args = typing.get_args(hint)
    enum_cls = args[0] if len(args) == 2 and args[1] is str else hint
    if isinstance(enum_cls, type) and issubclass(enum_cls, Enum) and issubclass(enum_cls, str):
        env[f"m_{i}"] = dict(enum_cls._value2member_map_)
        return "enum"
    raise TypeError(f"{cls.__name__}.{f.name}: no JSON decoding for {hint!r}")


def _builds_directly(cls: type) -> bool:
    """Whether the decoder may fill a bare instance (slotted, nothing run on construction)."""
    names = {f.name for f in dataclasses.fields(cls)}
    slots = {name for c in cls.__mro__ for name in vars(c).get("__slots__", ())}
    constructor: object = cls.__new__
    return (
        constructor is object.__new__
        and not hasattr(cls, "__post_init__")
        and names <= slots
        and not any(hasattr(c, "__dict__") and "__dict__" in vars(c) for c in cls.__mro__[:-1])
    )


def _compile(cls: type) -> Decoder:
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    direct = _builds_directly(cls)
    hints = field_hints(cls)
    env: Dict[str, Any] = {
        "cls": cls,
        "new": object.__new__,
        "_MISSING": _MISSING,
        "_not_object": _not_object,
        "_str": _str,
        "_bool": _bool,
        "_int": _int,
        "_enum": _enum,
        "_datetime": _datetime,
        "shapes": RFC3339_SHAPES,
        "fromiso": datetime.fromisoformat,
    }
    body = [
        "if d.__class__ is not dict and not isinstance(d, dict):",
        "    _not_object(cls, d)",
        "get = d.get",
    ]
    if direct:  # fill a bare instance: no call, no argument passing
        body.append("o = new(cls)")
    # One straight-line block per field. A loop over the keys present would
    # visit fewer fields, but costs more per field than a ``get`` does.
    args: List[str] = []
    for i, f in enumerate(dataclasses.fields(cls)):
        if not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: init=False fields cannot be decoded")
        v = f"a{i}"
        if not is_on_wire(f):
            if f.default is not dataclasses.MISSING:
                env[f"default_{i}"] = f.default
                body.append(f"{v} = default_{i}")
            elif f.default_factory is not dataclasses.MISSING:
                env[f"factory_{i}"] = f.default_factory
                body.append(f"{v} = factory_{i}()")
            else:
                raise TypeError(f"{cls.__name__}.{f.name}: a field off the wire needs a default")
        else:
            key = wire_name(f)
            hint = hints[f.name]
            optional = is_optional(f)
            if optional:
                inner = [a for a in typing.get_args(hint) if a is not type(None)]
                hint = inner[0] if len(inner) == 1 else typing.Union[tuple(inner)]
            kind = _kind(cls, f, hint, env, i)
            template = [line.format(v=v, k=key, i=i) for line in _TEMPLATES[kind]]
            if optional:
                body.append(f"{v} = get({key!r})")
                body.append(f"if {v} is not None:")
                body += ["    " + line for line in template]
            else:
                body.append(f"{v} = get({key!r}, _MISSING)")
                body += template
        if direct:
            body.append(f"o.{f.name} = {v}")
        args.append(v)
    body.append("return o" if direct else f"return cls({', '.join(args)})")
    label = f"decoder {cls.__module__}.{cls.__qualname__}"
    decoder: Decoder = compile_function(f"decode_{cls.__name__}", "d", body, label, env)
    return decoder


CODECS.decoder_for = decoder_for  # the models' 5.x methods use it (see _model.CODECS)
