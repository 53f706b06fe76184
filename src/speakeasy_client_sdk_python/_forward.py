"""Module ``__getattr__`` (PEP 562) handing out another module's names on first use.

Every name of ``speakeasy_client_sdk_python`` is the ``speakeasy`` package's own object
(one class, two import paths); nothing is imported until a name is asked for, so importing
this package costs what importing ``speakeasy`` does.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any, Callable, Collection, List, Mapping, Tuple, Union


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


def forward_all(
    package: str, target: ModuleType
) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``, a second path to every name of
    ``target.__all__`` (``package`` declares the same ``__all__`` for type checkers)."""
    names = frozenset(target.__all__)

    def __dir__() -> List[str]:
        return sorted(set(vars(sys.modules[package])) | names)

    return forward(package, target.__name__, names), __dir__
