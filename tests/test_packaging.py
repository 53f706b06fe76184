"""The wheel holds the package and its metadata, and nothing else; the sdist holds the tree.

Both are built offline (setuptools, wheel and build come from the ``dev`` extra) from a copy
of the work tree, so that a stale ``build/`` directory cannot leak old files into them; the
wheel is built once a session and shared with every test that installs it
(tests/support/built.py). The sdist must be a working source tree: here, every file the
tests read is in it; scripts/check-install (run by CI after this suite) unpacks it, checks
that ``pytest --collect-only`` finds there the same test ids as in this tree, and runs them
all there.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path
from typing import List, Set

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

import speakeasy
from tests.support.built import built_wheel, copy_tree
from tests.support.built import not_copied as _not_copied
from tests.support.factories import env_without, run_captured, run_pytest_suite

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "speakeasy"
#: 6.x/7.x's import name over the same objects (docs/migrating-from-6x-7x.md).
COMPAT_PACKAGE = ROOT / "src" / "speakeasy_client_sdk_python"
DIST_INFO = f"speakeasy_client_sdk_python-{speakeasy.__version__}.dist-info/"
RUNTIME_DEPENDENCIES = {
    "requests",
    "python-dateutil",
    "dataclasses-json",
    "jsonpath-python",
    "typing-inspect",
}
#: The release of upstream's requests + dataclasses-json line that this package replaces.
SUPERSEDED = Version("5.9.15")
#: Upstream's releases from 5.9.0 on (``pip index versions speakeasy-client-sdk-python``,
#: November 2026); this package must not reuse one of them.
UPSTREAM_RELEASES = {
    Version(v)
    for v in (
        "5.9.0 5.9.1 5.9.2 5.9.3 5.9.4 5.9.5 5.9.6 5.9.7 5.9.8 5.9.9 5.9.10 5.9.12 5.9.13 "
        "5.9.14 5.9.15 5.10.1 6.0.0 6.0.1 6.2.0 6.3.0"
    ).split()
}
#: What the sdist must hold besides the package: everything the tests read or link to.
SDIST_DIRECTORIES = ("src", "tests", "docs", "scripts", "bench", ".ci")
SDIST_FILES = ("README.md", "USAGE.md", "SECURITY.md", "LICENSE", "openapi.yaml", "pyproject.toml")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the work tree without local state, to build from."""
    return copy_tree(tmp_path_factory.mktemp("tree") / "src-tree")


def _build(tree: Path, out: Path, command: List[str], pattern: str) -> Path:
    """Run ``python -m <command> <out> .`` offline in ``tree``; the one file it wrote."""
    result = run_captured([sys.executable, "-m", *command, str(out), "."], cwd=tree, timeout=300)
    name = " ".join(command[:2])
    assert result.returncode == 0, f"{name} failed:\n{result.stdout}\n{result.stderr}"
    (built,) = out.glob(pattern)
    return built


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's wheel, built offline from a copy of the tree (tests/support/built.py)."""
    return built_wheel(tmp_path_factory)


@pytest.fixture(scope="module")
def sdist(tree: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    command = ["build", "--sdist", "--no-isolation", "--outdir"]
    return _build(tree, tmp_path_factory.mktemp("sdist"), command, "*.tar.gz")


def test_sdist_holds_the_source_tree(sdist: Path) -> None:
    """Every file the tests import, read or link to is in the sdist (not only tests/test_*.py)."""
    expected = {name for name in SDIST_FILES if (ROOT / name).is_file()}
    for directory in SDIST_DIRECTORIES:
        for base, dirs, files in os.walk(ROOT / directory):
            dirs[:] = sorted(set(dirs) - _not_copied(base, dirs))
            for name in set(files) - _not_copied(base, files):
                expected.add((Path(base) / name).relative_to(ROOT).as_posix())
    with tarfile.open(sdist) as archive:
        shipped = {name.partition("/")[2] for name in archive.getnames()}
    assert sorted(expected - shipped) == []
    assert not [n for n in shipped if n.endswith((".pyc", ".pyo")) or "__pycache__" in n]


@pytest.fixture(scope="module")
def names(wheel: Path) -> List[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


@pytest.fixture(scope="module")
def metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(DIST_INFO + "METADATA").decode("utf-8")
    return HeaderParser().parsestr(text)


def test_wheel_holds_only_the_package_and_dist_info(names: List[str]) -> None:
    """No tests, bench, docs or scripts: only ``speakeasy/``, ``speakeasy_client_sdk_python/``
    and the dist-info."""
    packages = ("speakeasy/", "speakeasy_client_sdk_python/", DIST_INFO)
    strays = [n for n in names if not n.startswith(packages)]
    assert not strays


def test_wheel_holds_every_source_file(names: List[str]) -> None:
    """Every module of src/speakeasy is in the wheel (a package without __init__ would not be)."""
    sources = {
        f"{package.name}/{path.relative_to(package).as_posix()}"
        for package in (PACKAGE, COMPAT_PACKAGE)
        for path in package.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert sources <= set(names)


def test_wheel_ships_py_typed_and_the_local_server(names: List[str]) -> None:
    """py.typed and speakeasy.testing (with its ``python -m`` entry) are included."""
    for name in ("py.typed", "testing/__init__.py", "testing/__main__.py"):
        assert "speakeasy/" + name in names
    assert "speakeasy_client_sdk_python/py.typed" in names


def test_wheel_has_no_compiled_files(names: List[str]) -> None:
    """Bytecode is written at install time, never shipped."""
    assert not [n for n in names if n.endswith((".pyc", ".pyo")) or "__pycache__" in n]


def test_requires_dist_is_exactly_the_runtime_dependencies(metadata: Message) -> None:
    """Installing the wheel pulls in the five runtime dependencies and nothing else."""
    requirements = [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]
    unconditional = {r.name.lower() for r in requirements if r.marker is None}
    assert unconditional == RUNTIME_DEPENDENCIES


def test_other_requirements_belong_to_the_dev_extra(metadata: Message) -> None:
    """Test and lint tools are only pulled in by ``[dev]``; ``[async]`` brings aiohttp alone,
    ``[fast]`` msgspec alone."""
    requirements = [Requirement(r) for r in metadata.get_all("Requires-Dist") or []]
    conditional = [r for r in requirements if r.marker is not None]
    assert all(
        any(r.marker.evaluate({"extra": e}) for e in ("dev", "async", "fast"))  # type: ignore[union-attr]
        for r in conditional
    )
    assert not any(r.marker.evaluate({"extra": ""}) for r in conditional)  # type: ignore[union-attr]
    in_async = {r.name.lower() for r in conditional if r.marker.evaluate({"extra": "async"})}  # type: ignore[union-attr]
    assert in_async == {"aiohttp"}
    in_fast = {r.name.lower() for r in conditional if r.marker.evaluate({"extra": "fast"})}  # type: ignore[union-attr]
    assert in_fast == {"msgspec"}


def test_wheel_name_version_and_python(metadata: Message) -> None:
    """The distribution is speakeasy-client-sdk-python, for Python 3.9 and newer."""
    assert metadata["Name"] == "speakeasy-client-sdk-python"
    assert metadata["Version"] == speakeasy.__version__
    assert metadata["Requires-Python"] == ">=3.9"


def test_wheel_carries_the_license(metadata: Message, names: List[str]) -> None:
    """Apache-2.0, with its text in the dist-info."""
    assert metadata["License-Expression"] == "Apache-2.0"
    assert DIST_INFO + "licenses/LICENSE" in names


def test_version_sorts_above_the_release_it_supersedes() -> None:
    """An installed copy satisfies the ``>=5`` / ``~=5.9`` pins of 5.x users and upgrades 5.9.15."""
    version = Version(speakeasy.__version__)
    assert version > SUPERSEDED
    assert version in SpecifierSet(">=5,~=5.9")


def test_version_was_never_published_by_upstream() -> None:
    """A pin ``==<version>`` can only resolve to this package, never to an upstream release."""
    version = Version(speakeasy.__version__)
    assert version not in UPSTREAM_RELEASES
    assert version.local is None and not version.is_prerelease  # plain, sortable, uploadable


def _imported_top_level_modules() -> Set[str]:
    """Every module name that src/speakeasy imports (lazily or not), top level only."""
    names: Set[str] = set()
    for path in [*PACKAGE.rglob("*.py"), *COMPAT_PACKAGE.rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.partition(".")[0])
    return names


def test_readme_says_what_each_runtime_dependency_is_for() -> None:
    """The README's table covers the five, and its "not imported" claims hold for src/."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Dependencies") :]
    rows = dict(re.findall(r"^\| `([\w-]+)` \| (.*) \|$", section, re.MULTILINE))
    assert set(rows) == RUNTIME_DEPENDENCIES
    imported = _imported_top_level_modules()
    module = {
        "requests": "requests",
        "python-dateutil": "dateutil",
        "dataclasses-json": "dataclasses_json",
        "jsonpath-python": "jsonpath",
        "typing-inspect": "typing_inspect",
    }
    for name, purpose in rows.items():
        assert (module[name] not in imported) == purpose.startswith("Not imported"), name


#: What the installed wheel's plugin must give a suite with no conftest of its own (the test
#: file scripts/check-install runs in each fresh environment too).
PLUGIN_SUITE = (ROOT / "scripts" / "_plugin_user_test.py").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def wheel_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed, offline (by this interpreter's
    pip: ``--python``; a venv's own pip would cost seconds of CPU to set up).

    The runtime dependencies and pytest come from this interpreter's environment through a
    ``.pth`` file listing a folder of links to its packages, all but this package's own
    (editable) install, so the only ``speakeasy`` and the only entry point are the wheel's.
    """
    base = tmp_path_factory.mktemp("wheel-env")
    venv = base / "venv"
    # Without PYTHONPATH & co.: inside an unpacked sdist the suite runs with its src/ on
    # PYTHONPATH, whose egg-info would make pip take the wheel as installed already.
    clean = env_without("PYTHON")
    command = [sys.executable, "-m", "venv", "--without-pip", str(venv)]
    subprocess.run(command, check=True, timeout=300, env=clean)
    python = venv / "bin" / "python"
    offline = ["--no-index", "--no-deps", "--disable-pip-version-check", "-q"]
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", *offline]
    clean.pop("PIP_REQUIRE_VIRTUALENV", None)
    subprocess.run([*pip, wheel], check=True, timeout=300, env=clean)
    deps = base / "deps"
    deps.mkdir()
    outer = Path(pytest.__file__).resolve().parent.parent  # where pytest and the rest live
    for entry in outer.iterdir():
        if not entry.name.lower().startswith(("speakeasy", "__editable__", "pip", "_distutils")):
            (deps / entry.name).symlink_to(entry)
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site_packages, "outer-deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    return venv


def _run_in(venv: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = env_without("PYTEST_", "PYTHON")
    python = venv / "bin" / "python"
    return run_pytest_suite(folder, {}, *args, python=python, env=env, timeout=300)


def test_installed_wheel_brings_the_pytest_fixtures(wheel_env: Path, tmp_path: Path) -> None:
    """No conftest, no editable install: the wheel's entry point alone provides the fixtures."""
    (tmp_path / "test_plugin.py").write_text(PLUGIN_SUITE, encoding="utf-8")
    # Run from a program that imported the SDK before starting pytest: the fixtures work,
    # and there is no "already imported, cannot be rewritten" warning (an error under
    # -W error) for the plugin's package.
    script = "import speakeasy, pytest, sys; sys.exit(pytest.main(['-q', '-W', 'error']))"
    inline = run_captured(
        [wheel_env / "bin" / "python", "-c", script],
        cwd=tmp_path,
        env=env_without("PYTEST_", "PYTHON"),
        timeout=300,
    )
    assert inline.returncode == 0, inline.stdout + inline.stderr
    assert "4 passed" in inline.stdout, inline.stdout
    listed = _run_in(wheel_env, tmp_path, "--fixtures")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    lines = listed.stdout.splitlines()
    for name in ("speakeasy_server", "speakeasy_client"):
        (at,) = [i for i, line in enumerate(lines) if line.startswith(name + " ")]
        assert "site-packages/speakeasy/testing/pytest_plugin.py" in lines[at]
        assert lines[at + 1].strip() and "no docstring" not in lines[at + 1]
