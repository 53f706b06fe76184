"""Enum ``GenerateBumpType``."""

from enum import Enum


class GenerateBumpType(str, Enum):
    """Bump type of the lock file (calculated semver delta, custom change (manual release), or prerelease/graduate)."""  # noqa: E501

    MAJOR = "major"
    MINOR = "minor"
    PATCH = "patch"
    CUSTOM = "custom"
    GRADUATE = "graduate"
    PRERELEASE = "prerelease"
    NONE = "none"
