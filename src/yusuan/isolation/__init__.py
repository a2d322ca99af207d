"""Hard limits and per-file isolation: every file is read, parsed and checked in a worker
process that the operating system and the parent bound in memory, CPU and wall time; a
worker that dies fails its one file and is replaced."""

from typing import TYPE_CHECKING

from yusuan import lazy

if TYPE_CHECKING:
    from yusuan.isolation.config import Limits, how_to_raise, load_limits, with_limit_overrides
    from yusuan.isolation.options import LIMIT_NAMES
    from yusuan.isolation.pool import RESOURCE_REASONS, Failed, IsolationError, WorkerPool

__all__ = ["LIMIT_NAMES", "RESOURCE_REASONS", "Failed", "IsolationError", "Limits", "WorkerPool", "how_to_raise",
           "load_limits", "with_limit_overrides"]

__getattr__ = lazy.exports(__name__, {
    "LIMIT_NAMES": "yusuan.isolation.options",
    **dict.fromkeys(("Limits", "how_to_raise", "load_limits", "with_limit_overrides"), "yusuan.isolation.config"),
    **dict.fromkeys(("RESOURCE_REASONS", "Failed", "IsolationError", "WorkerPool"), "yusuan.isolation.pool"),
})
