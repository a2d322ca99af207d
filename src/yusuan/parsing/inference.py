"""Placing amounts whose columns were not printed: blank cells dropped, OCR reordering.

A row printed as k amounts for a table of n amount columns can be placed in several ways.
Each candidate placement is scored by the arithmetic identities a correct disclosure
satisfies (合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费, 合计 = sum of funding
sources, a parent row = sum of its children per column, the table total = sum of its 类
rows). The search keeps, for every row, the placements that score best given the other
rows; a row whose best placements still disagree is *ambiguous*: only the columns common
to all of them are kept, the rest is reported, never guessed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache

from yusuan.catalogue import SPENDING_PARTS
from yusuan.text import decimals_of

FISCAL_PARTS = (
    "general_budget", "general_budget_transfer", "gov_fund", "gov_fund_transfer",
    "state_capital", "state_capital_transfer",
)
UNIT_PARTS = ("institution_income", "business_income", "upper_subsidy", "subordinate_remit", "other_income")
CARRYOVER_PARTS = ("carryover", "carryover_fiscal", "carryover_nonfiscal")


def identities(keys: Sequence[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The whole = sum-of-parts identities that apply to a table with these column keys.
    An identity applies when its whole and at least one part are columns of the table."""
    present = set(keys)
    out: list[tuple[str, tuple[str, ...]]] = []

    def add(whole: str, parts: Sequence[str]) -> None:
        found = tuple(p for p in parts if p in present and p != whole)
        if whole in present and found:
            out.append((whole, found))

    add("total", SPENDING_PARTS)
    add("basic", ("personnel", "public"))
    if "basic" not in present:
        add("total", ("personnel", "public", "project"))
    add("fiscal", FISCAL_PARTS)
    for group in ("fiscal", "nonfiscal"):  # 上年结转结余表: 财政拨款 / 非财政拨款, each split
        add(group, (f"{group}_basic", f"{group}_project") if f"{group}_basic" in present
            else (f"{group}_personnel", f"{group}_public", f"{group}_project"))
        add(f"{group}_basic", (f"{group}_personnel", f"{group}_public"))
    add("unit_funds", UNIT_PARTS)
    fiscal = ("fiscal",) if "fiscal" in present else FISCAL_PARTS
    unit = ("unit_funds",) if "unit_funds" in present else UNIT_PARTS
    current = (*fiscal, "fiscal_special", *unit, "nonfiscal")
    if "year_total" in present:  # 本年收入小计 beside 上年结转
        add("year_total", current)
        add("total", ("year_total", *CARRYOVER_PARTS))
    else:
        add("total", (*current, *CARRYOVER_PARTS))
    econ = tuple(k for k in keys if k.startswith("econ_"))
    add("total", econ)
    # Keep each distinct identity once (the substitutions above can repeat one).
    return tuple(dict.fromkeys(out))


def tolerance(values: Sequence[Decimal]) -> Decimal:
    """Rounding slack of a printed sum: half a unit of the last printed place per term."""
    places = max((decimals_of(v) for v in values), default=2)
    return len(values) * _half_unit(places)


@cache
def _half_unit(places: int) -> Decimal:
    return Decimal(5) / Decimal(10) ** (places + 1)


def check(values: dict[str, Decimal], whole: str, parts: Sequence[str], unit: Decimal | int | None = None) -> int:
    """+1 when the identity holds, -1 when it fails, 0 when nothing of it is printed.
    The solver passes amounts scaled to integers (``unit`` 1); callers may pass Decimals."""
    terms = [values[p] for p in parts if p in values]
    if whole not in values and not terms:
        return 0
    total = values.get(whole, 0)
    diff = abs(total - sum(terms, 0))
    slack = (len(terms) + 1) * unit if unit is not None else tolerance([total, *terms])
    return 1 if diff <= slack else -1


def placements(k: int, n: int, ordered: bool) -> Iterator[tuple[int, ...]]:
    """Column indices for k amounts among n columns: increasing when the print order is
    the column order (text extraction), any arrangement when it is not (OCR)."""
    if k > n:
        return iter(())
    if ordered:
        return itertools.combinations(range(n), k)
    return itertools.permutations(range(n), k)


Amount = Decimal | int  # printed amounts; the solver works on them scaled to ints


@dataclass
class Item:
    """One row to place: its amounts in print order and where it sits in the hierarchy."""

    code: str  # classification code, "TOTAL", or "" (no hierarchy)
    amounts: tuple[Amount, ...]
    ordered: bool = True
    fixed: dict[str, Amount] = field(default_factory=dict)  # values already known (grid cells)
    allowed: tuple[str, ...] | None = None  # restrict candidate columns (None: all)


@dataclass(frozen=True)
class Placement:
    values: dict[str, Decimal]
    columns: tuple[str, ...]  # column of each amount, parallel to Item.amounts
    confidence: float
    reason: str
    ambiguous: tuple[int, ...] = ()  # indices of amounts left unplaced (evidence ties)
    alternatives: int = 1


_MAX_CANDIDATES = 60000


Candidate = tuple[int, tuple[str, ...], dict[str, Amount]]  # (row identity score, columns, values)


class Placements:
    """Every placement of a row: each one's row-identity score and columns. Its values are
    built when it is first read, then kept, so a placement read twice is the same object
    (most placements are only scanned for their score: a row keeps its best)."""

    __slots__ = ("_amounts", "_built", "_fixed", "_levels", "names", "scores")

    def __init__(self, amounts: tuple[Amount, ...], fixed: dict[str, Amount]) -> None:
        self.scores: list[int] = []
        self.names: list[tuple[str, ...]] = []
        self._amounts = amounts
        self._fixed = fixed
        self._built: dict[int, Candidate] = {}
        self._levels: list[tuple[int, list[int]]] | None = None

    def __len__(self) -> int:
        return len(self.scores)

    def __iter__(self) -> Iterator[Candidate]:
        return (self[j] for j in range(len(self.scores)))

    def levels(self) -> list[tuple[int, list[int]]]:
        """The placements by score, best first: (score, their indices in order)."""
        if self._levels is None:
            by: dict[int, list[int]] = {}
            for j, score in enumerate(self.scores):
                by.setdefault(score, []).append(j)
            self._levels = sorted(by.items(), reverse=True)
        return self._levels

    def __getitem__(self, j: int) -> Candidate:
        built = self._built.get(j)
        if built is None:
            values = dict(self._fixed)
            values.update(zip(self.names[j], self._amounts, strict=True))
            built = self._built[j] = (self.scores[j], self.names[j], values)
        return built


def _all_candidates(item: Item, keys: tuple[str, ...], idents: tuple[tuple[str, tuple[str, ...]], ...],
                    unit: Amount) -> Placements:
    """Every placement of the row's amounts with its row-identity score. The same row is
    placed again and again (each re-read of a table, each table of a family): the lists are
    kept for the rows seen last. Callers only read them."""
    return _all_candidates_of(item.amounts, item.ordered, tuple(item.fixed.items()), item.allowed, keys, idents,
                              unit)


@lru_cache(maxsize=512)
def _all_candidates_of(amounts: tuple[Amount, ...], ordered: bool, fixed_items: tuple[tuple[str, Amount], ...],
                       allowed: tuple[str, ...] | None, keys: tuple[str, ...],
                       idents: tuple[tuple[str, tuple[str, ...]], ...], unit: Amount) -> Placements:
    fixed = dict(fixed_items)
    cols = [c for c in keys if c not in fixed and (allowed is None or c in allowed)]
    out = Placements(amounts, fixed)
    # Distinct column sets give distinct placements; only a reordering of equal amounts
    # can repeat one. Of the reorderings, the first one generated (in lexicographic order)
    # gives equal amounts increasing columns: only that one is kept.
    equal: list[tuple[int, int]] = []
    if not ordered:
        last: dict[Amount, int] = {}
        for at, amount in enumerate(amounts):
            if amount in last:
                equal.append((last[amount], at))
            last[amount] = at
    # ``check`` of each identity, on column positions: a placement puts its amounts in
    # ``slot``; an identity none of whose columns is filled scores 0, so only those a
    # placement touches (a bit mask per column) are evaluated. This loop is the hot one.
    position = {c: i for i, c in enumerate(cols)}
    touching: dict[str, int] = {}
    checks = []
    for n, (whole, parts) in enumerate(idents):
        for col in (whole, *parts):
            touching[col] = touching.get(col, 0) | 1 << n
        fixed_parts = [fixed[p] for p in parts if p in fixed]
        checks.append((position.get(whole, -1), fixed.get(whole, 0), [position[p] for p in parts if p in position],
                       sum(fixed_parts), len(fixed_parts)))
    fixed_touch = 0
    for col in fixed:
        fixed_touch |= touching.get(col, 0)
    col_touch = [touching.get(c, 0) for c in cols]
    slot: list[Amount | None] = [None] * len(cols)
    scores, names_of = out.scores, out.names
    for idx in placements(len(amounts), len(cols), ordered):
        if equal and any(idx[a] > idx[b] for a, b in equal):
            continue
        names = tuple(map(cols.__getitem__, idx))
        touched = fixed_touch
        for i, amount in zip(idx, amounts, strict=True):
            slot[i] = amount
            touched |= col_touch[i]
        score = 0
        n = 0
        while touched:
            if touched & 1:
                whole_at, whole, part_at, total, count = checks[n]
                if whole_at >= 0:
                    whole = slot[whole_at] or 0
                for i in part_at:
                    value = slot[i]
                    if value is not None:
                        total += value
                        count += 1
                score += 1 if abs(whole - total) <= (count + 1) * unit else -1
            touched >>= 1
            n += 1
        for i in idx:
            slot[i] = None
        scores.append(score)
        names_of.append(names)
        if len(scores) >= _MAX_CANDIDATES:
            break
    return out


def _candidates(every: Placements, exclude: frozenset[str]) -> list[Candidate]:
    """The placements that avoid the excluded columns and hold the most row identities."""
    names = every.names
    for _, level in every.levels():  # the best level with a placement that avoids them
        kept = [j for j in level if exclude.isdisjoint(names[j])] if exclude else level
        if kept:
            return [every[j] for j in kept]
    return []


def _groups(codes: Sequence[str]) -> list[tuple[int, list[int]]]:
    """(parent index, child indices) for rows whose codes nest (2101501 under 21015) and for
    the total row over the 类 rows."""
    index = {c: i for i, c in enumerate(codes) if c and c != "TOTAL"}
    children: dict[int, list[int]] = {}
    for i, code in enumerate(codes):
        if not code or code == "TOTAL" or not code.isdigit():
            continue
        parent = code[:-2] if len(code) > 3 else None
        if parent and parent in index:
            children.setdefault(index[parent], []).append(i)
    tops = [i for i, c in enumerate(codes) if c.isdigit() and len(c) == 3]
    for i, code in enumerate(codes):
        if code == "TOTAL" and tops:
            children.setdefault(i, []).extend(tops)
    return sorted(children.items())


def _group_score(values: Sequence[dict[str, int]] | dict[int, dict[str, int]], parent: int, kids: Sequence[int],
                 keys: frozenset[str]) -> tuple[int, int]:
    """(identities held minus identities failed, total absolute difference): the count
    decides, the difference leads the search out of plateaus where one move alone fixes
    nothing (a parent whose children all sit in the wrong column). Amounts are scaled
    integers whose rounding unit is 1."""
    score, gap = 0, 0
    head = values[parent]
    # Only columns printed in the parent or a child take part; most rows fill few columns:
    # the children's sums are gathered from what they print, not column by column.
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    for k in kids:
        for key, value in values[k].items():
            sums[key] = sums.get(key, 0) + value
            counts[key] = counts.get(key, 0) + 1
    # Only the columns printed in the parent or a child count (the sum is order-free).
    for key in _present(sums, head, keys):
        diff = abs(head.get(key, 0) - sums.get(key, 0))
        if diff <= counts.get(key, 0) + 1:
            score += 1
        else:
            score -= 1
            gap += diff
    return score, gap


def _present(sums: dict[str, int], head: dict[str, int], keys: frozenset[str],
             add: dict[str, int] | None = None) -> set[str]:
    """The table's columns printed in any of the rows' values (a scored sum is order-free)."""
    found = sums.keys() | head.keys()
    if add:
        found |= add.keys()
    return found if found <= keys else found & keys


def sum_gaps(codes: Sequence[str], values: Sequence[dict[str, Decimal]], keys: Sequence[str]
             ) -> list[tuple[int, str, Decimal, Decimal]]:
    """(parent index, column, printed, sum of children) for every parent row whose children
    do not add up in a column, beyond rounding."""
    unit = _half_unit(max((decimals_of(v) for row in values for v in row.values()), default=2))
    out: list[tuple[int, str, Decimal, Decimal]] = []
    for parent, kids in _groups(codes):
        for key in keys:
            terms = [values[k][key] for k in kids if key in values[k]]
            whole = values[parent].get(key)
            if whole is None and not terms:
                continue
            total = sum(terms, Decimal(0))
            printed = whole if whole is not None else Decimal(0)
            if abs(printed - total) > (len(terms) + 1) * unit:
                out.append((parent, key, printed, total))
    return out


@lru_cache(maxsize=64)
def _positions(keys: tuple[str, ...]) -> dict[str, int]:
    return {k: keys.index(k) for k in keys}


def order_holds(amounts: Sequence[Decimal], keys: Sequence[str]) -> bool:
    """Whether reading the amounts in print order fits the row identities as well as any
    order does: then the print order is kept as evidence (OCR reorders only sometimes)."""
    keys = tuple(keys)
    idents = identities(keys)
    scale = _scale(amounts)
    scaled = tuple(_scaled(a, scale) for a in amounts)

    def best(ordered: bool) -> int:
        if not ordered and _count(len(scaled), len(keys), ordered) <= _MAX_CANDIDATES:
            return _best_any_order(scaled, keys, idents)
        found = _all_candidates(Item("", scaled, ordered=ordered), keys, idents, 1)
        return max(found.scores, default=-len(idents) - 1)

    in_order = best(True)
    # Every identity holding is the most any order can reach: no need to try the others.
    return in_order >= len(idents) or in_order >= best(False)


def _count(k: int, n: int, ordered: bool) -> int:
    """How many placements ``placements(k, n, ordered)`` yields."""
    if k > n:
        return 0
    return math.comb(n, k) if ordered else math.perm(n, k)


def _best_any_order(amounts: tuple[int, ...], keys: tuple[str, ...],
                    idents: tuple[tuple[str, tuple[str, ...]], ...]) -> int:
    """The best row-identity score of the amounts in any arrangement (scaled, unit 1): what
    the best of ``_all_candidates(..., ordered=False)`` scores, found by placing amounts in
    the columns the identities read only; the others go to columns no identity reads."""
    if len(amounts) > len(keys):
        return -len(idents) - 1
    read = {c for whole, parts in idents for c in (whole, *parts)}
    relevant = [c for c in keys if c in read]
    spare = len(keys) - len(relevant)
    best: int | None = None
    for j in range(min(len(amounts), len(relevant)) + 1):
        if len(amounts) - j > spare:
            continue  # the amounts left over would have no column
        for chosen in itertools.combinations(range(len(amounts)), j):
            for cols in itertools.permutations(relevant, j):
                values = {c: amounts[a] for c, a in zip(cols, chosen, strict=True)}
                score = sum(check(values, whole, parts, 1) for whole, parts in idents)
                if best is None or score > best:
                    best = score
                    if best == len(idents):
                        return best  # every identity holds: no arrangement scores more
    return best if best is not None else -len(idents) - 1


def _scale(values: Iterable[Decimal]) -> int:
    """The factor that turns every amount into an integer whose rounding unit (half of the
    finest printed place) is 1: the search then runs on ints, several times faster than
    Decimal, and stays exact."""
    places = max((decimals_of(v) for v in values), default=2)
    return 2 * 10 ** places


def _scaled(value: Decimal, scale: int) -> int:
    return int(value * scale)


def _scale_item(item: Item, scale: int) -> Item:
    return Item(item.code, tuple(_scaled(a, scale) for a in item.amounts), item.ordered,
                {k: _scaled(v, scale) for k, v in item.fixed.items()}, item.allowed)


# Row scores kept across the searches of one table: (row, ids of its neighbours' choices)
# -> (the row's candidates, the neighbours' chosen placements, the scores).
_Memo = dict[tuple[int, ...], tuple[list[Candidate], tuple[Candidate, ...], list[tuple[int, int]]]]


@dataclass
class _Solution:
    cands: list[list[Candidate]]
    choice: list[int]
    local: list[int]  # hierarchy + evidence score of each row's choice
    ties: list[list[int]]
    score: int
    raw: list[list[Candidate]]  # each row's best placements avoiding ``exclude`` (may be none)
    exclude: frozenset[str]


def _effect(key: str, value: int, as_kid: list[tuple[dict[str, int], dict[str, int], dict[str, int],
                                                    dict[str, tuple[int, int]]]],
            as_parent: list[tuple[dict[str, int], dict[str, int], dict[str, tuple[int, int]]]]) -> tuple[int, int]:
    """(score, gap) that a row printing ``value`` in column ``key`` adds to its groups, from
    their scores with the row blank: as a child (the parent's value, the other children's
    sums and counts, the column scores) and as the parent (the children's sums, counts,
    column scores)."""
    score = gap = 0
    for head, sums, counts, own in as_kid:
        was = own.get(key)
        if was is not None:
            score, gap = score - was[0], gap - was[1]
        diff = abs(head.get(key, 0) - sums.get(key, 0) - value)
        if diff <= counts.get(key, 0) + 2:
            score += 1
        else:
            score, gap = score - 1, gap + diff
    for sums, counts, own in as_parent:
        was = own.get(key)
        if was is not None:
            score, gap = score - was[0], gap - was[1]
        diff = abs(value - sums.get(key, 0))
        if diff <= counts.get(key, 0) + 1:
            score += 1
        else:
            score, gap = score - 1, gap + diff
    return score, gap


def _bound(cands: list[list[Candidate]], groups: list[tuple[int, list[int]]],
           evidence: dict[int, dict[str, int]], keys: frozenset[str]) -> int:
    """A score no choice among the candidates can exceed: each row's best row-identity
    score, each group's columns that any of its rows' candidates prints (a column scores
    at most 1), and every stated value met (2 each)."""
    printed = []
    for row in cands:
        columns: set[str] = set()
        for cand in row:
            columns.update(cand[2])
        printed.append(columns)
    bound = sum(max(cand[0] for cand in row) for row in cands)
    for parent, kids in groups:
        bound += len(keys & printed[parent].union(*(printed[k] for k in kids)))
    return bound + sum(2 * len(stated) for i, stated in evidence.items() if i < len(cands))


def _neighbours(row: int, member: dict[int, list[int]], groups: list[tuple[int, list[int]]]) -> set[int]:
    """The row and every row sharing a hierarchy group with it."""
    out = {row}
    for g in member.get(row, []):
        out.add(groups[g][0])
        out.update(groups[g][1])
    return out


def _solve(items: Sequence[Item], keys: tuple[str, ...], exclude: frozenset[str],
           evidence: dict[int, dict[str, int]], every: list[Placements],
           start: _Solution | None = None, detail: bool = True, enough: int | None = None,
           memo: _Memo | None = None
           ) -> _Solution:
    """Local search over the rows' candidate placements (amounts scaled to ints, unit 1).
    ``start``: a solution to begin from (its choices that avoid ``exclude`` are kept), so a
    re-solve with one column excluded converges in a round or two. ``memo``: row scores kept
    across the searches of one table (same rows, groups and evidence), see ``row_scores``."""
    idents = identities(keys)
    keyset = frozenset(keys)
    if start is not None and start.exclude <= exclude:
        # The best placements avoiding more columns: the start's best that avoid them too,
        # when there are any (they score the same); else a search of the row's full list.
        added = exclude - start.exclude
        raw = [[c for c in was if added.isdisjoint(c[1])] or _candidates(e, exclude)
               for was, e in zip(start.raw, every, strict=True)]
    else:
        raw = [_candidates(e, exclude) for e in every]
    cands = list(raw)
    for i, it in enumerate(items):
        if not cands[i]:  # nothing fits: keep the fixed values only
            cands[i] = [(-len(idents) - 1 if it.amounts else 0, (), dict(it.fixed))]
    groups = _groups([it.code for it in items])
    member: dict[int, list[int]] = {}
    for g, (parent, kids) in enumerate(groups):
        member.setdefault(parent, []).append(g)
        for k in kids:
            member.setdefault(k, []).append(g)
    if enough is not None:
        bound = _bound(cands, groups, evidence, keyset)
        if bound < enough:  # no choice of placements can reach it: no search needed
            return _Solution(cands, [0] * len(cands), [], [], bound, raw, exclude)
    position = _positions(keys)
    # Each candidate's tie-break, computed once per search (rows are looked at many times).
    priors = [[-sum(map(position.__getitem__, cand[1])) for cand in c] for c in cands]
    choice = [p.index(max(p)) for p in priors]
    # Rows whose best move may have changed since they were last looked at: all of them on a
    # cold start; on a warm start only the rows whose choice was excluded and their groups.
    dirty = set(range(len(items)))
    if start is not None:
        moved = set()
        for i, c in enumerate(cands):
            was = start.cands[i][start.choice[i]]
            kept = next((j for j, cand in enumerate(c) if cand is was), None)
            if kept is None:
                moved.add(i)
            else:
                choice[i] = kept
        dirty = set(moved)
        for i in moved:
            dirty.update(_neighbours(i, member, groups))

    def scorer(moving: tuple[int, ...]) -> Callable[[Sequence[dict[str, int]]], tuple[int, int]]:
        """Score of the groups and evidence touching the ``moving`` rows, as a function of the
        values those rows take (parallel to ``moving``). Score and gap add up column by
        column: the columns are scored once with the moving rows blank, and each tried
        combination re-scores only the columns the moving rows print."""
        touched = sorted({g for i in moving for g in member.get(i, [])})
        at = {r: n for n, r in enumerate(moving)}
        base_score, base_gap = 0, 0
        parts = []
        for g in touched:
            parent, kids = groups[g]
            sums: dict[str, int] = {}
            counts: dict[str, int] = {}
            for k in kids:
                if k not in at:
                    for key, value in cands[k][choice[k]][2].items():
                        sums[key] = sums.get(key, 0) + value
                        counts[key] = counts.get(key, 0) + 1
            head_at = at.get(parent)
            head = {} if head_at is not None else cands[parent][choice[parent]][2]
            own: dict[str, tuple[int, int]] = {}
            for key in _present(sums, head, keyset):
                diff = abs(head.get(key, 0) - sums.get(key, 0))
                own[key] = (1, 0) if diff <= counts.get(key, 0) + 1 else (-1, diff)
                base_score, base_gap = base_score + own[key][0], base_gap + own[key][1]
            movers = [at[k] for k in kids if k in at]
            parts.append((head_at, head, sums, counts, movers,
                          movers if head_at is None else [head_at, *movers], own))
        stated = [(n, evidence[i]) for n, i in enumerate(moving) if i in evidence]

        def delta(part: tuple, vals: Sequence[dict[str, int]]) -> tuple[int, int]:
            """(score, gap) the moving rows add to one group, from its score with them blank."""
            head_at, head, sums, counts, movers, readers, own = part
            if head_at is not None:
                head = vals[head_at]
            score = gap = 0
            changed = {key for r in readers for key in vals[r]}
            for key in changed:
                if key not in keyset:
                    continue
                was = own.get(key)
                if was is not None:
                    score, gap = score - was[0], gap - was[1]
                total, count = sums.get(key, 0), counts.get(key, 0)
                for m in movers:
                    value = vals[m].get(key)
                    if value is not None:
                        total += value
                        count += 1
                diff = abs(head.get(key, 0) - total)
                if diff <= count + 1:
                    score += 1
                else:
                    score, gap = score - 1, gap + diff
            return score, gap

        # A group that only one of the moving rows belongs to adds what that row's values
        # give it, whatever the others take: worked out once per value (the pair search
        # tries each placement of one row against every placement of the other).
        alone = [(n, part[5][0]) for n, part in enumerate(parts) if len(part[5]) == 1]
        shared = [part for part in parts if len(part[5]) != 1]
        known_alone: dict[tuple[int, int], tuple[int, int]] = {}

        def score_of(vals: Sequence[dict[str, int]]) -> tuple[int, int]:
            score, gap = base_score, base_gap
            for n, reader in alone:
                key = (n, id(vals[reader]))
                found = known_alone.get(key)
                if found is None:
                    found = known_alone[key] = delta(parts[n], vals)
                score, gap = score + found[0], gap + found[1]
            for part in shared:
                found = delta(part, vals)
                score, gap = score + found[0], gap + found[1]
            for n, known in stated:
                for key, value in known.items():
                    miss = abs(vals[n].get(key, 0) - value)
                    if miss <= 2:
                        score += 2
                    else:
                        score, gap = score - 2, gap + miss
            return score, -gap

        return score_of

    # row_scores(i) depends on row i's candidates and the chosen placements of the rows
    # sharing a group with it only: the last result is kept with those and reused while they
    # stand, also by the re-solves of the same table (most rows keep their candidates there).
    others = {i: sorted(_neighbours(i, member, groups) - {i}) for i in range(len(items))}
    scored = memo if memo is not None else {}

    def row_scores(i: int) -> list[tuple[int, int]]:
        state = tuple(cands[r][choice[r]] for r in others[i])
        key = (i, *map(id, state))
        kept = scored.get(key)
        if kept is not None and kept[1] == state and kept[0] == cands[i]:
            return kept[2]
        out = _row_scores(i)
        scored[key] = (cands[i], state, out)
        return out

    def _row_scores(i: int) -> list[tuple[int, int]]:
        """``scorer((i,))`` of every candidate j of row i. Score and gap add up column by
        column: the columns are scored once without row i, and each candidate only
        re-scores the few columns it prints."""
        base_score, base_gap = 0, 0
        as_kid = []  # (parent's values, the other children's sums, counts, column scores)
        as_parent = []  # (the children's sums, counts, column scores with row i blank)
        for g in dict.fromkeys(member.get(i, [])):
            parent, kids = groups[g]
            sums: dict[str, int] = {}
            counts: dict[str, int] = {}
            for k in kids:
                if k != i:
                    for key, value in cands[k][choice[k]][2].items():
                        sums[key] = sums.get(key, 0) + value
                        counts[key] = counts.get(key, 0) + 1
            head = {} if parent == i else cands[parent][choice[parent]][2]
            own: dict[str, tuple[int, int]] = {}
            for key in _present(sums, head, keyset):
                diff = abs(head.get(key, 0) - sums.get(key, 0))
                own[key] = (1, 0) if diff <= counts.get(key, 0) + 1 else (-1, diff)
                base_score, base_gap = base_score + own[key][0], base_gap + own[key][1]
            if parent == i:
                as_parent.append((sums, counts, own))
            else:
                as_kid.append((head, sums, counts, own))
        stated = evidence.get(i, {})
        # What printing ``value`` in column ``key`` adds (score, gap) depends on that pair
        # only, and the placements of a row repeat the same pairs: each is worked out once.
        effect: dict[tuple[str, int], tuple[int, int]] = {}
        out = []
        for cand in cands[i]:
            score, gap = base_score, base_gap
            for pair in cand[2].items():
                found = effect.get(pair)
                if found is None:
                    found = effect[pair] = _effect(*pair, as_kid, as_parent) if pair[0] in keyset else (0, 0)
                score, gap = score + found[0], gap + found[1]
            mine = cand[2]
            for key, value in stated.items():
                miss = abs(mine.get(key, 0) - value)
                if miss <= 2:
                    score += 2
                else:
                    score, gap = score - 2, gap + miss
            out.append((score, -gap))
        return out

    def improve_singles() -> bool:
        changed = False
        for i in sorted(dirty):
            dirty.discard(i)
            if len(cands[i]) < 2:
                continue
            scored = [(*sc, prior) for sc, prior in zip(row_scores(i), priors[i], strict=True)]
            best = max(range(len(scored)), key=scored.__getitem__)
            if scored[best] > scored[choice[i]]:
                choice[i] = best
                dirty.update(_neighbours(i, member, groups))
                changed = True
        return changed

    def improve_pairs() -> bool:
        # Two rows of one group moved together: a parent whose children all sit in the
        # wrong column cannot be repaired one child at a time.
        vals = [cands[r][choice[r]][2] for r in range(len(items))]
        for parent, kids in groups:
            if _group_score(vals, parent, kids, keyset)[1] == 0:
                continue  # this group already adds up
            rows = [r for r in (parent, *kids) if len(cands[r]) > 1]
            for a, b in itertools.combinations(rows, 2):
                if len(cands[a]) * len(cands[b]) > 400:
                    continue
                area = scorer((a, b))
                ca, cb = cands[a], cands[b]
                pa, pb = priors[a], priors[b]
                now = (*area((ca[choice[a]][2], cb[choice[b]][2])), pa[choice[a]] + pb[choice[b]])
                for ja in range(len(ca)):
                    prior_a = pa[ja]
                    for jb in range(len(cb)):
                        if (*area((ca[ja][2], cb[jb][2])), prior_a + pb[jb]) > now:
                            choice[a], choice[b] = ja, jb
                            dirty.update(_neighbours(a, member, groups), _neighbours(b, member, groups))
                            return True
        return False

    def total() -> int:
        vals = [cands[r][choice[r]][2] for r in range(len(items))]
        score = sum(cands[r][choice[r]][0] for r in range(len(items)))
        score += sum(_group_score(vals, p, kids, keyset)[0] for p, kids in groups)
        for i, stated in evidence.items():
            if i < len(items):
                score += sum(2 if abs(vals[i].get(k, 0) - v) <= 2 else -2 for k, v in stated.items())
        return score

    # A move is taken only when it raises the score of the groups and evidence it touches
    # (or keeps it and narrows the gaps), and a row's candidates share one row score: the
    # total never falls, so a caller asking only whether it reaches ``enough`` has its
    # answer as soon as it does.
    for _ in range(50):  # small tables converge in a few rounds
        if enough is not None and total() >= enough:
            break
        if not improve_singles() and not improve_pairs():
            break
    locals_, ties = [], []
    if detail:  # a re-solve is asked for its score only
        for i in range(len(items)):
            scores = [sc[0] for sc in row_scores(i)]
            locals_.append(scores[choice[i]])
            ties.append([j for j, sc in enumerate(scores) if sc == locals_[-1]])
    return _Solution(cands, choice, locals_, ties, total(), raw, exclude)


def solve(items: Sequence[Item], keys: Sequence[str], exclude: frozenset[str] = frozenset(),
          evidence: dict[int, dict[str, Decimal]] | None = None) -> list[Placement]:
    """Place every item's amounts. ``exclude``: columns known to be blank (a funding source
    the document has no income from). ``evidence`` maps an item index to values other tables
    or the other side of the table say it has."""
    keys = tuple(keys)
    evidence = evidence or {}
    scale = _scale(v for it in items for v in (*it.amounts, *it.fixed.values()))
    scaled = [_scale_item(it, scale) for it in items]
    scaled_evidence = {i: {k: _scaled(v, scale) for k, v in stated.items()} for i, stated in evidence.items()}
    idents = identities(keys)
    every = [_all_candidates(it, keys, idents, 1) for it in scaled]
    memo: _Memo = {}
    sol = _solve(scaled, keys, exclude, scaled_evidence, every, memo=memo)
    # A column chosen only because it is further left is not evidence: if the table scores as
    # well without it, its values could sit elsewhere, so they stay unplaced.
    used = {n for i in range(len(items)) for n in sol.cands[i][sol.choice[i]][1]}
    doubtful = {c for c in used if sol.score <= _solve(scaled, keys, exclude | {c}, scaled_evidence, every,
                                                        start=sol, detail=False, enough=sol.score,
                                                        memo=memo).score}

    out: list[Placement] = []
    for i, it in enumerate(items):
        row_score, names, _ = sol.cands[i][sol.choice[i]]
        values = dict(it.fixed)
        values.update(zip(names, it.amounts, strict=False))
        if not it.amounts:
            out.append(Placement(values, (), 1.0, "固定列"))
            continue
        if not names:
            out.append(Placement(dict(it.fixed), ("",) * len(it.amounts), 0.0, "无可用的列位置",
                                 ambiguous=tuple(range(len(it.amounts))), alternatives=0))
            continue
        if row_score < 0:
            reason = "无满足勾稽关系的列位置"
        elif sol.local[i] > 0:
            reason = "由行内及上下级勾稽关系确定"
        else:
            reason = "由行内勾稽关系确定"
        tied = sol.ties[i]
        agreed = [a for a in range(len(names))
                  if names[a] not in doubtful and all(sol.cands[i][j][1][a] == names[a] for j in tied)]
        if len(agreed) == len(names):
            conf = 0.95 if row_score > 0 and (sol.local[i] > 0 or len(sol.cands[i]) == 1) else 0.75
            if row_score < 0:
                conf = 0.3
            out.append(Placement(dict(values), names, conf, reason, alternatives=len(tied)))
            continue
        kept = dict(it.fixed)
        for a in agreed:
            kept[names[a]] = it.amounts[a]
        unplaced = tuple(a for a in range(len(names)) if a not in agreed)
        out.append(Placement(kept, tuple(names[a] if a in agreed else "" for a in range(len(names))),
                             0.9, reason + "；其余金额的列位置有多种同样成立的可能", ambiguous=unplaced,
                             alternatives=max(len(tied), 2)))
    return out
