"""The SDK's models and ``openapi.yaml`` describe the same wire objects.

The local server's schema tables are proven equal to ``openapi.yaml`` in
``tests/testing/test_schema.py``; this proves the SDK's own models equal to it
too: the same JSON keys, the same required ones, the same types and enums.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime
from enum import Enum
from typing import Any, Dict, Tuple

import pytest
from openapi_spec_validator.readers import read_from_filename

from speakeasy._model import field_hints, is_on_wire, wire_name
from speakeasy.models import errors, shared
from tests.support.contract import SPEC_PATH

SCHEMAS: Dict[str, Any] = dict(read_from_filename(str(SPEC_PATH))[0])["components"]["schemas"]
MODELS = [shared.CliEvent, shared.TargetSDK, errors.Error]


def _spec_kind(prop: Dict[str, Any]) -> Tuple[str, ...]:
    """("string",), ("string", "date-time"), ("integer",), ("enum", "Name") ..."""
    for option in prop.get("anyOf", [prop]):
        if "$ref" in option:
            return ("enum", option["$ref"].rsplit("/", 1)[1])
    if prop.get("format") == "date-time":
        return ("string", "date-time")
    return (prop["type"],)


def _model_kind(hint: Any) -> Tuple[str, ...]:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if args:
        hint = args[0]  # Optional[X] and Union[Enum, str]: the first is the type
    if isinstance(hint, type) and issubclass(hint, Enum):
        return ("enum", hint.__name__)
    return {
        str: ("string",),
        int: ("integer",),
        bool: ("boolean",),
        datetime: (
            "string",
            "date-time",
        ),
    }[hint]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_model_has_the_spec_schemas_keys_types_and_required(model: type) -> None:
    """Every wire field of the model is in the schema with its type, and nothing else is."""
    schema = SCHEMAS[model.__name__]
    hints = field_hints(model)
    fields = [f for f in dataclasses.fields(model) if is_on_wire(f)]
    assert {wire_name(f) for f in fields} == set(schema["properties"])
    required = {
        wire_name(f)
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    assert required == set(schema.get("required", []))
    for f in fields:
        assert _model_kind(hints[f.name]) == _spec_kind(schema["properties"][wire_name(f)]), f.name


@pytest.mark.parametrize(
    "enum", [shared.InteractionType, shared.GenerateBumpType, shared.OpenapiDiffBumpType]
)
def test_an_enum_has_the_spec_values_in_order(enum: type) -> None:
    """The same values, in the same order."""
    assert [m.value for m in enum] == SCHEMAS[enum.__name__]["enum"]  # type: ignore[attr-defined]


def test_error_data_has_the_error_schemas_keys_types_and_required() -> None:
    """``errors.ErrorData`` is the ``Error`` schema as a plain model (7.x's ``e.data``)."""
    schema = SCHEMAS["Error"]
    hints = field_hints(errors.ErrorData)
    fields = dataclasses.fields(errors.ErrorData)
    assert {wire_name(f) for f in fields} == set(schema["properties"])
    assert {wire_name(f) for f in fields} == set(schema["required"])
    for f in fields:
        assert _model_kind(hints[f.name]) == _spec_kind(schema["properties"][wire_name(f)]), f.name
