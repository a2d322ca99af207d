"""Between the two forms of a corpus: a DuckDB file (``--db``) and a Parquet dataset (``--data``).

``export_to_dataset`` writes every version of every document of a database into the dataset
(bulk, one file per partition and table per export; documents already in the dataset are
skipped, so exporting twice adds nothing). ``rebuild_database`` makes a new DuckDB file from a
dataset: the same rows, ids renumbered from 1 as the store numbers them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

from yusuan.store.dataset import (
    CHILDREN,
    PARTITION_KEYS,
    _quote,
    columns_of,
    create_views,
    document_id,
    init_dataset,
    open_dataset,
    partition_of,
    partition_values,
)
from yusuan.store.writer import StoreError, open_store


def export_to_dataset(db: str | Path, root: str | Path) -> tuple[int, int]:
    """(documents exported, documents already there)."""
    root = init_dataset(root)
    present = _present_ids(root)
    con = open_store(db, read_only=True)
    try:
        docs = con.execute("SELECT id, path, sha256, version, year, kind, unit_name FROM documents").fetchall()
        mapping = []
        for old, path, sha, version, year, kind, unit in docs:
            new = document_id(path, sha, version)
            if new not in present:
                values = partition_values({"year": year, "kind": kind, "unit_name": unit})
                mapping.append((old, new, *values))
        skipped = len(docs) - len(mapping)
        if mapping:
            con.execute("CREATE TEMP TABLE _map (old BIGINT, new BIGINT, doc_year VARCHAR, doc_kind VARCHAR, "
                        "doc_region VARCHAR)")
            con.executemany("INSERT INTO _map VALUES (?, ?, ?, ?, ?)", mapping)
            staging = root / f".export-{uuid.uuid4().hex}"
            staging.mkdir()
            try:
                for table in (*CHILDREN, "documents"):  # documents last: it makes a document exist
                    _copy_partitioned(con, table, staging)
                    _move_into(staging / table, root / table)
                _copy_failures(con, root)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    finally:
        con.close()
    return len(mapping), skipped


def _present_ids(root: Path) -> set[int]:
    con = open_dataset(root)
    try:
        return {i for (i,) in con.execute("SELECT id FROM _raw_documents").fetchall()}
    finally:
        con.close()


def _copy_partitioned(con: duckdb.DuckDBPyConnection, table: str, staging: Path) -> None:
    """One file per partition (named as ``DatasetWriter`` names partitions)."""
    cols = [c for c, _ in columns_of()[table]]
    key = "id" if table == "documents" else "doc_pk"
    select = ", ".join(f'm.new AS "{c}"' if c == key else f't."{c}"' for c in cols)
    name = f"export-{uuid.uuid4().hex}.parquet"
    for part in con.execute(f"SELECT DISTINCT {', '.join(PARTITION_KEYS)} FROM _map").fetchall():
        values = dict(zip(PARTITION_KEYS, part, strict=True))
        target = staging / table / partition_of({"year": None, "kind": None}, values) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        where = " AND ".join(f"m.{k} = ?" for k in PARTITION_KEYS)
        con.execute(f"""COPY (SELECT {select} FROM {table} t JOIN _map m ON m.old = t.{key} WHERE {where})
                        TO '{_quote(target)}' (FORMAT parquet, COMPRESSION zstd)""", list(part))
        if not con.execute(f"SELECT count(*) FROM read_parquet('{_quote(target)}')").fetchone()[0]:  # type: ignore[index]
            target.unlink()


def _copy_failures(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    if not con.execute("SELECT count(*) FROM failures").fetchone()[0]:  # type: ignore[index]
        return
    target = root / "failures" / f"export-{uuid.uuid4().hex}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    con.execute(f"COPY failures TO '{_quote(tmp)}' (FORMAT parquet)")
    os.replace(tmp, target)


def _move_into(src: Path, dest: Path) -> None:
    if not src.exists():
        return
    for f in sorted(src.rglob("*.parquet")):
        target = dest / f.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(f, target)


def rebuild_database(root: str | Path, db: str | Path) -> int:
    """A new DuckDB corpus ``db`` (which must not exist) from the dataset; returns the number
    of documents."""
    if Path(db).exists():
        raise StoreError(f"{db} 已存在。重建需要一个新文件：请换一个 --db 路径，或先移走该文件。")
    open_dataset(root).close()  # the dataset's own messages when it is not one
    con = open_store(db)
    try:
        catalog = con.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
        con.execute("ATTACH ':memory:' AS ds")
        con.execute("USE ds")
        create_views(con, root)
        con.execute(f'USE "{catalog}"')
        con.begin()
        con.execute("""CREATE TEMP TABLE _ids AS SELECT id AS old,
                       row_number() OVER (ORDER BY ingested_at, path, version) AS new FROM ds.documents""")
        doc_cols = [c for c, _ in columns_of()["documents"]]
        names = ", ".join(f'"{c}"' for c in doc_cols)
        select = ", ".join("i.new" if c == "id" else f'd."{c}"' for c in doc_cols)
        con.execute(f"INSERT INTO documents ({names}) SELECT {select} FROM ds.documents d JOIN _ids i ON i.old = d.id")
        for table in CHILDREN:
            cols = [c for c, _ in columns_of()[table]]
            names = ", ".join(f'"{c}"' for c in cols)
            select = ", ".join("i.new" if c == "doc_pk" else f't."{c}"' for c in cols)
            con.execute(f"INSERT INTO {table} ({names}) SELECT {select} FROM ds.{table} t "
                        "JOIN _ids i ON i.old = t.doc_pk")
        cols = ", ".join(f'"{c}"' for c, _ in columns_of()["failures"])
        con.execute(f"INSERT INTO failures ({cols}) SELECT {cols} FROM ds.failures")
        n = int(con.execute("SELECT count(*) FROM documents").fetchone()[0])  # type: ignore[index]
        con.commit()
        con.execute("DROP SEQUENCE documents_id")
        con.execute(f"CREATE SEQUENCE documents_id START {n + 1}")
    except BaseException:
        con.close()
        Path(db).unlink(missing_ok=True)
        raise
    con.close()
    return n
