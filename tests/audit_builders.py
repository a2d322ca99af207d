"""Small inline model builders for the audit tests (beancount style)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from yusuan.codes import level_of
from yusuan.model import (
    Change,
    Column,
    Disclosure,
    DocKind,
    Figure,
    Meta,
    MoneyUnit,
    NarrativeSection,
    Row,
    Source,
    Table,
)

WAN = MoneyUnit.WAN
_line = iter(range(1, 100000))


def R(code: str, name: str = "", side: str | None = None, **values: str) -> Row:
    return Row(code=code, name=name or code, values={k: Decimal(v) for k, v in values.items()},
               source=Source(line=next(_line)), level=level_of(code) if code.isdigit() else None, side=side)


def T(table_id: str, *rows: Row, unit: MoneyUnit = WAN, empty: bool = False, reason: str | None = None,
      title: str | None = None) -> Table:
    cols = tuple(Column(k, k) for k in dict.fromkeys(k for r in rows for k in r.values))
    return Table(id=table_id, title=title or f"2025年{table_id}表", number=None, unit=unit, columns=cols, rows=rows,
                 empty=empty, empty_reason=reason, source=Source(line=next(_line)))


def F(subject: str, amount: str, *, share: str | None = None, refers_to: tuple[str, str, str] | None = None,
      change: tuple[str, str, str] | None = None, unit: MoneyUnit = WAN, reason: str | None = None) -> Figure:
    ch = Change(change[0], Decimal(change[1]), Decimal(change[2])) if change else None
    return Figure(subject=subject, amount=Decimal(amount), unit=unit, share=Decimal(share) if share else None,
                  change=ch, refers_to=refers_to, sentence=f"{subject}{amount}万元", reason=reason,
                  source=Source(line=next(_line)))


def S(topic: str, *figures: Figure, text: str = "", heading: str = "说明") -> NarrativeSection:
    return NarrativeSection(heading=heading, topic=topic, text=text or "；".join(f.sentence for f in figures),
                            figures=figures, source=Source(line=next(_line)))


def D(*tables: Table, **kw: Any) -> Disclosure:
    meta = Meta(doc=kw.pop("doc", "t"), path=None, unit_name=kw.pop("unit_name", "测试单位"), unit_code=None,
                year=kw.pop("year", 2025), format=kw.pop("format", "text"), kind=kw.pop("kind", DocKind.BUDGET),
                scope=kw.pop("scope", None), parts=kw.pop("parts", ()))
    return Disclosure(meta=meta, tables=tables, **kw)
