"""Repositories built with the real ``git`` for the tracking tests (the SDK never runs it)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import List

import pytest


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a fixed identity and no user configuration; its stdout."""
    env = {
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.com",
        "HOME": str(cwd),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def make_repo(root: Path, remote: str = "git@github.com:acme/widgets.git") -> Path:
    """A repository with one commit, a ``sub/`` folder and ``origin`` at ``remote``."""
    if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:
        pytest.skip("git is not installed")  # pragma: no cover
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    (root / "sub").mkdir()
    (root / "sub" / "f.txt").write_text("x\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "one")
    git(root, "remote", "add", "origin", remote)
    return root


def commits(root: Path) -> List[str]:
    return git(root, "rev-list", "HEAD").split()
