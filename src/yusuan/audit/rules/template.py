"""Unfilled template text: placeholders left in the published document."""

from __future__ import annotations

import re
from collections.abc import Iterator

from yusuan.audit.context import RuleContext, table_name, where
from yusuan.audit.registry import rule
from yusuan.model import Severity, Source
from yusuan.text import normalize

_PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(?:[Xx×]{2,}|20[\dXx×][Xx×]|20[Xx×]{2})(?![A-Za-z])"
    r"|[(\[]\s*(?:单位名称|部门名称|单位全称|项目名称|金额|填写[^)\]]{0,10}|请填写[^)\]]{0,10})\s*[)\]]"
    r"|某某|此处填写|待填写"
)


def _texts(ctx: RuleContext) -> Iterator[tuple[str, str, Source, str | None]]:
    """(where-label, text, source, table id) for every printed text the model keeps."""
    d = ctx.disclosure
    if ctx.lines:  # the whole source text: covers what the parser did not keep
        for no, text in ctx.lines:
            yield "原文", text, Source(line=no), None
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


@rule(
    "TPL001",
    "文件中残留未填写的模板文字",
    Severity.WARNING,
    what="查找标题、表格、说明和绩效目标中残留的模板占位符：XX、××、202X、（单位名称）、某某等。",
    why="占位符说明公开文件套用模板后未完整填写，公开内容不准确。《地方预决算公开操作规程》要求公开内容真实、完整。",
    failing="“XX 单位 202X 年部门预算”；表中项目名称为“（项目名称）”。",
    passing="“且末县医疗保障局 2025 年部门预算”。",
)
def placeholders(ctx: RuleContext) -> None:
    seen: set[str] = set()
    for label, text, source, table in _texts(ctx):
        if not text:
            continue
        ctx.checked()
        norm = normalize(text)
        hits = list(dict.fromkeys(m.group(0) for m in _PLACEHOLDER.finditer(norm)))
        snippet = " ".join(norm.split())[:60]
        if not hits or snippet in seen:
            continue
        seen.add(snippet)
        quoted = "、".join(f"“{h}”" for h in hits)
        ctx.report(
            f"{label}{where(source=source)}残留模板文字{quoted}：“{snippet}”。请填写实际内容。",
            table=table, source=source, values={"占位符": "、".join(hits)},
        )
    if not ctx.checks:
        ctx.missing("没有可检查的文字")
