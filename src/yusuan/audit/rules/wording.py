"""Wording of the narrative (文字规范): punctuation, brackets, numbering, 部门/单位 wording,
sentences cut off, dates outside the budget year.

Every rule here reads the narrative as the parser joined it and, for anything that could be a
reading artefact (a heading joined into a paragraph, a page break inside a sentence), confirms
it in the source text line by line; without the source text such a rule says "could not
check" rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from yusuan.audit.context import RuleContext, where
from yusuan.audit.registry import rule
from yusuan.audit.rules._text import Paragraph, line_of, narrative_or_say_why, paragraphs, printed_texts, snippet
from yusuan.model import DocKind, Severity
from yusuan.text import chinese_numeral, normalize, squash

_NEEDS_SOURCE = "需要逐行原文（如 yusuan check 读取的文件）才能区分文件本身的问题和解析造成的断行"


def _with_source(ctx: RuleContext) -> list[Paragraph] | None:
    """The narrative, for a rule that confirms what it finds in the source text; None after
    recording why there is nothing to check."""
    paras = paragraphs(ctx)
    if not narrative_or_say_why(ctx, paras):
        return None
    if not ctx.lines:
        ctx.missing(_NEEDS_SOURCE)
        return None
    return paras

# ----------------------------------------------------------------------------- TXT001

# Normalised text: ，→, ；→; ：→: (。 and 、 stay). A mark doubled, or two pause/stop marks in a row.
_DOUBLED = re.compile(r"([。,、;:])\1+|[,、;:][。]|[。][,、;:]|[,;][、]|[、][,;]")


@rule(
    "TXT001",
    "标点符号重复或连用",
    Severity.WARNING,
    what="查找说明文字中重复或连用的标点：“。。”“，，”“、、”“；；”，以及“，。”“。，”等两个停顿标点连在一起。",
    why="重复标点是校对疏漏，公开文件应文字规范。",
    failing="“…不再列入本部门预算中，减少了该项支出。。”",
    passing="“…不再列入本部门预算中，减少了该项支出。”",
)
def doubled_punctuation(ctx: RuleContext) -> None:
    paras = paragraphs(ctx)
    if not narrative_or_say_why(ctx, paras):
        return
    for p in paras:
        ctx.checked()
        m = _DOUBLED.search(p.text)
        if m:
            quote = snippet(p.text, m.start(), m.end())
            ctx.report(f"说明“{p.section.heading[:24]}”{where(source=p.source)}标点“{m.group(0)}”重复或连用：“{quote}”。",
                       source=p.source, values={"标点": m.group(0)}, quote=quote)


# ----------------------------------------------------------------------------- TXT002

_PAIRS = {"(": ")", "《": "》", "[": "]"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}
# "1)" "a)" "一)" open a list item with a closing bracket only.
_ITEM_CLOSE = re.compile(r"^\s*(?:\d{1,2}|[a-zA-Z]|[一二三四五六七八九十]{1,3})\)")


def _unbalanced(text: str, items: set[int]) -> tuple[int, str] | None:
    """(position, bracket) of the first bracket without its partner, or None; ``items`` are the
    positions of brackets that close a list item's number ("1)")."""
    stack: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append((i, ch))
        elif ch in _CLOSERS:
            if i in items:
                continue
            if stack and stack[-1][1] == _CLOSERS[ch]:
                stack.pop()
            elif any(o == _CLOSERS[ch] for _, o in stack):  # an inner bracket left open
                return stack[-1]
            else:
                return i, ch
    return stack[0] if stack else None


@dataclass(frozen=True)
class _Block:
    """A section's heading, or the paragraphs under it (a bracket or quote never spans
    sections, but may span the parser's paragraphs when a page break splits a sentence)."""

    paras: tuple[Paragraph, ...]

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.paras)

    def item_closers(self) -> set[int]:
        out, at = set(), 0
        for p in self.paras:
            m = _ITEM_CLOSE.match(p.text)
            if m:
                out.add(at + m.end() - 1)
            at += len(p.text)
        return out

    def para_at(self, pos: int) -> Paragraph:
        for p in self.paras:
            if pos < len(p.text):
                return p
            pos -= len(p.text)
        return self.paras[-1]


def _blocks(paras: list[Paragraph]) -> list[_Block]:
    out: list[_Block] = []
    for p in paras:
        if p.heading or not out or out[-1].paras[0].heading or out[-1].paras[0].section is not p.section:
            out.append(_Block((p,)))
        else:
            out[-1] = _Block((*out[-1].paras, p))
    return out


@rule(
    "TXT002",
    "括号、书名号或引号不成对",
    Severity.WARNING,
    what="逐节核对说明文字中的括号（）、书名号《》、方括号〔〕【】是否成对，引号“”的个数是否为偶数。",
    why="括号或引号缺一半，往往是删改时漏删或漏补，可能改变句意。",
    failing="“平均得分 99.33 分（其中，绩效评级为“优”的项目 39 个；……绩效自评中共发现问题 0 个。”（括号未闭合）",
    passing="“平均得分 99.33 分（其中，绩效评级为“优”的项目 39 个）。”",
)
def unbalanced_pairs(ctx: RuleContext) -> None:
    paras = paragraphs(ctx)
    if not narrative_or_say_why(ctx, paras):
        return
    for block in _blocks(paras):
        ctx.checked()
        text = block.text
        bad = _unbalanced(text, block.item_closers())
        if bad is not None:
            pos, ch = bad
            p = block.para_at(pos)
            quote = snippet(text, pos, pos + 1, 24)
            kind = "书名号" if ch in "《》" else "括号"
            state = "没有对应的后半" if ch in _PAIRS else "没有对应的前半"
            ctx.report(f"说明“{p.section.heading[:24]}”{where(source=p.source)}{kind}“{ch}”{state}：“{quote}”。",
                       source=p.source, values={"符号": ch}, quote=quote)
            continue
        quotes = [m.start() for m in re.finditer('"', text)]
        if len(quotes) % 2:
            odd = next((p for p in block.paras if p.text.count('"') % 2), block.paras[0])
            pos = odd.text.find('"')
            quote = snippet(odd.text, pos, pos + 1, 24)
            ctx.report(f"说明“{odd.section.heading[:24]}”{where(source=odd.source)}引号不成对（共 {len(quotes)} 个）："
                       f"“{quote}”。", source=odd.source, values={"引号个数": str(len(quotes))}, quote=quote)


# ----------------------------------------------------------------------------- TXT003

# How a document names itself: "2025年单位预算", "部门决算", "单位概况", "本部门". Not a
# self-designation: 预算单位, 部门预算经济分类 (a classification's name), 部门（单位）.
_SELF_NAME = re.compile(
    r"(?<![预算主管各有关本级下属所属直属二三归口])(部门|单位)(?:综合)?(?:预算|决算)(?!支出经济分类|经济分类|单位|\(单位\)|\(部门\))"
    r"|(?<![预算主管各有关下属所属直属])(部门|单位)概况"
)
_SELF_REF = re.compile(r"本(部门|单位)(?!\(单位\)|\(部门\)|或|和|及|、)")


@rule(
    "TXT003",
    "部门预算与单位预算的口径混用",
    Severity.WARNING,
    what="文件封面确定了口径（部门预算或单位预算）后，核对各部分标题是否用了另一种口径（如部门预算文件的标题写"
    "“单位概况”“单位预算情况说明”）；正文中“本单位/本部门”与口径不符的，作为提示列出。"
    "“预算单位”“下属单位”“部门预算支出经济分类”“部门（单位）”等不是文件的自称，不计。",
    why="部门预算汇总本部门及所属单位，单位预算只含本单位，两者的公开范围不同；口径混用说明套用了另一种模板，"
    "读者无法判断公开的范围。",
    failing="封面“且末县医疗保障局 2025 年部门预算公开”，而第一部分标题为“2025 年单位概况”。",
    passing="封面“部门预算”，各部分标题为“部门概况”“部门预算情况说明”；正文提到“预算单位”“下属单位”。",
)
def scope_wording(ctx: RuleContext) -> None:
    declared = ctx.disclosure.meta.scope
    if declared not in ("部门", "单位"):
        ctx.skip("未能从封面识别文件是部门预算还是单位预算")
        return
    paras = paragraphs(ctx)
    if not narrative_or_say_why(ctx, paras):
        return
    other = "单位" if declared == "部门" else "部门"
    ctx.checked()
    headings: list[tuple[Paragraph, str]] = []
    refs: list[tuple[Paragraph, str]] = []
    for p in paras:
        if p.heading:
            found = [m.group(0) for m in _SELF_NAME.finditer(squash(p.text)) if (m.group(1) or m.group(2)) == other]
            if found and all(p.text != h.text for h, _ in headings):  # a table of contents repeats headings
                headings.append((p, found[0]))
        else:
            refs += [(p, m.group(0)) for m in _SELF_REF.finditer(p.text) if m.group(1) == other]
    kind = "决算" if ctx.disclosure.meta.kind == DocKind.FINAL else "预算"
    cover = line_of(ctx, f"{declared}{kind}", ctx.source_at(1) if ctx.lines else paras[0].source)
    if headings:
        first, words = headings[0]
        listed = "、".join(f"“{p.text[:30]}”" for p, _ in headings[:4]) + ("等" if len(headings) > 4 else "")
        ctx.report(
            f"文件自称{declared}{kind}{where(source=cover) if cover.line else ''}，但 {len(headings)} 个标题用的是"
            f"{other}口径：{listed}。请统一口径。",
            source=first.source, values={"口径": f"{declared}{kind}", "标题": words}, quote=first.text[:40],
        )
    elif refs:
        first, words = refs[0]
        quote = snippet(first.text, first.text.find(words), first.text.find(words) + len(words))
        ctx.report(
            f"{declared}{kind}的说明中 {len(refs)} 处自称“{words}”{where(source=first.source)}：“{quote}”。"
            "请核对口径。",
            source=first.source, values={"自称": words}, quote=quote, severity=Severity.INFO,
        )


# ----------------------------------------------------------------------------- TXT004

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
# Numbering styles, outermost first; "第一部分" is left out: a part made only of tables prints
# its heading on a table page or not at all.
_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("一、", re.compile(r"^([一二三四五六七八九十]{1,3})[、.．]")),
    ("（一）", re.compile(r"^\(([一二三四五六七八九十]{1,3})\)")),
    ("1.", re.compile(r"^(\d{1,2})(?:[、．]|\.(?!\d)|\.(?=20\d\d年))")),
    ("（1）", re.compile(r"^\((\d{1,2})\)")),
    ("①", re.compile(rf"^([{_CIRCLED}])")),
)
_CN = "零一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return _CN[n]
    return ("" if n < 20 else _CN[n // 10]) + "十" + (_CN[n % 10] if n % 10 else "")


def _label(style: str, n: int) -> str:
    return {"一、": f"{_cn(n)}、", "（一）": f"（{_cn(n)}）", "1.": f"{n}.", "（1）": f"（{n}）",
            "①": _CIRCLED[n - 1] if n <= 10 else str(n)}[style]


def _printed(style: str, n: int) -> re.Pattern[str]:
    """The numbering as it may print anywhere in a line (squashed, normalised)."""
    pat = {"一、": rf"(?<![一二三四五六七八九十]){_cn(n)}[、.．]", "（一）": rf"\({_cn(n)}\)",
           "1.": rf"(?<![\d.]){n}(?:[、．]|\.(?!\d)|\.(?=20\d\d))", "（1）": rf"\({n}\)",
           "①": _CIRCLED[n - 1] if n <= 10 else "^$"}[style]
    return re.compile(pat)


def _item(text: str) -> tuple[str, int] | None:
    s = squash(text)
    for style, pat in _STYLES:
        m = pat.match(s)
        if m:
            g = m.group(1)
            n = _CIRCLED.index(g) + 1 if style == "①" else chinese_numeral(g)
            return (style, n) if n else None
    return None


@rule(
    "TXT004",
    "编号跳号",
    Severity.WARNING,
    what="说明文字中同一层级的编号（一、二、三、/（一）（二）/1. 2. 3./（1）（2）/①②）是否连续：出现“一、二、四、”"
    "而原文中间确实没有“三、”。编号重新从一开始视为新的一组。",
    why="跳号通常是删去一段后未重新编号，或漏掉了一项内容，读者会以为缺了说明。",
    failing="“一、收入预算情况 二、支出预算情况 四、政府采购情况”，原文没有“三、”。",
    passing="“一、… 二、… 三、…”；或“三、”印在表格标题里（如“三、支出预算总表”），原文中可以找到。",
)
def numbering_gaps(ctx: RuleContext) -> None:
    paras = _with_source(ctx)
    if paras is None:
        return
    raw = [(no, squash(text)) for no, text in ctx.lines]
    stack: list[list] = []  # [style, last number, paragraph]
    for p in paras:
        item = _item(p.text)
        if item is None:
            continue
        ctx.checked()
        style, n = item
        at = next((i for i, entry in enumerate(stack) if entry[0] == style), None)
        if at is None:
            stack.append([style, n, p])
            continue
        del stack[at + 1:]
        last, prev = stack[at][1], stack[at][2]
        stack[at][1], stack[at][2] = n, p
        if n <= last + 1:
            continue
        lo = prev.source.line or 0
        hi = p.source.line if p.source.line is not None else raw[-1][0]
        between = "".join(t for no, t in raw if lo <= no <= hi)
        missing = [k for k in range(last + 1, n) if not _printed(style, k).search(between)]
        if not missing or prev.source.line is None or p.source.line is None:
            continue
        skipped = "、".join(f"“{_label(style, k)}”" for k in missing)
        ctx.report(
            f"说明“{p.section.heading[:24]}”{where(source=p.source)}编号从“{_label(style, last)}”跳到"
            f"“{_label(style, n)}”，缺{skipped}：“{p.text[:30]}”。",
            source=p.source, values={"上一编号": _label(style, last), "本编号": _label(style, n)}, quote=p.text[:40],
        )


# ----------------------------------------------------------------------------- TXT005

# A sentence that stops mid-way: a pause mark, an opening bracket or a connecting word at the
# very end. List openers ("其中", "包括", "如下") are left out: their items may be headings.
_OPEN_END = re.compile(r"(?:[,、(]|[的和及与或是为比在对由将按从于])$")
_TERMINAL = re.compile(r"[。;!?:…\"')\]》%]$")
_PAGE_NO = re.compile(r"^[-—\s]*\d{1,3}[-—\s]*$")


@rule(
    "TXT005",
    "句子未写完就接下一标题",
    Severity.WARNING,
    what="一节说明的最后一段以逗号、顿号、未闭合的括号或“的、和、与、是、比”等连接词结尾，原文中紧接着就是下一个标题，"
    "句子没有写完。页面换行、跨页造成的断行（原文下一行接着写）不算。",
    why="句子写了一半，通常是删改时误删了后半句，读者无法得知完整的说明。",
    failing="“…与上年相比增加（减少）0 万元，增长（” 后面紧接“十一、一般公共预算机关运行经费支出预算情况说明”。",
    passing="“…与上年相比无变化。” 后面接下一个标题；或句子跨页，下一页接着写完。",
)
def cut_off_sentences(ctx: RuleContext) -> None:
    paras = _with_source(ctx)
    if paras is None:
        return
    raw = [(no, normalize(text).strip()) for no, text in ctx.lines]
    index = {no: i for i, (no, _) in enumerate(raw)}
    for p, nxt in pairwise(paras):
        if p.heading or not nxt.heading:
            continue
        ctx.checked()
        text = p.text.rstrip()
        open_bracket = _unbalanced(text, set())
        dangling = _OPEN_END.search(text) or (open_bracket is not None and open_bracket[1] in _PAIRS)
        if len(squash(text)) < 10 or _TERMINAL.search(text) or not dangling:
            continue
        end = line_of(ctx, text[-8:], p.source)
        if end.line is None or end.line not in index:
            continue
        following = next((t for _, t in raw[index[end.line] + 1:] if t and not _PAGE_NO.match(t)), "")
        if not squash(following).startswith(squash(nxt.text)[:6]):
            continue  # the source text goes on with something else: a reading artefact
        quote = snippet(text, len(text) - 1, len(text), 30)
        ctx.report(
            f"说明“{p.section.heading[:24]}”{where(source=end)}的最后一句没有写完，原文紧接着是标题"
            f"“{nxt.text[:24]}”：“{quote}”。",
            source=end, values={"句末": text[-6:]}, quote=quote,
        )


# ----------------------------------------------------------------------------- TXT006

_PERIOD_LABEL = (r"(?:实施周期|实施期限|实施时间|执行时间|执行期限|执行周期|起止时间|项目期限|项目周期"
                 r"|资金执行时间|项目起止时间)")
_DATE = r"(20\d\d)\s*(?:年|\.|-|/)?\s*(?:(\d{1,2})\s*(?:月|\.|-|/)\s*(?:(\d{1,2})\s*日?)?)?"
_PERIOD = re.compile(rf"{_PERIOD_LABEL}\s*[:：为是]?\s*{_DATE}(?:\s*(?:-|至|到|~|—)\s*{_DATE})?")


@rule(
    "TXT006",
    "项目实施周期与预算年度矛盾",
    Severity.WARNING,
    what="核对“实施周期”“执行时间”“项目起止时间”等写明的期间是否覆盖文件的年度：2025 年预算的项目，实施周期"
    "写成“2024 年 1 月 1 日至 2024 年 12 月 31 日”，或结束早于开始。资产“截至 2024 年底”等时点不在此列。",
    why="预算安排的是本年度的支出，实施周期在往年，多半是沿用了上年的文本未更新，读者无法判断项目何时实施。",
    failing="2025 年部门预算：“资金执行时间：2024 年 1 月 1 日至 2024 年 12 月 31 日”。",
    passing="2025 年部门预算：“资金执行时间：2025 年 1 月 1 日至 2025 年 12 月 31 日”；跨年项目“2024—2026 年”。",
)
def period_years(ctx: RuleContext) -> None:
    year = ctx.disclosure.meta.year
    if year is None:
        ctx.missing("未能识别文件的年度")
        return
    seen: set[tuple[str, str | None]] = set()
    for label, text, source, table in printed_texts(ctx):
        norm = normalize(text or "")
        for m in _PERIOD.finditer(norm):
            start = int(m.group(1))
            end = int(m.group(4)) if m.group(4) else None
            first = (start, int(m.group(2) or 0), int(m.group(3) or 0))
            last_day = (end, int(m.group(5) or 0), int(m.group(6) or 0)) if end is not None else None
            key = (m.group(0), str(source.line))
            if key in seen:
                continue
            seen.add(key)
            ctx.checked()
            last = end if end is not None else start
            if last_day is not None and (end < start or (last_day[1] and first[1] and last_day < first)):
                problem = "结束早于开始"
            elif last < year or start > year:
                problem = f"不在{year}年内"
            else:
                continue
            quote = snippet(norm, m.start(), m.end(), 10)
            ctx.report(f"{label}{where(source=source)}写明的期间“{m.group(0)}”{problem}：“{quote}”。请核对。",
                       table=table, source=source, values={"期间": m.group(0), "文件年度": str(year)}, quote=quote)
    if not ctx.checks:
        ctx.skip("文件没有写明项目实施周期")
