"""``yusuan export``: the corpus as files other tools load typed.

Writes, for the latest version of each document (or the documents chosen), four tables:

- ``documents``: one row per document (unit, year, kind, scope, counts);
- ``facts``: every table value (DESIGN §4, plus the number, 万元 value, page and line);
- ``claims``: every quantity the narrative states (DESIGN §4b);
- ``findings``: the audit findings with their fingerprint (``audit.fingerprint``); findings a
  reviewer dismissed (``yusuan.store.decisions``, the web workbench) are left out, and the
  decision on the others (confirmed) is given;

each as Parquet (DuckDB's ``COPY … (FORMAT parquet)``) and/or CSV (UTF-8 with a BOM, for Excel),
and a ``datapackage.json`` (Frictionless Data Package, tabular profile) naming every file written
with its typed table schema, Chinese titles and descriptions.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from yusuan import __version__
from yusuan.report.outputs import BOM, os_reason
from yusuan.store.decisions import has_decisions

FORMATS = ("parquet", "csv")
MEDIATYPES = {"parquet": "application/vnd.apache.parquet", "csv": "text/csv"}


class ExportError(Exception):
    """The export cannot be written (the message is Chinese and names the path once)."""


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    sql: str  # selects the exported columns from ``chosen`` (the documents exported), in field order
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()


def _f(name: str, title: str, description: str = "") -> Field:
    return Field(name, title, description)


_DOC = _f("doc", "文件编号", "文件名（不含扩展名），各表据此关联")
_WHERE = (_f("page", "页", "所在页（PDF）"), _f("line", "行", "所在行（文本）"))

TABLES: tuple[Table, ...] = (
    Table(
        "documents", "文件", "语料库中每个文件的最新版本：单位、年度、预算/决算、口径与数量。",
        """SELECT doc, path, unit_name, unit_code, year, kind, scope, format, parts, publication, sha256,
                  staff_authorized, staff_actual, n_tables, n_facts, n_findings, ingested_at
           FROM chosen ORDER BY doc""",
        (_DOC, _f("path", "路径", "入库时的文件路径"), _f("unit_name", "单位名称"), _f("unit_code", "单位编码"),
         _f("year", "年度"), _f("kind", "预算/决算", "budget 预算；final_accounts 决算"),
         _f("scope", "口径", "部门 或 单位"), _f("format", "文件格式"),
         _f("parts", "文件内容", "tables 表格、narrative 文字说明"), _f("publication", "公开编号",
                                                                   "同一份公开的两个文件（文本与表格）相同"),
         _f("sha256", "SHA-256", "文件内容的摘要"), _f("staff_authorized", "编制数"), _f("staff_actual", "实有人数"),
         _f("n_tables", "表数"), _f("n_facts", "数值数"), _f("n_findings", "审核发现数", "未审核时为空"),
         _f("ingested_at", "入库时间")),
        ("doc",),
    ),
    Table(
        "facts", "表格数值", "公开表中的每个数值一行（DESIGN §4 长表），附数值、万元值与所在页行。",
        """SELECT f.doc, f.table_id AS "table", f.row_no, f.row_code, f.row_name, f."column",
                  f.value_text, f.value, f.unit, f.value_wan, f.confidence, f.page, f.line
           FROM facts f JOIN chosen d ON d.id = f.doc_pk ORDER BY f.doc, f.table_no, f.row_no, f."column\"""",
        (_DOC, _f("table", "表", "表类（DESIGN §3），如 gpb_basic_econ"), _f("row_no", "行序", "在表中的顺序，从 1 起"),
         _f("row_code", "科目编码", "功能/经济分类编码；TOTAL 为合计行；三公经费行为 abroad、reception 等"),
         _f("row_name", "科目名称"), _f("column", "栏目", "列键（DESIGN §4），如 total、basic、project"),
         _f("value_text", "原值", "与原文完全一致的数字文字"), _f("value", "数值", "以 unit 为单位"),
         _f("unit", "金额单位", "元、万元；空为未印出"), _f("value_wan", "万元值", "换算为万元"),
         _f("confidence", "置信度", "列为推断所得时小于 1"), *_WHERE),
    ),
    Table(
        "claims", "说明数字", "文字说明中陈述的每个数量一行（DESIGN §4b）：金额、上年数、增减、占比、数量。",
        """SELECT c.doc, c.claim_no, c.page, c.line, c.section, c.code, c.subject, c.table_id AS "table",
                  c.row_code, c."column", c.quantity, c.value_text, c.value, c.unit, c.value_wan, c.basis,
                  c.year, c.note
           FROM claims c JOIN chosen d ON d.id = c.doc_pk ORDER BY c.doc, c.claim_no""",
        (_DOC, _f("claim_no", "序号", "在文件中的顺序，从 1 起"), *_WHERE, _f("section", "章节"),
         _f("code", "科目编码", "所述科目的功能/经济分类编码"), _f("subject", "事项"),
         _f("table", "对应表", "所复述单元格的表类"), _f("row_code", "对应行"), _f("column", "对应栏"),
         _f("quantity", "数值类别",
            "amount 金额、prior_amount 上年数、change_amount 增减额、change_pct 增减%、share_pct 占比%、count 数量等"),
         _f("value_text", "原值", "与原文一致；减少、下降为负"), _f("value", "数值"),
         _f("unit", "单位", "万元、元、%、辆等"), _f("value_wan", "万元值", "金额换算为万元"),
         _f("basis", "比较口径", "预算、执行数、决算或空"), _f("year", "年度", "所述数字所属年度（照原文）"),
         _f("note", "备注")),
    ),
    Table(
        "findings", "审核发现", "审核规则对每个文件的发现（已被审核人驳回的不含在内）。",
        """SELECT f.doc, f.rule, f.severity, f.message, f.table_id AS "table", f.row_code, f.row_name, f."column",
                  f."values", f.confidence, f.page, f.line, fp.fingerprint, fp.decision
           FROM findings f JOIN chosen d ON d.id = f.doc_pk
           JOIN finding_keys fp ON fp.rowid_ = f.rowid
           WHERE fp.decision IS DISTINCT FROM 'dismissed'
           ORDER BY f.doc, CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                    f.page NULLS LAST, f.line NULLS LAST, f.rule""",
        (_DOC, _f("rule", "规则", "规则代码，见 yusuan rules"),
         _f("severity", "级别", "error 错误；warning 警告；info 提示"),
         _f("message", "问题说明"), _f("table", "表"), _f("row_code", "科目编码"), _f("row_name", "科目名称"),
         _f("column", "栏目"), _f("values", "涉及数值", "JSON 对象：名称 → 原值"),
         _f("confidence", "置信度"), *_WHERE,
         _f("fingerprint", "指纹", "发现的稳定标识（16 位十六进制），用于审核决定与基线"),
         _f("decision", "审核决定", "confirmed 已确认；空为未审核")),
    ),
)

# A finding's fingerprint in SQL, equal to ``yusuan.audit.fingerprint.fingerprint`` of the finding.
_FINGERPRINT_SQL = """left(sha1(concat_ws(chr(31), f.rule, coalesce(f.table_id, ''), coalesce(f.row_code, ''),
    coalesce(f."column", ''), CASE WHEN coalesce(f.page, 0) = 0 THEN '' ELSE CAST(f.page AS VARCHAR) END,
    CASE WHEN coalesce(f.line, 0) = 0 THEN '' ELSE CAST(f.line AS VARCHAR) END, f.message)), 16)"""

_DUCK_TO_FRICTIONLESS = (("BOOLEAN", "boolean"), ("TIMESTAMP", "datetime"), ("DATE", "date"), ("INT", "integer"),
                         ("DECIMAL", "number"), ("DOUBLE", "number"), ("FLOAT", "number"), ("REAL", "number"))


def frictionless_type(duckdb_type: str) -> str:
    upper = duckdb_type.upper()
    if upper.startswith("TIMESTAMP"):
        return "datetime"
    return next((t for prefix, t in _DUCK_TO_FRICTIONLESS if prefix in upper), "string")


def _finding_keys_sql(con: duckdb.DuckDBPyConnection) -> str:
    """Each chosen finding's fingerprint and its reviewer decision (``yusuan.store.decisions``,
    keyed by the file's sha256 and the fingerprint). A store written before fingerprints and
    decisions were kept (schema 4, opened read-only here) gets the fingerprint computed in SQL
    and no decisions."""
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'findings'").fetchall()}
    key = "coalesce(f.fingerprint, " + _FINGERPRINT_SQL + ")" if "fingerprint" in columns else _FINGERPRINT_SQL
    if not has_decisions(con):
        return f"SELECT f.rowid AS rowid_, {key} AS fingerprint, CAST(NULL AS VARCHAR) AS decision " \
               "FROM findings f JOIN chosen d ON d.id = f.doc_pk"
    return (f"SELECT f.rowid AS rowid_, {key} AS fingerprint, x.decision FROM findings f "
            f"JOIN chosen d ON d.id = f.doc_pk LEFT JOIN decisions x ON x.sha256 = d.sha256 AND x.fingerprint = {key}")


def _prepare(con: duckdb.DuckDBPyConnection, docs: Sequence[str]) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE chosen AS SELECT * FROM documents WHERE is_latest"
                + (" AND doc IN (SELECT unnest($docs))" if docs else ""), {"docs": list(docs)} if docs else {})
    con.execute(f"CREATE OR REPLACE TEMP TABLE finding_keys AS {_finding_keys_sql(con)}")
    if docs:
        found = {r[0] for r in con.execute("SELECT doc FROM chosen").fetchall()}
        missing = [d for d in docs if d not in found]
        if missing:
            raise ExportError(f"语料库中没有这些文件：{'、'.join(missing)}。用 yusuan query \"SELECT doc FROM "
                              "latest_documents\" 查看文件编号。")


def export(con: duckdb.DuckDBPyConnection, out_dir: str | Path, formats: Sequence[str] = FORMATS,
           docs: Sequence[str] = ()) -> dict[str, Any]:
    """Write the tables and ``datapackage.json`` into ``out_dir`` (created); returns the package.
    ``docs``: document ids to export (default: every latest document); an unknown one is an
    ``ExportError``."""
    out = Path(out_dir)
    _prepare(con, docs)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"无法创建输出目录 {out}：{os_reason(exc)}。请检查路径和权限。") from None
    resources = []
    for table in TABLES:
        types = [(name, str(kind)) for name, kind in
                 ((d[0], d[1]) for d in con.execute(f"DESCRIBE {table.sql}").fetchall())]
        for fmt in formats:
            path = out / f"{table.name}.{fmt}"
            _copy(con, table.sql, path, fmt)
            resources.append(_resource(table, types, path.name, fmt))
    package = {
        "profile": "tabular-data-package",
        "name": "yusuan-corpus",
        "title": "预算公开语料库导出",
        "description": "由 yusuan export 从语料库导出的文件、表格数值、说明数字与审核发现（每个文件的最新版本）。",
        "created": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "contributors": [{"title": f"yusuan {__version__}", "role": "author"}],
        "resources": resources,
    }
    try:
        (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"无法写入 {out / 'datapackage.json'}：{os_reason(exc)}。请检查路径和权限。") from None
    return package


def write_findings_workbook(con: duckdb.DuckDBPyConnection, path: str | Path, layout: str = "long",
                            docs: Sequence[str] = ()) -> int:
    """The findings of the chosen documents (dismissed ones left out, as in ``export``) as the
    reviewer's xlsx of ``check --format xlsx`` (``report.findings_xlsx``); returns how many."""
    from yusuan.report.findings_xlsx import document_titles, write_finding_rows

    _prepare(con, docs)
    documents = con.execute("SELECT unit_name, doc FROM chosen ORDER BY doc").fetchall()
    titles = dict(zip((doc for _, doc in documents), document_titles(documents), strict=True))
    findings = next(t for t in TABLES if t.name == "findings")
    cursor = con.execute(findings.sql)
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = {k: "" if v is None else v for k, v in zip(names, values, strict=True)}
        row["values"] = "" if row["values"] in ("", "{}") else row["values"]
        rows.append((titles[row["doc"]], row))
    counts = con.execute(f"SELECT rule, severity, count(*) AS n FROM ({findings.sql}) GROUP BY rule, severity "
                         "ORDER BY n DESC, CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule"
                         ).fetchall()
    try:
        write_finding_rows(rows, path, layout, [titles[doc] for _, doc in documents], counts)
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{os_reason(exc)}。请检查路径和权限。") from None
    return len(rows)


def _copy(con: duckdb.DuckDBPyConnection, sql: str, path: Path, fmt: str) -> None:
    try:
        if fmt == "parquet":
            con.execute(f"COPY ({sql}) TO '{_quote(path)}' (FORMAT parquet, COMPRESSION zstd)")
            return
        raw = path.with_name(path.name + ".part")
        con.execute(f"COPY ({sql}) TO '{_quote(raw)}' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', "
                    "TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ')")
        with open(path, "w", encoding="utf-8", newline="") as dst, open(raw, encoding="utf-8", newline="") as src:
            dst.write(BOM)  # Excel on Chinese Windows reads the file as UTF-8 only with it
            shutil.copyfileobj(src, dst, 1 << 20)
        raw.unlink()
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{os_reason(exc)}。请检查路径和权限。") from None
    except duckdb.IOException:
        raise ExportError(f"无法写入 {path}。请检查路径、权限和磁盘空间。") from None


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _resource(table: Table, types: list[tuple[str, str]], path: str, fmt: str) -> dict[str, Any]:
    by_name = {f.name: f for f in table.fields}
    fields = []
    for name, duck in types:
        meta = by_name.get(name, Field(name, name))
        field: dict[str, Any] = {"name": name, "type": frictionless_type(duck), "title": meta.title}
        if meta.description:
            field["description"] = meta.description
        if field["type"] == "number" and fmt == "csv":
            field["decimalChar"] = "."
        fields.append(field)
    resource: dict[str, Any] = {
        "name": f"{table.name}-{fmt}",
        "path": path,
        "profile": "tabular-data-resource",
        "title": table.title,
        "description": table.description,
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        "schema": {"fields": fields, "missingValues": [""]},
    }
    if table.primary_key:
        resource["schema"]["primaryKey"] = list(table.primary_key)
    if fmt == "csv":
        resource["encoding"] = "utf-8-sig"
        resource["dialect"] = {"delimiter": ",", "header": True, "quoteChar": '"', "doubleQuote": True}
    return resource
