"""Module ``__getattr__`` (PEP 562) handing out another module's names on first use.

Every name of ``speakeasy_client_sdk_python`` is the ``speakeasy`` package's own object
(one class, two import paths); nothing is imported until a name is asked for, so importing
this package costs what importing ``speakeasy`` does.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Collection, Mapping, Union


def forward(
    package: str, target: Union[str, Mapping[str, str]], names: Collection[str]
) -> Callable[[str], Any]:
    """A ``__getattr__`` for ``package`` giving ``names`` from ``target`` (a module, or a map
    from each name to its module; a name that is its module's last part is the module)."""

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = target if isinstance(target, str) else target[name]
        imported = importlib.import_module(module)
        if module.rpartition(".")[2] == name:
            return imported
        return getattr(imported, name)

    return __getattr__
