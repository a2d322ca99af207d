"""绩效目标 tables -> ``PerformanceTarget``.

Two layouts:
- grid tables (cells in their columns): labelled head rows (项目名称, 项目资金 / 预算数 /
  资金总额 with its 资金来源, 项目总体目标 / 年度绩效目标), then an indicator header
  (一级指标, 二级指标, 三级指标 / 指标内容, 指标值, 权重) and one row per indicator.
  Merged 一级/二级 cells print once (at the top of the group, or in its middle in OCR
  output) and are carried to the rows they span.
- loose text (cells wrapped one word per line, blank cells lost): the head is read from its
  labels; indicators are read where each row's cells can be told apart by their shape
  (一级/二级 names end in 指标, values start with a comparison, weights are integers).

Tables come as blocks ``performance_unit`` / ``performance_project``; documents that print
their project tables inside the narrative under "N、…绩效目标表" headings are read from the
narrative too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from yusuan.ingest.document import Line
from yusuan.model import Diagnostic, Indicator, Meta, MoneyUnit, PerformanceTarget, Severity, Source
from yusuan.parsing.blocks import Layout
from yusuan.text import clean_cjk_spaces, parse_amount, squash

__all__ = ["parse_performance"]

_SCOPES = {"performance_unit": "unit", "performance_project": "project"}
_NARRATIVE_TITLE = re.compile(r"绩效目标(?:申报)?表$")


def parse_performance(layout: Layout, meta: Meta) -> tuple[tuple[PerformanceTarget, ...], tuple[Diagnostic, ...]]:
    targets: list[PerformanceTarget] = []
    diagnostics: list[Diagnostic] = []
    pieces = [(_SCOPES[b.table_id], b.title_line, b.lines) for b in layout.blocks if b.table_id in _SCOPES]
    pieces += _narrative_tables(layout.narrative)
    pieces.sort(key=lambda p: p[1].no)
    for scope, title, lines in pieces:
        grid = sum(1 for ln in lines if ln.grid) >= max(1, len([ln for ln in lines if not ln.blank]) // 2)
        target = _grid_target(scope, lines, meta) if grid else _loose_target(scope, lines, meta)
        if target is None:
            continue
        target = PerformanceTarget(
            scope=target.scope, name=target.name, amount=target.amount, funding=target.funding, goal=target.goal,
            indicators=target.indicators, unit=target.unit, source=Source(line=title.no, page=title.source.page),
        )
        if not target.indicators:
            diagnostics.append(
                Diagnostic(
                    code="P401",
                    severity=Severity.WARNING,
                    message=f"第 {title.no} 行的绩效目标表“{target.name or title.text.strip()}”未识别到绩效指标"
                    "（一级/二级/三级指标、指标值）。请核对该表是否完整。",
                    source=Source(line=title.no, page=title.source.page),
                    table="performance_unit" if scope == "unit" else "performance_project",
                )
            )
        targets.append(target)
    return tuple(targets), tuple(diagnostics)


def _narrative_tables(lines: Sequence[Line]) -> list[tuple[str, Line, tuple[Line, ...]]]:
    """"1、2025年…绩效目标表" followed by grid rows, inside the narrative."""
    out: list[tuple[str, Line, tuple[Line, ...]]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.grid and _NARRATIVE_TITLE.search(squash(line.text)):
            body: list[Line] = []
            j = i + 1
            while j < len(lines) and (lines[j].grid or lines[j].blank):
                body.append(lines[j])
                j += 1
            if sum(1 for ln in body if ln.grid) >= 3:
                out.append(("unit" if "整体" in line.text else "project", line, tuple(body)))
            i = j
            continue
        i += 1
    return out


# --------------------------------------------------------------------------- grid

_NAME_LABELS = ("项目名称",)
_UNIT_LABELS = ("单位名称(盖章)", "单位名称", "预算单位")
_STOP_LABELS = re.compile(
    r"^(?:项目负责人|联系电话|主管部门|实施期限|项目编码|单位联系人|项目资金|预算单位|项目性质|项目类别|实施单位)"
)
_GOAL_LABELS = {"项目绩效目标", "年度绩效目标", "项目总体目标", "总体目标", "年度总体目标", "绩效目标", "年度目标"}
_TOTAL_LABEL = re.compile(r"总额|预算数|合计|年度预算")
_FUNDING_LABEL = re.compile(r"^(?:其他|一般公共预算|政府性基金|\S{0,4}(?:资金|补助|配套|拨款|安排|自筹))$")
_LABEL_CLEAN = re.compile(r"^其中[:：]?|[:：]$|\(万元\)|\(元\)")


def _grid_target(scope: str, lines: Sequence[Line], meta: Meta) -> PerformanceTarget | None:
    rows = [ln for ln in lines if ln.grid]
    header = next((i for i, r in enumerate(rows) if _is_indicator_header(r.cells)), len(rows))
    head, body = rows[:header], rows[header:]
    name = _label_value(head, _NAME_LABELS)
    if scope == "unit":
        name = name or _label_value(head, _UNIT_LABELS) or (meta.unit_name or "")
    amount, funding = _money(head)
    goal = _goal(head)
    indicators = _indicators(body)
    if not name and not any(ind.value for ind in indicators):
        return None  # an unfilled template
    unit = MoneyUnit.YUAN if any("(元)" in squash(r.text) for r in head) else MoneyUnit.WAN
    return PerformanceTarget(scope, name, amount, funding, goal, indicators, unit)


def _goal(head: Sequence[Line]) -> str:
    """The text after a goal label; where the label row holds only sub-labels ("项目总目标",
    "年度总体目标"), the row below it (a text printed twice for both is kept once)."""
    for i, row in enumerate(head):
        filled = [c for c in row.cells if c]
        if not filled or squash(filled[0]) not in _GOAL_LABELS:
            continue
        texts = [c for c in filled[1:] if not (len(squash(c)) <= 8 and squash(c).endswith("目标"))]
        if not texts and i + 1 < len(head):
            texts = [c for c in head[i + 1].cells if c]
        unique = list(dict.fromkeys(texts))
        return clean_cjk_spaces(" ".join(unique))
    return ""


def _is_indicator_header(cells: Sequence[str]) -> bool:
    s = [squash(c) for c in cells]
    return any(c.startswith("一级指标") for c in s) and any(c.startswith("二级指标") for c in s)


def _label_value(rows: Sequence[Line], labels: Sequence[str]) -> str:
    for row in rows:
        cells = row.cells
        for i, cell in enumerate(cells):
            if squash(cell) not in labels:
                continue
            values: list[str] = []
            for nxt in cells[i + 1 :]:
                if _STOP_LABELS.match(squash(nxt)):
                    break
                if nxt:
                    values.append(nxt)
            if values:
                return clean_cjk_spaces(" ".join(values))
    return ""


def _money(rows: Sequence[Line]) -> tuple[Decimal | None, dict[str, Decimal]]:
    amount: Decimal | None = None
    funding: dict[str, Decimal] = {}
    for row in rows:
        label = ""
        for cell in row.cells:
            if not cell:
                continue
            value = parse_amount(cell)
            if value is None:
                label = _LABEL_CLEAN.sub("", squash(cell))
                continue
            if not label:
                continue
            if _TOTAL_LABEL.search(label):
                amount = value if amount is None else amount
            elif _FUNDING_LABEL.search(label):
                funding.setdefault(label, value)
            label = ""
    return amount, funding


@dataclass
class _Raw:
    level1: str
    level2: str
    level3: str
    value: str
    weight: Decimal | None
    line: int


def _indicators(rows: Sequence[Line]) -> tuple[Indicator, ...]:
    if not rows:
        return ()
    raws: list[_Raw] = []
    col_l1 = col_l2 = col_l3 = col_value = col_weight = None
    for row in rows:
        cells = row.cells
        filled = [c for c in cells if c]
        if not filled:
            continue
        if _is_indicator_header(cells):
            # A header repeated on a new page may place its columns differently.
            head = [squash(c) for c in cells]
            col_l1 = _col(head, lambda c: c.startswith("一级指标"))
            col_l2 = _col(head, lambda c: c.startswith("二级指标"))
            col_l3 = _col(head, lambda c: c.startswith("三级指标") or c in ("指标内容", "指标名称"))
            col_value = _col(head, lambda c: c.endswith("指标值") and "依据" not in c)
            col_weight = _col(head, lambda c: "权重" in c or c in ("分值", "指标分值"))
            continue
        if squash(filled[0]).startswith("注"):
            break

        def cell(index: int | None, cells: Sequence[str] = cells) -> str:
            return cells[index].strip() if index is not None and index < len(cells) else ""

        l1, l2, l3, value = cell(col_l1), cell(col_l2), cell(col_l3), cell(col_value)
        if not value:
            # Cells printed out of their columns: the last two texts are 指标 and 指标值.
            rest = [c for c in filled if not _LEVEL_NAME.search(squash(c))]
            if len(rest) >= 2:
                l3, value = rest[-2], rest[-1]
                l1 = l1 if _LEVEL_NAME.search(squash(l1)) else ""
                l2 = l2 if _LEVEL_NAME.search(squash(l2)) else ""
        if not l3 and not value:
            continue
        weight = parse_amount(cell(col_weight)) if col_weight is not None else None
        raws.append(_Raw(l1, l2, clean_cjk_spaces(l3), clean_cjk_spaces(value), weight, row.no))
    _fill_levels(raws)
    return tuple(
        Indicator(r.level1, r.level2, r.level3, r.value, r.weight, Source(line=r.line)) for r in raws
    )


def _col(head: Sequence[str], test: Callable[[str], bool]) -> int | None:
    return next((i for i, c in enumerate(head) if test(c)), None)


_LEVEL_NAME = re.compile(r"^\S{1,10}(?:指标|目标)$")
_L1_WORD = re.compile(r"产出|效益|效果|满意|成本|履职|效能|能力|管理")
_FAMILY = (
    (re.compile(r"满意"), re.compile(r"满意")),
    (re.compile(r"效益|影响|效果"), re.compile(r"效益|效果")),
    (re.compile(r"数量|质量|时效|成本"), re.compile(r"产出|成本")),
)


def _fill_levels(raws: list[_Raw]) -> None:
    """Carry merged 一级/二级 cells to the rows they span. A blank 一级 takes the label
    above it, or the one below it when the label above belongs to another family of
    二级 (OCR prints a merged cell's text in the middle of its rows)."""
    labels = [squash(r.level1) if _L1_WORD.search(r.level1) and "一级" not in r.level1 else "" for r in raws]
    for i, raw in enumerate(raws):
        if labels[i]:
            raw.level1 = clean_cjk_spaces(raw.level1)
            continue
        prev = next((raws[j].level1 for j in range(i - 1, -1, -1) if labels[j]), "")
        nxt = next((raws[j].level1 for j in range(i + 1, len(raws)) if labels[j]), "")
        if prev and _fits(prev, raw.level2):
            raw.level1 = clean_cjk_spaces(prev)
        elif nxt and _fits(nxt, raw.level2):
            raw.level1 = clean_cjk_spaces(nxt)
        elif prev:
            raw.level1 = clean_cjk_spaces(prev)  # the document's own 一级 names ("履职效能")
        else:
            # The printed label is lost (OCR): name the group by its 二级 family.
            raw.level1 = _family_name(raw.level2) or clean_cjk_spaces(nxt)
    last = ""
    for raw in raws:
        if raw.level2:
            last = raw.level2
        else:
            raw.level2 = last
    first = next((r.level2 for r in raws if r.level2), "")
    for raw in raws:
        raw.level2 = raw.level2 or first


def _family_name(level2: str) -> str:
    for (l2_pattern, _), name in zip(_FAMILY, ("满意度指标", "效益指标", "产出指标"), strict=True):
        if l2_pattern.search(level2):
            return name
    return ""


def _fits(level1: str, level2: str) -> bool:
    for l2_pattern, l1_pattern in _FAMILY:
        if l2_pattern.search(level2):
            return bool(l1_pattern.search(level1))
    return True


# --------------------------------------------------------------------------- loose

_LOOSE_NAME = re.compile(r"项目名称[:：]?(.+?)(?=项目负责人|项目资金|主管部门|$)")
_LOOSE_UNIT = re.compile(r"单位名称(?:\(盖章\))?[:：]?(.+?)(?=单位联系人|联系电话|年度绩效目标|$)")
_LOOSE_TOTAL = re.compile(r"(?:年度预算总额|实施期资金总额|年度资金总额|资金总额|预算数|金额合计)[:：]?(\d+(?:\.\d+)?)")
_LOOSE_FUNDING = re.compile(
    r"(财政拨款|财政资金|上级资金|本级资金|中央补助|本级配套|其他资金|其他)[:：]?(\d+(?:\.\d+)?)(?![\d.%])"
)
_LOOSE_GOAL = re.compile(r"(?:项目总体目标|年度绩效目标|年度总体目标|总体目标)(.+?)(?=年度预算|资金来源|$)")


def _loose_target(scope: str, lines: Sequence[Line], meta: Meta) -> PerformanceTarget | None:
    content = [ln for ln in lines if not ln.blank]
    header = next(
        (i for i, ln in enumerate(content) if squash(ln.text).startswith("一级")), len(content)
    )
    head_text = clean_cjk_spaces("".join(ln.text.strip() for ln in content[:header]))
    flat = squash(head_text)
    m = _LOOSE_NAME.search(flat)
    name = m.group(1) if m else ""
    if not name and scope == "unit":
        m = _LOOSE_UNIT.search(flat)
        name = m.group(1) if m else (meta.unit_name or "")
    m = _LOOSE_TOTAL.search(flat)
    amount = parse_amount(m.group(1)) if m else None
    funding: dict[str, Decimal] = {}
    for fm in _LOOSE_FUNDING.finditer(flat):
        value = parse_amount(fm.group(2))
        if value is not None:
            funding.setdefault(fm.group(1), value)
    goal_match = _LOOSE_GOAL.search(head_text.replace(" ", "")) if head_text else None
    goal = goal_match.group(1).strip(" :：") if goal_match else ""
    indicators = _loose_indicators(content[header:])
    if not name and not indicators:
        return None
    return PerformanceTarget(scope, name, amount, funding, goal, indicators, MoneyUnit.WAN)


_L1 = re.compile(r"^(?:产出|效益|效果|满意度|成本|履职效能|服务对象满意度)(?:指标|目标)?$")
_L2 = re.compile(
    r"^(?:数量|质量|时效|成本|经济成本|社会成本|生态环境成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度)指标$"
)
_HEADER_WORDS = ("一级指标", "二级指标", "三级指标", "指标值设置依据", "指标值确定依据", "指标设定依据", "指标值",
                 "上年完成值", "指标分值权重", "分值权重", "权重", "指标赋分规则", "佐证资料", "备注")
_OPERATOR = re.compile(r"^(?:>=|<=|≥|≤|=|>|<)")
_WEIGHT = re.compile(r"^(?:-\s*)?(\d{1,3})$")
_UNIT_WORD = re.compile(r"(?:万?元|人|名|份|次|个|户|天|日|月|年|家|项|台|套|件|册|%)(?:/[\u4e00-\u9fff]{1,2})*")


def _loose_indicators(lines: Sequence[Line]) -> tuple[Indicator, ...]:
    """Indicators of a loose table whose cells wrap a few characters per line. The rows
    are cut at their weights (an integer, after "-" where 上年完成值 is blank); in each row
    the 一级/二级 names are recognised by joining wrapped pieces, the value is the part that
    starts with a comparison (with its unit on the next line), 三级指标 the text before it.
    A row whose value does not start with a comparison cannot be told from its 三级指标
    and 依据 and is left out."""
    tokens = _tokens(lines)
    header_end, columns = _loose_header(tokens)
    tokens = tokens[header_end:]
    has_rule = "指标赋分规则" in columns
    has_evidence = "佐证资料" in columns
    out: list[Indicator] = []
    level1 = level2 = ""
    segment: list[tuple[str, int]] = []
    for token, no in tokens:
        weight = _WEIGHT.match(token)
        if not (weight and segment and not _OPERATOR.fullmatch(segment[-1][0]) and int(weight.group(1)) <= 100):
            segment.append((token, no))
            continue
        if out and (has_rule or has_evidence):
            segment = _drop_trailing_cells(segment, has_rule, has_evidence)
        row, level1, level2 = _loose_row(segment, level1, level2, Decimal(weight.group(1)))
        if row is not None:
            out.append(row)
        segment = []
    return tuple(out)


def _tokens(lines: Sequence[Line]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for line in lines:
        if line.blank:
            continue
        text = line.text.strip()
        # "全县支付改革方式覆盖率 ≥70%": a value printed on its 指标's line.
        for piece in re.split(r"\s+(?=>=|<=|≥|≤|=|>|<)", text):
            if piece.strip():
                out.append((squash(piece), line.no))
    return out


def _loose_header(tokens: Sequence[tuple[str, int]]) -> tuple[int, list[str]]:
    """Where the header words (wrapped over several lines) end, and which they were."""
    joined = ""
    end = 0
    words: list[str] = []
    for i, (token, _) in enumerate(tokens):
        found, rest = _header_words(joined + token)
        if rest and not any(w.startswith(rest) for w in _HEADER_WORDS):
            break
        joined, end, words = joined + token, i + 1, found
    return end, words


def _header_words(text: str) -> tuple[list[str], str]:
    """Header words read from the left, longest first; and what is left over."""
    found: list[str] = []
    at = 0
    while at < len(text):
        word = next((w for w in sorted(_HEADER_WORDS, key=len, reverse=True) if text.startswith(w, at)), None)
        if word is None:
            break
        found.append(word)
        at += len(word)
    rest = text[at:]
    if rest and found and not any(w.startswith(rest) for w in _HEADER_WORDS):
        # "指标值设" is the start of 指标值设置依据, not 指标值 and a stray 设.
        longer = found[-1] + rest
        if any(w.startswith(longer) for w in _HEADER_WORDS):
            return found[:-1], longer
    return found, rest


def _drop_trailing_cells(segment: list[tuple[str, int]], has_rule: bool, has_evidence: bool) -> list[tuple[str, int]]:
    """The cells printed after the previous row's weight (赋分规则, 佐证资料) open this segment."""
    i = 0
    if has_rule:
        joined = ""
        for j, (token, _) in enumerate(segment):
            joined += token
            if joined.endswith(("赋分", "规则")):
                i = j + 1
                break
    if has_evidence:
        joined = ""
        while i < len(segment) and len(joined) < 4 and _starts_level(segment[i:]) is None:
            joined += segment[i][0]
            i += 1
    return segment[i:]


def _starts_level(tokens: Sequence[tuple[str, int]]) -> tuple[str, int] | None:
    """A 一级/二级 name wrapped over the first few tokens: (name, tokens used)."""
    joined = ""
    best: tuple[str, int] | None = None
    for n, (token, _) in enumerate(tokens[:4], start=1):
        joined += token
        if _L1.match(joined) or _L2.match(joined):
            best = (joined, n)  # the longest: "产出" then "产出指标"
    return best


def _loose_row(
    segment: list[tuple[str, int]], level1: str, level2: str, weight: Decimal
) -> tuple[Indicator | None, str, str]:
    tokens = list(segment)
    names: list[str] = []
    while tokens and len(names) < 2:
        found = _starts_level(tokens)
        if found is None:
            break
        names.append(found[0])
        tokens = tokens[found[1] :]
    if len(names) == 2:
        level1, level2 = names
    elif names:
        # One name: a 二级 unless it can only be a 一级.
        if _L2.match(names[0]):
            level2 = names[0]
        else:
            level1, level2 = names[0], ""
    at = next((i for i, (t, _) in enumerate(tokens) if _OPERATOR.match(t)), None)
    if at is None or at == 0:
        return None, level1, level2
    value = tokens[at][0]
    j = at + 1
    # "≥" / "102961" / "人", ">=20000" / "份", "≤2万" / "元": the value's number and unit.
    while j < len(tokens) and (
        (re.fullmatch(r"\d+(?:\.\d+)?%?", tokens[j][0]) and re.fullmatch(r"\D*", value))
        or _UNIT_WORD.fullmatch(tokens[j][0])
        or (value.endswith("万") and tokens[j][0].startswith("元"))
    ):
        value += tokens[j][0]
        j += 1
    level3 = "".join(t for t, _ in tokens[:at])
    return Indicator(level1, level2, level3, value, weight, Source(line=tokens[0][1])), level1, level2
