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
from decimal import Decimal

from yusuan.ingest.document import Line
from yusuan.model import (
    Assets,
    Change,
    Claim,
    Diagnostic,
    Figure,
    Meta,
    MoneyUnit,
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
from yusuan.parsing.links import Link, Linker
from yusuan.parsing.statements import Span, StatementContext, extract_statements, scope_of_text
from yusuan.parsing.subjects import code_of_subject, rows_index
from yusuan.text import clean_cjk_spaces, squash

__all__ = ["NarrativeResult", "Paragraph", "link_sections", "paragraphs", "parse_narrative", "sections_of"]


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
    built = sections_of(paras, meta.unit_name, tables, meta.year)
    # PDF lines know their page: carry it to every figure, claim and section.
    pages = {ln.no: ln.source.page for ln in layout.narrative if ln.source.page is not None}
    resolved = tuple(
        replace(
            s,
            figures=tuple(_figure_pages(f, pages) for f in s.figures),
            claims=tuple(replace(c, source=_page_of(c.source, pages)) for c in s.claims),
            source=_page_of(s.source, pages),
        )
        for s in link_sections(built, tables)
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
_ITEM_START = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]{1,3}\)|\d{1,2}(?:、|\.(?!\d)))")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def paragraphs(lines: Sequence[Line]) -> list[Paragraph]:
    """Loose narrative lines rejoined into paragraphs. Grid lines (tables printed inside
    the narrative) end a paragraph and are not part of any."""
    loose = [_MARKUP.sub("", ln.text).strip() for ln in lines if not ln.grid and not ln.blank]
    # The usual width of a wrapped line, from lines that stop mid-sentence: a page that prints
    # some paragraphs as single long lines must not raise it.
    widths = sorted(w for w, t in ((_width(t), t) for t in loose) if w >= 20 and not _TERMINAL.search(t))
    full = widths[int(len(widths) * 0.75)] * 0.85 if widths else 10**9
    items = [(ln, "" if ln.grid else _MARKUP.sub("", ln.text).strip()) for ln in lines if not ln.blank]
    out: list[Paragraph] = []
    parts: list[tuple[str, int]] = []
    open_ = False
    for i, (line, text) in enumerate(items):
        if not text:
            open_ = False  # a table inside the narrative ends the paragraph
            continue
        label = _LABEL.match(text) and not _OPEN.search(parts[-1][0]) if parts else False
        # A numbered item starts a paragraph of its own unless the line before stopped mid-list.
        numbered = bool(parts) and _ITEM_START.match(squash(text)) and not _OPEN.search(parts[-1][0])
        if parts and open_ and not _PART.match(squash(text)) and not label and not numbered:
            parts.append((text, line.no))
        else:
            if parts:
                out.append(_paragraph(parts))
            parts = [(text, line.no)]
        following = items[i + 1][1] if i + 1 < len(items) else ""
        open_ = _continues(text, full, following)
    if parts:
        out.append(_paragraph(parts))
    return out


# A line that can only continue the sentence before it: an amount or a unit, closing
# punctuation, or the rest of a number ("3,958.67 万元,增长 21.95 %。").
_CONTINUATION = re.compile(r"^(?:[\d,.]+\s*(?:万元|元|%|万)|万元|元|%|[,，。;；、)）])")


def _continues(text: str, full: float, following: str = "") -> bool:
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
    if ((_L3.match(s) and _HEADING_END.search(s)) or _UNNUMBERED_END.search(s)) and _heading_level(text) is not None:
        return False  # "1、…规模变化情况", "2025年部门预算编制说明": a heading even when it fills the line
    if _width(text) >= full:
        return True
    # Lines wrapped short of the usual width (a page that prints paragraphs as single long
    # lines raises that width): the next line shows the sentence is not over.
    nxt = squash(following)
    if not nxt or _heading_level(following) is not None or _ITEM_START.match(nxt):
        return False
    return bool(_CONTINUATION.match(nxt)) or (_ENDS_MID.search(s) is not None and _width(text) >= 20)


# A line ending mid-phrase: a comparison or verb waiting for its number ("与上年相比增加").
_ENDS_MID = re.compile(
    r"(?:增加|减少|增长|下降|相比|比|较|为|是|与|和|及|的|占|上|其中|合计|总计|预算|支出|收入|经费|资金|[\d.,]+)$"
)


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
    (r"财政拨款基本支出", "fiscal_basic"),
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


# An unnumbered heading line ("上海市普陀区人民政府办公室主要职能", "2025年部门预算编制说明",
# "名词解释"): short, alone on its line, and ending like a heading.
_UNNUMBERED_END = re.compile(r"(?:说明|概况|职能|职责|解释|设置|情况|目标)$")


def _heading_level(text: str, lines: int = 1) -> int | None:
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
    if lines == 1 and len(s) <= 32 and _UNNUMBERED_END.search(s) and not re.search(r"[,，:：;；。]", s):
        return 0
    return None


@dataclass
class _Open:
    heading: str
    level: int
    topic: str
    line: int | None
    spans: list[Span]
    parent: _Open | None = None
    scope: str = ""  # the funds the heading speaks of (财政拨款 -> fiscal …), else its parent's
    code: str | None = None  # the 科目 the heading names, else its parent's


def sections_of(
    paras: Sequence[Paragraph],
    unit_name: str | None = None,
    tables: Sequence[Table] = (),
    year: int | None = None,
) -> tuple[NarrativeSection, ...]:
    opened: list[_Open] = []
    stack: list[_Open] = []
    rows = rows_index(tables)
    for para in paras:
        level = _heading_level(para.text, len(para.span.starts))
        if level is None:
            if opened:
                opened[-1].spans.append(para.span)
            continue
        while stack and stack[-1].level >= level:
            stack.pop()
        topic = topic_of(para.text)
        parent = stack[-1] if stack else None
        # A sub-heading with a generic topic belongs to its parent's ("2、支出按功能科目分类…" under 一般公共预算).
        generic_under_specific = topic in _GENERIC and parent and parent.topic not in _GENERIC | {"profile"}
        if level > 0 and parent and (generic_under_specific or topic == "other"):
            topic = parent.topic
        heading = clean_cjk_spaces(para.text)
        section = _Open(heading, level, topic, para.line, [], parent)
        section.scope = scope_of_text(heading) or (parent.scope if parent else "")
        section.code = _heading_code(heading, rows) or (parent.code if parent else None)
        opened.append(section)
        stack.append(section)

    def resolver(topic: str):
        prefer = "econ" if topic in ("gpb_basic", "fiscal_basic", "operating") else None
        names = topic not in _NO_NAME_LOOKUP

        def resolve(subject: str, context: str | None) -> tuple[str, str, float] | None:
            found = code_of_subject(subject, rows, context=context, prefer=prefer, names=names)
            return (found.code, found.how, found.confidence) if found else None

        return resolve

    out: list[NarrativeSection] = []
    for i, sec in enumerate(opened):
        text = "\n".join(clean_cjk_spaces(s.text) for s in sec.spans)
        nxt = opened[i + 1] if i + 1 < len(opened) else None
        # A heading with nothing under it and no sub-heading is a table-of-contents entry.
        if not text and (nxt is None or nxt.level <= sec.level):
            continue
        figures: tuple[Figure, ...] = ()
        claims: tuple[Claim, ...] = ()
        if sec.topic != "glossary":
            ctx = StatementContext(year=year, unit_name=unit_name, scope=sec.scope, code=sec.code,
                                   resolve=resolver(sec.topic), section=sec.heading, topic=sec.topic)
            found, loose = extract_statements(sec.spans, ctx)
            figures, claims = tuple(found), tuple(loose)
        out.append(NarrativeSection(sec.heading, sec.topic, text, figures, Source(line=sec.line), claims=claims,
                                    code=sec.code))
    return tuple(out)


# Sections whose items are named by their own vocabulary, not by 科目 names.
_NO_NAME_LOOKUP = {"three_public", "procurement", "assets", "performance", "profile", "glossary"}
_NAMES_A_SUBJECT = re.compile(r"\((?:类|款|项)\)|支出$|[\[(]\d{3,7}[\])]")


def _heading_code(heading: str, rows: Sequence) -> str | None:
    """The 科目 a heading names ("(一)一般公共服务(类)", "(二)社会保障和就业支出")."""
    s = squash(heading)
    if len(s) > 40 or not _NAMES_A_SUBJECT.search(s):
        return None
    found = code_of_subject(s, rows)
    return found.code if found and found.how in ("code", "path", "name") else None


def link_sections(sections: Sequence[NarrativeSection], tables: Sequence[Table]) -> tuple[NarrativeSection, ...]:
    """Each statement linked to the table cell it restates (``Figure.refers_to``), and each
    claim to its statement's cell. Run again with a publication's tables when the narrative
    and the tables were published as two files."""
    linker = Linker(tables)
    rows = rows_index(tables)
    out: list[NarrativeSection] = []
    for s in sections:
        figures: list[Figure] = []
        for f in s.figures:
            if f.code is None and rows:
                # A 科目 named only by its name: these tables may print it (the 表格 half).
                found_code = code_of_subject(f.subject, rows, context=s.code, names=s.topic not in _NO_NAME_LOOKUP)
                if found_code:
                    f = replace(f, code=found_code.code, resolution=found_code.how,
                                confidence=found_code.confidence)
            found = linker.link(f, s.topic)
            if found is not None and found.ref and f.resolution == "similar" and not linker.restates(found.ref, f):
                f, found = _level_by_amount(f, found, linker, s.topic)
            if found is None:
                figures.append(replace(f, refers_to=None, key=""))
                continue
            figures.append(replace(f, refers_to=found.ref, key=found.key, resolution=f.resolution or found.how,
                                   confidence=f.confidence if f.code else found.confidence))
        out.append(replace(s, figures=tuple(figures), claims=tuple(_link_claim(c, s, linker) for c in s.claims)))
    return tuple(out)


def _level_by_amount(f: Figure, found: Link, linker: Linker, topic: str) -> tuple[Figure, Link]:
    """A 科目 printed under a name the tables do not print, whose amount is not its cell's but
    exactly its parent's ("人大事务行政运行(项) 10528.33" where 人大事务(款) is 10528.33 and
    行政运行 4545.94): the statement is about the parent, misnamed."""
    assert f.code is not None
    for parent in (f.code[:5], f.code[:3]):
        if len(parent) >= len(f.code):
            continue
        g = replace(f, code=parent)
        alt = linker.link(g, topic)
        if alt is not None and alt.ref and linker.restates(alt.ref, g):
            return g, alt
    return f, found


def _link_claim(claim: Claim, section: NarrativeSection, linker: Linker) -> Claim:
    """A claim of no statement (inside a reason, stated alone) is linked like a statement of
    its subject would be, for the reader; the audit checks statements only."""
    if claim.quantity == "count" or not claim.subject or claim.unit not in ("万元", "元", "%"):
        return claim
    unit = MoneyUnit(claim.unit) if claim.unit != "%" else MoneyUnit.WAN
    probe = Figure(subject=claim.subject, amount=claim.value if claim.unit != "%" else Decimal(1), unit=unit,
                   code=claim.code, scope=scope_of_text(claim.subject))
    found = linker.link(probe, section.topic)
    if found is None:
        return claim
    return replace(claim, refers_to=found.ref, key=found.key)


def _figure_pages(f: Figure, pages: dict[int, int | None]) -> Figure:
    """The page of every quantity of a statement, each from its own line."""
    def changed(c: Change | None) -> Change | None:
        return replace(c, source=_page_of(c.source, pages)) if c is not None else None

    return replace(
        f,
        source=_page_of(f.source, pages),
        change=changed(f.change),
        other_changes=tuple(changed(c) for c in f.other_changes),
        prior=replace(f.prior, source=_page_of(f.prior.source, pages)) if f.prior else None,
        quantity_sources={k: _page_of(v, pages) for k, v in f.quantity_sources.items()},
    )


def _page_of(source: Source, pages: dict[int, int | None]) -> Source:
    if source.line is None or source.page is not None or source.line not in pages:
        return source
    return replace(source, page=pages[source.line])
