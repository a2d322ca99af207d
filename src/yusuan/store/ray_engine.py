"""Ray as the engine of ``yusuan ingest --engine ray`` (Ray core tasks; ``pip install 'yusuan[ray]'``).

Each file is one Ray task. Inside it, the file is parsed and checked in an isolated child
process under the ``[limits]`` (``yusuan.isolation.WorkerPool``, kept for the life of the Ray
worker): memory, CPU and wall time are enforced there exactly as in a local ingest, so a file
over a limit, or one that crashes its parser, fails alone with the same reason and message.
The Ray worker then writes the document's parts into the dataset (a folder every node sees).

Ray adds what one machine cannot: tasks spread over a cluster (``--address``), each
scheduled with ``memory`` = the memory limit so a node never takes more files than it can
hold, and ``max_retries``: a task whose Ray worker or node is lost is run again (its parts
have fixed names, and a document exists only once its ``documents`` part is written, so a
retry rewrites what the lost attempt left). Without ``--address`` a local Ray instance is
started with as many CPUs as ``-j``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from yusuan.isolation import Failed, Limits, WorkerPool
from yusuan.store.dataset import DatasetWriter
from yusuan.store.dataset_ingest import Task, store, work
from yusuan.store.extract import Parsed
from yusuan.store.ingest import IngestAborted

MAX_RETRIES = 3  # a task whose worker or node is lost is run again up to this many times
_MB = 1024 * 1024

# --------------------------------------------------------------------------- Ray worker side

_POOLS: dict[Limits, WorkerPool] = {}
_WRITERS: dict[str, DatasetWriter] = {}


def _pool(limits: Limits) -> WorkerPool:
    if limits not in _POOLS:
        _POOLS[limits] = WorkerPool(limits, 1)
    return _POOLS[limits]


def file_task(root: str, task: Task, limits: Limits) -> tuple[Parsed, str]:
    """One file: parse and check it in the isolated child, write its parts here."""
    if root not in _WRITERS:
        _WRITERS[root] = DatasetWriter(root)
    return store(_WRITERS[root], task, _pool(limits).run(work, task))


def call_task(fn: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> Any:
    return _pool(limits).run(fn, *args)


# --------------------------------------------------------------------------- driver side


class RayEngine:
    def __init__(self, limits: Limits, workers: int, address: str | None = None) -> None:
        try:
            import ray
        except ImportError:
            raise IngestAborted("--engine ray 需要安装 Ray：pip install 'yusuan[ray]'"
                                "（或改用默认的本机 ingest）。") from None
        self.ray = ray
        self.limits = limits
        self._started = False
        if not ray.is_initialized():
            try:
                if address:
                    ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
                else:
                    ray.init(num_cpus=workers, include_dashboard=False, logging_level=logging.WARNING,
                             log_to_driver=False)  # fmt: skip
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = f"Ray 集群 {address}" if address else "本机 Ray 实例"
                raise IngestAborted(f"无法连接或启动{where}（{exc}）。请检查地址（auto 或 ray://主机:端口）"
                                    "与集群状态。") from None
            self._started = True
        options = {"max_retries": MAX_RETRIES, "retry_exceptions": False, "num_cpus": 1,
                   "memory": limits.memory_mb * _MB}  # fmt: skip
        self._file = ray.remote(**options)(file_task)
        self._call = ray.remote(**options)(call_task)
        cpus = int(ray.cluster_resources().get("CPU", workers))
        self.window = max(2, 2 * cpus)  # tasks in flight: enough to keep every CPU busy
        self._writer: DatasetWriter | None = None

    def files(self, root: Path, tasks: Sequence[Task]) -> Iterator[tuple[int, tuple[Parsed, str]]]:
        for index, result in self._map(lambda t: self._file.remote(str(root), t, self.limits), tasks):
            if isinstance(result, Failed):  # the task itself was lost MAX_RETRIES + 1 times
                self._writer = self._writer or DatasetWriter(root)
                result = store(self._writer, tasks[index], result)
            yield index, result

    def run(self, fn: Callable[..., Any], items: Sequence[tuple[Any, ...]]) -> Iterator[tuple[int, Any]]:
        return self._map(lambda args: self._call.remote(fn, args, self.limits), items)

    def _map(self, submit: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        ray = self.ray
        pending: dict[Any, int] = {}
        queue = iter(enumerate(items))
        while True:
            while len(pending) < self.window:
                nxt = next(queue, None)
                if nxt is None:
                    break
                pending[submit(nxt[1])] = nxt[0]
            if not pending:
                return
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                index = pending.pop(ref)
                try:
                    yield index, ray.get(ref)
                except ray.exceptions.RayError as exc:
                    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    yield index, Failed("crash", f"Ray 任务在重试 {MAX_RETRIES} 次后仍失败（{detail}）。")

    def close(self) -> None:
        if self._writer:
            self._writer.close()
        if self._started:
            self.ray.shutdown()
