"""Claims: the narrative's quantities in the long format of DESIGN §4b, one per row.

    doc, page, line, section, code, subject, table, row_code, column, quantity, value, unit, basis, year

Values are exactly as printed (no separators, trailing zeros kept); changes are signed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from yusuan.model import Claim, Disclosure

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
