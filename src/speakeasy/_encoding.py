"""Wire encoders compiled once per model class.

``encoder_for(cls)`` reads the dataclass fields and their dataclasses-json
metadata (wire name, encoder, exclude-when-None) and generates one function
that validates every field and writes compact JSON with sorted keys, the
bytes Speakeasy's generated SDKs send. The source is registered with
``linecache`` so tracebacks show it. ``tests/models/test_encoding.py`` proves
the output equal to dataclasses-json's own encoding.

The generated function builds each object with one f-string of its
required fields and, per run of optional fields between them, one string of
the present ones: no list, no join over dozens of empty pieces. Exact types
take inline fast paths; anything else (subclasses, naive datetimes, bad
values) goes through the helpers below, which also raise the errors. An
unset optional field costs one attribute load and one test. ``encode_list``
runs the same code compiled as a loop over the list (no call per item) and
joins the pieces into one ``str``, encoded once: building ``bytes`` per item
measured slower (each item's ``encode`` call costs more than one large copy).
"""

from __future__ import annotations

import typing
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from json.encoder import encode_basestring_ascii
from typing import Any, Callable, Sequence

from speakeasy._codegen import (
    SCALAR_KINDS,
    FieldSpec,
    compile_function,
    model_fields,
)
from speakeasy._datetime import datetime_to_wire
from speakeasy._model import CODECS, field_hints, is_on_wire, is_optional, wire_name
from speakeasy.models.errors import FieldTypeError, ValidationError

Encoder = Callable[[Any], str]

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_encoders: dict[type, Encoder] = {}
_many: dict[type, Callable[[Sequence[Any]], list[str]]] = {}  # the list encoder of each

# Fast datetime formatting: ``isoformat`` costs ~1 us; fields plus two small
# caches cost under half that. ``_SUFFIXES`` maps a whole-minute UTC offset
# to its RFC 3339 suffix (learnt from the slow path, at most 2,879 of them).
_DIGITS: dict[str, tuple[str, ...]] = {}  # "d2", "d3", "d3dot"; filled by the first compile
_DAYS: dict[date, str] = {}
_SUFFIXES: dict[timedelta, str] = {timedelta(0): "Z"}


def encoder_for(cls: type) -> Encoder:
    """The compiled encoder of a model class (built on first use, then cached)."""
    try:
        return _encoders[cls]
    except KeyError:
        encoder: Encoder = _compile(cls, many=False)
        _encoders[cls] = encoder
        return encoder


def _list_encoder(cls: type) -> Callable[[Sequence[Any]], list[str]]:
    """The compiled encoder of a list of ``cls``: the JSON of each item, in a list."""
    try:
        return _many[cls]
    except KeyError:
        encoder: Callable[[Sequence[Any]], list[str]] = _compile(cls, many=True)
        _many[cls] = encoder
        return encoder


def encode_list(values: Sequence[Any], item_cls: type, field: str) -> bytes:
    """A JSON array of models, validated in full before anything is returned."""
    if not isinstance(values, (list, tuple)):
        raise FieldTypeError(
            field, f"expected a list of {item_cls.__name__}, got {type(values).__name__}"
        )
    encode_all = _list_encoder(item_cls)
    try:
        parts = encode_all(values)
    except (ValidationError, AttributeError) as exc:
        raise _locate(values, item_cls, field) from exc
    if not parts:
        return b"[]"
    parts[0] = "[" + parts[0]
    parts[-1] += "]"
    text = ",".join(parts)
    del parts  # halve the peak: the pieces go before the bytes are made
    return text.encode("ascii")


def _locate(values: Sequence[Any], item_cls: type, field: str) -> ValidationError:
    """Re-run the failing item to name it by index (error path only)."""
    encode = encoder_for(item_cls)
    for index, value in enumerate(values):
        where = f"{field}[{index}]"
        if not isinstance(value, item_cls):
            return FieldTypeError(
                where, f"expected {item_cls.__name__}, got {type(value).__name__}"
            )
        try:
            encode(value)
        except ValidationError as exc:
            name = exc.field.split(".", 1)[1] if "." in exc.field else exc.field
            return type(exc)(f"{where}.{name}", exc.problem)
    raise AssertionError("unreachable: no item failed twice")  # pragma: no cover


def _type_name(value: object) -> str:
    return type(value).__name__


def _fail(cls: type, name: str, value: object, expected: str) -> typing.NoReturn:
    where = f"{cls.__name__}.{name}"
    if value is None:
        raise FieldTypeError(where, f"is required, got None (expected {expected})")
    raise FieldTypeError(where, f"expected {expected}, got {_type_name(value)}")


def _str(cls: type, name: str, value: object) -> str:
    if not isinstance(value, str):
        _fail(cls, name, value, "str")
    return encode_basestring_ascii(value)


def _bool(cls: type, name: str, value: object) -> str:
    _fail(cls, name, value, "bool")


def _int64(cls: type, name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(cls, name, value, "int")
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise ValidationError(f"{cls.__name__}.{name}", "out of the int64 range")
    return int.__repr__(value)


def _open_enum(cls: type, name: str, value: object, enum_cls: type[Enum]) -> str:
    if isinstance(value, str) and (not isinstance(value, Enum) or isinstance(value, enum_cls)):
        return encode_basestring_ascii(value)
    _fail(cls, name, value, f"{enum_cls.__name__} or str")


def _closed_enum(cls: type, name: str, value: object, enum_cls: type[Enum]) -> str:
    if isinstance(value, enum_cls):
        return encode_basestring_ascii(value)  # type: ignore[arg-type]  # a str enum
    if isinstance(value, str) and not isinstance(value, Enum):
        if value in enum_cls._value2member_map_:
            return encode_basestring_ascii(value)
        allowed = ", ".join(repr(m.value) for m in enum_cls)
        raise ValidationError(f"{cls.__name__}.{name}", f"{value!r} is not one of {allowed}")
    _fail(cls, name, value, enum_cls.__name__)


def _datetime(cls: type, name: str, value: object, encode: Callable[[Any], str]) -> str:
    """The slow path: subclasses, naive datetimes, offsets not yet seen."""
    if not isinstance(value, datetime):
        _fail(cls, name, value, "datetime")
    try:
        text = encode(value)
    except ValidationError:
        raise
    except (OverflowError, ValueError) as exc:  # year 1 or 9999 moved to UTC or local time
        raise ValidationError(
            f"{cls.__name__}.{name}", f"cannot be written as an RFC 3339 date-time ({exc})"
        ) from None
    if encode is datetime_to_wire and value.__class__ is datetime:
        offset = value.utcoffset()
        if offset is not None and not (offset.seconds % 60 or offset.microseconds):
            _SUFFIXES[offset] = text[-6:] if offset else "Z"  # "+05:30": next time fast
    return encode_basestring_ascii(text)


def _day(value: date) -> str:
    """``YYYY-MM-DDT`` of a date, cached (a batch spans few days)."""
    if len(_DAYS) >= 1024:
        _DAYS.clear()
    text = _DAYS[value] = value.isoformat() + "T"
    return text


# Each template validates ``v`` (the field's value, not None) and sets ``{x}``
# to its JSON text; ``{n}`` is the field name.
_TEMPLATES = {
    "str": [
        "{x} = esc(v) if v.__class__ is str else _str(cls, {n!r}, v)",
    ],
    "bool": [
        "{x} = 'true' if v is True else 'false' if v is False else _bool(cls, {n!r}, v)",
    ],
    "int": [
        "if v.__class__ is int and {lo} <= v <= {hi}:",
        "    {x} = int_repr(v)",
        "else:",
        "    {x} = _int64(cls, {n!r}, v)",
    ],
    "open_enum": [
        "if v.__class__ is str or v.__class__ is enum_{n}:",
        "    {x} = esc(v)",
        "else:",
        "    {x} = _open_enum(cls, {n!r}, v, enum_{n})",
    ],
    "closed_enum": [
        "{x} = esc(v) if v.__class__ is enum_{n} else _closed_enum(cls, {n!r}, v, enum_{n})",
    ],
    "datetime": [
        "if v.__class__ is datetime:",
        "    z = 'Z' if v.tzinfo is utc else suffixes.get(v.utcoffset())",
        "else:",
        "    z = None",
        "if z is None:",
        "    {x} = _datetime(cls, {n!r}, v, enc_{n})",
        "else:",
        "    u = v.microsecond",
        "    if u:",
        "        {x} = f'\"{{days.get(v.date()) or day(v.date())}}{{d2[v.hour]}}:{{d2[v.minute]}}:"
        "{{d2[v.second]}}{{d3dot[u // 1000]}}{{d3[u % 1000]}}{{z}}\"'",
        "    else:",
        "        {x} = f'\"{{days.get(v.date()) or day(v.date())}}{{d2[v.hour]}}:{{d2[v.minute]}}:"
        "{{d2[v.second]}}{{z}}\"'",
    ],
    "datetime_custom": [
        "{x} = _datetime(cls, {n!r}, v, enc_{n})",
    ],
}


def _digits() -> dict[str, tuple[str, ...]]:
    """Tables of ``"07"``, ``"007"``, ``".007"``: built at first use, not at import."""
    if not _DIGITS:
        _DIGITS["d2"] = tuple(f"{i:02d}" for i in range(100))
        _DIGITS["d3"] = tuple(f"{i:03d}" for i in range(1000))
        _DIGITS["d3dot"] = tuple(f".{i:03d}" for i in range(1000))
    return _DIGITS


def _kind(cls: type, f: FieldSpec, hint: Any, env: dict[str, Any]) -> str:
    """The template for a field's type (registering what the template needs in ``env``)."""
    meta = f.metadata.get("dataclasses_json", {})
    n = f.name
    scalar = SCALAR_KINDS.get(hint)
    if scalar is not None:
        return scalar
    if hint is datetime:
        encoder = meta.get("encoder")
        if encoder is None:  # dataclasses-json would send a float timestamp
            raise TypeError(f"{cls.__name__}.{n}: a datetime field needs encoder=")
        env[f"enc_{n}"] = encoder
        return "datetime" if encoder is datetime_to_wire else "datetime_custom"
    args = typing.get_args(hint)
    if len(args) == 2 and args[1] is str and _is_str_enum(args[0]):
        env[f"enum_{n}"] = args[0]
        return "open_enum"
    if _is_str_enum(hint):
        env[f"enum_{n}"] = hint
        return "closed_enum"
    raise TypeError(f"{cls.__name__}.{n}: no wire encoding for {hint!r}")


def _is_str_enum(tp: Any) -> bool:
    # A str enum member is its value: ``esc(member)`` is the JSON of ``member.value``.
    return isinstance(tp, type) and issubclass(tp, Enum) and issubclass(tp, str)


def _fstring_literal(text: str) -> str:
    """``text`` as the literal part of a single-quoted f-string."""
    for old, new in (("\\", "\\\\"), ("'", "\\'"), ("{", "{{"), ("}", "}}")):
        text = text.replace(old, new)
    return text


def _compile(cls: type, many: bool) -> Any:
    """The encoder of one ``cls``, or with ``many`` the same code in a loop over a list."""
    hints = field_hints(cls)

    on_wire = [f for f in model_fields(cls) if is_on_wire(f)]
    fields = sorted(on_wire, key=wire_name)  # sort_keys order
    env: dict[str, Any] = {
        "cls": cls,
        "esc": encode_basestring_ascii,
        "int_repr": int.__repr__,
        "datetime": datetime,
        "utc": timezone.utc,
        "suffixes": _SUFFIXES,
        "days": _DAYS,
        "day": _day,
        **_digits(),
        "_fail": _fail,
        "_str": _str,
        "_bool": _bool,
        "_int64": _int64,
        "_open_enum": _open_enum,
        "_closed_enum": _closed_enum,
        "_datetime": _datetime,
        "FieldTypeError": FieldTypeError,
    }
    body = [
        "if o.__class__ is not cls and not isinstance(o, cls):",
        f"    raise FieldTypeError({cls.__name__!r}, 'expected ' + cls.__name__ + ', got '"
        " + type(o).__name__)",
    ]
    # Required fields go straight into one f-string. Each run of optional
    # fields between them gathers its present ones in one ``g`` string: a
    # join costs per piece, and most optional fields are unset. Optional
    # fields sorted before the first required one end with a comma instead of
    # starting with one, so no comma ever needs trimming.
    first = next((i for i, f in enumerate(fields) if not is_optional(f)), len(fields))
    out = ""  # the f-string that joins the fields: literal keys, {x0}, {g1}...
    gap = ""  # the ``g`` variable of the current run of optional fields
    for i, f in enumerate(fields):
        n = f.name
        hint = hints[n]
        if is_optional(f):
            args = typing.get_args(hint)
            hint = next(a for a in args if a is not type(None)) if len(args) == 2 else hint
        key = _fstring_literal(encode_basestring_ascii(wire_name(f)) + ":")
        template = [
            line.format(n=n, x=f"x{i}", lo=_INT64_MIN, hi=_INT64_MAX)
            for line in _TEMPLATES[_kind(cls, f, hint, env)]
        ]
        if is_optional(f):
            if not gap:
                gap = f"g{i}"
                body.append(f"{gap} = ''")
                out += f"{{{gap}}}"
            # (With no required field at all, every piece starts with one, trimmed once.)
            piece = f"{key}{{x{i}}}," if i < first < len(fields) else f",{key}{{x{i}}}"
            # An unset field costs a load and a test: no store, no second load.
            body += [f"if o.{n} is not None:", f"    v = o.{n}"]
            body += ["    " + line for line in template]
            body.append(f"    {gap} += f'{piece}'")
        else:
            gap = ""
            body.append(f"v = o.{n}")
            body += template
            out += (key if i == first else "," + key) + f"{{x{i}}}"
    if first < len(fields):
        result = f"f'{{{{{out}}}}}'"
    else:  # no required field: trim the leading comma
        body.append(f"s = f'{out}'")
        result = "'{' + s[1:] + '}' if s else '{}'"
    label = f"wire encoder {cls.__module__}.{cls.__qualname__}"
    name = f"encode_{cls.__name__}"
    if not many:
        return compile_function(name, "o", [*body, f"return {result}"], label, env)
    # The same code in a loop over a list: no call per item.
    loop = ["out = []", "append = out.append", "for o in values:"]
    loop += ["    " + line for line in body] + [f"    append({result})", "return out"]
    return compile_function(f"{name}_list", "values", loop, label + " (list)", env)


CODECS.encoder_for = encoder_for  # the models' 5.x methods use it (see _model.CODECS)
