"""Header rows -> column specs.

A table's header is printed over one to three rows with merged cells: a group label sits
in the first column of its span and the cells to its right are blank. A blank header
cell belongs to the group on its left when both it and the group's first column have
sub-headers below (that is what a merged cell looks like once flattened). Each column
gets its header path (levels joined with "/"), a role (row number, code, code part,
name, money, text) and, for money, a canonical key from ``catalogue.column_key``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from yusuan import codes
from yusuan.catalogue import column_key
from yusuan.text import parse_amount, squash

# Roles of a column.
ROWNUM, CODE, CODE_PART, NAME, GOV_CODE, GOV_NAME, MONEY, TEXT = (
    "rownum", "code", "code_part", "name", "gov_code", "gov_name", "money", "text")

_ROWNUM = re.compile(r"^(?:序号|栏次|行次|编号)$")
_CODE_PART = re.compile(r"^[类款项]$")
_GOV_CODE = re.compile(r"政府.*经济.*(?:编码|代码)")
_GOV_NAME = re.compile(r"政府.*经济.*名称")
_CODE = re.compile(r"(?:编码|代码)$")
_NAME = re.compile(
    r"名称$|^项目$|^科目$|内容$|^功能分类$|^经济分类$|分类科目(?:\(按大类\))?$|^支出项目$|^收入项目$")
_PROJECT_NAME = re.compile(r"^项目名称$")
_TEXT = {
    "备注": "note", "项目简介": "description", "说明": "note", "时间": "time", "人数": "headcount",
    "单位编码": "unit_code", "单位代码": "unit_code", "是否空表": "empty", "公开空表理由": "reason", "理由": "reason",
}
# 政府采购 item tables (one row per purchase: 项目名称 | 预算资金 | 采购物品名称 | 目录序号 |
# 计量单位 | 数量 | 单价 | 合计 | funding sources | 预留中小企业份额): the item's descriptive
# cells are text of its row, not a second row label or an amount.
_PROCUREMENT_TEXT = (
    (re.compile(r"^(?:采购)?物品名称$|^采购品目(?:名称)?$"), "item"),
    (re.compile(r"目录(?:序号|编码|代码)$|^品目编码$"), "catalogue_no"),
    (re.compile(r"^计量单位$"), "measure_unit"),
    (re.compile(r"^数量$"), "quantity"),
)
_PROCUREMENT_MONEY = ((re.compile(r"^预算资金$"), "project_budget"),)
# Plain header words (for recognising header rows repeated on later pages).
HEADER_WORDS = frozenset(
    {"项目", "科目", "类", "款", "项", "合计", "总计", "小计", "序号", "栏次", "收入", "支出", "预算数", "金额",
     "科目编码", "科目名称", "功能分类科目", "功能分类", "经济分类", "※"})


# "三公" rows: printed item -> key (DESIGN §4), most specific first.
_THREE_PUBLIC = (
    (r"^(?:合计|总计)$", "TOTAL"),
    (r"三公.*(?:小计|合计)", "three_public_subtotal"),
    (r"教学科研.*出国", "abroad_research"),
    (r"其他因公出国", "abroad_other"),
    (r"因公出国", "abroad"),
    (r"公务接待", "reception"),
    (r"公务用车购置及运", "vehicle"),
    (r"公务用车购置费|^购置费$", "vehicle_purchase"),
    (r"公务用车运行|^运行(?:维护)?费$", "vehicle_operation"),
    (r"其他会议费", "meeting_other"),
    (r"会议费", "meeting"),
    (r"培训费", "training"),
)


def three_public_key(sq: str) -> str | None:
    """The "三公" item key of a printed row label or column header, if any."""
    s = sq.replace('"', "").replace("“", "").replace("”", "")
    for pattern, key in _THREE_PUBLIC:
        if re.search(pattern, s):
            return key
    return None


@dataclass(frozen=True)
class ColumnSpec:
    index: int
    header: str  # path joined with "/"
    levels: tuple[str, ...]  # squashed levels, top first
    role: str
    key: str | None  # money key, or text key for TEXT columns
    panel: int = 0  # which side-by-side panel (two-sided tables), 0 otherwise


@dataclass(frozen=True)
class Header:
    columns: tuple[ColumnSpec, ...]
    garbled: bool  # a group label misplaced by extraction (see ``_orphans``)
    width: int

    def money(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.role == MONEY]

    def by_role(self, role: str, panel: int | None = None) -> list[ColumnSpec]:
        return [c for c in self.columns if c.role == role and (panel is None or c.panel == panel)]


def build_header(rows: list[tuple[str, ...]], table_id: str, repair: bool = False) -> Header:
    width = max((len(r) for r in rows), default=0)
    grid = [[squash(c) for c in r] + [""] * (width - len(r)) for r in rows]
    grid = _split_squeezed(grid, width)
    if repair:
        grid = _repair(grid, width)
    labels = _spans(grid, width)
    garbled = _orphans(grid, width, labels)
    paths: list[tuple[str, ...]] = []
    for j in range(width):
        levels: list[str] = []
        for r in range(len(grid)):
            label = labels[r][j]
            if label and (not levels or levels[-1] != label):
                levels.append(label)
        paths.append(tuple(levels))
    # 项目名称 beside a 科目名称 (no amounts between) is a project's name, text of the row;
    # a 项目名称 column of its own (收支总表 items) is the row's name.
    specs: list[ColumnSpec] = []
    subject_before = False
    for j in range(width):
        known_money = any(sp.role == MONEY and sp.key and not sp.key.startswith("col") for sp in specs)
        spec = _spec(j, paths[j], subject_before, table_id, known_money)
        specs.append(spec)
        if spec.role == NAME:
            subject_before = True
        elif spec.role == MONEY:
            subject_before = False
    specs = _panels(_year_flows(_year_columns(specs)))
    specs = _dedupe(specs)
    return Header(columns=tuple(specs), garbled=garbled, width=width)


_YEAR_HEADER = re.compile(r"^(\d{4})年度?(?:部门|单位)?(?:预算|决算|执行|预算执行)?(?:数|金额)?$")


def _year_columns(specs: list[ColumnSpec]) -> list[ColumnSpec]:
    """Amount columns headed by years ("2025年预算数 | 2026年预算数"): the latest year's is the
    table's amount, the year before it last year's (``prior``)."""
    years = {s.index: int(m.group(1)) for s in specs if s.role == MONEY and s.levels and s.key
             and s.key.startswith("col") and (m := _YEAR_HEADER.match(s.levels[-1]))}
    if not years or any(s.key == "total" for s in specs if s.role == MONEY):
        return specs
    latest = max(years.values())
    earlier = {y for y in years.values() if y < latest}
    out: list[ColumnSpec] = []
    for spec in specs:
        year = years.get(spec.index)
        key = "total" if year == latest else "prior" if year is not None and len(earlier) == 1 else spec.key
        out.append(ColumnSpec(spec.index, spec.header, spec.levels, spec.role, key, spec.panel))
    return out


_YEAR_FLOWS = {"本年收入": "year_income", "本年支出": "year_spending"}


def _year_flows(specs: list[ColumnSpec]) -> list[ColumnSpec]:
    """A 决算 收入支出 table prints 年初结转和结余 | 本年收入 | 本年支出 (合计 | 基本 | 项目) |
    年末结转和结余: there 本年收入 and 本年支出 (or its 合计) are flows of the year, not the
    table's total. Elsewhere (a 收支总表's 本年收入 amount column) they keep their meaning."""
    if not any(s.role == MONEY and s.levels and re.match(r"^年[初末]结转", s.levels[-1]) for s in specs):
        return specs
    out: list[ColumnSpec] = []
    for spec in specs:
        flow = next((_YEAR_FLOWS[lvl] for lvl in spec.levels if lvl in _YEAR_FLOWS), None)
        leaf = spec.levels[-1] if spec.levels else ""
        if spec.role == MONEY and flow and (leaf in _YEAR_FLOWS or leaf == "合计"):
            spec = ColumnSpec(spec.index, spec.header, spec.levels, spec.role, flow, spec.panel)
        out.append(spec)
    return out


def _spans(grid: list[list[str]], width: int) -> list[list[str]]:
    def below(r: int, j: int) -> bool:
        return any(grid[k][j] for k in range(r + 1, len(grid)))

    labels = [[""] * width for _ in grid]
    origin = [[-1] * width for _ in grid]  # column where the label covering (r, j) starts
    for r, row in enumerate(grid):
        cur = -1
        for j in range(width):
            if row[j]:
                labels[r][j], origin[r][j], cur = row[j], j, j
                continue
            same_parent = r == 0 or origin[r - 1][j] == origin[r - 1][cur] if cur >= 0 else False
            if cur >= 0 and below(r, j) and below(r, cur) and same_parent:
                labels[r][j], origin[r][j] = row[cur], cur
            else:
                cur = -1
    return labels


def _orphans(grid: list[list[str]], width: int, labels: list[list[str]]) -> bool:
    """A leaf header (nothing below it) immediately followed by a blank cell that has
    sub-headers below and no group label above: the group label that belongs over them was
    printed elsewhere. Panels of a 收支总表 may print their levels at different heights (a
    blank under a group label is not an orphan), and a one-level header may print its
    labels at different heights (each column has one label: nothing is missing)."""
    if all(sum(1 for r in range(len(grid)) if grid[r][j]) <= 1 for j in range(width)):
        return False
    for r in range(len(grid) - 1):
        for j in range(1, width):
            left_is_leaf = grid[r][j - 1] and not any(grid[k][j - 1] for k in range(r + 1, len(grid)))
            covered = any(labels[k][j] for k in range(r))
            if left_is_leaf and not grid[r][j] and not covered and any(grid[k][j] for k in range(r + 1, len(grid))):
                return True
    return False


# Header labels that extraction may interleave into a neighbour's two-line label.
_INTERLEAVED = ("小计", "合计", "公务接待费", "因公出国(境)费", "会议费", "培训费", "公务用车购置费",
                "基本支出", "项目支出", "人员经费", "公用经费")


def _known_label(text: str) -> bool:
    return bool(three_public_key(text) or column_key(text))


def _split_squeezed(grid: list[list[str]], width: int) -> list[list[str]]:
    """Two header cells whose words extraction interleaved into one, beside a column left
    without any header: "因公出国小计(境)费" is 小计 and 因公出国(境)费, "公务用车运公务接待费行
    维护费" is 公务用车运行维护费 and 公务接待费. A single-line label printed level with the
    middle of a two-line one lands between its lines. Split only when both parts are known
    labels and the word sits inside the other. Order: a 小计/合计 first (a subtotal is
    printed before its parts); otherwise the two-line label first."""
    out = [list(row) for row in grid]
    for r, row in enumerate(grid):
        for j in range(width - 1):
            cell = row[j]
            if not cell:
                continue
            if any(grid[k][j + 1] for k in range(len(grid))):
                continue
            for word in _INTERLEAVED:
                at = cell.find(word)
                rest = cell[:at] + cell[at + len(word):] if at >= 0 else ""
                inside = at > 0 and at + len(word) < len(cell)  # interleaved, not a prefix or suffix
                if not inside or len(rest) < 2 or not _known_label(rest):
                    continue
                first, second = (word, rest) if word in ("小计", "合计") else (rest, word)
                out[r][j], out[r][j + 1] = first, second
                break
    return out


def _repair(grid: list[list[str]], width: int) -> list[list[str]]:
    """Undo one known extraction fault: a merged group's last sub-header printed at the end of
    the row, and the leaf headers between shifted one column left. Seen as a leaf followed by
    an orphan sub-header (``_orphans``); the sub-header goes back after the group's other
    children and the leaves move right. Returns the grid unchanged when the pattern differs."""

    def below(r: int, j: int) -> bool:
        return any(grid[k][j] for k in range(r + 1, len(grid)))

    for r in range(len(grid) - 1):
        for j in range(1, width):
            if not (grid[r][j - 1] and not below(r, j - 1) and not grid[r][j] and below(r, j)):
                continue
            group = next((g for g in range(j - 1, -1, -1) if grid[r][g] and below(r, g)), None)
            if group is None:
                return grid
            last = group
            while last + 1 < j and not grid[r][last + 1] and below(r, last + 1):
                last += 1
            leaves = range(last + 1, j)
            if not leaves or not all(grid[r][x] and not below(r, x) for x in leaves):
                return grid
            fixed = [list(row) for row in grid]
            fixed[r][last + 2 : j + 1] = grid[r][last + 1 : j]
            fixed[r][last + 1] = ""
            for k in range(r + 1, len(grid)):
                fixed[k][last + 1], fixed[k][j] = grid[k][j], ""
            return fixed
    return grid


def _spec(j: int, levels: tuple[str, ...], has_subject_name: bool, table_id: str,
          after_money: bool = False) -> ColumnSpec:
    header = "/".join(levels)
    bottom_up = list(reversed(levels))
    if not levels:
        return ColumnSpec(j, header, levels, TEXT, None)
    leaf = bottom_up[0]
    if _ROWNUM.match(leaf):
        return ColumnSpec(j, header, levels, ROWNUM, None)
    if _CODE_PART.match(leaf):
        return ColumnSpec(j, header, levels, CODE_PART, None)
    if any(_GOV_CODE.search(level) for level in bottom_up):
        return ColumnSpec(j, header, levels, GOV_CODE, "gov_econ_code")
    if any(_GOV_NAME.search(level) for level in bottom_up):
        return ColumnSpec(j, header, levels, GOV_NAME, "gov_econ_name")
    if leaf in _TEXT:
        return ColumnSpec(j, header, levels, TEXT, _TEXT[leaf])
    if table_id == "procurement":
        for pattern, key in _PROCUREMENT_TEXT:
            # 采购物品名称 right of an amount describes the purchase; left of every amount it
            # is the last level of the row's name (items listed under 品目 and 专项).
            if pattern.search(leaf) and (key != "item" or after_money):
                return ColumnSpec(j, header, levels, TEXT, key)
        for pattern, key in _PROCUREMENT_MONEY:
            if pattern.search(leaf):
                return ColumnSpec(j, header, levels, MONEY, key)
    if _CODE.search(leaf) or (len(levels) > 1 and _CODE.search(levels[0]) and _CODE_PART.match(leaf)):
        return ColumnSpec(j, header, levels, CODE, None)
    if _PROJECT_NAME.match(leaf):
        return ColumnSpec(j, header, levels, TEXT if has_subject_name else NAME,
                          "project_name" if has_subject_name else None)
    if leaf in _TEXT:
        return ColumnSpec(j, header, levels, TEXT, _TEXT[leaf])
    if _NAME.search(leaf):
        return ColumnSpec(j, header, levels, NAME, None)
    if any(_ROWNUM.match(level) for level in bottom_up):
        return ColumnSpec(j, header, levels, ROWNUM, None)  # 序号 over an unreadable sub-header
    key = _money_key(bottom_up, table_id)
    if key is None and any(_CODE.search(level) for level in bottom_up):
        return ColumnSpec(j, header, levels, CODE, None)
    return ColumnSpec(j, header, levels, MONEY, key or f"col{j + 1}")


def _money_key(bottom_up: list[str], table_id: str) -> str | None:
    """Leaf first; a subtotal (小计/合计) under a keyed group is that group's key."""
    if table_id == "three_public":
        # Items as columns (因公出国(境)费 | 公务接待费 | 公务用车… | 会议费 | 培训费)
        for level in bottom_up:
            item = three_public_key(level)
            if item and item != "TOTAL":
                return item
    keys = [column_key(level) for level in bottom_up]
    leaf_key = keys[0]
    if leaf_key == "total":
        parent = next((k for k in keys[1:] if k and k != "total"), None)
        if bottom_up[0] == "小计" and len(bottom_up) > 1:
            # 本年收入/小计 beside 合计: a part, not the total
            return parent or "subtotal"
        return leaf_key
    if leaf_key:
        return leaf_key
    econ = _econ_classes().get(bottom_up[0].replace("的", ""))
    if econ:
        return f"econ_{econ}"
    return next((k for k in keys[1:] if k), None)


@cache
def _econ_classes() -> dict[str, str]:
    """部门经济分类 类 names (squashed, without 的) -> code: the 项目支出 table's columns."""
    return {squash(c.name).replace("的", ""): c.code
            for c in codes.code_list(codes.DEPT_ECON).values() if c.level == 1}


def _panels(specs: list[ColumnSpec]) -> list[ColumnSpec]:
    """Number side-by-side panels: a name or code column after money columns starts a new
    one (收入 | 支出 halves, or a long list printed in two halves)."""
    out: list[ColumnSpec] = []
    panel, seen_money = 0, False
    for spec in specs:
        if spec.role in (NAME, CODE, CODE_PART, ROWNUM) and seen_money:
            panel += 1
            seen_money = False
        if spec.role == MONEY:
            seen_money = True
        out.append(ColumnSpec(spec.index, spec.header, spec.levels, spec.role, spec.key, panel))
    return out


def _dedupe(specs: list[ColumnSpec]) -> list[ColumnSpec]:
    """Two money columns of one panel with the same key: qualify the later ones with their
    group's key ("nonfiscal_personnel") or their position."""
    out: list[ColumnSpec] = []
    seen: Counter[tuple[int, str]] = Counter()
    for spec in specs:
        if spec.role != MONEY or spec.key is None:
            out.append(spec)
            continue
        key = spec.key
        if seen[(spec.panel, key)]:
            groups = [column_key(level) for level in spec.levels[:-1]]
            group = next((g for g in groups if g and g != key), None)
            key = f"{group}_{key}" if group and not seen[(spec.panel, f"{group}_{key}")] else f"{key}_{spec.index + 1}"
        seen[(spec.panel, key)] += 1
        out.append(ColumnSpec(spec.index, spec.header, spec.levels, spec.role, key, spec.panel))
    return out


def _inner_name(spec: ColumnSpec, left: ColumnSpec | None, rows: list[tuple[str, ...]]) -> bool:
    """A column without a header of its own right of a name column, holding words: the
    name header was merged over both, and the row's label has two levels (收入预算总表:
    一般公共预算资金 | 小计, | 公共财政拨款(补助)资金)."""
    if spec.levels or left is None or left.role != NAME:
        return False
    cells = [r[spec.index].strip() for r in rows if spec.index < len(r) and r[spec.index].strip()]
    words = [c for c in cells if parse_amount(c) is None and re.search(r"[\u4e00-\u9fff]", c)]
    return bool(cells) and len(words) * 2 > len(cells)


def known_header(text: str) -> bool:
    """Whether a (squashed) header cell is one this module recognises."""
    if text in _TEXT or _ROWNUM.match(text) or _CODE.search(text) or _NAME.search(text) or column_key(text):
        return True
    return any(p.search(text) for p, _k in _PROCUREMENT_TEXT) or any(re.search(p, text) for p, _k in _TEXT_KEYS)


_TEXT_KEYS = (
    (r"采购组织形式|组织形式", "procurement_method"),  # wrapped "采购组织形/式": see tables._absorb_wraps
    (r"采购品目|品目", "category"),
    (r"经济科目|经济分类", "econ_name"),
    (r"专项名称|项目名称", "project_name"),
    (r"物品名称|采购物品|名称", "item"),
)


def refine_roles(header: Header, rows: list[tuple[str, ...]]) -> Header:
    """Correct column roles from the data: a money column whose cells are words is text
    (政府采购 tables: 采购组织形式 …); a table's only money column with an unknown header is
    its total (机关运行经费支出)."""
    columns = list(header.columns)
    for i, spec in enumerate(columns):
        if _inner_name(spec, columns[i - 1] if i else None, rows):
            columns[i] = ColumnSpec(spec.index, spec.header, spec.levels, NAME, None, spec.panel)
            continue
        if spec.role != MONEY:
            continue
        cells = [r[spec.index].strip() for r in rows if spec.index < len(r) and r[spec.index].strip()]
        words = [c for c in cells if parse_amount(c) is None and c not in ("-", "--", "—", "/")]
        if cells and len(words) * 2 > len(cells) and spec.key and spec.key.startswith("col"):
            if not any(c.role == NAME for c in columns[:i]):
                # words left of every name column: the first level of the row's label
                columns[i] = ColumnSpec(spec.index, spec.header, spec.levels, NAME, None, spec.panel)
                continue
            key = next((k for p, k in _TEXT_KEYS if any(re.search(p, lvl) for lvl in spec.levels)), spec.key)
            columns[i] = ColumnSpec(spec.index, spec.header, spec.levels, TEXT, key, spec.panel)
    money = [c for c in columns if c.role == MONEY]
    if len(money) == 1 and money[0].key and money[0].key.startswith("col"):
        only = money[0]
        columns[columns.index(only)] = ColumnSpec(only.index, only.header, only.levels, MONEY, "total", only.panel)
    if columns == list(header.columns):
        return header
    return Header(columns=tuple(_panels(columns)), garbled=header.garbled, width=header.width)
