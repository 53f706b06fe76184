"""Every ```python block of README.md, USAGE.md and docs/**/*.md runs, as users would run it,
and passes ``mypy --strict``.

Each block runs in a fresh ``__main__``-like namespace against a local events server:
``speakeasy.Speakeasy`` is swapped for a subclass that points clients built without
``server`` or ``server_url`` at that server, so the examples read exactly as they do for
production. Nothing here skips a block: an example that cannot run is a broken example.
Name resolution is limited to loopback while a block runs, so no example reaches the
internet even if it names a real server.

A block preceded by the line ``<!-- a pytest test file -->`` is a test module that uses the
package's pytest fixtures: it is run by pytest, in a subprocess, as a file of its own, and
each of its tests must pass.

A block preceded by the line ``<!-- continues the example above -->`` (invisible once
rendered; say so in the prose too) runs after the blocks it continues, in their namespace,
and is type-checked with them: a page can set up a client and an event once and keep its
other examples short.

All blocks are type-checked in one ``mypy --strict`` run, each chain of blocks as one module
whose line numbers are those of its Markdown file.
"""

from __future__ import annotations

import gc
import importlib.util
import ipaddress
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, List, NamedTuple, Optional

import pytest

import speakeasy
from speakeasy.testing import EventsServer
from tests.support.contract import assert_conforms
from tests.support.factories import run_mypy_on_folder, run_pytest_suite
from tests.support.local_server import serving

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = [ROOT / "README.md", ROOT / "USAGE.md", *sorted((ROOT / "docs").rglob("*.md"))]

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)")
_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
_CONTINUES = re.compile(r"^<!--\s*continues the example above\s*-->\s*$")
_PYTEST_FILE = re.compile(r"^<!--\s*a pytest test file\s*-->\s*$")
#: A block that contains one of these must make the default server receive a request.
_SENDS = ("post_workspace_events(", ".add(")


class Block(NamedTuple):
    path: Path
    line: int  # 1-based line of the opening fence
    code: str
    continues: bool = False  # runs after the previous block of its page, in its namespace
    pytest_file: bool = False  # a test module, run by pytest with the package's fixtures

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT).as_posix()}:L{self.line}"


def _fenced(path: Path) -> Iterator[tuple[str, int, List[str], str]]:
    """(language, line of the opening fence, body lines, line above the fence) of each block."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        fence, language, start = match.group(1), match.group(2).lower(), index
        index += 1
        body: List[str] = []
        while index < len(lines) and not lines[index].startswith(fence):
            body.append(lines[index])
            index += 1
        index += 1
        yield language, start + 1, body, lines[start - 1] if start else ""


def python_blocks(path: Path) -> List[Block]:
    blocks = [
        Block(
            path,
            line,
            "\n".join(body) + "\n",
            bool(_CONTINUES.match(above)),
            bool(_PYTEST_FILE.match(above)),
        )
        for language, line, body, above in _fenced(path)
        if language in ("python", "py")
    ]
    if blocks and blocks[0].continues:
        raise ValueError(f"{path.name}:L{blocks[0].line}: the first block continues nothing")
    return blocks


def chain(block: Block) -> List[Block]:
    """The blocks to run for ``block``: the ones it continues, in page order, then itself."""
    page = [b for b in BLOCKS if b.path == block.path]
    start = page.index(block)
    while page[start].continues:
        start -= 1
    return page[start : page.index(block) + 1]


BLOCKS = [block for path in DOC_FILES for block in python_blocks(path)]

# scripts/ is no package: its README runner (standard library only) is loaded by path.
_spec = importlib.util.spec_from_file_location(
    "_readme_example", ROOT / "scripts" / "_readme_example.py"
)
assert _spec is not None and _spec.loader is not None
_readme_example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_readme_example)


class InternetAccessError(RuntimeError):
    """A doc example tried to resolve a host other than loopback."""


def _loopback_only(real: Any) -> Any:
    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode("ascii") if isinstance(host, bytes) else host
        if name is not None and name.lower() != "localhost":
            try:
                loopback = ipaddress.ip_address(name.strip("[]")).is_loopback
            except ValueError:
                loopback = False
            if not loopback:
                # Not an OSError, so the SDK does not retry it: the block fails at once.
                raise InternetAccessError(f"doc example tried to reach {name!r}")
        return real(host, *args, **kwargs)

    return getaddrinfo


@pytest.fixture(scope="module")
def docs_server() -> Iterator[EventsServer]:
    yield from serving(api_key=None)


@pytest.fixture
def local_speakeasy(docs_server: EventsServer, monkeypatch: pytest.MonkeyPatch) -> EventsServer:
    """Point clients built without ``server``/``server_url`` at the local server."""
    monkeypatch.setattr(speakeasy, "Speakeasy", _readme_example.defaulting_to(docs_server.url))
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_only(socket.getaddrinfo))
    docs_server.reset()
    return docs_server


@pytest.mark.parametrize("block", [pytest.param(b, id=b.id) for b in BLOCKS])
def test_python_block_runs(block: Block, local_speakeasy: EventsServer) -> None:
    """The example runs without an exception; one that posts reaches the server."""
    if block.pytest_file:
        _run_as_pytest_file(block)
        return
    namespace: Dict[str, Any] = {"__name__": "__main__"}
    blocks = chain(block)
    # Objects that exist before the block are set aside (gc.freeze), so the collection
    # after it looks at the block's own objects only: 1 ms, not 90 ms for the whole heap.
    gc.freeze()
    try:
        for step in blocks:
            before = len(local_speakeasy.received)
            # Padding keeps line numbers in tracebacks equal to the lines of the Markdown file.
            code = compile("\n" * step.line + step.code, str(step.path), "exec")
            exec(code, namespace)
        namespace.clear()
        gc.collect()  # an unclosed socket or session fails this block, not a later test
    finally:
        gc.unfreeze()

    received = local_speakeasy.received[before:]
    own_server = any("EventsServer(" in b.code for b in blocks)  # it checks its own server
    if any(call in block.code for call in _SENDS) and not own_server:
        assert received, f"{block.id} posts events but the local server received no request"
    for request in received:
        assert_conforms(request, local_speakeasy.url)


def _run_as_pytest_file(block: Block) -> None:
    """Run the block as a test module of its own (its folder has no conftest)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        files = {"test_doc_example.py": block.code}
        result = run_pytest_suite(Path(folder), files, "-q", "-W", "error")
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{block.id} fails as a pytest file:\n{output}"
    assert " passed" in result.stdout and "skipped" not in result.stdout, output


def _module_name(block: Block) -> str:
    return "doc_" + re.sub(r"\W", "_", block.id)


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, List[str]]:
    """``mypy --strict`` over every block at once: its messages by block id."""
    directory = tmp_path_factory.mktemp("doc_blocks")
    owner: Dict[str, List[Block]] = {}  # module name -> the blocks of its chain
    for block in BLOCKS:
        owner.setdefault(_module_name(chain(block)[0]), []).append(block)
    for name, blocks in owner.items():
        lines: List[str] = []
        for block in blocks:  # the line of each block's code is its line in the Markdown file
            lines += [""] * (block.line - len(lines)) + block.code.splitlines()
        (directory / f"{name}.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_mypy_on_folder(directory)
    assert result.returncode in (0, 1), f"mypy did not run:\n{result.stdout}\n{result.stderr}"
    errors: Dict[str, List[str]] = {block.id: [] for block in BLOCKS}
    for message in result.stdout.splitlines():
        match = re.match(r"(doc_\w+)\.py:(\d+): (?:error|note): (.*)", message)
        assert match, f"unexpected mypy output: {message}"
        blocks = owner[match.group(1)]
        line = int(match.group(2))
        block = next(b for b in reversed(blocks) if b.line < line)
        errors[block.id].append(f"{block.path.relative_to(ROOT)}:{line}: {match.group(3)}")
    return errors


@pytest.mark.parametrize("block", [pytest.param(b, id=b.id) for b in BLOCKS])
def test_python_block_type_checks(block: Block, mypy_errors: Dict[str, List[str]]) -> None:
    """The example passes ``mypy --strict``, as user code that copies it would."""
    assert not mypy_errors[block.id], "\n".join(mypy_errors[block.id])


def test_every_doc_file_with_examples_is_collected() -> None:
    """The collector finds the examples of the main pages (guards against a parser slip)."""
    collected = {block.path.relative_to(ROOT).as_posix() for block in BLOCKS}
    for page in ("README.md", "USAGE.md", "docs/sdks/events/README.md"):
        assert page in collected


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_]{2,}|`", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    fenced = {
        line for _, start, body, _ in _fenced(path) for line in range(start, start + len(body) + 2)
    }
    anchors = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number not in fenced and line.startswith("#"):
            anchors.add(_slug(line.lstrip("#")))
    return anchors


def _links(path: Path) -> Iterator[tuple[int, str]]:
    fenced = {
        line for _, start, body, _ in _fenced(path) for line in range(start, start + len(body) + 2)
    }
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if number not in fenced:
            for match in _LINK.finditer(line):
                yield number, match.group(1)


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p.relative_to(ROOT).as_posix()) for p in DOC_FILES]
)
def test_relative_links_resolve(path: Path) -> None:
    """Every relative link of a page points at a file that exists (and at a heading there)."""
    broken = []
    for number, target in _links(path):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        resolved: Optional[Path] = (path.parent / file_part).resolve() if file_part else path
        if resolved is None or not resolved.exists():
            broken.append(f"L{number}: {target} (no such file)")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"L{number}: {target} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_a_block_after_the_marker_continues_the_one_above(tmp_path: Path) -> None:
    """The marker must sit right above the fence; a page cannot start with it."""
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nx = 1\n```\n<!-- continues the example above -->\n```python\nx\n```\n"
        "<!-- continues the example above -->\n\n```python\ny = 2\n```\n",
        encoding="utf-8",
    )
    assert [b.continues for b in python_blocks(page)] == [False, True, False]
    page.write_text("<!-- continues the example above -->\n```python\nx\n```\n", "utf-8")
    with pytest.raises(ValueError, match="continues nothing"):
        python_blocks(page)


README = ROOT / "README.md"
#: The pages the README's table of contents must link to.
FRONT_PAGE_LINKS = (
    "docs/async.md",
    "docs/errors.md",
    "docs/retries.md",
    "docs/batching.md",
    "docs/tracking.md",
    "docs/cli.md",
    "docs/testing.md",
    "docs/reliability.md",
    "docs/performance.md",
    "docs/migrating-from-5x.md",
    "docs/architecture.md",
)


def test_readme_is_a_front_page() -> None:
    """At most 400 lines, the two commands near the top, one example (and its async form),
    the "Record a run" example, links to the rest."""
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 400
    top = "\n".join(lines[:40])
    assert "./scripts/demo" in top and "./scripts/test" in top
    blocks = python_blocks(README)
    assert len(blocks) == 3 and "asyncio.run(" in blocks[1].code and ".track(" in blocks[2].code
    targets = {target.partition("#")[0] for _, target in _links(README)}
    assert sorted(set(FRONT_PAGE_LINKS) - targets) == []


def test_demo_posts_the_readme_example_and_masks_the_key() -> None:
    """scripts/demo.py runs the README's example as written against a local server."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "POST /v1/workspace/string/events" in result.stdout
    assert "answered 200 (accepted)" in result.stdout
    assert "x-api-key: ***" in result.stdout
    assert "<YOUR_API_KEY_HERE>" not in result.stdout + result.stderr
    assert "$ speakeasy-events run -- python" in result.stdout  # then records a command
    assert "the event it recorded" in result.stdout and "success: True" in result.stdout


def test_migration_page_covers_scope_upgrade_and_every_deliberate_difference() -> None:
    """The page a 5.x user reads before switching keeps each topic it owes them."""
    text = (ROOT / "docs" / "migrating-from-5x.md").read_text(encoding="utf-8")
    headings = {line.lstrip("#").strip() for line in text.splitlines() if line.startswith("## ")}
    assert {"Scope", "The version: 5.9.16", "Upgrading cleanly"} <= headings
    assert {"What you may have to change", "Deliberate differences"} <= headings
    rows = {line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ")}
    for area in (
        "429 Too Many Requests",
        "Validation",
        "Naive date-times",
        "`http://`",
        "Models",
        "Retry config",
        "Read operations",
        "Enums",
        "Errors",
    ):
        assert area in rows, area
    assert "dataclasses-json-speakeasy" in text and "pip uninstall" in text
    assert speakeasy.__version__ in text
