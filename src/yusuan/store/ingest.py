"""Ingest a batch: hash every file, skip what the database already holds, parse and check the
rest in a process pool, and write each finished document in its own transaction as it
arrives (so a killed run keeps every document it finished)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from yusuan.store.extract import Parsed, file_sha256, process_file
from yusuan.store.publications import link_publications
from yusuan.store.writer import known_state, record_failure, write_document


class IngestAborted(Exception):
    """The run cannot go on (the worker pool broke); the message is Chinese. Documents stored
    so far stay; a re-run resumes."""


@dataclass
class IngestSummary:
    files: int = 0
    new: int = 0
    versions: int = 0
    unchanged: int = 0
    failed: int = 0
    publications: int = 0  # publications of two files linked (and checked as one) in this run
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, message)

    def line(self) -> str:
        rate = (self.new + self.versions) / self.seconds * 60 if self.seconds > 0 else 0.0
        linked = f"分两个文件公开的 {self.publications} 份已合并检查；" if self.publications else ""
        return (
            f"共 {self.files} 个文件：新增 {self.new} 个，新版本 {self.versions} 个，未变跳过 {self.unchanged} 个，"
            f"失败 {self.failed} 个；{linked}用时 {self.seconds:.1f} 秒（{rate:.0f} 个/分钟）。"
        )


def expand_inputs(paths: Sequence[str]) -> list[str]:
    """Absolute paths of the files given and of every file under the folders given (sorted,
    hidden files skipped), each once."""
    out: dict[str, None] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    out[str(f.resolve())] = None
        else:
            out[str(p.resolve())] = None
    return list(out)


def _missing(path: str) -> Parsed:
    return Parsed(path, "", 0, error=f"{path}：文件不存在或无法读取。请检查路径和权限。")


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str],
    *,
    workers: int | None = None,
    check: bool = True,
    retry_failed: bool = False,
    on_done: Callable[[Parsed, str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Ingest files and folders into an open (writable) store.

    ``on_start(n)`` is told how many files will be parsed; ``on_done(parsed, action)`` is called
    after each file is committed (action: "new", "version" or "failed")."""
    t0 = time.perf_counter()
    files = expand_inputs(paths)
    summary = IngestSummary(files=len(files))
    state = known_state(con)
    todo: list[tuple[str, str, str]] = []  # (path, sha, action)
    for path in files:
        try:
            sha = file_sha256(path)
        except OSError:
            _finish(con, _missing(path), "failed", summary, on_done)
            continue
        action = state.action(path, sha, retry_failed)
        if action == "skip":
            summary.unchanged += 1
        else:
            todo.append((path, sha, action))
    if on_start:
        on_start(len(todo))
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    if workers == 1 or len(todo) <= 1:
        for path, sha, action in todo:
            parsed = process_file(path, sha, check)
            _finish(con, parsed, "failed" if parsed.failed else action, summary, on_done)
    else:
        _run_pool(con, todo, workers, check, summary, on_done)
    written = {path for path, _, _ in todo}
    if written:
        summary.publications = link_publications(con, written, check)
    summary.seconds = time.perf_counter() - t0
    return summary


def _run_pool(
    con: duckdb.DuckDBPyConnection,
    todo: list[tuple[str, str, str]],
    workers: int,
    check: bool,
    summary: IngestSummary,
    on_done: Callable[[Parsed, str], None] | None,
) -> None:
    # A bounded window of submitted work keeps memory flat on large batches.
    window = workers * 4
    pending: dict[Future[Parsed], tuple[str, str, str]] = {}
    queue = iter(todo)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        while True:
            while len(pending) < window:
                item = next(queue, None)
                if item is None:
                    break
                pending[pool.submit(process_file, item[0], item[1], check)] = item
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                action = pending.pop(fut)[2]
                try:
                    parsed = fut.result()
                except BrokenProcessPool:
                    # a worker was killed (memory, signal, Ctrl-C): the files in flight are not
                    # at fault, so nothing is recorded for them and a re-run processes them again
                    raise IngestAborted(
                        f"处理文件的子进程异常退出（可能内存不足或被中断），入库已停止；已完成的 "
                        f"{summary.new + summary.versions} 个文件已保存。重新运行同一命令将从中断处继续。"
                    ) from None
                _finish(con, parsed, "failed" if parsed.failed else action, summary, on_done)


def _finish(
    con: duckdb.DuckDBPyConnection,
    parsed: Parsed,
    action: str,
    summary: IngestSummary,
    on_done: Callable[[Parsed, str], None] | None,
) -> None:
    if action == "failed":
        record_failure(con, parsed)
        summary.failed += 1
        summary.failures.append((parsed.path, parsed.error or ""))
    else:
        _, version = write_document(con, parsed)
        action = "new" if version == 1 else "version"
        if action == "new":
            summary.new += 1
        else:
            summary.versions += 1
    if on_done:
        on_done(parsed, action)
