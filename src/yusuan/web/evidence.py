"""What a page image boxes: the cells of a finding, a claim's printed amount, a whole table.

Cell boxes come from the store's facts (``Places``); where a finding or a claim has no
stored box (narrative statements), its printed words are looked up on the page
(``pages.find_words``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from yusuan.model import Claim, Finding
from yusuan.web.pages import Box, find_sentence, find_words
from yusuan.web.review import fingerprint_of

__all__ = ["Places", "Target", "fingerprint_of", "target"]


class Places:
    """Stored cell boxes of one document: (table_no, table_id, row_code, column, page, x0,
    top, x1, bottom, row_no) rows."""

    def __init__(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self.rows = rows

    def cells(self, table: str | None, row_code: str | None, column: str | None,
              page: int | None = None) -> list[tuple[int, Box]]:  # fmt: skip
        """(page, box) of the cells a finding points at: its cell, else its row, else nothing."""
        if not table or not row_code:
            return []
        hits = [r for r in self.rows if r[1] == table and r[2] == row_code and (page is None or r[4] == page)]
        exact = [r for r in hits if column and r[3] == column]
        return [(int(r[4]), (r[5], r[6], r[7], r[8])) for r in (exact or hits)]

    def page_of(self, f: Finding) -> int | None:
        loc = f.location
        if loc.source.page:
            return loc.source.page
        cells = self.cells(loc.table, loc.row_code, loc.column)
        if cells:
            return cells[0][0]
        return next((int(r[4]) for r in self.rows if loc.table and r[1] == loc.table), None)

    def row_pages(self) -> dict[tuple[int, int], int]:
        """(table_no, row_no) -> the page its cells are on."""
        out: dict[tuple[int, int], int] = {}
        for r in self.rows:
            out.setdefault((int(r[0]), int(r[9])), int(r[4]))
        return out

    def table_pages(self) -> dict[int, int]:
        """table_no -> the first page its cells are on."""
        out: dict[int, int] = {}
        for r in self.rows:
            out.setdefault(int(r[0]), int(r[4]))
        return out


@dataclass(frozen=True)
class Target:
    page: int | None = None
    what: list[str] = field(default_factory=list)  # descriptions shown beside the image
    finding: Finding | None = None
    claim: Claim | None = None
    table_no: int | None = None
    row_no: int | None = None  # with table_no: one row of the table
    sentence: str = ""  # the claim's statement as printed

    def boxes(self, pdf: Path, page: int, places: Places) -> list[Box]:
        """What to box on ``page``: stored cells there, else (on the target's own page) the
        printed words."""
        own_page = self.page in (None, page)
        if self.finding is not None:
            loc = self.finding.location
            if loc.source.bbox and loc.source.page == page:
                return [loc.source.bbox]
            cells = [b for _, b in places.cells(loc.table, loc.row_code, loc.column, page)]
            if cells or not own_page:
                return cells
            return _sentence_and_words(pdf, page, quoted(self.finding), self.finding.values.values())
        if self.claim is not None:
            return _sentence_and_words(pdf, page, self.sentence, [_printed(self.claim.value)]) if own_page else []
        if self.table_no is not None:
            return [(r[5], r[6], r[7], r[8]) for r in places.rows if r[0] == self.table_no and r[4] == page
                    and self.row_no in (None, r[9])]  # fmt: skip
        return []

    def cell_pages(self, places: Places) -> list[int]:
        """Pages holding the cells a finding is about (a statement and the table cell it
        contradicts are often pages apart)."""
        if self.finding is None:
            return []
        loc = self.finding.location
        return sorted({p for p, _ in places.cells(loc.table, loc.row_code, loc.column)})


def _printed(value: Decimal) -> str:
    return str(abs(value))


_QUOTED = re.compile(r"“([^”]{8,})”")


def quoted(f: Finding) -> str:
    """The printed words a finding is about: its quote, else the first passage its message
    quotes (“…”)."""
    if f.quote:
        return f.quote
    m = _QUOTED.search(f.message)
    return m.group(1) if m else ""


def _sentence_and_words(pdf: Path, page: int, sentence: str, words: Iterable[str]) -> list[Box]:
    """The sentence's lines, and the printed values inside them; without the sentence, every
    place the values are printed on the page."""
    lines = find_sentence(pdf, page, sentence) if sentence else []
    found = find_words(pdf, page, list(words))
    if not lines:
        return found
    inside = [b for b in found if any(b[1] >= line[1] - 2 and b[3] <= line[3] + 2 for line in lines)]
    return lines + inside


def target(analysis: Any, q: Mapping[str, Any], places: Places) -> Target:
    """What the request asks to box (``finding`` fingerprint, ``claim`` or ``table`` number)."""
    if analysis is None:
        return Target()
    if q.get("finding"):
        found = next((f for f in analysis.findings if fingerprint_of(f) == q["finding"]), None)
        if found is not None:
            return Target(places.page_of(found), [f"{found.rule}：{found.message}"], finding=found)
    if q.get("claim") and analysis.disclosure is not None:
        from yusuan.parsing.claims import claims_of

        claims = claims_of(analysis.disclosure.narrative)
        if q["claim"] <= len(claims):
            c = claims[q["claim"] - 1]
            figures = [f for section in analysis.disclosure.narrative for f in section.figures]
            said = figures[c.statement].sentence if c.statement is not None and c.statement < len(figures) else ""
            return Target(c.source.page, [f"说明中的数字：{c.subject} {c.value} {c.unit}（{c.section}）"], claim=c,
                          sentence=said)
    if q.get("table") and analysis.disclosure is not None and q["table"] <= len(analysis.disclosure.tables):
        t = analysis.disclosure.tables[q["table"] - 1]
        if q.get("row") and q["row"] <= len(t.rows):
            row = t.rows[q["row"] - 1]
            return Target(places.row_pages().get((q["table"], q["row"])),
                          [f"公开表：{t.number or ''} {t.title} · {row.code} {row.name}".strip()],
                          table_no=q["table"], row_no=q["row"])  # fmt: skip
        return Target(places.table_pages().get(q["table"]), [f"公开表：{t.number or ''} {t.title}".strip()],
                      table_no=q["table"])
    return Target()
