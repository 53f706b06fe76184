# Sourced by scripts/test and scripts/demo (from the repository root): make sure .venv
# exists and holds what the script needs, reinstalling whenever pyproject.toml changed since
# the last install (hash stamps kept inside .venv).
#
# - scripts/test: the package (editable) with its dev extra (pytest, mypy, Playwright ...).
# - scripts/demo sets SPEAKEASY_VENV_RUNTIME_ONLY=1: only the runtime dependencies, read from
#   pyproject.toml; the demo runs the package from src/ (PYTHONPATH). A venv made for it has
#   no pip of its own when python3's pip can install into it (pip >= 22.3): seconds saved.

_runtime_only=${SPEAKEASY_VENV_RUNTIME_ONLY:-}
if [ ! -x .venv/bin/python ]; then
    if [ "$_runtime_only" = 1 ] && python3 -c 'import pip, sys; sys.exit(tuple(map(int, pip.__version__.split(".")[:2])) < (22, 3))' 2>/dev/null; then
        echo "creating .venv with $(python3 --version) (first run)" >&2
        python3 -m venv --without-pip .venv
    else
        echo "creating .venv with $(python3 --version)" >&2
        python3 -m venv .venv
    fi
fi
_pip() { # .venv's own pip, else python3's installing into .venv
    if .venv/bin/python -c 'import pip' 2>/dev/null; then
        .venv/bin/python -m pip --disable-pip-version-check "$@"
    else
        python3 -m pip --disable-pip-version-check --python .venv/bin/python "$@"
    fi
}

_want=$(.venv/bin/python -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' pyproject.toml)
_dev_stamp=.venv/.pyproject.sha256
_runtime_stamp=.venv/.pyproject.runtime.sha256
_why() { # why an install is needed: first install, or pyproject.toml changed
    if [ -f "$1" ]; then echo "pyproject.toml changed since the last install"; else echo "first run"; fi
}
if [ -f "$_dev_stamp" ] && [ "$(cat "$_dev_stamp")" = "$_want" ]; then
    : # the dev install holds everything
elif [ "$_runtime_only" = 1 ]; then
    if [ ! -f "$_runtime_stamp" ] || [ "$(cat "$_runtime_stamp")" != "$_want" ]; then
        _deps=$(.venv/bin/python -c 'import re, sys; block = re.search(r"^dependencies = \[(.*?)\]", open(sys.argv[1]).read(), re.M | re.S).group(1); print("\n".join(re.findall(r"\"([^\"]+)\"", block)))' pyproject.toml)
        echo "installing the SDK's runtime dependencies into .venv ($(_why "$_runtime_stamp")): $(echo $_deps)" >&2
        # shellcheck disable=SC2086 # one word per requirement
        _pip install -q $(echo $_deps)
        echo "$_want" > "$_runtime_stamp"
        unset _deps
    fi
else
    if ! .venv/bin/python -c 'import pip' 2>/dev/null; then
        .venv/bin/python -m ensurepip >/dev/null  # the demo's venv had none
    fi
    echo "installing the SDK with its dev tools (pytest, mypy, Playwright ...) into .venv ($(_why "$_dev_stamp"))" >&2
    # uv installs the same requirements in seconds where pip takes about a minute; pip
    # does it where uv cannot be had or fails (e.g. no package index but pip's own).
    if _pip install -q uv >/dev/null 2>&1 && .venv/bin/uv --version >/dev/null 2>&1 &&
        .venv/bin/uv pip install -q --python .venv/bin/python -e ".[dev]"; then
        :
    else
        echo "(uv unavailable or failed: installing with pip, about a minute)" >&2
        _pip install -q -e ".[dev]"
    fi
    echo "$_want" > "$_dev_stamp"
fi
unset _want _dev_stamp _runtime_stamp _runtime_only
unset -f _why _pip
