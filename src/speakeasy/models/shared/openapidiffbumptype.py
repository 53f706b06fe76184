"""Enum ``OpenapiDiffBumpType``."""

from enum import Enum


class OpenapiDiffBumpType(str, Enum):
    """Bump type of the lock file (calculated semver delta, or a custom change (manual release))."""

    MAJOR = "major"
    MINOR = "minor"
    PATCH = "patch"
    NONE = "none"
