"""Facts about the git repository around a directory, read from its files (``git`` is
never started: it may be missing, slow, or refuse a repository owned by another user).

Handled: a ``.git`` directory; a ``.git`` file (worktrees, submodules) and its
``commondir``; loose and packed refs; a detached HEAD; symbolic refs. Anything
unreadable or unexpected (no repository, a broken one, an unborn branch) gives empty
fields, never an error. Not read: ``GIT_DIR`` and ``[include]`` of config files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple
from urllib.parse import urlsplit

_SHA = re.compile(r"\A(?:[0-9a-f]{40}|[0-9a-f]{64})\Z")
_SECTION = re.compile(r'\A\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]')
_SCP_LIKE = re.compile(r"\A(?:[^@/]+@)?([^:/]+):(?!//)(.+)\Z")


class GitFacts(NamedTuple):
    commit_head: Optional[str] = None
    git_relative_cwd: Optional[str] = None
    git_remote_default_owner: Optional[str] = None
    git_remote_default_repo: Optional[str] = None
    git_user_name: Optional[str] = None
    git_user_email: Optional[str] = None


NO_FACTS = GitFacts()


def git_facts(cwd: str, user: bool = False) -> GitFacts:
    """The facts for ``cwd``; ``user``: also ``user.name`` / ``user.email`` (personal data)."""
    try:
        return _facts(Path(cwd), user)
    except (OSError, UnicodeError, ValueError, RecursionError):
        return NO_FACTS


def _facts(cwd: Path, user: bool) -> GitFacts:
    found = _find(cwd)
    if found is None:
        return NO_FACTS
    top, git_dir, common = found
    relative = cwd.resolve().relative_to(top).as_posix()
    config = _config(common / "config")
    owner, repo = _owner_repo(_default_remote_url(config))
    name = email = None
    if user:
        merged = _user_config()
        merged.update({k: v for k, v in config.items() if k.startswith("user.")})
        name, email = merged.get("user.name") or None, merged.get("user.email") or None
    return GitFacts(_head(git_dir, common), relative, owner, repo, name, email)


def _find(start: Path) -> Optional[Tuple[Path, Path, Path]]:
    """(work tree top, git dir, common dir) of the repository holding ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        dot = folder / ".git"
        if dot.is_dir():
            git_dir = dot
        elif dot.is_file():
            text = dot.read_text(encoding="utf-8").strip()
            if not text.startswith("gitdir:"):
                return None
            git_dir = (folder / text[len("gitdir:") :].strip()).resolve()
        else:
            continue
        if not (git_dir / "HEAD").is_file():
            return None  # not a repository after all: report nothing rather than guess
        common = git_dir
        common_file = git_dir / "commondir"
        if common_file.is_file():
            common = (git_dir / common_file.read_text(encoding="utf-8").strip()).resolve()
        return folder, git_dir, common
    return None


def _head(git_dir: Path, common: Path) -> Optional[str]:
    """The commit HEAD points at, following symbolic refs (None: unborn or broken)."""
    text = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    for _ in range(10):
        if _SHA.match(text):
            return text
        if not text.startswith("ref:"):
            return None
        ref = text[4:].strip()
        if ".." in ref.split("/") or not ref.startswith("refs/"):
            return None
        loose = next((d / ref for d in (git_dir, common) if (d / ref).is_file()), None)
        if loose is not None:
            text = loose.read_text(encoding="utf-8").strip()
            continue
        return _packed(common, ref)
    return None


def _packed(common: Path, ref: str) -> Optional[str]:
    try:
        lines = (common / "packed-refs").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        sha, _, name = line.partition(" ")
        if name.strip() == ref and _SHA.match(sha):
            return sha
    return None


def _config(path: Path) -> Dict[str, str]:
    """``section.subsection.key -> value`` of a git config file (the last value wins);
    section and key names lower-cased, as git compares them."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    values: Dict[str, str] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        match = _SECTION.match(line)
        if match is not None:
            name, sub = match.group(1).lower(), match.group(2)
            section = name if sub is None else f"{name}.{sub}"
            continue
        key, eq, value = line.partition("=")
        if section:
            values[f"{section}.{key.strip().lower()}"] = _unquote(value) if eq else "true"
    return values


def _unquote(value: str) -> str:
    """A config value: quotes removed, escapes read, a trailing comment dropped."""
    out: List[str] = []
    quoted = False
    chars = iter(value.strip())
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(nxt, nxt))
        elif char == '"':
            quoted = not quoted
        elif char in "#;" and not quoted:
            break
        else:
            out.append(char)
    return "".join(out).strip()


def _user_config() -> Dict[str, str]:
    merged: Dict[str, str] = {}
    home = Path.home()
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    for path in (Path(xdg) / "git" / "config", home / ".gitconfig"):
        merged.update(_config(path))
    return merged


def _default_remote_url(config: Dict[str, str]) -> Optional[str]:
    """``origin``'s URL, else the first remote's."""
    remotes: List[Tuple[str, str]] = [
        (key[len("remote.") : -len(".url")], value)
        for key, value in config.items()
        if key.startswith("remote.") and key.endswith(".url")
    ]
    for name, url in remotes:
        if name == "origin":
            return url
    return remotes[0][1] if remotes else None


def remote_owner_repo(url: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """(owner, repository) of a remote URL: ``https://host/owner/repo.git``,
    ``ssh://git@host/owner/repo``, ``git@host:owner/repo.git``; the owner keeps
    sub-groups (``group/sub``). (None, None) for anything else (a local path)."""
    return _owner_repo(url)


def _owner_repo(url: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    if not url:
        return None, None
    path: Optional[str] = None
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ssh", "git", "git+ssh", "ssh+git") and parts.hostname:
            path = parts.path
    else:
        match = _SCP_LIKE.match(url)
        if match is not None and not url.startswith(("/", ".")):
            path = match.group(2)
    if path is None:
        return None, None
    pieces = [p for p in path.strip("/").split("/") if p]
    if len(pieces) < 2:
        return None, None
    repo = pieces[-1][:-4] if pieces[-1].endswith(".git") else pieces[-1]
    return "/".join(pieces[:-1]), repo or None
