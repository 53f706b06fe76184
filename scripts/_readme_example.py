"""Run the README's first Python example against a given server, exactly as written.

The example builds its client without ``server_url`` (it is written for production), so
``speakeasy.Speakeasy`` is swapped, while it runs, for a subclass whose ``server_url``
defaults to the given one. Used by scripts/demo.py, by tests/test_docs.py (``defaulting_to``),
and by scripts/check-install inside fresh virtual environments:
``python scripts/_readme_example.py README.md http://127.0.0.1:8080``; with ``--async``
first, the README's async example instead (it needs the ``[async]`` extra).
Standard library only, apart from the SDK under test.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path
from typing import Any, Dict, List

_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def first_example(readme: Path, awaited: bool = False) -> str:
    """The code of the first ```python block of ``readme`` (with ``awaited``: the first
    one that runs a coroutine, the README's async example)."""
    for match in _BLOCK.finditer(readme.read_text(encoding="utf-8")):
        if not awaited or "asyncio.run(" in match.group(1):
            return match.group(1)
    raise SystemExit(f"{readme}: no ```python block" + (" with asyncio.run" if awaited else ""))


def defaulting_to(server_url: str) -> Any:
    """``speakeasy.Speakeasy``, but a client given neither ``server`` nor ``server_url`` gets
    ``server_url``: examples written for production then run against a local server."""
    import speakeasy

    real = speakeasy.Speakeasy
    signature = inspect.signature(real.__init__)

    class Speakeasy(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            bound = signature.bind(self, *args, **kwargs)
            if bound.arguments.get("server") is None and bound.arguments.get("server_url") is None:
                bound.arguments["server_url"] = server_url
            super().__init__(*bound.args[1:], **bound.kwargs)

    Speakeasy.__qualname__ = real.__qualname__
    Speakeasy.__module__ = real.__module__
    return Speakeasy


def run(code: str, server_url: str, filename: str = "README.md") -> Dict[str, Any]:
    """Execute ``code`` with clients defaulting to ``server_url``; return its namespace."""
    import speakeasy

    real = speakeasy.Speakeasy
    namespace: Dict[str, Any] = {"__name__": "__main__"}
    speakeasy.Speakeasy = defaulting_to(server_url)  # type: ignore[misc]
    try:
        exec(compile(code, filename, "exec"), namespace)
    finally:
        speakeasy.Speakeasy = real  # type: ignore[misc]
    return namespace


def main(argv: List[str]) -> int:
    if argv[:1] == ["--async"]:  # the async example: it runs to its end, or raises
        readme, server_url = Path(argv[1]), argv[2]
        run(first_example(readme, awaited=True), server_url, str(readme))
        print("README async example: ran")
        return 0
    readme, server_url = Path(argv[0]), argv[1]
    namespace = run(first_example(readme), server_url, str(readme))
    status = namespace["res"].status_code
    print(f"README example: status_code={status}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
