"""Package attributes imported on first use (PEP 562), so that importing a package (and the
CLI's ``--help``) does not import every module the package re-exports."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def exports(package: str, names: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``names[attr]`` (a module) and returns its ``attr``."""
    namespace = import_module(package).__dict__

    def __getattr__(attr: str) -> Any:
        module = names.get(attr)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {attr!r}")
        value = getattr(import_module(module), attr)
        namespace[attr] = value  # next time a plain attribute
        return value

    return __getattr__
