"""Document page view model: tables as rows of cells, each cell marked with the findings
that point at it (table id + row code or name + column), so the template only loops."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from yusuan.model import Finding, NarrativeSection, Row, Severity, Table

_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@dataclass
class Cell:
    text: str
    numeric: bool = False
    findings: list[int] = field(default_factory=list)  # indexes into the page's findings list
    severity: str = ""  # worst severity among them ("error" | "warning" | "info")
    inferred: str = ""  # why the value was placed in this column, when it was inferred


@dataclass
class RowView:
    code: str
    name: str
    side: str  # "收入" | "支出" | "" for two-sided tables
    cells: list[Cell]
    marked: bool  # a finding points at the row as a whole
    severity: str = ""
    findings: list[int] = field(default_factory=list)


@dataclass
class TableView:
    anchor: str
    table: Table
    headers: list[str]
    rows: list[RowView]
    findings: list[int]  # findings about the table without a row
    two_sided: bool = False  # rows carry a side (收入/支出): the page shows it

    @property
    def unplaced(self) -> bool:
        return any(len(r.cells) > len(self.headers) for r in self.rows)


_SIDES = {"income": "收入", "expenditure": "支出"}


def _worst(indexes: list[int], findings: list[Finding]) -> str:
    if not indexes:
        return ""
    return min((findings[i].severity for i in indexes), key=lambda s: _RANK[s]).value


def _row_matches(f: Finding, row: Row, table_lines: set[int]) -> bool:
    """By printed line when the finding has one that a row of this table was read from
    (a code can repeat, e.g. on both sides of a summary table); else by code, then name."""
    loc = f.location
    if not loc.row_code and not loc.row_name:
        return False
    if loc.source.line is not None and loc.source.line in table_lines:
        return row.source.line == loc.source.line
    if loc.row_code:
        return loc.row_code == row.code
    return loc.row_name == row.name


def table_views(tables: tuple[Table, ...], findings: list[Finding]) -> list[TableView]:
    by_table: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(findings):
        if f.location.table:
            by_table[f.location.table].append(i)
    views = []
    for t_index, table in enumerate(tables):
        mine = by_table.get(table.id, [])
        keys = [c.key for c in table.columns]
        lines = {r.source.line for r in table.rows if r.source.line is not None}
        rows = []
        for row in table.rows:
            row_findings = [i for i in mine if _row_matches(findings[i], row, lines)]
            cells = []
            for key in keys:
                value = row.values.get(key)
                cell = Cell(str(value), numeric=True) if value is not None else Cell(row.text.get(key, ""))
                cell.findings = [i for i in row_findings if findings[i].location.column == key]
                cell.severity = _worst(cell.findings, findings)
                cells.append(cell)
            for inference in row.inferred:
                if inference.column in keys:
                    cell = cells[keys.index(inference.column)]
                    cell.inferred = f"列位置为推断（置信度 {inference.confidence:.0%}）：{inference.reason}"
            unplaced = [i for i in row.inferred if not i.column and i.value is not None]
            if unplaced:  # amounts the parser could not place: shown, so nothing printed is hidden
                cells.append(Cell("、".join(str(i.value) for i in unplaced), numeric=True,
                                  inferred="未能确定所属列：" + "；".join(i.reason for i in unplaced)))
            whole = [i for i in row_findings if findings[i].location.column not in keys]
            side = _SIDES.get(row.side or "", "")
            rows.append(RowView(row.code, row.name, side, cells, bool(whole), _worst(whole, findings), whole))
        loose = [i for i in mine if not findings[i].location.row_code and not findings[i].location.row_name]
        views.append(TableView(f"t{t_index}", table, [c.header or c.key for c in table.columns], rows, loose,
                               two_sided=any(r.side for r in rows)))
    return views


def anchors_for(views: list[TableView], count: int, sections: list[SectionView] | None = None) -> dict[int, str]:
    """Finding index -> anchor of the first table cell, row, table or narrative section that shows it."""
    out: dict[int, str] = {}
    for section in sections or []:
        for i in section.findings:
            out.setdefault(i, section.anchor)
    for view in views:
        for i in view.findings:
            out.setdefault(i, view.anchor)
        for r_index, row in enumerate(view.rows):
            for i in row.findings:
                out.setdefault(i, f"{view.anchor}-r{r_index}")
            for c_index, cell in enumerate(row.cells):
                for i in cell.findings:
                    out.setdefault(i, f"{view.anchor}-r{r_index}-c{c_index}")
    return {i: out[i] for i in range(count) if i in out}


@dataclass
class SectionView:
    anchor: str
    section: NarrativeSection
    findings: list[int]
    severity: str = ""


def narrative_views(
    sections: tuple[NarrativeSection, ...], findings: list[Finding], anchored: set[int]
) -> list[SectionView]:
    """Narrative sections in print order; a finding not shown on a table cell or row goes to
    the section whose printed lines contain its line (a section runs until the next one)."""
    views = [SectionView(f"n{i}", s, []) for i, s in enumerate(sections)]
    starts = sorted((v.section.source.line, i) for i, v in enumerate(views) if v.section.source.line is not None)
    for f_index, f in enumerate(findings):
        line = f.location.source.line
        if f_index in anchored or line is None:
            continue
        owner = [i for start, i in starts if start <= line]
        if owner:
            views[owner[-1]].findings.append(f_index)
    for v in views:
        v.severity = _worst(v.findings, findings)
    return views
