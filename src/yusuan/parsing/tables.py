"""Table blocks -> ``Table`` records (and the document's own catalogue).

A grid block is read as bands: header rows, then data rows, then possibly the same header
printed again on the next page, then more data. Page furniture (预算年度, 编制单位, 单位：万元)
and column-number rows (栏次, ※) are skipped. Each band's header gives the columns; a
header damaged by extraction borrows the header of another band of the same table.
Blocks made of loose lines (blank cells lost) and loose lines inside a grid table are
handed to ``yusuan.parsing.loose`` for inference.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from types import ModuleType

from yusuan import codes
from yusuan.catalogue import classify_title, kind_for_codes
from yusuan.ingest.document import Line
from yusuan.model import (
    CatalogueEntry,
    Column,
    Diagnostic,
    Meta,
    MoneyUnit,
    Row,
    Severity,
    Source,
    Table,
)
from yusuan.parsing import joins, selfcheck
from yusuan.parsing.blocks import Layout, TableBlock
from yusuan.parsing.headers import HEADER_WORDS, MONEY, TEXT, Header, build_header, known_header, refine_roles
from yusuan.parsing.realign import realign
from yusuan.parsing.rows import Words, panel_sides, read_rows, transposed_rows, words_in_amount_cells
from yusuan.text import clean_cjk_spaces, parse_amount, squash, strip_numbering

_UNIT = re.compile(r"(?:金额)?单位\s*[:：,，]?\s*(万元|元)(?![\u4e00-\u9fff])")
_FURNITURE = re.compile(
    r"预算年度|编制单位|单位名称|截止时间|截至时间|(?:金额)?单位[:：,，]?(?:万元|元)$|保密审查|审签")
_MARKER_CELL = re.compile(r"^(?:※|\*|栏次|序号|行次|\d{1,2})$")
_CODE_CELL = re.compile(r"^(?:\d{3}|\d{5}|\d{7})$|^\d{3}\s?\d{2}(?:\s?\d{2})?$")
_EMBEDDED = re.compile(r"^\d{3}\s+\S")
_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\d{1,2}(?:[、．]|\.(?!\d))|\(\d{1,2}\)|\([一二三四五六七八九十]+\)|其中[:：])")
_EMPTY_NOTE = re.compile(r"空表|表为空|无此项|不涉及|没有.*(?:支出|收入|预算)|无相关(?:收支|支出|收入)")
# A page header "362001 兴隆县医疗保障局本级": the unit's 6-digit code and name.
_UNIT_CODE = re.compile(r"\d{6}(?:$|[\u4e00-\u9fff])")
_PAGE_NUMBER = re.compile(r"-?\d{1,3}-?|第\d{1,3}页(?:共\d{1,3}页)?|\d{1,3}/\d{1,3}")
_PERFORMANCE = {"performance_unit", "performance_project"}
# Words only a header cell holds (a label-only data row never does).
_HEADERISH = re.compile(r"名称|金额|编码|代码|^项目$|^科目$")


@dataclass
class _Band:
    header_rows: list[tuple[str, ...]] = field(default_factory=list)
    data: list[Line] = field(default_factory=list)
    closed: bool = False  # a column-number row (栏次, ※) ends the header


def parse_tables(
    layout: Layout, meta: Meta
) -> tuple[tuple[Table, ...], tuple[CatalogueEntry, ...], tuple[Diagnostic, ...]]:
    tables: list[Table] = []
    catalogue: tuple[CatalogueEntry, ...] = ()
    diagnostics: list[Diagnostic] = []
    last_unit: MoneyUnit | None = None
    for block in layout.blocks:
        if block.table_id in _PERFORMANCE:
            continue  # read by parse.performance
        if block.table_id == "catalogue":
            entries, found = parse_catalogue(block)
            catalogue += entries
            diagnostics += found
            continue
        table, found = parse_block(block, meta, last_unit)
        last_unit = table.unit or last_unit
        tables.append(table)
        diagnostics += found
    if not catalogue:
        catalogue = contents_entries(layout)
    tables, found = _apply_catalogue(tables, catalogue)
    diagnostics += found
    loose = _loose_module()
    if loose is not None and tables:
        refined, found = loose.refine(tuple(tables))
        tables = list(refined)
        diagnostics += found
    return selfcheck.mark_uncertain(tables, diagnostics), catalogue, tuple(diagnostics)


def _loose_module() -> ModuleType | None:
    """The loose-line inference module, when installed in this build."""
    try:
        return importlib.import_module("yusuan.parsing.loose")
    except ImportError:
        return None


# --------------------------------------------------------------------------- one block


def parse_block(block: TableBlock, meta: Meta, default_unit: MoneyUnit | None = None) -> tuple[Table, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    where = Source(line=block.title_line.no, page=block.title_line.source.page)
    unit = _unit_of(block)
    if unit is None:
        unit = default_unit or meta.narrative_unit
        if unit is not None:
            diagnostics.append(Diagnostic(
                code="P121", severity=Severity.INFO,
                message=f"表格“{block.title}”（第 {block.title_line.no} 行）未印金额单位，按“{unit.value}”处理。"
                "请核对原表的金额单位。", source=where, table=block.table_id))
    notes = [ln for ln in block.lines if _is_note(ln)]
    loose_rows = [ln for ln in block.lines if _is_loose_data(ln)]
    grid_rows = [ln for ln in _grid_rows(block.lines) if not _is_note(ln)]

    columns: tuple[Column, ...] = ()
    rows: list[Row] = []
    if grid_rows and len(grid_rows) >= len(loose_rows):
        columns, rows, found = _parse_grid(block, grid_rows)
        diagnostics += found
        if loose_rows:
            more, found = _infer_loose_rows(block, columns, loose_rows)
            rows += more
            diagnostics += found
            # The wrapped text around a loose line that could not be read is that line's,
            # not the next row's: drop the label-only lines beside it.
            unread = {ln.no for ln in loose_rows} - {r.source.line for r in more}
            rows = [r for r in rows if r.values or r.code or not any(
                abs((r.source.line or 0) - no) == 1 for no in unread)]
    elif loose_rows:
        columns, more, found = _parse_loose_block(block, columns)
        rows += more
        diagnostics += found

    rows.sort(key=lambda r: r.source.line or 0)  # inferred rows join the grid rows in print order
    rows = joins.join_split_cells(rows, block.table_id)
    rows = joins.nest_groups(rows, block.table_id)
    rows = joins.resolve_totals(rows, block.table_id)
    rows = joins.carryover_items(rows)
    rows = joins.unit_sections(rows)
    rows = joins.lone_total(rows)
    if block.table_id == "procurement":
        rows = _inherit_project_names(_join_wrapped_items(rows))
    table_id = kind_for_codes(block.table_id, _classification(rows))
    has_values = any(r.values for r in rows)
    # No amount anywhere: an empty table, with or without a printed note (the note, when
    # printed, is the reason). Loose lines that could not be placed are not emptiness.
    empty = not has_values and (bool(notes) or not loose_rows or bool(rows))
    reason = _note_text(block.lines, notes[0]) if notes and empty else None
    table = Table(
        id=table_id, title=block.title, number=block.number, unit=unit, columns=columns,
        rows=tuple(rows), empty=empty, empty_reason=reason, source=where)
    return table, diagnostics


def _classification(rows: Sequence[Row]) -> str | None:
    """"function" or "economic" when the coded rows follow one classification."""
    kinds = [codes.kind_of(r.code) for r in rows if r.code.isdigit()]
    economic = sum(1 for k in kinds if k in (codes.DEPT_ECON, codes.GOV_ECON))
    function = sum(1 for k in kinds if k == codes.FUNC)
    if economic + function < 2:
        return None
    if economic >= 0.8 * (economic + function):
        return "economic"
    if function >= 0.8 * (economic + function):
        return "function"
    return None


def _is_note(line: Line) -> bool:
    """An empty-table note, printed below the table or inside its grid ("此表为空")."""
    if line.grid and sum(1 for c in line.cells if c.strip()) != 1:
        return False
    return bool(_EMPTY_NOTE.search(squash(line.text)))


def _note_text(lines: Sequence[Line], note: Line) -> str:
    """The empty-table note, with the line it wraps onto ("…情况表为" / "空表。")."""
    text = clean_cjk_spaces(note.text)
    following = [ln for ln in lines if ln.no > note.no and not ln.blank]
    for line in following[:2]:
        if text.endswith(("。", ".")) or line.grid:
            break
        text += clean_cjk_spaces(line.text)
    return text


def _grid_rows(lines: Sequence[Line]) -> list[Line]:
    """Grid lines, plus the label-only rows of a grid table: text extraction strips the
    trailing tabs of a row whose cells after the first are blank, leaving one loose token."""
    out: list[Line] = []
    for line in lines:
        if line.grid:
            if any(line.cells):
                out.append(line)
            continue
        if not out or line.blank or len(line.cells) > 2 or _is_loose_data(line):
            continue
        s = squash(line.text)
        if "。" in s or _EMPTY_NOTE.search(s) or _FURNITURE.search(s) or classify_title(s) or s.startswith("注"):
            continue
        if _PAGE_NUMBER.fullmatch(s) or _UNIT_CODE.match(s):
            continue  # a page number between the rows of a table printed over pages
        out.append(replace(line, cells=(clean_cjk_spaces(line.text),), grid=True))
    return out


def _unit_of(block: TableBlock) -> MoneyUnit | None:
    for line in (block.title_line, *block.lines):
        m = _UNIT.search(line.text.replace(" ", "").replace("\t", ""))
        if m:
            return MoneyUnit.WAN if m.group(1) == "万元" else MoneyUnit.YUAN
    return None


def _is_loose_data(line: Line) -> bool:
    """A loose line that carries table data (amounts among several tokens)."""
    if line.grid or line.blank or len(line.cells) < 2:
        return False
    s = squash(line.text)
    if _FURNITURE.search(s) or classify_title(line.text) or "。" in s or s.startswith(("注", "说明")):
        return False  # page furniture, a title, a note or a sentence
    return sum(1 for c in line.cells if parse_amount(c) is not None and "." in c) >= 1


# --------------------------------------------------------------------------- grid


def _parse_grid(block: TableBlock, lines: list[Line]) -> tuple[tuple[Column, ...], list[Row], list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    bands = _bands(lines)
    for band in bands:
        band.header_rows, band.data, _moved = realign(band.header_rows, band.data)
        _absorb_wraps(band)
    headers = [build_header(b.header_rows, block.table_id) if b.header_rows else None for b in bands]
    chosen: list[Header | None] = []
    previous: Header | None = None
    for band, header in zip(bands, headers, strict=True):
        use = header
        if use is None or use.garbled or len(use.money()) == 0:
            alt = _alternative(header, headers, previous)
            if alt is not None:
                use = alt
                if header is not None and header.garbled:
                    first = band.data[0] if band.data else None
                    diagnostics.append(Diagnostic(
                        code="P125", severity=Severity.INFO,
                        message=f"表格“{block.title}”（第 {block.title_line.no} 行）某页的表头列位置错乱，"
                        "已按同表其他页完整的表头读取该页各栏。请核对该页各栏金额的归属。",
                        source=Source(line=first.no if first else block.title_line.no), table=block.table_id))
            elif header is not None and header.garbled and not (
                    repaired := build_header(band.header_rows, block.table_id, repair=True)).garbled:
                use = repaired
                first = band.data[0] if band.data else None
                diagnostics.append(Diagnostic(
                    code="P124", severity=Severity.INFO,
                    message=f"表格“{block.title}”（第 {block.title_line.no} 行）的表头有一个合并单元格的子栏目被"
                    "排到了行尾，已按表头结构归位后读取。请核对该表各栏金额的归属。",
                    source=Source(line=first.no if first else block.title_line.no), table=block.table_id))
            elif header is not None and header.garbled:
                first = band.data[0] if band.data else None
                diagnostics.append(Diagnostic(
                    code="P122", severity=Severity.WARNING,
                    message=f"表格“{block.title}”的表头（第 {block.title_line.no} 行之后）列位置错乱，"
                    "按印出的位置读取各栏。请核对原表各栏金额的归属。",
                    source=Source(line=first.no if first else block.title_line.no), table=block.table_id))
        if use is None:
            use = previous
        chosen.append(use)
        previous = use or previous

    rows: list[Row] = []
    columns: dict[str, Column] = {}
    words: Words = {}
    for band, header in zip(bands, chosen, strict=False):
        if header is None:
            continue
        header = refine_roles(header, [ln.cells for ln in band.data])
        for spec in header.columns:
            if spec.role in (MONEY, TEXT) and spec.key and spec.key not in columns:
                columns[spec.key] = Column(key=spec.key, header=spec.header)
        sides = panel_sides(header)
        groups: dict[int, str] = {}
        for line in band.data:
            items = transposed_rows(line, header, block.table_id)
            if items is not None:
                rows += items
                final = any("budget" in r.values for r in items)
                columns = {"total": Column(key="total", header="决算数" if final else "预算数")}
                if final:
                    columns["budget"] = Column(key="budget", header="预算数")
                continue
            found_rows, found = read_rows(line, header, block.table_id, sides, groups, words)
            diagnostics += found
            for row in found_rows:
                if _joins_previous(rows, row):
                    prev = rows[-1]
                    rows[-1] = replace(prev, name=prev.name + row.name, label=prev.label + row.label)
                    continue
                if _repeats_total(rows, row):
                    continue
                rows.append(row)
    for r in rows:  # keys that rows carry without a column of their own (econ panel groups)
        for key in r.values:
            columns.setdefault(key, Column(key=key, header=key))
    diagnostics += words_in_amount_cells(words, block.table_id)
    diagnostics += _unmapped(block, list(columns.values()), rows)
    return tuple(columns.values()), rows, diagnostics


def _absorb_wraps(band: _Band) -> None:
    """The last characters of a header cell wrapped below the header's last ruling land in
    the first data row ("采购组织形" / "式" beside 合计): a short word there that completes
    its column's header to one the parser knows goes back into the header."""
    if not band.header_rows or not band.data:
        return
    first = band.data[0]
    cells = list(first.cells)
    moved = False
    for j, cell in enumerate(cells):
        word = squash(cell)
        if not word or len(word) > 2 or parse_amount(word) is not None:
            continue
        rows = [r for r in band.header_rows if j < len(r) and r[j].strip()]
        if not rows:
            continue
        leaf = squash(rows[-1][j])
        if known_header(leaf) or not known_header(leaf + word):
            continue
        at = band.header_rows.index(rows[-1])
        row = list(rows[-1])
        row[j] = row[j] + word
        band.header_rows[at] = tuple(row)
        cells[j] = ""
        moved = True
    if moved:
        band.data[0] = replace(first, cells=tuple(cells), text="\t".join(cells))


def _unmapped(block: TableBlock, columns: list[Column], rows: list[Row]) -> list[Diagnostic]:
    """P126, once per table: amount columns whose header matches no canonical key."""
    unknown = [c for c in columns if re.fullmatch(r"col\d+", c.key) and any(c.key in r.values for r in rows)]
    if not unknown:
        return []
    names = "、".join(f"“{c.header or c.key}”" for c in unknown)
    return [Diagnostic(
        code="P126", severity=Severity.INFO,
        message=f"表格“{block.title}”的 {len(unknown)} 个金额栏（{names}）无法对应到标准栏目，按位置（"
        f"{'、'.join(c.key for c in unknown)}）读取。请核对这些栏的含义。",
        source=Source(line=block.title_line.no, page=block.title_line.source.page), table=block.table_id)]


def _alternative(header: Header | None, headers: Sequence[Header | None], previous: Header | None) -> Header | None:
    """A sound header of the same table to use instead of a missing or damaged one."""
    width = header.width if header else (previous.width if previous else None)
    sound = [h for h in headers if h is not None and not h.garbled and h.money()]
    same = [h for h in sound if width is None or h.width == width]
    if same:
        return max(same, key=lambda h: len(h.money()))
    if previous is not None and (header is None or not header.money()):
        return previous
    return None


def _bands(lines: list[Line]) -> list[_Band]:
    bands: list[_Band] = [_Band()]
    vocab: set[str] = set(HEADER_WORDS)
    for line in lines:
        cells = line.cells
        text = squash(line.text)
        if _is_furniture(cells, text) or (cells and _UNIT_CODE.match(squash(cells[0])) and not _has_amount(cells)):
            continue
        if classify_title(line.text.replace("\t", "")) and sum(1 for c in cells if c) <= 1:
            continue  # a repeated title printed as a grid line
        band = bands[-1]
        if _is_marker(cells):
            band.closed = True
            continue
        if _is_data(cells):
            band.data.append(line)
            continue
        single = sum(1 for c in cells if c.strip()) == 1 and bool(cells[0].strip())
        if single and band.header_rows and (text in _TOTAL_WORDS or (
                text not in vocab and not _HEADERISH.search(text))):
            band.data.append(line)  # a label-only row right under the header
            continue
        if not band.data and not band.closed:
            band.header_rows.append(cells)
            if len(bands) == 1:
                vocab.update(squash(c) for c in cells if c)
            continue
        if _header_like(cells, vocab):
            bands.append(_Band(header_rows=[cells]))
        else:
            band.data.append(line)  # a row with a label only
    return [b for b in bands if b.header_rows or b.data]


def _is_furniture(cells: Sequence[str], text: str) -> bool:
    """Page furniture (预算年度：…, 编制单位：…, 单位：万元), not a header row that has a
    单位名称 column among others."""
    if not _FURNITURE.search(text):
        return False
    return sum(1 for c in cells if c.strip()) <= 2 or bool(re.search(r"[:：]", text))


def _has_amount(cells: Sequence[str]) -> bool:
    return any(parse_amount(c) is not None for c in cells[1:] if c)


def _is_marker(cells: Sequence[str]) -> bool:
    filled = [squash(c) for c in cells if c.strip()]
    if len(filled) < 2 or not all(_MARKER_CELL.match(c) for c in filled):
        return False
    return any(not c.isdigit() for c in filled) or len(filled) >= 3


def _is_data(cells: Sequence[str]) -> bool:
    filled = [c.strip() for c in cells if c.strip()]
    if not filled:
        return False
    if _has_amount(cells):
        return True
    for c in cells[:4]:
        s = c.strip()
        if _CODE_CELL.match(s) or _EMBEDDED.match(s):
            return True
    return any(_NUMBERED.match(squash(c)) for c in cells if c.strip())


_TOTAL_WORDS = frozenset({"合计", "总计", "小计"})


def _header_like(cells: Sequence[str], vocab: set[str]) -> bool:
    """A header printed again (next page): mostly header words, at least one of them more
    than a total word (a row labelled "小计" or "政府性基金 | 小计" is data)."""
    filled = [squash(c) for c in cells if c.strip()]
    if not filled or any(_NUMBERED.match(c) for c in filled):
        return False
    hits = sum(1 for c in filled if c in vocab)
    if not any(c in vocab and c not in _TOTAL_WORDS for c in filled):
        return False
    return hits >= 2 or (hits * 2 >= len(filled) and hits >= 1)


def _joins_previous(rows: list[Row], row: Row) -> bool:
    """A name wrapped onto the next line: a row with a name only whose text completes the
    previous row's name to its code's listed name."""
    if not rows or row.code or row.values or not row.name:
        return False
    prev = rows[-1]
    if not prev.code.isdigit() or prev.side != row.side or row.text:
        return False
    listed = codes.lookup(prev.code)
    joined = squash(prev.name + row.name)
    if listed is not None and squash(listed.name) in (joined, squash(prev.name)):
        return squash(listed.name) == joined
    # Not in the (partial) code lists: in a one-sided coded table a row with a bare,
    # unnumbered label and nothing else is the rest of the name above it.
    return row.side is None and not _NUMBERED.match(squash(row.label)) and len(squash(row.name)) <= 12


_SUBTOTAL = re.compile(r"小计|合计|总计")


def _join_wrapped_items(rows: list[Row]) -> list[Row]:
    """政府采购 item rows whose cells wrap over several lines: the amounts sit on one line,
    the rest of the project name and of the item's text above and below it. A line with
    neither code nor amounts joins the next row with amounts, or else the one before; a
    subtotal row (…小计) never takes an item's text."""
    def joinable(row: Row | None) -> bool:
        return row is not None and bool(row.values) and row.code != "TOTAL" and not _SUBTOTAL.search(row.name)

    def merged(first: Row, second: Row, keep: Row) -> Row:
        text: dict[str, str] = {}
        for part in (first.text, second.text):
            for key, value in part.items():
                if squash(value).strip("·.,、-—"):  # a stray dot is OCR dust, not text
                    text[key] = text.get(key, "") + value
        return replace(keep, name=first.name + second.name, label=first.label + second.label, text=text)

    out: list[Row] = []
    pending: list[Row] = []
    for row in rows:
        if not row.code and not row.values and row.name:
            pending.append(row)
            continue
        if joinable(row):
            for wrap in reversed(pending):
                row = merged(wrap, row, row)
            pending = []
        out += pending
        pending = []
        out.append(row)
    for wrap in pending:
        if out and joinable(out[-1]):
            out[-1] = merged(out[-1], wrap, out[-1])
        else:
            out.append(wrap)
    return out


def _inherit_project_names(rows: list[Row]) -> list[Row]:
    """A 政府采购 line naming only an 经济科目 continues the 专项 printed above it (the
    专项名称 cell is merged over its 经济科目 lines): it takes that 专项's name; likewise an
    item line without a name continues the item above it (one item bought in two ways)."""
    out: list[Row] = []
    project = item = ""
    for row in rows:
        if row.text.get("econ_name"):
            if row.name:
                project = row.name
            elif project:
                row = replace(row, name=project)
            item = ""
        elif row.name and not row.text:
            project = item = ""  # a 品目 category line opens a new list of 专项
        elif row.text and row.values:
            # an item bought in two ways (two 采购组织形式 under one merged item name)
            if row.name:
                item = row.name
            elif item:
                row = replace(row, name=item)
        out.append(row)
    return out


def _repeats_total(rows: list[Row], row: Row) -> bool:
    """The total row printed again at the top of a continuation page."""
    return row.code == "TOTAL" and any(
        r.code == "TOTAL" and r.side == row.side and r.values == row.values and r.name == row.name for r in rows)


# --------------------------------------------------------------------------- loose lines


def _infer_loose_rows(
    block: TableBlock, columns: tuple[Column, ...], lines: list[Line]
) -> tuple[list[Row], list[Diagnostic]]:
    loose = _loose_module()
    if loose is None:
        return [], [_no_loose(block, lines)]
    rows, found = loose.infer_rows(block.table_id, columns, lines)
    return list(rows), list(found)


def _parse_loose_block(
    block: TableBlock, columns: tuple[Column, ...]
) -> tuple[tuple[Column, ...], list[Row], list[Diagnostic]]:
    loose = _loose_module()
    if loose is None:
        lines = [ln for ln in block.lines if _is_loose_data(ln)]
        return columns, [], [_no_loose(block, lines)]
    cols, rows, found = loose.parse_loose_block(block, columns or None)
    return tuple(cols), list(rows), list(found)


def _no_loose(block: TableBlock, lines: list[Line]) -> Diagnostic:
    first = lines[0].no if lines else block.title_line.no
    return Diagnostic(
        code="P140", severity=Severity.WARNING,
        message=f"表格“{block.title}”有 {len(lines)} 行空白单元格已丢失的数据（第 {first} 行起），"
        "本版本无法推断其所在栏目，这些行未读取。请提供保留表格结构的原件（PDF 或 Excel）。",
        source=Source(line=first), table=block.table_id)


# --------------------------------------------------------------------------- catalogue

_CAT_NUMBER = re.compile(r"^(?:报表|表号|序号|编号|表序)$")
_CAT_TITLE = re.compile(r"名称")
_CAT_EMPTY = re.compile(r"是否空表|空表")
_CAT_REASON = re.compile(r"理由|原因|说明")


def parse_catalogue(block: TableBlock) -> tuple[tuple[CatalogueEntry, ...], list[Diagnostic]]:
    entries: list[CatalogueEntry] = []
    roles: dict[str, int] = {}
    for line in block.lines:
        if not line.grid:
            continue
        cells = [c.strip() for c in line.cells]
        squashed = [squash(c) for c in cells]
        if not roles and any(_CAT_EMPTY.search(c) or _CAT_TITLE.search(c) for c in squashed):
            for i, c in enumerate(squashed):
                if _CAT_EMPTY.search(c) and "理由" not in c:
                    roles.setdefault("empty", i)
                elif _CAT_REASON.search(c):
                    roles.setdefault("reason", i)
                elif _CAT_TITLE.search(c):
                    roles.setdefault("title", i)
                elif _CAT_NUMBER.match(c):
                    roles.setdefault("number", i)
            continue
        if not roles:
            roles = {"number": 0, "title": 1, "empty": 2, "reason": 3}

        def cell(role: str, cells: list[str] = cells, roles: dict[str, int] = roles) -> str:
            i = roles.get(role)
            return cells[i] if i is not None and i < len(cells) else ""

        title = clean_cjk_spaces(cell("title"))
        if not title:
            continue
        flag = squash(cell("empty"))
        empty = True if flag in ("是", "空表", "√") else False if flag in ("否", "非空表") else None
        entries.append(CatalogueEntry(
            number=squash(cell("number")) or None, title=title, table_id=classify_title(title), empty=empty,
            reason=clean_cjk_spaces(cell("reason")) or None, source=Source(line=line.no, page=line.source.page)))
    return tuple(entries), []


_LEADER = re.compile(r"[.…·。]{3,}\s*\d*$|\s+\d{1,3}$")
_BULLET = re.compile(r"^\s*[-*•·]\s*")


def contents_entries(layout: Layout) -> tuple[CatalogueEntry, ...]:
    """A table of contents without 是否空表 (a list of table titles before the first table):
    the tables the document says it publishes, emptiness unknown."""
    first = layout.blocks[0].title_line.no if layout.blocks else None
    entries: list[CatalogueEntry] = []
    seen: set[str] = set()
    for line in layout.narrative:
        if first is not None and line.no >= first:
            break
        cells = [c for c in line.cells if c.strip()]
        if line.blank or (line.grid and not all(re.fullmatch(r"[.…·。\d\s-]*", c) for c in cells[1:])):
            continue
        # "1. 2025年部门收入预算总表 ……… 12": the title, then leaders and a page number
        raw = cells[0] if line.grid else line.text
        text = _LEADER.sub("", _BULLET.sub("", raw)).strip()
        table_id = classify_title(text)
        if table_id is None or table_id == "catalogue" or squash(text) in seen:
            continue
        seen.add(squash(text))
        entries.append(CatalogueEntry(number=None, title=strip_numbering(clean_cjk_spaces(text)), table_id=table_id,
                                      empty=None,
                                      reason=None, source=Source(line=line.no, page=line.source.page)))
    return tuple(entries)


def _apply_catalogue(
    tables: list[Table], catalogue: tuple[CatalogueEntry, ...]
) -> tuple[list[Table], list[Diagnostic]]:
    """A printed table takes its number from the catalogue when it has none, and the
    catalogue's reason when the catalogue marks it empty."""
    diagnostics: list[Diagnostic] = []
    out: list[Table] = []
    for table in tables:
        listed = next((e for e in catalogue if e.table_id == table.id and e.number), None)
        if table.number is None and listed is not None:
            table = replace(table, number=listed.number)  # numbered in the 目录 only
        entry = next((e for e in catalogue if e.table_id == table.id and e.empty), None)
        if entry is None:
            out.append(table)
            continue
        if any(r.values for r in table.rows):
            diagnostics.append(Diagnostic(
                code="P123", severity=Severity.WARNING,
                message=f"目录（第 {entry.source.line} 行）标明“{entry.title}”为空表，但第 {table.source.line} 行起的"
                "该表印有金额。请核对目录与表格是否一致。", source=entry.source, table=table.id))
            out.append(table)
            continue
        out.append(replace(table, empty=True, empty_reason=table.empty_reason or entry.reason))
    return out, diagnostics


