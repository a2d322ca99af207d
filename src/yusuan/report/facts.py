"""Facts: the long format of DESIGN §4, one value per row.

    doc, table, row_code, row_name, column, value, unit

Values are written exactly as printed (``str(Decimal)``), blank cells produce no fact.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from yusuan.model import Disclosure

FACT_FIELDS = ("doc", "table", "row_code", "row_name", "column", "value", "unit")


@dataclass(frozen=True)
class Fact:
    doc: str
    table: str
    row_code: str
    row_name: str
    column: str
    value: str
    unit: str

    def as_tuple(self) -> tuple[str, ...]:
        return (self.doc, self.table, self.row_code, self.row_name, self.column, self.value, self.unit)


def facts(disclosure: Disclosure) -> Iterator[Fact]:
    doc = disclosure.meta.doc
    for table in disclosure.tables:
        unit = table.unit.value if table.unit else ""
        for row in table.rows:
            for column, value in row.values.items():
                yield Fact(doc, table.id, row.code, row.name, column, str(value), unit)


def write_facts_csv(disclosures: Iterable[Disclosure], out: io.TextIOBase | io.StringIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FACT_FIELDS)
    count = 0
    for disclosure in disclosures:
        for fact in facts(disclosure):
            writer.writerow(fact.as_tuple())
            count += 1
    return count


def read_facts_csv(text: str) -> list[Fact]:
    return [Fact(**row) for row in csv.DictReader(io.StringIO(text))]
