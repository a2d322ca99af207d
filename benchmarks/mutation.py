"""Mutation benchmark for `yusuan check`.

Perturbs printed amounts of each parsed seed, one at a time — a changed digit, ±1 %, two
swapped digits — in the tables and in the narrative, and reports:

* detection: the share of perturbations that produce a new finding (warning or error), among
  those that break an identity: a table cell on a coded/total row of a table (every such
  cell takes part in a row, column or hierarchy sum) or a narrative amount resolved to a
  table cell, changed by more than its rounding allowance;
* false alarms: error-level findings on the unperturbed seeds whose stated difference is
  within a cent per addend (pure rounding; target 0).

    .venv/bin/python benchmarks/mutation.py [--per-seed 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from yusuan.api import parse
from yusuan.audit import Config, check_disclosure
from yusuan.audit.report import SEVERITY_RANK
from yusuan.model import Disclosure, Severity
from yusuan.text import decimals_of

SEEDS = sorted((Path(__file__).parent.parent / "tests" / "fixtures" / "seeds").glob("*.txt"))
CONFIG = Config(ignore=("COD",))  # code-list notes are not defects


def _digits(v: Decimal) -> str:
    return f"{v:f}"


def change_digit(v: Decimal, rng: random.Random) -> Decimal:
    s = _digits(v)
    pos = [i for i, c in enumerate(s) if c.isdigit()]
    i = rng.choice(pos)
    new = rng.choice([d for d in "0123456789" if d != s[i]])
    return Decimal(s[:i] + new + s[i + 1 :])


def swap_digits(v: Decimal, rng: random.Random) -> Decimal | None:
    s = _digits(v)
    pairs = [i for i in range(len(s) - 1) if s[i].isdigit() and s[i + 1].isdigit() and s[i] != s[i + 1]]
    if not pairs:
        return None
    i = rng.choice(pairs)
    return Decimal(s[:i] + s[i + 1] + s[i] + s[i + 2 :])


def one_percent(v: Decimal, rng: random.Random) -> Decimal:
    q = Decimal(1).scaleb(-decimals_of(v))
    return (v * (Decimal("1.01") if rng.random() < 0.5 else Decimal("0.99"))).quantize(q)


MUTATORS = {"digit": change_digit, "swap": swap_digits, "pct1": one_percent}


def _half(v: Decimal) -> Decimal:
    return Decimal(5).scaleb(-decimals_of(v) - 1)


def table_sites(d: Disclosure) -> list[tuple[int, int, str]]:
    out = []
    for ti, t in enumerate(d.tables):
        if len(t.rows) < 2:
            continue
        for ri, r in enumerate(t.rows):
            if not (r.code.isdigit() or r.code == "TOTAL" or r.key):
                continue
            out += [(ti, ri, c) for c, v in r.values.items() if v != 0]
    return out


def figure_sites(d: Disclosure) -> list[tuple[int, int]]:
    return [(si, fi) for si, s in enumerate(d.narrative) for fi, f in enumerate(s.figures)
            if f.refers_to and f.amount != 0]


def mutate_table(d: Disclosure, site: tuple[int, int, str], new: Decimal) -> Disclosure:
    ti, ri, col = site
    t = d.tables[ti]
    row = t.rows[ri]
    rows = list(t.rows)
    rows[ri] = replace(row, values={**row.values, col: new})
    tables = list(d.tables)
    tables[ti] = replace(t, rows=tuple(rows))
    return replace(d, tables=tuple(tables))


def mutate_figure(d: Disclosure, site: tuple[int, int], new: Decimal) -> Disclosure:
    si, fi = site
    s = d.narrative[si]
    figs = list(s.figures)
    figs[fi] = replace(figs[fi], amount=new)
    narrative = list(d.narrative)
    narrative[si] = replace(s, figures=tuple(figs))
    return replace(d, narrative=tuple(narrative))


def signature(d: Disclosure) -> Counter:
    rep = check_disclosure(d, CONFIG)
    return Counter((f.rule, f.message) for f in rep.findings if SEVERITY_RANK[f.severity] >= 1)


def rounding_errors(d: Disclosure) -> list[str]:
    """Error findings whose two numbers differ by no more than a cent per printed value."""
    out = []
    for f in check_disclosure(d, CONFIG).findings:
        if f.severity != Severity.ERROR:
            continue
        nums = [Decimal(v) for v in f.values.values() if re.fullmatch(r"-?\d+(?:\.\d+)?", v)]
        if len(nums) >= 2 and abs(nums[0] - nums[1]) <= Decimal("0.01") * len(nums):
            out.append(f"{f.rule} {f.message}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-seed", type=int, default=150)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    total = Counter()
    print(f"{'seed':<28}{'kind':<8}{'breaking':>9}{'detected':>9}{'share':>8}")
    for path in SEEDS:
        d, _ = parse(path)
        if d is None:
            continue
        base = signature(d)
        tsites, fsites = table_sites(d), figure_sites(d)
        counts = Counter()
        for kind, sites in (("table", tsites), ("text", fsites)):
            for _ in range(min(args.per_seed, 3 * len(sites))):
                if not sites:
                    break
                site = rng.choice(sites)
                name, mut = rng.choice(list(MUTATORS.items()))
                if kind == "table":
                    old = d.tables[site[0]].rows[site[1]].values[site[2]]  # type: ignore[index]
                else:
                    old = d.narrative[site[0]].figures[site[1]].amount
                new = mut(old, rng)
                if new is None or abs(new - old) <= 2 * _half(old):
                    continue  # within rounding: not an identity break
                m = mutate_table(d, site, new) if kind == "table" else mutate_figure(d, site, new)  # type: ignore[arg-type]
                found = signature(m) - base
                counts[(kind, "breaking")] += 1
                counts[(kind, f"breaking_{name}")] += 1
                if found:
                    counts[(kind, "detected")] += 1
                    counts[(kind, f"detected_{name}")] += 1
        for kind in ("table", "text"):
            b, det = counts[(kind, "breaking")], counts[(kind, "detected")]
            share = f"{det / b:.1%}" if b else "-"
            print(f"{path.stem:<28}{kind:<8}{b:>9}{det:>9}{share:>8}")
        total += counts
        for line in rounding_errors(d):
            print(f"  rounding-only error: {line}")
            total[("all", "rounding_errors")] += 1
    print()
    for kind in ("table", "text"):
        b, det = total[(kind, "breaking")], total[(kind, "detected")]
        per = ", ".join(f"{n} {total[(kind, 'detected_' + n)]}/{total[(kind, 'breaking_' + n)]}" for n in MUTATORS)
        print(f"{kind}: detected {det}/{b} = {det / b:.1%} ({per})" if b else f"{kind}: no perturbations")
    print(f"error-level findings on unperturbed seeds that are only rounding: {total[('all', 'rounding_errors')]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
