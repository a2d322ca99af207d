"""The corpus in PostgreSQL (``--db postgresql://…``; ``pip install 'yusuan[postgres]'``), for a
review server that several people and processes use at once.

``PgConnection`` wraps a psycopg (v3) connection in the small part of the DuckDB connection
API the store uses (``execute`` with ``?``/``$n``/``$name`` parameters, ``fetchone``/``fetchall``
on the result, ``begin``/``commit``/``rollback``, ``cursor``), so the writer, the ingest, the
publication linking and the compare questions run unchanged on either back end, on the one
schema of ``yusuan.store.schema``. Writers take a table lock for the few milliseconds a
document's transaction lasts (several ingests and servers at once never give one path two
equal versions); readers never wait for it.

``yusuan query`` on PostgreSQL: the statement types are checked as for DuckDB, then the SQL
runs in a READ ONLY transaction with ``statement_timeout``; connect as a role without
superuser rights (a superuser can read server files through SQL functions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from yusuan.store.writer import StoreError

URL_PREFIXES = ("postgresql://", "postgres://")

# Quoted strings and identifiers are skipped; outside them, parameters and literal % signs.
_TOKENS = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*")|(\$[A-Za-z_]\w*|\$\d+|\?|%)""")


def is_postgres_url(db: object) -> bool:
    return isinstance(db, str) and db.startswith(URL_PREFIXES)


def to_psycopg(sql: str, named: bool) -> str:
    """DuckDB-style parameters (``?``, ``$1``, ``$name``) as psycopg's (``%s``, ``%(name)s``)."""

    def swap(m: re.Match[str]) -> str:
        if m[1]:
            return m[1].replace("%", "%%")  # psycopg reads % inside literals too
        token = m[2]
        if token == "%":
            return "%%"
        if token.startswith("$") and not token[1:].isdigit():
            return f"%({token[1:]})s" if named else token
        return "%s"

    return _TOKENS.sub(swap, sql)


class PgConnection:
    dialect = "postgres"

    def __init__(self, raw: Any, url: str) -> None:
        self.raw = raw
        self.url = url

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        if params is None:
            return self.raw.execute(sql)
        return self.raw.execute(to_psycopg(sql, isinstance(params, dict)), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(to_psycopg(sql, False), rows)

    def begin(self) -> None:
        self.raw.execute("BEGIN")

    def commit(self) -> None:
        self.raw.execute("COMMIT")

    def rollback(self) -> None:
        self.raw.execute("ROLLBACK")

    def cursor(self) -> PgConnection:
        """A connection of its own: psycopg serialises the statements of one connection, and
        a server's requests should not wait on each other."""
        return connect(self.url, read_only=self.read_only, ensure=False)

    @property
    def read_only(self) -> bool:
        return bool(getattr(self, "_read_only", False))

    def close(self) -> None:
        self.raw.close()


def store_errors() -> tuple[type[BaseException], ...]:
    try:
        import psycopg
    except ImportError:
        return ()
    return (psycopg.Error,)


def connect(url: str, read_only: bool = False, ensure: bool = True) -> PgConnection:
    """A connection to the corpus at ``url``; the schema is created or brought up to date
    unless ``read_only`` (then the database must hold a corpus already)."""
    try:
        import psycopg
    except ImportError:
        raise StoreError("使用 PostgreSQL 语料库需要安装 psycopg：pip install 'yusuan[postgres]'。") from None
    shown = re.sub(r"://([^:@/]*):[^@/]*@", r"://\1:***@", url)  # never print a password
    try:
        raw = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="yusuan")
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"无法连接 PostgreSQL 数据库 {shown}（{first}）。请检查地址、用户与服务器状态。") from None
    con = PgConnection(raw, url)
    con._read_only = read_only  # type: ignore[attr-defined]
    if read_only:
        raw.execute("SET default_transaction_read_only = on")
        if ensure:
            row = raw.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'documents' "
                              "AND table_schema = current_schema()").fetchone()
            if not row or not row[0]:
                con.close()
                raise StoreError(f"PostgreSQL 数据库 {shown} 中还没有 yusuan 语料库。"
                                 f"请先用 `yusuan ingest 文件或目录 --db {shown}` 建立。")
    elif ensure:
        from yusuan.store.schema import ensure_schema

        ensure_schema(con)  # type: ignore[arg-type]
    return con


def lock_for_write(con: Any) -> None:
    """Inside a writing transaction on PostgreSQL: one writer at a time (readers go on)."""
    if getattr(con, "dialect", "duckdb") == "postgres":
        con.execute("LOCK TABLE documents IN SHARE ROW EXCLUSIVE MODE")


def run_query(con: PgConnection, sql: str, limits: Any) -> Any:
    """``yusuan query`` on PostgreSQL: reading statements only, in a READ ONLY transaction
    under ``statement_timeout``; at most ``limits.max_rows`` rows."""
    import duckdb
    import psycopg

    from yusuan.store.sandbox import QueryOutput, QueryRefused, _first_line, check_statements

    parser = duckdb.connect()
    try:
        check_statements(parser, sql)  # DuckDB's parser knows PostgreSQL's statement kinds
    except QueryRefused as exc:
        if "SQL 执行失败" not in str(exc):  # a PostgreSQL-only syntax DuckDB cannot parse runs below
            raise
    finally:
        parser.close()
    raw = con.raw
    try:
        with raw.transaction():
            raw.execute("SET TRANSACTION READ ONLY")
            raw.execute(f"SET LOCAL statement_timeout = {int(limits.timeout_s * 1000)}")
            cur = raw.execute(sql)
            if cur.description is None:
                return QueryOutput([], [], False)
            rows = cur.fetchmany(limits.max_rows + 1)
            columns = [c.name for c in cur.description]
    except psycopg.errors.QueryCanceled:
        raise QueryRefused(
            f"查询超过 {limits.timeout_s:g} 秒，已中止。请缩小查询范围，或用 --timeout 放宽时限。"
        ) from None
    except psycopg.errors.ReadOnlySqlTransaction:
        raise QueryRefused("语料库以只读方式打开，不能修改。query 只执行 SELECT 等读取语句。") from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise QueryRefused(f"没有权限（{_first_line(exc)}）。") from None
    except psycopg.Error as exc:
        text = _first_line(exc)
        raise QueryRefused(f"SQL 执行失败：{text}。请检查语句（数据库以只读方式打开，不能修改）。") from None
    truncated = len(rows) > limits.max_rows
    return QueryOutput(columns, rows[: limits.max_rows], truncated)
