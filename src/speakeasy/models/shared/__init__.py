"""Models shared by the operations: ``CliEvent``, ``TargetSDK``, their enums, and ``Security``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from speakeasy._lazy import lazy_attributes as _lazy_attributes
from speakeasy.models.shared.clievent import CliEvent, CliEventTypedDict
from speakeasy.models.shared.generatebumptype import GenerateBumpType
from speakeasy.models.shared.interactiontype import InteractionType
from speakeasy.models.shared.openapidiffbumptype import OpenapiDiffBumpType
from speakeasy.models.shared.security import Security

if TYPE_CHECKING:
    from speakeasy.models.shared.targetsdk import TargetSDK

__all__ = [
    "CliEvent",
    "CliEventTypedDict",
    "GenerateBumpType",
    "InteractionType",
    "OpenapiDiffBumpType",
    "Security",
    "TargetSDK",
]


# TargetSDK is only ever read back: its 45 fields are built on first use, not at import.
# Hidden from type checkers (they see the import above): a misspelt name is an error.
if not TYPE_CHECKING:
    __getattr__ = _lazy_attributes(__name__, {"TargetSDK": "targetsdk"})
