"""Models shared by the operations: ``CliEvent``, its enums, and ``Security``."""

from speakeasy.models.shared.clievent import CliEvent
from speakeasy.models.shared.generatebumptype import GenerateBumpType
from speakeasy.models.shared.interactiontype import InteractionType
from speakeasy.models.shared.security import Security

__all__ = ["CliEvent", "GenerateBumpType", "InteractionType", "Security"]
