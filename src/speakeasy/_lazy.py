"""Names a package exports but imports only when first used (PEP 562 ``__getattr__``)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Callable, Dict


def lazy_attributes(package: str, where: Dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``where[name]`` (a submodule) on first use.

    ``where`` maps an exported name to the submodule defining it; a name equal to
    its submodule's last part is the submodule itself.
    """

    def __getattr__(name: str) -> Any:
        try:
            module = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        imported = importlib.import_module(f"{package}.{module}")
        return imported if module == name else getattr(imported, name)

    return __getattr__


class LazyModule(ModuleType):
    """A module imported when one of its attributes is first read, never before.

    For annotations that name a costly or optional module's types (``aiohttp``,
    marshmallow's schemas): ``typing.get_type_hints`` resolves them on demand, while
    ``import speakeasy`` imports nothing more. ``sys.modules`` is left alone.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module(self.__name__), name)
