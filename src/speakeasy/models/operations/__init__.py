"""Request and response models of the operations, each module imported on first use.

Each request model has a ``...RequestTypedDict`` twin (as 7.x exports them): the same
keys as a ``dict``, so that a dict request type-checks.
"""

from typing import TYPE_CHECKING, Dict

from speakeasy._lazy import lazy_attributes as _lazy_attributes

if TYPE_CHECKING:
    from speakeasy.models.operations.gettargets import (
        GetTargetsRequest,
        GetTargetsRequestTypedDict,
        GetTargetsResponse,
    )
    from speakeasy.models.operations.getworkspaceeventsbytarget import (
        GetWorkspaceEventsByTargetRequest,
        GetWorkspaceEventsByTargetRequestTypedDict,
        GetWorkspaceEventsByTargetResponse,
    )
    from speakeasy.models.operations.getworkspacetargets import (
        GetWorkspaceTargetsRequest,
        GetWorkspaceTargetsRequestTypedDict,
        GetWorkspaceTargetsResponse,
    )
    from speakeasy.models.operations.getworkspacetargetsdeprecated import (
        GetWorkspaceTargetsDeprecatedRequest,
        GetWorkspaceTargetsDeprecatedRequestTypedDict,
        GetWorkspaceTargetsDeprecatedResponse,
    )
    from speakeasy.models.operations.postworkspaceevents import (
        PostWorkspaceEventsRequest,
        PostWorkspaceEventsRequestTypedDict,
        PostWorkspaceEventsResponse,
    )
    from speakeasy.models.operations.searchworkspaceevents import (
        SearchWorkspaceEventsRequest,
        SearchWorkspaceEventsRequestTypedDict,
        SearchWorkspaceEventsResponse,
    )

__all__ = [
    "GetTargetsRequest",
    "GetTargetsRequestTypedDict",
    "GetTargetsResponse",
    "GetWorkspaceEventsByTargetRequest",
    "GetWorkspaceEventsByTargetRequestTypedDict",
    "GetWorkspaceEventsByTargetResponse",
    "GetWorkspaceTargetsDeprecatedRequest",
    "GetWorkspaceTargetsDeprecatedRequestTypedDict",
    "GetWorkspaceTargetsDeprecatedResponse",
    "GetWorkspaceTargetsRequest",
    "GetWorkspaceTargetsRequestTypedDict",
    "GetWorkspaceTargetsResponse",
    "PostWorkspaceEventsRequest",
    "PostWorkspaceEventsRequestTypedDict",
    "PostWorkspaceEventsResponse",
    "SearchWorkspaceEventsRequest",
    "SearchWorkspaceEventsRequestTypedDict",
    "SearchWorkspaceEventsResponse",
]


def _module_of(name: str) -> str:
    """``GetTargetsRequestTypedDict`` -> ``gettargets``: the module named after the operation."""
    for suffix in ("RequestTypedDict", "Request", "Response"):
        if name.endswith(suffix):
            return name[: -len(suffix)].lower()
    raise AssertionError(name)


_WHERE: Dict[str, str] = {name: _module_of(name) for name in __all__}

# Hidden from type checkers (they see the imports above): a misspelt name is an error.
if not TYPE_CHECKING:
    __getattr__ = _lazy_attributes(__name__, _WHERE)
