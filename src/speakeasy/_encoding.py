"""Wire encoders compiled once per model class.

``encoder_for(cls)`` reads the dataclass fields and their dataclasses-json
metadata (wire name, encoder, exclude-when-None) and generates one function
that validates every field and writes compact JSON with sorted keys, the
bytes Speakeasy's generated SDKs send. The source is registered with
``linecache`` so tracebacks show it. ``tests/test_encoding.py`` proves the
output equal to dataclasses-json's own encoding.
"""

from __future__ import annotations

import dataclasses
import linecache
import sys
import typing
from datetime import datetime, timezone
from enum import Enum
from json.encoder import encode_basestring_ascii
from typing import Any, Callable, Sequence

from speakeasy._model import datetime_to_wire
from speakeasy.models.errors import FieldTypeError, ValidationError

Encoder = Callable[[Any], str]

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_encoders: dict[type, Encoder] = {}


def encoder_for(cls: type) -> Encoder:
    """The compiled encoder of a model class (built on first use, then cached)."""
    try:
        return _encoders[cls]
    except KeyError:
        encoder = _encoders[cls] = _compile(cls)
        return encoder


def encode_list(values: Sequence[Any], item_cls: type, field: str) -> bytes:
    """A JSON array of models, validated in full before anything is returned."""
    if not isinstance(values, (list, tuple)):
        raise FieldTypeError(
            field, f"expected a list of {item_cls.__name__}, got {type(values).__name__}"
        )
    encode = encoder_for(item_cls)
    try:
        parts = [encode(value) for value in values]
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
        return encode_basestring_ascii(value.value)
    if isinstance(value, str) and not isinstance(value, Enum):
        if value in enum_cls._value2member_map_:
            return encode_basestring_ascii(value)
        allowed = ", ".join(repr(m.value) for m in enum_cls)
        raise ValidationError(f"{cls.__name__}.{name}", f"{value!r} is not one of {allowed}")
    _fail(cls, name, value, enum_cls.__name__)


def _datetime(cls: type, name: str, value: object, encode: Callable[[Any], str]) -> str:
    if not isinstance(value, datetime):
        _fail(cls, name, value, "datetime")
    return encode_basestring_ascii(encode(value))


def _field_lines(cls: type, f: dataclasses.Field[Any], hint: Any, env: dict[str, Any]) -> list[str]:
    """Source lines that validate one field and append ``,"key":value`` to ``p``."""
    meta = f.metadata.get("dataclasses_json", {})
    key = meta["letter_case"](f.name) if "letter_case" in meta else f.name
    optional = "exclude" in meta
    args = typing.get_args(hint)
    if optional:
        hint = next(a for a in args if a is not type(None)) if args else hint
        args = typing.get_args(hint)
    prefix = encode_basestring_ascii(key)
    head = f"p.append(',{prefix}:' + "
    n = f.name
    if hint is str:
        check = [
            "if v.__class__ is not str and not isinstance(v, str):",
            f"    _fail(cls, {n!r}, v, 'str')",
            head + "esc(v))",
        ]
    elif hint is bool:
        check = [
            "if v is True:",
            f"    {head}'true')",
            "elif v is False:",
            f"    {head}'false')",
            "else:",
            f"    _fail(cls, {n!r}, v, 'bool')",
        ]
    elif hint is int:
        check = [head + f"_int64(cls, {n!r}, v))"]
    elif hint is datetime:
        env[f"enc_{n}"] = meta.get("encoder", datetime_to_wire)
        fast = meta.get("encoder") is datetime_to_wire
        check = [
            *(
                [
                    "if v.__class__ is datetime and v.tzinfo is utc:",
                    f"    {head}'\"' + v.isoformat()[:-6] + 'Z\"')",
                    "else:",
                ]
                if fast
                else ["if True:"]
            ),
            f"    {head}_datetime(cls, {n!r}, v, enc_{n}))",
        ]
    elif args and str in args and isinstance(args[0], type) and issubclass(args[0], Enum):
        env[f"enum_{n}"] = args[0]
        check = [head + f"_open_enum(cls, {n!r}, v, enum_{n}))"]
    elif isinstance(hint, type) and issubclass(hint, Enum):
        env[f"enum_{n}"] = hint
        check = [head + f"_closed_enum(cls, {n!r}, v, enum_{n}))"]
    else:  # pragma: no cover - a model author's mistake, caught by the tests
        raise TypeError(f"{cls.__name__}.{n}: no wire encoding for {hint!r}")
    lines = [f"v = o.{n}"]
    if optional:
        lines += ["if v is not None:", *("    " + line for line in check)]
    else:
        lines += check
    return lines


def _compile(cls: type) -> Encoder:
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    fields = sorted(
        dataclasses.fields(cls), key=lambda f: f.metadata["dataclasses_json"]["letter_case"](f.name)
    )
    env: dict[str, Any] = {
        "cls": cls,
        "esc": encode_basestring_ascii,
        "datetime": datetime,
        "utc": timezone.utc,
        "_fail": _fail,
        "_int64": _int64,
        "_open_enum": _open_enum,
        "_closed_enum": _closed_enum,
        "_datetime": _datetime,
    }
    body = [
        "if o.__class__ is not cls and not isinstance(o, cls):",
        f"    raise FieldTypeError({cls.__name__!r}, 'expected ' + cls.__name__ + ', got '"
        " + type(o).__name__)",
        "p = []",
    ]
    for f in fields:
        body += _field_lines(cls, f, hints[f.name], env)
    body += ["p[0] = '{' + p[0][1:]", "p.append('}')", "return ''.join(p)"]
    env["FieldTypeError"] = FieldTypeError
    name = f"encode_{cls.__name__}"
    source = f"def {name}(o):\n" + "".join(f"    {line}\n" for line in body)
    filename = f"<speakeasy wire encoder {cls.__module__}.{cls.__qualname__}>"
    exec(compile(source, filename, "exec"), env)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    encoder: Encoder = env[name]
    return encoder
