"""What a type checker sees of the public names: ``mypy --strict`` and strict pyright.

The lazy module ``__getattr__`` hooks that import names on first use are hidden from
type checkers, so a misspelt public name is an error there (not a silent ``Any``), and
every real public name is still visible.
"""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, Set, Tuple

import pytest

import speakeasy
from tests.support.factories import MYPY_CACHE
from tests.test_public_api import MODULES
from tests.typing.test_twins import PAIRS

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

#: One misspelling of a public name a line, each one an error for both checkers.
MISSPELT = [
    "speakeasy.Speakeasyy",
    "speakeasy.EventBatchr",
    "speakeasy.Event",
    "speakeasy.hooks",
    "speakeasy.model",
    "speakeasy.models.operation",
    "speakeasy.models.operations.PostWorkspaceEventRequest",
    "speakeasy.models.operations.SearchWorkspaceEventsResponce",
    "speakeasy.models.shared.CLIEvent",
    "speakeasy.models.shared.TargetSdk",
    "speakeasy.models.errors.SDKErorr",
    "speakeasy.models.errors.ErrorDatum",
    "speakeasy.models.errors.BrokenResponse",
    "speakeasy.utils.RetryConfigs",
    "speakeasy.testing.EventServer",
]

#: Calls of the async twins that their sync twin refuses too: an error each.
WRONG_TWIN_CALLS = [
    'await s.events.search_workspace_events_async(None, None, None, "http://127.0.0.1:1")',
    'await s.events.post_async({"request_body": []}, None, None, None)',
    "await s.events.get_targets_async(colour=1)",
    "await s.events.get_workspace_events_by_target_async()",
]

#: Hooks of each kind, for one edge or both: accepted where they belong.
GOOD_HOOKS = [
    "s.hooks.before_request(sync_request)",
    "s.hooks.before_request(async_request)",
    "s.hooks.before_request(any_request)",
    "s.hooks.before_request(lambda request: None)",
    "s.hooks.after_success(sync_response)",
    "s.hooks.after_success(async_response)",
    "s.hooks.after_success(any_response)",
    "s.hooks.after_error(any_outcome)",
    "s.hooks.after_error(sync_outcome)",
    "s.hooks.after_error(any_response)",
]
#: A hook of the wrong kind, arity or result: an error each.
WRONG_HOOKS = [
    "s.hooks.before_request(sync_response)",
    "s.hooks.before_request(two_params)",
    "s.hooks.before_request(returns_str)",
    "s.hooks.before_request(no_params)",
    "s.hooks.after_success(sync_request)",
    "s.hooks.after_success(async_request)",
    "s.hooks.after_error(two_params)",
    "s.hooks.after_error(sync_request)",
]

HEADER = """\
from typing import Union

import requests
import speakeasy
import speakeasy.models.errors
import speakeasy.models.operations
import speakeasy.models.shared
import speakeasy.testing
import speakeasy.utils
from typing_extensions import assert_type

from speakeasy.models import operations
from speakeasy.models.errors import DetachedResponse, HttpResponse


def sync_request(request: requests.PreparedRequest) -> None: ...
def async_request(request: speakeasy.AsyncRequest) -> speakeasy.AsyncRequest:
    return request
def any_request(request: speakeasy.HookRequest) -> speakeasy.HookRequest:
    return request.copy()
def sync_response(response: requests.Response) -> None: ...
def async_response(response: DetachedResponse) -> None: ...
def any_response(response: HttpResponse) -> None: ...
def any_outcome(outcome: object) -> None: ...
def sync_outcome(outcome: Union[requests.Response, requests.RequestException]) -> None: ...
def two_params(request: speakeasy.HookRequest, extra: int) -> None: ...
def returns_str(request: speakeasy.HookRequest) -> str:
    return str(request.url)
def no_params() -> None: ...


async def main(s: speakeasy.Speakeasy) -> None:
"""

#: A request each operation accepts, by its 5.x name.
REQUESTS = {
    "post_workspace_events": '{"request_body": []}',
    "get_workspace_events_by_target": '{"target_id": "t"}',
}


def twin_results() -> List[str]:
    """Each operation and its twin, awaited: the same response type to the checker."""
    lines = []
    for sync, twin in PAIRS:
        method = getattr(speakeasy.Events, sync)
        response = method.__annotations__["return"]  # "operations.<Name>Response"
        request = REQUESTS.get(method.__name__, "")
        lines.append(f"assert_type(s.events.{sync}({request}), {response})")
        lines.append(f"assert_type(await s.events.{twin}({request}), {response})")
    return lines


def public_names() -> List[str]:
    """Every name of every public module's ``__all__``, spelt right."""
    modules = [*MODULES, "speakeasy.testing"]
    return [f"{m}.{name}" for m in modules for name in importlib.import_module(m).__all__]


def write(path: Path, expressions: List[str]) -> List[int]:
    """A module using each expression on a line of its own; the lines' numbers."""
    first = HEADER.count("\n") + 1
    path.write_text(HEADER + "".join(f"    print({e})\n" for e in expressions), "utf-8")
    return list(range(first, first + len(expressions)))


def flagged_lines(output: str, name: str) -> Set[int]:
    return {int(n) for n in re.findall(re.escape(name) + r"[:(](\d+)", output)}


#: The wrong expressions: each one an error for both checkers.
WRONG = MISSPELT + WRONG_TWIN_CALLS + WRONG_HOOKS


def run_mypy(path: Path) -> str:
    mypy = [sys.executable, "-m", "mypy", "--strict", "--show-traceback"]
    mypy += ["--cache-dir", str(MYPY_CACHE)]  # the SDK's modules analysed once (factories.py)
    done = subprocess.run(
        [*mypy, "--no-error-summary", path.name], cwd=path.parent, capture_output=True, text=True
    )
    assert done.returncode in (0, 1), done.stderr + done.stdout
    return done.stdout


def run_pyright(*paths: Path) -> str:
    """Strict pyright over ``paths`` (files of one folder), in one run: it takes seconds to
    start, so the tests of this module that need it share one run (``pyright_output``)."""
    pyright = shutil.which("pyright", path=str(BIN))
    if pyright is None:
        pytest.skip("pyright is not installed (the dev extra installs it)")
    folder = paths[0].parent
    (folder / "pyrightconfig.json").write_text(
        '{"typeCheckingMode": "strict", "pythonVersion": "3.9"}', encoding="utf-8"
    )
    done = subprocess.run(
        [pyright, "--pythonpath", sys.executable, *(path.name for path in paths)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr + done.stdout
    return done.stdout


def names_module(path: Path) -> Tuple[List[int], List[str]]:
    """Write the module of public names, right and misspelt; its lines and expressions,
    the clean ones first, then ``WRONG``."""
    expressions = public_names() + twin_results() + GOOD_HOOKS + WRONG
    return write(path, expressions), expressions


def hover_module(path: Path) -> List[str]:
    """Write the module revealing what an editor shows; the expressions revealed."""
    shown = ["speakeasy.Speakeasy.__init__", "s.hooks.before_request"] + [
        f"s.events.{name}" for name in [*sorted(n for pair in PAIRS for n in pair), "batcher"]
    ]
    path.write_text(
        "import speakeasy\n\ns = speakeasy.Speakeasy()\n"
        + "".join(f"reveal_type({e})\n" for e in shown),
        encoding="utf-8",
    )
    return shown


@pytest.fixture(scope="module")
def pyright_output(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One strict pyright run over both modules (names_pyright.py and hover.py)."""
    folder = tmp_path_factory.mktemp("pyright")
    names_module(folder / "names_pyright.py")
    hover_module(folder / "hover.py")
    return run_pyright(folder / "names_pyright.py", folder / "hover.py")


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_misspelt_public_names_are_errors_and_real_ones_are_not(
    checker: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """``speakeasy.Speakeasyy`` and its like: an error each, not an ``Any``; every public
    name spelt right: no error. Each async twin awaited gives its sync twin's response
    type; a call its sync twin refuses is an error. A hook of its kind, typed for one
    edge or both, is accepted; one of the wrong kind is an error. (One checker run for
    all: it is slow.)"""
    name = f"names_{checker}.py"
    lines, expressions = names_module(tmp_path / name)  # for pyright: what pyright_output ran on
    if checker == "mypy":
        output = run_mypy(tmp_path / name)
    else:
        output = request.getfixturevalue("pyright_output")
    flagged = flagged_lines(output, name)
    named = dict(zip(lines, expressions))
    clean = len(expressions) - len(WRONG)
    assert flagged <= set(lines[clean:]), output  # nothing else: the header is clean
    assert [named[n] for n in lines[:clean] if n in flagged] == [], output
    assert [named[n] for n in lines[clean:] if n not in flagged] == [], output


#: The private aliases hover used to show, which a user cannot import.
PRIVATE_ALIASES = ["PostRequest", "SearchRequest", "ByTargetRequest", "TargetsRequest", "Headers"]


def test_hover_shows_only_importable_names(tmp_path: Path, pyright_output: str) -> None:
    """What an editor shows for the client and each operation (pyright's ``reveal_type``,
    what Pylance hovers): spelt-out request types, no private alias."""
    shown = hover_module(tmp_path / "hover.py")  # what pyright_output checked
    output = pyright_output
    revealed = re.findall(r'Type of "([^"]+)" is "(.*)"', output)
    assert [e for e, _ in revealed] == shown, output
    for expression, text in revealed:
        names = set(re.findall(r"[A-Za-z_]\w*", text))
        assert names.isdisjoint(PRIVATE_ALIASES), (expression, text)
        assert not [n for n in names if n.startswith("_")], (expression, text)
    post = dict(revealed)["s.events.post_workspace_events_async"]
    assert "request: PostWorkspaceEventsRequest | PostWorkspaceEventsRequestTypedDict," in post
