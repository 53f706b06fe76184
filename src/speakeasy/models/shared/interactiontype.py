"""Enum ``InteractionType``."""

from enum import Enum


class InteractionType(str, Enum):
    """Type of interaction.

    Servers newer than this SDK know more values (``CI_EXEC``, ``LINT``, ...):
    pass such a value as a plain ``str``; events read back keep it as ``str``.
    """

    CLI_EXEC = "CLI_EXEC"
    TARGET_GENERATE = "TARGET_GENERATE"
