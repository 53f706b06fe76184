"""Git facts read from the repository's files: each layout git makes, and broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from speakeasy._tracking.git import NO_FACTS, git_facts, remote_owner_repo
from tests.support.git_repos import git, make_repo


def test_a_plain_repository(tmp_path: Path) -> None:
    """HEAD on a branch with a loose ref: its commit, the folder, the origin's owner/repo."""
    repo = make_repo(tmp_path / "r")
    facts = git_facts(str(repo / "sub"))
    assert facts.commit_head == git(repo, "rev-parse", "HEAD")
    assert facts.git_relative_cwd == "sub"
    assert (facts.git_remote_default_owner, facts.git_remote_default_repo) == ("acme", "widgets")
    assert git_facts(str(repo)).git_relative_cwd == "."


def test_packed_refs(tmp_path: Path) -> None:
    """A branch that lives only in packed-refs (after ``git pack-refs``) is followed."""
    repo = make_repo(tmp_path / "r")
    git(repo, "pack-refs", "--all", "--prune")
    assert not (repo / ".git" / "refs" / "heads" / "main").exists()
    assert git_facts(str(repo)).commit_head == git(repo, "rev-parse", "HEAD")


def test_detached_head(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    first = git(repo, "rev-parse", "HEAD")
    (repo / "g.txt").write_text("y\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "two")
    git(repo, "checkout", "-q", "--detach", first)
    assert git_facts(str(repo)).commit_head == first


def test_a_worktree(tmp_path: Path) -> None:
    """A linked worktree (``.git`` is a file): its own HEAD, the main repository's config."""
    repo = make_repo(tmp_path / "r")
    git(repo, "checkout", "-q", "-b", "other")
    (repo / "g.txt").write_text("y\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "two")
    git(repo, "checkout", "-q", "main")
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"), "other")
    facts = git_facts(str(tmp_path / "wt" / "sub"))
    assert facts.commit_head == git(tmp_path / "wt", "rev-parse", "HEAD")
    assert facts.commit_head != git(repo, "rev-parse", "HEAD")
    assert facts.git_relative_cwd == "sub"
    assert facts.git_remote_default_repo == "widgets"


def test_an_unborn_branch(tmp_path: Path) -> None:
    """A repository without commits: no commit, the other facts still there."""
    (tmp_path / "r").mkdir()
    git(tmp_path / "r", "init", "-q", "-b", "main")
    facts = git_facts(str(tmp_path / "r"))
    assert facts.commit_head is None and facts.git_relative_cwd == "."


def test_no_repository(tmp_path: Path) -> None:
    assert git_facts(str(tmp_path)) == NO_FACTS


@pytest.mark.parametrize(
    "damage",
    ["HEAD garbage", "ref to nowhere", "dotgit file to nowhere", "binary config", "ref escapes"],
)
def test_a_broken_repository_gives_empty_fields_never_an_error(tmp_path: Path, damage: str) -> None:
    repo = make_repo(tmp_path / "r")
    dot = repo / ".git"
    if damage == "HEAD garbage":
        (dot / "HEAD").write_bytes(b"\xff\xfe garbage")
    elif damage == "ref to nowhere":
        (dot / "HEAD").write_text("ref: refs/heads/nope\n")
    elif damage == "dotgit file to nowhere":
        other = make_repo(tmp_path / "o")
        import shutil

        shutil.rmtree(other / ".git")
        (other / ".git").write_text("gitdir: /nonexistent/x\n")
        repo = other
    elif damage == "binary config":
        (dot / "config").write_bytes(b'\x00\xff[remote "origin"\n\tur')
    else:
        (dot / "HEAD").write_text("ref: refs/../../../etc/passwd\n")
    facts = git_facts(str(repo))
    assert facts.commit_head is None
    assert isinstance(facts.git_relative_cwd, (str, type(None)))


def test_user_name_and_email_only_when_asked(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    git(repo, "config", "user.name", "Ada L")
    git(repo, "config", "user.email", "ada@example.com")
    assert git_facts(str(repo)).git_user_name is None
    asked = git_facts(str(repo), user=True)
    assert (asked.git_user_name, asked.git_user_email) == ("Ada L", "ada@example.com")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/acme/widgets.git", ("acme", "widgets")),
        ("https://github.com/acme/widgets", ("acme", "widgets")),
        ("https://token@github.com/acme/widgets.git", ("acme", "widgets")),
        ("ssh://git@github.com:22/acme/widgets.git", ("acme", "widgets")),
        ("git@github.com:acme/widgets.git", ("acme", "widgets")),
        ("git@gitlab.com:group/sub/proj.git", ("group/sub", "proj")),
        ("/srv/git/widgets.git", (None, None)),
        ("../widgets", (None, None)),
        ("https://github.com/widgets", (None, None)),
        ("", (None, None)),
    ],
)
def test_remote_owner_and_repository(url: str, expected: tuple) -> None:  # type: ignore[type-arg]
    assert remote_owner_repo(url) == expected
