# Sourced by scripts/test and scripts/demo (from the repository root): make sure .venv
# exists and holds the package, reinstalling whenever pyproject.toml changed since the last
# install (a hash stamp kept inside .venv). scripts/test needs the dev extra (pytest, mypy,
# Playwright ...); scripts/demo sets SPEAKEASY_VENV_RUNTIME_ONLY=1 and needs only the package
# and its runtime dependencies, a few seconds to install.

if [ ! -x .venv/bin/python ]; then
    echo "creating .venv with $(python3 --version)" >&2
    python3 -m venv .venv
fi

_want=$(.venv/bin/python -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' pyproject.toml)
_dev_stamp=.venv/.pyproject.sha256
_runtime_stamp=.venv/.pyproject.runtime.sha256
_why() { # why an install is needed: first install, or pyproject.toml changed
    if [ -f "$1" ]; then echo "pyproject.toml changed since the last install"; else echo "first run"; fi
}
if [ -f "$_dev_stamp" ] && [ "$(cat "$_dev_stamp")" = "$_want" ]; then
    : # the dev install holds everything
elif [ "${SPEAKEASY_VENV_RUNTIME_ONLY:-}" = 1 ]; then
    if [ ! -f "$_runtime_stamp" ] || [ "$(cat "$_runtime_stamp")" != "$_want" ]; then
        echo "installing the SDK and its runtime dependencies into .venv ($(_why "$_runtime_stamp"); a few seconds)" >&2
        .venv/bin/python -m pip install --disable-pip-version-check -q -e .
        echo "$_want" > "$_runtime_stamp"
    fi
else
    echo "installing the SDK with its dev tools (pytest, mypy, Playwright ...) into .venv ($(_why "$_dev_stamp"); about a minute)" >&2
    .venv/bin/python -m pip install --disable-pip-version-check -q -e ".[dev]"
    echo "$_want" > "$_dev_stamp"
fi
unset _want _dev_stamp _runtime_stamp
unset -f _why
