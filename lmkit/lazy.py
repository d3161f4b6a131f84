"""Lazy loading of a package's names (PEP 562), so that importing lmkit or one of its
packages costs nothing until a name is used, and torch is imported only by neural code."""

from __future__ import annotations

import importlib
from typing import Any, Callable, Iterable

__all__ = ["attach"]


def attach(package: str, names: dict[str, str], eager: Iterable[str] = (),
           submodules: Iterable[str] = ()) -> tuple[Callable[[str], Any], Callable[[], list[str]],
                                                   list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for ``package``: each name of ``names`` is
    read from its submodule (``{name: submodule}``) on first access, and each of
    ``submodules`` is imported on first access; ``eager`` lists the names the package imports
    itself.  A seed given to ``lmkit.set_seed`` before torch was imported is applied to torch
    as soon as a lazily loaded module has imported it.  Use: ``__getattr__, __dir__, __all__ = attach(__name__, {...})``."""
    submodules = tuple(submodules)
    public = sorted({*eager, *names, *submodules})

    def __getattr__(name: str) -> Any:
        if name in names:
            value = getattr(importlib.import_module(f".{names[name]}", package), name)
        elif name in submodules:
            value = importlib.import_module(f".{name}", package)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        from .runtime import apply_pending_seed  # a neural module may just have imported torch
        apply_pending_seed()
        return value

    def __dir__() -> list[str]:
        return public

    return __getattr__, __dir__, public
