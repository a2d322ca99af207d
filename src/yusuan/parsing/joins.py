"""Rows whose cells extraction printed apart, joined back.

Word and WPS exports of 江苏 tables draw a row's cells at different heights, so one printed
row reaches the parser over two or three grid lines, or its label and its amount sit in
different panels of one line. Each join here is checked against the table's own structure
(sides, panels, label shape); nothing is joined on a guess about wording.

- ``join_split_cells`` (two-sided tables): a label with no amount and, in the same panel on
  the next line, an amount with no label are one row ("三、单位预留机动经" / 3,990.40); a
  label with no amount and, on the same line, an amount with no label in the next panel are
  one row (当年支出小计 printed across the 功能分类 and 支出用途 panels); a short unnumbered
  fragment under a label is the end of that label ("2.政府性基金预" / "算").
- ``resolve_totals``: on a side that prints both 收入合计 and 收入总计, 合计 is the year's
  total; otherwise 收入合计 / 支出合计 is the side's grand total (``TOTAL``).
- ``nest_groups``: labels printed in two levels (收入预算总表: 一般公共预算资金 | 小计,
  | 公共财政拨款(补助)资金): each 小计 opens a group; the group label printed anywhere in the
  group names the 小计 row and is kept as ``text["group"]`` on its items.
- ``carryover_items``: income items listed under 上年结转 / 年初结转和结余 are carry-over of
  their source (``carryover_general_budget``).
- ``unit_sections``: 科目 rows printed under a unit's row belong to that unit.
- ``lone_total``: a table without a label column whose only data row is amounts
  (江苏 支出预算总表: 合计 | 基本支出 | 项目支出 … over one line of amounts) prints its
  totals: that row is ``TOTAL``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from yusuan.model import Row
from yusuan.parsing.rows import classify_label
from yusuan.text import leading_number, squash

_MAX_GAP = 2  # lines between the parts of one split row
_TOTALS = frozenset({"合计", "总计"})
_SUBTOTAL = re.compile(r"^小计$|^合计$")


def _bare(row: Row) -> bool:
    """A row with amounts and nothing to name it."""
    return bool(row.values) and not row.name and not row.label and not row.code


def _label_only(row: Row) -> bool:
    return bool(row.name) and not row.values


def _fragment(row: Row) -> bool:
    """The end of a label wrapped onto a line of its own: short, unnumbered, no amount."""
    s = squash(row.label or row.name)
    return (_label_only(row) and len(s) <= 2 and s not in _TOTALS and leading_number(row.label) is None
            and (not row.code or not row.code.isdigit()))


def _merge_values(into: Row, extra: Row) -> Row:
    return replace(into, values={**into.values, **extra.values},
                   value_sources={**into.value_sources, **extra.value_sources})


def _relabel(row: Row, name: str, label: str, table_id: str) -> Row:
    code = "" if not row.code.isdigit() and row.code != "TOTAL" else row.code
    code, key = classify_label(name, "" if code == "TOTAL" else code, table_id, row.side)
    return replace(row, name=name, label=label, code=code, key=key)


def join_split_cells(rows: list[Row], table_id: str) -> list[Row]:
    sided = any(r.side for r in rows)
    out: list[Row | None] = []
    last: dict[str, int] = {}  # side -> index in out of its latest row
    for row in rows:
        side = row.side or ""
        line = row.source.line or 0
        prev_i = last.get(side)
        prev = out[prev_i] if prev_i is not None else None
        near = prev is not None and 0 < line - (prev.source.line or 0) <= _MAX_GAP
        if _bare(row) and prev is not None and near and _label_only(prev) and prev_i is not None:
            out[prev_i] = _merge_values(prev, row)  # the amount printed a line below its label
            continue
        if sided and _fragment(row) and prev is not None and near and prev_i is not None:
            out[prev_i] = _relabel(prev, prev.name + row.name, prev.label + row.label, table_id)
            continue
        if sided and _bare(row) and out:
            j = len(out) - 1
            beside = out[j]
            if (beside is not None and beside.source.line == row.source.line and beside.side != row.side
                    and _label_only(beside)):
                out[j] = _merge_values(beside, row)  # a label printed across two panels
                continue
        out.append(row)
        last[side] = len(out) - 1
    return [r for r in out if r is not None]


def resolve_totals(rows: list[Row], table_id: str) -> list[Row]:
    """收入合计 / 支出合计 on a side: the year's total beside a 总计, else the grand total."""
    out = list(rows)
    for side in {r.side for r in rows if r.side}:
        mine = [i for i, r in enumerate(out) if r.side == side]
        named = [i for i in mine if re.fullmatch(r"(?:收入|支出)合计", squash(out[i].name))]
        if not named:
            continue
        has_grand = any(out[i].code == "TOTAL" for i in mine)
        for i in named:
            if has_grand:
                out[i] = replace(out[i], code="", key="year_total")
            else:
                out[i] = replace(out[i], code="TOTAL", key=None, level=None)
    return out


def nest_groups(rows: list[Row], table_id: str) -> list[Row]:
    """Two-level labels: groups opened by 小计 rows (or, where none is printed, by the rows
    that carry a group label)."""
    if not any("group" in r.text for r in rows):
        return rows

    def outer(r: Row) -> str:
        return r.text.get("group", "")

    def outer_only(r: Row) -> bool:
        return bool(outer(r)) and r.label == outer(r)

    def subtotal(r: Row) -> bool:
        return not outer_only(r) and bool(_SUBTOTAL.match(squash(r.name)))

    by_subtotal = any(subtotal(r) for r in rows)
    group_of: dict[int, int] = {}  # row index -> group number
    heads: set[int] = set()
    labels: list[str] = []
    dropped: set[int] = set()
    current: int | None = None
    for i, r in enumerate(rows):
        opens = subtotal(r) if by_subtotal else bool(outer(r)) and not outer_only(r)
        if opens:
            labels.append(outer(r))
            current = len(labels) - 1
            group_of[i] = current
            if by_subtotal:
                heads.add(i)
            continue
        if outer_only(r):
            if current is not None and not labels[current] and not r.values:
                labels[current] = outer(r)  # the group's label, printed lower in its merged cell
                dropped.add(i)
                continue
            current = None  # a row of its own (收入总计) ends the group
            continue
        if current is not None:
            group_of[i] = current
            if outer(r) and not labels[current]:
                labels[current] = outer(r)
    out: list[Row] = []
    for i, r in enumerate(rows):
        if i in dropped:
            continue
        text = {k: v for k, v in r.text.items() if k != "group"}
        label = labels[group_of[i]] if i in group_of else ""
        if i in heads and label:
            # the group's own total (小计) is named by its group
            r = _relabel(r, label, f"{label}/{r.label}", table_id)
        out.append(replace(r, text={**text, "group": label} if label else text))
    return out


def carryover_items(rows: list[Row]) -> list[Row]:
    """Income items listed under 上年结转(结余) / 年初结转和结余 are carry-over of their source
    (一般公共预算财政拨款 there is ``carryover_general_budget``), up to the next total."""
    out: list[Row] = []
    inside = False
    for row in rows:
        if row.side == "income":
            if row.code == "TOTAL" or row.key == "year_total":
                inside = False
            elif row.key == "carryover":
                inside = True
            elif inside and row.key and not row.key.startswith(("carryover", "use_surplus")):
                row = replace(row, key=f"carryover_{row.key}")
        out.append(row)
    return out


def unit_sections(rows: list[Row]) -> list[Row]:
    """In a table listing units and, under each, its 科目, the 科目 rows belong to the unit
    printed above them (``Row.unit_code`` / ``Row.unit_name``)."""
    if not any(r.unit_name for r in rows) or not any(r.code.isdigit() for r in rows):
        return rows
    out: list[Row] = []
    unit: Row | None = None
    for row in rows:
        if row.unit_name:
            unit = row
        elif row.code == "TOTAL":
            unit = None
        elif unit is not None and row.code.isdigit():
            row = replace(row, unit_code=unit.unit_code, unit_name=unit.unit_name)
        out.append(row)
    return out


def lone_total(rows: list[Row]) -> list[Row]:
    """The only data row of a table without labels holds the table's totals."""
    bare = [r for r in rows if _bare(r)]
    if len(bare) != 1 or any(r.name or r.code for r in rows):
        return rows
    return [replace(r, code="TOTAL", name="合计") if r is bare[0] else r for r in rows]
