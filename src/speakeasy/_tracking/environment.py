"""What a run's environment says about it: CI, GitHub Actions, host, command line.

Pure functions of their inputs (an environment mapping, an argument list), so each rule
is tested alone; ``track`` calls them once per process and environment (see ``run``).
"""

from __future__ import annotations

import re
import shlex
from typing import Callable, Dict, Mapping, Optional, Sequence, Tuple

#: (variable, value it must have or "" for any non-empty value, the name sent), first match.
CI_ENVIRONMENTS: Tuple[Tuple[str, str, str], ...] = (
    ("GITHUB_ACTIONS", "true", "GITHUB_ACTIONS"),
    ("GITLAB_CI", "true", "GITLAB_CI"),
    ("CIRCLECI", "true", "CIRCLECI"),
    ("BUILDKITE", "true", "BUILDKITE"),
    ("JENKINS_URL", "", "JENKINS"),
    ("TF_BUILD", "True", "AZURE_PIPELINES"),
    ("BITBUCKET_BUILD_NUMBER", "", "BITBUCKET_PIPELINES"),
    ("CI", "true", "CI"),
)
#: The variables ``DO_NOT_TRACK`` (consoledonottrack.com) and the SDK's own switch.
OFF_SWITCHES = ("DO_NOT_TRACK", "SPEAKEASY_DO_NOT_TRACK")

MASK = "***"
#: An option or variable name that says its value is a secret.
_SECRET_NAME = re.compile(
    r"(?i)(?:key|token|secret|passw(?:or)?d|pwd|credential|auth|session|cookie)"
)
_OPTION = re.compile(r"\A(--?[A-Za-z0-9][A-Za-z0-9_.-]*)(=(.*))?\Z", re.DOTALL)
_ASSIGNMENT = re.compile(r"\A([A-Za-z_][A-Za-z0-9_]*)=(.*)\Z", re.DOTALL)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]+@")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")


def tracking_off(env: Mapping[str, str]) -> bool:
    """``DO_NOT_TRACK`` or ``SPEAKEASY_DO_NOT_TRACK`` set to anything but empty, 0, false, no."""
    return any(
        env.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")
        for name in OFF_SWITCHES
    )


def ci_environment(env: Mapping[str, str]) -> Optional[str]:
    """The CI the process runs in, from its standard variables (None: none detected)."""
    for variable, wanted, name in CI_ENVIRONMENTS:
        value = env.get(variable, "")
        if (value.lower() == wanted.lower() or value == "1") if wanted else value:
            return name
    return None


def github_fields(env: Mapping[str, str]) -> Dict[str, str]:
    """The ``gh_*`` fields of an event, as the Speakeasy GitHub action fills them
    (nothing outside GitHub Actions)."""
    if env.get("GITHUB_ACTIONS") != "true":
        return {}
    fields: Dict[str, str] = {}
    repository = env.get("GITHUB_REPOSITORY", "")
    owner = env.get("GITHUB_REPOSITORY_OWNER", "")
    server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
    run_id = env.get("GITHUB_RUN_ID", "")
    if owner:
        fields["gh_action_organization"] = owner
    if repository:
        fields["gh_action_repository"] = repository.split("/", 1)[-1]
    if server and repository and run_id:
        fields["gh_action_run_link"] = f"{server}/{repository}/actions/runs/{run_id}"
    if env.get("GITHUB_REF"):
        fields["gh_action_ref"] = env["GITHUB_REF"]
    if env.get("GH_ACTION_VERSION"):
        fields["gh_action_version"] = env["GH_ACTION_VERSION"]
    pull = re.match(r"\Arefs/pull/(\d+)/(?:merge|head)\Z", env.get("GITHUB_REF", ""))
    if pull is not None and server and repository:
        fields["gh_pull_request"] = f"{server}/{repository}/pull/{pull.group(1)}"
    return fields


def mask_text(text: str, redact: Optional[Callable[[str], str]] = None) -> str:
    """``text`` without URL userinfo, bearer tokens, and (``redact``) the SDK's key."""
    text = _USERINFO.sub(lambda m: m.group(1) + MASK + "@", text)
    text = _BEARER.sub(lambda m: m.group(1) + MASK, text)
    return redact(text) if redact is not None else text


def masked_command(argv: Sequence[str], redact: Optional[Callable[[str], str]] = None) -> str:
    """``argv`` as a shell would read it, the values that look secret replaced by ``***``:
    of options named like a secret (``--api-key X``, ``--token=X``, ``-p X`` stays), of
    ``NAME=VALUE`` words with such a name, URL userinfo, and the SDK's key anywhere."""
    words = []
    hide_next = False
    for word in argv:
        if hide_next:
            words.append(MASK)
            hide_next = False
            continue
        option = _OPTION.match(word)
        assignment = _ASSIGNMENT.match(word)
        if option is not None and _SECRET_NAME.search(option.group(1)):
            if option.group(2) is None:
                hide_next = True
                words.append(word)
            else:
                words.append(option.group(1) + "=" + MASK)
            continue
        if assignment is not None and _SECRET_NAME.search(assignment.group(1)):
            words.append(assignment.group(1) + "=" + MASK)
            continue
        words.append(mask_text(word, redact))
    return " ".join(w if w == MASK or w.endswith("=" + MASK) else shlex.quote(w) for w in words)
