"""Opening the database and writing documents, each in its own transaction.

A crash or a kill between two documents leaves the earlier ones complete and the later ones
absent; a crash inside one rolls it back (DuckDB commits atomically), so a re-run picks up
exactly the documents that are missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from yusuan.store.extract import (
    CLAIM_COLUMNS,
    DIAGNOSTIC_COLUMNS,
    FACT_COLUMNS,
    FIGURE_COLUMNS,
    FINDING_COLUMNS,
    TABLE_COLUMNS,
    Parsed,
)
from yusuan.store.schema import COLUMN_TYPES, ddl, dialect_of, ensure_schema
from yusuan.text import printable

DEFAULT_DB = "yusuan.duckdb"


class StoreError(Exception):
    """A user error about the database (bad path, not a database, locked, missing): the
    message is Chinese and says what to do. The CLI prints it and exits 2."""


def open_store(
    db: str | Path, read_only: bool = False, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """``config``: DuckDB settings for the connection (e.g. ``yusuan.store.sandbox``'s). A
    ``postgresql://`` URL opens the corpus in PostgreSQL (``yusuan.store.postgres``)."""
    if isinstance(db, str) and db.startswith(("postgresql://", "postgres://")):
        from yusuan.store.postgres import connect

        return connect(db, read_only=read_only)  # type: ignore[return-value]
    p = Path(db)
    if read_only and not p.exists():
        raise StoreError(f"数据库 {p} 不存在。请先用 `yusuan ingest 文件或目录 --db 同一路径` 建立语料库。")
    if p.is_dir():
        raise StoreError(f"{p} 是目录，不是数据库文件。请用 --db 指定该目录中的一个文件，如 {DEFAULT_DB}。")
    if p.exists() and not p.is_file():  # a FIFO would block the open, a device is no database
        raise StoreError(f"{p} 不是普通文件（设备、命名管道或套接字），不能作为数据库。请用 --db 指定一个文件。")
    if not read_only and not p.parent.exists():
        raise StoreError(f"数据库所在目录 {p.parent} 不存在。请先创建该目录，或用 --db 指定其他位置。")
    try:
        con = duckdb.connect(str(p), read_only=read_only, config=config or {})
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreError(f"数据库 {p} 正被另一个进程使用（可能有 ingest 正在运行）。请等待其结束后重试。") from None
        raise StoreError(f"无法打开数据库 {p}：{text}。请确认这是 yusuan 建立的 DuckDB 文件且有读写权限。") from None
    except duckdb.Error as exc:
        raise StoreError(f"无法打开数据库 {p}（{type(exc).__name__}）。请确认是 yusuan 建立的 DuckDB 文件。") from None
    if read_only:
        if not _has_table(con, "documents"):
            con.close()
            raise StoreError(f"{p} 不是 yusuan 语料库（缺少 documents 表）。请用 `yusuan ingest` 建立。")
    else:
        ensure_schema(con)
    return con


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()
    return bool(row and row[0])


class AlreadyStored(Exception):
    """The content is the latest version of its path already (stored by a concurrent run)."""


def store_errors() -> tuple[type[BaseException], ...]:
    """What a database raises when it refuses a row, on every back end installed."""
    from yusuan.store.postgres import store_errors as postgres_errors

    return (duckdb.Error, *postgres_errors())


@dataclass(frozen=True)
class KnownState:
    """What the database already holds, to decide what a run must do."""

    latest: dict[str, tuple[str, int]]  # path -> (sha256 of latest version, version)
    failed: set[tuple[str, str]]  # (path, sha256) recorded as failed

    def action(self, path: str, sha: str, retry_failed: bool = False) -> str:
        """ "skip" (unchanged), "skip_failed" (this content failed before: a bad file, or one
        over a limit, is not tried again on every run), "new" (path never stored) or
        "version" (changed)."""
        latest = self.latest.get(path)
        if latest and latest[0] == sha:
            return "skip"
        if (path, sha) in self.failed and not retry_failed:
            return "skip_failed"
        return "version" if latest else "new"


def known_state(con: duckdb.DuckDBPyConnection) -> KnownState:
    rows = con.execute("SELECT path, sha256, version FROM documents WHERE is_latest").fetchall()
    latest = {p: (s, v) for p, s, v in rows}
    failed = {(p, s) for p, s in con.execute("SELECT path, sha256 FROM failures").fetchall()}
    return KnownState(latest, failed)


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    if not rows:
        return
    cols = list(zip(*rows, strict=True))
    selects = []
    dialect = dialect_of(con)
    for i, name in enumerate(columns):
        typ = ddl(COLUMN_TYPES.get(name, "VARCHAR"), dialect)
        # decimals travel as strings (exact) and are cast once inside DuckDB
        src_typ = "VARCHAR" if typ.startswith("DECIMAL") else typ
        selects.append(f"unnest(${i + 1}::{src_typ}[])::{typ}")
    names = ", ".join(f'"{c}"' for c in columns)
    con.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(selects)}", [list(c) for c in cols])


def write_document(con: duckdb.DuckDBPyConnection, parsed: Parsed) -> tuple[int, int]:
    """Store one parsed document as a new version of its path; returns (doc_pk, version).
    ``AlreadyStored`` when another process stored the same content meanwhile (PostgreSQL)."""
    con.begin()
    try:
        if dialect_of(con) == "postgres":
            from yusuan.store.postgres import lock_for_write

            lock_for_write(con)
            latest = con.execute("SELECT sha256 FROM documents WHERE path = ? AND is_latest", [parsed.path]).fetchone()
            if latest and latest[0] == parsed.sha256:
                raise AlreadyStored(parsed.path)
        row = con.execute("SELECT coalesce(max(version), 0) FROM documents WHERE path = ?", [parsed.path]).fetchone()
        version = int(row[0]) + 1 if row else 1
        doc_pk = int(con.execute("SELECT nextval('documents_id')").fetchone()[0])  # type: ignore[index]
        con.execute("UPDATE documents SET is_latest = false WHERE path = ? AND is_latest", [parsed.path])
        fields = {
            "id": doc_pk, "path": parsed.path, "sha256": parsed.sha256, "version": version, "is_latest": True,
            "ingested_at": datetime.now(UTC).replace(tzinfo=None), **parsed.document,
        }  # fmt: skip
        names = ", ".join(fields)
        con.execute(f"INSERT INTO documents ({names}) VALUES ({', '.join('?' * len(fields))})", list(fields.values()))
        for table, columns, rows in (
            ("tables", TABLE_COLUMNS, parsed.tables),
            ("facts", FACT_COLUMNS, parsed.facts),
            ("findings", FINDING_COLUMNS, parsed.findings),
            ("diagnostics", DIAGNOSTIC_COLUMNS, parsed.diagnostics),
            ("figures", FIGURE_COLUMNS, parsed.figures),
            ("claims", CLAIM_COLUMNS, parsed.claims),
        ):
            insert_rows(con, table, ("doc_pk", *columns), [(doc_pk, *r) for r in rows])
        if parsed.document.get("parts") in ("tables", "narrative"):  # half of a publication, maybe
            con.execute("INSERT INTO pending_links VALUES (?) ON CONFLICT DO NOTHING", [parsed.path])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return doc_pk, version


def record_failure(con: duckdb.DuckDBPyConnection, parsed: Parsed) -> None:
    con.execute(
        "INSERT INTO failures (path, sha256, failed_at, message, reason) VALUES (?, ?, ?, ?, ?)",
        [printable(parsed.path), parsed.sha256, datetime.now(UTC).replace(tzinfo=None),
         printable(parsed.error or ""), parsed.reason],
    )
