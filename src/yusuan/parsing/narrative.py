"""Narrative: sections, the figures they state, and the structured explanations.

The narrative lines of a ``Layout`` are rejoined into paragraphs (PDF extraction wraps
sentences at the page width: a line that ends mid-sentence and fills the usual width
continues on the next line), cut into sections at headings ("第三部分…", "一、关于…",
"（一）…", short "1、…" headings), each with a canonical topic; the figures of every
section are extracted (``parse.figures``) and resolved against the parsed tables where
the section and subject say which table, row and column they restate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from yusuan.codes import function_class_from_name, kind_of
from yusuan.ingest.document import Line
from yusuan.model import (
    Assets,
    Diagnostic,
    Figure,
    Meta,
    NarrativeSection,
    Procurement,
    Profile,
    Severity,
    Source,
    Table,
    ThreePublic,
)
from yusuan.parsing import details, profile
from yusuan.parsing.blocks import Layout
from yusuan.parsing.figures import Span, extract_figures
from yusuan.text import clean_cjk_spaces, squash

__all__ = ["NarrativeResult", "Paragraph", "paragraphs", "parse_narrative", "sections_of"]


@dataclass(frozen=True)
class NarrativeResult:
    sections: tuple[NarrativeSection, ...] = ()
    profile: Profile = Profile()
    three_public: ThreePublic | None = None
    operating_cost: Figure | None = None
    procurement: Procurement | None = None
    assets: Assets | None = None


def parse_narrative(
    layout: Layout, tables: tuple[Table, ...], meta: Meta
) -> tuple[NarrativeResult, tuple[Diagnostic, ...]]:
    paras = paragraphs(layout.narrative)
    built = sections_of(paras, meta.unit_name)
    # PDF lines know their page: carry it to every figure and section.
    pages = {ln.no: ln.source.page for ln in layout.narrative if ln.source.page is not None}
    resolved = tuple(
        replace(
            s,
            figures=tuple(_with_page(_resolve(f, s.topic, tables), pages) for f in s.figures),
            source=_page_of(s.source, pages),
        )
        for s in built
    )
    diagnostics: list[Diagnostic] = []
    if paras and not resolved:
        first = paras[0]
        diagnostics.append(
            Diagnostic(
                code="P350",
                severity=Severity.WARNING,
                message=f"第 {first.line} 行起的说明文字中未识别到任何章节标题（如“一、关于…说明”），"
                "说明部分未能拆分。请核对文件是否包含预算情况说明。",
                source=Source(line=first.line),
            )
        )
    result = NarrativeResult(
        sections=resolved,
        profile=profile.extract_profile(resolved, meta.unit_name),
        three_public=details.three_public(resolved),
        operating_cost=details.operating_cost(resolved),
        procurement=details.procurement(resolved, tables),
        assets=details.assets(resolved),
    )
    return result, tuple(diagnostics)


# --------------------------------------------------------------------------- paragraphs


@dataclass(frozen=True)
class Paragraph:
    span: Span

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def line(self) -> int | None:
        return self.span.starts[0][1] if self.span.starts else None


_TERMINAL = re.compile(r"[。;!?:；：！？]\s*$")
_OPEN = re.compile(r"[,、，]\s*$")
# A 科目 named by 类/款/项 waits for its amount on the next line.
_AWAITS = re.compile(r"\((?:类|款|项)\)\s*$")
_HEADING_END = re.compile(r"(?:说明|情况|概况|职能|职责|解释|目标|事项|机构|设置|任务|收入|支出|经费|资产|采购)$")
# "预算安排规模：…", "项目承担单位：…" start a new paragraph.
_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,8}[:：]")
_MARKUP = re.compile(r"^\s*[-*•·]\s+|\*\*")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def paragraphs(lines: Sequence[Line]) -> list[Paragraph]:
    """Loose narrative lines rejoined into paragraphs. Grid lines (tables printed inside
    the narrative) end a paragraph and are not part of any."""
    loose = [_MARKUP.sub("", ln.text).strip() for ln in lines if not ln.grid and not ln.blank]
    widths = sorted(_width(t) for t in loose if _width(t) >= 20)
    full = widths[int(len(widths) * 0.9)] * 0.85 if widths else 10**9
    out: list[Paragraph] = []
    parts: list[tuple[str, int]] = []
    open_ = False
    for line in lines:
        if line.blank:
            continue
        text = "" if line.grid else _MARKUP.sub("", line.text).strip()
        if not text:
            open_ = False  # a table inside the narrative ends the paragraph
            continue
        label = _LABEL.match(text) and not _OPEN.search(parts[-1][0]) if parts else False
        if parts and open_ and not _PART.match(squash(text)) and not label:
            parts.append((text, line.no))
        else:
            if parts:
                out.append(_paragraph(parts))
            parts = [(text, line.no)]
        open_ = _continues(text, full)
    if parts:
        out.append(_paragraph(parts))
    return out


def _continues(text: str, full: float) -> bool:
    """Does the sentence on this line go on on the next one?"""
    if _TERMINAL.search(text):
        return False
    if _OPEN.search(text) or _AWAITS.search(text):
        return True
    s = squash(text)
    # A complete heading ("…情况说明") ends there even when it fills the line.
    if (_L1.match(s) or _L2.match(s) or _PART.match(s)) and _HEADING_END.search(s):
        # "关于…情况说明" headings end with 说明; "…拨款情况" is wrapped before it.
        return "关于" in s and not s.endswith("说明")
    return _width(text) >= full


def _paragraph(parts: list[tuple[str, int]]) -> Paragraph:
    text = ""
    starts: list[tuple[int, int]] = []
    for piece, no in parts:
        # Wrapped Chinese text joins without a space; numbers and latin keep one.
        if text and (text[-1].isascii() and piece[0].isascii()):
            text += " "
        starts.append((len(text), no))
        text += piece
    return Paragraph(Span(text, tuple(starts)))


# --------------------------------------------------------------------------- sections

_PART = re.compile(r"^第[一二三四五六七八九十\d]+部分")
_L1 = re.compile(r"^[一二三四五六七八九十]+、")
_L2 = re.compile(r"^\([一二三四五六七八九十]+\)")
_L3 = re.compile(r"^\d{1,2}(?:、|\.(?!\d))")
_DOC_TITLE = re.compile(r"(?:情况说明|公开说明|情况的说明)$")
_HAS_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:万元|元|%)")

# Keyword -> topic, first match wins (order matters: "财政拨款“三公”经费" is three_public).
_TOPICS: tuple[tuple[str, str], ...] = (
    (r"名词解释|名词说明|术语解释", "glossary"),
    (r"三公", "three_public"),
    (r"运行经费|公用经费", "operating"),
    (r"政府采购", "procurement"),
    (r"国有资产|资产占|固定资产|资产信息|资产购置", "assets"),
    (r"绩效", "performance"),
    (r"结转结余|结转和结余", "carryover"),
    (r"政府性基金", "gov_fund"),
    (r"国有资本经营", "state_capital"),
    (r"一般公共预算基本支出", "gpb_basic"),
    (r"一般公共预算项目支出|项目支出情况|专项业务经费", "gpb_project"),
    (r"一般公共预算", "gpb"),
    (r"财政拨款收支", "fiscal"),
    (r"单位概况|部门概况|主要职能|主要职责|单位职责|职责|机构设置|人员情况|内设机构|工作任务|基本情况", "profile"),
    (r"收支预算|收支总体|总体情况|总体说明|收支说明|收支情况|增减情况", "overview"),
    (r"收入", "income"),
    (r"支出", "expenditure"),
)
_GENERIC = {"income", "expenditure", "overview", "other"}


def topic_of(heading: str) -> str:
    s = squash(heading)
    for pattern, topic in _TOPICS:
        if re.search(pattern, s):
            return topic
    return "other"


def _heading_level(text: str) -> int | None:
    s = squash(text)
    if _PART.match(s) and len(s) <= 40:
        return 0
    if (_TERMINAL.search(s) and not s.endswith((":", "："))) or _HAS_AMOUNT.search(s):
        return None
    if _L1.match(s) and len(s) <= 48:
        return 1
    if _L2.match(s) and len(s) <= 40:
        return 2
    if _L3.match(s) and len(s) <= 40 and not re.search(r"[,，]", s):
        return 3
    if _DOC_TITLE.search(s) and len(s) <= 48 and not re.search(r"[,，]", s):
        return 0
    return None


@dataclass
class _Open:
    heading: str
    level: int
    topic: str
    line: int | None
    spans: list[Span]


def sections_of(paras: Sequence[Paragraph], unit_name: str | None = None) -> tuple[NarrativeSection, ...]:
    opened: list[_Open] = []
    stack: list[_Open] = []
    for para in paras:
        level = _heading_level(para.text)
        if level is None:
            if opened:
                opened[-1].spans.append(para.span)
            continue
        while stack and stack[-1].level >= level:
            stack.pop()
        topic = topic_of(para.text)
        parent = stack[-1].topic if stack else None
        # A sub-heading with a generic topic belongs to its parent's ("2、支出按功能科目分类…" under 一般公共预算).
        generic_under_specific = topic in _GENERIC and parent not in _GENERIC | {"profile"}
        if level > 0 and parent and (generic_under_specific or topic == "other"):
            topic = parent
        section = _Open(clean_cjk_spaces(para.text), level, topic, para.line, [])
        opened.append(section)
        stack.append(section)
    out: list[NarrativeSection] = []
    for i, sec in enumerate(opened):
        text = "\n".join(clean_cjk_spaces(s.text) for s in sec.spans)
        nxt = opened[i + 1] if i + 1 < len(opened) else None
        # A heading with nothing under it and no sub-heading is a table-of-contents entry.
        if not text and (nxt is None or nxt.level <= sec.level):
            continue
        figures = () if sec.topic == "glossary" else tuple(extract_figures(sec.spans, unit_name))
        out.append(NarrativeSection(sec.heading, sec.topic, text, figures, Source(line=sec.line)))
    return tuple(out)


# --------------------------------------------------------------------------- refers_to

_CODE_IN = re.compile(r"\((\d{3}|\d{5}|\d{7})\)")
_CHAIN = re.compile(r"(.+?)\(类\)(?:(.+?)\(款\))?(?:(.+?)\(项\))?")

# (topic or "*", subject pattern, table id, row code, column): first match wins.
_KEYWORDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("income", r"上级一般公共预算", "income", "TOTAL", "general_budget_transfer"),
    ("income", r"上级政府性基金", "income", "TOTAL", "gov_fund_transfer"),
    ("income", r"上级国有资本", "income", "TOTAL", "state_capital_transfer"),
    ("income", r"一般公共预算", "income", "TOTAL", "general_budget"),
    ("income", r"政府性基金", "income", "TOTAL", "gov_fund"),
    ("income", r"国有资本经营", "income", "TOTAL", "state_capital"),
    ("income", r"财政专户", "income", "TOTAL", "fiscal_special"),
    ("income", r"单位资金", "income", "TOTAL", "unit_funds"),
    ("income", r"上年结转", "income", "TOTAL", "carryover"),
    ("income", r"收入", "income", "TOTAL", "total"),
    ("expenditure", r"基本支出", "expenditure", "TOTAL", "basic"),
    ("expenditure", r"项目支出", "expenditure", "TOTAL", "project"),
    ("expenditure", r"支出", "expenditure", "TOTAL", "total"),
    ("overview", r"基本支出", "expenditure", "TOTAL", "basic"),
    ("overview", r"项目支出", "expenditure", "TOTAL", "project"),
    ("overview", r"支出预算|预算支出", "expenditure", "TOTAL", "total"),
    ("overview", r"收入预算|预算收入", "income", "TOTAL", "total"),
    ("overview", r"收支", "summary", "TOTAL", "total"),
    ("fiscal", r"财政拨款", "fiscal_summary", "TOTAL", "total"),
    ("fiscal", r"一般公共预算", "fiscal_summary", "TOTAL", "general_budget"),
    ("gpb", r"基本支出", "gpb_expenditure", "TOTAL", "basic"),
    ("gpb", r"项目支出", "gpb_expenditure", "TOTAL", "project"),
    ("gpb", r"一般公共预算", "gpb_expenditure", "TOTAL", "total"),
    ("gpb_basic", r"人员经费", "gpb_basic_econ", "TOTAL", "personnel"),
    ("gpb_basic", r"公用经费", "gpb_basic_econ", "TOTAL", "public"),
    ("gpb_basic", r"基本支出", "gpb_basic_econ", "TOTAL", "total"),
    ("three_public", r"因公出国", "three_public", "abroad", "total"),
    ("three_public", r"公务接待", "three_public", "reception", "total"),
    ("three_public", r"购置及运", "three_public", "vehicle", "total"),
    ("three_public", r"购置", "three_public", "vehicle_purchase", "total"),
    ("three_public", r"运行|运维", "three_public", "vehicle_operation", "total"),
    ("three_public", r"会议费", "three_public", "meeting", "total"),
    ("three_public", r"培训费", "three_public", "training", "total"),
    ("three_public", r"三公", "three_public", "TOTAL", "total"),
    ("procurement", r"货物|工程|服务|中小|小微", "", "", ""),
    ("procurement", r"采购", "procurement", "TOTAL", "total"),
    ("*", r"人员经费", "gpb_basic_econ", "TOTAL", "personnel"),
    ("*", r"公用经费", "gpb_basic_econ", "TOTAL", "public"),
)

# Which tables a coded or named row in a section of this topic restates, in preference order.
_FUNC_TABLES = {
    "gpb": ("gpb_expenditure",),
    "fiscal": ("fiscal_summary", "gpb_expenditure"),
    "expenditure": ("expenditure",),
    "income": ("income",),
    "overview": ("expenditure", "summary"),
    "gpb_basic": ("gpb_basic_func",),
    "gpb_project": ("gpb_project",),
    "gov_fund": ("gov_fund",),
    "state_capital": ("state_capital",),
}
_ECON_TABLES = {
    "gpb": ("gpb_econ", "gpb_basic_econ"),
    "gpb_basic": ("gpb_basic_econ",),
    "overview": ("gpb_econ", "gpb_basic_econ"),
}


def _page_of(source: Source, pages: dict[int, int | None]) -> Source:
    if source.line is None or source.page is not None or source.line not in pages:
        return source
    return replace(source, page=pages[source.line])


def _with_page(figure: Figure, pages: dict[int, int | None]) -> Figure:
    source = _page_of(figure.source, pages)
    return figure if source is figure.source else replace(figure, source=source)


def _resolve(figure: Figure, topic: str, tables: Sequence[Table]) -> Figure:
    ref = resolve(figure.subject, topic, tables)
    return replace(figure, refers_to=ref) if ref else figure


def resolve(subject: str, topic: str, tables: Sequence[Table]) -> tuple[str, str, str] | None:
    """(table id, row code, column) that a figure with this subject, stated in a section of
    this topic, restates — only where that table, row and column were parsed."""
    by_id: dict[str, Table] = {}
    for table in tables:
        by_id.setdefault(table.id, table)
    s = squash(subject)
    code = _code_of(s, topic, by_id)
    if code:
        kind = kind_of(code)
        candidates = _FUNC_TABLES.get(topic, ()) if kind == "func" else _ECON_TABLES.get(topic, ())
        for table_id in candidates:
            if _has(by_id.get(table_id), code, "total"):
                return (table_id, code, "total")
        return None
    for scope, pattern, table_id, row, column in _KEYWORDS:
        if scope in (topic, "*") and re.search(pattern, s):
            # An empty table id marks subjects that restate no table row.
            return (table_id, row, column) if table_id and _has(by_id.get(table_id), row, column) else None
    return None


def _code_of(s: str, topic: str, by_id: dict[str, Table]) -> str | None:
    m = _CODE_IN.search(s)
    if m:
        return m.group(1)
    chain = _CHAIN.fullmatch(s) or _CHAIN.match(s)
    names = [n for n in (chain.groups() if chain else ()) if n]
    if not names:
        whole = function_class_from_name(s)
        return whole
    code = function_class_from_name(names[0])
    rows = [r for t in _FUNC_TABLES.get(topic, ()) if (t in by_id) for r in by_id[t].rows]
    if code is None:
        code = next((r.code for r in rows if len(r.code) == 3 and squash(r.name) == names[0]), None)
    for name in names[1:]:
        if code is None:
            return None
        child = next(
            (r.code for r in rows if r.code.startswith(code) and len(r.code) == len(code) + 2
             and squash(r.name) == name),
            None,
        )
        code = child
    return code


def _has(table: Table | None, row_code: str, column: str) -> bool:
    if table is None or all(c.key != column for c in table.columns):
        return False
    return any(r.code == row_code for r in table.rows)
