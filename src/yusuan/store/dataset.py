"""The corpus as a partitioned Parquet dataset: what many machines write at once and any tool
reads (DuckDB, Arrow, Spark, pandas), without a database server or an import step.

Layout (one folder per table; hive partitions by the document's year, kind and region):

    DIR/documents/doc_year=2025/doc_kind=budget/doc_region=上海/<id>.parquet
    DIR/{tables,facts,findings,diagnostics,figures,claims}/doc_year=…/doc_kind=…/doc_region=…/<id>.parquet
    DIR/failures/<id>.parquet           files that could not be stored, with the reason
    DIR/links/<id>.parquet              publications of two files linked after a run (DESIGN §4c)
    DIR/link_findings/<id>.parquet      the findings of a linked publication
    DIR/datapackage.json                what the tables and columns are (Frictionless Data Package)

The partition keys are named ``doc_*`` because ``claims`` has a ``year`` column of its own (the
year a stated figure belongs to); an unknown value is ``__HIVE_DEFAULT_PARTITION__``, as Hive,
Arrow and Spark write it. Every file holds complete rows of the store's schema
(``yusuan.store.schema``): the same columns and types as the DuckDB corpus.

Identity and atomicity: one document (or one failure, one link) is one set of part files named
by its id, a hash of (path, sha256, version) fixed before the work starts, so a retried task
rewrites the same names. Each file is written under a hidden temporary name and renamed into
place; the ``documents`` part is written last and is what makes the document exist: the views
below read a table's rows only for documents that exist, so a task killed half-way leaves
nothing that is read (and a re-run rewrites it). ``version`` is stored; ``is_latest`` is
worked out when reading (the highest version of each path).
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from yusuan.store.export import frictionless_type
from yusuan.store.extract import (
    CLAIM_COLUMNS,
    DIAGNOSTIC_COLUMNS,
    FACT_COLUMNS,
    FIGURE_COLUMNS,
    FINDING_COLUMNS,
    TABLE_COLUMNS,
    Parsed,
)
from yusuan.store.schema import SCHEMA_VERSION, TABLES, VIEWS, ensure_schema
from yusuan.store.writer import KnownState, StoreError, insert_rows
from yusuan.text import printable

UNKNOWN = "__HIVE_DEFAULT_PARTITION__"
PARTITION_KEYS = ("doc_year", "doc_kind", "doc_region")
# Children of a document, in the order they are written (``documents`` comes after them).
CHILDREN: dict[str, tuple[str, ...]] = {
    "tables": TABLE_COLUMNS, "facts": FACT_COLUMNS, "findings": FINDING_COLUMNS,
    "diagnostics": DIAGNOSTIC_COLUMNS, "figures": FIGURE_COLUMNS, "claims": CLAIM_COLUMNS,
}  # fmt: skip
PARTITIONED = ("documents", *CHILDREN)
FLAT = ("failures", "links", "link_findings")
LINK_COLUMNS: dict[str, str] = {
    "link_id": "VARCHAR", "doc_pk": "BIGINT", "confirmed": "BOOLEAN", "publication": "VARCHAR",
    "n_findings": "INTEGER", "linked_at": "TIMESTAMP",
}  # fmt: skip
DATAPACKAGE = "datapackage.json"

# The 31 provincial-level divisions of the mainland (and the three others), for the region
# partition: a unit name that starts with one of them belongs to it ("江苏省人民检察院",
# "上海市普陀区…"); a county unit that does not name its province has no region.
_REGIONS = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西",
    "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
)  # fmt: skip


def region_of(unit_name: str | None) -> str | None:
    if not unit_name:
        return None
    name = unit_name.strip().removeprefix("中共")
    return next((r for r in _REGIONS if name.startswith(r)), None)


def document_id(path: str, sha256: str, version: int) -> int:
    """A document's key (``documents.id``/``doc_pk``), the same on every machine and every
    retry: 60 bits of sha256(path, content hash, version)."""
    digest = hashlib.sha256(f"{path}\0{sha256}\0{version}".encode("utf-8", "surrogateescape")).hexdigest()
    return int(digest[:15], 16)


def _key(*parts: object) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode("utf-8", "surrogateescape")).hexdigest()[:24]


def partition_values(document: dict[str, Any]) -> tuple[str, str, str]:
    year, kind = document.get("year"), document.get("kind")
    region = region_of(document.get("unit_name"))
    return (str(year) if year is not None else UNKNOWN, kind or UNKNOWN, region or UNKNOWN)


def partition_of(document: dict[str, Any], values: dict[str, str] | None = None) -> str:
    """The document's partition folder, e.g. ``doc_year=2025/doc_kind=budget/doc_region=上海``."""
    parts = values or dict(zip(PARTITION_KEYS, partition_values(document), strict=True))
    return "/".join(f"{k}={parts[k]}" for k in PARTITION_KEYS)


# --------------------------------------------------------------------------- the schema's columns


@cache
def columns_of() -> dict[str, tuple[tuple[str, str], ...]]:
    """(column, DuckDB type) of every store table, from the one schema definition."""
    con = duckdb.connect()
    try:
        ensure_schema(con)
        out: dict[str, tuple[tuple[str, str], ...]] = {}
        for table in TABLES:
            out[table] = tuple(con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall())
    finally:
        con.close()
    out["links"] = tuple(LINK_COLUMNS.items())
    out["link_findings"] = (("link_id", "VARCHAR"), *out["findings"])
    return out


# --------------------------------------------------------------------------- writing


class DatasetWriter:
    """Writes parts into the dataset at ``root``; one per process (it holds an in-memory
    DuckDB through which rows get the store's column types)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._con = duckdb.connect()
        ensure_schema(self._con)
        for name, cols in columns_of().items():
            if name in ("links", "link_findings"):
                body = ", ".join(f'"{c}" {t}' for c, t in cols)
                self._con.execute(f"CREATE TABLE {name} ({body})")

    def close(self) -> None:
        self._con.close()

    def write_document(self, parsed: Parsed, doc_id: int, version: int) -> None:
        """All rows of one parsed document; the ``documents`` part last."""
        partition = partition_of(parsed.document)
        for table, columns in CHILDREN.items():
            rows = getattr(parsed, table)
            insert_rows(self._con, table, ("doc_pk", *columns), [(doc_id, *r) for r in rows])
            self._flush(table, f"{table}/{partition}", f"{doc_id:015x}")
        fields = {
            "id": doc_id, "path": parsed.path, "sha256": parsed.sha256, "version": version, "is_latest": True,
            "ingested_at": datetime.now(UTC).replace(tzinfo=None), **parsed.document,
        }  # fmt: skip
        marks = ", ".join("?" * len(fields))
        self._con.execute(f"INSERT INTO documents ({', '.join(fields)}) VALUES ({marks})", list(fields.values()))
        _crash_point()
        self._flush("documents", f"documents/{partition}", f"{doc_id:015x}")

    def write_failure(self, parsed: Parsed) -> None:
        self._con.execute(
            "INSERT INTO failures (path, sha256, failed_at, message, reason) VALUES (?, ?, ?, ?, ?)",
            [printable(parsed.path), parsed.sha256, datetime.now(UTC).replace(tzinfo=None),
             printable(parsed.error or ""), parsed.reason],
        )  # fmt: skip
        self._flush("failures", "failures", _key(parsed.path, parsed.sha256))

    def write_link(self, pks: Sequence[int], publication: str | None, findings: dict[int, list[tuple]] | None) -> None:
        """One publication of two documents (``publication`` None: the pair was not confirmed,
        recorded so it is not looked at again). ``findings``: doc_pk -> finding rows."""
        link_id = link_key(pks)
        now = datetime.now(UTC).replace(tzinfo=None)
        if findings is not None:
            rows = [(link_id, pk, *r) for pk, rs in findings.items() for r in rs]
            insert_rows(self._con, "link_findings", ("link_id", "doc_pk", *FINDING_COLUMNS), rows)
            self._flush("link_findings", "link_findings", link_id)
        rows = [(link_id, pk, publication is not None, publication,
                 None if findings is None else len(findings.get(pk, [])), now) for pk in pks]
        insert_rows(self._con, "links", tuple(LINK_COLUMNS), rows)
        self._flush("links", "links", link_id)

    def _flush(self, table: str, folder: str, name: str) -> None:
        """Write the table's buffered rows to ``folder/name.parquet`` (atomically) and empty it."""
        n = self._con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
        if n:
            target = self.root / folder / f"{name}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{name}.{uuid.uuid4().hex}.tmp")  # unique across hosts sharing the folder
            self._con.execute(f"COPY {table} TO '{_quote(tmp)}' (FORMAT parquet, COMPRESSION zstd)")
            os.replace(tmp, target)
        self._con.execute(f"DELETE FROM {table}")


def link_key(pks: Sequence[int]) -> str:
    return _key("link", *sorted(pks))


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


CRASH_ENV = "YUSUAN_DATASET_CRASH_ONCE"


def _crash_point() -> None:
    """Fault injection for the tests: with ``YUSUAN_DATASET_CRASH_ONCE=FILE`` set, the first
    process to get here (FILE does not exist yet) creates FILE and dies, as a machine lost
    between a document's parts would."""
    marker = os.environ.get(CRASH_ENV)
    if marker and not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        os._exit(17)


# --------------------------------------------------------------------------- reading


def is_dataset(root: str | Path) -> bool:
    p = Path(root)
    return p.is_dir() and ((p / DATAPACKAGE).is_file() or (p / "documents").is_dir())


def _source(root: Path, table: str) -> str:
    """A SELECT of the table's rows as stored (typed columns in the schema's order)."""
    cols = columns_of()[table]
    folder = root / table
    partitioned = table in PARTITIONED
    pattern = folder / ("*/*/*/*.parquet" if partitioned else "*.parquet")
    if not any(folder.glob("*/*/*/*.parquet" if partitioned else "*.parquet")):
        nulls = ", ".join(f'NULL::{t} AS "{c}"' for c, t in cols)
        extra = ", NULL::VARCHAR AS region" if table == "documents" else ""
        return f"SELECT {nulls}{extra} WHERE false"
    select = ", ".join(f'"{c}"::{t} AS "{c}"' for c, t in cols)
    extra = f", nullif(doc_region, '{UNKNOWN}') AS region" if table == "documents" else ""
    hive = ", hive_partitioning = true, hive_types_autocast = false" if partitioned else ""
    return f"SELECT {select}{extra} FROM read_parquet('{_quote(pattern)}', union_by_name = true{hive})"


def _names(table: str, alias: str, skip: tuple[str, ...] = ()) -> str:
    return ", ".join(f'{alias}."{c}"' for c, _ in columns_of()[table] if c not in skip)


def create_views(con: duckdb.DuckDBPyConnection, root: str | Path) -> None:
    """Views with the names and columns of the store's tables (and its ``latest_*`` views)
    over the dataset at ``root``, in connection ``con``."""
    root = Path(root).resolve()
    for table in (*PARTITIONED, *FLAT):
        con.execute(f"CREATE OR REPLACE VIEW _raw_{table} AS {_source(root, table)}")
    # a link counts when its links part exists; the latest link of a document wins
    con.execute("""CREATE OR REPLACE VIEW _links AS SELECT * FROM _raw_links WHERE confirmed
                   QUALIFY row_number() OVER (PARTITION BY doc_pk ORDER BY linked_at DESC) = 1""")
    doc_cols = [c for c, _ in columns_of()["documents"]]
    override = {
        "version": "d.version",
        "is_latest": "row_number() OVER (PARTITION BY d.path ORDER BY d.version DESC, d.ingested_at DESC) = 1",
        "publication": "coalesce(l.publication, d.publication)",
        "n_findings": "CASE WHEN l.doc_pk IS NULL THEN d.n_findings ELSE l.n_findings END",
        "audit_error": "CASE WHEN l.doc_pk IS NULL THEN d.audit_error END",
    }
    select = ", ".join(f'{override.get(c, f"d.{chr(34)}{c}{chr(34)}")} AS "{c}"' for c in doc_cols)
    con.execute(f"""CREATE OR REPLACE VIEW documents AS
        SELECT {select}, d.region FROM (
            SELECT * FROM _raw_documents QUALIFY row_number() OVER (PARTITION BY id ORDER BY ingested_at) = 1
        ) d LEFT JOIN _links l ON l.doc_pk = d.id""")
    for table in CHILDREN:
        if table == "findings":
            continue
        con.execute(f"""CREATE OR REPLACE VIEW {table} AS
            SELECT {_names(table, 't')} FROM _raw_{table} t WHERE t.doc_pk IN (SELECT id FROM documents)""")
    con.execute(f"""CREATE OR REPLACE VIEW findings AS
        SELECT {_names('findings', 't')} FROM _raw_findings t
        WHERE t.doc_pk IN (SELECT id FROM documents) AND t.doc_pk NOT IN (SELECT doc_pk FROM _links)
        UNION ALL
        SELECT {_names('findings', 'f')} FROM _raw_link_findings f JOIN _links l USING (link_id, doc_pk)""")
    con.execute("CREATE OR REPLACE VIEW failures AS SELECT * FROM _raw_failures")
    con.execute("CREATE OR REPLACE VIEW links AS SELECT * FROM _links")
    con.execute(f"CREATE OR REPLACE VIEW store_meta AS SELECT 'schema_version' AS key, '{SCHEMA_VERSION}' AS value")
    for table in TABLES:  # the store's other tables (pending_links, …): empty here, so every view binds
        if table not in (*PARTITIONED, *FLAT, "store_meta"):
            nulls = ", ".join(f'NULL::{t} AS "{c}"' for c, t in columns_of()[table])
            con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT {nulls} WHERE false")
    for ddl in VIEWS.values():
        con.execute(ddl)


def open_dataset(root: str | Path, config: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection whose tables are views over the dataset at ``root``.
    With the query sandbox's ``config`` (``yusuan.store.sandbox.sandbox_config``), file access
    is switched off after the views are made, except to the dataset folder itself (which the
    views read), and the configuration is locked."""
    p = Path(root)
    if not p.exists():
        raise StoreError(f"数据集目录 {p} 不存在。请先用 `yusuan ingest 文件或目录 --data {p}` 建立。")
    if not is_dataset(p):
        raise StoreError(f"{p} 不是 yusuan 数据集（缺少 documents 目录与 {DATAPACKAGE}）。"
                         f"请用 `yusuan ingest … --data {p}` 建立，或检查路径。")
    config = dict(config or {})
    sandboxed = config.pop("enable_external_access", True) is False
    lock = config.pop("lock_configuration", False)
    con = duckdb.connect(config=config)
    try:
        create_views(con, p)
        if sandboxed:
            con.execute("SET allowed_directories = ?", [[str(p.resolve()) + os.sep]])
            con.execute("SET enable_external_access = false")
        if lock:
            con.execute("SET lock_configuration = true")
    except duckdb.Error as exc:
        con.close()
        raise StoreError(f"无法读取数据集 {p}（{printable(str(exc).splitlines()[0])}）。"
                         "请确认目录由 yusuan 写入且未被改动。") from None
    return con


def known_state(root: str | Path) -> KnownState:
    """What the dataset holds already (latest version of each path, failures), as for the
    DuckDB store (``yusuan.store.writer.known_state``)."""
    from yusuan.store.writer import known_state as of_connection

    if not is_dataset(root):
        return KnownState({}, set())
    con = open_dataset(root)
    try:
        return of_connection(con)
    finally:
        con.close()


def max_versions(root: str | Path) -> dict[str, int]:
    """path -> highest version stored (new versions continue from it)."""
    if not is_dataset(root):
        return {}
    con = open_dataset(root)
    try:
        return dict(con.execute("SELECT path, max(version) FROM documents GROUP BY path").fetchall())
    finally:
        con.close()


# --------------------------------------------------------------------------- datapackage.json

@dataclass(frozen=True)
class _Field:
    name: str
    type: str

    def as_dict(self) -> dict[str, Any]:
        if self.type.startswith("DECIMAL"):
            return {"name": self.name, "type": "number", "bareNumber": True, "format": self.type.lower()}
        return {"name": self.name, "type": frictionless_type(self.type)}


def datapackage() -> dict[str, Any]:
    """The dataset's description (Frictionless Data Package, Parquet resources)."""
    keys = [{"name": "doc_year", "type": "integer"}, {"name": "doc_kind", "type": "string"},
            {"name": "doc_region", "type": "string"}]  # fmt: skip
    resources = []
    for table in (*PARTITIONED, *FLAT):
        cols = columns_of()[table]
        partitioned = table in PARTITIONED
        resources.append({
            "name": table,
            "path": f"{table}/{'*/*/*/' if partitioned else ''}*.parquet",
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            **({"partitioning": {"flavor": "hive", "fields": keys, "null": UNKNOWN}} if partitioned else {}),
            "schema": {"fields": [_Field(c, t).as_dict() for c, t in cols]},
        })
    return {
        "name": "yusuan-corpus",
        "title": "预算公开语料库（yusuan）",
        "description": "Chinese budget disclosures parsed by yusuan: documents, tables, facts with provenance, "
                       "claims, findings, failures. Amounts exact as printed (value_text) and in 万元 (value_wan). "
                       "Read with DuckDB: read_parquet('facts/*/*/*/*.parquet', hive_partitioning=true).",
        "version": str(SCHEMA_VERSION),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "resources": resources,
    }  # fmt: skip


def init_dataset(root: str | Path) -> Path:
    """Create the folder (and its parent must exist) and write ``datapackage.json``."""
    p = Path(root)
    if p.exists() and not p.is_dir():
        raise StoreError(f"{p} 不是目录。请用 --data 指定一个目录（不存在时会新建）。")
    if not p.parent.exists():
        raise StoreError(f"数据集所在目录 {p.parent} 不存在。请先创建该目录，或用 --data 指定其他位置。")
    if p.exists() and not is_dataset(p) and any(p.iterdir()):
        raise StoreError(f"目录 {p} 不为空，也不是 yusuan 数据集。请用 --data 指定空目录或已有数据集。")
    p.mkdir(exist_ok=True)
    target = p / DATAPACKAGE
    tmp = p / f".{DATAPACKAGE}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return p
