"""Parser facts against hand-checked expected facts (tests/expected/<stem>.facts.csv).

Every ``tests/expected/*.facts.csv`` is picked up: the file stem names the seed text in
tests/fixtures/seeds or the real PDF in tests/fixtures/real. The files cover every value of
every financial table (all table ids but performance_* and catalogue), checked by reading
the document, not copied from the parser. Files listed in ``EXACT`` must match exactly;
any other needs recall >= ``MIN_RECALL``, no fact the document does not print, and every
missed fact covered by a diagnostic on its table (the parser said it could not read it).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from yusuan import api
from yusuan.report.facts import Fact, facts, read_facts_csv

EXPECTED = Path(__file__).parent / "expected"
SEEDS = Path(__file__).parent / "fixtures" / "seeds"
REAL = Path(__file__).parent / "fixtures" / "real"
# Exact: seeds, SH 决算 101, JS 129 and 137 (narrative + tables), 132 and 136 (表格 halves of
# pairs).
EXACT = {"000", "001", "002", "004", "101", "129", "132", "136", "137"}
MIN_RECALL = 0.98
CASES = sorted(EXPECTED.glob("*.facts.csv"))


def _key(fact: Fact) -> tuple[str, ...]:
    return (fact.table, fact.row_code, fact.row_name, fact.column, fact.value, fact.unit)


def _financial(fact: Fact) -> bool:
    return not fact.table.startswith("performance_") and fact.table != "catalogue"


def compare(expected: Counter[tuple[str, ...]], actual: Counter[tuple[str, ...]]) -> tuple[float, float]:
    hit = sum((expected & actual).values())
    precision = hit / sum(actual.values()) if actual else 1.0
    recall = hit / sum(expected.values()) if expected else 1.0
    return precision, recall


@pytest.mark.parametrize("path", CASES, ids=[p.name.split("_")[0] for p in CASES])
def test_facts_match_expected(path: Path) -> None:
    stem = path.name.removesuffix(".facts.csv")
    source = SEEDS / f"{stem}.txt" if (SEEDS / f"{stem}.txt").exists() else REAL / f"{stem}.pdf"
    disclosure, diagnostics = api.parse(source)
    assert disclosure is not None
    expected = Counter(_key(f) for f in read_facts_csv(path.read_text(encoding="utf-8")))
    actual = Counter(_key(f) for f in facts(disclosure) if _financial(f))
    precision, recall = compare(expected, actual)
    print(f"{stem}: precision {precision:.4f} recall {recall:.4f}")
    missing = expected - actual
    extra = actual - expected
    if stem[:3] in EXACT:
        assert not missing and not extra, f"missing {sorted(missing)[:10]} extra {sorted(extra)[:10]}"
        return
    assert recall >= MIN_RECALL, f"recall {recall:.4f}; missing {sorted(missing)[:10]}"
    assert not extra, f"facts the document does not print: {sorted(extra)[:10]}"
    diagnosed = {d.table for d in diagnostics if d.table}
    uncovered = [m for m in missing if m[0] not in diagnosed]
    assert not uncovered, f"misses without a diagnostic: {uncovered[:10]}"


def test_expected_files_cover_the_exact_seeds() -> None:
    names = {p.name[:3] for p in CASES}
    assert names >= EXACT


def test_compare_counts_duplicates() -> None:
    row = ("summary", "TOTAL", "支出总计", "total", "1", "元")
    precision, recall = compare(Counter({row: 2}), Counter({row: 1}))
    assert precision == 1.0 and recall == 0.5
