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
from yusuan.publication import group_halves, merge
from yusuan.report.claims import CLAIM_FIELDS, agreement, claim_rows, read_claims_csv

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "expected"
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


def _row(name: str, d: Disclosure, ms: float, show: bool, tot: dict[str, int] | None, below: list[str]) -> None:
    """One document's line (and, with ``show``, what did not resolve or agree); adds to ``tot``."""
    items = item_claims(d)
    resolved = [c for c in items if c.code or c.refers_to]
    known = [c for c in items if c.code or c.refers_to or c.key]
    cells = [c for c in items if c.refers_to]
    judged = [(c, *agrees(d, c)) for c in cells]
    agree = sum(1 for _, ok, _ in judged if ok)
    count = {q: sum(1 for c in d.claims if c.quantity.startswith(q)) for q in ("prior", "change", "share")}
    res_pct = len(resolved) / len(items) if items else None
    agr_pct = agree / len(cells) if cells else None
    print(f"{name[:47]:<48}{len(d.claims):>7}{len(items):>5}{len(resolved):>5}{len(cells):>5}{agree:>6}"
          f"{count['prior']:>6}{count['change']:>5}{count['share']:>6}"
          f"{_pct(res_pct):>7}{_pct(len(known) / len(items) if items else None):>7}{_pct(agr_pct):>7}{ms:>6.0f}")
    if d.tables and items and len(known) / len(items) < 0.95:
        below.append(f"{name[:3] if tot is not None else name} ({len(known) / len(items):.0%})")
    if show:
        for c in items:
            if not (c.code or c.refers_to or c.key):
                print(f"    未解析  第{c.source.line}行 {c.subject} {c.value}{c.unit}")
        for c, ok, shown in judged:
            if not ok:
                print(f"    不一致  第{c.source.line}行 {c.subject} {c.value}{c.unit} ≠ {c.refers_to} {shown}")
    if tot is not None:
        for k, v in (("claims", len(d.claims)), ("amt", len(items)), ("res", len(resolved)), ("known", len(known)),
                     ("cell", len(cells)), ("agree", agree)):
            tot[k] += v


def main(argv: list[str]) -> int:
    show = "--list" in argv
    paths = documents([a for a in argv if a != "--list"])
    print(f"{'document':<48}{'claims':>7}{'amt':>5}{'res':>5}{'cell':>5}{'agree':>6}{'prior':>6}{'chg':>5}"
          f"{'share':>6}{'res%':>7}{'known%':>7}{'agr%':>7}{'ms':>6}")
    tot = dict(claims=0, amt=0, res=0, known=0, cell=0, agree=0)
    below: list[str] = []
    gold_lines: list[str] = []
    parsed: list[tuple[str, Disclosure]] = []
    for path in paths:
        t0 = time.perf_counter()
        d, _ = parse(path)
        ms = (time.perf_counter() - t0) * 1000
        if d is None:
            print(f"{path.stem[:47]:<48} unreadable")
            continue
        parsed.append((path.stem, d))
        _row(path.stem, d, ms, show, tot, below)
        gold = GOLD / f"{path.stem}.claims.csv"
        if gold.exists():
            got = [dict(zip(CLAIM_FIELDS, r, strict=True)) for r in claim_rows([d])]
            want = read_claims_csv(gold.read_text(encoding="utf-8"))
            scores = [agreement(got, want, f)[1:] for f in (("quantity", "value"), ("quantity", "value", "code"),
                                                             ("line", "quantity", "value"))]
            gold_lines.append(f"{path.stem[:47]:<48}{len(want):>6}" + "".join(f"{p:>8.3f}{r:>7.3f}" for p, r in scores))
    # A 文本 and a 表格 published as two files: their narrative resolves against the other's tables.
    pairs = [g for g in group_halves([d for _, d in parsed]) if len(g) > 1]
    if pairs:
        print("\npublications in two files, checked as one (not counted in the totals):")
        for group in pairs:
            name = "+".join(parsed[i][0][:3] for i in group) + " (publication)"
            _row(name, merge([parsed[i][1] for i in group]), 0.0, show, None, below)
    print(f"\nall: {tot['claims']} claims; {tot['res']}/{tot['amt']} item and total amounts resolved "
          f"({_pct(tot['res'] / tot['amt'] if tot['amt'] else None)}; {tot['known']} with what they are known: "
          f"{_pct(tot['known'] / tot['amt'] if tot['amt'] else None)}); {tot['agree']}/{tot['cell']} linked amounts "
          f"agree with their cell ({_pct(tot['agree'] / tot['cell'] if tot['cell'] else None)})")
    if below:
        print("documents with tables and narrative where fewer than 95 % of item and total amounts are known "
              "(code, cell or named total): " + ", ".join(below))
    if gold_lines:
        print(f"\nagainst hand-checked claims (tests/expected/*.claims.csv): precision / recall by\n"
              f"{'document':<48}{'gold':>6}{'value P':>8}{'R':>7}{'+code P':>8}{'R':>7}{'+line P':>8}{'R':>7}")
        print("\n".join(gold_lines))
    return 0


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
