"""Run inside the 7.0.0rc2 virtualenv (``python -I _pydantic_side.py``): events' JSON on stdin.

Also imported by tests/migrating/upstream/test_pydantic_like.py for ``results`` and
``described``, so both SDKs' models are put through the same code. Nothing here imports
``speakeasy`` or ``speakeasy_client_sdk_python`` at module level.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import Enum
from typing import Any, Dict


def described(values: Dict[str, Any]) -> str:
    """Python-mode values as text that keeps their type (pydantic's own tzinfo class aside)."""
    out = {}
    for k, v in values.items():
        if isinstance(v, datetime):
            out[k] = ["datetime", v.isoformat(), v.utcoffset().total_seconds()]  # type: ignore[union-attr]
        elif isinstance(v, Enum):
            out[k] = ["enum", type(v).__name__, v.value]
        else:
            out[k] = [type(v).__name__, v]
    return json.dumps(out)


def results(model: Any) -> Dict[str, Any]:
    """Every dump, copy and field list of ``model``, as text (fields newer than 7.x aside)."""
    newer = getattr(type(model), "_newer_than_7x", ())
    out = {
        "dump_json": model.model_dump_json(),
        "dump_json_indent": model.model_dump_json(indent=2),
        "dump_json_exclude_none": model.model_dump_json(exclude_none=True),
        "dump_json_by_alias": model.model_dump_json(by_alias=True, exclude_none=True),
        "dump_mode_json": json.dumps(model.model_dump(mode="json")),
        "dump_python": described(model.model_dump(exclude_none=True)),
        "dump_include": described(model.model_dump(include={"id", "success"}, exclude_none=True)),
        "dump_exclude": model.model_dump_json(exclude={"created_at"}, exclude_none=True),
        "copy": model.model_copy(update={"id": "copied"}).model_dump_json(exclude_none=True),
        "deep_copy": model.model_copy(deep=True).model_dump_json(exclude_none=True),
        "fields": [n for n in type(model).model_fields if n not in newer],
        "required": [n for n, f in type(model).model_fields.items() if f.is_required()],
    }
    given = {k: v for k, v in json.loads(model.model_dump_json()).items() if v is not None}
    out["unset"] = type(model).model_validate(given).model_dump_json(exclude_unset=True)
    out["validate_same"] = type(model).model_validate(model) is model
    return out


def main() -> None:
    from speakeasy_client_sdk_python.models import errors, shared  # 7.x's, in its virtualenv

    request = json.load(sys.stdin)
    answer = [results(shared.CliEvent.model_validate_json(text)) for text in request["events"]]
    answer += [results(shared.TargetSDK.model_validate_json(text)) for text in request["targets"]]
    error = errors.ErrorData.model_validate_json(request["error"])
    error_out = [error.model_dump_json(), described(error.model_dump())]
    print(json.dumps({"models": answer, "error": error_out}))


if __name__ == "__main__":
    main()
