"""A target: one SDK generated from a workspace, as the targets read returns it."""

from __future__ import annotations

from datetime import datetime
from typing import Optional, Union

from speakeasy._codegen import field
from speakeasy._datetime import datetime_from_wire, datetime_to_wire
from speakeasy._model import open_enum_decoder, wire
from speakeasy.models.shared._base import WireModel
from speakeasy.models.shared.interactiontype import InteractionType

_REQUIRED = wire()
_OPTIONAL = wire(optional=True)
_DATETIME = wire(encoder=datetime_to_wire, decoder=datetime_from_wire)
_OPTIONAL_DATETIME = wire(optional=True, encoder=datetime_to_wire, decoder=datetime_from_wire)


class TargetSDK(WireModel, slots=True):
    """A target (one generated SDK) of a workspace, built from its latest events.

    Response-only. An enum value this SDK does not know is kept as a plain ``str``.
    Positional order: the six required fields, then 5.9.15's optional ones, then newer.
    """

    generate_gen_lock_id: str = field(metadata=_REQUIRED)
    r"""gen.lock ID (expected to be a uuid). The same as `id`. A unique identifier for the target."""  # noqa: E501

    generate_target: str = field(metadata=_REQUIRED)
    r"""eg `typescript`, `terraform`, `python`"""

    id: str = field(metadata=_REQUIRED)
    r"""Unique identifier of the target the same as `generate_gen_lock_id`"""

    last_event_created_at: datetime = field(metadata=_DATETIME)
    r"""Timestamp when the event was created in the database."""

    last_event_id: str = field(metadata=_REQUIRED)
    r"""Unique identifier of the last event for the target"""

    last_event_interaction_type: Union[InteractionType, str] = field(
        metadata=wire(decoder=open_enum_decoder(InteractionType))
    )
    r"""Type of interaction."""

    commit_head: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Remote commit ID."""

    continuous_integration_environment: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Name of the CI environment."""

    error: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Error message if the last event was not successful."""

    generate_config_post_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Version of the generated target (post generation)"""

    generate_eligible_features: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Eligible feature set during generation"""

    generate_gen_lock_pre_features: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Features prior to generation"""

    generate_gen_lock_pre_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Artifact version for the Previous Generation"""

    generate_number_of_operations_ignored: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""The number of operations ignored in generation."""

    generate_number_of_operations_used: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""The number of operations used in generation."""

    generate_published: Optional[bool] = field(default=None, metadata=_OPTIONAL)
    r"""Indicates whether the target was considered published."""

    generate_target_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The workflow name of the target."""

    generate_target_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The version of the Speakeasy generator for this target eg v2 of the typescript generator."""

    gh_action_organization: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""GitHub organization of the action."""

    gh_action_ref: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""GitHub Action ref value."""

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
    r"""User's name from git configuration. (not GitHub username)"""

    hostname: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Remote hostname."""

    repo_label: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Label of the git repository."""

    source_blob_digest: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The blob digest of the source."""

    source_namespace_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The namespace name of the source."""

    source_revision_digest: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The revision digest of the source."""

    success: Optional[bool] = field(default=None, metadata=_OPTIONAL)
    r"""Indicates whether the event was successful."""

    generate_number_of_terraform_resources: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""The number of terraform resources used in generation."""

    last_publish_created_at: Optional[datetime] = field(default=None, metadata=_OPTIONAL_DATETIME)
    r"""Timestamp when the last publishing event was created."""

    last_publish_gh_action_run_link: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Link to the GitHub action run for the last publishing event."""

    publish_package_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Name of the published package."""

    publish_package_registry_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Name of the registry where the package was published."""

    publish_package_url: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""URL of the published package."""

    publish_package_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Version of the published package."""

    workflow_lock_post_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Workflow lock file (post execution)"""

    workflow_lock_pre_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Workflow lock file (prior to execution)"""

    workflow_post_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Workflow file (post execution)"""

    workflow_pre_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Workflow file (prior to execution)"""
