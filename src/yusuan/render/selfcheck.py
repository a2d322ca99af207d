"""Read a rendered file back and compare it with what was meant to be printed.

A render is exact when yusuan's own parser reads from the written file

- every fact (DESIGN §4) of the composed disclosure and no other: ``(table, row code, row
  name, column, value, unit)`` compared as multisets; and
- every claim (DESIGN §4b) of the generated narrative and no other: ``(quantity, value as
  printed, unit)`` with the cell it restates ``(table, row code, column)``, or — for a
  quantity that restates no table cell (机关运行经费, 政府采购, 国有资产, counts) — with the
  heading of the section it is printed in. Quantities inside a reason the preparer wrote
  (``note == "原因中"``) are the preparer's text, not generated figures: they are left out of
  the comparison, and ``check`` judges them.

``check`` then runs on what was read back; its error and warning findings are the render's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from yusuan.model import Claim, Disclosure, Finding, MoneyUnit, Severity
from yusuan.parsing.claims import claims_of
from yusuan.parsing.links import row_ref
from yusuan.report.facts import facts
from yusuan.text import normalize, squash

FactKey = tuple[str, ...]
ClaimKey = tuple[str, ...]
QUOTED = "原因中"  # Claim.note of a quantity inside a reason


def fact_keys(d: Disclosure) -> Counter[FactKey]:
    return Counter((f.table, f.row_code, f.row_name, f.column, f.value, f.unit) for f in facts(d))


Cell = tuple[str, str, str]


class Cells:
    """The printed cells of a disclosure. The same row code and column printed with the same
    amount in several tables (一般公共预算支出表 and 财政拨款支出表 both print 204 公共安全支出)
    is one quantity: a claim restating it may name either table."""

    def __init__(self, d: Disclosure) -> None:
        self.tables = {t.id for t in d.tables}
        self.where: dict[tuple[str, str, Decimal], set[str]] = {}
        self.value: dict[Cell, Decimal] = {}
        for t in d.tables:
            factor = Decimal(10000) if t.unit == MoneyUnit.WAN else Decimal(1)
            for r in t.rows:
                code = row_ref(r, t)
                for column, v in r.values.items():
                    self.value[(t.id, code, column)] = v * factor
                    self.where.setdefault((code, column, v * factor), set()).add(t.id)

    def canonical(self, cell: Cell | None) -> Cell | None:
        if cell is None or cell[0] not in self.tables:
            return None
        value = self.value.get(cell)
        if value is None:
            return cell
        return (min(self.where[(cell[1], cell[2], value)]), cell[1], cell[2])


def claim_key(c: Claim, cells: Cells) -> ClaimKey:
    cell = cells.canonical(c.refers_to)
    where = ("", *cell) if cell else (squash(normalize(c.section)), "", "", "")
    return (c.quantity, str(c.value), c.unit, *where)


def claim_keys(claims: Iterable[Claim], cells: Cells) -> Counter[ClaimKey]:
    return Counter(claim_key(c, cells) for c in claims if c.note != QUOTED)


def intended_claims(d: Disclosure) -> Counter[ClaimKey]:
    """The claims of the generated narrative, as the renderer states them."""
    return claim_keys(claims_of(d.narrative), Cells(d))


@dataclass(frozen=True)
class SelfCheck:
    path: str
    read: bool  # the file could be parsed at all
    facts: int  # facts meant to be printed
    claims: int  # claims meant to be printed
    missing_facts: tuple[FactKey, ...] = ()  # meant to be printed, not read back
    extra_facts: tuple[FactKey, ...] = ()  # read back, not meant
    missing_claims: tuple[ClaimKey, ...] = ()
    extra_claims: tuple[ClaimKey, ...] = ()
    findings: tuple[Finding, ...] = ()  # check on what was read back (error and warning)
    parsed: Disclosure | None = None

    @property
    def exact(self) -> bool:
        return self.read and not (self.missing_facts or self.extra_facts or self.missing_claims or self.extra_claims)

    @property
    def clean(self) -> bool:
        return self.exact and not self.findings

    def differences(self) -> list[str]:
        """The differences in Chinese, one line each."""
        if not self.read:
            return [f"生成的文件 {self.path} 无法读回。"]
        out = []
        for label, keys in (("表格数据未能读回", self.missing_facts), ("读回了多出的表格数据", self.extra_facts)):
            out += [f"{label}：{k[0]} / {k[1] or k[2]} / {k[3]} = {k[4]}{k[5]}" for k in keys]
        for label, claims in (("说明中的数字未能读回", self.missing_claims),
                              ("说明中读回了多出的数字", self.extra_claims)):
            out += [f"{label}：{_claim_text(k)}" for k in claims]
        return out


def _claim_text(k: ClaimKey) -> str:
    quantity, value, unit, section, table, row, column = k
    where = f"{table}/{row}/{column}" if table else f"“{section}”一节"
    return f"{quantity} {value}{unit}（{where}）"


def _serious(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(f for f in findings if f.severity in (Severity.ERROR, Severity.WARNING))


def self_check(path: str | Path, intended: Disclosure, doc_id: str | None = None) -> SelfCheck:
    """Parse ``path`` (a rendered file) and compare it with ``intended`` (the composed disclosure)."""
    from yusuan.api import parse
    from yusuan.audit import check_disclosure

    want_facts, want_claims = fact_keys(intended), intended_claims(intended)
    parsed, _ = parse(path, doc_id)
    if parsed is None:
        return SelfCheck(str(path), False, sum(want_facts.values()), sum(want_claims.values()))
    got_facts = fact_keys(parsed)
    got_claims = claim_keys(parsed.claims, Cells(intended))
    return SelfCheck(
        str(path), True, sum(want_facts.values()), sum(want_claims.values()),
        tuple(sorted((want_facts - got_facts).elements())), tuple(sorted((got_facts - want_facts).elements())),
        tuple(sorted((want_claims - got_claims).elements())), tuple(sorted((got_claims - want_claims).elements())),
        _serious(check_disclosure(parsed).findings), parsed)
