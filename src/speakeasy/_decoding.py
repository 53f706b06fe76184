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

An absent field costs almost nothing (a CliEvent declares 82 fields; an
event sets a dozen or two). A slotted model gets three compiled decoders:

- per shape (the tuple of an object's keys) seen twice, up to 32 per class:
  straight-line code reading exactly those keys with ``d[key]`` and storing
  None in the absent fields; a shape of known keys only checks itself (as
  many keys, each found), so a list of alike objects needs no dispatch;
- for other objects, if sparse (a sixth of the fields or fewer), a loop over
  the keys present, each found in a dict of per-field converters;
- the reference: every declared field in order, read with ``get``. The two
  fast ones hand it any object they cannot take whole, so every error is
  decided (and shown in tracebacks) by this one alone.
"""

from __future__ import annotations

import typing
from datetime import datetime
from enum import Enum
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple, Type, TypeVar

from speakeasy._codegen import (
    MISSING,
    SCALAR_KINDS,
    FieldSpec,
    compile_function,
    is_model,
    model_fields,
)
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
        shapes = _shape_tables.get(cls)
        if shapes is not None and len(data) > 2 and data[0].__class__ is dict:
            # The shape of the first object, compiled if the second is alike: its decoder
            # checks each object's shape itself and hands the others to ``decode``.
            keys = tuple(data[0])
            if keys not in shapes and data[1].__class__ is dict and tuple(data[1]) == keys:
                decode(data[0]), decode(data[1])
            fast = shapes.get(keys)
            if fast is not None and fast.own_check:  # type: ignore[attr-defined]
                decode = fast
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


def _kind(cls: type, f: FieldSpec, hint: Any, env: Dict[str, Any], i: int) -> str:
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
    names = {f.name for f in model_fields(cls)}
    slots = {name for c in cls.__mro__ for name in vars(c).get("__slots__", ())}
    constructor: object = cls.__new__
    return (
        constructor is object.__new__
        and not hasattr(cls, "__post_init__")
        and names <= slots
        and not any(hasattr(c, "__dict__") and "__dict__" in vars(c) for c in cls.__mro__[:-1])
    )


class _Field(NamedTuple):
    """A dataclass field as the generators see it."""

    i: int  # its position among the dataclass fields
    name: str
    key: Optional[str]  # the JSON key; None: off the wire (``default`` says how to fill it)
    optional: bool
    kind: str  # a key of _TEMPLATES, or "" off the wire
    default: str  # off the wire: the expression of its default

    def convert(self, v: str) -> List[str]:
        """Lines turning ``v`` (the JSON value, present) into the field's value."""
        lines = [line.format(v=v, k=self.key, i=self.i) for line in _TEMPLATES[self.kind]]
        if self.optional:
            return [f"if {v} is not None:"] + ["    " + line for line in lines]
        return lines


class _Model(NamedTuple):
    cls: type
    fields: List[_Field]
    env: Dict[str, Any]
    direct: bool  # a bare instance is filled, no constructor call
    required: int  # how many required wire fields


def _model(cls: type) -> _Model:
    if not is_model(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    hints = field_hints(cls)
    env: Dict[str, Any] = {
        "cls": cls,
        "new": object.__new__,
        "_MISSING": _MISSING,
        "DecodeError": DecodeError,
        "_not_object": _not_object,
        "_str": _str,
        "_bool": _bool,
        "_int": _int,
        "_enum": _enum,
        "_datetime": _datetime,
        "shapes": RFC3339_SHAPES,
        "fromiso": datetime.fromisoformat,
    }
    fields: List[_Field] = []
    for i, f in enumerate(model_fields(cls)):
        if not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: init=False fields cannot be decoded")
        if not is_on_wire(f):
            if f.default is not MISSING:
                env[f"default_{i}"] = f.default
                default = f"default_{i}"
            elif f.default_factory is not MISSING:
                env[f"factory_{i}"] = f.default_factory
                default = f"factory_{i}()"
            else:
                raise TypeError(f"{cls.__name__}.{f.name}: a field off the wire needs a default")
            fields.append(_Field(i, f.name, None, True, "", default))
            continue
        hint = hints[f.name]
        optional = is_optional(f)
        if optional:
            inner = [a for a in typing.get_args(hint) if a is not type(None)]
            hint = inner[0] if len(inner) == 1 else typing.Union[tuple(inner)]
        kind = _kind(cls, f, hint, env, i)
        fields.append(_Field(i, f.name, wire_name(f), optional, kind, "None"))
    required = sum(1 for f in fields if f.key is not None and not f.optional)
    return _Model(cls, fields, env, _builds_directly(cls), required)


def _label(m: _Model, what: str) -> str:
    return f"decoder{what} {m.cls.__module__}.{m.cls.__qualname__}"


def _reference(m: _Model) -> Decoder:
    """Every declared field in order, read with ``get``: what raises every error.

    The faster decoders below hand any object they cannot take whole to this
    one, so every error (which field, in which order) is decided here.
    """
    body = [
        "if d.__class__ is not dict and not isinstance(d, dict):",
        "    _not_object(cls, d)",
        "get = d.get",
    ]
    if m.direct:  # fill a bare instance: no call, no argument passing
        body.append("o = new(cls)")
    for f in m.fields:
        v = f"a{f.i}"
        if f.key is None:
            body.append(f"{v} = {f.default}")
        elif f.optional:
            body.append(f"{v} = get({f.key!r})")
            body += f.convert(v)
        else:
            body.append(f"{v} = get({f.key!r}, _MISSING)")
            body += f.convert(v)
        if m.direct:
            body.append(f"o.{f.name} = {v}")
    args = ", ".join(f"a{f.i}" for f in m.fields)
    body.append("return o" if m.direct else f"return cls({args})")
    name = f"decode_{m.cls.__name__}"
    decoder: Decoder = compile_function(name, "d", body, _label(m, ""), dict(m.env))
    return decoder


def _by_keys_present(m: _Model, reference: Decoder) -> Decoder:
    """Visits the keys an object has, not the fields declared: an absent field costs one store.

    A converter per JSON key (a dict from the key) checks the value and sets the
    field; it returns 1 for a required field, so that a count says whether all
    were there. Anything amiss goes to ``reference``, which names the fault.
    """
    env = dict(m.env, reference=reference, DecodeError=DecodeError)
    table: List[str] = []
    for f in m.fields:
        if f.key is not None:
            table.append(f"def c_{f.i}(o, v):")
            table += ["    " + line for line in f.convert("v")]
            table.append(f"    o.{f.name} = v")
            table.append(f"    return {0 if f.optional else 1}")
    pairs = ", ".join(f"{f.key!r}: c_{f.i}" for f in m.fields if f.key is not None)
    table.append(f"return {{{pairs}}}")
    name = f"converters_{m.cls.__name__}"
    env["conv"] = compile_function(name, "", table, _label(m, " (converters)"), env)()
    body = [
        "if d.__class__ is not dict:",
        "    return reference(d)",
        "o = new(cls)",
        *(f"o.{f.name} = {f.default}" for f in m.fields if f.optional),
        "n = 0",
        "get = conv.get",
        "try:",
        "    for k, v in d.items():",
        "        c = get(k)",
        "        if c is not None:",
        "            n += c(o, v)",
        "except DecodeError:",
        "    pass",
        "else:",
        f"    if n == {m.required}:",
        "        return o",
        "return reference(d)",
    ]
    name = f"decode_{m.cls.__name__}_by_keys"
    decoder: Decoder = compile_function(name, "d", body, _label(m, " (keys present)"), env)
    return decoder


def _for_shape(
    m: _Model, keys: Tuple[str, ...], reference: Decoder, redispatch: Decoder, n: int
) -> Decoder:
    """Straight-line code for objects with exactly ``keys`` (all required ones among them).

    Each present field is read with ``d[key]``; each absent one costs one store of
    None. When every key is a field's, the decoder checks for itself that an object
    has this shape (as many keys, each found), so a list of alike objects needs
    no per-object dispatch; another shape goes back to ``redispatch``.
    """
    present = set(keys)
    own = present <= {f.key for f in m.fields if f.key is not None}  # no unknown key
    if any(f.key is not None and not f.optional and f.key not in present for f in m.fields):
        body = ["return reference(d)"]  # a required key absent: an error, named there
        own = False
    else:
        if own:  # the decoder checks the shape itself: as many keys, and each one found
            body = ["r = redispatch", f"if d.__class__ is dict and len(d) == {len(keys)}:"]
        else:
            body = ["r = reference", "if True:"]
        body += ["    try:", "        o = new(cls)"]
        for f in m.fields:
            if f.key is not None and f.key in present:
                body.append(f"        v = d[{f.key!r}]")
                body += ["        " + line for line in f.convert("v")]
                body.append(f"        o.{f.name} = v")
            else:  # absent (optional) or off the wire
                body.append(f"        o.{f.name} = {f.default}")
        body.append("        return o")
        if own:
            body += ["    except KeyError:", "        pass"]  # another shape: r is redispatch
        body += ["    except DecodeError:", "        r = reference", "return r(d)"]
    env = dict(m.env, reference=reference, redispatch=redispatch)
    name = f"decode_{m.cls.__name__}_shape{n}"
    decoder: Decoder = compile_function(name, "d", body, _label(m, f" (shape {n})"), env)
    decoder.own_check = own  # type: ignore[attr-defined]
    return decoder


#: Per class: the decoder of each shape compiled, by the shape (``tuple(d)``).
_shape_tables: Dict[type, Dict[Tuple[str, ...], Decoder]] = {}
_MAX_SHAPES = 32  # per class; objects of other shapes take the keys-present decoder
_SEEN_TO_COMPILE = 2  # a shape seen once may never come back: not worth compiling


def _compile(cls: type) -> Decoder:
    m = _model(cls)
    reference = _reference(m)
    if not m.direct:
        return reference
    by_keys: List[Decoder] = []  # compiled when first needed
    shapes: Dict[Tuple[str, ...], Decoder] = {}
    seen: Dict[Tuple[str, ...], int] = {}
    wanted = frozenset(f.key for f in m.fields if f.key is not None and not f.optional)
    # Visiting the keys present costs more per key than a ``get`` per declared field:
    # it wins only for sparse objects (CliEvent: 9 keys of 82 2.3 us vs 3.0 us; 22 keys
    # 4.1 us vs 3.6 us, measured 2026-12-06).
    sparse = len([f for f in m.fields if f.key is not None]) // 6

    def unshaped(keys: Tuple[str, ...]) -> Decoder:
        if len(keys) > sparse:
            return reference
        if not by_keys:
            by_keys.append(_by_keys_present(m, reference))
        return by_keys[0]

    def first_of_shape(keys: Tuple[str, ...]) -> Decoder:
        """A shape not compiled: count it, compile it once seen often enough."""
        if len(shapes) >= _MAX_SHAPES:
            return unshaped(keys)
        count = seen[keys] = seen.get(keys, 0) + 1
        if len(seen) > 4 * _MAX_SHAPES:  # shapes that never came back
            seen.clear()
        if count < _SEEN_TO_COMPILE or not wanted <= set(keys):
            return unshaped(keys)
        decoder = shapes[keys] = _for_shape(m, keys, reference, decode, len(shapes))
        return decoder

    get = shapes.get

    def decode(d: Any) -> Any:
        if d.__class__ is dict:
            keys = tuple(d)
            return (get(keys) or first_of_shape(keys))(d)
        return reference(d)

    _shape_tables[cls] = shapes
    return decode


CODECS.decoder_for = decoder_for  # the models' 5.x methods use it (see _model.CODECS)
