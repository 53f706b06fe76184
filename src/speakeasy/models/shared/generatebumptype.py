"""Enum ``GenerateBumpType``."""

from enum import Enum


class GenerateBumpType(str, Enum):
    """Bump type of the lock file (calculated semver delta, or a custom change (manual release))."""

    MAJOR = "major"
    MINOR = "minor"
    PATCH = "patch"
    CUSTOM = "custom"
    NONE = "none"
