"""Upstream's module path
``speakeasy_client_sdk_python.models.shared.clievent``:
this SDK's own classes (the very objects of ``speakeasy``'s module).
"""

from speakeasy.models.shared.clievent import CliEvent, CliEventTypedDict
from speakeasy.models.shared.generatebumptype import GenerateBumpType
from speakeasy.models.shared.openapidiffbumptype import OpenapiDiffBumpType

__all__ = [
    "CliEvent",
    "CliEventTypedDict",
    "GenerateBumpType",
    "OpenapiDiffBumpType",
]
