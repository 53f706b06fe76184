"""A CLI event: the one model the Events API receives (see the wire contract)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Optional, Union

from speakeasy._datetime import datetime_from_wire, datetime_to_wire
from speakeasy._encoding import WireModel
from speakeasy._model import open_enum_decoder, slotted, wire_field
from speakeasy.models.shared.generatebumptype import GenerateBumpType
from speakeasy.models.shared.interactiontype import InteractionType


@slotted
@dataclasses.dataclass
class CliEvent(WireModel):
    """One event recorded by the Speakeasy CLI.

    Optional fields left as ``None`` are omitted from the JSON, never sent as ``null``.
    ``interaction_type`` also takes a plain ``str`` for values newer than this SDK.
    """

    created_at: datetime = wire_field(
        "created_at", encoder=datetime_to_wire, decoder=datetime_from_wire
    )
    r"""Timestamp when the event was created in the database."""

    execution_id: str = wire_field("execution_id")
    r"""Unique identifier for each execution of the CLI."""

    id: str = wire_field("id")
    r"""Unique identifier for each event."""

    interaction_type: Union[InteractionType, str] = wire_field(
        "interaction_type", decoder=open_enum_decoder(InteractionType)
    )
    r"""Type of interaction."""

    local_started_at: datetime = wire_field(
        "local_started_at", encoder=datetime_to_wire, decoder=datetime_from_wire
    )
    r"""Timestamp when the event started, in local time."""

    speakeasy_api_key_name: str = wire_field("speakeasy_api_key_name")
    r"""Identifier of the Speakeasy API key."""

    speakeasy_version: str = wire_field("speakeasy_version")
    r"""Version of the Speakeasy CLI."""

    success: bool = wire_field("success")
    r"""Indicates whether the event was successful."""

    workspace_id: str = wire_field("workspace_id")
    r"""Identifier of the workspace."""

    commit_head: Optional[str] = wire_field("commit_head", optional=True)
    r"""Remote commit ID."""

    duration_ms: Optional[int] = wire_field("duration_ms", optional=True)
    r"""Duration of the event in milliseconds."""

    generate_bump_type: Optional[GenerateBumpType] = wire_field(
        "generate_bump_type", decoder=open_enum_decoder(GenerateBumpType), optional=True
    )
    r"""Bump type of the lock file (semver delta, or a custom change: a manual release)."""

    generate_config_post_checksum: Optional[str] = wire_field(
        "generate_config_post_checksum", optional=True
    )
    r"""Checksum of the configuration file (post-generation)."""

    generate_config_post_raw: Optional[str] = wire_field("generate_config_post_raw", optional=True)
    r"""Rendered configuration file (post-generation)."""

    generate_config_post_version: Optional[str] = wire_field(
        "generate_config_post_version", optional=True
    )
    r"""The version of the customer's SDK that we just generated."""

    generate_config_pre_checksum: Optional[str] = wire_field(
        "generate_config_pre_checksum", optional=True
    )
    r"""Checksum of the configuration file (pre-generation)."""

    generate_config_pre_raw: Optional[str] = wire_field("generate_config_pre_raw", optional=True)
    r"""Rendered configuration file (pre-generation)."""

    generate_config_pre_version: Optional[str] = wire_field(
        "generate_config_pre_version", optional=True
    )
    r"""The version of the customer's SDK before we generated."""

    generate_gen_lock_id: Optional[str] = wire_field("generate_gen_lock_id", optional=True)
    r"""gen.lock ID (expected to be a UUID)."""

    generate_gen_lock_post_features: Optional[str] = wire_field(
        "generate_gen_lock_post_features", optional=True
    )
    r"""Features post generation."""

    generate_gen_lock_pre_doc_checksum: Optional[str] = wire_field(
        "generate_gen_lock_pre_doc_checksum", optional=True
    )
    r"""Checksum of the rendered OpenAPI document (pre-generation, via gen.lock)."""

    generate_gen_lock_pre_doc_version: Optional[str] = wire_field(
        "generate_gen_lock_pre_doc_version", optional=True
    )
    r"""info.version of the rendered OpenAPI document (pre-generation, via gen.lock)."""

    generate_gen_lock_pre_features: Optional[str] = wire_field(
        "generate_gen_lock_pre_features", optional=True
    )
    r"""Features prior to generation."""

    generate_gen_lock_pre_version: Optional[str] = wire_field(
        "generate_gen_lock_pre_version", optional=True
    )
    r"""Artifact version for the previous generation."""

    generate_output_tests: Optional[bool] = wire_field("generate_output_tests", optional=True)
    r"""Indicates whether tests were output."""

    generate_published: Optional[bool] = wire_field("generate_published", optional=True)
    r"""Indicates whether the target was considered published."""

    generate_repo_url: Optional[str] = wire_field("generate_repo_url", optional=True)
    r"""Expected repo URL, for use in documentation generation."""

    generate_target: Optional[str] = wire_field("generate_target", optional=True)
    r"""The target of the event."""

    generate_target_version: Optional[str] = wire_field("generate_target_version", optional=True)
    r"""The version of the target."""

    generate_version: Optional[str] = wire_field("generate_version", optional=True)
    r"""Version of the generation logic used."""

    gh_action_organization: Optional[str] = wire_field("gh_action_organization", optional=True)
    r"""GitHub organization of the action."""

    gh_action_repository: Optional[str] = wire_field("gh_action_repository", optional=True)
    r"""GitHub repository of the action."""

    gh_action_run_link: Optional[str] = wire_field("gh_action_run_link", optional=True)
    r"""Link to the GitHub action run."""

    gh_action_version: Optional[str] = wire_field("gh_action_version", optional=True)
    r"""Version of the GitHub action."""

    git_relative_cwd: Optional[str] = wire_field("git_relative_cwd", optional=True)
    r"""Current working directory relative to the git root."""

    git_remote_default_owner: Optional[str] = wire_field("git_remote_default_owner", optional=True)
    r"""Default owner for git remote."""

    git_remote_default_repo: Optional[str] = wire_field("git_remote_default_repo", optional=True)
    r"""Default repository name for git remote."""

    git_user_email: Optional[str] = wire_field("git_user_email", optional=True)
    r"""User email from git configuration."""

    git_user_name: Optional[str] = wire_field("git_user_name", optional=True)
    r"""User's name from git configuration (not a GitHub username)."""

    hostname: Optional[str] = wire_field("hostname", optional=True)
    r"""Remote hostname."""

    local_completed_at: Optional[datetime] = wire_field(
        "local_completed_at", encoder=datetime_to_wire, decoder=datetime_from_wire, optional=True
    )
    r"""Timestamp when the event completed, in local time."""

    management_doc_checksum: Optional[str] = wire_field("management_doc_checksum", optional=True)
    r"""Checksum of the currently rendered OpenAPI document."""

    management_doc_version: Optional[str] = wire_field("management_doc_version", optional=True)
    r"""info.version of the currently rendered OpenAPI document."""

    raw_command: Optional[str] = wire_field("raw_command", optional=True)
    r"""Full CLI command."""

    repo_label: Optional[str] = wire_field("repo_label", optional=True)
    r"""Label of the git repository."""
