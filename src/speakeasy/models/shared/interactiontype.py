"""Enum ``InteractionType``."""

from enum import Enum


class InteractionType(str, Enum):
    """Type of interaction.

    Servers newer than this SDK may know more values: pass such a value as a
    plain ``str``; events read back keep it as ``str``.
    """

    CI_EXEC = "CI_EXEC"
    CLI_EXEC = "CLI_EXEC"
    LINT = "LINT"
    OPENAPI_DIFF = "OPENAPI_DIFF"
    TARGET_GENERATE = "TARGET_GENERATE"
    TOMBSTONE = "TOMBSTONE"
    AUTHENTICATE = "AUTHENTICATE"
    QUICKSTART = "QUICKSTART"
    RUN = "RUN"
    CONFIGURE = "CONFIGURE"
    PUBLISH = "PUBLISH"
    TEST = "TEST"
