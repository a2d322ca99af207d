"""Package attributes imported on first use (PEP 562), so that importing a package (and the
CLI's ``--help``) does not import every module the package re-exports."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from importlib import import_module
from typing import Any


class _Package(types.ModuleType):
    """A package that re-exports ``name`` from its submodule of the same name (``yusuan.store``
    exports the function ``ingest`` of ``yusuan.store.ingest``): the import system sets the
    submodule on the package once it is loaded, which would hide the function; the package
    keeps the function under that name (the module stays in ``sys.modules``)."""

    _yusuan_exports: dict[str, str]

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and self._yusuan_exports.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


def exports(package: str, names: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``names[attr]`` (a module) and returns its ``attr``."""
    namespace = import_module(package).__dict__
    module_object = sys.modules[package]
    if any(module.rsplit(".", 1)[-1] == name for name, module in names.items()):
        module_object.__class__ = _Package
        namespace["_yusuan_exports"] = names

    def __getattr__(attr: str) -> Any:
        module = names.get(attr)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {attr!r}")
        value = getattr(import_module(module), attr)
        namespace[attr] = value  # next time a plain attribute
        return value

    return __getattr__
