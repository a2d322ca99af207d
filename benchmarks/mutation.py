"""Mutation benchmark for `yusuan check`.

Perturbs printed numbers of each parsed document, one at a time — a changed digit, ±1 %, two
swapped digits — in the tables, in the narrative's amounts, and in what the narrative says
about them (prior-year amounts, change rates and amounts, the direction word, the year
compared with, a second amount for the same item, 决算 completion rates), and reports:

* detection: the share of perturbations that produce a new finding (warning or error), among
  those that break an identity or a rule: a table cell on a coded/total row (every such cell
  takes part in a row, column or hierarchy sum), a narrative amount resolved to a table cell,
  or a claim whose recomputation (over the interval its printed precision allows, give or take one
  unit of the last printed digit, which the rules accept as rounding) no longer agrees — each
  changed by more than its rounding allowance;
* false alarms: error-level findings on the unperturbed documents whose stated difference is
  within a cent per addend (pure rounding; target 0).

    .venv/bin/python benchmarks/mutation.py [--per-doc 150] [--seed 7] [--seeds-only] [--misses]
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
from yusuan.audit.tolerance import (
    Money,
    growth_range,
    growth_range_from_change,
    last_place_off,
    percent_range,
    within_percent,
)
from yusuan.model import Change, Disclosure, Figure, Severity
from yusuan.text import decimals_of

FIXTURES = Path(__file__).parent.parent / "tests" / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))
REAL = sorted((FIXTURES / "real").glob("*.pdf"))
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


# --------------------------------------------------------------------------- claims


def _rate_bounds(f: Figure, change: Change) -> tuple[Decimal, Decimal] | None:
    current = Money(f.amount, f.unit)
    if f.prior is not None:
        return growth_range(current, Money(f.prior.amount, f.prior.unit)) if f.prior.amount > 0 else None
    if change.amount is not None:
        return growth_range_from_change(current, Money(change.amount, f.unit), -1 if change.direction == "decrease"
                                        else 1)
    return None


def statement_ok(f: Figure) -> bool:
    """Does the statement agree with itself (the rules' arithmetic, independently restated)?"""
    change = f.change
    if change is not None and change.direction != "flat" and change.percent is not None:
        bounds = _rate_bounds(f, change)
        sign = -1 if change.direction == "decrease" else 1
        stated = change.percent * sign
        if bounds is not None and not (within_percent(stated, bounds) or last_place_off(stated, bounds)):
            return False
    if change is not None and f.prior is not None and change.direction != "flat":
        cur, prior = Money(f.amount, f.unit), Money(f.prior.amount, f.prior.unit)
        if abs(cur.yuan - prior.yuan) > cur.half + prior.half and (cur.yuan > prior.yuan) != (
                change.direction == "increase"):
            return False
        if change.amount is not None:
            sign = -1 if change.direction == "decrease" else 1
            d = Money(change.amount, f.unit)
            if abs(d.yuan * sign - (cur.yuan - prior.yuan)) > cur.half + prior.half + d.half:
                return False
    if change is not None and change.year is not None and f.year is not None and change.year >= f.year:
        return False
    if f.stated is not None and f.stated != f.amount:
        return False
    if f.completion is not None and f.budget is not None:
        bounds = percent_range(Money(f.amount, f.unit), Money(f.budget, f.unit))
        if bounds is not None and not (within_percent(f.completion, bounds) or last_place_off(f.completion, bounds)):
            return False
    return True


def claim_mutations(f: Figure, rng: random.Random) -> list[tuple[str, Figure]]:
    """Perturbations of what a statement says, each a (kind, statement) pair."""
    out: list[tuple[str, Figure]] = []
    change = f.change
    mutate = rng.choice(list(MUTATORS.values()))
    if f.prior is not None and change is not None and f.prior.amount > 0:
        new = mutate(f.prior.amount, rng)
        if new is not None and abs(new - f.prior.amount) > 2 * _half(f.prior.amount):
            out.append(("prior", replace(f, prior=replace(f.prior, amount=new))))
    if change is not None and change.percent is not None and change.direction != "flat" and (
            f.prior is not None or change.amount is not None):
        new = mutate(change.percent, rng)
        if new is not None and abs(new - change.percent) > 2 * _half(change.percent):
            out.append(("rate", replace(f, change=replace(change, percent=new))))
    if change is not None and change.amount is not None and change.direction != "flat" and (
            f.prior is not None or change.percent is not None):
        new = mutate(change.amount, rng)
        if new is not None and abs(new - change.amount) > 2 * _half(change.amount):
            out.append(("change", replace(f, change=replace(change, amount=new))))
    if change is not None and change.direction in ("increase", "decrease") and (
            f.prior is not None or (change.amount is not None and change.percent is not None)):
        flipped = "decrease" if change.direction == "increase" else "increase"
        out.append(("direction", replace(f, change=replace(change, direction=flipped, word=""))))
    if change is not None and f.year is not None:
        out.append(("year", replace(f, change=replace(change, year=f.year))))
    if f.stated is not None:
        new = mutate(f.stated, rng)
        if new is not None and abs(new - f.stated) > 2 * _half(f.stated):
            out.append(("stated", replace(f, stated=new)))
    if f.completion is not None and f.budget is not None:
        new = mutate(f.completion, rng)
        if new is not None and abs(new - f.completion) > 2 * _half(f.completion):
            out.append(("completion", replace(f, completion=new)))
    return out


def claim_sites(d: Disclosure) -> list[tuple[int, int]]:
    return [(si, fi) for si, s in enumerate(d.narrative) for fi, f in enumerate(s.figures) if statement_ok(f)]


def replace_figure(d: Disclosure, site: tuple[int, int], figure: Figure) -> Disclosure:
    si, fi = site
    s = d.narrative[si]
    figs = list(s.figures)
    figs[fi] = figure
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


def _where(d: Disclosure, kind: str, site: tuple) -> str:
    if kind == "table":
        t = d.tables[site[0]]
        row = t.rows[site[1]]
        return f"{t.id} {row.code or row.key} {row.name} [{site[2]}]"
    f = d.narrative[site[0]].figures[site[1]]
    return f"{f.subject} (line {f.source.line})"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-doc", "--per-seed", dest="per_doc", type=int, default=150)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--seeds-only", action="store_true", help="only the four text seeds")
    ap.add_argument("--only", default="", help="only documents whose file name contains this")
    ap.add_argument("--misses", action="store_true", help="print each undetected breaking perturbation")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    total: Counter = Counter()
    kinds = ("table", "text", "claims")
    print(f"{'document':<48}{'kind':<8}{'breaking':>9}{'detected':>9}{'share':>8}")
    for path in SEEDS + ([] if args.seeds_only else REAL):
        if args.only not in path.name:
            continue
        d, _ = parse(path)
        if d is None:
            continue
        base = signature(d)
        tsites, fsites, csites = table_sites(d), figure_sites(d), claim_sites(d)
        counts: Counter = Counter()
        for kind, sites in (("table", tsites), ("text", fsites)):
            for _ in range(min(args.per_doc, 3 * len(sites))):
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
                elif args.misses:
                    print(f"  missed {kind} {_where(d, kind, site)}: {old} -> {new}")
        for _ in range(min(args.per_doc, 3 * len(csites))):
            if not csites:
                break
            site = rng.choice(csites)
            options = [(n, g) for n, g in claim_mutations(d.narrative[site[0]].figures[site[1]], rng)
                       if not statement_ok(g)]  # only what breaks a rule
            if not options:
                continue
            name, figure = rng.choice(options)
            found = signature(replace_figure(d, site, figure)) - base
            counts[("claims", "breaking")] += 1
            counts[("claims", f"breaking_{name}")] += 1
            if found:
                counts[("claims", "detected")] += 1
                counts[("claims", f"detected_{name}")] += 1
            elif args.misses:
                print(f"  missed claim {name}: {figure.subject} (line {figure.source.line})")
        for kind in kinds:
            b, det = counts[(kind, "breaking")], counts[(kind, "detected")]
            if b:
                print(f"{path.stem[:47]:<48}{kind:<8}{b:>9}{det:>9}{det / b:>8.1%}")
        total += counts
        for line in rounding_errors(d):
            print(f"  rounding-only error: {line}")
            total[("all", "rounding_errors")] += 1
    print()
    claim_kinds = sorted({k[1][len("breaking_"):] for k in total if k[0] == "claims" and k[1].startswith("breaking_")})
    for kind in kinds:
        b, det = total[(kind, "breaking")], total[(kind, "detected")]
        names = claim_kinds if kind == "claims" else list(MUTATORS)
        per = ", ".join(f"{n} {total[(kind, 'detected_' + n)]}/{total[(kind, 'breaking_' + n)]}" for n in names)
        print(f"{kind}: detected {det}/{b} = {det / b:.1%} ({per})" if b else f"{kind}: no perturbations")
    print(f"error-level findings on unperturbed documents that are only rounding: {total[('all', 'rounding_errors')]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
