"""Ingest into a Parquet dataset (``yusuan.store.dataset``), on this machine or on Ray.

The steps are those of the DuckDB ingest (``yusuan.store.ingest``): hash, skip what is there,
parse and check each file in an isolated worker under the ``[limits]``, store each document
as it finishes, record failures, then link the halves of publications. What differs is who
writes: every file is one task that writes its own parts (atomically, the ``documents`` part
last), so many machines write at once with no single writer. The engine runs the tasks:

- ``local``: a ``WorkerPool`` of this machine; this process writes.
- ``ray``: one Ray task per file (``yusuan.store.ray_engine``); the Ray worker runs the file in
  an isolated child under the same limits and writes the parts itself.

Inputs are local paths, or lines of a list (``--files-from``) that are paths or URLs
(http, https, file): a URL is fetched by the task that works on it, so the machines of a
cluster need no shared input folder (only the dataset folder is shared).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from yusuan.isolation import Failed, IsolationError, Limits, WorkerPool
from yusuan.store.dataset import DatasetWriter, document_id, init_dataset, known_state, link_key, max_versions
from yusuan.store.extract import Parsed, file_sha256, process_file
from yusuan.store.ingest import IngestAborted, IngestSummary, _failed, _unreadable, expand_inputs
from yusuan.store.publications import check_pair, link_rows
from yusuan.store.writer import StoreError
from yusuan.text import printable

URL_SCHEMES = ("http", "https", "file")


def is_url(text: str) -> bool:
    return urllib.parse.urlsplit(text).scheme in URL_SCHEMES and "://" in text


def read_file_list(list_path: str) -> list[str]:
    """Paths and URLs of a list file, one a line (blank lines and ``#`` comments skipped);
    relative paths are relative to the list's folder."""
    p = Path(list_path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"无法读取文件列表 {p}（{getattr(exc, 'strerror', None) or type(exc).__name__}）。"
                         "请给出每行一个路径或网址的 UTF-8 文本文件。") from None
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        out.append(line if is_url(line) else str((p.parent / line).resolve()))
    return out


@dataclass(frozen=True)
class Task:
    """One file to work on. ``sha256`` is None for a URL (known only once fetched); then
    ``skip_sha256`` is the content already stored for it."""

    path: str
    sha256: str | None
    action: str  # new | version
    version: int
    check: bool
    skip_sha256: str | None = None


def work(task: Task) -> Parsed:
    """Isolated worker side: fetch (a URL) and parse and check one file."""
    if task.sha256 is not None:
        return process_file(task.path, task.sha256, task.check)
    with tempfile.TemporaryDirectory(prefix="yusuan-fetch-") as tmp:
        name = Path(urllib.parse.unquote(urllib.parse.urlsplit(task.path).path)).name or "download"
        local = Path(tmp) / name
        try:
            with urllib.request.urlopen(task.path, timeout=60) as src, open(local, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        except (OSError, ValueError) as exc:
            return Parsed(task.path, "", 0, error=f"{task.path}：无法下载（{exc}）。请检查网址与网络。", reason="input")
        sha = file_sha256(local)
        if sha == task.skip_sha256:
            return Parsed(task.path, sha, local.stat().st_size, reason="unchanged")
        parsed = process_file(str(local), sha, task.check)
        return replace(parsed, path=task.path)


def store(writer: DatasetWriter, task: Task, result: Parsed | Failed) -> tuple[Parsed, str]:
    """Write a worker's result (in the process that holds ``writer``); returns the result
    without its rows, and what happened: new, version, unchanged or failed."""
    parsed = result if isinstance(result, Parsed) else _failed(task.path, task.sha256 or "", result)
    if parsed.reason == "unchanged" and not parsed.failed:
        return parsed, "unchanged"
    if parsed.failed:
        writer.write_failure(parsed)
        action = "failed"
    else:
        writer.write_document(parsed, document_id(parsed.path, parsed.sha256, task.version), task.version)
        action = task.action
    return Parsed(parsed.path, parsed.sha256, parsed.size, error=parsed.error, reason=parsed.reason), action


class Engine(Protocol):
    """Runs tasks: ``files`` stores each file's result where it ran; ``run`` returns a
    function's results (or ``Failed``) to this process."""

    def files(self, root: Path, tasks: Sequence[Task]) -> Iterator[tuple[int, tuple[Parsed, str]]]: ...

    def run(self, fn: Callable[..., Any], items: Sequence[tuple[Any, ...]]) -> Iterator[tuple[int, Any]]: ...

    def close(self) -> None: ...


class LocalEngine:
    def __init__(self, limits: Limits, workers: int) -> None:
        self.pool = WorkerPool(limits, workers)
        self._writer: DatasetWriter | None = None

    def files(self, root: Path, tasks: Sequence[Task]) -> Iterator[tuple[int, tuple[Parsed, str]]]:
        self._writer = self._writer or DatasetWriter(root)
        for index, result in self.pool.map_unordered(work, ((t,) for t in tasks)):
            yield index, store(self._writer, tasks[index], result)

    def run(self, fn: Callable[..., Any], items: Sequence[tuple[Any, ...]]) -> Iterator[tuple[int, Any]]:
        return self.pool.map_unordered(fn, items)

    def close(self) -> None:
        self.pool.close()
        if self._writer:
            self._writer.close()


def ingest_dataset(
    root: str | Path,
    paths: Sequence[str],
    *,
    engine: str = "local",
    address: str | None = None,
    workers: int | None = None,
    check: bool = True,
    retry_failed: bool = False,
    limits: Limits | None = None,
    on_done: Callable[[Parsed, str], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> IngestSummary:
    """Ingest files, folders and URLs into the dataset at ``root`` (created when absent).
    Same summary, callbacks and ``include``/``exclude`` globs as ``yusuan.store.ingest``."""
    t0 = time.perf_counter()
    limits = limits or Limits()
    root = init_dataset(root)
    urls = [p for p in paths if is_url(p)]
    files = expand_inputs([p for p in paths if not is_url(p)], include, exclude) + list(dict.fromkeys(urls))
    summary = IngestSummary(files=len(files))
    state, versions = known_state(root), max_versions(root)
    writer = DatasetWriter(root)
    todo: list[Task] = []
    try:
        for path in files:
            if is_url(path):
                latest = state.latest.get(path)
                todo.append(Task(path, None, "version" if latest else "new", versions.get(path, 0) + 1, check,
                                 latest[0] if latest else None))
                continue
            bad = _unreadable(path)
            sha = ""
            if bad is None:
                try:
                    sha = file_sha256(path)
                except OSError:
                    bad = Parsed(printable(path), "", 0, error=f"{printable(path)}：无法读取。", reason="input")
            if bad is not None:
                writer.write_failure(bad)
                _count(summary, bad, "failed", on_done)
                continue
            key = printable(path)
            action = state.action(key, sha, retry_failed)
            if action == "skip":
                summary.unchanged += 1
            elif action == "skip_failed":
                summary.known_failed += 1
            else:
                todo.append(Task(path, sha, action, versions.get(key, 0) + 1, check))
    finally:
        writer.close()
    if on_start:
        on_start(len(todo))
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    runner = _engine(engine, limits, n_workers, address)
    try:
        for _index, (parsed, action) in runner.files(root, todo):
            _count(summary, parsed, action, on_done)
        summary.publications = link_dataset(root, runner, check)
    except IsolationError as exc:
        saved = summary.new + summary.versions
        raise IngestAborted(f"{exc} 已完成的 {saved} 个文件已保存，重新运行同一命令将从中断处继续。") from None
    finally:
        runner.close()
    summary.seconds = time.perf_counter() - t0
    return summary


def _engine(engine: str, limits: Limits, workers: int, address: str | None) -> Engine:
    if engine == "ray":
        from yusuan.store.ray_engine import RayEngine

        return RayEngine(limits, workers, address)
    return LocalEngine(limits, workers)


def _count(summary: IngestSummary, parsed: Parsed, action: str,
           on_done: Callable[[Parsed, str], None] | None) -> None:  # fmt: skip
    if action == "unchanged":
        summary.unchanged += 1
        return
    if action == "failed":
        summary.failed += 1
        summary.failures.append((parsed.path, parsed.error or ""))
    elif action == "new":
        summary.new += 1
    else:
        summary.versions += 1
    if on_done:
        on_done(parsed, action)


def link_dataset(root: Path, runner: Engine, check: bool) -> int:
    """Link the halves of publications among the latest documents that have not been looked
    at as a pair yet (no ``links`` part for the pair): confirm and check each pair in a task,
    write a ``links`` part (and its findings) for it. Returns how many were linked."""
    from yusuan.store.dataset import open_dataset
    from yusuan.store.publications import candidate_pairs

    con = open_dataset(root)
    try:
        done = {k for (k,) in con.execute("SELECT DISTINCT link_id FROM _raw_links").fetchall()}
        pairs = [m for m in candidate_pairs(con) if link_key([r[0] for r in m]) not in done]
    finally:
        con.close()
    if not pairs:
        return 0
    writer = DatasetWriter(root)
    linked = 0
    try:
        for index, result in runner.run(check_pair, [(tuple(m[1] for m in members), check) for members in pairs]):
            members = pairs[index]
            pks = [m[0] for m in members]
            if result is None or isinstance(result, Failed):
                writer.write_link(pks, None, None)  # not one publication: not looked at again
                continue
            pub_id, _, by_pk = link_rows(members, result)
            writer.write_link(pks, pub_id, by_pk)
            linked += 1
    finally:
        writer.close()
    return linked
