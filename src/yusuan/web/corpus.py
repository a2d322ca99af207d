"""Corpus queries for the browse and compare pages: the one module that reads the corpus.

The corpus is the documents uploaded to this server plus, when ``--db`` names a database
built by ``yusuan ingest``, the latest version of every document in it. The database is
only read (short read-only connections, so ``yusuan ingest`` can run beside the server);
its rows give the browse page without parsing anything, and a document opened from it is
parsed from its recorded path like an upload. Amounts in chart data are converted to 万元
so units printed in 元 and 万元 compare; values are strings of Decimals rounded to two
places, turned into numbers only by the browser for drawing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from yusuan.model import Disclosure, Meta, MoneyUnit, Row, Severity, Table, ThreePublic
from yusuan.web.library import Analysis

# A chain of administrative divisions at the start of a unit name: 上海市普陀区, 巴音郭楞蒙古自治州和静县.
_DIVISION = r"[^\s]{1,8}?(?:省|自治区|自治州|自治县|自治旗|地区|市|州|盟|县|区|旗)"
_REGION = re.compile(rf"^(?:中共|中国共产党)?((?:{_DIVISION})+)")
_SUFFIX_CHARS = "省市州盟县区旗"
_NOT_DIVISION = ("城市", "社区", "园区", "景区", "街区", "小区", "片区", "新区管理")
_TEN_THOUSAND = Decimal(10000)
_CENT = Decimal("0.01")

THREE_PUBLIC_KEYS = (
    ("abroad", "因公出国（境）费"),
    ("reception", "公务接待费"),
    ("vehicle_purchase", "公务用车购置费"),
    ("vehicle_operation", "公务用车运行费"),
)
SEVERITIES = ((Severity.ERROR, "错误"), (Severity.WARNING, "警告"), (Severity.INFO, "提示"))


def questions() -> dict[str, str]:
    """The store's compare questions, key -> Chinese title ({} when the store is absent)."""
    try:
        from yusuan.store.queries import QUESTIONS
    except ImportError:
        return {}
    return {key: q.title for key, q in QUESTIONS.items()}


def region_of(unit_name: str | None) -> str:
    """The county/district/city a unit belongs to, read from the start of its name
    (且末县卫生健康委员会 -> 且末县); "未知地区" when the name does not start with one."""
    if not unit_name:
        return "未知地区"
    m = _REGION.match(unit_name)
    if not m:
        return "未知地区"
    region, end = m.group(1), m.end(1)
    while end < len(unit_name) and unit_name[end] in _SUFFIX_CHARS:  # 广州|市: the shortest match stopped at 州
        region, end = region + unit_name[end], end + 1
    for word in _NOT_DIVISION:  # 县城市管理局: 城市 is a word, not a division
        cut = region.find(word)
        if cut > 0:
            region = region[:cut]
    return region or "未知地区"


@dataclass(frozen=True)
class Entry:
    sha: str
    doc: str
    label: str
    region: str
    unit: str
    year: int | None
    tables: int
    errors: int
    warnings: int
    infos: int
    source: str = "上传"  # "上传" (uploaded here) | "数据库" (from --db)


def entry_of(a: Analysis) -> Entry:
    meta = a.disclosure.meta if a.disclosure else None
    unit = (meta.unit_name if meta else None) or ""
    return Entry(
        sha=a.file.sha,
        doc=a.doc_id,
        label=a.label,
        region=region_of(unit),
        unit=unit or "未识别单位",
        year=meta.year if meta else None,
        tables=len(a.disclosure.tables) if a.disclosure else 0,
        errors=a.count(Severity.ERROR),
        warnings=a.count(Severity.WARNING),
        infos=a.count(Severity.INFO),
    )


# --------------------------------------------------------------------------- the database


@dataclass(frozen=True)
class StoredDoc:
    """One latest document of the database, as its rows describe it."""

    pk: int
    sha: str
    path: str
    doc: str
    unit_name: str | None
    year: int | None
    tables: int
    errors: int
    warnings: int
    infos: int

    def entry(self) -> Entry:
        unit = self.unit_name or ""
        return Entry(self.sha, self.doc, unit or Path(self.path).name, region_of(unit), unit or "未识别单位",
                     self.year, self.tables, self.errors, self.warnings, self.infos, source="数据库")


_DOCS_SQL = """
    SELECT d.id, d.sha256, d.path, d.doc, d.unit_name, d.year, d.n_tables,
        (SELECT count(*) FROM findings f WHERE f.doc_pk = d.id AND f.severity = ?)
            + (SELECT count(*) FROM diagnostics g WHERE g.doc_pk = d.id AND g.severity = ?),
        (SELECT count(*) FROM findings f WHERE f.doc_pk = d.id AND f.severity = ?)
            + (SELECT count(*) FROM diagnostics g WHERE g.doc_pk = d.id AND g.severity = ?),
        (SELECT count(*) FROM findings f WHERE f.doc_pk = d.id AND f.severity = ?)
            + (SELECT count(*) FROM diagnostics g WHERE g.doc_pk = d.id AND g.severity = ?)
    FROM latest_documents d
    ORDER BY d.path
"""


class CorpusDb:
    """Read-only access to the ingest database named by ``--db`` (absent file: empty corpus)."""

    def __init__(self, db: Path | None) -> None:
        self.db = Path(db) if db else None

    def _connect(self) -> tuple[Any, str | None]:
        if self.db is None or not self.db.is_file():
            return None, None
        try:
            import duckdb

            return duckdb.connect(str(self.db), read_only=True), None
        except ImportError:
            return None, "未安装 duckdb，无法读取语料库数据库。"
        except Exception as exc:  # locked by a running ingest, not a database, ...
            busy = "lock" in str(exc).lower()
            reason = "正被另一个进程使用（可能有 ingest 正在运行），请稍后刷新" if busy else "无法打开"
            return None, f"数据库 {self.db.name} {reason}；下面只列出上传的文件。"

    def documents(self) -> tuple[list[StoredDoc], str | None]:
        """The latest documents, and a Chinese notice when the database could not be read."""
        con, notice = self._connect()
        if con is None:
            return [], notice
        try:
            levels = [s.value for s, _ in SEVERITIES for _ in (0, 1)]
            rows = con.execute(_DOCS_SQL, levels).fetchall()
        except Exception:
            return [], f"{self.db.name} 不是 yusuan 语料库数据库（请用 `yusuan ingest` 建立）；下面只列出上传的文件。"
        finally:
            con.close()
        return [StoredDoc(int(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], r[5], int(r[6] or 0), int(r[7]),
                          int(r[8]), int(r[9])) for r in rows], None

    def ask(self, what: str, unit: str | None, year: int | None) -> tuple[Any, str | None]:
        """One of the store's compare questions (``yusuan compare``): its result, or a notice."""
        try:
            from yusuan.store.queries import compare
        except ImportError:
            return None, "语料库查询模块不可用。"
        con, notice = self._connect()
        if con is None:
            return None, notice or "没有语料库数据库。请用 `yusuan ingest 目录 --db 文件` 建立，并用 --db 启动本服务。"
        try:
            return compare(con, what, unit or None, year), None
        except Exception as exc:
            return None, f"查询失败（{type(exc).__name__}）。请确认数据库由当前版本的 `yusuan ingest` 建立。"
        finally:
            con.close()

    def locate(self, sha: str) -> StoredDoc | None:
        docs, _ = self.documents()
        return next((d for d in docs if d.sha == sha), None)

    def disclosures(self, docs: Sequence[StoredDoc]) -> dict[int, Disclosure]:
        """What the compare page needs of stored documents, rebuilt from their facts (in 万元)
        and the "三公" statement, so the same functions serve uploads and the database and
        nothing is parsed again."""
        con, _ = self._connect()
        if con is None or not docs:
            return {}
        pks = [d.pk for d in docs]
        marks = ", ".join("?" * len(pks))
        try:
            facts = con.execute(
                f"""SELECT doc_pk, table_no, table_id, row_code, row_name, "column", value_wan FROM facts
                    WHERE doc_pk IN ({marks}) AND table_id IN ({", ".join("?" * len(_COMPARE_TABLES))})
                    AND value_wan IS NOT NULL ORDER BY doc_pk, table_no, row_no""",
                [*pks, *_COMPARE_TABLES],
            ).fetchall()
            stated = con.execute(
                f"""SELECT doc_pk, subject, amount_wan FROM figures
                    WHERE doc_pk IN ({marks}) AND topic = 'three_public' AND section_no IS NULL""",
                pks,
            ).fetchall()
        except Exception:
            return {}
        finally:
            con.close()
        return {d.pk: _light_disclosure(d, [f[1:] for f in facts if f[0] == d.pk],
                                        {k: v for pk, k, v in stated if pk == d.pk and v is not None})
                for d in docs}


_COMPARE_TABLES = ("expenditure", "gpb_expenditure", "gpb_basic_econ", "gpb_basic_func", "three_public")


def _light_disclosure(doc: StoredDoc, facts: list[tuple[Any, ...]], stated: dict[str, Any]) -> Disclosure:
    """Tables (in 万元) holding only the rows and values the compare functions read."""
    grouped: dict[int, tuple[str, dict[tuple[str, str], dict[str, Decimal]]]] = {}
    for table_no, table_id, code, name, column, value in facts:
        _, rows = grouped.setdefault(table_no, (table_id, {}))
        rows.setdefault((code, name), {})[column] = Decimal(str(value))
    tables = tuple(
        Table(id=table_id, title="", number=None, unit=MoneyUnit.WAN, columns=(),
              rows=tuple(Row(code=code, name=name, values=values) for (code, name), values in rows.items()))
        for _, (table_id, rows) in sorted(grouped.items())
    )
    fields = {key: Decimal(str(value)) for key, value in stated.items() if key in _THREE_PUBLIC_FIELDS}
    meta = Meta(doc=doc.doc, path=None, unit_name=doc.unit_name, unit_code=None, year=doc.year)
    return Disclosure(meta=meta, tables=tables, three_public=ThreePublic(**fields) if fields else None)


_THREE_PUBLIC_FIELDS = {"total", "abroad", "reception", "vehicle", "vehicle_purchase", "vehicle_operation",
                        "meeting", "training"}


def entries(analyses: Iterable[Analysis], stored: Iterable[StoredDoc]) -> list[Entry]:
    """Uploads and database documents; a file in both is listed once (from the database,
    whose rows need no parsing)."""
    out = {d.sha: d.entry() for d in stored}
    for a in analyses:
        out.setdefault(a.file.sha, entry_of(a))
    return list(out.values())


def browse(
    all_entries: Iterable[Entry], region: str = "", unit: str = "", year: str = ""
) -> tuple[list[Entry], dict[str, list[str]]]:
    """Entries matching the filters (empty = any) and the facet values of the whole corpus."""
    entries = list(all_entries)
    facets = {
        "region": sorted({e.region for e in entries}),
        "unit": sorted({e.unit for e in entries}),
        "year": sorted({str(e.year) for e in entries if e.year}, reverse=True),
    }
    chosen = [
        e
        for e in entries
        if (not region or e.region == region) and (not unit or e.unit == unit) and (not year or str(e.year) == year)
    ]
    chosen.sort(key=lambda e: (e.region, e.unit, -(e.year or 0)))
    return chosen, facets


# --------------------------------------------------------------------------- compare


def _wan(value: Decimal, unit: MoneyUnit | None) -> Decimal:
    return value / _TEN_THOUSAND if unit == MoneyUnit.YUAN else value


def _fmt(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(_CENT))


def _first_table(d: Disclosure, ids: Sequence[str]) -> Table | None:
    for table_id in ids:
        table = d.table(table_id)
        if table is not None and table.rows and not table.empty:
            return table
    return None


def _total_row_value(table: Table | None, column: str) -> Decimal | None:
    """The total row's value; without a total row, the sum of the top-level (类) rows,
    which is what the total row would print."""
    if table is None:
        return None
    row = next((r for r in table.rows if r.code == "TOTAL"), None)
    if row is not None:
        return _wan(row.values[column], table.unit) if column in row.values else None
    tops = [r.values[column] for r in table.rows if _is_top(r.code) and column in r.values]
    return _wan(sum(tops, Decimal(0)), table.unit) if tops else None


def _is_top(code: str) -> bool:
    return len(code) == 3 and code.isdigit()


def structure(d: Disclosure | None) -> dict[str, str | None]:
    """基本/项目 split of total spending, and 人员/公用 split of basic spending, in 万元."""
    if d is None:
        return {"basic": None, "project": None, "personnel": None, "public": None}
    spend = _first_table(d, ("expenditure", "gpb_expenditure"))
    basic = _first_table(d, ("gpb_basic_econ", "gpb_basic_func"))
    return {
        "basic": _fmt(_total_row_value(spend, "basic")),
        "project": _fmt(_total_row_value(spend, "project")),
        "personnel": _fmt(_total_row_value(basic, "personnel")),
        "public": _fmt(_total_row_value(basic, "public")),
    }


def functions(d: Disclosure | None) -> dict[str, str]:
    """Spending by 功能分类 类 (3-digit code) in 万元: "210 卫生健康支出" -> amount."""
    out: dict[str, str] = {}
    table = _first_table(d, ("expenditure", "gpb_expenditure")) if d else None
    if table is None:
        return out
    for row in table.rows:
        if _is_top(row.code) and "total" in row.values:
            out[f"{row.code} {row.name}"] = _fmt(_wan(row.values["total"], table.unit)) or "0"
    return out


def three_public(d: Disclosure | None) -> dict[str, str | None]:
    """"三公"经费 by item in 万元: the table when parsed, else the narrative's statement."""
    out: dict[str, str | None] = {key: None for key, _ in THREE_PUBLIC_KEYS} | {"total": None}
    if d is None:
        return out
    table = _first_table(d, ("three_public",))
    if table is not None:
        for row in table.rows:
            key = "total" if row.code == "TOTAL" else row.code
            if key in out and row.values:
                value = row.values.get("total", next(iter(row.values.values())))
                out[key] = _fmt(_wan(value, table.unit))
        if any(v is not None for v in out.values()):
            return out
    stated = d.three_public
    if stated is not None:
        for key in out:
            value = getattr(stated, key, None)
            if isinstance(value, Decimal):
                out[key] = _fmt(_wan(value, stated.unit))
    return out


def compare_data(subjects: Sequence[tuple[Entry, Disclosure | None]]) -> dict[str, Any]:
    """Everything the compare page draws, as JSON-ready data (one entry per document)."""
    docs = []
    for e, disclosure in subjects:
        docs.append(
            {
                "sha": e.sha,
                "label": e.label,
                "unit": e.unit,
                "region": e.region,
                "year": e.year,
                "structure": structure(disclosure),
                "functions": functions(disclosure),
                "three_public": three_public(disclosure),
                "findings": {"error": e.errors, "warning": e.warnings, "info": e.infos},
            }
        )
    return {
        "unit": "万元",
        "docs": docs,
        "labels": {
            "structure": {"basic": "基本支出", "project": "项目支出", "personnel": "人员经费", "public": "公用经费"},
            "three_public": dict(THREE_PUBLIC_KEYS) | {"total": "合计"},
            "findings": {sev.value: label for sev, label in SEVERITIES},
        },
    }
