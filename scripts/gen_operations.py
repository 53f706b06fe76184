"""Writes src/speakeasy/_operations.py: each operation of ``s.events`` and its ``_async`` twin.

Each sync method is written out so that editors, ``help()`` and ``typing.get_type_hints``
see its parameters, docstring and result; its twin is one line,
``<op>_async = _async_twin(<op>, "_<plan>")`` (``_async_twin`` is in the module's head:
the method's signature, type hints and docstring, awaiting its plan on the async edge).
One row of ``OPERATIONS`` per operation; the module's head, above ``MARKER``, is written
by hand there.
tests/typing/test_twins.py fails when the file is not what this script writes.
Run: ``python scripts/gen_operations.py`` (then ``ruff format``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List, NamedTuple

TARGET = Path(__file__).resolve().parent.parent / "src" / "speakeasy" / "_operations.py"


class Op(NamedTuple):
    name: str  # the 5.x method name
    plan: str  # the Events method that builds the request (``_<op>``)
    request: List[str]  # the accepted request types, spelt out
    required: bool  # whether ``request`` must be given
    response: str
    summary: str  # the docstring's head
    request_doc: str
    returns_doc: str
    example: str  # the call's arguments in the docstring's example


OPERATIONS = [
    Op(
        "post_workspace_events",
        "_post",
        ["PostWorkspaceEventsRequest", "PostWorkspaceEventsRequestTypedDict"],
        True,
        "PostWorkspaceEventsResponse",
        "Post events for a specific workspace.\n\n"
        "Sends an array of events to be stored for a particular workspace.\n"
        "Every event is checked before anything is sent.",
        "the events (``request_body``: ``shared.CliEvent`` models or dicts of\n"
        "their fields) and ``workspace_id`` (default: the client's); a model or its\n"
        "dict form (``PostWorkspaceEventsRequestTypedDict``).",
        "its ``status_code`` and ``raw_response``.",
        '{"request_body": [event]}',
    ),
    Op(
        "search_workspace_events",
        "_search",
        ["SearchWorkspaceEventsRequest", "SearchWorkspaceEventsRequestTypedDict", "None"],
        False,
        "SearchWorkspaceEventsResponse",
        "Search events for a particular workspace by any field.",
        "the filters (``limit``, ``success``, ``interaction_type``, the digests...)\n"
        "and ``workspace_id`` (default: the client's); a model, its dict form\n"
        "(``SearchWorkspaceEventsRequestTypedDict``) or ``None``: no filter.",
        "``cli_event_batch``, the events found (``shared.CliEvent``).",
        '{"limit": 10}',
    ),
    Op(
        "get_workspace_events_by_target",
        "_by_target",
        ["GetWorkspaceEventsByTargetRequest", "GetWorkspaceEventsByTargetRequestTypedDict"],
        True,
        "GetWorkspaceEventsByTargetResponse",
        "Load recent events for a particular workspace.",
        "``target_id``, ``after_created_at`` and ``workspace_id`` (default:\n"
        "the client's); a model or its dict form\n"
        "(``GetWorkspaceEventsByTargetRequestTypedDict``).",
        "``cli_event_batch``, the target's events (``shared.CliEvent``).",
        '{"target_id": "lock-1"}',
    ),
    Op(
        "get_workspace_targets",
        "_targets",
        ["GetWorkspaceTargetsRequest", "GetWorkspaceTargetsRequestTypedDict", "None"],
        False,
        "GetWorkspaceTargetsResponse",
        "Load targets for a particular workspace (the path with ``{workspaceID}``).",
        "``after_last_event_created_at`` and ``workspace_id`` (default: the\n"
        "client's); a model, its dict form (``GetWorkspaceTargetsRequestTypedDict``)\n"
        "or ``None``.",
        "``target_sdk_list``, the workspace's targets (``shared.TargetSDK``).",
        "",
    ),
    Op(
        "get_targets",
        "_no_workspace_targets",
        [
            "GetTargetsRequest",
            "GetTargetsRequestTypedDict",
            "GetWorkspaceTargetsRequest",
            "None",
        ],
        False,
        "GetTargetsResponse",
        "Load targets with no workspace in the path (``/v1/workspace/events/targets``).\n\n"
        "The API answers the targets the credentials may see; no ``workspace_id``\n"
        "is needed (and one set on the request is refused: use ``get_targets_deprecated``).",
        "``after_last_event_created_at``; a model, its dict form\n"
        "(``GetTargetsRequestTypedDict``), 7.x's ``GetWorkspaceTargetsRequest``\n"
        "without a workspace, or ``None``.",
        "``target_sdk_list``, the targets (``shared.TargetSDK``).",
        "",
    ),
]

#: The 7.x and TypeScript names: the same methods under a second name.
ALIASES = [
    ("post", "post_workspace_events"),
    ("search", "search_workspace_events"),
    ("get_events_by_target", "get_workspace_events_by_target"),
    ("get_targets_deprecated", "get_workspace_targets"),
]

#: The line of the module after which this script writes. What stands above it there (the
#: module's docstring, its imports and the head of the class) is written by hand in the module
#: itself, and kept as it is.
MARKER = "        # (below: written by scripts/gen_operations.py from its table)\n"


def head() -> str:
    """The module's hand-written head, up to and with ``MARKER``."""
    text = TARGET.read_text(encoding="utf-8")
    return text[: text.index(MARKER) + len(MARKER)]


ERRORS = """
Raises:
    errors.ValidationError: bad input, naming the field; nothing was sent.
    errors.Error: a 5XX answer with the API's JSON error body (``e.data``).
    errors.SDKError: any other non-2xx answer.
    errors.ClientClosedError: the client was closed.
    The edge's network exceptions, once retries are spent or off (docs/errors.md).
"""

ARGS = """
Args:
    request: {request_doc}
    retries: this call's ``RetryConfig`` (default: the client's ``retry_config``).
    timeout_ms: each attempt's deadline in milliseconds (default: the client's).
    server_url: keyword-only; this call's base URL, checked as the client's.
    http_headers: keyword-only; headers added to this request (some are refused).

Returns:
    operations.{response}:
        {returns_doc}
"""


def indent(text: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in text.splitlines(True))


def docstring(op: Op) -> str:
    request_doc = op.request_doc.replace("\n", "\n        ")
    body = (
        op.summary
        + "\n"
        + ARGS.format(request_doc=request_doc, response=op.response, returns_doc=op.returns_doc)
    )
    body += ERRORS + f"\nExample::\n\n    res = s.events.{op.name}({op.example})\n"
    return 'r"""' + indent(body, "        ").lstrip() + '        """\n'


def method(op: Op) -> str:
    """The sync method, written out, and its ``_async`` twin, made from it."""
    types = ", ".join("None" if t == "None" else f"operations.{t}" for t in op.request)
    default = "" if op.required else " = None"
    return (
        f"\n    def {op.name}(\n"
        "        self,\n"
        f"        request: Union[{types}]{default},\n"
        "        retries: Optional[RetryConfig] = None,\n"
        "        timeout_ms: Optional[int] = None,\n"
        "        *,\n"
        "        server_url: Optional[str] = None,\n"
        "        http_headers: Optional[Mapping[str, str]] = None,\n"
        f"    ) -> operations.{op.response}:\n"
        f"        {docstring(op)}"
        "        return self._sync.send(\n"
        f"            self.{op.plan}(request, retries, timeout_ms, server_url, http_headers)\n"
        "        )\n"
        f'\n    {op.name}_async = _async_twin({op.name}, "{op.plan}")\n'
    )


def plan_declaration(op: Op) -> str:
    return f"        {op.plan}: Callable[..., Plan[operations.{op.response}]]\n"


def source() -> str:
    text = head() + "".join(plan_declaration(op) for op in OPERATIONS)
    text += "".join(method(op) for op in OPERATIONS)
    text += "\n    #: The names of the 7.x SDK and of the TypeScript SDK: the same operations.\n"
    for alias, name in ALIASES:
        text += f"    {alias} = {name}\n    {alias}_async = {name}_async\n"
    return text


def formatted() -> str:
    """``source()`` as ruff formats it (the file is checked with ``ruff format``)."""
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), "format", "--stdin-filename", str(TARGET), "-"],
        input=source(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


if __name__ == "__main__":
    TARGET.write_text(formatted(), encoding="utf-8")
    print(f"wrote {TARGET}")
