"""The server's one connection to the corpus database (``--db``).

The server process holds one DuckDB instance while it is busy: every request reads through
its own cursor (DuckDB runs readers beside the writer, each seeing committed data), and the
background jobs write uploads through the store's own ``ingest``, one at a time. The
instance is opened with the query sandbox's settings (no file access from SQL, no
extensions, bounded memory and threads) and closed again after a few idle seconds, so
``yusuan ingest``/``query`` can use the file while the server is quiet. While another
process holds the file, pages say so (``CorpusUnavailable``) and upload jobs wait.
"""

from __future__ import annotations

import atexit
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb

from yusuan.store.decisions import has_decisions
from yusuan.store.sandbox import QueryLimits, sandbox_config
from yusuan.store.writer import StoreError, open_store, store_errors

DB_LIMITS = QueryLimits(memory_mb=1024, threads=2)


class CorpusUnavailable(Exception):
    """The database cannot be used now; the message is Chinese and says why. ``retry``: it is
    only busy (another process holds it), so trying again later may succeed."""

    def __init__(self, message: str, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


_LIVE: weakref.WeakSet[CorpusDb] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """Close every instance before the interpreter stops its daemon threads: DuckDB must not
    be torn down underneath a timer or a job."""
    for db in list(_LIVE):
        db.close()


class CorpusDb:
    """``path``: a DuckDB file, a Parquet dataset folder (read only) or a ``postgresql://``
    URL; on PostgreSQL every use gets a connection of its own (the server does the locking),
    so several requests, and several server processes, read and write at once."""

    def __init__(self, path: Path | str, idle_close_s: float = 5.0) -> None:
        self.url = str(path) if str(path).startswith(("postgresql://", "postgres://")) else None
        self.path = Path(path)
        self.idle_close_s = idle_close_s
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._read_only = False
        self._users = 0
        self._timer: threading.Timer | None = None
        self.generation = 0  # bumped on every write through this server (caches key on it)
        _LIVE.add(self)

    # ------------------------------------------------------------------ connections

    @property
    def name(self) -> str:
        """How pages name the corpus (never a password)."""
        return "PostgreSQL" if self.url else self.path.name

    @property
    def is_dataset(self) -> bool:
        """``--data``: a Parquet dataset folder, read through views (uploads cannot be stored)."""
        return self.url is None and self.path.is_dir()

    @property
    def exists(self) -> bool:
        if self.url:
            return True
        if self.is_dataset:
            from yusuan.store.dataset import is_dataset

            return is_dataset(self.path)
        return self.path.is_file()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A cursor, or None while there is no database yet (an empty corpus)."""
        if self._con is None and not self.exists:
            yield None
            return
        cur = self._acquire(create=False)
        try:
            yield cur
        finally:
            self._release(cur)

    @contextmanager
    def writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for writing (one writer at a time); creates the database when absent."""
        with self._write_lock:
            cur = self._acquire(create=True)
            try:
                if self._read_only and self.is_dataset:
                    raise CorpusUnavailable(f"数据集 {self.path.name} 由 `yusuan ingest --data` 写入，网页只能读取；"
                                            "上传的文件无法入库。")
                if self._read_only:
                    raise CorpusUnavailable(f"数据库 {self.path.name} 没有写权限，只能读取；上传的文件无法入库。")
                yield cur
            finally:
                self.generation += 1
                self._release(cur)

    def close(self) -> None:
        """Release the database (cursors still in use keep it open until they finish)."""
        with self._lock:
            if self._timer:
                self._timer.cancel()
                self._timer = None
            if self._con is not None:
                self._con.close()
                self._con = None

    def _acquire(self, create: bool) -> duckdb.DuckDBPyConnection:
        if self.url:
            try:
                return open_store(self.url)
            except StoreError as exc:
                raise CorpusUnavailable(str(exc), retry=True) from None
        with self._lock:
            if self._timer:
                self._timer.cancel()
                self._timer = None
            if self._con is None:
                self._con = self._open(create)
            self._users += 1
            try:
                return self._con.cursor()
            except duckdb.Error as exc:
                self._users -= 1
                raise CorpusUnavailable(f"无法读取数据库 {self.path.name}（{type(exc).__name__}）。") from None

    def _release(self, cur: duckdb.DuckDBPyConnection) -> None:
        with suppress(*store_errors()):
            cur.close()
        if self.url:
            return
        with self._lock:
            self._users -= 1
            if self._users == 0 and self.idle_close_s >= 0:
                self._timer = threading.Timer(self.idle_close_s, self._close_if_idle)
                self._timer.daemon = True
                self._timer.start()

    def _close_if_idle(self) -> None:
        with self._lock:
            if self._users == 0 and self._con is not None:
                self._con.close()
                self._con = None

    def _open(self, create: bool) -> duckdb.DuckDBPyConnection:
        if not create and not self.exists:
            raise CorpusUnavailable("还没有语料库数据库。")
        config = sandbox_config(DB_LIMITS)
        if self.is_dataset:
            from yusuan.store.dataset import open_dataset

            try:
                con = open_dataset(self.path, config)
            except StoreError as exc:
                raise CorpusUnavailable(str(exc)) from None
            self._read_only = True
            return con
        try:
            con = open_store(self.path, read_only=False, config=config)
            self._read_only = False
            return con
        except StoreError as exc:
            if "正被另一个进程使用" in str(exc):
                raise CorpusUnavailable(
                    f"数据库 {self.path.name} 正被另一个进程使用（可能有 ingest 正在运行），请稍后刷新。", retry=True
                ) from None
            if not self.exists:
                raise CorpusUnavailable(str(exc)) from None
        except duckdb.Error as exc:  # a valid DuckDB file the schema cannot be added to
            raise CorpusUnavailable(f"数据库 {self.path.name} 无法使用（{type(exc).__name__}）。") from None
        try:  # no write permission: read what is there
            con = open_store(self.path, read_only=True, config=config)
        except StoreError:
            raise CorpusUnavailable(
                f"{self.path.name} 不是 yusuan 语料库数据库（请用 `yusuan ingest` 建立），或无法打开。"
            ) from None
        self._read_only = True
        return con

    # ------------------------------------------------------------------ helpers

    def version(self, cur: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
        """Changes whenever documents are added or findings decided on, by this server or by
        another process."""
        decided = "(SELECT count(*) FROM decisions), (SELECT max(decided_at) FROM decisions)"
        row = cur.execute(
            f"SELECT count(*), max(id), max(ingested_at), {decided if has_decisions(cur) else 'NULL'} FROM documents"
        ).fetchone()
        return (self.generation, *(row or ()))
