"""Corpus queries for the browse and compare pages: the one module that reads the corpus.

The corpus is the latest version of every document in the ``--db`` database: those added by
``yusuan ingest`` and those uploaded to this server (which ingests them, see ``app``). Its
rows give the browse, compare and facts pages without parsing anything. Amounts in chart
data are converted to 万元 so units printed in 元 and 万元 compare; values are strings of
Decimals rounded to two places, turned into numbers only by the browser for drawing.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from yusuan.model import Disclosure, Meta, MoneyUnit, Row, Severity, Table, ThreePublic
from yusuan.report.facts import FACT_FIELDS
from yusuan.store.decisions import Decision, decisions_for, has_decisions
from yusuan.store.writer import store_errors
from yusuan.web.corpusdb import CorpusDb, CorpusUnavailable

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


KINDS = {"budget": "预算", "final_accounts": "决算"}


@dataclass(frozen=True)
class Entry:
    sha: str
    doc: str
    label: str
    region: str
    unit: str
    year: int | None
    tables: int
    errors: int  # open findings (not dismissed by a reviewer), by severity
    warnings: int
    infos: int
    source: str = "上传"  # "上传" (uploaded here) | "数据库" (from --db)
    kind: str = ""  # 预算 | 决算 | "" (not known)
    scope: str = ""  # 部门 | 单位 | ""
    format: str = ""  # pdf, pdf-ocr, text, xlsx …
    diagnostics: int = 0  # parse diagnostics (not findings, not counted with them)
    dismissed: int = 0  # findings a reviewer dismissed

    @property
    def full_label(self) -> str:
        """Unit, scope, kind and year: what tells two documents of one body apart."""
        what = "".join(x for x in (self.scope, self.kind) if x)
        year = f"{self.year}年" if self.year else "年度未识别"
        return f"{self.label}（{year}{what}）"


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
    upload: str | None = None  # the client's file name when the document was uploaded here
    kind: str | None = None  # budget | final_accounts
    scope: str | None = None  # 部门 | 单位
    format: str | None = None
    diagnostics: int = 0
    dismissed: int = 0

    @property
    def is_pdf(self) -> bool:
        return (self.format or "").startswith("pdf")

    def entry(self) -> Entry:
        unit = self.unit_name or ""
        label = unit or self.upload or Path(self.path).name
        return Entry(self.sha, self.doc, label, region_of(unit), unit or "未识别单位", self.year, self.tables,
                     self.errors, self.warnings, self.infos, source="上传" if self.upload is not None else "数据库",
                     kind=KINDS.get(self.kind or "", ""), scope=self.scope or "", format=self.format or "",
                     diagnostics=self.diagnostics, dismissed=self.dismissed)


# Open findings (not dismissed) per latest document by severity, dismissed ones, and parse
# diagnostics (counted apart), in one pass.
_DOCS_SQL = """
    WITH f AS (
        SELECT f.doc_pk, count(*) FILTER (WHERE severity = 'error') AS e,
            count(*) FILTER (WHERE severity = 'warning') AS w, count(*) FILTER (WHERE severity = 'info') AS i
        FROM {findings} f GROUP BY f.doc_pk
    ), x AS (
        SELECT f.doc_pk, count(*) AS n FROM latest_findings f JOIN latest_documents d ON d.id = f.doc_pk
        {dismissed}
        GROUP BY f.doc_pk
    ), g AS (
        SELECT g.doc_pk, count(*) AS n FROM diagnostics g JOIN latest_documents d ON d.id = g.doc_pk GROUP BY g.doc_pk
    )
    SELECT d.id, d.sha256, d.path, d.doc, d.unit_name, d.year, d.n_tables, coalesce(f.e, 0), coalesce(f.w, 0),
        coalesce(f.i, 0), d.kind, d.scope, d.format, coalesce(g.n, 0), coalesce(x.n, 0)
    FROM latest_documents d LEFT JOIN f ON f.doc_pk = d.id LEFT JOIN g ON g.doc_pk = d.id LEFT JOIN x ON x.doc_pk = d.id
    ORDER BY d.path
"""

_DECIDED = {
    "findings": "open_findings",
    "dismissed": "JOIN decisions x ON x.sha256 = d.sha256 AND x.fingerprint = f.fingerprint "
    "AND x.decision = 'dismissed'",
}
# a database of schema version 4 or older opened read-only: nothing was decided
_UNDECIDED = {"findings": "latest_findings", "dismissed": "WHERE false"}

_NO_DB = "没有语料库数据库。请上传文件，或用 `yusuan ingest 目录 --db 文件` 建立，并用 --db 启动本服务。"
_NOT_CORPUS = "{name} 不是 yusuan 语料库数据库（请用 `yusuan ingest` 建立）。"


class Corpus:
    """Reads of the corpus database for the pages. The document list is cached and read again
    only when the database changed (a cheap check per request), so a page never scans or
    parses anything per document."""

    def __init__(self, db: CorpusDb, upload_name: Callable[[str], str | None]) -> None:
        self.db = db
        self._upload_name = upload_name  # storage path -> client's file name, for uploads
        self._lock = threading.Lock()
        self._cached: tuple[Any, list[StoredDoc], dict[str, StoredDoc]] | None = None
        self.busy = False  # the last read found the database held by another process

    def documents(self) -> tuple[list[StoredDoc], str | None]:
        """The latest documents, and a Chinese notice when the database could not be read."""
        try:
            with self.db.reading() as cur:
                if cur is None:
                    return [], None
                version = self.db.version(cur)
                with self._lock:
                    if self._cached and self._cached[0] == version:
                        return self._cached[1], None
                rows = cur.execute(_DOCS_SQL.format(**(_DECIDED if has_decisions(cur) else _UNDECIDED))).fetchall()
        except CorpusUnavailable as exc:
            self.busy = exc.retry
            return [], str(exc)
        except store_errors():
            return [], _NOT_CORPUS.format(name=self.db.name)
        self.busy = False
        docs = [StoredDoc(int(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], r[5], int(r[6] or 0), int(r[7]),
                          int(r[8]), int(r[9]), self._upload_name(str(r[2])), r[10], r[11], r[12], int(r[13]),
                          int(r[14])) for r in rows]  # fmt: skip
        with self._lock:
            self._cached = (version, docs, {d.sha: d for d in docs})
        return docs, None

    def by_sha(self, sha: str) -> StoredDoc | None:
        return self.by_shas([sha])[0]

    def by_shas(self, shas: Sequence[str]) -> list[StoredDoc | None]:
        """The latest documents with these hashes (None where absent), from one look at the
        database."""
        self.documents()
        with self._lock:
            found = self._cached[2] if self._cached else {}
            return [found.get(sha) for sha in shas]

    def failures(self, paths: Sequence[str]) -> dict[str, tuple[str, str]]:
        """path -> (sha256, message) of the latest recorded failure of each of these paths."""
        if not paths:
            return {}
        try:
            with self.db.reading() as cur:
                if cur is None:
                    return {}
                rows = cur.execute(
                    "SELECT path, (array_agg(sha256 ORDER BY failed_at DESC))[1], "
                    "(array_agg(message ORDER BY failed_at DESC))[1] FROM failures "
                    "WHERE path IN (SELECT unnest($1::VARCHAR[])) GROUP BY path", [list(paths)]
                ).fetchall()
        except (CorpusUnavailable, *store_errors()):
            return {}
        return {str(p): (str(s), str(m)) for p, s, m in rows}

    def ask(self, what: str, unit: str | None, year: int | None) -> tuple[Any, str | None]:
        """One of the store's compare questions (``yusuan compare``): its result, or a notice."""
        try:
            from yusuan.store.queries import compare
        except ImportError:
            return None, "语料库查询模块不可用。"
        try:
            with self.db.reading() as cur:
                if cur is None:
                    return None, _NO_DB
                return compare(cur, what, unit or None, year), None
        except CorpusUnavailable as exc:
            return None, str(exc)
        except store_errors() as exc:
            return None, f"查询失败（{type(exc).__name__}）。请确认数据库由当前版本的 `yusuan ingest` 建立。"

    def facts_csv(self, docs: Sequence[StoredDoc]) -> Iterator[str]:
        """The DESIGN §4 facts CSV (as ``yusuan parse --format facts``) of these documents,
        from the stored rows, a chunk at a time."""
        yield ",".join(FACT_FIELDS) + "\n"
        if not docs:
            return
        try:
            with self.db.reading() as cur:
                if cur is None:
                    return
                cur.execute(
                    """SELECT doc, table_id, row_code, row_name, "column", value_text, unit FROM facts
                       WHERE doc_pk IN (SELECT unnest($1::BIGINT[])) ORDER BY doc_pk, table_no, row_no""",
                    [[d.pk for d in docs]],
                )
                while rows := cur.fetchmany(5000):
                    buf = io.StringIO()
                    csv.writer(buf, lineterminator="\n").writerows(rows)
                    yield buf.getvalue()
        except (CorpusUnavailable, *store_errors()):
            return  # the database went away meanwhile: the file ends with the rows sent so far

    def boxes(self, doc: StoredDoc) -> list[tuple[Any, ...]]:
        """Every stored cell box of a document: (table_no, table_id, row_code, column, page, x0,
        top, x1, bottom, row_no)."""
        try:
            with self.db.reading() as cur:
                if cur is None:
                    return []
                return cur.execute(
                    """SELECT table_no, table_id, row_code, "column", page, x0, top, x1, bottom, row_no FROM facts
                       WHERE doc_pk = ? AND page IS NOT NULL AND x0 IS NOT NULL ORDER BY table_no, row_no""",
                    [doc.pk],
                ).fetchall()
        except (CorpusUnavailable, *store_errors()):
            return []

    def decisions(self, sha: str) -> dict[str, Decision]:
        try:
            with self.db.reading() as cur:
                return decisions_for(cur, sha) if cur is not None else {}
        except (CorpusUnavailable, *store_errors()):
            return {}

    def disclosures(self, docs: Sequence[StoredDoc]) -> dict[int, Disclosure]:
        """What the compare page needs of stored documents, rebuilt from their facts (in 万元)
        and the "三公" statement, so nothing is parsed again."""
        if not docs:
            return {}
        pks = [d.pk for d in docs]
        marks = ", ".join("?" * len(pks))
        try:
            with self.db.reading() as cur:
                if cur is None:
                    return {}
                facts = cur.execute(
                    f"""SELECT doc_pk, table_no, table_id, row_code, row_name, "column", value_wan FROM facts
                        WHERE doc_pk IN ({marks}) AND table_id IN ({", ".join("?" * len(_COMPARE_TABLES))})
                        AND value_wan IS NOT NULL
                        -- only what the compare functions read: totals, 类 rows, the "三公" items
                        AND (row_code = 'TOTAL' OR length(row_code) = 3 OR table_id = 'three_public')
                        ORDER BY doc_pk, table_no, row_no""",
                    [*pks, *_COMPARE_TABLES],
                ).fetchall()
                stated = cur.execute(
                    f"""SELECT doc_pk, subject, amount_wan FROM figures
                        WHERE doc_pk IN ({marks}) AND topic = 'three_public' AND section_no IS NULL""",
                    pks,
                ).fetchall()
        except (CorpusUnavailable, *store_errors()):
            return {}
        by_doc: dict[int, list[tuple[Any, ...]]] = {}
        for f in facts:
            by_doc.setdefault(f[0], []).append(f[1:])
        said: dict[int, dict[str, Any]] = {}
        for pk, key, value in stated:
            if value is not None:
                said.setdefault(pk, {})[key] = value
        return {d.pk: _light_disclosure(d, by_doc.get(d.pk, []), said.get(d.pk, {})) for d in docs}


_COMPARE_TABLES = ("expenditure", "gpb_expenditure", "gpb_basic_econ", "gpb_basic_func", "three_public")


def _light_disclosure(doc: StoredDoc, facts: list[tuple[Any, ...]], stated: dict[str, Any]) -> Disclosure:
    """Tables (in 万元) holding only the rows and values the compare functions read."""
    grouped: dict[int, tuple[str, dict[tuple[str, str], dict[str, Decimal]]]] = {}
    for table_no, table_id, code, name, column, value in facts:
        _, rows = grouped.setdefault(table_no, (table_id, {}))
        rows.setdefault((code, name), {})[column] = value if isinstance(value, Decimal) else Decimal(str(value))
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


FILTERS = ("region", "unit", "year", "kind", "scope")


def matches(e: Entry, chosen: Mapping[str, Any]) -> bool:
    """Whether the entry passes the filters (``FILTERS``; empty or None = any)."""
    return all(getattr(e, k) == v for k, v in chosen.items() if k in FILTERS and v not in (None, ""))


def browse(all_entries: Iterable[Entry], **chosen: Any) -> tuple[list[Entry], dict[str, list[str]]]:
    """Entries matching the filters (``FILTERS``; empty or None = any) and the facet values of
    the whole corpus."""
    entries = list(all_entries)
    facets = {
        "region": sorted({e.region for e in entries}),
        "unit": sorted({e.unit for e in entries}),
        "year": sorted({str(e.year) for e in entries if e.year}, reverse=True),
        "kind": [k for k in KINDS.values() if any(e.kind == k for e in entries)],
        "scope": sorted({e.scope for e in entries if e.scope}),
    }
    chosen_entries = [e for e in entries if matches(e, chosen)]
    chosen_entries.sort(key=lambda e: (e.region, e.unit, -(e.year or 0), e.kind, e.scope, e.doc))
    return chosen_entries, facets


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
    """"三公"经费 by item in 万元, and 会议费/培训费 where the table lists them: the table when
    parsed, else the narrative's statement. The "三公" total is the table's 小计 where it
    prints one, or its 合计 less 会议费 and 培训费 (a 合计 over all five is not the "三公" total)."""
    out: dict[str, str | None] = {key: None for key in _THREE_PUBLIC_OUT}
    if d is None:
        return out
    table = _first_table(d, ("three_public",))
    if table is not None:
        found: dict[str, Decimal] = {}
        for row in table.rows:
            if row.values:
                value = row.values.get("total", next(iter(row.values.values())))
                found.setdefault(row.code, _wan(value, table.unit))
        extras = [found[k] for k in ("meeting", "training") if k in found]
        total = found.get("three_public_subtotal")
        if total is None and "TOTAL" in found:
            total = found["TOTAL"] - sum(extras, Decimal(0))
        for key in out:
            out[key] = _fmt(total if key == "total" else found.get(key))
        if any(v is not None for v in out.values()):
            return out
    stated = d.three_public
    if stated is not None:
        for key in out:
            value = getattr(stated, key, None)
            if isinstance(value, Decimal):
                out[key] = _fmt(_wan(value, stated.unit))
    return out


_THREE_PUBLIC_OUT = ("total", *(k for k, _ in THREE_PUBLIC_KEYS), "meeting", "training")


def spending(d: Disclosure | None) -> str | None:
    """Total spending in 万元 (the spending table's total row)."""
    table = _first_table(d, ("expenditure", "gpb_expenditure")) if d else None
    return _fmt(_total_row_value(table, "total"))


def _doc_data(e: Entry, label: str, disclosure: Disclosure | None) -> dict[str, Any]:
    return {
        "sha": e.sha, "label": label, "unit": e.unit, "region": e.region, "year": e.year, "kind": e.kind,
        "scope": e.scope, "doc": e.doc, "spending": spending(disclosure), "structure": structure(disclosure),
        "functions": functions(disclosure), "three_public": three_public(disclosure),
        "findings": {"error": e.errors, "warning": e.warnings, "info": e.infos},
    }  # fmt: skip


def unique_labels(entries: Sequence[Entry]) -> list[str]:
    """Full labels (unit, year, scope, kind); two documents that would still read the same get
    their document id, so no two series look identical."""
    labels = [e.full_label for e in entries]
    seen: dict[str, int] = {}
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
    return [f"{label} · {e.doc}" if seen[label] > 1 else label for label, e in zip(labels, entries, strict=True)]


LABELS = {
    "structure": {"basic": "基本支出", "project": "项目支出", "personnel": "人员经费", "public": "公用经费"},
    "three_public": {"total": "“三公”经费合计"} | dict(THREE_PUBLIC_KEYS) | {"meeting": "会议费", "training": "培训费"},
    "findings": {sev.value: label for sev, label in SEVERITIES},
}


def compare_data(subjects: Sequence[tuple[Entry, Disclosure | None]], mix: bool = False) -> dict[str, Any]:
    """Everything the compare page draws, as JSON-ready data (one entry per document). 预算
    and 决算 are compared apart (one group each) unless ``mix``."""
    labels = unique_labels([e for e, _ in subjects])
    docs = [_doc_data(e, label, d) for (e, d), label in zip(subjects, labels, strict=True)]
    if mix or len({d["kind"] for d in docs}) <= 1:
        groups = [{"key": "all", "title": "、".join(sorted({d["kind"] or "类型未识别" for d in docs})), "docs": docs}]
    else:
        kinds = [*KINDS.values(), ""]
        groups = [{"key": f"kind{i}", "title": kind or "类型未识别", "docs": [d for d in docs if d["kind"] == kind]}
                  for i, kind in enumerate(kinds) if any(d["kind"] == kind for d in docs)]  # fmt: skip
    return {"unit": "万元", "docs": docs, "groups": groups, "labels": LABELS}


_HISTORY = (("spending", "支出合计"), ("basic", "基本支出"), ("project", "项目支出"), ("personnel", "人员经费"),
            ("public", "公用经费"), ("three_public", "“三公”经费"))  # fmt: skip


def history(subjects: Sequence[tuple[Entry, Disclosure | None]]) -> list[dict[str, Any]]:
    """One unit's documents year by year, one series per (scope, kind), each amount with its
    change on the closest earlier year in the same series (万元 and %)."""
    series: dict[tuple[str, str], list[tuple[Entry, Disclosure | None]]] = {}
    for e, d in subjects:
        series.setdefault((e.scope, e.kind), []).append((e, d))
    out = []
    for (scope, kind), members in sorted(series.items()):
        members.sort(key=lambda m: (m[0].year or 0, m[0].doc))
        rows: list[dict[str, Any]] = []
        by_year: dict[int, dict[str, str | None]] = {}  # the values of each year (its last document)
        for e, d in members:
            before = by_year.get(max((y for y in by_year if e.year and y < e.year), default=-1))
            shape = structure(d)
            values = {"spending": spending(d), **{k: shape[k] for k in ("basic", "project", "personnel", "public")},
                      "three_public": three_public(d)["total"]}  # fmt: skip
            cells = []
            for key, _ in _HISTORY:
                now, prev = values[key], (before or {}).get(key)
                change = pct = None
                if now is not None and prev is not None:
                    delta = Decimal(now) - Decimal(prev)
                    change = _fmt(delta)
                    pct = None if Decimal(prev) == 0 else str((100 * delta / Decimal(prev)).quantize(Decimal("0.1")))
                cells.append({"value": now, "change": change, "pct": pct})
            rows.append({"entry": e, "cells": cells})
            if e.year:
                by_year[e.year] = values
        out.append({"title": "".join(x for x in (scope, kind) if x) or "类型未识别", "rows": rows})
    return out


HISTORY_COLUMNS = [label for _, label in _HISTORY]
