"""What the compiled wire encoder and decoder share: scalar kinds, compiling a function."""

from __future__ import annotations

import linecache
from typing import Any, Dict, List


def compile_function(
    name: str, param: str, body: List[str], label: str, env: Dict[str, Any]
) -> Any:
    """``def name(param): body`` compiled in ``env``, its source registered with ``linecache``.

    Tracebacks through generated code then show the generated lines (as cattrs does).
    """
    source = f"def {name}({param}):\n" + "".join(f"    {line}\n" for line in body)
    filename = f"<speakeasy {label}>"
    exec(compile(source, filename, "exec"), env)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return env[name]


#: The template kind of each scalar field type, shared by the compiled encoder and decoder.
SCALAR_KINDS: Dict[Any, str] = {str: "str", bool: "bool", int: "int"}
