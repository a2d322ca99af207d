"""Template text left in the published document: placeholders (TPL001), the template's
alternative wordings (TPL002) and the template's own instructions to whoever fills it in
(TPL003). One rule per meaning; all three read the same printed texts (``printed_texts``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from yusuan.audit.context import RuleContext, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._text import Paragraph, is_toc_line, narrative_or_say_why, paragraphs, printed_texts, snippet
from yusuan.model import Severity, Source
from yusuan.text import normalize

_PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(?:[Xx×]{2,}|20[\dXx×][Xx×]|20[Xx×]{2})(?![A-Za-z])"
    r"|[(\[]\s*(?:单位名称|部门名称|单位全称|项目名称|金额|填写[^)\]]{0,10}|请填写[^)\]]{0,10})\s*[)\]]"
    r"|某某|此处填写|待填写"
)
# "……" standing for content: a cell, line or list item that is nothing but dots ("1. ……").
_ELLIPSIS_ONLY = re.compile(r"^\s*(?:\d{1,2}[.、]\s*)?(?:\.{3,}|…+)\s*$")


Hit = tuple[Source, str, str, str | None, tuple[str, ...]]  # source, label, printed words, table, hits


def _scan(ctx: RuleContext, find: Callable[[str], list[str]]) -> list[Hit]:
    """Every printed text with hits, once each."""
    seen: set[str] = set()
    out: list[Hit] = []
    for label, text, source, table in printed_texts(ctx):
        if not text:
            continue
        ctx.checked()
        norm = normalize(text)
        hits = find(norm)
        words = " ".join(norm.split())[:60]
        if not hits or words in seen:
            continue
        seen.add(words)
        out.append((source, label, words, table, tuple(hits)))
    return out


def _runs(hits: list[Hit]) -> Iterator[list[Hit]]:
    """Hits on nearby source lines form one finding (a template table is one defect)."""
    run: list[Hit] = []
    for hit in hits:
        line, last = hit[0].line, run[-1][0].line if run else None
        if run and not (line is not None and last is not None and 0 < line - last <= 2):
            yield run
            run = []
        run.append(hit)
    if run:
        yield run


@rule(
    "TPL001",
    "文件中残留未填写的模板文字",
    Severity.WARNING,
    what="查找标题、表格、说明和绩效目标中残留的模板占位符：XX、××、202X、（单位名称）、某某，以及紧挨占位符、"
    "只有省略号“……”的内容行。相邻几行的占位符（如一张未填写的模板表）合为一条。",
    why="占位符说明公开文件套用模板后未完整填写，公开内容不准确。《地方预决算公开操作规程》要求公开内容真实、完整。",
    failing="“XX 单位 202X 年部门预算”；表中项目名称为“（项目名称）”；会议明细表只有“XX 业务培训”“……”两行。",
    passing="“且末县医疗保障局 2025 年部门预算”。",
)
def placeholders(ctx: RuleContext) -> None:
    def find(norm: str) -> list[str]:
        hits = list(dict.fromkeys(m.group(0) for m in _PLACEHOLDER.finditer(norm)))
        return hits or (["……"] if _ELLIPSIS_ONLY.match(norm) and not is_toc_line(norm) else [])

    for run in _runs(_scan(ctx, find)):
        hits = tuple(dict.fromkeys(h for hit in run for h in hit[4]))
        if hits == ("……",):  # a line of dots is a placeholder only beside other placeholders
            continue
        source, label, words, table, _ = run[0]
        quoted = "、".join(f"“{h}”" for h in hits)
        span = f"（连续 {len(run)} 行）" if len(run) > 1 else ""
        ctx.report(
            f"{label}{where(source=source)}残留模板文字{quoted}：“{words}”{span}。请填写实际内容。",
            table=table, source=source, values={"占位符": "、".join(hits)}, quote=words,
        )
    if not ctx.checks:
        ctx.missing("没有可检查的文字")


# The template offers both directions and the filler keeps both: "增加（减少）", "增长(下降)",
# "下降（增长）", "增加/减少". Normalised text has half-width brackets.
_DIRECTION = r"(?:增加|减少|增长|下降|降低|上升|减少)"
_ALTERNATIVE = re.compile(
    rf"{_DIRECTION}\s*(?:\(\s*{_DIRECTION}\s*\)|/\s*{_DIRECTION})"
    r"|\(或(?!称|简称|者说)[^()]{2,30}\)"  # "未安排购置车辆经费（或安排购置车辆经费 0 万元）"
)


@rule(
    "TPL002",
    "说明中残留模板的备选措辞（如“增加（减少）”）",
    Severity.WARNING,
    what="查找说明文字中同时保留了模板两种写法的措辞：“增加（减少）”“增长（下降）”“下降（增长）”“增加/减少”，"
    "以及“未安排购置车辆经费（或安排购置车辆经费 0 万元）”这样括注的另一种写法。应按实际情况只保留一种；"
    "同一节多处只报一条。",
    why="模板给出的备选措辞未删改，读者无法判断实际是增加还是减少，说明未按实际情况填写。",
    failing="“与上年相比增加（减少）0 万元，增长（减少）0%。”",
    passing="“与上年相比减少 0.15 万元，下降 27.78%。”",
)
def template_alternatives(ctx: RuleContext) -> None:
    _report_phrases(ctx, _ALTERNATIVE, "残留模板的备选措辞{hits}，应按实际情况只保留一种")


# The template's instructions to the person filling it in: "（按“公开06表”中实际发生…填写）",
# "请根据实际情况填写", "（如有）", "（可选）". A table note that says how the table was filled
# ("品目名称按《政府采购品目分类目录》填写") is an explanation, not an instruction.
_INSTRUCTION = re.compile(
    r"\((?:[^()]{0,30}?(?:按|根据|依据|参照|结合)[^()]{0,60}?(?:填写|填列|填报))\)"
    r"|\((?:如有|若有|可选|选填|必填|可删除|删除|不适用的删除)[^()]{0,8}\)"
    r"|(?<![申邀提报聘呈])请(?:根据|按照|结合|据实)[^。;,]{0,16}(?:填写|填列|填报|说明|删除)"
    r"|(?<![申邀提报聘呈])请[^。;,]{0,10}(?:填写|填列|填报)"
    r"|(?:填写|填列|填报)(?:说明|要求|提示)[:：]"
    r"|(?:填列|填写|填报)数应[与按]"
)


@rule(
    "TPL003",
    "说明中残留模板的填写说明",
    Severity.WARNING,
    what="查找说明文字中残留的模板填写说明：“（按……中实际发生经济分类支出事项填写）”“请根据实际情况填写……”"
    "“填列数应与……一致”“（如有）”等写给填报人的话。",
    why="填写说明是写给编制人员的，不是公开内容；残留说明文件未经认真校核。",
    failing="“主要包括：基本工资、津贴补贴。（按“部门预算公开06表”中实际发生经济分类支出事项填写）”",
    passing="“主要包括：基本工资、津贴补贴、奖金。”",
)
def template_instructions(ctx: RuleContext) -> None:
    _report_phrases(ctx, _INSTRUCTION, "残留模板的填写说明{hits}，应删去")


def _report_phrases(ctx: RuleContext, pattern: re.Pattern[str], what: str) -> None:
    """One finding per narrative section that prints the pattern, at its first occurrence (the
    narrative only: table notes explain their table, and placeholders in tables are TPL001's)."""
    paras = paragraphs(ctx)
    if not narrative_or_say_why(ctx, paras):
        return
    by_section: dict[int, list[tuple[Paragraph, re.Match[str]]]] = {}
    for p in paras:
        ctx.checked()
        for m in pattern.finditer(p.text):
            by_section.setdefault(id(p.section), []).append((p, m))
    for hits in by_section.values():
        p, first = hits[0]
        words = "、".join(dict.fromkeys(f"“{m.group(0)}”" for _, m in hits))
        count = f"（共 {len(hits)} 处）" if len(hits) > 1 else ""
        quote = snippet(p.text, first.start(), first.end())
        ctx.report(
            f"说明“{p.section.heading[:24]}”{where(source=p.source)}{what.format(hits=words)}{count}：“{quote}”。",
            source=p.source, values={"原文": first.group(0)}, quote=quote,
        )
