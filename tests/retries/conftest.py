"""The promises of docs/retries.md; hostile fixtures from tests/support/hostile.py."""

from tests.support.hostile import *  # noqa: F403 (fixtures: pytest finds them by name)
