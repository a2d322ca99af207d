"""Worker processes that each work on one file at a time under hard limits.

Every task runs in a worker process, never in the caller's:

- memory: the parent reads each busy worker's resident size every ``POLL_SECONDS`` and kills
  it past ``memory_mb``; the operating system refuses the worker's private memory past
  ``DATA_FACTOR`` x ``memory_mb`` (``RLIMIT_DATA``), so an allocation burst faster than the
  poll ends in a ``MemoryError`` (or a crash of the library that allocated) instead;
- CPU time: ``RLIMIT_CPU`` is set to the worker's CPU time so far plus ``cpu_seconds``
  before each task, so the kernel stops it (``SIGXCPU``) however it loops;
- wall time: the parent kills a worker still busy after ``wall_seconds``.

A worker that dies for any reason (a limit, a segfault in a C library, a kill from outside)
becomes a ``Failed`` result for the one task it had, with the reason in Chinese; it is
replaced and the other tasks go on. Workers are forked from a small forkserver process, so
they do not inherit the caller's memory (a database connection, earlier results); a caller
that holds nothing of the kind (a command-line run, single-threaded) may ask for
``start="fork"``: the workers are then forked from the caller itself, after it imported the
readers and parsers once, which saves starting a second interpreter and importing them again
(most of the cost of checking one small file). A caller that is already large (over
``FORK_MAX_CALLER_MB``: a long-running program using the library) gets the forkserver anyway,
as its memory would count against each worker's limit. The limits are the same either way.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from yusuan.ingest import progress
from yusuan.isolation.config import Limits, apply_input_limits, how_to_raise

POLL_SECONDS = 0.1
DATA_FACTOR = 1.5
_MB = 1024 * 1024
# Imported once in the forkserver, so that each worker starts without importing them.
_PRELOAD = ["yusuan.isolation.pool", "yusuan.store.extract", "yusuan.parsing", "yusuan.audit.engine",
            "yusuan.audit.publication", "yusuan.ingest.formats"]


class IsolationError(Exception):
    """No worker process can be started (the message is Chinese)."""


@dataclass(frozen=True)
class Failed:
    """A task that did not finish: ``reason`` is memory, timeout, cpu, crash or internal;
    ``message`` says so in Chinese, without the file name (the caller adds it)."""

    reason: str
    message: str


RESOURCE_REASONS = frozenset({"memory", "timeout", "cpu", "crash"})


def failure_message(reason: str, limits: Limits, detail: str = "") -> str:
    if reason == "memory":
        return f"处理时内存超过上限 {limits.memory_mb} MB，已停止处理该文件。" + how_to_raise(
            "memory_mb", limits.memory_mb)
    if reason == "timeout":
        return f"处理时间超过上限 {limits.wall_seconds} 秒，已停止处理该文件。" + how_to_raise(
            "wall_seconds", limits.wall_seconds)
    if reason == "cpu":
        return f"CPU 时间超过上限 {limits.cpu_seconds} 秒，已停止处理该文件。" + how_to_raise(
            "cpu_seconds", limits.cpu_seconds)
    if reason == "crash":
        return (f"处理该文件的子进程异常退出（{detail}），可能是解析库在该文件上崩溃，或内存接近上限 "
                f"{limits.memory_mb} MB 时库函数失败。已跳过该文件，其余文件照常处理。如怀疑内存不足，"
                + how_to_raise("memory_mb", limits.memory_mb))
    return f"解析时发生内部错误（{detail}）。请将该文件报告给 yusuan 开发者。"


# --------------------------------------------------------------------------- worker side


def _set_cpu_limit(seconds: int) -> None:
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime) + seconds + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _set_limits(limits: Limits) -> None:
    """Limits of this process that the kernel enforces (lowered only, never raised)."""
    for which, value in ((resource.RLIMIT_DATA, int(limits.memory_mb * DATA_FACTOR) * _MB),
                         (resource.RLIMIT_CORE, 0)):  # a crash leaves no core file behind
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, hard))


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when its parent (the forkserver, which ends with
    the caller) goes away, so no worker outlives an interrupted run."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve(conn: Connection, limits: Limits) -> None:
    """Worker main: receive (function, args), send ("ok", result) or (reason, detail). Nothing
    of the worker reaches the terminal: its stderr (library warnings, C-level logs) goes to
    /dev/null, and a death is reported by the parent in one message."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    faulthandler.disable()  # a forked worker inherits the caller's, which writes to its terminal
    _die_with_parent()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        _set_limits(limits)
        apply_input_limits(limits)
        _loop(conn, limits)
    except MemoryError:  # even receiving the task failed: it is still the task's memory
        with contextlib.suppress(Exception):
            conn.send(("memory", ""))
    except BaseException:  # the parent sees the exit code and reports it
        os._exit(70)


def _loop(conn: Connection, limits: Limits) -> None:
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, args = task
        _set_cpu_limit(limits.cpu_seconds)
        try:
            with progress.listening(lambda message: conn.send(("progress", message))):
                reply: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            reply = ("memory", "")
        except Exception as exc:
            reply = ("internal", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except MemoryError:
            reply = ("memory", "")
            conn.send(reply)
        except Exception as exc:  # a result that cannot be sent back (pickling)
            conn.send(("internal", f"{type(exc).__name__}: {exc}"))
        if reply[0] == "memory":
            return  # a fresh worker for the next file: this heap may be fragmented


# --------------------------------------------------------------------------- parent side


# A caller larger than this is not forked: each worker would start with the caller's memory
# counted against its own limit (resident size and RLIMIT_DATA both include inherited pages).
FORK_MAX_CALLER_MB = 200


def _context(start: str = "forkserver") -> Any:
    methods = multiprocessing.get_all_start_methods()
    small = (_rss_mb(os.getpid()) or 0) <= FORK_MAX_CALLER_MB
    if start == "fork" and "fork" in methods and threading.active_count() == 1 and small:  # a thread may hold a lock
        from importlib import import_module

        for module in _PRELOAD:  # imported here once, inherited by every worker
            import_module(module)
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start a worker without it re-running the caller's main script (what multiprocessing
    does for spawned processes): tasks are functions of importable modules, and a script
    without an ``if __name__ == "__main__"`` guard must not start a batch in every worker."""
    main = sys.modules["__main__"]
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    if "__file__" in saved:
        del main.__file__
    if "__spec__" in saved:
        main.__spec__ = None
    try:
        yield
    finally:
        for k, v in saved.items():
            setattr(main, k, v)


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / _MB
    except (OSError, ValueError, IndexError):
        return None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"信号 {number}"


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: int | None = None
    started: float = 0.0
    killed_for: str | None = None  # the limit the parent killed it for
    peak_mb: float = 0.0


@dataclass
class WorkerPool:
    """``with WorkerPool(limits, workers) as pool: for i, result in pool.map_unordered(fn, args):``
    — ``result`` is what ``fn(*args[i])`` returned, or a ``Failed``."""

    limits: Limits = field(default_factory=Limits)
    workers: int = 1
    start: str = "forkserver"  # or "fork": from this process (see the module's docstring)
    # told (task index, message) of each step a worker reports (``yusuan.ingest.progress``)
    on_progress: Callable[[int, str], None] | None = None
    _live: list[_Worker] = field(default_factory=list, init=False)
    peak_mb: float = field(default=0.0, init=False)  # largest resident size seen in a worker

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for w in self._live:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        deadline = time.monotonic() + 2
        for w in self._live:
            w.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()
        self._live.clear()

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """One task, in a worker; its result or a ``Failed``."""
        return next(self.map_unordered(fn, [args]))[1]

    def map_unordered(self, fn: Callable[..., Any], items: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, Any]]:
        """(index, result) for every item as it finishes; at most ``workers`` at a time, items
        pulled from ``items`` only as workers become free."""
        queue = enumerate(items)
        pending: tuple[int, tuple[Any, ...]] | None = None
        lost = 0  # workers in a row that died before taking their task
        while True:
            while True:
                if pending is None:
                    nxt = next(queue, None)
                    pending = (nxt[0], tuple(nxt[1])) if nxt is not None else None
                if pending is None:
                    break
                worker = self._idle_worker()
                if worker is None:
                    break
                if self._send(worker, pending[0], (fn, pending[1])):
                    pending, lost = None, 0
                else:
                    lost += 1
                    if lost > 3:
                        raise IsolationError("处理文件的子进程启动后立即退出，无法继续。"
                                             "请检查系统资源（内存、进程数）后重试。")
            busy = [w for w in self._live if w.task is not None]
            if not busy:
                return  # nothing pending: with no worker busy, one was always free for it
            yield from self._wait(busy)

    # -- internals

    def _idle_worker(self) -> _Worker | None:
        for w in list(self._live):
            if w.task is None and not w.process.is_alive():
                self._discard(w)  # died while idle
        for w in self._live:
            if w.task is None:
                return w
        if len(self._live) >= self.workers:
            return None
        return self._start()

    def _start(self) -> _Worker:
        ctx = _context(self.start)
        parent_end, child_end = ctx.Pipe()
        process = ctx.Process(target=_serve, args=(child_end, self.limits), daemon=True)
        try:
            with _main_module_hidden():
                process.start()
        except OSError as exc:
            raise IsolationError(f"无法启动处理文件的子进程（{exc.strerror or exc}）。请检查系统资源后重试。") from None
        child_end.close()
        worker = _Worker(process, parent_end)
        self._live.append(worker)
        return worker

    def _send(self, worker: _Worker, index: int, payload: tuple[Callable[..., Any], tuple[Any, ...]]) -> bool:
        try:
            worker.conn.send(payload)
        except (OSError, ValueError):  # it died while idle: the task goes to another worker
            self._discard(worker)
            return False
        worker.task, worker.started = index, time.monotonic()
        worker.killed_for, worker.peak_mb = None, 0.0
        return True

    def _wait(self, busy: list[_Worker]) -> Iterator[tuple[int, Any]]:
        ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=POLL_SECONDS))
        done: list[tuple[int, Any]] = []
        now = time.monotonic()
        for w in busy:
            if w.conn in ready or w.process.sentinel in ready:
                result = self._collect(w)
                if result is not None:
                    done.append(result)
                continue
            rss = _rss_mb(w.process.pid)
            if rss is not None:
                w.peak_mb = max(w.peak_mb, rss)
                self.peak_mb = max(self.peak_mb, rss)
            if rss is not None and rss > self.limits.memory_mb:
                self._kill(w, "memory")
            elif now - w.started > self.limits.wall_seconds:
                self._kill(w, "timeout")
        yield from done

    def _kill(self, worker: _Worker, reason: str) -> None:
        worker.killed_for = reason
        with contextlib.suppress(OSError):
            worker.process.kill()

    def _collect(self, worker: _Worker) -> tuple[int, Any] | None:
        index = worker.task
        assert index is not None
        reply: tuple[str, Any] | None = None
        stepped = False
        try:
            while reply is None and worker.conn.poll():
                reply = worker.conn.recv()
                if reply is not None and reply[0] == "progress":
                    stepped, reply = True, self._step(index, reply[1])
        except (EOFError, OSError):
            reply = None
        except MemoryError:  # the parent could not hold the result
            reply = ("memory", "")
        if reply is None and stepped and worker.killed_for is None and worker.process.is_alive():
            return None  # it told how far it got and works on
        if (reply is None and worker.killed_for is None and worker.process.is_alive()
                and worker.process.sentinel not in wait([worker.process.sentinel], timeout=1)):
            return None  # a spurious wake-up: still working
        worker.task = None
        if reply is not None and reply[0] == "ok":
            return index, reply[1]
        if reply is not None:
            reason, detail = reply
        else:
            reason, detail = self._death(worker)
        if reason == "memory" or reply is None:
            self._discard(worker)
        return index, Failed(reason, failure_message(reason, self.limits, detail))

    def _step(self, index: int, message: str) -> None:
        if self.on_progress is not None:
            self.on_progress(index, message)

    def _death(self, worker: _Worker) -> tuple[str, str]:
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        if worker.killed_for:
            return worker.killed_for, ""
        if code is not None and code < 0:
            if -code == signal.SIGXCPU:
                return "cpu", ""
            if -code == signal.SIGKILL:
                return "crash", "SIGKILL，可能被系统因内存不足终止"
            return "crash", _signal_name(-code)
        return "crash", f"退出码 {code}"

    def _discard(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        if worker in self._live:
            self._live.remove(worker)
