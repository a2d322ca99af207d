"""Publications (DESIGN §4c): one disclosure published as several files.

Jiangsu and others publish the narrative (文本) and the tables (表格) of one disclosure as two
PDFs. Each file is a document; files with the same unit, year, kind (预算/决算) and scope
(部门/单位) form one publication, and checks that need both halves apply to the publication.

    >>> groups = group_halves(disclosures)          # index tuples, one per publication of 2+ files
    >>> view = merge([disclosures[i] for i in groups[0]])   # one Disclosure for the rules

``merge`` builds a view: the tables (and their catalogue) from the 表格 half, the narrative,
profile and statements from the 文本 half. ``origin_of`` tells, for any source record the
rules point at, which file it came from, so findings name the right file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from yusuan.model import Disclosure, DocKind, Meta, Source
from yusuan.parsing.claims import claims_of
from yusuan.parsing.meta import unit_key as parsing_unit_key
from yusuan.parsing.narrative import link_sections

TABLES = "tables"
NARRATIVE = "narrative"
PART_ZH = {TABLES: "表格", NARRATIVE: "文字说明"}


# --------------------------------------------------------------------------- what a file holds


def parts_of(d: Disclosure) -> frozenset[str]:
    """What this file holds of its publication: ``Meta.parts`` where the parser set it, else
    inferred from what was read (tables read or declared empty -> tables; narrative sections
    with text -> narrative). A file with neither holds nothing we could recognise."""
    if d.meta.parts:
        return frozenset(d.meta.parts)
    parts = set()
    if any(t.rows or t.empty for t in d.tables):
        parts.add(TABLES)
    if any(s.text.strip() for s in d.narrative):
        parts.add(NARRATIVE)
    return frozenset(parts)


def describe_parts(parts: frozenset[str]) -> str:
    if parts == {TABLES, NARRATIVE}:
        return "表格和文字说明"
    if parts == {TABLES}:
        return "仅表格"
    if parts == {NARRATIVE}:
        return "仅文字说明"
    return "未识别到表格或文字说明"


# --------------------------------------------------------------------------- keys

def unit_key(name: str | None) -> str | None:
    """A unit name reduced to what identifies the unit (``yusuan.parsing.meta.unit_key``:
    "中国共产党江苏省委员会办公厅", "中共江苏省委办公厅" and "江苏省委办公厅" are one unit)."""
    return parsing_unit_key(name) or None


_TITLE_YEAR = re.compile(r"(20\d\d)\s*年")


def year_of(d: Disclosure) -> int | None:
    """The document's year; where the parser found none, the year its own table titles print
    (a 表格 file often prints it only in one title: "2019年政府采购预算表")."""
    if d.meta.year is not None:
        return d.meta.year
    years = Counter(int(m.group(1)) for t in d.tables for m in _TITLE_YEAR.finditer(t.title))
    return years.most_common(1)[0][0] if years else None


@dataclass(frozen=True)
class Key:
    unit: str | None
    year: int | None
    kind: DocKind
    scope: str | None

    def conflicts(self, other: Key) -> bool:
        return (
            self.kind != other.kind
            or any(a is not None and b is not None and a != b for a, b in
                   ((self.unit, other.unit), (self.year, other.year), (self.scope, other.scope)))
        )

    def shares_identity(self, other: Key) -> bool:
        """Known and equal on both sides for the unit or the year: enough to call two
        complementary halves one publication when nothing else competes."""
        return (self.unit is not None and self.unit == other.unit) or (
            self.year is not None and self.year == other.year)

    def agreement(self, other: Key) -> int:
        """How much two keys known on both sides share (the unit counts most)."""
        return (2 * (self.unit is not None and self.unit == other.unit)
                + (self.year is not None and self.year == other.year)
                + (self.scope is not None and self.scope == other.scope))

    def complete(self) -> bool:
        return self.unit is not None and self.year is not None and self.scope is not None

    def merged(self, other: Key) -> Key:
        return Key(self.unit or other.unit, self.year or other.year, self.kind, self.scope or other.scope)

    @property
    def id(self) -> str:
        """A stable publication id: unit|year|kind|scope ("" where unknown)."""
        return "|".join((self.unit or "", str(self.year or ""), self.kind.value, self.scope or ""))


def key_of(d: Disclosure) -> Key:
    return Key(unit_key(d.meta.unit_name), year_of(d), d.meta.kind, d.meta.scope)


# --------------------------------------------------------------------------- grouping


@dataclass(frozen=True)
class FileFacts:
    """What grouping needs of one file (also built from stored rows, without a Disclosure)."""

    key: Key
    parts: frozenset[str]
    text: str = ""  # the file's narrative and table titles, squashed ("" when not at hand)

    def names(self, unit: str) -> bool:
        """Does this file print that unit's name (where its own name was not found)?"""
        if not self.text:
            return True  # nothing to go by: the other evidence decides
        short = re.sub(r"^.{2,3}?(?:省|市|自治区)", "", unit)  # "江苏省政协办公厅" is also "省政协办公厅"
        return unit in self.text or (len(short) >= 4 and short in self.text)


def facts_of(d: Disclosure) -> FileFacts:
    text = "".join([*(t.title for t in d.tables), *(f"{s.heading}{s.text}" for s in d.narrative)])
    return FileFacts(key_of(d), parts_of(d), unit_key(text) or "")


def group_halves(files: Sequence[Disclosure] | Sequence[FileFacts]) -> list[tuple[int, ...]]:
    """Pairs of files (indices, narrative half first) that are the two halves of one
    publication: one holds only the narrative, the other only the tables; their unit, year,
    kind and scope do not contradict each other and they share the unit or the year; and each
    has no other such candidate among the files given (ambiguity leaves both alone)."""
    facts = [f if isinstance(f, FileFacts) else facts_of(f) for f in files]
    narrative = [i for i, f in enumerate(facts) if f.parts == {NARRATIVE}]
    tables = [i for i, f in enumerate(facts) if f.parts == {TABLES}]
    score: dict[tuple[int, int], int] = {}
    for n in narrative:
        for t in tables:
            a, b = facts[n].key, facts[t].key
            # where one file's unit is unknown, it must at least print the other's name
            named = (a.unit is not None or b.unit is None or facts[n].names(b.unit)) and (
                b.unit is not None or a.unit is None or facts[t].names(a.unit))
            if not a.conflicts(b) and a.shares_identity(b) and named:
                score[(n, t)] = a.agreement(b)
    # Mutual unique best matches, repeated: a pair that agrees on more (unit and year) is
    # taken first, and what it leaves may make another pair unambiguous.
    pairs: list[tuple[int, int]] = []
    while True:
        taken = {i for p in pairs for i in p}
        free = {e: s for e, s in score.items() if e[0] not in taken and e[1] not in taken}
        best_n = _unique_best(free, 0)
        best_t = _unique_best(free, 1)
        new = [(n, t) for n, t in best_n.items() if best_t.get(t) == n]
        if not new:
            return sorted(pairs)
        pairs += new


def _unique_best(edges: dict[tuple[int, int], int], side: int) -> dict[int, int]:
    """For each file on one side, its partner with the strictly highest score, if unique."""
    by: dict[int, list[tuple[int, int]]] = {}
    for e, s in edges.items():
        by.setdefault(e[side], []).append((s, e[1 - side]))
    out = {}
    for i, opts in by.items():
        opts.sort(reverse=True)
        if len(opts) == 1 or opts[0][0] > opts[1][0]:
            out[i] = opts[0][1]
    return out


# --------------------------------------------------------------------------- the merged view


def merge(members: Sequence[Disclosure]) -> Disclosure:
    """One Disclosure for a publication: tables from the files that hold tables, narrative and
    the statements it makes from the file that holds the narrative; metadata from the
    narrative file, gaps filled from the others."""
    narr = next((d for d in members if NARRATIVE in parts_of(d)), members[0])
    tabled = [d for d in members if TABLES in parts_of(d)] or [d for d in members if d is not narr]
    key = key_of(narr)
    for d in members:
        key = key.merged(key_of(d))
    others = [d for d in members if d is not narr]
    meta = replace(
        narr.meta,
        doc="+".join(d.meta.doc for d in (narr, *others)),
        path=None,
        unit_name=narr.meta.unit_name or next((d.meta.unit_name for d in others if d.meta.unit_name), None),
        unit_code=narr.meta.unit_code or next((d.meta.unit_code for d in others if d.meta.unit_code), None),
        year=key.year,
        scope=key.scope,
        narrative_unit=narr.meta.narrative_unit or next((d.meta.narrative_unit for d in others), None),
        parts=(TABLES, NARRATIVE),
    )
    catalogue = next((d.catalogue for d in (narr, *tabled) if d.catalogue), ())
    tables = tuple(t for d in tabled for t in d.tables)
    # The narrative's statements, linked again to the tables of the other half.
    narrative = link_sections(narr.narrative, tables)
    return Disclosure(
        meta=meta,
        tables=tables,
        catalogue=catalogue,
        profile=narr.profile,
        narrative=narrative,
        three_public=narr.three_public,
        operating_cost=narr.operating_cost,
        procurement=narr.procurement,
        assets=narr.assets,
        performance=tuple(p for d in (narr, *others) for p in d.performance),
        claims=claims_of(narrative),
    )


def _sources(d: Disclosure) -> Iterator[object]:
    for t in d.tables:
        yield t.source
        for r in t.rows:
            yield r.source
            yield from r.value_sources.values()
    for e in d.catalogue:
        yield e.source
    for s in d.narrative:
        yield s.source
        for f in s.figures:
            yield f.source
        for c in s.claims:
            yield c.source
    for c in d.claims:
        yield c.source
    for obj in (d.three_public, d.operating_cost, d.procurement, d.assets, d.profile.staffing):
        if obj is not None:
            yield obj.source
    for p in d.performance:
        yield p.source
        for i in p.indicators:
            yield i.source


def origin_of(members: Sequence[Disclosure]) -> Callable[[Source, str | None], str]:
    """For a source record a finding points at (and its table id), the file it came from. The
    merged view shares its records with the files, so identity tells; a record built by a rule
    falls back to the file holding that table, else to the narrative file."""
    by_id: dict[int, str] = {}
    for d in members:
        for src in _sources(d):
            if isinstance(src, Source) and (src.line is not None or src.page is not None or src.ref):
                by_id.setdefault(id(src), d.meta.doc)
    narr = next((d for d in members if NARRATIVE in parts_of(d)), members[0]).meta.doc
    table_doc = {t.id: d.meta.doc for d in members for t in d.tables}

    def locate(source: Source, table: str | None) -> str:
        if id(source) in by_id:
            return by_id[id(source)]
        if table and table in table_doc and source.line is None:
            return table_doc[table]
        return narr

    return locate


def describe_members(members: Sequence[tuple[str, Disclosure]]) -> str:
    """"A.pdf（文字说明）、B.pdf（表格）" for messages."""
    return "、".join(f"{path}（{'、'.join(PART_ZH[p] for p in sorted(parts_of(d)))}）" for path, d in members)


def meta_key_text(meta: Meta) -> str:
    kind = "决算" if meta.kind == DocKind.FINAL else "预算"
    return f"{meta.unit_name or '（单位未识别）'} {meta.year or '（年度未识别）'} 年{meta.scope or ''}{kind}"
