"""The optional native decoder (the ``[fast]`` extra: msgspec), same objects as the pure one.

``decode_json_list(content, cls)`` parses a read's JSON array with msgspec into
a private ``msgspec.Struct`` of the model's wire keys (strings, bools, ints,
and enum values and date-times still as strings: msgspec checks the JSON
types in C, without building a dict per object), then builds the models with
generated code that converts enum values and date-times exactly as the pure
decoder does (its own templates, through ``_decoding._model``).

Anything msgspec or that code refuses (a wrong type, a missing key, an integer
beyond 64 bits, a bad date-time, bytes that are not JSON) returns ``None``,
and the caller runs the pure path on the same bytes: every error, its type
and its field path, is decided by the pure decoder alone. A differential test
(``tests/models/test_fastcodec.py``) runs both back ends over thousands of
random answers.

Only the models the pure decoder fills directly (``CliEvent``, ``TargetSDK``:
slotted, nothing run on construction) take this path. ``import speakeasy``
never imports msgspec: the first read does. ``SPEAKEASY_PURE_PYTHON=1`` in the
environment forces the pure path (read at each call, to compare the two).
Encoding stays pure Python: see docs/performance.md for why.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Dict, List, Optional

from speakeasy._codegen import compile_function
from speakeasy._decoding import DecodeError, _model

#: The environment variable that forces the pure-Python codecs.
PURE_ENV = "SPEAKEASY_PURE_PYTHON"

_Converter = Callable[[Any], List[Any]]
_state: Dict[str, Any] = {}  # "msgspec": the module, or None when not installed
_decoders: Dict[type, Optional[Any]] = {}  # per class: (msgspec Decoder, converter), or None


def backend() -> str:
    """``"msgspec"`` when reads go through the native decoder, else ``"pure"``."""
    return "msgspec" if _msgspec() is not None else "pure"


def _msgspec() -> Any:
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return None
    if "msgspec" not in _state:
        try:
            import msgspec

            _state["msgspec"] = msgspec
        except ImportError:
            _state["msgspec"] = None
    return _state["msgspec"]


def decode_json_list(content: bytes, cls: type) -> Optional[List[Any]]:
    """The models of a JSON array, or ``None``: not taken (the pure path decides)."""
    msgspec = _msgspec()
    if msgspec is None:
        return None
    pair = _decoders.get(cls, False)
    if pair is False:
        pair = _decoders[cls] = _build(msgspec, cls)
    if pair is None:
        return None
    decoder, convert = pair
    try:
        return convert(decoder.decode(content))  # type: ignore[no-any-return]
    except (msgspec.ValidationError, msgspec.DecodeError, DecodeError, RecursionError):
        return None


def _build(msgspec: Any, cls: type) -> Optional[Any]:
    """The msgspec decoder of a list of ``cls``'s wire shape, and the converter to models."""
    m = _model(cls)
    if not m.direct or any(f.key is None for f in m.fields):
        return None
    struct_fields: List[Any] = []
    body = ["out = []", "append = out.append", "for s in structs:", "    o = new(cls)"]
    for f in m.fields:
        wire_type: Any = {"str": str, "bool": bool, "int": int}.get(f.kind, str)
        if f.optional:
            struct_fields.append((f"f{f.i}", Optional[wire_type], None))
        else:
            struct_fields.append((f"f{f.i}", wire_type))
        if f.kind in ("str", "bool", "int"):  # checked by msgspec already: stored as read
            body.append(f"    o.{f.name} = s.f{f.i}")
            continue
        v = f"a{f.i}"
        body.append(f"    {v} = s.f{f.i}")
        body += ["    " + line for line in f.convert(v)]
        body.append(f"    o.{f.name} = {v}")
    body += ["    append(o)", "return out"]
    rename = {f"f{f.i}": f.key for f in m.fields}
    struct = msgspec.defstruct(
        f"_{cls.__name__}Wire", struct_fields, kw_only=True, rename=rename, gc=False
    )
    label = f"fast decoder {cls.__module__}.{cls.__qualname__}"
    convert: _Converter = compile_function(
        f"convert_{cls.__name__}", "structs", body, label, dict(m.env)
    )
    return msgspec.json.Decoder(List[struct]), convert  # type: ignore[valid-type]
