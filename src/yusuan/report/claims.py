"""Claims: the narrative's quantities in the long format of DESIGN §4b, one per row.

    doc, page, line, section, code, subject, table, row_code, column, quantity, value, unit, basis, year

Values are exactly as printed (no separators, trailing zeros kept); changes are signed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from yusuan.model import Claim, Disclosure
from yusuan.text import parse_amount

CLAIM_FIELDS = ("doc", "page", "line", "section", "code", "subject", "table", "row_code", "column", "quantity",
                "value", "unit", "basis", "year")


def claim_row(doc: str, claim: Claim) -> tuple[str, ...]:
    table, row_code, column = claim.refers_to or ("", "", "")
    src = claim.source
    return (doc, str(src.page or ""), str(src.line or ""), claim.section, claim.code or "", claim.subject, table,
            row_code, column, claim.quantity, str(claim.value), claim.unit, claim.basis,
            str(claim.year) if claim.year is not None else "")


def claim_rows(disclosures: Iterable[Disclosure]) -> Iterator[tuple[str, ...]]:
    for disclosure in disclosures:
        for claim in disclosure.claims:
            yield claim_row(disclosure.meta.doc, claim)


def write_claims_csv(disclosures: Iterable[Disclosure], out: io.TextIOBase | io.StringIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CLAIM_FIELDS)
    count = 0
    for row in claim_rows(disclosures):
        writer.writerow(row)
        count += 1
    return count


def read_claims_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def claim_key(row: dict[str, str], fields: tuple[str, ...]) -> tuple[str, ...]:
    """A claim row reduced to ``fields``; values compared as numbers ("2.50" == "2.5")."""
    out = []
    for f in fields:
        value = row.get(f, "") or ""
        if f == "value":
            number = parse_amount(value)
            value = str(number.normalize()) if number is not None else value
        out.append(value)
    return tuple(out)


def agreement(got: list[dict[str, str]], want: list[dict[str, str]],
              fields: tuple[str, ...] = ("quantity", "value", "code")) -> tuple[int, float, float]:
    """Claims in both lists (as multisets over ``fields``), precision and recall of ``got``."""
    from collections import Counter

    g = Counter(claim_key(r, fields) for r in got)
    w = Counter(claim_key(r, fields) for r in want)
    matched = sum((g & w).values())
    return matched, matched / len(got) if got else 1.0, matched / len(want) if want else 1.0
