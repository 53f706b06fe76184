# Sourced by scripts/test and scripts/demo (from the repository root): make sure .venv
# exists and holds the package with its dev extra, reinstalling whenever pyproject.toml
# changed since the last install (a hash stamp kept inside .venv).

if [ ! -x .venv/bin/python ]; then
    echo "creating .venv with $(python3 --version)" >&2
    python3 -m venv .venv
fi

_stamp=.venv/.pyproject.sha256
_want=$(.venv/bin/python -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' pyproject.toml)
if [ ! -f "$_stamp" ] || [ "$(cat "$_stamp")" != "$_want" ]; then
    echo "installing -e .[dev] into .venv (pyproject.toml changed)" >&2
    .venv/bin/python -m pip install --disable-pip-version-check -q -e ".[dev]"
    echo "$_want" > "$_stamp"
fi
unset _stamp _want
