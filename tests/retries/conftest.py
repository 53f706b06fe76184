"""The promises of docs/retries.md.

Hostile servers and their distinctive key come from tests/support/hostile.py.
"""

from tests.support.hostile import (  # noqa: F401 (fixtures, found by pytest by name)
    api_key,
    client,
    events_server,
    make_client,
    other_server,
    sdk_log,
)
