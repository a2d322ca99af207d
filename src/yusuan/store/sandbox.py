"""A sandboxed, read-only DuckDB connection for SQL written by users (``yusuan query``).

Two layers, so that neither alone has to be perfect:

1. Statement types: before anything runs, every statement of the text is classified by
   DuckDB's own parser and only reading statements (SELECT, EXPLAIN, PRAGMA, CALL) pass; COPY,
   EXPORT, ATTACH, INSTALL/LOAD, SET/RESET and anything that writes are refused with a
   message that names the statement and says why.
2. The connection itself: ``enable_external_access=false`` (no file system: ``read_csv``,
   ``read_text``, ``glob``, COPY and ATTACH all fail inside DuckDB), extensions neither
   installed nor loaded automatically, no persistent secrets, no spilling to disk, bounded
   memory and threads, and ``lock_configuration=true`` so no statement can change any of it.

A query also runs under a wall-clock limit (``interrupt`` from a timer) and returns at most
``max_rows`` rows. Every refusal is a ``QueryRefused`` with a Chinese message.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from yusuan.store.writer import open_store


@dataclass(frozen=True)
class QueryLimits:
    timeout_s: float = 60.0
    memory_mb: int = 1024
    threads: int = 2
    max_rows: int = 1_000_000


class QueryRefused(Exception):
    """The statement was not run, or was stopped; the message is Chinese and says why."""


def sandbox_config(limits: QueryLimits, *, lock: bool = True) -> dict[str, Any]:
    """DuckDB settings for a connection that can read its own database and nothing else."""
    return {
        "enable_external_access": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
        "allow_unsigned_extensions": False,
        "allow_persistent_secrets": False,
        "max_temp_directory_size": "0B",
        "memory_limit": f"{limits.memory_mb}MB",
        "threads": max(1, limits.threads),
        "lock_configuration": lock,
    }


def open_sandbox(
    db: str | Path, limits: QueryLimits | None = None, data: str | Path | None = None
) -> duckdb.DuckDBPyConnection:
    """The database, read-only and sandboxed; ``StoreError`` (Chinese) when it cannot be opened.
    With ``data``, the Parquet dataset there instead (its folder is the only one readable)."""
    config = sandbox_config(limits or QueryLimits())
    if isinstance(db, str) and db.startswith(("postgresql://", "postgres://")):
        return open_store(db, read_only=True)  # run_sandboxed runs it read-only, under a timeout
    if data is not None:
        from yusuan.store.dataset import open_dataset

        return open_dataset(data, config)
    return open_store(db, read_only=True, config=config)


_ALLOWED = {
    duckdb.StatementType.SELECT,  # also DESCRIBE, SHOW, SUMMARIZE, FROM …, VALUES …
    duckdb.StatementType.EXPLAIN,
    duckdb.StatementType.PRAGMA,  # information pragmas; those that change settings are SET statements
    duckdb.StatementType.CALL,
}
_FIXED = "查询的沙箱与资源限制是固定的（可用 --timeout、--memory-mb 调整）"
_FILES = "query 不能读写文件；要保存结果，请用 --format csv 或 json 加 -o 文件"
_WHY = {
    duckdb.StatementType.COPY: f"不允许 COPY：{_FILES}。",
    duckdb.StatementType.EXPORT: f"不允许 EXPORT DATABASE：{_FILES}。",
    duckdb.StatementType.COPY_DATABASE: f"不允许 COPY FROM DATABASE：{_FILES}。",
    duckdb.StatementType.ATTACH: "不允许 ATTACH：query 只能查询 --db 指定的语料库，不能打开其他数据库或文件。",
    duckdb.StatementType.DETACH: "不允许 DETACH：query 只能查询 --db 指定的语料库。",
    duckdb.StatementType.LOAD: "不允许 INSTALL/LOAD：query 不安装、不加载任何扩展。",
    duckdb.StatementType.EXTENSION: "不允许安装或加载扩展。",
    duckdb.StatementType.SET: f"不允许 SET/RESET 或修改设置的 PRAGMA：{_FIXED}。",
    duckdb.StatementType.VARIABLE_SET: "不允许 SET VARIABLE：query 只执行读取语料库的查询。",
}
_WRITES = "语料库以只读方式打开，不能修改（{kind}）。query 只执行 SELECT 等读取语句。"


def check_statements(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse the text unless every statement in it only reads."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"SQL 执行失败：{_first_line(exc)}。请检查语句。") from None
    if not statements:
        raise QueryRefused("没有要执行的 SQL 语句。")
    for statement in statements:
        kind = statement.type
        if kind in _ALLOWED:
            continue
        if kind in _WHY:
            raise QueryRefused(_WHY[kind])
        raise QueryRefused(_WRITES.format(kind=kind.name))


@dataclass(frozen=True)
class QueryOutput:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool  # more than ``max_rows`` rows: only the first ``max_rows`` are here


def run_sandboxed(con: duckdb.DuckDBPyConnection, sql: str, limits: QueryLimits | None = None) -> QueryOutput:
    """Check, run (under the time limit) and fetch at most ``max_rows`` rows."""
    limits = limits or QueryLimits()
    if getattr(con, "dialect", "duckdb") == "postgres":
        from yusuan.store.postgres import run_query

        return run_query(con, sql, limits)  # type: ignore[arg-type]
    check_statements(con, sql)
    timer = threading.Timer(limits.timeout_s, con.interrupt)
    timer.daemon = True
    timer.start()
    try:
        cur = con.execute(sql)
        if cur.description is None:
            return QueryOutput([], [], False)
        rows = cur.fetchmany(limits.max_rows + 1)
    except duckdb.InterruptException:
        raise QueryRefused(
            f"查询超过 {limits.timeout_s:g} 秒，已中止。请缩小查询范围，或用 --timeout 放宽时限。"
        ) from None
    except duckdb.OutOfMemoryException:
        raise QueryRefused(
            f"查询所需内存超过上限 {limits.memory_mb} MB，已中止。请缩小查询范围，或用 --memory-mb 放宽上限。"
        ) from None
    except duckdb.PermissionException as exc:
        raise QueryRefused(
            f"查询试图访问文件或扩展，已拒绝（{_first_line(exc)}）：query 只能读取语料库本身，不能读写文件。"
        ) from None
    except duckdb.Error as exc:
        text = _first_line(exc)
        if "configuration has been locked" in text:
            raise QueryRefused(f"不允许修改设置：{_FIXED}。") from None
        raise QueryRefused(f"SQL 执行失败：{text}。请检查语句（数据库以只读方式打开，不能修改）。") from None
    finally:
        timer.cancel()
    truncated = len(rows) > limits.max_rows
    return QueryOutput([c[0] for c in cur.description], rows[: limits.max_rows], truncated)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
