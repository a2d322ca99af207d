"""Narrative claims over every shared document: how many, how many resolved, how many agree.

    .venv/bin/python benchmarks/claims_coverage.py [PATH ...] [--list]

Default: every document of ../shared/corpus (seeds and real PDFs) when it is there, else the
copies in tests/fixtures. Needs no gold: on a correct document nearly every amount a statement
makes about a 科目 or a total resolves to a code or a table cell, and nearly every one that
resolves to a cell agrees with it at printed precision. A low figure points at a parser gap;
each disagreement is listed with ``--list`` so it can be judged (a real defect, or a misreading).

Columns: claims (all quantities), amt (amount claims of statements about 科目 and totals:
not 绩效/资产/职能 sections, not amounts inside reasons or breakdowns), res (of those, resolved
to a code or a cell), cell (resolved to a cell), agree (cells the amount restates at printed
precision), prior / chg / share (prior-year amounts, changes, shares stated), res% and known%
(resolved, and resolved or recognised as a named total such as 政府采购 where no table prints it).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from yusuan.api import parse
from yusuan.audit.tolerance import Money, Tolerance
from yusuan.model import Claim, Disclosure, MoneyUnit
from yusuan.parsing.links import cell_row

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
NOT_ITEMS = {"performance", "assets", "profile", "glossary"}


def documents(args: list[str]) -> list[Path]:
    if args:
        out: list[Path] = []
        for a in args:
            p = Path(a)
            out += sorted(p.glob("*.pdf")) + sorted(p.glob("*.txt")) if p.is_dir() else [p]
        return out
    base = SHARED if SHARED.exists() else ROOT / "tests" / "fixtures"
    seeds = base / "seeds"
    real = base / "real"
    return sorted(seeds.glob("*.txt")) + sorted(real.glob("*.pdf"))


def item_claims(d: Disclosure) -> list[Claim]:
    topics = {s.heading: s.topic for s in d.narrative}
    return [c for c in d.claims if c.quantity == "amount" and c.statement is not None
            and topics.get(c.section) not in NOT_ITEMS]


def agrees(d: Disclosure, c: Claim) -> tuple[bool, str]:
    assert c.refers_to is not None
    tid, ref, column = c.refers_to
    table = next(t for t in d.tables if t.id == tid)
    row = cell_row(table, ref, column)
    value = row.values.get(column) if row else None
    unit = table.unit or d.meta.narrative_unit or MoneyUnit.WAN
    cell = Money(value, unit) if value is not None else Money(value or 0, unit, exact=True)
    stated = Money(c.value, MoneyUnit(c.unit))
    shown = f"{value}{unit.value}" if value is not None else "空"
    return Tolerance().restates(stated, cell), shown


def main(argv: list[str]) -> int:
    show = "--list" in argv
    paths = documents([a for a in argv if a != "--list"])
    print(f"{'document':<48}{'claims':>7}{'amt':>5}{'res':>5}{'cell':>5}{'agree':>6}{'prior':>6}{'chg':>5}"
          f"{'share':>6}{'res%':>7}{'known%':>7}{'agr%':>7}{'ms':>6}")
    tot = dict(claims=0, amt=0, res=0, known=0, cell=0, agree=0)
    below: list[str] = []
    for path in paths:
        t0 = time.perf_counter()
        d, _ = parse(path)
        ms = (time.perf_counter() - t0) * 1000
        if d is None:
            print(f"{path.stem[:47]:<48} unreadable")
            continue
        items = item_claims(d)
        resolved = [c for c in items if c.code or c.refers_to]
        known = [c for c in items if c.code or c.refers_to or c.key]
        cells = [c for c in items if c.refers_to]
        judged = [(c, *agrees(d, c)) for c in cells]
        agree = sum(1 for _, ok, _ in judged if ok)
        count = {q: sum(1 for c in d.claims if c.quantity.startswith(q)) for q in ("prior", "change", "share")}
        res_pct = len(resolved) / len(items) if items else None
        agr_pct = agree / len(cells) if cells else None
        print(f"{path.stem[:47]:<48}{len(d.claims):>7}{len(items):>5}{len(resolved):>5}{len(cells):>5}{agree:>6}"
              f"{count['prior']:>6}{count['change']:>5}{count['share']:>6}"
              f"{_pct(res_pct):>7}{_pct(len(known) / len(items) if items else None):>7}{_pct(agr_pct):>7}{ms:>6.0f}")
        if d.tables and items and res_pct is not None and res_pct < 0.95:
            below.append(path.stem)
        if show:
            for c in items:
                if not (c.code or c.refers_to or c.key):
                    print(f"    未解析  第{c.source.line}行 {c.subject} {c.value}{c.unit}")
            for c, ok, shown in judged:
                if not ok:
                    print(f"    不一致  第{c.source.line}行 {c.subject} {c.value}{c.unit} ≠ {c.refers_to} {shown}")
        for k, v in (("claims", len(d.claims)), ("amt", len(items)), ("res", len(resolved)), ("known", len(known)),
                     ("cell", len(cells)), ("agree", agree)):
            tot[k] += v
    print(f"\nall: {tot['claims']} claims; {tot['res']}/{tot['amt']} item and total amounts resolved "
          f"({_pct(tot['res'] / tot['amt'] if tot['amt'] else None)}; {tot['known']} with what they are known: "
          f"{_pct(tot['known'] / tot['amt'] if tot['amt'] else None)}); {tot['agree']}/{tot['cell']} linked amounts "
          f"agree with their cell ({_pct(tot['agree'] / tot['cell'] if tot['cell'] else None)})")
    if below:
        print("documents with tables and narrative below 95 % resolved: " + ", ".join(below))
    return 0


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
