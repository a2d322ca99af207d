"""What text rules read: the printed texts of a disclosure and its narrative paragraphs, each
with the best location known (page and line).

Text rules look at the narrative as the parser joined it (paragraphs) and, where the caller
has it, at the source text line by line (``ctx.lines``): the source text also holds what the
parser did not keep, and tells a missing item from one the parser joined into a neighbour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from yusuan.audit.context import RuleContext, table_name
from yusuan.model import NarrativeSection, Source
from yusuan.publication import NARRATIVE, TABLES, parts_of
from yusuan.text import normalize, squash

# A table-of-contents line: dot leaders before a page number.
# A table-of-contents line: words, then dot leaders and a page number at the end. Found from
# the leaders back (a lazy ".*?" from every start position took seconds on one long line).
_LEADER_TAIL = re.compile(r"(?:\.{4,}|…{2,}|·{4,})\s*\d*\s*$")
_WORD_CHAR = re.compile(r"[^\s.…·]")


def printed_texts(ctx: RuleContext) -> Iterator[tuple[str, str, Source, str | None]]:
    """(where-label, text, source, table id) for every printed text: the whole source text
    line by line when the caller has it (it covers what the parser did not keep), else every
    text the model keeps."""
    d = ctx.disclosure
    if ctx.lines:
        for no, text in ctx.lines:
            yield "原文", text, ctx.source_at(no), None
        return
    if d.meta.unit_name:
        yield "单位名称", d.meta.unit_name, Source(), None
    for e in d.catalogue:
        yield "目录", e.title, e.source, e.table_id
        if e.reason:
            yield "目录空表理由", e.reason, e.source, e.table_id
    for t in d.tables:
        yield f"{table_name(t.id)}标题", t.title, t.source, t.id
        if t.empty_reason:
            yield f"{table_name(t.id)}空表说明", t.empty_reason, t.source, t.id
        for r in t.rows:
            yield f"{table_name(t.id)}", r.label or r.name, r.source, t.id
            for v in r.text.values():
                yield f"{table_name(t.id)}", v, r.source, t.id
    for s in d.narrative:
        yield "说明标题", s.heading, s.source, None
        yield f"说明“{s.heading[:20]}”", s.text, s.source, None
    for p in d.performance:
        yield "绩效目标", p.name, p.source, None
        yield "绩效目标", p.goal, p.source, None
        for ind in p.indicators:
            yield "绩效指标", f"{ind.level3} {ind.value}", ind.source, None


@dataclass(frozen=True)
class Paragraph:
    """One narrative paragraph (or a section heading) in document order."""

    section: NarrativeSection
    text: str  # normalised, as the parser joined it
    heading: bool  # the section's heading rather than a paragraph under it
    source: Source  # its own line where it could be found in the source text, else its section's


def paragraphs(ctx: RuleContext) -> list[Paragraph]:
    """Every section heading and paragraph of the narrative, in order, located in the source
    text where the caller has it."""
    finder = _Finder(ctx)
    out: list[Paragraph] = []
    for s in ctx.disclosure.narrative:
        head = normalize(s.heading)
        out.append(Paragraph(s, head, True, finder.find(head, s.source)))
        for para in s.text.split("\n"):
            para = normalize(para).strip()
            if para:
                out.append(Paragraph(s, para, False, finder.find(para, s.source)))
    return out


def narrative_or_say_why(ctx: RuleContext, paras: list[Paragraph]) -> bool:
    """True when there is narrative to check; otherwise records why not: a 表格 file of a
    publication has none to check (not applicable), any other file lacks it."""
    if paras:
        return True
    parts = parts_of(ctx.disclosure)
    if TABLES in parts and NARRATIVE not in parts:
        ctx.skip("本文件只有表格，文字说明另行公开")
    else:
        ctx.missing("没有识别到说明文字")
    return False


class _Finder:
    """Finds successive paragraphs in the source text (searching forward from the last hit)."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.lines = [(no, squash(text)) for no, text in ctx.lines]
        self.pos = 0

    def find(self, text: str, fallback: Source) -> Source:
        if not self.lines:
            return fallback
        key = squash(text)[:10]
        if len(key) < 4:
            return fallback
        start = self.pos
        if fallback.line is not None:  # the section's own line is a safe lower bound
            start = max(start, next((i for i, (no, _) in enumerate(self.lines) if no >= fallback.line), start))
        for i in range(start, len(self.lines)):
            if key in self.lines[i][1]:
                self.pos = i
                return self.ctx.source_at(self.lines[i][0])
        return fallback


def line_of(ctx: RuleContext, needle: str, near: Source) -> Source:
    """The source line (from ``near`` on) that prints ``needle``, else ``near``."""
    if not ctx.lines or not needle:
        return near
    key = squash(needle)
    start = near.line or 0
    for no, text in ctx.lines:
        if no >= start and key in squash(text):
            return ctx.source_at(no)
    return near


def is_toc_line(text: str) -> bool:
    tail = _LEADER_TAIL.search(text)
    return tail is not None and _WORD_CHAR.search(text, 0, tail.start()) is not None


def snippet(text: str, start: int, end: int, width: int = 18) -> str:
    """The printed words around text[start:end], for a reviewer to find them."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    return ("…" if lo else "") + " ".join(text[lo:hi].split()) + ("…" if hi < len(text) else "")

