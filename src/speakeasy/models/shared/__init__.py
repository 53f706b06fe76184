"""Models shared by the operations: ``CliEvent``, ``TargetSDK``, their enums, and ``Security``."""

from speakeasy.models.shared.clievent import CliEvent
from speakeasy.models.shared.generatebumptype import GenerateBumpType
from speakeasy.models.shared.interactiontype import InteractionType
from speakeasy.models.shared.openapidiffbumptype import OpenapiDiffBumpType
from speakeasy.models.shared.security import Security
from speakeasy.models.shared.targetsdk import TargetSDK

__all__ = [
    "CliEvent",
    "GenerateBumpType",
    "InteractionType",
    "OpenapiDiffBumpType",
    "Security",
    "TargetSDK",
]
