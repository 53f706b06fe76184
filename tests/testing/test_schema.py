"""The server's hand-written CliEvent and TargetSDK tables agree with openapi.yaml.

The server cannot read openapi.yaml (it ships without it, and is stdlib only), so it keeps
its own table; this test is what keeps the two from drifting apart.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest
from openapi_spec_validator.readers import read_from_filename

from speakeasy.testing import _schema
from tests.support.contract import SPEC_PATH


def _spec() -> Dict[str, Any]:
    data, _ = read_from_filename(str(SPEC_PATH))
    return dict(data)


SPEC = _spec()
SCHEMAS: Dict[str, Any] = SPEC["components"]["schemas"]


def _resolve(node: Dict[str, Any]) -> Tuple[str, Dict[str, Any]]:
    """(schema name or "", schema) of a property node, following one local $ref."""
    ref = node.get("$ref")
    if ref is None:
        return "", node
    name = ref.rsplit("/", 1)[1]
    return name, SCHEMAS[name]


def _kind(node: Dict[str, Any]) -> str:
    """The server's kind for an openapi.yaml property."""
    if "anyOf" in node:  # an open enum: a known value, or any non-empty string
        refs = [_resolve(option) for option in node["anyOf"]]
        named = [name for name, _ in refs if name]
        assert len(named) == 1, node
        assert {"type": "string", "minLength": 1} in node["anyOf"], node
        return named[0]
    name, schema = _resolve(node)
    if name:
        assert schema["type"] == "string" and "enum" in schema, name
        return name
    kinds = {
        ("string", None): _schema.STRING,
        ("string", "date-time"): _schema.DATETIME,
        ("boolean", None): _schema.BOOLEAN,
        ("integer", "int64"): _schema.INT64,
    }
    return kinds[(schema["type"], schema.get("format"))]


#: Each enum kind of the server, and the values it holds for it.
ENUMS: Dict[str, Tuple[str, ...]] = {
    **_schema.CLOSED_ENUMS,
    _schema.INTERACTION: _schema.INTERACTION_TYPES,
}

#: Each model: the server's field table and required fields.
MODELS = {
    "CliEvent": (_schema.CLI_EVENT_FIELDS, _schema.CLI_EVENT_REQUIRED),
    "TargetSDK": (_schema.TARGET_SDK_FIELDS, _schema.TARGET_SDK_REQUIRED),
}


@pytest.mark.parametrize("model", sorted(MODELS))
def test_fields_and_kinds_agree(model: str) -> None:
    """Same field names, and for each the same type, format or enum."""
    properties = SCHEMAS[model]["properties"]
    spec_kinds = {name: _kind(node) for name, node in properties.items()}
    assert spec_kinds == MODELS[model][0]


@pytest.mark.parametrize("model", sorted(MODELS))
def test_required_fields_agree(model: str) -> None:
    assert sorted(SCHEMAS[model]["required"]) == sorted(MODELS[model][1])


@pytest.mark.parametrize("model", sorted(MODELS))
def test_models_are_closed_and_never_null(model: str) -> None:
    """Unknown keys and nulls are rejected by both."""
    schema = SCHEMAS[model]
    assert schema["additionalProperties"] is False
    assert not any(node.get("nullable") for node in schema["properties"].values())


def test_the_contract_counts() -> None:
    """82 CliEvent fields (9 required), 45 TargetSDK fields, 12 interaction types."""
    assert (len(_schema.CLI_EVENT_FIELDS), len(_schema.CLI_EVENT_REQUIRED)) == (82, 9)
    assert (len(_schema.TARGET_SDK_FIELDS), len(_schema.TARGET_SDK_REQUIRED)) == (45, 6)
    assert len(_schema.INTERACTION_TYPES) == 12


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_enum_values_agree(name: str) -> None:
    values: List[str] = SCHEMAS[name]["enum"]
    assert tuple(values) == ENUMS[name]


def test_every_enum_kind_is_checked() -> None:
    """A new enum in the table needs its values here too."""
    simple = {_schema.STRING, _schema.DATETIME, _schema.BOOLEAN, _schema.INT64}
    kinds = {*_schema.CLI_EVENT_FIELDS.values(), *_schema.TARGET_SDK_FIELDS.values()}
    assert kinds - simple == set(ENUMS)
