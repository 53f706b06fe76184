"""The wire contract of ``CliEvent`` and ``TargetSDK``, by hand (no SDK models, stdlib only).

These tables are the server's own reading of the contract; ``tests/testing`` proves
they agree with ``openapi.yaml`` field by field (names, types, formats, required, enums).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, Dict, Optional, Tuple

# Field kinds of the contract's CliEvent.
STRING = "string"
BOOLEAN = "boolean"
INT64 = "integer"
DATETIME = "date-time"
BUMP = "GenerateBumpType"
DIFF_BUMP = "OpenapiDiffBumpType"
INTERACTION = "InteractionType"

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

#: The values of each closed enum, in the contract's order.
CLOSED_ENUMS: Dict[str, Tuple[str, ...]] = {
    BUMP: ("major", "minor", "patch", "custom", "graduate", "prerelease", "none"),
    DIFF_BUMP: ("major", "minor", "patch", "none"),
}
#: The InteractionType values the contract lists; newer non-empty values are accepted too.
INTERACTION_TYPES: Tuple[str, ...] = (
    "CI_EXEC",
    "CLI_EXEC",
    "LINT",
    "OPENAPI_DIFF",
    "TARGET_GENERATE",
    "TOMBSTONE",
    "AUTHENTICATE",
    "QUICKSTART",
    "RUN",
    "CONFIGURE",
    "PUBLISH",
    "TEST",
)

CLI_EVENT_REQUIRED: Tuple[str, ...] = (
    "created_at",
    "execution_id",
    "id",
    "interaction_type",
    "local_started_at",
    "speakeasy_api_key_name",
    "speakeasy_version",
    "success",
    "workspace_id",
)
#: Every CliEvent field and its kind (what the server accepts in a POST body).
CLI_EVENT_FIELDS: Dict[str, str] = {
    "created_at": DATETIME,
    "execution_id": STRING,
    "id": STRING,
    "interaction_type": INTERACTION,
    "local_started_at": DATETIME,
    "speakeasy_api_key_name": STRING,
    "speakeasy_version": STRING,
    "success": BOOLEAN,
    "workspace_id": STRING,
    "commit_head": STRING,
    "continuous_integration_environment": STRING,
    "duration_ms": INT64,
    "error": STRING,
    "generate_bump_type": BUMP,
    "generate_config_post_checksum": STRING,
    "generate_config_post_raw": STRING,
    "generate_config_post_version": STRING,
    "generate_config_pre_checksum": STRING,
    "generate_config_pre_raw": STRING,
    "generate_config_pre_version": STRING,
    "generate_eligible_features": STRING,
    "generate_gen_lock_id": STRING,
    "generate_gen_lock_post_features": STRING,
    "generate_gen_lock_pre_blob_digest": STRING,
    "generate_gen_lock_pre_doc_checksum": STRING,
    "generate_gen_lock_pre_doc_version": STRING,
    "generate_gen_lock_pre_features": STRING,
    "generate_gen_lock_pre_namespace_name": STRING,
    "generate_gen_lock_pre_revision_digest": STRING,
    "generate_gen_lock_pre_version": STRING,
    "generate_number_of_operations_ignored": INT64,
    "generate_number_of_operations_used": INT64,
    "generate_number_of_terraform_resources": INT64,
    "generate_output_tests": BOOLEAN,
    "generate_published": BOOLEAN,
    "generate_repo_url": STRING,
    "generate_target": STRING,
    "generate_target_name": STRING,
    "generate_target_version": STRING,
    "generate_version": STRING,
    "gh_action_organization": STRING,
    "gh_action_ref": STRING,
    "gh_action_repository": STRING,
    "gh_action_run_link": STRING,
    "gh_action_version": STRING,
    "gh_changes_committed": BOOLEAN,
    "gh_pull_request": STRING,
    "git_relative_cwd": STRING,
    "git_remote_default_owner": STRING,
    "git_remote_default_repo": STRING,
    "git_user_email": STRING,
    "git_user_name": STRING,
    "hostname": STRING,
    "last_step": STRING,
    "lint_report_digest": STRING,
    "lint_report_error_count": INT64,
    "lint_report_info_count": INT64,
    "lint_report_warning_count": INT64,
    "local_completed_at": DATETIME,
    "management_doc_checksum": STRING,
    "management_doc_version": STRING,
    "mermaid_diagram": STRING,
    "openapi_diff_base_source_blob_digest": STRING,
    "openapi_diff_base_source_namespace_name": STRING,
    "openapi_diff_base_source_revision_digest": STRING,
    "openapi_diff_breaking_changes_count": INT64,
    "openapi_diff_bump_type": DIFF_BUMP,
    "openapi_diff_report_digest": STRING,
    "publish_package_name": STRING,
    "publish_package_registry_name": STRING,
    "publish_package_url": STRING,
    "publish_package_version": STRING,
    "raw_command": STRING,
    "repo_label": STRING,
    "source_blob_digest": STRING,
    "source_namespace_name": STRING,
    "source_revision_digest": STRING,
    "test_report_raw": STRING,
    "workflow_lock_post_raw": STRING,
    "workflow_lock_pre_raw": STRING,
    "workflow_post_raw": STRING,
    "workflow_pre_raw": STRING,
}
TARGET_SDK_REQUIRED: Tuple[str, ...] = (
    "generate_gen_lock_id",
    "generate_target",
    "id",
    "last_event_created_at",
    "last_event_id",
    "last_event_interaction_type",
)
#: The optional TargetSDK fields a target copies from its latest event: a CliEvent field
#: of the same name and kind.
TARGET_SDK_FROM_EVENT: Tuple[str, ...] = (
    "commit_head",
    "continuous_integration_environment",
    "error",
    "generate_config_post_version",
    "generate_eligible_features",
    "generate_gen_lock_pre_features",
    "generate_gen_lock_pre_version",
    "generate_number_of_operations_ignored",
    "generate_number_of_operations_used",
    "generate_number_of_terraform_resources",
    "generate_published",
    "generate_target_name",
    "generate_target_version",
    "gh_action_organization",
    "gh_action_ref",
    "gh_action_repository",
    "gh_action_run_link",
    "gh_action_version",
    "git_relative_cwd",
    "git_remote_default_owner",
    "git_remote_default_repo",
    "git_user_email",
    "git_user_name",
    "hostname",
    "publish_package_name",
    "publish_package_registry_name",
    "publish_package_url",
    "publish_package_version",
    "repo_label",
    "source_blob_digest",
    "source_namespace_name",
    "source_revision_digest",
    "success",
    "workflow_lock_post_raw",
    "workflow_lock_pre_raw",
    "workflow_post_raw",
    "workflow_pre_raw",
)
#: Every TargetSDK field and its kind (what the targets read answers).
TARGET_SDK_FIELDS: Dict[str, str] = {
    "generate_gen_lock_id": STRING,
    "generate_target": STRING,
    "id": STRING,
    "last_event_created_at": DATETIME,
    "last_event_id": STRING,
    "last_event_interaction_type": INTERACTION,
    **{name: CLI_EVENT_FIELDS[name] for name in TARGET_SDK_FROM_EVENT},
    "last_publish_created_at": DATETIME,
    "last_publish_gh_action_run_link": STRING,
}

_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$"
)


#: The JSON type names of parsed values, for messages; ``bool`` before ``int`` (a subclass).
_JSON_TYPES: Tuple[Tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value, for messages."""
    if value is None:
        return "null"
    for python_type, name in _JSON_TYPES:
        if isinstance(value, python_type):
            return name
    return type(value).__name__  # pragma: no cover - json.loads yields nothing else


@lru_cache(maxsize=4096)
def parse_rfc3339(value: str) -> Optional[datetime]:
    """An RFC 3339 date-time with an explicit offset (``Z`` or ``+hh:mm``), or None.

    Fractions beyond microseconds are cut; a leap second (``:60``) reads as ``:59``.
    """
    match = _DATETIME_RE.match(value)
    if match is None or not value.isascii():
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.group(1, 2, 3, 4, 5, 6))
    if second == 60:  # a leap second is valid RFC 3339
        second = 59
    micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
    try:
        offset = timezone.utc
        if match.group(8) != "Z":
            off_h, off_m = int(match.group(10)), int(match.group(11))
            if off_h > 23 or off_m > 59:
                return None
            delta = timedelta(hours=off_h, minutes=off_m)
            offset = timezone(-delta if match.group(9) == "-" else delta)
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=offset)
    except ValueError:
        return None


def is_rfc3339(value: str) -> bool:
    """True for an RFC 3339 date-time with an explicit offset."""
    return parse_rfc3339(value) is not None


#: The Python type a value of each field kind must have, and how messages name that type.
_KIND_TYPES: Dict[str, Tuple[Any, str]] = {
    STRING: (str, "string"),
    DATETIME: (str, "string (date-time)"),
    BOOLEAN: (bool, "boolean"),
    INT64: (int, "integer (int64)"),
    **{kind: (str, f"string ({kind})") for kind in CLOSED_ENUMS},
    INTERACTION: (str, "string (InteractionType)"),
}


def _value_violation(kind: str, value: Any) -> Optional[str]:
    """Why ``value`` is not of field kind ``kind``, or None."""
    python_type, expected = _KIND_TYPES[kind]
    if type(value) is not python_type:
        return f"expected {expected}, got {json_type(value)}"
    if kind == DATETIME and not is_rfc3339(value):
        return f"expected an RFC 3339 date-time with offset, got {value!r}"
    if kind == INT64 and not INT64_MIN <= value <= INT64_MAX:
        return "integer out of int64 range"
    if kind in CLOSED_ENUMS and value not in CLOSED_ENUMS[kind]:
        return f"expected one of {', '.join(CLOSED_ENUMS[kind])}, got {value!r}"
    if kind == INTERACTION and not value:
        return "expected a non-empty string"
    return None


def check_event(index: int, event: Any) -> Optional[str]:
    """The first contract violation of one event, or None when it conforms."""
    where = f"request_body[{index}]"
    if not isinstance(event, dict):
        return f"{where}: expected object, got {json_type(event)}"
    for key, value in event.items():
        kind = CLI_EVENT_FIELDS.get(key)
        if kind is None:
            return f"{where}.{key}: unknown field"
        violation = _value_violation(kind, value)
        if violation is not None:
            return f"{where}.{key}: {violation}"
    for key in CLI_EVENT_REQUIRED:
        if key not in event:
            return f"{where}.{key}: required field missing"
    return None


def parse_json(body: bytes) -> Tuple[Any, Optional[str]]:
    """The parsed body (or None) and, when it is not valid JSON, why."""

    def reject_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        return json.loads(body.decode("utf-8"), parse_constant=reject_constant), None
    except UnicodeDecodeError:
        return None, "request body is not valid UTF-8"
    except ValueError as exc:
        return None, f"request body is not valid JSON: {exc}"
    except RecursionError:
        return None, "request body is nested too deeply"
