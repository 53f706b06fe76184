"""A CLI event: what the Events API stores, and what its reads return."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Optional, TypedDict, Union

from speakeasy._codegen import field
from speakeasy._datetime import datetime_from_wire, datetime_to_wire
from speakeasy._model import open_enum_decoder, wire
from speakeasy.models.shared._base import WireModel
from speakeasy.models.shared.generatebumptype import GenerateBumpType
from speakeasy.models.shared.interactiontype import InteractionType
from speakeasy.models.shared.openapidiffbumptype import OpenapiDiffBumpType

_REQUIRED = wire()
_OPTIONAL = wire(optional=True)
_DATETIME = wire(encoder=datetime_to_wire, decoder=datetime_from_wire)
_OPTIONAL_DATETIME = wire(optional=True, encoder=datetime_to_wire, decoder=datetime_from_wire)


class CliEvent(WireModel, slots=True):
    """One event recorded by the Speakeasy CLI.

    Optional fields left as ``None`` are omitted from the JSON, never sent as ``null``.
    ``interaction_type`` also takes a plain ``str`` for values newer than this SDK; an
    event read back keeps any enum value this SDK does not know as a plain ``str``.
    Positional order: the nine required fields, then 5.9.15's optional ones, then newer.
    """

    _newer_than_7x: ClassVar[tuple[str, ...]] = ("test_report_raw",)  # model_dump: when set

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

    continuous_integration_environment: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Name of the CI environment."""

    duration_ms: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""Duration of the event in milliseconds."""

    error: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Error message if the event was not successful."""

    generate_bump_type: Optional[GenerateBumpType] = field(
        default=None, metadata=wire(optional=True, decoder=open_enum_decoder(GenerateBumpType))
    )
    r"""Bump type of the lock file (calculated semver delta, custom change (manual release), or prerelease/graduate)"""  # noqa: E501

    generate_config_post_checksum: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Checksum of the configuration file (post generation)"""

    generate_config_post_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Rendered configuration file (post generation)"""

    generate_config_post_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The version of the customer's SDK that we just generated"""

    generate_config_pre_checksum: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Checksum of the configuration file (prior to generation)"""

    generate_config_pre_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Rendered configuration file (prior to generation)"""

    generate_config_pre_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The version of the customer's SDK before we generated"""

    generate_eligible_features: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Eligible feature set during generation"""

    generate_gen_lock_id: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""gen.lock ID (expected to be a uuid)."""

    generate_gen_lock_post_features: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Features post generation"""

    generate_gen_lock_pre_blob_digest: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Blob digest of the Previous Generation"""

    generate_gen_lock_pre_doc_checksum: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Checksum of the Previous Rendered OpenAPI document (prior to generation, via gen lock)"""

    generate_gen_lock_pre_doc_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""info.Version of the Previous Rendered OpenAPI document (prior to generation, via gen lock)"""  # noqa: E501

    generate_gen_lock_pre_features: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Features prior to generation"""

    generate_gen_lock_pre_namespace_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Namespace name of the Previous Generation"""

    generate_gen_lock_pre_revision_digest: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Revision digest of the Previous Generation"""

    generate_gen_lock_pre_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Artifact version for the Previous Generation"""

    generate_number_of_operations_ignored: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""The number of operations ignored in generation."""

    generate_number_of_operations_used: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""The number of operations used in generation."""

    generate_output_tests: Optional[bool] = field(default=None, metadata=_OPTIONAL)
    r"""Indicates whether tests were output."""

    generate_published: Optional[bool] = field(default=None, metadata=_OPTIONAL)
    r"""Indicates whether the target was considered published."""

    generate_repo_url: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Expected Repo URL, for use in documentation generation."""

    generate_target: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The target of the event."""

    generate_target_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The version of the target."""

    generate_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Version of the generation logic used."""

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

    last_step: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The last step of the event."""

    lint_report_digest: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The checksum of the lint report."""

    lint_report_error_count: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""The number of errors in the lint report."""

    lint_report_info_count: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""The number of info messages in the lint report."""

    lint_report_warning_count: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""The number of warnings in the lint report."""

    local_completed_at: Optional[datetime] = field(default=None, metadata=_OPTIONAL_DATETIME)
    r"""Timestamp when the event completed, in local time."""

    management_doc_checksum: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Checksum of the currently Rendered OpenAPI document."""

    management_doc_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Version taken from info.version field of the Rendered OpenAPI document."""

    mermaid_diagram: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Mermaid diagram"""

    openapi_diff_base_source_blob_digest: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The blob digest of the base source."""

    openapi_diff_base_source_namespace_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The namespace name of the base source."""

    openapi_diff_base_source_revision_digest: Optional[str] = field(
        default=None, metadata=_OPTIONAL
    )
    r"""The revision digest of the base source."""

    openapi_diff_breaking_changes_count: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""The number of breaking changes in the openapi diff report."""

    openapi_diff_bump_type: Optional[OpenapiDiffBumpType] = field(
        default=None, metadata=wire(optional=True, decoder=open_enum_decoder(OpenapiDiffBumpType))
    )
    r"""Bump type of the lock file (calculated semver delta, or a custom change (manual release))"""

    openapi_diff_report_digest: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The checksum of the openapi diff report."""

    publish_package_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Name of the published package."""

    publish_package_registry_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Name of the registry where the package was published."""

    publish_package_url: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""URL of the published package."""

    publish_package_version: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Version of the published package."""

    raw_command: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Full CLI command."""

    repo_label: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Label of the git repository."""

    source_blob_digest: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The blob digest of the source."""

    source_namespace_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The namespace name of the source."""

    source_revision_digest: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The revision digest of the source."""

    workflow_lock_post_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Workflow lock file (post execution)"""

    workflow_lock_pre_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Workflow lock file (prior to execution)"""

    workflow_post_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Workflow file (post execution)"""

    workflow_pre_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""Workflow file (prior to execution)"""

    generate_number_of_terraform_resources: Optional[int] = field(default=None, metadata=_OPTIONAL)
    r"""The number of terraform resources used in generation."""

    generate_target_name: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The workflow name of the target."""

    gh_changes_committed: Optional[bool] = field(default=None, metadata=_OPTIONAL)
    r"""Whether or not changes were committed from generation in the Github Action."""

    gh_pull_request: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The reference to a created pull request URL."""

    test_report_raw: Optional[str] = field(default=None, metadata=_OPTIONAL)
    r"""The raw test report xml"""


class _CliEventRequiredKeys(TypedDict):
    """The keys a ``CliEventTypedDict`` must have (the nine required fields)."""

    created_at: datetime
    execution_id: str
    id: str
    interaction_type: Union[InteractionType, str]
    local_started_at: datetime
    speakeasy_api_key_name: str
    speakeasy_version: str
    success: bool
    workspace_id: str


class CliEventTypedDict(_CliEventRequiredKeys, total=False):
    """A ``CliEvent`` as a ``dict``: the same keys, value types and required ones.

    Accepted wherever an event is (``request_body`` items); the client builds the
    ``CliEvent`` from it and checks it the same way. Optional keys may be left out or
    set to ``None`` (not sent). Descriptions: ``CliEvent``'s fields.
    """

    commit_head: Optional[str]
    continuous_integration_environment: Optional[str]
    duration_ms: Optional[int]
    error: Optional[str]
    generate_bump_type: Optional[GenerateBumpType]
    generate_config_post_checksum: Optional[str]
    generate_config_post_raw: Optional[str]
    generate_config_post_version: Optional[str]
    generate_config_pre_checksum: Optional[str]
    generate_config_pre_raw: Optional[str]
    generate_config_pre_version: Optional[str]
    generate_eligible_features: Optional[str]
    generate_gen_lock_id: Optional[str]
    generate_gen_lock_post_features: Optional[str]
    generate_gen_lock_pre_blob_digest: Optional[str]
    generate_gen_lock_pre_doc_checksum: Optional[str]
    generate_gen_lock_pre_doc_version: Optional[str]
    generate_gen_lock_pre_features: Optional[str]
    generate_gen_lock_pre_namespace_name: Optional[str]
    generate_gen_lock_pre_revision_digest: Optional[str]
    generate_gen_lock_pre_version: Optional[str]
    generate_number_of_operations_ignored: Optional[int]
    generate_number_of_operations_used: Optional[int]
    generate_output_tests: Optional[bool]
    generate_published: Optional[bool]
    generate_repo_url: Optional[str]
    generate_target: Optional[str]
    generate_target_version: Optional[str]
    generate_version: Optional[str]
    gh_action_organization: Optional[str]
    gh_action_ref: Optional[str]
    gh_action_repository: Optional[str]
    gh_action_run_link: Optional[str]
    gh_action_version: Optional[str]
    git_relative_cwd: Optional[str]
    git_remote_default_owner: Optional[str]
    git_remote_default_repo: Optional[str]
    git_user_email: Optional[str]
    git_user_name: Optional[str]
    hostname: Optional[str]
    last_step: Optional[str]
    lint_report_digest: Optional[str]
    lint_report_error_count: Optional[int]
    lint_report_info_count: Optional[int]
    lint_report_warning_count: Optional[int]
    local_completed_at: Optional[datetime]
    management_doc_checksum: Optional[str]
    management_doc_version: Optional[str]
    mermaid_diagram: Optional[str]
    openapi_diff_base_source_blob_digest: Optional[str]
    openapi_diff_base_source_namespace_name: Optional[str]
    openapi_diff_base_source_revision_digest: Optional[str]
    openapi_diff_breaking_changes_count: Optional[int]
    openapi_diff_bump_type: Optional[OpenapiDiffBumpType]
    openapi_diff_report_digest: Optional[str]
    publish_package_name: Optional[str]
    publish_package_registry_name: Optional[str]
    publish_package_url: Optional[str]
    publish_package_version: Optional[str]
    raw_command: Optional[str]
    repo_label: Optional[str]
    source_blob_digest: Optional[str]
    source_namespace_name: Optional[str]
    source_revision_digest: Optional[str]
    workflow_lock_post_raw: Optional[str]
    workflow_lock_pre_raw: Optional[str]
    workflow_post_raw: Optional[str]
    workflow_pre_raw: Optional[str]
    generate_number_of_terraform_resources: Optional[int]
    generate_target_name: Optional[str]
    gh_changes_committed: Optional[bool]
    gh_pull_request: Optional[str]
    test_report_raw: Optional[str]
