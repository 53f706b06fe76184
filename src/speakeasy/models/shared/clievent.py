"""A CLI event: the one model the Events API receives (see the wire contract)."""

from __future__ import annotations

import dataclasses
from dataclasses import field
from datetime import datetime
from typing import Optional, Union

from speakeasy._datetime import datetime_from_wire, datetime_to_wire
from speakeasy._encoding import WireModel
from speakeasy._model import open_enum_decoder, slotted, wire
from speakeasy.models.shared.generatebumptype import GenerateBumpType
from speakeasy.models.shared.interactiontype import InteractionType

_REQUIRED = wire()
_OPTIONAL = wire(optional=True)
_DATETIME = wire(encoder=datetime_to_wire, decoder=datetime_from_wire)
_OPTIONAL_DATETIME = wire(optional=True, encoder=datetime_to_wire, decoder=datetime_from_wire)


@slotted
@dataclasses.dataclass
class CliEvent(WireModel):
    """One event recorded by the Speakeasy CLI.

    Optional fields left as ``None`` are omitted from the JSON, never sent as ``null``.
    ``interaction_type`` also takes a plain ``str`` for values newer than this SDK.
    """

    created_at: datetime = field(metadata=_DATETIME)
    r"""Timestamp when the event was created in the database."""

    execution_id: str = field(metadata=_REQUIRED)
    r"""Unique identifier for each execution of the CLI."""

    id: str = field(metadata=_REQUIRED)
    r"""Unique identifier for each event."""

    interaction_type: Union[InteractionType, str] = field(
        metadata=wire(decoder=open_enum_decoder(InteractionType))
    )
    r"""Type of interaction."""

    local_started_at: datetime = field(metadata=_DATETIME)
    r"""Timestamp when the event started, in local time."""

    speakeasy_api_key_name: str = field(metadata=_REQUIRED)
    r"""Identifier of the Speakeasy API key."""

    speakeasy_version: str = field(metadata=_REQUIRED)
    r"""Version of the Speakeasy CLI."""

    success: bool = field(metadata=_REQUIRED)
    r"""Indicates whether the event was successful."""

    workspace_id: str = field(metadata=_REQUIRED)
    r"""Identifier of the workspace."""

    commit_head: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Remote commit ID."""

    duration_ms: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""Duration of the event in milliseconds."""

    generate_bump_type: Optional[GenerateBumpType] = field(
        default=None, metadata=wire(optional=True, decoder=open_enum_decoder(GenerateBumpType))
    )
    r"""Bump type of the lock file (semver delta, or a custom change: a manual release)."""

    generate_config_post_checksum: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Checksum of the configuration file (post-generation)."""

    generate_config_post_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Rendered configuration file (post-generation)."""

    generate_config_post_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The version of the customer's SDK that we just generated."""

    generate_config_pre_checksum: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Checksum of the configuration file (pre-generation)."""

    generate_config_pre_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Rendered configuration file (pre-generation)."""

    generate_config_pre_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The version of the customer's SDK before we generated."""

    generate_gen_lock_id: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""gen.lock ID (expected to be a UUID)."""

    generate_gen_lock_post_features: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Features post generation."""

    generate_gen_lock_pre_doc_checksum: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Checksum of the rendered OpenAPI document (pre-generation, via gen.lock)."""

    generate_gen_lock_pre_doc_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""info.version of the rendered OpenAPI document (pre-generation, via gen.lock)."""

    generate_gen_lock_pre_features: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Features prior to generation."""

    generate_gen_lock_pre_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Artifact version for the previous generation."""

    generate_output_tests: Optional[bool] = field(default=None, metadata=_OPTIONAL)
    r"""Indicates whether tests were output."""

    generate_published: Optional[bool] = field(default=None, metadata=_OPTIONAL)
    r"""Indicates whether the target was considered published."""

    generate_repo_url: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Expected repo URL, for use in documentation generation."""

    generate_target: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The target of the event."""

    generate_target_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The version of the target."""

    generate_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Version of the generation logic used."""

    gh_action_organization: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""GitHub organization of the action."""

    gh_action_repository: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""GitHub repository of the action."""

    gh_action_run_link: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Link to the GitHub action run."""

    gh_action_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Version of the GitHub action."""

    git_relative_cwd: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Current working directory relative to the git root."""

    git_remote_default_owner: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Default owner for git remote."""

    git_remote_default_repo: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Default repository name for git remote."""

    git_user_email: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""User email from git configuration."""

    git_user_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""User's name from git configuration (not a GitHub username)."""

    hostname: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Remote hostname."""

    local_completed_at: Optional[datetime] = field(default=None, metadata=_OPTIONAL_DATETIME)
    r"""Timestamp when the event completed, in local time."""

    management_doc_checksum: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Checksum of the currently rendered OpenAPI document."""

    management_doc_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""info.version of the currently rendered OpenAPI document."""

    raw_command: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Full CLI command."""

    repo_label: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Label of the git repository."""
