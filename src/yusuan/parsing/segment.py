"""Segment a line stream into table blocks and narrative.

A block starts at a recognised table title (``catalogue.classify_title``; a "表 N" line
just above or in front of it gives the number) and runs to the next title or to the
start of narrative (a part heading "第三部分…" or a numbered explanation heading
"一、关于…说明"). A title that introduces nothing (a line of the document's own table of
contents) is narrative. A table printed over several pages with its title repeated is
merged into one block; continuation pages without a title (seed 001 layout) stay in the
block they continue, and the table parser drops their repeated header rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from yusuan.catalogue import classify_title
from yusuan.ingest.document import Line
from yusuan.model import Diagnostic, Severity, Source
from yusuan.parsing.blocks import Layout, TableBlock
from yusuan.text import squash

_NUMBER_LINE = re.compile(r"^(?:附表|表)(\d{1,2}|[一二三四五六七八九十]{1,3})$|^公开(\d{1,2})表$")
_NUMBER_PREFIX = re.compile(r"^((?:附表|表)(?:\d{1,2}|[一二三四五六七八九十]{1,3})|公开\d{1,2}表)[、.:-]?(?=\S)")
_PART_HEADING = re.compile(r"^第[一二三四五六七八九十\d]+部分")
_EXPLANATION_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))(?:关于|.*(?:情况说明|说明)$)"
)
# A short numbered heading with no amounts and no table vocabulary ("八、名词解释").
_SHORT_HEADING = re.compile(r"^[一二三四五六七八九十]+、[^\d]{2,20}$")
_TABLE_WORDS = re.compile(r"收入|支出|拨款|结转|结余|经费|资金|预算|合计|总计|补助|指标|目标|绩效|费$|[(（]")
_NARRATIVE_TITLE = re.compile(r"(?:情况说明|公开说明|情况的说明)$")
_BULLET = re.compile(r"^\s*[-*•·]\s")
# Tables whose repeated titles are distinct tables (one per project), never merged.
_NO_MERGE = {"performance_project", "performance_unit"}
_PERFORMANCE_WORDS = re.compile(r"指标|绩效|项目名称|单位名称|年度目标|总体目标|主管部门|预算金额")
_CATALOGUE_HEADER = re.compile(r"报表名称|表名|是否空表|空表理由")


def segment(lines: Sequence[Line]) -> tuple[Layout, tuple[Diagnostic, ...]]:
    starts = _title_starts(lines)
    blocks: list[TableBlock] = []
    narrative: list[Line] = []
    cursor = 0
    for i, (index, table_id, title, number) in enumerate(starts):
        narrative.extend(lines[cursor:index])
        end = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
        body_end = _narrative_start(lines, index + 1, end)
        body = tuple(ln for ln in lines[index + 1 : body_end] if not _is_number_line(ln))
        blocks.append(TableBlock(table_id, title, number, lines[index], body))
        narrative.extend(lines[body_end:end])
        cursor = end
    if not starts:
        narrative.extend(lines)
    merged, diagnostics = _merge_repeats(blocks)
    # "表 N" lines consumed as numbers are not narrative either.
    narrative = [ln for ln in narrative if not _is_number_line(ln)]
    return Layout(blocks=tuple(merged), narrative=tuple(narrative)), tuple(diagnostics)


def _is_number_line(line: Line) -> bool:
    return bool(_NUMBER_LINE.match(squash(line.text)))


def _title_starts(lines: Sequence[Line]) -> list[tuple[int, str, str, str | None]]:
    """(line index, table id, title, number) of every title that introduces a table."""
    candidates: list[tuple[int, str, str, str | None]] = []
    for index, line in enumerate(lines):
        if line.blank or _BULLET.match(line.text):
            continue
        text = _title_text(line)
        if text is None:
            continue
        table_id = classify_title(text) or _catalogue_title(lines, index, text)
        if table_id is None:
            continue
        number = _number_for(lines, index, text)
        title = _NUMBER_PREFIX.sub("", squash(text)) if number and squash(text).startswith(number) else text
        candidates.append((index, table_id, title.strip(), number))
    # A title followed directly by another title (a table of contents) introduces nothing.
    out = []
    for i, cand in enumerate(candidates):
        end = candidates[i + 1][0] if i + 1 < len(candidates) else len(lines)
        if _has_table_content(lines, cand[0] + 1, end, cand[1]):
            out.append(cand)
    return out


def _title_text(line: Line) -> str | None:
    """The title text of a line that could be a title: a loose line, or a grid line with a
    single non-empty cell."""
    if line.grid:
        filled = [c for c in line.cells if c]
        if len(filled) != 1:
            return None
        return filled[0]
    return line.text.strip()


def _catalogue_title(lines: Sequence[Line], index: int, text: str) -> str | None:
    """A bare "目录" that heads a table list with 是否空表 / 报表名称 columns."""
    if squash(text) not in ("目录", "报表目录", "公开报表目录"):
        return None
    for line in _next_nonblank(lines, index + 1, 3):
        if line.grid and _CATALOGUE_HEADER.search(squash(line.text)):
            return "catalogue"
    return None


def _next_nonblank(lines: Sequence[Line], start: int, count: int) -> list[Line]:
    out: list[Line] = []
    for line in lines[start:]:
        if line.blank:
            continue
        out.append(line)
        if len(out) >= count:
            break
    return out


def _number_for(lines: Sequence[Line], index: int, text: str) -> str | None:
    m = _NUMBER_PREFIX.match(squash(text))
    if m:
        return m.group(1)
    # A "表 N" line within the two non-blank lines above the title.
    seen = 0
    for line in reversed(lines[max(0, index - 6) : index]):
        if line.blank:
            continue
        s = squash(line.text)
        if _NUMBER_LINE.match(s):
            return s
        seen += 1
        if seen >= 2:
            break
    return None


def _has_table_content(lines: Sequence[Line], start: int, end: int, table_id: str) -> bool:
    """Grid rows, loose rows with amounts, or an empty-table note before the narrative."""
    performance = table_id.startswith("performance")
    stop = _narrative_start(lines, start, end)
    for line in lines[start:stop]:
        if line.blank or _is_number_line(line):
            continue
        if line.grid and sum(1 for c in line.cells if c) >= 2:
            return True
        s = squash(line.text)
        if "空表" in s:
            return True
        if performance and _PERFORMANCE_WORDS.search(s):
            return True
        amounts = len(re.findall(r"\d+\.\d{2}", s))
        if "。" in s or (len(s) > 60 and amounts < 3):
            return False  # a sentence: narrative, so the title was a contents line
        if amounts >= 3:
            return True  # a table row whose cells were run together
        if len(line.cells) >= 2 and (re.search(r"\d+\.\d{2}", s) or re.search(r"(?:合计|总计|科目|项目)", s)):
            return True
    return False


def _narrative_start(lines: Sequence[Line], start: int, end: int) -> int:
    for index in range(start, end):
        line = lines[index]
        if line.blank or line.grid:
            continue
        s = squash(line.text)
        if _PART_HEADING.match(s) or _EXPLANATION_HEADING.match(s):
            return index
        if _SHORT_HEADING.match(s) and not _TABLE_WORDS.search(s):
            return index
        if _NARRATIVE_TITLE.search(s) and classify_title(s) is None and len(s) >= 8:
            return index
    return end


def _merge_repeats(blocks: list[TableBlock]) -> tuple[list[TableBlock], list[Diagnostic]]:
    """Consecutive blocks with the same table id and number are one table printed over
    several pages: keep the first title, join the lines."""
    out: list[TableBlock] = []
    diagnostics: list[Diagnostic] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.table_id == block.table_id
            and block.table_id not in _NO_MERGE
            and (prev.number == block.number or block.number is None)
            and squash(prev.title) == squash(block.title)
        ):
            out[-1] = TableBlock(prev.table_id, prev.title, prev.number, prev.title_line,
                                 (*prev.lines, block.title_line, *block.lines))
            continue
        if prev is not None and any(b.table_id == block.table_id for b in out) and block.table_id not in _NO_MERGE:
            first = next(b for b in out if b.table_id == block.table_id)
            diagnostics.append(
                Diagnostic(
                    code="P110",
                    severity=Severity.INFO,
                    message=f"第 {block.title_line.no} 行的表格“{block.title}”与第 {first.title_line.no} 行的表格"
                    f"“{first.title}”归为同一类（{block.table_id}），两张表分别保留。请核对是否重复公开。",
                    source=Source(line=block.title_line.no, page=block.title_line.source.page),
                    table=block.table_id,
                )
            )
        out.append(block)
    return out, diagnostics
