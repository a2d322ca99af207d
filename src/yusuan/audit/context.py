"""What a rule sees and how it records what it did."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from yusuan.audit.tolerance import Money, Tolerance, fmt
from yusuan.catalogue import table_kind
from yusuan.model import Disclosure, Finding, Location, MoneyUnit, Row, Severity, Source, Table

OCR_CONFIDENCE = 0.8  # findings on OCR text may come from misread digits


def table_name(table_id: str | None) -> str:
    if not table_id:
        return ""
    try:
        return table_kind(table_id).name
    except KeyError:
        return table_id


@dataclass
class RuleContext:
    disclosure: Disclosure
    code: str
    severity: Severity
    tolerance: Tolerance = Tolerance()
    findings: list[Finding] = field(default_factory=list)
    checks: int = 0
    missing_reasons: list[str] = field(default_factory=list)
    skip_reasons: list[str] = field(default_factory=list)
    lines: tuple[tuple[int, str], ...] = ()  # the source text (line number, text) where the caller has it
    pages: Mapping[int, int] = field(default_factory=dict)  # line number -> page, where the caller has it
    # A publication checked as one (several files, DESIGN §4c): every file's source text by
    # document id, and which file a source record came from (``lines`` is then empty: line
    # numbers of different files cannot share one sequence).
    texts: Mapping[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    locate_doc: Callable[[Source, str | None], str] | None = None

    # ------------------------------------------------------------------ recording

    @property
    def doc(self) -> str:
        return self.disclosure.meta.doc

    @property
    def source_texts(self) -> Mapping[str, tuple[tuple[int, str], ...]]:
        """Every source text at hand, by document id (one file: its own)."""
        return self.texts or ({self.doc: self.lines} if self.lines else {})

    def checked(self, n: int = 1) -> None:
        self.checks += n

    def missing(self, reason: str) -> None:
        """The rule applies but the data it needs is not there (table not found …)."""
        self.missing_reasons.append(reason)

    def skip(self, reason: str) -> None:
        """The rule does not apply to this document."""
        self.skip_reasons.append(reason)

    def report(
        self,
        message: str,
        *,
        table: str | None = None,
        row: Row | None = None,
        column: str | None = None,
        source: Source | None = None,
        values: dict[str, str] | None = None,
        rows: Sequence[Row] = (),
        severity: Severity | None = None,
        confidence: float | None = None,
        quote: str | None = None,
    ) -> None:
        """Record a finding. ``quote`` is the printed words it is about (a row's label, a
        sentence); by default the row's code and name."""
        involved = [*rows, *([row] if row else [])]
        given = source or (row.source if row else Source())
        doc = self.locate_doc(given, table) if self.locate_doc else self.doc
        src = self.with_page(given)
        if quote is None and row is not None:
            quote = printed_words(row)
        conf = self.confidence(involved) if confidence is None else confidence
        if confidence is None and conf is None and self.is_ocr:
            conf = OCR_CONFIDENCE
        self.findings.append(
            Finding(
                rule=self.code,
                severity=severity or self.severity,
                message=message,
                location=Location(
                    doc=doc,
                    table=table,
                    row_code=(row.code or None) if row else None,
                    row_name=row.name if row else None,
                    column=column,
                    source=src,
                ),
                values=values or {},
                confidence=conf,
                quote=quote or "",
            )
        )

    def with_page(self, source: Source) -> Source:
        """The source with its page filled in from the caller's line -> page map."""
        if source.page is None and source.line is not None and source.line in self.pages:
            return replace(source, page=self.pages[source.line])
        return source

    def source_at(self, line: int) -> Source:
        return Source(line=line, page=self.pages.get(line))

    # ------------------------------------------------------------------ helpers

    @property
    def is_ocr(self) -> bool:
        return self.disclosure.meta.format in ("pdf-ocr", "ocr", "image")

    def confidence(self, rows: Iterable[Row]) -> float | None:
        """Lowest confidence of the inferred placements on the rows involved; OCR lowers it."""
        confs = [i.confidence for r in rows for i in r.inferred]
        conf = min(confs) if confs else None
        if self.is_ocr:
            conf = min(conf if conf is not None else 1.0, OCR_CONFIDENCE)
        return conf

    def readable(self, tables: Iterable[Table]) -> list[Table]:
        """The tables with values that were read reliably. A table the parser marked uncertain
        is left out and goes to the coverage ledger ("could not check"), so a misreading never
        becomes a finding."""
        out: list[Table] = []
        for t in tables:
            if t.empty or not t.rows:
                continue
            if t.uncertain:
                reason = f"{table_name(t.id)}读取存疑（{'；'.join(t.uncertain)}），未核对"
                if reason not in self.missing_reasons:
                    self.missing(reason)
                continue
            out.append(t)
        return out

    def tables(self, table_id: str) -> tuple[Table, ...]:
        return tuple(self.readable(self.disclosure.tables_by_id(table_id)))

    def table(self, table_id: str) -> Table | None:
        found = self.tables(table_id)
        return found[0] if found else None

    def need(self, *table_ids: str) -> list[Table] | None:
        """The first non-empty table of each id, or None after recording what is missing."""
        out: list[Table] = []
        for tid in table_ids:
            t = self.table(tid)
            if t is None:
                self.missing(f"未找到{table_name(tid)}（{tid}）")
                return None
            out.append(t)
        return out

    def money(self, table: Table, value: Decimal) -> Money:
        return Money(value, table.unit or self.disclosure.meta.narrative_unit or MoneyUnit.WAN)

    def blank(self, table: Table) -> Money:
        return Money(Decimal(0), self.money(table, Decimal(0)).unit, exact=True)

    def unit_of(self, table: Table) -> str:
        return (table.unit or MoneyUnit.WAN).value

    def close(self, a: Money, b: Money, extra: Sequence[Money] = ()) -> bool:
        """Two printings of one quantity agree within their printed precision."""
        return self.tolerance.within(a.yuan, b.yuan, [a, b, *extra])

    def restated(self, a: Money, b: Money) -> bool:
        """One printed value restated elsewhere (``tolerance.restates``)."""
        return self.tolerance.restates(a, b)

    def sum_close(self, total: Money, parts: Sequence[Money]) -> bool:
        return self.tolerance.within(total.yuan, sum((p.yuan for p in parts), Decimal(0)), [total, *parts])


def total_row(table: Table, side: str | None = None) -> Row | None:
    """The grand-total row (code TOTAL), on one side of a two-sided table if given."""
    for r in table.rows:
        if r.code == "TOTAL" and (side is None or r.side in (side, None)):
            return r
    return None


def rows_by_code(table: Table, side: str | None = None) -> dict[str, Row]:
    out: dict[str, Row] = {}
    for r in table.rows:
        if r.code and r.code != "TOTAL" and r.code.isdigit() and (side is None or r.side in (side, None)):
            out.setdefault(r.code, r)
    return out


def where(row: Row | None = None, source: Source | None = None) -> str:
    """"（第 12 行）" / "（第 3 页）" for messages, from the most precise location known."""
    src = source or (row.source if row else None)
    if src is None:
        return ""
    if src.page and src.line:
        return f"（第 {src.page} 页，第 {src.line} 行）"
    if src.line:
        return f"（第 {src.line} 行）"
    if src.page:
        return f"（第 {src.page} 页）"
    return ""


def printed_words(row: Row) -> str:
    """A row as a reader finds it on the page: its code as printed (where it has one) and its
    label, not the canonical keys ("TOTAL", "vehicle_operation")."""
    label = row.label or row.name
    if row.code.isdigit():
        return f"{row.text.get('code_printed') or row.code} {label}"
    return label


def row_label(row: Row) -> str:
    if row.code == "TOTAL":
        return row.name or "合计"
    return f"{row.code} {row.name}".strip() if row.code else row.name


__all__ = ["RuleContext", "fmt", "row_label", "rows_by_code", "table_name", "total_row", "where"]
