"""Ingest a batch: hash every file, skip what the database already holds, parse and check the
rest in isolated worker processes under hard limits (``yusuan.isolation``), and write each
finished document in its own transaction as it arrives (so a killed run keeps every document
it finished). A file whose worker dies or exceeds a limit is recorded as failed; the batch
goes on."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from yusuan.isolation import RESOURCE_REASONS, Failed, IsolationError, Limits, WorkerPool
from yusuan.selection import selected
from yusuan.store.extract import Parsed, file_sha256, process_file
from yusuan.store.publications import link_publications
from yusuan.store.writer import AlreadyStored, known_state, record_failure, store_errors, write_document
from yusuan.text import printable


class IngestAborted(Exception):
    """The run cannot go on (no worker process can be started); the message is Chinese.
    Documents stored so far stay; a re-run resumes."""


@dataclass
class IngestSummary:
    files: int = 0
    new: int = 0
    versions: int = 0
    unchanged: int = 0
    known_failed: int = 0  # failed in an earlier run, content unchanged: skipped
    failed: int = 0
    publications: int = 0  # publications of two files linked (and checked as one) in this run
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (path, message)

    def line(self) -> str:
        rate = (self.new + self.versions) / self.seconds * 60 if self.seconds > 0 else 0.0
        linked = f"分两个文件公开的 {self.publications} 份已合并检查；" if self.publications else ""
        known = (f"此前失败、内容未变跳过 {self.known_failed} 个（可用 --retry-failed 重试），"
                 if self.known_failed else "")
        return (
            f"共 {self.files} 个文件：新增 {self.new} 个，新版本 {self.versions} 个，未变跳过 {self.unchanged} 个，"
            f"{known}失败 {self.failed} 个；{linked}用时 {self.seconds:.1f} 秒（{rate:.0f} 个/分钟）。"
        )


def expand_inputs(paths: Sequence[str], include: Sequence[str] = (), exclude: Sequence[str] = ()) -> list[str]:
    """Absolute paths of the files given and of every file under the folders given (sorted,
    hidden files skipped), each once. Inside a folder only regular files are taken (a FIFO or
    socket there is not a document), and only those that ``include``/``exclude`` select
    (``yusuan.selection``, relative to that folder); a path given by name is kept whatever it
    is, so that it gets a message."""
    out: dict[str, None] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                        and selected(f, include, exclude, p)):
                    out[str(f.resolve())] = None
        else:
            out[str(p.resolve())] = None
    return list(out)


def _unreadable(path: str) -> Parsed | None:
    """A failure record for a path that is not a regular file we can read, else None. Checked
    before hashing: reading /dev/zero never ends and opening a FIFO blocks."""
    key = printable(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return Parsed(key, "", 0, error=f"{key}：文件不存在或无法读取。请检查路径和权限。", reason="input")
    if not stat.S_ISREG(mode):
        what = "目录" if stat.S_ISDIR(mode) else "特殊文件（设备、命名管道或套接字）"
        return Parsed(key, "", 0, error=f"{key}：是{what}而不是普通文件，已跳过。", reason="input")
    return None


def ingest(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[str],
    *,
    workers: int | None = None,
    check: bool = True,
    retry_failed: bool = False,
    limits: Limits | None = None,
    on_done: Callable[[Parsed, str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    on_progress: Callable[[str], None] | None = None,
) -> IngestSummary:
    """Ingest files and folders into an open (writable) store.

    Every file is parsed and checked in a worker process under ``limits`` (default
    ``Limits()``); a file that exceeds one, or whose worker dies, is recorded as failed with
    the reason and the batch goes on. ``on_start(n)`` is told how many files will be parsed;
    ``on_done(parsed, action)`` is called after each file is committed (action: "new",
    "version" or "failed"). ``include``/``exclude``: globs selecting the files inside folders
    (``yusuan.selection``). ``on_progress(message)``: the steps a worker reports while it reads
    a file (pages read), when only one file is to be parsed."""
    t0 = time.perf_counter()
    limits = limits or Limits()
    files = expand_inputs(paths, include, exclude)
    summary = IngestSummary(files=len(files))
    state = known_state(con)
    todo: list[tuple[str, str, str]] = []  # (path, sha, action)
    for path in files:
        bad = _unreadable(path)
        if bad is None:
            try:
                sha = file_sha256(path)
            except OSError:
                bad = _unreadable(path) or Parsed(printable(path), "", 0, error=f"{printable(path)}：无法读取。",
                                                   reason="input")
        if bad is not None:
            _finish(con, bad, "failed", summary, on_done)
            continue
        action = state.action(printable(path), sha, retry_failed)
        if action == "skip":
            summary.unchanged += 1
        elif action == "skip_failed":
            summary.known_failed += 1
        else:
            todo.append((path, sha, action))
    if on_start:
        on_start(len(todo))
    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    try:
        with WorkerPool(limits, workers) as pool:
            if on_progress is not None and len(todo) == 1:
                pool.on_progress = lambda _index, message: on_progress(message)
            for index, result in pool.map_unordered(process_file, ((p, sha, check) for p, sha, _ in todo)):
                path, sha, action = todo[index]
                parsed = result if isinstance(result, Parsed) else _failed(path, sha, result)
                _finish(con, parsed, "failed" if parsed.failed else action, summary, on_done)
            summary.publications = link_publications(con, check, pool)
    except IsolationError as exc:
        saved = summary.new + summary.versions
        raise IngestAborted(f"{exc} 已完成的 {saved} 个文件已保存，重新运行同一命令将从中断处继续。") from None
    summary.seconds = time.perf_counter() - t0
    return summary


def _failed(path: str, sha: str, failed: Failed) -> Parsed:
    key = printable(path)
    size = os.stat(path).st_size if os.path.exists(path) else 0
    hint = "重新运行时将跳过该文件；提高上限后可用 --retry-failed 重试。" if failed.reason in RESOURCE_REASONS else ""
    return Parsed(key, sha, size, error=f"{key}：{failed.message}{hint}", reason=failed.reason)


def _finish(
    con: duckdb.DuckDBPyConnection,
    parsed: Parsed,
    action: str,
    summary: IngestSummary,
    on_done: Callable[[Parsed, str], None] | None,
) -> None:
    if action != "failed":
        try:
            _, version = write_document(con, parsed)
        except AlreadyStored:  # a concurrent run stored it (PostgreSQL)
            summary.unchanged += 1
            return
        except store_errors() as exc:  # the database refused a value: this file fails, not the batch
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            parsed = replace(parsed, error=f"{parsed.path}：写入语料库失败（{printable(first)}）。"
                             "请将该文件报告给 yusuan 开发者。", reason="store")
            action = "failed"
        else:
            action = "new" if version == 1 else "version"
    if action == "failed":
        record_failure(con, parsed)
        summary.failed += 1
        summary.failures.append((parsed.path, parsed.error or ""))
    elif action == "new":
        summary.new += 1
    else:
        summary.versions += 1
    if on_done:
        on_done(parsed, action)
